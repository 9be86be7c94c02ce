"""Why each step rebuilt: root causes in priority order, and the steps that rebuilt because of them.

Pure functions over two build records (the dicts `arxdocker.record/v1` stores). A built step has a
root cause of its own when its instruction text changed, when the context files its COPY/ADD reads
changed, or when an ARG/ENV value it is the first to use changed (compared by hash). Otherwise a
step whose parent rebuilt (the step before it in its stage, the stage its FROM builds on, the stage
a `COPY --from` reads) is a cascade of that parent's cause. What is left rebuilt for a changed base
image, or, with the same inputs, because no cache was available (`--no-cache`, another builder, a
cache import that failed or had nothing, or a pruned builder cache).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Literal

from arxdocker.analysis.build_facts import (
    BuildFacts,
    line_of,
    norm,
    step_lines,
    text_of,
)
from arxdocker.analysis.report import Step
from arxdocker.analysis.step_graph import step_parents
from arxdocker.history.view import RecordView

Kind = Literal["instruction", "sources", "arg", "env", "base-image", "no-cache"]
KINDS: tuple[Kind, ...] = ("instruction", "sources", "arg", "env", "base-image", "no-cache")
EXPLAIN_SCHEMA = "arxdocker.explain/v1"
_FROM_DIGEST = re.compile(r"FROM\s+(\S+?)@(sha256:[0-9a-f]{64})")


@dataclass(frozen=True, slots=True)
class FileChanges:
    added: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()
    modified: tuple[str, ...] = ()
    listed: bool = True  # False when the records hold only the total hash

    @property
    def names(self) -> tuple[str, ...]:
        return (*self.modified, *self.added, *self.removed)


@dataclass(frozen=True, slots=True)
class RootCause:
    kind: Kind
    steps: tuple[Step, ...]  # where the change bites first (for a base image, its FROM step)
    line: int | None = None
    old: str | None = None  # instruction text, or the base image digest
    new: str | None = None
    files: FileChanges | None = None
    names: tuple[str, ...] = ()  # ARG/ENV names, or the base image ref
    reason: str | None = None
    cascades: tuple[Step, ...] = ()
    text: str | None = None  # the Dockerfile line as written (ARGs unexpanded)

    @property
    def cost_s(self) -> float:
        rebuilt = (*(s for s in self.steps if s.status != "cached"), *self.cascades)
        return sum(step.duration_s or 0.0 for step in rebuilt)

    @property
    def rebuilt(self) -> int:
        own = sum(step.cacheable and step.status != "cached" for step in self.steps)
        return own + len(self.cascades)

    def headline(self) -> str:
        """`src/app.py changed (COPY . . at line 7)`: what changed, and where."""
        where = self._where()
        if self.kind == "instruction":
            return f"instruction changed{where}" if self.old else f"new instruction{where}"
        if self.kind == "sources":
            files = self.files or FileChanges(listed=False)
            if not files.listed:
                return f"source files changed{where}"
            names = files.names
            shown = ", ".join(names[:3]) + (f" and {len(names) - 3} more" if len(names) > 3 else "")
            return f"{shown} changed{where}" if names else f"file modes changed{where}"
        if self.kind in ("arg", "env"):
            label = "ARG" if self.kind == "arg" else "ENV"
            return f"{label} {', '.join(self.names)} changed{where}"
        if self.kind == "base-image":
            return f"base image {', '.join(self.names)} changed"
        return f"no cache available: {self.reason}"

    def _where(self) -> str:
        step = next((s for s in self.steps if s.cacheable), None)
        if step is None:
            return ""
        text = _short(self.text or step.instruction)
        return f" ({text} at line {self.line})" if self.line else f" ({text})"

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "kind": self.kind,
            "summary": self.headline(),
            "steps": [step.name for step in self.steps],
            "line": self.line,
            "cascades": [
                {"step": step.name, "duration_s": step.duration_s} for step in self.cascades
            ],
            "rebuilt": self.rebuilt,
            "cost_s": round(self.cost_s, 3),
        }
        if self.kind in ("instruction", "base-image"):
            data.update(old=self.old, new=self.new)
        if self.files is not None:
            data["files"] = {
                "added": list(self.files.added),
                "removed": list(self.files.removed),
                "modified": list(self.files.modified),
                "listed": self.files.listed,
            }
        if self.names:
            data["names"] = list(self.names)
        if self.reason:
            data["reason"] = self.reason
        return data


@dataclass(frozen=True, slots=True)
class Explanation:
    after: RecordView
    before: RecordView | None
    causes: tuple[RootCause, ...] = ()
    reasons: dict[str, str] = field(default_factory=dict)  # step id -> "why rebuilt"

    def summary(self) -> str:
        """One paragraph, e.g. `2 root causes: src/app.py changed (COPY . . at line 7) → 3 steps
        rebuilt, 41.0 s; ...`."""
        if not self.causes:
            built = any(s.cacheable and s.status in ("built", "error") for s in self.after.steps)
            return "every step rebuilt was unexplained" if built else "nothing rebuilt"
        count = len(self.causes)
        parts = [
            f"{cause.headline()} → {cause.rebuilt} step{'s' * (cause.rebuilt != 1)} rebuilt, "
            f"{cause.cost_s:.1f} s"
            for cause in self.causes
        ]
        return f"{count} root cause{'s' * (count != 1)}: " + "; ".join(parts)

    def to_dict(self) -> dict[str, Any]:
        return {
            "schema": EXPLAIN_SCHEMA,
            "after": self.after.id,
            "before": None if self.before is None else self.before.id,
            "summary": self.summary(),
            "causes": [cause.to_dict() for cause in self.causes],
        }


def explain(after: BuildFacts, before: BuildFacts | None) -> Explanation:
    """Root causes of every step `after` built, against the earlier build `before`."""
    steps = after.view.steps
    built = [s for s in steps if s.cacheable and s.status in ("built", "error")]
    if not built:
        return Explanation(after.view, None if before is None else before.view)
    causes = _own_root_causes(after, before, built)
    root_of = {cause.steps[0].id: index for index, cause in enumerate(causes)}
    parents = step_parents(steps, after.outline)
    base = _base_image_change(after, before) if before is not None else None
    rest: dict[Kind, list[Step]] = {"base-image": [], "no-cache": []}
    cascades: dict[int, list[Step]] = {}

    def resolve(step: Step, seen: frozenset[str] = frozenset()) -> int | None:
        if step.id in root_of:
            return root_of[step.id]
        for parent in parents.get(step.id, ()):
            if parent.id in seen or not parent.cacheable:
                continue
            if parent.status in ("built", "error"):
                found = resolve(parent, seen | {step.id})
                if found is not None:
                    return found
        return None

    pending: list[Step] = []
    for step in built:
        if step.id in root_of:
            continue
        found = resolve(step)
        if found is not None:
            cascades.setdefault(found, []).append(step)
        else:
            pending.append(step)
    # What no changed parent explains starts a chain of its own: sources a cached COPY brought
    # in, a changed base image, or no cache.
    unexplained = [step for step in pending if not _built_parent(step, parents)]
    others = _cached_copy_causes(
        unexplained, parents, after, before, causes=causes, cascades=cascades, root_of=root_of
    )
    for step in others:
        on_image = base is not None and _on_image(step, base, after)
        rest["base-image" if on_image else "no-cache"].append(step)
    if base is not None and rest["base-image"]:
        ref, old, new, from_step = base
        cause = RootCause("base-image", (from_step,), old=old, new=new, names=(ref,))
        for step in rest["base-image"]:
            root_of[step.id] = len(causes)
        cascades[len(causes)] = list(rest["base-image"])
        causes.append(cause)
    if rest["no-cache"]:
        for step in rest["no-cache"]:
            root_of[step.id] = len(causes)
        reason = _no_cache_reason(after, before)
        causes.append(RootCause("no-cache", tuple(rest["no-cache"]), reason=reason))
    for step in pending:
        if step.id not in root_of:
            found = resolve(step)
            if found is not None:
                cascades.setdefault(found, []).append(step)
    finished = [
        _with_cascades(cause, cascades.get(index, [])) for index, cause in enumerate(causes)
    ]
    finished.sort(key=lambda c: (KINDS.index(c.kind), min(steps.index(s) for s in c.steps)))
    reasons = _reasons(finished)
    return Explanation(
        after.view, None if before is None else before.view, tuple(finished), reasons
    )


def _reasons(causes: list[RootCause]) -> dict[str, str]:
    """The "why rebuilt" text of every step a cause covers."""
    reasons: dict[str, str] = {}
    for cause in causes:
        for step in cause.steps:
            if step.cacheable and step.status != "cached":
                reasons[step.id] = cause.headline()
        # A cached first step (its twin in the same bake ran) rebuilt nothing itself: say why.
        first = next((s for s in cause.steps if s.cacheable and s.status != "cached"), None)
        for step in cause.cascades:
            if first is None or cause.kind in ("base-image", "no-cache"):
                reasons[step.id] = cause.headline()
            else:
                reasons[step.id] = f"parent rebuilt: {_short(first.instruction)}" + (
                    f" (line {cause.line})" if cause.line else ""
                )
    return reasons


def _with_cascades(cause: RootCause, steps: list[Step]) -> RootCause:
    own = {s.id for s in cause.steps}
    unique = tuple(dict.fromkeys(s for s in steps if s.id not in own))
    return RootCause(
        cause.kind,
        cause.steps,
        cause.line,
        cause.old,
        cause.new,
        cause.files,
        cause.names,
        cause.reason,
        unique,
        cause.text,
    )


def _cached_copy_causes(
    steps: list[Step],
    parents: dict[str, list[Step]],
    after: BuildFacts,
    before: BuildFacts | None,
    *,
    causes: list[RootCause],
    cascades: dict[int, list[Step]],
    root_of: dict[str, int],
) -> list[Step]:
    """Add a sources cause for each cached COPY of changed files above these steps (see
    `_cached_copy_of_changed_files`), with the steps as its cascades (in `root_of` too, so the
    steps below them resolve to it); return the others."""
    served: dict[str, int] = {}  # a cached COPY's id -> its cause
    others = []
    for step in steps:
        copied = _cached_copy_of_changed_files(step, parents, after, before)
        if copied is None:
            others.append(step)
            continue
        copy, files = copied
        if copy.id not in served:
            served[copy.id] = len(causes)
            text = text_of(copy, after.outline)
            line = step_lines([copy], after.outline).get(copy.id)
            causes.append(RootCause("sources", (copy,), line=line, files=files, text=text))
        cascades.setdefault(served[copy.id], []).append(step)
        root_of[step.id] = served[copy.id]
    return others


def _cached_copy_of_changed_files(
    step: Step, parents: dict[str, list[Step]], after: BuildFacts, before: BuildFacts | None
) -> tuple[Step, FileChanges] | None:
    """A cached COPY/ADD above `step` whose files changed: its result came from an identical
    COPY another target of the same bake had just run (BuildKit shows the twin as cached), so
    the change is still what rebuilt `step`."""
    if before is None:
        return None
    seen: set[str] = set()
    waiting = list(parents.get(step.id, ()))
    while waiting:
        parent = waiting.pop()
        if parent.id in seen or not parent.cacheable or parent.status != "cached":
            continue
        seen.add(parent.id)
        files = _file_changes(parent, after, before)
        if files is not None:
            return parent, files
        waiting.extend(parents.get(parent.id, ()))
    return None


def _built_parent(step: Step, parents: dict[str, list[Step]]) -> bool:
    return any(p.cacheable and p.status in ("built", "error") for p in parents.get(step.id, ()))


# --- own causes -------------------------------------------------------------------------------


def _own_root_causes(
    after: BuildFacts, before: BuildFacts | None, built: list[Step]
) -> list[RootCause]:
    if before is None:
        return []
    lines = step_lines(built, after.outline)
    causes = []
    own = _own_causes(after, before, built)
    for step in built:
        if step.id in own:
            kind, details = own[step.id]
            text = text_of(step, after.outline)
            causes.append(RootCause(kind, (step,), line=lines.get(step.id), text=text, **details))
    return causes


def _own_causes(
    after: BuildFacts, before: BuildFacts, built: list[Step]
) -> dict[str, tuple[Kind, dict[str, Any]]]:
    own: dict[str, tuple[Kind, dict[str, Any]]] = {}
    old_at = {_position(s): s for s in before.view.steps}
    var_steps = _changed_vars(after, before, built)
    for step in built:
        change = _instruction_change(step, after, before, old_at.get(_position(step)))
        if change is not None:
            own[step.id] = ("instruction", change)
            continue
        files = _file_changes(step, after, before)
        if files is not None:
            own[step.id] = ("sources", {"files": files})
            continue
        if step.id in var_steps:
            kind, names = var_steps[step.id]
            own[step.id] = (kind, {"names": names})
    return own


def _instruction_change(
    step: Step, after: BuildFacts, before: BuildFacts, old: Step | None
) -> dict[str, str | None] | None:
    """Old and new text when the step's Dockerfile line changed. The outlines hold the lines as
    written (step names have ARGs expanded); a step the earlier record lacks, as a failed build
    stops early, changed only when the earlier Dockerfile lacks its line too."""
    new_text = text_of(step, after.outline)
    if new_text is None or not before.outline:
        if old is None or norm(old.instruction) == norm(step.instruction):
            return None
        return {"old": old.instruction, "new": step.instruction}
    stage_texts = {norm(i.text) for i in before.outline if i.stage == step.stage and i.text}
    if norm(new_text) in stage_texts:
        return None
    old_text = text_of(old, before.outline) if old is not None else None
    if old_text is None:
        old_text = text_of(step, before.outline, by_text=False)
    return {"old": old_text, "new": new_text}


def _file_changes(step: Step, after: BuildFacts, before: BuildFacts) -> FileChanges | None:
    if step.instruction.split(" ", 1)[0].upper() not in ("COPY", "ADD"):
        return None
    new, old = _manifest(after, step), _manifest(before, step)
    if new is None or old is None or new.get("sha256") == old.get("sha256"):
        return None
    new_files, old_files = new.get("entries"), old.get("entries")
    if not isinstance(new_files, dict) or not isinstance(old_files, dict):
        return FileChanges(listed=False)
    return FileChanges(
        added=tuple(sorted(set(new_files) - set(old_files))),
        removed=tuple(sorted(set(old_files) - set(new_files))),
        modified=tuple(
            sorted(p for p in new_files if p in old_files and new_files[p] != old_files[p])
        ),
    )


def _manifest(facts: BuildFacts, step: Step) -> dict[str, Any] | None:
    line = line_of(step, facts.outline)
    if line is not None:
        found = [m for m in facts.manifests if m.get("line") == line]
        if found:
            return found[0]
    text = norm(step.instruction)
    return next(
        (
            m
            for m in facts.manifests
            if m.get("stage") == step.stage and norm(str(m.get("instruction", ""))) == text
        ),
        None,
    )


def _changed_vars(
    after: BuildFacts, before: BuildFacts, built: list[Step]
) -> dict[str, tuple[Kind, tuple[str, ...]]]:
    """The first RUN after each ARG/ENV whose value changed, in each stage."""
    old_values: dict[tuple[str, str, str], str | None] = {}
    for item in before.outline:
        for name, value in item.vars:
            old_values.setdefault((item.stage, item.keyword, name), value)
    by_line = {line: step for step in built for line in [line_of(step, after.outline)] if line}
    found: dict[str, tuple[Kind, tuple[str, ...]]] = {}
    pending: dict[str, list[tuple[Kind, str]]] = {}
    for item in after.outline:
        if item.keyword == "FROM":
            pending[item.stage] = []
            continue
        for name, value in item.vars:
            key = (item.stage, item.keyword, name)
            if (key in old_values and old_values[key] != value) or (
                before.outline and key not in old_values
            ):
                kind: Kind = "arg" if item.keyword == "ARG" else "env"
                pending.setdefault(item.stage, []).append((kind, name))
        if item.keyword == "RUN" and pending.get(item.stage):
            changed = pending.pop(item.stage)
            step = by_line.get(item.line)
            if step is not None:
                found[step.id] = (changed[0][0], tuple(dict.fromkeys(n for _, n in changed)))
    return found


# --- base image and no cache ------------------------------------------------------------------


def _base_digests(view: RecordView) -> dict[str, tuple[str, Step]]:
    digests = {}
    for step in view.steps:
        match = _FROM_DIGEST.match(step.instruction) or _FROM_DIGEST.search(step.name)
        if match:
            digests[match.group(1)] = (match.group(2), step)
    return digests


def _base_image_change(
    after: BuildFacts, before: BuildFacts | None
) -> tuple[str, str, str, Step] | None:
    if before is None:
        return None
    old = {ref: digest for ref, (digest, _) in _base_digests(before.view).items()}
    for ref, (digest, step) in _base_digests(after.view).items():
        if ref in old and old[ref] != digest:
            return ref, old[ref], digest, step
    return None


def _on_image(step: Step, base: tuple[str, str, str, Step], after: BuildFacts) -> bool:
    """Whether the step's stage builds (through FROM chains) on the changed image."""
    from_step = base[3]
    if not after.outline:
        return True
    bases = {item.stage: item.base for item in after.outline if item.keyword == "FROM"}
    root = step.stage
    seen: set[str | None] = set()
    while root in bases and bases[root] in bases and root not in seen:
        seen.add(root)
        root = bases[root]
    image_text = bases.get(from_step.stage)
    return root == from_step.stage or (image_text is not None and bases.get(root) == image_text)


def _no_cache_reason(after: BuildFacts, before: BuildFacts | None) -> str:
    if after.no_cache:
        return "--no-cache was given"
    if after.no_cache_filter:
        return f"--no-cache-filter {','.join(after.no_cache_filter)} was given"
    if before is None:
        return "no earlier build of this Dockerfile and target to compare with"
    if before.builder and after.builder and before.builder != after.builder:
        return (
            f"built on builder {after.builder}; the earlier build ran on {before.builder}, "
            "whose cache this builder does not have"
        )
    if after.cache_from and after.import_failed:
        return "the cache import failed (" + ", ".join(after.cache_from) + ")"
    if after.cache_from:
        return (
            "the imported cache had nothing for these steps (" + ", ".join(after.cache_from) + ")"
        )
    return (
        "the builder's cache no longer holds these steps (pruned or garbage-collected), "
        "and no cache import is configured"
    )


# --- small helpers --------------------------------------------------------------------------------


def _position(step: Step) -> tuple[Any, ...]:
    return (step.target, step.platform, step.stage, step.index)


def _short(text: str, width: int = 40) -> str:
    text = norm(text)
    return text if len(text) <= width else text[: width - 1] + "…"
