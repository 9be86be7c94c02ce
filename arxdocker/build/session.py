"""One `arxdocker build`: check the cache plan, run buildx, fold its events, write the record.

The hot path is the buildx child and the event fold. Everything the record needs besides the
events (engine and tool versions, the builder, the image, context manifests) is gathered in
background threads while buildx runs, so a fully cached build pays only for Python's start-up,
the fold and the final report. BuildKit's own counts of the build are not asked here: the record
keeps BuildKit's ref of the build (`buildkit`), and `arxdocker history --buildkit` asks BuildKit
for the counts when they are wanted, so a build pays nothing for them (`buildkit_part`).
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from typing import Any

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
from arxdocker.build.fold import (
    Display,
    Folded,
    fold_buildx,
    interrupted_error,
    require_buildx,
)
from arxdocker.build.image import describe_image, early_image_ref, image_exported, image_info
from arxdocker.build.inputs import gather_inputs
from arxdocker.build.launch import Launched, inspect_builder, launch
from arxdocker.build.recording import make_record, redacted_record
from arxdocker.build.redact import Redactor, looks_secret, redact_report
from arxdocker.build.request import BuildRequest
from arxdocker.history.record import Record
from arxdocker.percent import format_rate
from arxdocker.progress.models import Event


@dataclass
class BuildOutcome:
    report: Report
    record: Record
    exit_code: int
    messages: list[str] = field(default_factory=list)  # warnings for the user, one line each
    gate: str | None = None  # why a successful build still exits 1 (--min-hit-rate)


def follow(
    launched: Launched,
    display: Display | None = None,
    warn: Callable[[str], None] = lambda message: None,
) -> BuildOutcome:
    """Fold the running build's events, then gather everything its record needs."""
    request = launched.request
    redactor = request.redactor
    messages: list[str] = []

    def note(message: str) -> None:
        message = redactor.text(message)
        messages.append(message)
        warn(message)

    for message in launched.messages:
        note(message)
    for name, _ in request.options.build_args:
        if looks_secret(name):
            note(
                f"build arg {name} looks secret: its value is kept out of arxdocker's output and "
                f"history, but BuildKit stores build args in the image; pass it with "
                f"--secret id={name.lower()},env={name} and RUN --mount=type=secret instead"
            )
    versions_job = Background(_server_versions)
    builder_job = (
        Background(inspect_builder, request.options.builder) if launched.builder is None else None
    )
    inputs_job = Background(gather_inputs, request.context, request.dockerfile, request.history)
    run, early_image = _drive(launched, redactor, display)
    require_buildx(run)
    metadata = launched.metadata()
    plan = launched.plan
    for swap in plan.local_swaps:
        if run.status == "ok":
            localcache.commit(swap)
        else:
            localcache.discard(swap)
    report = interrupted_error(run, redact_report(run.builder.finish(run.steps), redactor))
    for problem in run.watch.problems:
        note(problem.describe())
    if run.stream_error:
        note(f"buildx's progress stream ended early: {run.stream_error}")

    builder_info = builder_job.result() if builder_job else launched.builder
    image = describe_image(launched.options, metadata, run.exit_code, early_image)
    inputs = inputs_job.result() or {}
    for message in inputs.get("warnings", []):
        note(message)
    versions = versions_job.result() or {}
    buildkit = buildkit_part(
        metadata,
        builder_info.buildx if builder_info is not None else None,
        interrupted=run.status == "interrupted",
    )
    for job in (builder_job, inputs_job, versions_job, early_image):
        if job is not None and job.error:
            note(f"the record lacks a part: {job.error}")
    exit_code, gate = gated(report, run.exit_code, request.min_hit_rate)
    record = make_record(
        request=request,
        options=launched.options,
        plan=plan,
        dropped=launched.dropped,
        report=report,
        watch=run.watch,
        started=launched.started,
        exit_code=exit_code,
        status=run.status,
        builder_info=builder_info,
        versions=versions,
        inputs=inputs,
        image=image,
        messages=messages,
        gate_failed=gate is not None,
        buildkit=buildkit,
    )
    return BuildOutcome(report, redacted_record(record, redactor), exit_code, messages, gate)


def _drive(
    launched: Launched, redactor: Redactor, display: Display | None
) -> tuple[Folded, Background | None]:
    """Fold the build's events until buildx exits or the user interrupts it; with them, the
    image's details, asked for as soon as buildx says the image is exported."""
    early_ref = early_image_ref(launched.options)
    early_image: list[Background] = []

    def on_event(event: Event) -> None:
        if early_ref and not early_image and image_exported(event):
            # buildx takes ~90 ms to exit after its last event: ask about the image meanwhile.
            early_image.append(Background(image_info, early_ref))

    lines = launched.lines
    stream = _echo(lines, redactor) if launched.request.echo_rawjson else lines
    try:
        folded = fold_buildx(stream, launched.wait, launched.interrupt, display, on_event)
    finally:
        launched.close()
    return folded, early_image[0] if early_image else None


def buildkit_part(
    metadata: dict[str, Any], buildx_version: str | None, *, interrupted: bool = False
) -> dict[str, Any] | None:
    """The record's `buildkit` part: BuildKit's ref of the build (`buildx.build.ref` of the
    metadata file), whose counts `arxdocker history --buildkit` reads from BuildKit later; None
    without a ref (buildx wrote none) or after an interrupt.

    Asking while buildx exits was measured: its ~60 ms child outlasts buildx's ~40 ms exit, and
    on two cores it slows that exit, adding 10 to 70 ms to a cached build. Later, one
    `buildx history ls` answers for every build BuildKit still keeps.
    """
    ref = metadata.get("buildx.build.ref")
    if interrupted or not isinstance(ref, str) or not ref:
        return None
    from arxdocker.engine.buildkit_history import BuildkitCounts, lacks_history

    return BuildkitCounts(ref, note=lacks_history(buildx_version)).to_record()


def run_once(request: BuildRequest, display: Display | None = None) -> BuildOutcome:
    """Launch buildx, follow it to the end, and clean up after it."""
    launched = launch(request)
    try:
        return follow(launched, display)
    except BaseException:
        launched.interrupt()
        raise
    finally:
        launched.cleanup()


def retry_if_export_race(
    first: BuildOutcome, request: BuildRequest, notify: Callable[[str], None]
) -> BuildOutcome:
    """`first`, or, when only the engine's unpack race failed it, first merged with a rerun."""
    if not is_export_race(first.report):
        return first
    notify(retry_notice())
    return merge_retry(first, run_once(request), request.min_hit_rate)


def merge_retry(
    first: BuildOutcome, retry: BuildOutcome, min_hit_rate: float | None
) -> BuildOutcome:
    """One outcome for a build whose export was retried (see `export_race`).

    The hit rate gate is judged on the first run: the retry is fully cached by construction.
    """
    note = retried_note(retry.exit_code)
    report = merge_report(first.report, retry.report)
    exit_code, gate = gated(report, retry.exit_code, min_hit_rate)
    record = replace(
        merge_record(first.record, retry.record, note),
        exit_code=exit_code,
        min_hit_rate_failed=gate is not None,
    )
    messages = merge_messages(first.messages, retry.messages, note)
    return BuildOutcome(report, record, exit_code, messages, gate)


def gated(report: Report, exit_code: int, min_hit_rate: float | None) -> tuple[int, str | None]:
    """The exit code after the --min-hit-rate gate, and the gate's message when it failed.

    Only a build that succeeded is gated: 1 when its hit rate is below `min_hit_rate` percent.
    """
    rate = report.summary.hit_rate
    if exit_code != 0 or min_hit_rate is None or rate is None or rate * 100 >= min_hit_rate:
        return exit_code, None
    summary = report.summary
    return 1, (
        f"cache hit rate {format_rate(rate)} is below --min-hit-rate {min_hit_rate:g}%: "
        f"{summary.steps_built} of {summary.steps_total} steps rebuilt"
    )


def _server_versions() -> dict[str, Any]:
    from arxdocker.engine.images import server_versions

    return server_versions()


def _echo(lines: Iterator[bytes], redactor: Redactor) -> Iterator[bytes]:
    out = sys.stderr.buffer
    for line in lines:
        out.write(redactor.rawjson_line(line))
        out.flush()
        yield line
