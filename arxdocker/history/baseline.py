"""The two records `explain` compares: a build (any reference `refs` resolves) as its stored dict,
and the most recent earlier build of the same Dockerfile and target."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from arxdocker.errors import ArxError
from arxdocker.history.refs import require_history, resolve
from arxdocker.history.tail import CORRUPT, loads, newest, with_id_prefix


def load(ref: str, history: Path) -> dict[str, Any]:
    """The stored record `ref` names (last, last~N, an id prefix, or a record file)."""
    view = resolve(ref, history)  # every one-line error about the reference comes from here
    path = Path(view.source)
    if view.source and path.is_file() and (not history.is_file() or not path.samefile(history)):
        return _record_in_file(path, view.id)
    found = [item for item in with_id_prefix(history, view.id) if item.get("id") == view.id]
    if not found:
        raise ArxError(f"{history}: build {view.id} vanished while reading it")
    return found[0]


def _record_in_file(path: Path, record_id: str) -> dict[str, Any]:
    text = path.read_text(encoding="utf-8")
    try:
        data = loads(text)
    except ValueError:
        data = None
        for line in reversed(text.splitlines()):
            try:
                value = loads(line)
            except ValueError:
                continue
            if isinstance(value, dict) and value.get("id") == record_id:
                data = value
                break
    if not isinstance(data, dict):
        raise ArxError(f"{path}: not a JSON build record")
    return data


def earlier(
    after: dict[str, Any],
    history: Path,
    skipped: list[str] | None = None,
    *,
    successful: bool = False,
) -> dict[str, Any]:
    """The newest record older than `after` of the same Dockerfile path and target (with
    `successful`, of those whose build succeeded): the next one
    after it in the history, or (for a record file the history lacks) the newest that started
    before it. Ids alone cannot order two builds of the same second. A damaged line passed on
    the way could have been that build: it is named in `skipped` when that is given."""
    require_history(history)
    dockerfile, target = _dockerfile(after), after.get("target")
    seen_self = False
    by_time: dict[str, Any] | None = None
    damaged = {True: 0, False: 0}  # damaged lines older / not known older than `after`
    warning = f"{history}: a line that is not a build record was skipped"
    for item in newest(history):
        if item is CORRUPT or not isinstance(item, dict):
            damaged[seen_self] += 1
            continue
        if item.get("id") == after.get("id"):
            seen_self = True
            continue
        if item.get("target") != target or _dockerfile(item) != dockerfile:
            continue
        if successful and item.get("status") != "ok":
            continue  # `check`'s baseline: a failed build's time and hit rate cover part of it
        if seen_self:  # a damaged line passed since `after` may have been the earlier build
            if skipped is not None:
                skipped.extend([warning] * damaged[True])
            return item
        if by_time is None and str(item.get("started", "")) < str(after.get("started", "")):
            by_time = item
    if skipped is not None:  # not found in order: any damaged line might have been it
        skipped.extend([warning] * (damaged[True] + (0 if seen_self else damaged[False])))
    if by_time is not None and not seen_self:
        return by_time
    what = f"{dockerfile or 'its Dockerfile'}" + (f" (target {target})" if target else "")
    kind = "successful build" if successful else "build"
    raise ArxError(
        f"{history} has no {kind} of {what} older than {after.get('id')} to compare with",
        hint="build it twice, or name one with --against",
    )


def _dockerfile(record: dict[str, Any]) -> str | None:
    dockerfile = record.get("dockerfile")
    path = dockerfile.get("path") if isinstance(dockerfile, dict) else None
    return path if isinstance(path, str) else None
