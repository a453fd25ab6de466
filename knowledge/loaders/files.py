"""Reading source files as UTF-8 text, with errors that name the file, line and byte offset."""

from __future__ import annotations

from pathlib import Path

from knowledge.loaders.report import LoaderError

_BOM = b"\xef\xbb\xbf"


def decode_utf8(data: bytes, file: str) -> str:
    """Decode UTF-8 (a BOM is dropped); raise LoaderError for empty or non-UTF-8 input."""
    if data.startswith(_BOM):
        data = data[len(_BOM) :]
    if not data.strip():
        raise LoaderError(file, None, "文件为空")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        line = data.count(b"\n", 0, e.start) + 1
        raise LoaderError(file, line, f"不是 UTF-8 编码（第 {e.start} 字节处无法解码）") from e
    return text.replace("\r\n", "\n").replace("\r", "\n")


def read_utf8(path: Path) -> str:
    try:
        data = path.read_bytes()
    except OSError as e:
        raise LoaderError(str(path), None, f"无法读取文件（{e.strerror or e}）") from e
    return decode_utf8(data, str(path))
