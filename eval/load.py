"""`govassist eval load`: simulated citizens against real server processes, loopback only and bounded.

For each worker count (default 1 and 2, in the same run) it starts `govassist serve --workers N` on a free
127.0.0.1 port over a throw-away copy of the deployment's data (SQLite home copied; nothing is written to the
original), waits until every worker is ready, then:
- mixed load, in rounds that alternate between the configurations: C citizens, each in a loop: a question, or a
  form (start an application, answer what the reply asks, pick offered choices) for a few turns; throughput and
  p50/p95 per turn kind;
- abuse: A clients sending very long messages as fast as answered, while one citizen asks normal questions;
  the normal question's p50/p95 (the issue's target: p95 <= 1 s).
Clients see only what a person sees: the reply text, the offered choices and the form panel.
"""

from __future__ import annotations

import os
import random
import re
import shutil
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx

from eval.stats import percentile

MAX_CLIENTS = 32
MAX_SECONDS = 300
LOOPBACK = {"127.0.0.1", "localhost", "::1"}
QUESTIONS = [
    "办居住证要带什么材料？",
    "身份证丢了怎么补办",
    "社保卡坏了去哪里换",
    "小孩刚出生怎么上户口",
    "低保怎么申请，要什么条件",
    "租房可以提取公积金吗",
    "开个体户要办什么手续",
    "残疾人补贴怎么领",
    "灵活就业怎么交社保",
    "驾驶证快到期了怎么换",
    "结婚登记要带哪些证件",
    "营业执照丢了怎么办",
]
FORM_STARTS = ["我要申请居住证", "我要补换社保卡", "我要申请低保", "我想办个体户营业执照"]
AVOID = {"修改", "取消", "不办了", "重新填写", "确认提交"}
ANSWERS = [
    (("身份证",), "440114199003071231"),
    (("手机", "电话"), "13800138000"),
    (("地址", "住址", "住所"), "广州市花都区新华街道公益路1号"),
    (("日期", "时间"), "2023-01-01"),
    (("姓名", "名字"), "张三"),
]
ASK = re.compile(r"请(?:重新)?(?:提供|填写|输入|告诉我)([^。，,（(？?\n]+)")
# Capacity is measured with the per-token and per-IP rate limits out of reach (every simulated citizen would
# otherwise be throttled within a minute); the abuse scenario then measures the message cost cap alone.
# `shipped_limits=True` keeps the deployment's limits instead.
LIMITS_OUT_OF_REACH = {
    "GOVASSIST_RATE_TOKEN_MINT": "100000/minute",
    "GOVASSIST_RATE_CHAT": "1000000/minute",
    "GOVASSIST_RATE_NEW_SESSION": "1000000/hour",
    "GOVASSIST_RATE_APPLICATIONS": "1000000/minute",
    "GOVASSIST_MAX_SESSIONS_PER_TOKEN": "1000000",
}
LONG_MESSAGE = ("我想问一下关于办理各类证件和社保业务的详细流程以及需要准备的全部材料，" * 60)[:2000]


def check_loopback(url: str) -> None:
    host = urlsplit(url).hostname or ""
    if host not in LOOPBACK:
        raise ValueError(f"压测只允许本机回环地址：{url}")


@dataclass
class Samples:
    """Latencies (seconds) per kind, and counts of refused (429) and failed requests."""

    times: dict[str, list[float]] = field(default_factory=dict)
    refused: int = 0
    failed: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, kind: str, seconds: float) -> None:
        with self.lock:
            self.times.setdefault(kind, []).append(seconds)

    def count(self, refused: bool) -> None:
        with self.lock:
            if refused:
                self.refused += 1
            else:
                self.failed += 1

    def summary(self, duration: float) -> dict[str, Any]:
        out: dict[str, Any] = {"refused_429": self.refused, "failed": self.failed}
        every = [t for ts in self.times.values() for t in ts]
        out["requests"] = len(every)
        out["throughput_rps"] = round(len(every) / duration, 2) if duration else 0.0
        for kind, ts in sorted({**self.times, "all": every}.items()):
            if ts:
                out[kind] = {
                    "n": len(ts),
                    "p50_ms": round(percentile(ts, 50, method="nearest") * 1000, 1),
                    "p95_ms": round(percentile(ts, 95, method="nearest") * 1000, 1),
                }
        return out


class Citizen:
    def __init__(self, base: str, samples: Samples) -> None:
        self.http = httpx.Client(base_url=base + "/api/v1", timeout=120, trust_env=False)
        self.samples = samples
        token = self.http.post("/auth/citizen").json()["token"]
        self.http.headers["Authorization"] = f"Bearer {token}"
        self.session: str | None = None

    def say(self, kind: str, text: str) -> dict[str, Any] | None:
        body: dict[str, Any] = {"message": text} | ({"session_id": self.session} if self.session else {})
        t0 = time.perf_counter()
        try:
            r = self.http.post("/chat", json=body)
        except httpx.HTTPError:
            self.samples.count(refused=False)
            return None
        took = time.perf_counter() - t0
        if r.status_code == 429:
            self.samples.count(refused=True)
            time.sleep(min(5.0, float(r.headers.get("Retry-After", "1") or 1)))
            return None
        if r.status_code != 200:
            self.samples.count(refused=False)
            return None
        self.samples.add(kind, took)
        out = r.json()
        self.session = out.get("session_id", self.session)
        return out

    def ask(self, rng: random.Random) -> None:
        self.session = None
        self.say("question", rng.choice(QUESTIONS))

    def fill_form(self, rng: random.Random, turns: int = 6) -> None:
        self.session = None
        out = self.say("form", rng.choice(FORM_STARTS))
        for _ in range(turns):
            if out is None:
                return
            choices = [c for c in out.get("choices") or [] if c not in AVOID]
            out = self.say("form", rng.choice(choices) if choices else _answer(out.get("reply", "")))


def _answer(reply: str) -> str:
    asks = ASK.findall(reply)
    label = asks[-1] if asks else ""
    return next((a for keys, a in ANSWERS if any(k in label for k in keys)), "是的")


def _run_clients(n: int, seconds: float, work: Callable[[int, float], None]) -> None:
    threads = [threading.Thread(target=work, args=(i, time.monotonic() + seconds)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()


def mixed_load(
    base: str, clients: int, seconds: float, seed: int = 7, samples: Samples | None = None
) -> tuple[Samples, float]:
    """C citizens for `seconds`: 60 % questions, 40 % forms. Adds to `samples`; returns them and the duration."""
    samples = samples if samples is not None else Samples()

    def work(i: int, until: float) -> None:
        rng = random.Random(seed + i)
        citizen = Citizen(base, samples)
        while time.monotonic() < until:
            (citizen.ask if rng.random() < 0.6 else citizen.fill_form)(rng)

    t0 = time.monotonic()
    _run_clients(clients, seconds, work)
    return samples, time.monotonic() - t0


def abuse(base: str, abusers: int, seconds: float, seed: int = 11) -> dict[str, Any]:
    """`abusers` clients send long messages back to back; one citizen asks normal questions meanwhile."""
    bad, normal = Samples(), Samples()

    def work(i: int, until: float) -> None:
        rng = random.Random(seed + i)
        if i == 0:
            citizen = Citizen(base, normal)
            while time.monotonic() < until:
                citizen.ask(rng)
                time.sleep(0.2)  # a person reads the answer
            return
        attacker = Citizen(base, bad)
        while time.monotonic() < until:
            attacker.session = None
            attacker.say("long", LONG_MESSAGE[: 1900 + rng.randrange(100)])

    t0 = time.monotonic()
    _run_clients(abusers + 1, seconds, work)
    took = time.monotonic() - t0
    return {"normal": normal.summary(took), "abusive": bad.summary(took)}


# ------------------------------------------------------------------------------------------ servers


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def copy_home(home: Path, into: Path) -> Path:
    """A consistent copy of a SQLite deployment home (database via the backup API, index folder)."""
    into.mkdir(parents=True, exist_ok=True)
    src = home / "govassist.db"
    if not src.exists():
        raise FileNotFoundError(f"没有数据库：{src}（先运行 govassist ingest 和 govassist index）")
    with sqlite3.connect(src) as a, sqlite3.connect(into / "govassist.db") as b:
        a.backup(b)
    if (home / "index").exists():
        shutil.copytree(home / "index", into / "index", dirs_exist_ok=True)
    return into


def start_server(env: dict[str, str], workers: int, log: Path) -> tuple[subprocess.Popen[bytes], str]:
    port = _free_port()
    cmd = [sys.executable, "-m", "app.cli", "serve", "--host", "127.0.0.1", "--port", str(port)]
    with log.open("ab") as out:
        proc = subprocess.Popen(
            [*cmd, "--workers", str(workers)], env=env, stdout=out, stderr=subprocess.STDOUT
        )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 600
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"服务进程退出（{proc.returncode}），见 {log}")
        try:  # every worker ready: readiness must hold on several fresh connections in a row
            if all(
                httpx.get(
                    base + "/api/v1/health", headers={"Connection": "close"}, timeout=5, trust_env=False
                )
                .json()
                .get("retriever_ready")
                for _ in range(4 * workers)
            ):
                return proc, base
        except (httpx.HTTPError, ValueError):
            pass
        time.sleep(0.5)
    proc.terminate()
    raise TimeoutError("服务未能在 600 秒内就绪")


def stop_server(proc: subprocess.Popen[bytes]) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=60)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=30)


def run_load(
    home: Path,
    *,
    workers: tuple[int, ...] = (1, 2),
    clients: int = 8,
    seconds: float = 20,
    rounds: int = 3,
    abusers: int = 8,
    abuse_seconds: float = 30,
    shipped_limits: bool = False,
    extra_env: dict[str, str] | None = None,
) -> dict[str, Any]:
    if not 1 <= clients <= MAX_CLIENTS or not 0 <= abusers <= MAX_CLIENTS:
        raise ValueError(f"客户端数量须在 1–{MAX_CLIENTS} 之间")
    if not 1 <= rounds <= 10:
        raise ValueError("轮数须在 1–10 之间")
    if not 0 < seconds <= MAX_SECONDS or not 0 <= abuse_seconds <= MAX_SECONDS:
        raise ValueError(f"持续时间须在 0–{MAX_SECONDS} 秒之间")
    report: dict[str, Any] = {
        "clients": clients,
        "seconds": seconds,
        "rounds": rounds,
        "abusers": abusers,
        "shipped_limits": shipped_limits,
        "runs": {},
    }
    with tempfile.TemporaryDirectory(prefix="govassist-load-") as tmp:
        env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
        env.update(GOVASSIST_HOME=str(copy_home(home, Path(tmp) / "home")), PYTHONUNBUFFERED="1")
        if not shipped_limits:
            env.update(LIMITS_OUT_OF_REACH)
        env.update(extra_env or {})
        # All configurations run side by side and take turns, round after round, so that a change in the
        # machine's other load falls on each of them alike (an idle server costs next to nothing).
        servers: dict[int, tuple[subprocess.Popen[bytes], str]] = {}
        try:
            for n in workers:
                servers[n] = start_server(env, n, Path(tmp) / f"serve-{n}.log")
                check_loopback(servers[n][1])
                Citizen(servers[n][1], Samples()).ask(random.Random(0))  # warm every code path once
            mixed = {n: Samples() for n in workers}
            took = dict.fromkeys(workers, 0.0)
            per_round: dict[int, list[float]] = {n: [] for n in workers}
            for r in range(rounds):
                for n in workers:
                    before = sum(len(t) for t in mixed[n].times.values())
                    _, dt = mixed_load(servers[n][1], clients, seconds, seed=7 + 100 * r, samples=mixed[n])
                    took[n] += dt
                    per_round[n].append(
                        round((sum(len(t) for t in mixed[n].times.values()) - before) / dt, 2)
                    )
            for n in workers:
                run: dict[str, Any] = {"mixed": mixed[n].summary(took[n]) | {"rounds_rps": per_round[n]}}
                if abusers and abuse_seconds:
                    run["abuse"] = abuse(servers[n][1], abusers, abuse_seconds)
                report["runs"][str(n)] = run
        finally:
            for proc, _ in servers.values():
                stop_server(proc)
    return report


def format_report(report: dict[str, Any]) -> str:
    lines = [
        f"模拟市民 {report['clients']} 人，{report['rounds']} 轮 × {report['seconds']} 秒（各配置轮流）；"
        f"滥用场景 {report['abusers']} 个长消息客户端"
    ]
    for n, run in report["runs"].items():
        m = run["mixed"]
        lines.append(
            f"{n} 个进程：吞吐 {m['throughput_rps']} 次/秒；全部 p50 {m['all']['p50_ms']} ms p95 {m['all']['p95_ms']} ms"
            + "".join(
                f"；{k} p50 {m[k]['p50_ms']} ms p95 {m[k]['p95_ms']} ms"
                for k in ("question", "form")
                if k in m
            )
            + f"；429 {m['refused_429']} 次，失败 {m['failed']} 次；各轮吞吐 {m['rounds_rps']}"
        )
        if "abuse" in run and "all" in run["abuse"]["normal"]:
            a = run["abuse"]["normal"]["all"]
            lines.append(f"  滥用期间普通提问：p50 {a['p50_ms']} ms，p95 {a['p95_ms']} ms（{a['n']} 次）")
    return "\n".join(lines)
