"""A bake's report split per target.

buildx prefixes every step of a bake with its target (`[app deps 2/4] COPY …`). A stage shared by
several targets runs once and is shown under the name of whichever target's solve reached it
first, which varies from run to run; `ReportBuilder` keeps that step once, so the total counts it
once. Per target, a step belongs to the target its name carries and, when the bake definition is
known (`Ownership`), to every target of the same Dockerfile and context that builds the step's
stage with the same values of the args that stage declares: so each target's counts say what that
target needed, the same on every run.
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

    def owners(self, step: Step) -> list[str]:
        named = step.target or UNTARGETED
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
    grouped: dict[str, list[Step]] = {name: [] for name in targets}
    owners = ownership or Ownership()
    for step in report.steps:
        for name in owners.owners(step):
            grouped.setdefault(name, []).append(step)
    per_target = {name: target_report(report, steps) for name, steps in grouped.items()}
    return BakeReport(report, per_target)


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
