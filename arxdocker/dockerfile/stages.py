"""The stage model: FROM ... AS name, stage references, and ARG/ENV scope within each stage."""

from __future__ import annotations

from dataclasses import dataclass, field

from arxdocker.dockerfile.expand import expand
from arxdocker.dockerfile.model import Dockerfile, Instruction


@dataclass(frozen=True)
class Stage:
    index: int
    name: str | None
    base: str  # the base image with global ARGs expanded
    base_raw: str
    platform: str | None
    from_instruction: Instruction
    instructions: tuple[Instruction, ...]  # after the FROM
    base_stage: int | None = None  # the stage this one builds FROM, if any

    @property
    def label(self) -> str:
        return self.name or str(self.index)


@dataclass(frozen=True)
class StageModel:
    dockerfile: Dockerfile
    global_args: dict[str, str | None]
    stages: tuple[Stage, ...]
    _scopes: dict[int, dict[str, str | None]] = field(default_factory=dict, repr=False)
    _stage_by_index: dict[int, tuple[Stage, Instruction]] = field(
        default_factory=dict, repr=False, compare=False
    )

    def stage(self, reference: str) -> Stage | None:
        """The stage a `--from=` or `FROM` reference names (by name or index)."""
        for stage in self.stages:
            if stage.name and stage.name == reference.lower():
                return stage
        if reference.isdigit() and int(reference) < len(self.stages):
            return self.stages[int(reference)]
        return None

    def stage_of(self, instruction: Instruction) -> Stage | None:
        if not self._stage_by_index:  # once per file: rules ask this of every instruction
            for stage in self.stages:
                self._stage_by_index.update((i.index, (stage, i)) for i in stage.instructions)
        stage, known = self._stage_by_index.get(instruction.index, (None, None))
        return stage if known is instruction or known == instruction else None

    def scope(self, instruction: Instruction) -> dict[str, str | None]:
        """ARG and ENV values visible to an instruction (global ARGs only when redeclared)."""
        return self._scopes.get(instruction.index, dict(self.global_args))

    def expand(self, instruction: Instruction, text: str) -> str:
        return expand(text, self.scope(instruction))

    def chain(self, stage: Stage) -> list[Stage]:
        """The stage and the stages it builds FROM, nearest first."""
        chain = [stage]
        while chain[-1].base_stage is not None:
            chain.append(self.stages[chain[-1].base_stage])
        return chain

    def dependencies(self, stage: Stage) -> set[int]:
        """Indexes of the stages `stage` builds FROM, copies `--from` or mounts `from=`."""
        used: set[int] = set()
        if stage.base_stage is not None:
            used.add(stage.base_stage)
        for instruction in stage.instructions:
            refs = instruction.flag_values("from")
            refs += [m.get("from", "") for m in instruction.mounts() if m.get("from")]
            for ref in refs:
                target = self.stage(self.expand(instruction, ref))
                if target is not None:
                    used.add(target.index)
        return used

    def referenced(self) -> set[int]:
        """Indexes of stages other stages build from or copy from."""
        return {index for stage in self.stages for index in self.dependencies(stage)}

    @property
    def final(self) -> Stage | None:
        return self.stages[-1] if self.stages else None


def arg_pairs(instruction: Instruction) -> list[tuple[str, str | None]]:
    pairs: list[tuple[str, str | None]] = []
    for word in instruction.args:
        name, sep, value = word.partition("=")
        pairs.append((name, _unquote(value) if sep else None))
    return pairs


def env_pairs(instruction: Instruction) -> list[tuple[str, str]]:
    args = instruction.args
    return [(args[i], _unquote(args[i + 1])) for i in range(0, len(args) - 1, 2)]


def _unquote(value: str) -> str:
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
        return value[1:-1]
    return value


def build_stages(dockerfile: Dockerfile) -> StageModel:
    """Split a Dockerfile into stages and record the ARG/ENV scope before each instruction."""
    global_args: dict[str, str | None] = {}
    scopes: dict[int, dict[str, str | None]] = {}
    stages: list[Stage] = []
    stage_env: list[dict[str, str | None]] = []  # ENV a stage leaves to stages built FROM it
    current: dict | None = None
    scope: dict[str, str | None] = {}
    env: dict[str, str | None] = {}
    body: list[Instruction] = []

    def close() -> None:
        if current is not None:
            stages.append(Stage(**current, instructions=tuple(body)))
            stage_env.append(dict(env))

    for instruction in dockerfile.instructions:
        if instruction.keyword == "FROM":
            close()
            words = list(instruction.args)
            name = words[2].lower() if len(words) >= 3 and words[1].lower() == "as" else None
            base_raw = words[0] if words else ""
            base = expand(base_raw, global_args)
            base_stage = next((s.index for s in stages if s.name and s.name == base.lower()), None)
            platform = instruction.flag("platform")
            current = {
                "index": len(stages),
                "name": name,
                "base": base,
                "base_raw": base_raw,
                "platform": platform.value if platform else None,
                "from_instruction": instruction,
                "base_stage": base_stage,
            }
            body = []
            env = dict(stage_env[base_stage]) if base_stage is not None else {}
            scope = dict(env)
            scopes[instruction.index] = dict(global_args)
            continue
        if current is None:
            if instruction.keyword == "ARG":
                for name, value in arg_pairs(instruction):
                    global_args[name] = expand(value, global_args) if value is not None else None
            scopes[instruction.index] = dict(global_args)
            continue
        scopes[instruction.index] = before = dict(scope)
        body.append(instruction)
        # Every pair of one ARG or ENV expands with the values from before the instruction.
        if instruction.keyword == "ARG":
            for name, value in arg_pairs(instruction):
                if name not in env:  # an ENV of the same name wins over the ARG
                    default = global_args.get(name) if value is None else expand(value, before)
                    scope[name] = default
        elif instruction.keyword == "ENV":
            for name, value in env_pairs(instruction):
                env[name] = scope[name] = expand(value, before)
    close()
    return StageModel(dockerfile, global_args, tuple(stages), scopes)
