"""The build graph of a record's steps: which steps each step builds on.

A step's parents are the step before it in its stage, the last step of the stage its FROM builds
on (for the stage's first step), and the last step of the stage a `COPY --from` reads. Each
platform (and bake target) is a graph of its own. Pure; the stage bases come from the outline
the record keeps.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from arxdocker.analysis.build_facts import OutlineItem
from arxdocker.analysis.report import Step

_COPY_FROM = re.compile(r"--from=(\S+)")


def step_parents(steps: Iterable[Step], outline: tuple[OutlineItem, ...]) -> dict[str, list[Step]]:
    """Each step's direct parents: the step before it in its stage, the last step of the stage its
    FROM builds on (for its first step), and the last step of a `COPY --from` stage; each
    platform (and bake target) is a graph of its own."""
    by_stage: dict[tuple[str | None, str | None, str | None], list[Step]] = {}
    for step in steps:
        if step.cacheable or step.instruction.startswith("FROM"):
            by_stage.setdefault((step.target, step.platform, step.stage), []).append(step)
    for stage_steps in by_stage.values():
        stage_steps.sort(key=lambda s: s.index)
    bases = {item.stage: item.base for item in outline if item.keyword == "FROM"}
    stage_names = [item.stage for item in outline if item.keyword == "FROM"]
    parents: dict[str, list[Step]] = {}
    for (target, platform, stage), stage_steps in by_stage.items():
        for position, step in enumerate(stage_steps):
            found: list[Step] = []
            base = (target, platform, bases.get(stage or ""))
            if position:
                found.append(stage_steps[position - 1])
            elif base in by_stage:
                found.append(by_stage[base][-1])
            match = _COPY_FROM.search(step.instruction)
            if match:
                source = match.group(1)
                if source.isdigit() and int(source) < len(stage_names):
                    source = stage_names[int(source)]
                if (target, platform, source) in by_stage:
                    found.append(by_stage[(target, platform, source)][-1])
            parents[step.id] = found
    return parents
