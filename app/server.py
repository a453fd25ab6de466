"""One process, one port: the HTTP API at /api/v1 (docs at /docs) and the Gradio UI mounted at "/".

The UI is a thin HTTP client of the API; it calls this same server over loopback. It needs no file uploads,
so Gradio's upload endpoints are closed (403) in front of the mount. `uvicorn_options` bounds header size and
connection timeouts for `govassist serve`.
"""

from __future__ import annotations

import asyncio
import json
from typing import Any

import gradio as gr
from fastapi import FastAPI
from starlette.types import ASGIApp, Receive, Scope, Send
from uvicorn.protocols.http.h11_impl import H11Protocol

from app.api import create_app
from app.api.errors import BodySizeLimitMiddleware
from app.settings import Settings
from app.wiring import Services, build_services
from ui.app import build_ui, mount_options
from ui.common import STATIC_DIR

_WILDCARD_HOSTS = {"", "0.0.0.0", "::", "[::]"}
MAX_HEADER_BYTES = 16 * 1024  # request line + headers; uvicorn (h11) answers 400 beyond it
KEEP_ALIVE_S = 5  # idle keep-alive connections are closed after this long
MAX_CONCURRENT = 200  # connections + tasks at once; beyond it uvicorn answers 503 at once instead of queueing
UI_MAX_BODY_BYTES = 256 * 1024  # any request body to the mounted UI
HEADER_TIMEOUT_S = 10.0  # a request line + headers must arrive within this long (slowloris)


class HeaderTimeoutProtocol(H11Protocol):
    """uvicorn's h11 protocol with a deadline for each request head: a connection that has not sent a complete
    request line and headers within `head_timeout_s` of opening (or of its previous response) is closed.
    uvicorn itself only times out idle keep-alive connections, and any byte received cancels that timer."""

    head_timeout_s = HEADER_TIMEOUT_S
    _head_deadline: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._arm()

    def on_response_complete(self) -> None:
        super().on_response_complete()
        self._arm()

    def connection_lost(self, exc: Exception | None) -> None:
        if self._head_deadline is not None:
            self._head_deadline.cancel()
        super().connection_lost(exc)

    def _arm(self) -> None:
        if self._head_deadline is not None:
            self._head_deadline.cancel()
        self._head_deadline = self.loop.call_later(self.head_timeout_s, self._expire)

    def _expire(self) -> None:
        waiting_for_head = self.cycle is None or self.cycle.response_complete
        if waiting_for_head and not self.transport.is_closing():
            self.transport.close()


def uvicorn_options(header_timeout_s: float = HEADER_TIMEOUT_S) -> dict[str, Any]:
    """Server limits for `uvicorn.run`: header size (h11, which enforces it), a request-head deadline, idle and
    shutdown timeouts, concurrency. Forwarded client addresses (X-Forwarded-For) are trusted from loopback only
    (uvicorn's default), where a reverse proxy and the UI run; the per-IP limits key on that address."""
    http: str | type[H11Protocol] = f"{__name__}:HeaderTimeoutProtocol"  # by name: workers are new processes
    if header_timeout_s != HEADER_TIMEOUT_S:
        http = type("HeaderTimeoutProtocol", (HeaderTimeoutProtocol,), {"head_timeout_s": header_timeout_s})
    return {
        "http": http,
        "h11_max_incomplete_event_size": MAX_HEADER_BYTES,
        "timeout_keep_alive": KEEP_ALIVE_S,
        "timeout_graceful_shutdown": 10,
        "limit_concurrency": MAX_CONCURRENT,
        "proxy_headers": True,
    }


def _json_response(status: int, detail: str) -> tuple[dict[str, Any], dict[str, Any]]:
    body = json.dumps({"detail": detail, "errors": []}, ensure_ascii=False).encode()
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    return {"type": "http.response.start", "status": status, "headers": headers}, {
        "type": "http.response.body",
        "body": body,
    }


class EdgeGuardMiddleware:
    """In front of the API and the UI: 431 for request heads over MAX_HEADER_BYTES (h11 bounds only heads that
    arrive in pieces), and 403 for the UI's file-upload endpoints (/gradio_api/upload, /upload): it takes no files."""

    def __init__(self, app: ASGIApp, max_header_bytes: int = MAX_HEADER_BYTES) -> None:
        self.app = app
        self.max_header_bytes = max_header_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            size = len(scope.get("raw_path") or b"") + len(scope.get("query_string") or b"")
            size += sum(len(k) + len(v) + 4 for k, v in scope.get("headers") or [])
            path = str(scope.get("path", "")).rstrip("/")
            refusal = None
            if size > self.max_header_bytes:
                refusal = _json_response(431, f"请求头过大，不能超过 {self.max_header_bytes // 1024} KB")
            elif path.endswith("/upload") or "/upload_progress" in path:
                refusal = _json_response(403, "本服务不接受文件上传")
            if refusal is not None:
                for message in refusal:
                    await send(message)
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
    # The UI's own endpoints (Gradio queue, config) take small JSON: bound them too (the API has 64 KB).
    mounted.add_middleware(BodySizeLimitMiddleware, max_bytes=UI_MAX_BODY_BYTES, path_prefix="/")
    mounted.add_middleware(EdgeGuardMiddleware)
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
