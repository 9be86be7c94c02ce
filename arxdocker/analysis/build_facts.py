"""The facts of one build record that `explain` reads, and where its steps are in the Dockerfile.

`BuildFacts` wraps a stored `arxdocker.record/v1` dict: its steps (as `RecordView` reads them), the
Dockerfile outline the build recorded (`inputs.outline`), the COPY manifests, the builder and how
the cache was configured. A step maps to its Dockerfile line by its text in its stage, else by its
place counted from the stage's end (BuildKit numbers a stage's steps including an image FROM).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from arxdocker.analysis.report import Step
from arxdocker.history.view import RecordView

VERTEX_KEYWORDS = ("RUN", "COPY", "ADD", "WORKDIR")


@dataclass(frozen=True, slots=True)
class OutlineItem:
    line: int
    stage: str
    keyword: str
    text: str | None = None
    base: str | None = None
    copy_from: str | None = None
    vars: tuple[tuple[str, str | None], ...] = ()


@dataclass(frozen=True, slots=True)
class BuildFacts:
    """One record's facts that `explain` reads."""

    view: RecordView
    outline: tuple[OutlineItem, ...] = ()
    manifests: tuple[dict[str, Any], ...] = ()
    builder: str | None = None
    no_cache: bool = False
    no_cache_filter: tuple[str, ...] = ()
    cache_from: tuple[str, ...] = ()
    import_failed: bool = False

    @classmethod
    def from_dict(cls, data: dict[str, Any], source: str = "") -> BuildFacts:
        inputs = _dict(data.get("inputs"))
        cache = _dict(data.get("cache"))
        return cls(
            view=RecordView.from_dict(data, source),
            outline=tuple(_outline_item(item) for item in _list(inputs.get("outline"))),
            manifests=tuple(m for m in _list(data.get("copy_manifests")) if isinstance(m, dict)),
            builder=_dict(data.get("tools")).get("builder"),
            no_cache=inputs.get("no_cache") is True,
            no_cache_filter=tuple(str(s) for s in _list(inputs.get("no_cache_filter"))),
            cache_from=tuple(str(s) for s in _list(cache.get("from"))),
            import_failed=cache.get("import_failed") is True,
        )


def line_of(step: Step, outline: tuple[OutlineItem, ...], *, by_text: bool = True) -> int | None:
    """The Dockerfile line of a step: its text in its stage, else its place from the stage's end."""
    items = [i for i in outline if i.stage == step.stage and i.keyword in VERTEX_KEYWORDS]
    text = norm(step.instruction)
    for item in items if by_text else ():
        if item.text is not None and norm(item.text) == text:
            return item.line
    if step.cacheable and step.total:
        position = len(items) - (step.total - step.index) - 1
        if 0 <= position < len(items):
            return items[position].line
    return None


def text_of(step: Step, outline: tuple[OutlineItem, ...], *, by_text: bool = True) -> str | None:
    line = line_of(step, outline, by_text=by_text)
    return next((i.text for i in outline if i.line == line and i.stage == step.stage), None)


def step_lines(steps: Iterable[Step], outline: tuple[OutlineItem, ...]) -> dict[str, int]:
    lines = {}
    for step in steps:
        line = line_of(step, outline)
        if line:
            lines[step.id] = line
    return lines


def norm(text: str) -> str:
    return " ".join(text.split())


def _outline_item(data: Any) -> OutlineItem:
    item = _dict(data)
    variables = _dict(item.get("vars"))
    return OutlineItem(
        line=item.get("line") if isinstance(item.get("line"), int) else 0,
        stage=str(item.get("stage", "")),
        keyword=str(item.get("keyword", "")),
        text=item.get("text") if isinstance(item.get("text"), str) else None,
        base=item.get("base") if isinstance(item.get("base"), str) else None,
        copy_from=item.get("copy_from") if isinstance(item.get("copy_from"), str) else None,
        vars=tuple((str(k), v if isinstance(v, str) else None) for k, v in variables.items()),
    )


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []
