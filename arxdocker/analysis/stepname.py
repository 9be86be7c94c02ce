"""What a BuildKit vertex name says about the step: `[app linux/amd64 build 2/6] RUN make`.

The Dockerfile frontend names instruction vertices `[stage i/n] INSTRUCTION`; buildx inserts the
bake target (`[app build 2/6]`) and the platform of a multi-platform build
(`[linux/amd64->arm64 build 2/5]`) into the same brackets. Every other vertex (`[internal] load
build context`, `exporting to image`, `importing cache manifest …`) is internal.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_INSTRUCTION_STEP = re.compile(
    r"\[(?P<prefix>[^\]]*?)\s*(?P<index>\d+)/(?P<total>\d+)\]\s+(?P<instruction>.*)\Z", re.DOTALL
)


@dataclass(frozen=True, slots=True)
class StepName:
    target: str | None
    platform: str | None
    stage: str | None
    index: int
    total: int
    instruction: str

    @property
    def keyword(self) -> str:
        return self.instruction.split(None, 1)[0].upper() if self.instruction.strip() else ""

    @property
    def is_base(self) -> bool:
        """FROM resolves the base image; it is listed, but not counted as a cacheable step."""
        return self.keyword == "FROM"


def parse_step_name(name: str, *, bake: bool = False) -> StepName | None:
    """The parts of an instruction step's name, or None for an internal vertex.

    A lone word before `i/n` is a stage name, except in a bake log, where buildx puts the target
    there for Dockerfiles whose stages have no names.
    """
    match = _INSTRUCTION_STEP.match(name)
    if match is None:
        return None
    words = match["prefix"].split()
    platform = next((word for word in words if "/" in word), None)
    others = [word for word in words if word != platform]
    target = stage = None
    if len(others) >= 2:
        target, stage = others[0], " ".join(others[1:])
    elif len(others) == 1:
        if bake:
            target = others[0]
        else:
            stage = others[0]
    return StepName(
        target=target,
        platform=platform,
        stage=stage,
        index=int(match["index"]),
        total=int(match["total"]),
        instruction=match["instruction"],
    )
