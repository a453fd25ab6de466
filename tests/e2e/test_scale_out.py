"""Scale-out on one real PostgreSQL: two hosts (separate GOVASSIST_HOME), one of them with two workers.

Host A ingests and indexes (embedding every chunk once, into the database); host B builds its own snapshot from
the same database without embedding anything. A guide published through A is found through B, and through
both workers of A; unpublished through B, it leaves A. Every wait is on the state, with a generous deadline.
"""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from app.settings import Settings
from guides.loader import FLOWS_DIR, SAMPLES_DIR, load_sample_guides

pytestmark = [pytest.mark.integration, pytest.mark.postgres]

REPO = Path(__file__).resolve().parents[2]
DEADLINE_S = 120  # only a bound on a hung run: each wait ends as soon as the state is reached
NEW_ID = "test-scale-out-otter"
NEW_NAME = "水獭饲养备案登记"
CONSECUTIVE = 6  # several workers share a port: the state must hold for this many requests in a row


def _referenced_guides(folder: Path) -> Path:
    """The sample guides plus the real guides the bundled flows refer to (a small, valid knowledge base)."""
    ids = {m for f in FLOWS_DIR.glob("*.yaml") for m in re.findall(r"\b\d{11,}[0-9A-Z]*\b", f.read_text("utf-8"))}
    source = Settings().guides_file
    if not source.exists():
        pytest.fail(f"shared data missing: {source}")
    lines = [line for line in source.read_text(encoding="utf-8").splitlines() if line.strip()]
    picked = [line for line in lines if json.loads(line).get("TASK_CODE") in ids]
    out = folder / "referenced.jsonl"
    folder.mkdir(parents=True, exist_ok=True)
    out.write_text("\n".join(picked) + "\n", encoding="utf-8")
    return out


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _env(home: Path, db_url: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        DATABASE_URL=db_url,
        GOVASSIST_HOME=str(home),
        GOVASSIST_EMBEDDER="hash",
        GOVASSIST_INDEX_POLL_SECONDS="0.5",
        GRADIO_ANALYTICS_ENABLED="False",
        HF_HUB_OFFLINE="1",
        ANONYMIZED_TELEMETRY="False",
        PYTHONUNBUFFERED="1",
        GOVASSIST_PARAPHRASE_WARM="0",  # three short-lived workers: no background embedding of law openings
    )
    return env


def _cli(env: dict[str, str], *args: str) -> str:
    proc = subprocess.run(
        [sys.executable, "-m", "app.cli", *args], cwd=REPO, env=env, capture_output=True, text=True, timeout=900
    )
    assert proc.returncode == 0, f"govassist {' '.join(args)}: {proc.stderr[-3000:]}"
    return proc.stdout


def _wait(what: str, check: Callable[[], bool], proc: list[subprocess.Popen[bytes]]) -> float:
    t0 = time.monotonic()
    while time.monotonic() - t0 < DEADLINE_S:
        for p in proc:
            assert p.poll() is None, f"a server exited with {p.returncode} while waiting for {what}"
        try:
            if check():
                return time.monotonic() - t0
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise AssertionError(f"not reached within {DEADLINE_S}s: {what}")


class Host:
    def __init__(self, port: int, editor: str) -> None:
        self.http = httpx.Client(base_url=f"http://127.0.0.1:{port}/api/v1", timeout=60, trust_env=False)
        # a new connection per check: a kept-alive one would always reach the same worker
        self.editor = {"Authorization": f"Bearer {editor}", "Connection": "close"}

    def ready(self) -> bool:
        r = self.http.get("/health", headers={"Connection": "close"})
        return r.status_code == 200 and bool(r.json().get("retriever_ready"))

    def top_hit(self, query: str) -> str | None:
        r = self.http.get("/search", params={"q": query, "top_k": 3}, headers=self.editor)
        r.raise_for_status()
        hits = r.json()["hits"]
        return hits[0]["doc_id"] if hits else None

    def holds(self, found: bool) -> bool:
        """The new guide is (or is not) the top hit, for several requests in a row (any worker answers)."""
        return all((self.top_hit(NEW_NAME) == NEW_ID) == found for _ in range(CONSECUTIVE))


@pytest.fixture
def hosts(tmp_path: Path, pg_schema_url: str) -> Iterator[tuple[Host, Host, list[subprocess.Popen[bytes]]]]:
    env_a, env_b = _env(tmp_path / "a", pg_schema_url), _env(tmp_path / "b", pg_schema_url)
    _cli(env_a, "ingest", str(_referenced_guides(tmp_path / "data")), str(SAMPLES_DIR))
    stats_a = json.loads(_cli(env_a, "index", "--quiet").strip().splitlines()[-1])
    stats_b = json.loads(_cli(env_b, "index", "--quiet").strip().splitlines()[-1])
    assert stats_a["embedded"] > 0
    assert stats_b["embedded"] == 0 and stats_b["chunks"] == stats_a["chunks"]  # vectors shared, not redone
    editor = _cli(env_a, "token", "create", "--role", "editor", "--name", "scale").strip().split()[-1]
    procs: list[subprocess.Popen[bytes]] = []
    ports = _free_port(), _free_port()
    for env, port, extra in ((env_a, ports[0], ["--workers", "2"]), (env_b, ports[1], [])):
        log = (tmp_path / f"serve-{port}.log").open("wb")
        cmd = [sys.executable, "-m", "app.cli", "serve", "--host", "127.0.0.1", "--port", str(port), *extra]
        procs.append(subprocess.Popen(cmd, cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT))
    a, b = Host(ports[0], editor), Host(ports[1], editor)
    try:
        # both workers of A must be ready: readiness has to hold on several requests in a row
        _wait("host A ready", lambda: all(a.ready() for _ in range(CONSECUTIVE)), procs)
        _wait("host B ready", b.ready, procs)
        yield a, b, procs
    finally:
        for p in procs:
            p.terminate()
        for p in procs:
            try:
                p.wait(timeout=30)
            except subprocess.TimeoutExpired:
                p.kill()
        for log in tmp_path.glob("serve-*.log"):
            print(log.name, log.read_text(encoding="utf-8", errors="replace")[-2000:])


def test_publish_on_one_host_reaches_the_other_and_every_worker(hosts: Any) -> None:
    a, b, procs = hosts
    assert b.top_hit(NEW_NAME) != NEW_ID and a.top_hit(NEW_NAME) != NEW_ID
    # several workers on one port serve the API only (the UI keeps per-process session state)
    assert a.http.get(a.http.base_url.copy_with(path="/")).status_code == 404
    assert b.http.get(b.http.base_url.copy_with(path="/")).status_code == 200

    base = load_sample_guides()[0].model_dump(mode="json", exclude={"version", "status", "updated_at"})
    body = {**base, "id": NEW_ID, "name": NEW_NAME, "catalogue_name": NEW_NAME, "sub_name": None}
    r = a.http.put(f"/guides/{NEW_ID}", json=body, headers=a.editor)
    assert r.status_code == 200, r.text
    r = a.http.post(f"/guides/{NEW_ID}/publish", headers=a.editor)
    assert r.status_code == 200 and r.json()["indexed"], r.text

    took_b = _wait("published guide found through host B", lambda: b.holds(True), procs)
    took_a = _wait("published guide found through both workers of host A", lambda: a.holds(True), procs)

    # asked as a citizen through the other host: the answer cites the new guide
    token = b.http.post("/auth/citizen").json()["token"]
    reply = b.http.post(
        "/chat", json={"message": f"{NEW_NAME}需要什么材料？"}, headers={"Authorization": f"Bearer {token}"}
    ).json()
    assert any(c["id"].startswith(f"guide:{NEW_ID}#") for c in reply["citations"]), reply

    r = b.http.post(f"/guides/{NEW_ID}/unpublish", headers=b.editor)
    assert r.status_code == 200, r.text
    gone_a = _wait("unpublished guide gone from both workers of host A", lambda: a.holds(False), procs)
    print(f"publish -> host B {took_b:.1f}s, host A workers {took_a:.1f}s; unpublish -> host A {gone_a:.1f}s")
