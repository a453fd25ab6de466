"""One process, one port: the HTTP API at /api/v1 (docs at /docs) and the Gradio UI mounted at "/".

The UI is a thin HTTP client of the API; it calls this same server over loopback. It needs no file uploads,
so Gradio's upload endpoints are closed (403) in front of the mount. `uvicorn_options` bounds header size and
connection timeouts for `govassist serve`.
"""

from __future__ import annotations

import json
from typing import Any

import gradio as gr
from fastapi import FastAPI
from starlette.types import ASGIApp, Receive, Scope, Send

from app.api import create_app
from app.settings import Settings
from app.wiring import Services, build_services
from ui.app import build_ui, mount_options
from ui.common import STATIC_DIR

_WILDCARD_HOSTS = {"", "0.0.0.0", "::", "[::]"}
MAX_HEADER_BYTES = 16 * 1024  # request line + headers; uvicorn (h11) answers 400 beyond it
KEEP_ALIVE_S = 5  # idle keep-alive connections are closed after this long
MAX_CONCURRENT = 200  # connections + tasks at once; beyond it uvicorn answers 503 at once instead of queueing


def uvicorn_options() -> dict[str, Any]:
    """Server limits for `uvicorn.run`: header size, idle and shutdown timeouts, concurrency. Forwarded client
    addresses (X-Forwarded-For) are trusted from loopback only (uvicorn's default), where a reverse proxy and
    the UI run; the per-IP limits key on that address."""
    return {
        "h11_max_incomplete_event_size": MAX_HEADER_BYTES,
        "timeout_keep_alive": KEEP_ALIVE_S,
        "timeout_graceful_shutdown": 10,
        "limit_concurrency": MAX_CONCURRENT,
        "proxy_headers": True,
    }


class NoUploadsMiddleware:
    """403 for the mounted UI's file-upload endpoints (/gradio_api/upload, /upload): the UI takes no files."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = str(scope.get("path", "")).rstrip("/")
        if scope["type"] == "http" and (path.endswith("/upload") or "/upload_progress" in path):
            body = json.dumps({"detail": "本服务不接受文件上传", "errors": []}, ensure_ascii=False).encode()
            await send(
                {
                    "type": "http.response.start",
                    "status": 403,
                    "headers": [
                        (b"content-type", b"application/json"),
                        (b"content-length", str(len(body)).encode()),
                    ],
                }
            )
            await send({"type": "http.response.body", "body": body})
            return
        await self.app(scope, receive, send)


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
        max_file_size="1kb",  # belt and braces: uploads are refused in front of the mount anyway
        **mount_options(),
    )
    mounted.add_middleware(NoUploadsMiddleware)
    start = getattr(services.retriever, "start", None)
    if callable(start):
        start()  # load the index in the background now that the app is built
    return mounted


def create_worker_app() -> FastAPI:
    """Factory of one worker of `govassist serve --workers N` (settings from the environment).

    The API only, unless `serve_ui`: the Gradio UI keeps each browser session's state in one process, and the
    workers share one port, so a browser's requests would land in different processes (docs/DEPLOY.md §3)."""
    from app.settings import get_settings

    settings = get_settings()
    if settings.serve_ui:
        return create_server_app(settings)
    services = build_services(settings, background=True)
    app = create_app(services)
    start = getattr(services.retriever, "start", None)
    if callable(start):
        start()
    return app
