"""What `arxdocker bake` runs: the bake definition, per-target cache `--set`s, and buildx's argv.

The definition comes from `docker buildx bake --print` (groups resolved, variables applied), so
arxdocker knows each target's context, Dockerfile and stage before the build starts. Everything
else here is pure.
"""

from __future__ import annotations

import functools
import hashlib
import json
import subprocess
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from arxdocker.analysis.bake import Ownership
from arxdocker.build.cachespec import CachePlan, expand
from arxdocker.build.ci import registry_cache_ref, robust_export
from arxdocker.errors import ArxError

if TYPE_CHECKING:
    from arxdocker.dockerfile.model import Instruction
    from arxdocker.dockerfile.stages import StageModel


@dataclass(frozen=True, slots=True)
class BakeTarget:
    """One target of the resolved bake definition."""

    name: str
    context: Path
    dockerfile: Path
    stage: str | None = None
    args: tuple[tuple[str, str], ...] = ()
    tags: tuple[str, ...] = ()
    platforms: tuple[str, ...] = ()


@dataclass(frozen=True)
class BakeCache:
    """The `--set` values giving each target its cache, and each target's plan (for records)."""

    sets: tuple[str, ...] = ()
    plans: dict[str, CachePlan] = field(default_factory=dict)

    def plan_of(self, target: str) -> CachePlan:
        return self.plans.get(target, CachePlan())


def bake_command(files: list[str], sets: list[str], *, docker: str = "docker") -> list[str]:
    """`docker buildx bake` with the options shared by `--print` and the build."""
    argv = [docker, "buildx", "bake"]
    for name in files:
        argv += ["--file", name]
    for item in sets:
        argv += ["--set", item]
    return argv


def build_argv(
    files: list[str],
    sets: list[str],
    targets: list[str],
    cache: BakeCache,
    *,
    builder: str | None = None,
    metadata_file: str | None = None,
    docker: str = "docker",
) -> list[str]:
    argv = bake_command(files, [*sets, *cache.sets], docker=docker)
    if builder:
        argv += ["--builder", builder]
    if metadata_file:
        argv += ["--metadata-file", metadata_file]
    return [*argv, "--progress", "rawjson", *targets]


def print_definition(
    files: list[str], sets: list[str], targets: list[str], cwd: Path, *, docker: str = "docker"
) -> dict[str, Any]:
    """buildx's resolved definition (`bake --print`), or a one-line error."""
    argv = [*bake_command(files, sets, docker=docker), "--print", *targets]
    try:
        done = subprocess.run(argv, capture_output=True, cwd=cwd, check=False, timeout=120)
    except FileNotFoundError:
        raise ArxError(
            f"cannot run {docker!r}: not found on PATH",
            hint="install the docker CLI and the buildx plugin",
        ) from None
    if done.returncode != 0:
        lines = done.stderr.decode("utf-8", "replace").strip().splitlines()
        errors = [line for line in lines if line.startswith("ERROR:")] or lines[-1:] or ["?"]
        raise ArxError(
            f"buildx bake cannot read the definition: {errors[-1].removeprefix('ERROR: ')}"
        )
    try:
        data = json.loads(done.stdout)
    except ValueError:
        raise ArxError("buildx bake --print did not print JSON") from None
    return data if isinstance(data, dict) else {}


def targets_of(definition: Mapping[str, Any], cwd: Path) -> list[BakeTarget]:
    """The targets of a `bake --print` document, in its order, paths resolved against `cwd`."""
    result = []
    for name, body in (definition.get("target") or {}).items():
        context = (cwd / str(body.get("context") or ".")).resolve()
        dockerfile_name = str(body.get("dockerfile") or "Dockerfile")
        dockerfile = Path(dockerfile_name)
        if not dockerfile.is_absolute():
            dockerfile = (context / dockerfile).resolve()
        args = body.get("args") or {}
        result.append(
            BakeTarget(
                name=name,
                context=context,
                dockerfile=dockerfile,
                stage=body.get("target"),
                args=tuple((str(key), str(value)) for key, value in args.items()),
                tags=tuple(body.get("tags") or ()),
                platforms=tuple(body.get("platforms") or ()),
            )
        )
    return result


def cache_for(
    targets: list[str], shorthand: str | None, *, staging_suffix: str | None = None
) -> BakeCache:
    """Each target's cache from one shorthand, as `--set TARGET.cache-from/to=...`.

    `registry:PREFIX` gives target T the ref `PREFIX/T:cache`; `local:DIR` the folder `DIR/T`;
    `gha[:SCOPE]` the scope `SCOPE-T` (or `T`). Exports are `mode=max,ignore-error=true`, so an
    unreachable cache never fails the build.
    """
    if shorthand is None or shorthand.strip().lower() == "none":
        return BakeCache()
    kind, _, value = shorthand.partition(":")
    kind, value = kind.strip().lower(), value.strip()
    sets: list[str] = []
    plans: dict[str, CachePlan] = {}
    for target in targets:
        if kind == "registry" and value:
            per_target = f"registry:{registry_cache_ref(value, target)}"
        elif kind == "local" and value:
            per_target = f"local:{value.rstrip('/')}/{target}"
        elif kind == "gha":
            per_target = f"gha:{value}-{target}" if value else f"gha:{target}"
        else:
            raise ArxError(
                f"bake --cache {shorthand!r} is not one of registry:PREFIX, local:DIR, gha, none",
                hint="full specs go through --set TARGET.cache-from=... / TARGET.cache-to=...",
            )
        plan = expand(per_target, staging_suffix=staging_suffix)
        plan = CachePlan(
            plan.cache_from,
            tuple(robust_export(spec) for spec in plan.cache_to),
            plan.kinds,
            plan.local_swaps,
        )
        plans[target] = plan
        sets += [f"{target}.cache-from={spec}" for spec in plan.cache_from]
        sets += [f"{target}.cache-to={spec}" for spec in plan.cache_to]
    return BakeCache(tuple(sets), plans)


def family(target: BakeTarget) -> str:
    """Targets of one family build from the same Dockerfile, context and args: BuildKit runs the
    stages they share once, under either target's name."""
    return json.dumps([str(target.context), str(target.dockerfile), sorted(target.args)])


def _stage_model(target: BakeTarget) -> StageModel | None:
    """The stage model of the target's Dockerfile, None when it cannot be read. Targets share
    Dockerfiles, and ownership asks twice per target: each file is parsed once."""
    try:
        stat = target.dockerfile.stat()
    except OSError:
        return None
    return _parsed_stages(str(target.dockerfile), stat.st_mtime_ns, stat.st_size)


@functools.lru_cache(maxsize=32)
def _parsed_stages(path: str, _mtime_ns: int, _size: int) -> StageModel | None:
    from arxdocker.dockerfile.parser import parse_text
    from arxdocker.dockerfile.stages import build_stages

    try:
        model = build_stages(parse_text(Path(path).read_text(encoding="utf-8"), path))
    except (OSError, ValueError, ArxError):
        return None
    return model if model.stages else None


def _closure(model: StageModel, index: int) -> set[int]:
    """The stage and every stage it builds FROM, copies or mounts from, transitively."""
    needed: set[int] = set()
    todo = [index]
    while todo:
        current = todo.pop()
        if current not in needed:
            needed.add(current)
            todo.extend(model.dependencies(model.stages[current]))
    return needed


def _names(model: StageModel, index: int) -> tuple[str, ...]:
    stage = model.stages[index]
    return (f"stage-{index}", stage.name.lower()) if stage.name else (f"stage-{index}",)


def stage_needs(target: BakeTarget) -> frozenset[str] | None:
    """The names of the stages `target` builds (its stage, what it is FROM, what it copies or
    mounts from), as BuildKit names them in steps (`deps`, or `stage-N` for unnamed stages);
    None when the Dockerfile cannot be read."""
    model = _stage_model(target)
    start = None if model is None else (model.stage(target.stage) if target.stage else model.final)
    if model is None or start is None:
        return None
    return frozenset(
        name for index in _closure(model, start.index) for name in _names(model, index)
    )


def stage_families(target: BakeTarget) -> dict[str, str] | None:
    """For each stage of the Dockerfile, the family of its steps: the context, the Dockerfile and
    the values of the args that stage and the stages it builds on declare. Two targets whose args
    differ only in ones a stage never declares (`FAIL_TESTS` of a test stage) run that stage's
    steps once, shared: BuildKit names them after either target. None when unreadable."""
    from arxdocker.dockerfile.stages import arg_pairs

    model = _stage_model(target)
    if model is None:
        return None
    declared = [
        {name for i in stage.instructions if i.keyword == "ARG" for name, _ in arg_pairs(i)}
        for stage in model.stages
    ]
    families: dict[str, str] = {}
    for stage in model.stages:
        relevant = set(model.global_args)
        for index in _closure(model, stage.index):
            relevant |= declared[index]
        used = sorted((name, value) for name, value in target.args if name in relevant)
        key = json.dumps([str(target.context), str(target.dockerfile), used])
        families.update((name, key) for name in _names(model, stage.index))
    return families


# The instructions BuildKit numbers in a stage's `[stage i/n]` (dockerfile2llb's cmdTotal), after
# the FROM of an image, which is step 1 (a FROM of another stage or of scratch is not numbered).
_NUMBERED = frozenset({"ADD", "COPY", "RUN", "WORKDIR"})


def step_identities(target: BakeTarget) -> dict[tuple[str, int], str] | None:
    """For each step of the Dockerfile as BuildKit names it (stage name, index i of `i/n`), the
    identity of its vertex for this target; None when the Dockerfile cannot be read.

    BuildKit merges two steps into one vertex when they do the same thing on the same vertex:
    two stages that start alike (`build` and `test`, both FROM deps, then `COPY src/ src/`) share
    their first steps, and the shared vertex is named after either stage. So the identity chains
    the step's parent vertex, its instruction, what it reads (the context, another stage, the
    values of the args and ENV a RUN sees or the text names), not its stage's name.
    """
    from arxdocker.dockerfile.expand import expand

    model = _stage_model(target)
    if model is None:
        return None
    given = dict(target.args)
    context = str(target.context)
    finals: dict[int, str] = {}
    identities: dict[tuple[str, int], str] = {}

    def values(instruction: Instruction) -> dict[str, str | None]:
        scope = model.scope(instruction)
        return {name: given.get(name, value) for name, value in scope.items()}

    def digest(*parts: object) -> str:
        return hashlib.sha256(json.dumps(parts, default=str).encode()).hexdigest()[:20]

    def stage_final(index: int, visiting: frozenset[int] = frozenset()) -> str:
        if index in finals:
            return finals[index]
        if index in visiting:  # BuildKit refuses a cycle; never loop on one
            return digest("cycle", index)
        visiting |= {index}
        stage = model.stages[index]
        names = list(_names(model, index))
        if len(model.stages) == 1:
            names.append("")  # a one-stage Dockerfile's steps are `[2/4]`, with no stage
        step = 0
        if stage.base_stage is not None:
            parent = stage_final(stage.base_stage, visiting)
        else:
            base = expand(stage.base_raw, {**model.global_args, **given}).lower()
            parent = digest("from", base, stage.platform)
            if base != "scratch":
                step = 1
                identities.update(((name, step), parent) for name in names)
        for instruction in stage.instructions:
            if instruction.keyword not in _NUMBERED:
                continue
            seen = values(instruction)
            if instruction.keyword == "RUN":
                reads: object = sorted((k, v) for k, v in seen.items() if v is not None)
            else:
                text = instruction.original
                reads = sorted(
                    (k, v) for k, v in seen.items() if f"${k}" in text or f"${{{k}" in text
                )
            sources: list[str] = []
            refs = instruction.flag_values("from")
            refs += [m["from"] for m in instruction.mounts() if m.get("from")]
            for ref in refs:
                other = model.stage(expand(ref, seen))
                sources.append(
                    stage_final(other.index, visiting) if other is not None else "image:" + ref
                )
            if instruction.keyword in ("ADD", "COPY") and not instruction.flag_values("from"):
                sources.append("context:" + context)
            if any(
                m.get("type", "bind") == "bind" and not m.get("from") for m in instruction.mounts()
            ):
                sources.append("context:" + context)
            parent = digest(parent, instruction.keyword, instruction.original, reads, sources)
            step += 1
            identities.update(((name, step), parent) for name in names)
        finals[index] = parent
        return parent

    for index in range(len(model.stages)):
        stage_final(index)
    return identities


def needed_identities(target: BakeTarget) -> frozenset[str] | None:
    """The identities of the steps `target` builds: those of the stages it needs."""
    identities = step_identities(target)
    needs = stage_needs(target)
    if identities is None or needs is None:
        return None
    return frozenset(key for (stage, _), key in identities.items() if stage in needs or stage == "")


def ownership(targets: list[BakeTarget]) -> Ownership:
    """Which targets share stages, for splitting the report per target."""
    return Ownership(
        families={target.name: family(target) for target in targets},
        stages={target.name: stage_needs(target) for target in targets},
        stage_families={target.name: stage_families(target) for target in targets},
        identities={target.name: step_identities(target) for target in targets},
        needed={target.name: needed_identities(target) for target in targets},
    )
