"""One `arxdocker build`: check the cache plan, run buildx, fold its events, write the record.

The hot path is the buildx child and the event fold. Everything the record needs besides the
events (tool versions, builder, the docker SDK client, context manifests) is gathered in
background threads while buildx runs, so a fully cached build pays only for Python's start-up,
the fold and the final report.
"""

from __future__ import annotations

import hashlib
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Protocol

from arxdocker import __version__
from arxdocker.analysis.report import Report, ReportBuilder, Step
from arxdocker.build import localcache
from arxdocker.build.background import Background
from arxdocker.build.cachespec import CachePlan, strip_credentials
from arxdocker.build.cachewatch import CacheWatch
from arxdocker.build.capability import BuilderInfo
from arxdocker.build.launch import INTERRUPTED_EXIT, Launched, inspect_builder
from arxdocker.build.options import BuildOptions
from arxdocker.build.redact import Redactor, args_for_record, looks_secret, redact_report
from arxdocker.build.request import BuildRequest
from arxdocker.errors import ProgressParseError
from arxdocker.history.record import Record, host_facts, new_id, peak_rss_bytes
from arxdocker.progress.models import Event, SolveStatus
from arxdocker.progress.rawjson import iter_rawjson


class Display(Protocol):
    def add(self, event: Event) -> None: ...


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
    inputs_job = Background(_inputs, request.context, request.dockerfile, request.history)
    run = _drive(launched, redactor, display)
    metadata = launched.metadata()
    plan = launched.plan
    for swap in plan.local_swaps:
        if run.status == "ok":
            localcache.commit(swap)
        else:
            localcache.discard(swap)
    report = redact_report(run.builder.finish(run.steps), redactor)
    if run.status == "interrupted" and report.error is None:
        report = replace(report, error=f"interrupted ({run.signal_name})")
    for problem in run.watch.problems:
        note(problem.describe())
    if run.stream_error:
        note(f"buildx's progress stream ended early: {run.stream_error}")

    builder_info = builder_job.result() if builder_job else launched.builder
    image = _image(launched.options, metadata, run.exit_code, run.early_image)
    inputs = inputs_job.result() or {}
    for message in inputs.get("warnings", []):
        note(message)
    versions = versions_job.result() or {}
    for job in (builder_job, inputs_job, versions_job, run.early_image):
        if job is not None and job.error:
            note(f"the record lacks a part: {job.error}")
    exit_code = run.exit_code
    gate = _gate(report, request.min_hit_rate) if exit_code == 0 else None
    if gate:
        exit_code = 1
    record = _record(
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
    )
    return BuildOutcome(report, _redacted_record(record, redactor), exit_code, messages, gate)


@dataclass
class _Run:
    builder: ReportBuilder
    watch: CacheWatch
    steps: list[Step]
    exit_code: int = 1
    status: str = "ok"
    stream_error: str | None = None
    signal_name: str | None = None
    early_image: Background | None = None  # asked once the image is exported (see _drive)


def _drive(launched: Launched, redactor: Redactor, display: Display | None) -> _Run:
    """Fold the build's events until buildx exits or the user interrupts it."""
    run = _Run(ReportBuilder("rawjson"), CacheWatch(), [])
    try:
        lines = launched.lines
        stream = _echo(lines, redactor) if launched.request.echo_rawjson else lines
        early_ref = _early_image_ref(launched.options)
        for event in iter_rawjson(stream):
            run.steps.extend(run.builder.add(event))
            run.watch.add(event)
            if display is not None:
                display.add(event)
            if early_ref and run.early_image is None and _image_exported(event):
                # buildx takes ~90 ms to exit after its last event: ask about the image meanwhile.
                run.early_image = Background(_image_info, early_ref)
        run.exit_code = launched.wait()
    except ProgressParseError as error:
        # buildx wrote something that is not rawjson (a cut object): keep what was read,
        # drain the rest so buildx never blocks on a full pipe, and keep its exit code.
        for _ in launched.lines:
            pass
        run.exit_code = launched.wait()
        run.stream_error = str(error)
    except KeyboardInterrupt as interruption:
        launched.interrupt()
        run.status, run.exit_code = "interrupted", INTERRUPTED_EXIT
        run.signal_name = getattr(interruption, "signal_name", "SIGINT")
    finally:
        launched.close()
    if run.status != "interrupted" and run.exit_code != 0:
        run.status = "failed"
    return run


def _gate(report: Report, min_hit_rate: float | None) -> str | None:
    """The message when the hit rate is below `min_hit_rate` percent, else None."""
    rate = report.summary.hit_rate
    if min_hit_rate is None or rate is None or rate * 100 >= min_hit_rate:
        return None
    summary = report.summary
    return (
        f"cache hit rate {rate:.0%} is below --min-hit-rate {min_hit_rate:g}%: "
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


def _early_image_ref(options: BuildOptions) -> str | None:
    """The ref to ask the engine about as soon as the image is exported, if known up front."""
    if options.push or not options.tags or options.platforms[1:]:
        return None
    return options.tags[0]


def _image_exported(event: Event) -> bool:
    if not isinstance(event, SolveStatus):
        return False
    return any(
        vertex.name == "exporting to image" and vertex.completed is not None and not vertex.error
        for vertex in event.vertexes
    )


def _image_info(ref: str) -> Any:
    from arxdocker.engine.images import image_info

    return image_info(ref)


def _image(
    options: BuildOptions,
    metadata: dict[str, Any],
    exit_code: int,
    early: Background | None = None,
) -> dict[str, Any]:
    """The image's refs and digest (metadata file), size and layers (engine, for a local image)."""
    digest = metadata.get("containerimage.digest")
    names = [n for n in str(metadata.get("image.name", "")).split(",") if n]
    image: dict[str, Any] = {
        "refs": list(options.tags) or [n for n in names if not n.startswith("moby-dangling")],
        "digest": digest,
        "size_bytes": None,
        "layers": None,
        "source": "metadata-file" if options.push else "engine",
    }
    if exit_code != 0 or options.push:
        return image
    info = early.result() if early is not None else None
    if info is None or (digest and info.id != digest):
        info = None
        for ref in (*options.tags[:1], *([digest] if digest else [])):
            info = _image_info(ref)
            if info is not None:
                break
    if info is not None:
        image.update(size_bytes=info.size_bytes, layers=info.layers, id=info.id)
    return image


def _inputs(context: Path, dockerfile: Path, history: Path | None) -> dict[str, Any]:
    """Dockerfile hash, features, per-COPY manifests and the context size (run in background)."""
    from arxdocker.build.dockerfile_copies import context_copies, features
    from arxdocker.build.dockerignore import DockerIgnore
    from arxdocker.build.manifest import context_size, manifest

    result: dict[str, Any] = {}
    try:
        raw = dockerfile.read_bytes()
    except OSError:
        return result
    text = raw.decode("utf-8", "replace")
    result["dockerfile_sha256"] = "sha256:" + hashlib.sha256(raw).hexdigest()
    result["features"] = features(text)
    ignore = DockerIgnore.for_context(context, dockerfile)
    copies = context_copies(text)
    result["copy_manifests"] = [manifest(context, copy, ignore).to_dict() for copy in copies]
    files, size = context_size(context, ignore)
    result["context_files"], result["context_bytes"] = files, size
    sources = [source for copy in copies for source in copy.sources]
    result["warnings"] = _history_in_context(context, history, ignore, sources)
    return result


def _history_in_context(
    context: Path, history: Path | None, ignore: Any, sources: list[str]
) -> list[str]:
    """The history changes every build: a COPY that sends it to the builder never hits the cache."""
    if history is None:
        return []
    try:
        rel = history.resolve().relative_to(context.resolve())
    except ValueError:
        return []
    if ignore.ignored(rel.as_posix()):
        return []
    top = rel.parts[0]
    broad = [s for s in sources if s.strip("./") in ("", "*", top) or s.startswith(top)]
    if not broad:
        return []
    return [
        f"the history {rel.as_posix()} is inside the build context and not in .dockerignore, so "
        f"`COPY {broad[0]}` changes with every build: add `{top}` to .dockerignore"
    ]


def _optimizations(plan: CachePlan, features: list[str]) -> list[str]:
    kinds = {f"{kind}-cache" for kind in plan.kinds if kind not in ("none", "custom")}
    return sorted(kinds) + list(features)


def _record(
    *,
    request: BuildRequest,
    options: BuildOptions,
    plan: CachePlan,
    dropped: list[str],
    report: Report,
    watch: CacheWatch,
    started: float,
    exit_code: int,
    status: str,
    builder_info: BuilderInfo | None,
    versions: dict[str, Any],
    inputs: dict[str, Any],
    image: dict[str, Any],
    messages: list[str],
    gate_failed: bool,
) -> Record:
    failure = report.failure
    tools: dict[str, Any] = {"arxdocker": __version__}
    if builder_info is not None:
        tools.update(
            docker_client=builder_info.docker_client,
            buildx=builder_info.buildx,
            buildkit=builder_info.buildkit_version,
            builder=builder_info.name,
            driver=builder_info.driver,
            containerd_image_store=builder_info.containerd_store,
        )
    tools.update(versions)
    return Record(
        id=new_id(started),
        started=started,
        ended=time.time(),
        exit_code=exit_code,
        status=status,  # type: ignore[arg-type]
        error=report.error,
        failing_step=None
        if failure is None
        else {"name": failure.step, "error": failure.error, "log_tail": list(failure.log_tail)},
        summary=report.summary.to_dict(),
        steps=[
            {**step.to_dict(), "log_tail": list(step.log_tail)} if step.log_tail else step.to_dict()
            for step in report.steps
        ],
        report_duration_s=None if report.duration_s is None else round(report.duration_s, 3),
        image=image,
        context={
            "path": str(request.context),
            "files": inputs.get("context_files"),
            "size_bytes": inputs.get("context_bytes"),
        },
        dockerfile={"path": str(request.dockerfile), "sha256": inputs.get("dockerfile_sha256")},
        target=options.target,
        platforms=list(options.platforms),
        tags=list(options.tags),
        build_args=args_for_record(options.build_args),
        cache={
            "from": [strip_credentials(spec) for spec in plan.cache_from],
            "to": [strip_credentials(spec) for spec in plan.cache_to],
            "kinds": list(plan.kinds),
            "dropped_exports": dropped,
            "import_failed": watch.import_failed,
            "export_failed": watch.export_failed,
            "problems": [problem.describe() for problem in watch.problems],
        },
        optimizations=_optimizations(plan, inputs.get("features", [])),
        copy_manifests=inputs.get("copy_manifests", []),
        tools=tools,
        host=host_facts(peak_rss_bytes()),
        warnings=list(messages),
        min_hit_rate=request.min_hit_rate,
        min_hit_rate_failed=gate_failed,
    )


def _redacted_record(record: Record, redactor: Redactor) -> Record:
    if not redactor:
        return record
    masked = {}
    for name in record.__dataclass_fields__:  # every text field masked, whatever its nesting
        value = getattr(record, name)
        masked[name] = redactor.deep(value) if isinstance(value, str | list | dict) else value
    return Record(**masked)
