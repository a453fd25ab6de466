"""What a load produced: the records, the rejected inputs (with file and line), and the files read."""

from __future__ import annotations

from collections.abc import Iterable

from pydantic import BaseModel, Field, ValidationError

from knowledge.schema import PolicyDocument, ServiceGuide


class Rejection(BaseModel):
    """One input record or file that was not loaded; `line` is 1-based, None when not line-addressable."""

    file: str
    line: int | None = None
    reason: str

    def __str__(self) -> str:
        return _where(self.file, self.line) + self.reason


class LoadReport(BaseModel):
    guides: list[ServiceGuide] = Field(default_factory=list)
    policies: list[PolicyDocument] = Field(default_factory=list)
    rejected: list[Rejection] = Field(default_factory=list)
    files: list[str] = Field(default_factory=list)

    def merge(self, other: LoadReport) -> LoadReport:
        """A new report holding this report's contents followed by `other`'s."""
        return LoadReport(
            guides=[*self.guides, *other.guides],
            policies=[*self.policies, *other.policies],
            rejected=[*self.rejected, *other.rejected],
            files=[*self.files, *other.files],
        )

    @classmethod
    def combine(cls, reports: Iterable[LoadReport]) -> LoadReport:
        out = cls()
        for r in reports:
            out.guides.extend(r.guides)
            out.policies.extend(r.policies)
            out.rejected.extend(r.rejected)
            out.files.extend(r.files)
        return out

    def summary(self) -> str:
        return f"载入办事指南 {len(self.guides)} 条，政策法规 {len(self.policies)} 篇，拒绝 {len(self.rejected)} 条"


class LoaderError(Exception):
    """A whole file cannot be read (empty, not UTF-8, unparsable top level)."""

    def __init__(self, file: str, line: int | None, reason: str) -> None:
        self.file = str(file)
        self.line = line
        self.reason = reason
        super().__init__(str(self))

    def __str__(self) -> str:
        return _where(self.file, self.line) + self.reason

    def to_rejection(self) -> Rejection:
        return Rejection(file=self.file, line=self.line, reason=self.reason)


def _where(file: str, line: int | None) -> str:
    return f"{file} 第 {line} 行：" if line is not None else f"{file}："


def describe_validation_error(err: ValidationError, limit: int = 3) -> str:
    """A short Chinese description of a pydantic error: which fields failed and why."""
    parts = []
    for e in err.errors()[:limit]:
        loc = ".".join(str(x) for x in e.get("loc", ())) or "记录"
        parts.append(f"{loc}（{e.get('msg', '')}）")
    more = len(err.errors()) - limit
    suffix = f" 等 {len(err.errors())} 处" if more > 0 else ""
    return "字段校验失败：" + "；".join(parts) + suffix
