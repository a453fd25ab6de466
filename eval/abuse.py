"""Abuse benchmark (issue 10): a normal question's latency while 8 clients flood the chat with ~2,000-character
messages, against a real `govassist serve` on loopback, in three configurations started one after the other
in the same run:

- `unprotected`: no cost cap (the dialogue processes every long message) and rate limits out of reach: the
  baseline, what issue 10 measured;
- `cost_cap`: the per-message cost cap only (`max_query_chars`, default 500), rate limits still out of reach;
- `defaults`: the shipped settings (cost cap and the per-token / per-IP rate limits).

Bounded: a fixed number of normal questions per configuration; the flood stops when they are done. Loopback
only. Usage (an index must exist in GOVASSIST_HOME):

    GOVASSIST_HOME=var HF_HUB_OFFLINE=1 python -m eval.abuse [--clients 8] [--questions 40] [--json]
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import httpx

from eval.stats import percentile

QUESTIONS = [
    "社保卡丢了怎么补办",
    "居住证怎么办理",
    "新生儿出生要办哪些手续",
    "个体工商户怎么注册",
    "租房提取公积金需要什么材料",
    "低保怎么申请",
    "灵活就业人员怎么参保",
    "残疾人补贴怎么领",
]
UNLIMITED = "100000/minute"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def long_messages(shared: Path, n: int = 32, size: int = 2000) -> list[str]:
    """Real policy text cut into ~2,000-character messages (different each time, so nothing is cached)."""
    text = "".join(
        p.read_text(encoding="utf-8", errors="ignore")
        for p in sorted((shared / "data" / "policies").glob("*.txt"))
    )
    text = " ".join(text.split())
    step = max(1, (len(text) - size) // n)
    return [text[i * step : i * step + size] for i in range(n)]


class Server:
    def __init__(self, env: dict[str, str]) -> None:
        self.port = _free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        cmd = [sys.executable, "-m", "app.cli", "serve", "--host", "127.0.0.1", "--port", str(self.port)]
        self.proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def wait_ready(self, timeout: float = 300) -> None:
        t0 = time.monotonic()
        while time.monotonic() - t0 < timeout:
            if self.proc.poll() is not None:
                raise RuntimeError("server exited")
            try:
                health = httpx.get(self.base + "/api/v1/health", timeout=2, trust_env=False).json()
                if health.get("retriever_ready"):
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.2)
        raise TimeoutError("server not ready")

    def stop(self) -> None:
        self.proc.terminate()
        self.proc.wait(timeout=30)


def _token(client: httpx.Client) -> str:
    r = client.post("/api/v1/auth/citizen")
    r.raise_for_status()
    return str(r.json()["token"])


def run_config(
    name: str, overrides: dict[str, str], *, clients: int, questions: int, shared: Path
) -> dict[str, Any]:
    env = dict(os.environ) | overrides
    server = Server(env)
    try:
        server.wait_ready()
        with httpx.Client(base_url=server.base, timeout=120, trust_env=False) as http:
            normal_tokens = [_token(http) for _ in range(4)]
            abuser_tokens = [_token(http) for _ in range(clients)]
            for tok in normal_tokens:  # warm-up turn per token (also opens its session)
                http.post(
                    "/api/v1/chat", json={"message": "你好"}, headers={"Authorization": f"Bearer {tok}"}
                )

        def measure() -> list[float]:
            out: list[float] = []
            with httpx.Client(base_url=server.base, timeout=120, trust_env=False) as http:
                sessions: dict[str, str | None] = dict.fromkeys(normal_tokens)
                pairs = zip(itertools.cycle(normal_tokens), itertools.cycle(QUESTIONS), strict=False)
                for tok, q in itertools.islice(pairs, questions):
                    body = {"message": q} | ({"session_id": sessions[tok]} if sessions[tok] else {})
                    t0 = time.perf_counter()
                    r = http.post("/api/v1/chat", json=body, headers={"Authorization": f"Bearer {tok}"})
                    out.append(time.perf_counter() - t0)
                    if r.status_code == 200:
                        sessions[tok] = r.json()["session_id"]
            return out

        quiet = measure()
        stop = threading.Event()
        counts = {"sent": 0, "429": 0}
        lock = threading.Lock()
        messages = long_messages(shared)

        def flood(tok: str, offset: int) -> None:
            session: str | None = None
            with httpx.Client(base_url=server.base, timeout=120, trust_env=False) as http:
                for i in itertools.count(offset):
                    if stop.is_set():
                        return
                    body = {"message": messages[i % len(messages)]} | (
                        {"session_id": session} if session else {}
                    )
                    r = http.post("/api/v1/chat", json=body, headers={"Authorization": f"Bearer {tok}"})
                    if r.status_code == 200:
                        session = r.json()["session_id"]
                    with lock:
                        counts["sent"] += 1
                        counts["429"] += r.status_code == 429
                    if r.status_code == 429:
                        stop.wait(min(5.0, float(r.headers.get("Retry-After", "1"))))

        threads = [threading.Thread(target=flood, args=(t, i * 3)) for i, t in enumerate(abuser_tokens)]
        for t in threads:
            t.start()
        time.sleep(2)  # let the flood build up
        busy = measure()
        stop.set()
        for t in threads:
            t.join()
        return {
            "config": name,
            "quiet_p50_ms": round(statistics.median(quiet) * 1000),
            "quiet_p95_ms": round(percentile(quiet, 95, method="nearest") * 1000),
            "abuse_p50_ms": round(statistics.median(busy) * 1000),
            "abuse_p95_ms": round(percentile(busy, 95, method="nearest") * 1000),
            "abuse_requests": counts["sent"],
            "abuse_429": counts["429"],
        }
    finally:
        server.stop()


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--clients", type=int, default=8)
    p.add_argument("--questions", type=int, default=40)
    p.add_argument("--json", action="store_true")
    args = p.parse_args(argv)
    shared = Path(os.environ.get("GOVASSIST_SHARED") or Path(__file__).resolve().parents[2] / "shared")
    open_rates = {
        f"GOVASSIST_{k}": UNLIMITED
        for k in ("RATE_TOKEN_MINT", "RATE_CHAT", "RATE_NEW_SESSION", "RATE_APPLICATIONS")
    }
    configs = [
        (
            "unprotected",
            open_rates | {"GOVASSIST_MAX_QUERY_CHARS": "4000", "GOVASSIST_MAX_MESSAGE_CHARS": "4000"},
        ),
        ("cost_cap", open_rates),
        ("defaults", {}),
    ]
    rows = [
        run_config(n, o, clients=args.clients, questions=args.questions, shared=shared) for n, o in configs
    ]
    if args.json:
        print(json.dumps(rows, ensure_ascii=False))
    else:
        for r in rows:
            print(
                f"{r['config']:12s} quiet p50 {r['quiet_p50_ms']} ms p95 {r['quiet_p95_ms']} ms | "
                f"{args.clients} abusers: p50 {r['abuse_p50_ms']} ms p95 {r['abuse_p95_ms']} ms "
                f"({r['abuse_requests']} long messages, {r['abuse_429']} refused with 429)"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
