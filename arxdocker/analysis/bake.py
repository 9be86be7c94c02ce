"""A bake's report split per target.

buildx prefixes every step of a bake with its target (`[app deps 2/4] COPY …`). A vertex that
several targets share runs once and is shown under the name of whichever target's solve reached it
first, which varies from run to run, and with the stage name of whichever target's Dockerfile
conversion made it (`build` and `test` both start with `COPY src/ src/`: one vertex, named
`[app test 1/2]` even for the target that builds no `test` stage). `ReportBuilder` keeps each
vertex once, so the total counts distinct vertices (docs/build.md, "What a step is").

Per target, when the bake definition is known (`Ownership`), a step belongs to every target whose
build has a step of the same identity (`identities`: the parent vertex, the instruction, what it
reads), and a target that got two vertices of one identity (each target loading its own build
context, on buildx 0.13) counts that step once: built if either ran. So each target's counts say
what that target needed, the same on every run and from a plain or a rawjson log. Without the
definition, a step belongs to the target its name carries.
Pure functions over `Report` and `Step`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace

from arxdocker.analysis.report import SLOWEST_COUNT, Failure, Report, Step, Summary

UNTARGETED = "(bake)"  # an instruction step whose name carries no target (not seen in practice)


@dataclass(frozen=True, slots=True)
class BakeReport:
    """The whole bake, and one report per target in the order the targets were given."""

    total: Report
    targets: dict[str, Report]

    @property
    def failed(self) -> bool:
        return self.total.failed


@dataclass(frozen=True)
class Ownership:
    """What the bake definition says about its targets: which build from the same Dockerfile,
    context and args (`families`), and which stages each builds (`stages`, None if unknown)."""

    families: Mapping[str, str] = field(default_factory=dict)
    stages: Mapping[str, frozenset[str] | None] = field(default_factory=dict)
    # target -> stage -> the family of that stage's steps, which only the args the stage (and
    # what it builds on) declares decide; None where the Dockerfile could not be read
    stage_families: Mapping[str, Mapping[str, str] | None] = field(default_factory=dict)
    # target -> (stage as BuildKit names it, step index) -> the identity of that step's vertex,
    # and target -> the identities of the steps it builds; None where the Dockerfile is unreadable
    identities: Mapping[str, Mapping[tuple[str, int], str] | None] = field(default_factory=dict)
    needed: Mapping[str, frozenset[str] | None] = field(default_factory=dict)

    def identity(self, step: Step) -> str | None:
        """The identity of the step's vertex, as the target its name carries builds it."""
        table = self.identities.get(step.target or UNTARGETED)
        if table is None:
            return None
        return table.get(((step.stage or "").lower(), step.index))

    def owners(self, step: Step) -> list[str]:
        named = step.target or UNTARGETED
        identity = self.identity(step)
        if identity is not None:
            owners = [
                name
                for name, needed in self.needed.items()
                if name == named or (needed is not None and identity in needed)
            ]
            return owners or [named]
        return self._owners_by_stage(step, named)

    def _owners_by_stage(self, step: Step, named: str) -> list[str]:
        """Without step identities: the named target, and those building the same stage with
        the same values of the args it declares."""
        family = self.families.get(named)
        if family is None or step.stage is None:
            return [named]
        stage = step.stage.lower()
        own = (self.stage_families.get(named) or {}).get(stage)
        owners = []
        for name, other in self.families.items():
            if name != named and stage not in (self.stages.get(name) or frozenset()):
                continue
            theirs = (self.stage_families.get(name) or {}).get(stage)
            same = own == theirs if own is not None and theirs is not None else other == family
            if name == named or same:
                owners.append(name)
        return owners or [named]


def split_by_target(
    report: Report, targets: Iterable[str] = (), ownership: Ownership | None = None
) -> BakeReport:
    """One report per target: `targets` first (even those with no step), then any others seen."""
    targets = list(targets)
    if len(targets) == 1:
        report = single_target(report, targets[0])
    grouped: dict[str, dict[object, Step]] = {name: {} for name in targets}
    owners = ownership or Ownership()
    for position, step in enumerate(report.steps):
        identity = owners.identity(step) if step.cacheable else None
        key: object = position if identity is None else identity
        for name in owners.owners(step):
            steps = grouped.setdefault(name, {})
            earlier = steps.get(key)
            steps[key] = step if earlier is None else _the_one_that_ran(earlier, step)
    per_target = {
        name: target_report(report, list(steps.values())) for name, steps in grouped.items()
    }
    return BakeReport(report, per_target)


# Two vertices of one step in one target: the target's step failed, ran, was canceled or came
# from the cache, in that order of precedence.
_PRECEDENCE = {"error": 0, "built": 1, "canceled": 2, "cached": 3}


def _the_one_that_ran(first: Step, second: Step) -> Step:
    return second if _PRECEDENCE[second.status] < _PRECEDENCE[first.status] else first


def single_target(report: Report, target: str) -> Report:
    """A bake of one target: buildx names its steps without the target (`[deps 2/4]`), which the
    report reads as the target; give every step the target, and the word back to its stage."""

    def fixed(step: Step) -> Step:
        if step.target == target:
            return step
        return replace(step, target=target, stage=step.stage or step.target)

    return replace(
        report,
        steps=tuple(fixed(step) for step in report.steps),
        slowest=tuple(fixed(step) for step in report.slowest),
    )


def target_report(whole: Report, steps: list[Step]) -> Report:
    """The report of some of `whole`'s steps: counted, timed and ranked as `ReportBuilder` does."""
    counted = [step for step in steps if step.cacheable]
    failing = next((step for step in steps if step.status == "error"), None)
    failure = None
    if failing is not None:
        failure = Failure(failing.name, failing.error or "", failing.log_tail)
    failed_counted = next((step.name for step in counted if step.status == "error"), None)
    built = [step for step in counted if step.status == "built" and step.duration_s is not None]
    slowest = sorted(built, key=lambda step: step.duration_s or 0.0, reverse=True)[:SLOWEST_COUNT]
    return Report(
        source_format=whole.source_format,
        steps=tuple(steps),
        summary=Summary(
            steps_total=len(counted),
            steps_cached=sum(step.status == "cached" for step in counted),
            steps_built=sum(step.status == "built" for step in counted),
            steps_failed=sum(step.status == "error" for step in counted),
            steps_canceled=sum(step.status == "canceled" for step in counted),
            failed_step=failed_counted,
        ),
        duration_s=span_s(steps),
        error=failure.error if failure is not None else None,
        failure=failure,
        slowest=tuple(slowest),
    )


def span_s(steps: Iterable[Step]) -> float | None:
    """From the first step's start to the last step's end; None without a clock (plain logs)."""
    starts, ends = [], []
    for step in steps:
        if step.started is None:
            continue
        starts.append(step.started)
        ends.append(step.started + (step.duration_s or 0.0))
    if not starts:
        return None
    return max(0.0, max(ends) - min(starts))


BAKE_REPORT_SCHEMA = "arxdocker.bake-report/v1"


def bake_report_dict(report: BakeReport) -> dict[str, object]:
    """The `arxdocker.bake-report/v1` document: the total report and one per target."""
    return {
        "schema": BAKE_REPORT_SCHEMA,
        "total": report.total.to_dict(),
        "targets": {name: target.to_dict() for name, target in report.targets.items()},
    }
