"""One process, one port: the HTTP API at /api/v1 (docs at /docs) and the Gradio UI mounted at "/".

The UI is a thin HTTP client of the API; it calls this same server over loopback.
"""

from __future__ import annotations

import gradio as gr
from fastapi import FastAPI

from app.api import create_app
from app.settings import Settings
from app.wiring import Services, build_services
from ui.app import build_ui, mount_options
from ui.common import STATIC_DIR

_WILDCARD_HOSTS = {"", "0.0.0.0", "::", "[::]"}


def loopback_base(host: str, port: int) -> str:
    """The URL this server can reach itself at: loopback for wildcard binds, else the bound host."""
    if host in _WILDCARD_HOSTS:
        host = "127.0.0.1"
    elif ":" in host and not host.startswith("["):
        host = f"[{host}]"  # a literal IPv6 address
    return f"http://{host}:{port}"


def create_server_app(
    settings: Settings,
    *,
    services: Services | None = None,
    api_base: str | None = None,
) -> FastAPI:
    """The API app with the UI mounted at "/" (API routes and /docs keep precedence: they are matched first).

    `api_base` is where the UI reaches the API; default: this server's own loopback address from settings.
    """
    if services is None:
        services = build_services(settings, background=True)
    app = create_app(services)
    blocks = build_ui(api_base or loopback_base(settings.host, settings.port))
    mounted = gr.mount_gradio_app(
        app,
        blocks,
        path="/",
        footer_links=[],
        allowed_paths=[str(STATIC_DIR)],
        show_error=False,
        ssr_mode=False,  # no Node server: the service must run offline from one Python process
        **mount_options(),
    )
    start = getattr(services.retriever, "start", None)
    if callable(start):
        start()  # load the index in the background now that the app is built
    return mounted


def create_worker_app() -> FastAPI:
    """Factory of one worker of `govassist serve --workers N` (settings from the environment)."""
    from app.settings import get_settings

    return create_server_app(get_settings())
