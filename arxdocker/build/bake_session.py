"""One `arxdocker bake`: run `buildx bake --progress=rawjson`, fold its events, split the report
per target, and make one record per target.

The pieces are those of `arxdocker build`: the same child process (`BuildxProcess`), event fold
(`ReportBuilder`), cache watch and record maker. Engine facts and each target's inputs are
gathered in background threads while buildx runs.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from arxdocker.analysis.bake import BakeReport, split_by_target
from arxdocker.analysis.export_race import (
    is_export_race,
    merge_messages,
    merge_record,
    merge_report,
    retried_note,
    retry_notice,
)
from arxdocker.analysis.report import Report
from arxdocker.build import localcache
from arxdocker.build.background import Background
from arxdocker.build.bake import BakeCache, BakeTarget, ownership
from arxdocker.build.cachewatch import CacheProblem, CacheWatch
from arxdocker.build.fold import Display, fold_buildx, interrupted_error, require_buildx
from arxdocker.build.image import describe_image
from arxdocker.build.launch import inspect_builder, signals_as_interrupts
from arxdocker.build.options import BuildOptions
from arxdocker.build.recording import make_record
from arxdocker.build.request import BuildRequest
from arxdocker.build.session import (  # the same gate and engine facts as build
    _server_versions,
    gated,
)
from arxdocker.history.record import Record


@dataclass
class BakeOutcome:
    report: BakeReport
    records: list[Record]
    exit_code: int
    status: str
    messages: list[str] = field(default_factory=list)
    text_lines: list[str] = field(default_factory=list)  # buildx's plain text (error snippet)
    gate: str | None = None
    cache_problems: list[CacheProblem] = field(default_factory=list)  # for the job summary


def run_bake(
    argv: list[str],
    targets: list[BakeTarget],
    cache: BakeCache,
    *,
    history: Path,
    min_hit_rate: float | None = None,
    display: Display | None = None,
    builder: str | None = None,
    echo: Callable[[bytes], None] | None = None,
    metadata_file: str | None = None,
) -> BakeOutcome:
    from arxdocker.build.driver import BuildxProcess

    builder_job = Background(inspect_builder, builder)
    versions_job = Background(_server_versions)
    input_jobs = {
        target.name: Background(_gather, target.context, target.dockerfile, history)
        for target in targets
    }
    started = time.time()
    process = BuildxProcess(None, argv=argv)  # in the current folder, as `-f` paths are given
    lines = process.lines()
    if echo is not None:
        lines = _tee(lines, echo)
    with signals_as_interrupts():
        run = fold_buildx(lines, process.wait, process.interrupt, display)
    require_buildx(run)
    messages: list[str] = []
    if run.stream_error:
        messages.append(f"buildx's progress stream ended early: {run.stream_error}")
    status, exit_code = run.status, run.exit_code
    for plan in cache.plans.values():
        for swap in plan.local_swaps:
            (localcache.commit if status == "ok" else localcache.discard)(swap)
    total = interrupted_error(run, run.builder.finish(run.steps))
    bake = split_by_target(total, [target.name for target in targets], ownership(targets))
    bake = BakeReport(
        bake.total,
        {
            name: _never_ran(interrupted_error(run, report), total, status)
            for name, report in bake.targets.items()
        },
    )
    run.watch.note_shared_misses([target.name for target in targets])
    for problem in run.watch.problems:
        messages.append(problem.describe())
    exit_code, gate = gated(total, exit_code, min_hit_rate)
    builder_info = builder_job.result()
    versions = versions_job.result() or {}
    metadata = _metadata(metadata_file)
    records = []
    for target in targets:
        inputs = input_jobs[target.name].result() or {}
        report = bake.targets.get(target.name) or _never_ran(_empty(total), total, status)
        records.append(
            _record(
                target=target,
                report=report,
                cache=cache,
                watch=run.watch,
                started=started,
                exit_code=exit_code,
                status=status,
                builder_info=builder_info,
                versions=versions,
                inputs=inputs,
                history=history,
                min_hit_rate=min_hit_rate,
                messages=messages,
                gate_failed=gate is not None,
                metadata=metadata.get(target.name) or {},
            )
        )
    return BakeOutcome(
        bake, records, exit_code, status, messages, run.text_lines, gate, list(run.watch.problems)
    )


def retry_if_export_race(
    first: BakeOutcome,
    rerun: Callable[[], BakeOutcome],
    min_hit_rate: float | None,
    notify: Callable[[str], None],
) -> BakeOutcome:
    """`first`, or, when only the engine's unpack race failed it, first merged with a rerun."""
    if not is_export_race(first.report.total):
        return first
    notify(retry_notice())
    return merge_bake_retry(first, rerun(), min_hit_rate)


def merge_bake_retry(
    first: BakeOutcome, retry: BakeOutcome, min_hit_rate: float | None
) -> BakeOutcome:
    """One outcome for a bake whose export was retried (see `export_race`): the first run's
    steps per target, the retry's verdict, the hit rate gate judged on the first run."""
    note = retried_note(retry.exit_code)
    retried = {record.target: record for record in retry.records}
    report = BakeReport(
        merge_report(first.report.total, retry.report.total),
        {
            name: merge_report(target, retry.report.targets.get(name, target))
            for name, target in first.report.targets.items()
        },
    )
    exit_code, gate = gated(report.total, retry.exit_code, min_hit_rate)
    records = []
    for record in first.records:
        merged = merge_record(record, retried.get(record.target, record), note)
        if gate:
            merged = replace(merged, exit_code=1, min_hit_rate_failed=True)
        records.append(merged)
    messages = merge_messages(first.messages, retry.messages, note)
    problems = list(dict.fromkeys([*first.cache_problems, *retry.cache_problems]))
    return BakeOutcome(
        report, records, exit_code, retry.status, messages, retry.text_lines, gate, problems
    )


def _record(
    *,
    target: BakeTarget,
    report: Report,
    cache: BakeCache,
    watch: CacheWatch,
    started: float,
    exit_code: int,
    status: str,
    builder_info: Any,
    versions: dict[str, Any],
    inputs: dict[str, Any],
    history: Path,
    min_hit_rate: float | None,
    messages: list[str],
    gate_failed: bool,
    metadata: dict[str, Any],
) -> Record:
    options = BuildOptions(
        context=str(target.context),
        file=str(target.dockerfile),
        tags=target.tags,
        target=target.name,  # the bake target; its stage is in each step
        build_args=target.args,
        platforms=target.platforms,
    )
    plan = cache.plan_of(target.name)
    request = BuildRequest(
        options=options,
        cache=plan,
        context=target.context,
        dockerfile=target.dockerfile,
        min_hit_rate=min_hit_rate,
        history=history,
    )
    # Each record says how its own target went: in a failed bake, a target whose steps all
    # finished is ok (exit 0); one that failed, was canceled half-way, or never ran a step (the
    # bake failed first, as on a base image that cannot be pulled) carries bake's failure.
    own_status = status
    finished = bool(report.steps) and not report.failed and not report.summary.steps_canceled
    if status == "failed" and finished:
        own_status, exit_code = "ok", 0
    return make_record(
        request=request,
        options=options,
        plan=plan,
        dropped=[],
        report=report,
        watch=watch.for_target(target.name),  # another target's failed export is not this one's
        started=started,
        exit_code=exit_code,
        status=own_status,
        builder_info=builder_info,
        versions=versions,
        inputs=inputs,
        image=describe_image(options, metadata, exit_code),
        messages=list(messages),
        gate_failed=gate_failed,
    )


def _metadata(path: str | None) -> dict[str, Any]:
    """buildx bake's `--metadata-file`: per target, the image digest and name."""
    if not path:
        return {}
    import json

    try:
        with Path(path).open(encoding="utf-8") as handle:
            data = json.load(handle)
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _never_ran(report: Report, total: Report, status: str) -> Report:
    """A target of a failed bake that ran no step (the bake failed first, as on a base image that
    cannot be pulled) failed with it: its report carries the bake's error."""
    if status != "failed" or report.steps or report.error is not None:
        return report
    return replace(report, error=total.error or "the bake failed before this target ran a step")


def _empty(total: Report) -> Report:
    from arxdocker.analysis.bake import target_report

    return target_report(total, [])


def _gather(context: Path, dockerfile: Path, history: Path) -> dict[str, Any]:
    from arxdocker.build.inputs import gather_inputs

    return gather_inputs(context, dockerfile, history)


def _tee(lines: Any, echo: Callable[[bytes], None]) -> Any:
    for line in lines:
        echo(line)
        yield line
