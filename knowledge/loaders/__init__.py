"""Loaders for every source shape of the knowledge base, dispatched by `load_path`.

| shape | module |
|---|---|
| `*.jsonl` gdzwfw crawler records | `gdzwfw.load_guides_jsonl` |
| `*.md` law / regulation Markdown | `laws.load_law_file` |
| `*.txt` raw policy web page | `policies.load_policy_file` |
| `*.json` 一件事 scenario, a list of crawler records, or `{"guides": [...]}` | `scenario`, `gdzwfw`, `samples` |
| `*.yaml` / `*.yml` authored sample guides (`guides:` list) | `samples.load_guides_yaml` |

Bad records become `Rejection`s; a file that cannot be read at all becomes one `Rejection` here
(the per-shape loaders raise `LoaderError`). Only a path that does not exist raises.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from pathlib import Path

from knowledge.loaders.files import read_utf8
from knowledge.loaders.gdzwfw import guide_from_record, load_guide_records, load_guides_jsonl
from knowledge.loaders.laws import load_law_file, parse_law_markdown
from knowledge.loaders.policies import load_policy_file, parse_policy_page
from knowledge.loaders.report import LoaderError, LoadReport, Rejection
from knowledge.loaders.samples import guides_from_items, load_guides_yaml
from knowledge.loaders.scenario import (
    guide_from_onething,
    is_onething,
    load_onething_data,
    load_scenario_json,
)

__all__ = [
    "LoadReport",
    "LoaderError",
    "Rejection",
    "guide_from_onething",
    "guide_from_record",
    "load_guides_jsonl",
    "load_guides_yaml",
    "load_json_file",
    "load_law_file",
    "load_path",
    "load_paths",
    "load_policy_file",
    "load_scenario_json",
    "parse_law_markdown",
    "parse_policy_page",
]

SKIP_NAMES = frozenset({"README.md", "SOURCE.md", "CHANGELOG.md", "LICENSE.md"})


def load_json_file(path: Path | str) -> LoadReport:
    """A .json file: a 一件事 scenario object, a list of crawler records, or {"guides": [...]}."""
    path = Path(path)
    file = str(path)
    text = read_utf8(path)
    try:
        data = json.loads(text)
    except json.JSONDecodeError as e:
        raise LoaderError(file, e.lineno, f"JSON 解析失败：{e.msg}（第 {e.colno} 列）") from e
    if is_onething(data):
        return load_onething_data(data, file)
    if isinstance(data, dict) and isinstance(data.get("guides"), list):
        return guides_from_items(data["guides"], file)
    if isinstance(data, list):
        if all(isinstance(x, dict) and "TASK_CODE" in x for x in data):
            return load_guide_records(data, file)
        return guides_from_items(data, file)
    raise LoaderError(file, None, "无法识别的 JSON 结构（应为一件事指南、事项记录列表或 guides 列表）")


_BY_SUFFIX: dict[str, Callable[[Path], LoadReport]] = {
    ".jsonl": load_guides_jsonl,
    ".md": load_law_file,
    ".txt": load_policy_file,
    ".json": load_json_file,
    ".yaml": load_guides_yaml,
    ".yml": load_guides_yaml,
}


_ARCHIVES = (".tgz", ".tar.gz", ".tar", ".zip")
MAX_ARCHIVE_BYTES = 512 * 1024 * 1024  # unpacked; refuses archive bombs


def load_archive(path: Path) -> LoadReport:
    """A .tgz/.tar.gz/.tar/.zip of source files: unpacked to a temporary folder (members may not escape
    it) and loaded like a directory; rejections name `archive!member`."""
    import shutil
    import tarfile
    import tempfile
    import zipfile

    tmp = Path(tempfile.mkdtemp(prefix="govassist-archive-"))
    try:
        if path.suffix.lower() == ".zip":
            with zipfile.ZipFile(path) as zf:
                if sum(i.file_size for i in zf.infolist()) > MAX_ARCHIVE_BYTES:
                    raise LoaderError(str(path), None, "压缩包解压后过大")
                for info in zf.infolist():
                    target = (tmp / info.filename).resolve()
                    if not target.is_relative_to(tmp.resolve()):
                        raise LoaderError(str(path), None, f"压缩包成员路径不安全：{info.filename}")
                zf.extractall(tmp)
        else:
            with tarfile.open(path) as tf:
                if sum(m.size for m in tf.getmembers()) > MAX_ARCHIVE_BYTES:
                    raise LoaderError(str(path), None, "压缩包解压后过大")
                tf.extractall(tmp, filter="data")  # refuses absolute paths, "..", links outside
        report = load_path(tmp)
    except (tarfile.TarError, zipfile.BadZipFile, OSError) as e:
        raise LoaderError(str(path), None, f"无法解压：{e}") from e
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    prefix = str(tmp)

    def rename(f: str) -> str:
        return f.replace(prefix, f"{path}!", 1) if f.startswith(prefix) else f

    return report.model_copy(
        update={
            "files": [rename(f) for f in report.files],
            "rejected": [r.model_copy(update={"file": rename(r.file)}) for r in report.rejected],
        }
    )


def _load_file(path: Path) -> LoadReport:
    if path.name.lower().endswith(_ARCHIVES):
        try:
            return load_archive(path)
        except LoaderError as e:
            return LoadReport(rejected=[e.to_rejection()], files=[str(path)])
    loader = _BY_SUFFIX.get(path.suffix.lower())
    if loader is None:
        reason = f"无法识别的文件类型“{path.suffix or '（无扩展名）'}”"
        return LoadReport(rejected=[Rejection(file=str(path), line=None, reason=reason)])
    try:
        return loader(path)
    except LoaderError as e:
        return LoadReport(rejected=[e.to_rejection()], files=[str(path)])


def _walk(directory: Path) -> Iterable[Path]:
    for child in sorted(directory.iterdir()):
        if child.name.startswith((".", "_")) or child.name in SKIP_NAMES:
            continue
        if child.is_dir():
            yield from _walk(child)
        elif child.is_file():
            yield child


def load_path(path: Path | str) -> LoadReport:
    """Load a file or a directory tree (README.md/SOURCE.md, hidden and `_`-prefixed entries skipped)."""
    path = Path(path)
    if path.is_dir():
        return LoadReport.combine(_load_file(p) for p in _walk(path))
    if path.is_file():
        return _load_file(path)
    raise LoaderError(str(path), None, "路径不存在")


def load_paths(paths: Iterable[Path | str]) -> LoadReport:
    return LoadReport.combine(load_path(p) for p in paths)
