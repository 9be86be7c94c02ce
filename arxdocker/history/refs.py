"""Naming a build on the command line: `last`, `last~N`, an id (or its prefix), or a record file.

A record file is what `arxdocker build --record FILE` wrote (one JSON record); a `.jsonl` history
file names its newest record. Anything else is looked up in the history. Every problem is a
one-line `ArxError`: no history, too few builds, no or several matching ids, a corrupt file.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from arxdocker.errors import ArxError
from arxdocker.history.tail import CORRUPT, field_pattern, loads, newest, with_id_prefix
from arxdocker.history.view import RecordView

_LAST = re.compile(r"last(?:~(\d+))?\Z")
DEFAULT_HISTORY = ".arxdocker/history.jsonl"


def history_path(explicit: str | None, context: str = ".") -> Path:
    """`--history FILE`, else the `history` key of the context's config, else the default.

    The config is read and checked as `arxdocker build` reads it: a config that build or doctor
    would reject (not a table, an unknown key, a wrong type) is the same one-line error here."""
    if explicit:
        return Path(explicit)
    from arxdocker.build.config import load_config

    root = Path(context)
    config = load_config(root, None) if root.is_dir() else None
    configured = config.get("history") if config else None
    return root / (configured or DEFAULT_HISTORY)


def require_history(history: Path) -> None:
    if not history.is_file():
        raise ArxError(
            f"no build history at {history}",
            hint="run `arxdocker build` first, or point --history at the file",
        )


def resolve(ref: str, history: Path) -> RecordView:
    """The build that `ref` names."""
    match = _LAST.match(ref.strip())
    if match:
        return _nth_newest(history, int(match.group(1) or 0), ref)
    path = Path(ref)
    if path.is_file():
        if history.is_file() and path.samefile(history):  # the history itself: its newest build
            return _nth_newest(history, 0, "last")
        return read_record_file(path)
    require_history(history)
    found = with_id_prefix(history, ref) if ref else []
    if len(found) == 1:
        return RecordView.from_dict(found[0], f"{history}:{ref}")
    if not found:
        raise ArxError(
            f"{history} has no build {ref!r}, and no file of that name exists",
            hint="use last, last~N, a build id from `arxdocker history`, or a record file",
        )
    raise ArxError(f"{ref!r} matches {len(found)} builds in {history}", hint="give more of the id")


def _nth_newest(history: Path, back: int, ref: str) -> RecordView:
    """`last~back`: lines are counted as written, damaged ones too. Skipping a damaged newest
    line would make `last` name the build before it, and `check` judge the wrong build."""
    require_history(history)
    seen = 0
    for item in newest(history):
        if seen == back:
            if item is CORRUPT:
                where = "the last line" if back == 0 else f"line {back + 1} from the end"
                raise ArxError(
                    f"{history}: {ref} is {where}, which is not a build record "
                    "(damaged or cut off)",
                    hint="repair or delete that line, or name the build by its id",
                )
            return RecordView.from_dict(item, f"{history}:{ref}")
        seen += 1
    raise ArxError(
        f"{history} has {seen} build(s); {ref!r} needs at least {back + 1}",
        hint="build again, or pick an older build with last~N",
    )


def read_record_file(path: Path) -> RecordView:
    """A `--record FILE` document, or the newest record of a JSONL history."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise ArxError(f"{path}: cannot read it ({error.__class__.__name__})") from None
    try:
        data: Any = loads(text)
    except ValueError:
        lines = [line for line in text.splitlines() if line.strip()]
        data = _json_object(lines[-1]) if lines else None
        if data is None:
            if any(_json_object(line) is not None for line in lines[:-1]):
                # a history: its newest record is its last line, as `last` counts
                raise ArxError(
                    f"{path}: its last line is not a build record (damaged or cut off)",
                    hint="repair or delete that line, or name the build by its id",
                ) from None
            raise ArxError(f"{path}: not a JSON build record") from None
    return RecordView.from_dict(data, str(path))


def _json_object(line: str) -> Any:
    try:
        value = loads(line)
    except ValueError:
        return None
    return value if isinstance(value, dict) else None


def recent(
    history: Path, *, target: str | None = None, skipped: list[str] | None = None
) -> Iterator[RecordView]:
    """Records newest first, optionally only those of one target. Lines that are not records are
    skipped, and named in `skipped` when it is given."""
    require_history(history)
    only = None if target is None else field_pattern("target", target)
    for item in newest(history, only=only):
        if item is CORRUPT:
            if skipped is not None:
                skipped.append(f"{history}: a line that is not a build record was skipped")
            continue
        assert isinstance(item, dict)
        if target is not None and item.get("target") != target:
            continue
        try:
            view = RecordView.from_dict(item, str(history))
        except ArxError as error:  # another schema: skipped like a corrupt line
            if skipped is not None:
                skipped.append(str(error))
            continue
        yield view
