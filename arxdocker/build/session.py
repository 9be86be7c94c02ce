"""One `arxdocker build`: check the cache plan, run buildx, fold its events, write the record.

The hot path is the buildx child and the event fold. Everything the record needs besides the
events (tool versions, builder, the docker SDK client, context manifests) is gathered in
background threads while buildx runs, so a fully cached build pays only for Python's start-up,
the fold and the final report.
"""

from __future__ import annotations

import hashlib
import json
import os
import signal
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Protocol

from arxdocker import __version__
from arxdocker.analysis.report import Report, ReportBuilder, Step
from arxdocker.build import localcache
from arxdocker.build.background import Background
from arxdocker.build.cachespec import CachePlan, spec_type, strip_credentials
from arxdocker.build.cachewatch import CacheWatch
from arxdocker.build.capability import BuilderInfo, export_problems
from arxdocker.build.options import BuildOptions
from arxdocker.build.redact import Redactor, args_for_record, looks_secret, redact_report
from arxdocker.errors import ArxError
from arxdocker.history.record import Record, host_facts, new_id, peak_rss_bytes
from arxdocker.progress.models import Event
from arxdocker.progress.rawjson import iter_rawjson

INTERRUPTED_EXIT = 130


class Display(Protocol):
    def add(self, event: Event) -> None: ...


@dataclass(frozen=True)
class BuildRequest:
    options: BuildOptions  # without cache specs: those come from `cache`
    cache: CachePlan
    context: Path
    dockerfile: Path
    cache_optional: bool = False
    min_hit_rate: float | None = None  # percent
    echo_rawjson: bool = False  # --progress rawjson: re-emit the (redacted) stream on stderr
    child_stdout_to_stderr: bool = False  # --json keeps stdout for the document
    history: Path | None = None

    @property
    def redactor(self) -> Redactor:
        return Redactor(value for name, value in self.options.build_args if looks_secret(name))


@dataclass
class BuildOutcome:
    report: Report
    record: Record
    exit_code: int
    messages: list[str] = field(default_factory=list)  # warnings for the user, one line each


def run_build(
    request: BuildRequest,
    display: Display | None = None,
    warn: Callable[[str], None] = lambda message: None,
) -> BuildOutcome:
    started = time.time()
    redactor = request.redactor
    messages: list[str] = []

    def note(message: str) -> None:
        message = redactor.text(message)
        messages.append(message)
        warn(message)

    for name, _ in request.options.build_args:
        if looks_secret(name):
            note(
                f"build arg {name} looks secret: its value is kept out of arxdocker's output and "
                f"history, but BuildKit stores build args in the image; pass it with "
                f"--secret id={name.lower()},env={name} and RUN --mount=type=secret instead"
            )
    plan, dropped, builder_job = _checked_plan(request, note)
    options = replace(request.options, cache_from=plan.cache_from, cache_to=plan.cache_to)
    versions_job = Background(_versions)
    sdk_job = Background(_sdk_client) if not options.push else None
    inputs_job = Background(_inputs, request.context, request.dockerfile, request.history)

    with tempfile.TemporaryDirectory(prefix="arxdocker-") as temp:
        metadata_file = Path(temp) / "metadata.json"
        options = replace(options, metadata_file=str(metadata_file))
        run = _drive(options, request, redactor, display)
        metadata = _read_metadata(metadata_file)
    for swap in plan.local_swaps:
        if run.status == "ok":
            localcache.commit(swap)
        else:
            localcache.discard(swap)
    report = redact_report(run.builder.finish(run.steps), redactor)
    if run.status == "interrupted" and report.error is None:
        report = replace(report, error="interrupted (SIGINT)")
    for problem in run.watch.problems:
        note(problem.describe())

    builder_info: BuilderInfo | None = builder_job.result()
    image = _image(options, metadata, sdk_job, run.exit_code)
    inputs = inputs_job.result() or {}
    for message in inputs.get("warnings", []):
        note(message)
    versions = versions_job.result() or {}
    exit_code = run.exit_code
    gate = _gate(report, request.min_hit_rate) if exit_code == 0 else None
    if gate:
        exit_code = 1
        note(gate)
    status = run.status
    record = _record(
        request=request,
        options=options,
        plan=plan,
        dropped=dropped,
        report=report,
        watch=run.watch,
        started=started,
        exit_code=exit_code,
        status=status,
        builder_info=builder_info,
        versions=versions,
        inputs=inputs,
        image=image,
        messages=messages,
        gate_failed=gate is not None,
    )
    return BuildOutcome(report, _redacted_record(record, redactor), exit_code, messages)


@dataclass
class _Run:
    builder: ReportBuilder
    watch: CacheWatch
    steps: list[Step]
    exit_code: int = 1
    status: str = "ok"


def _drive(
    options: BuildOptions, request: BuildRequest, redactor: Redactor, display: Display | None
) -> _Run:
    """Run buildx and fold its events until it exits or the user interrupts it."""
    run = _Run(ReportBuilder("rawjson"), CacheWatch(), [])
    previous_term = signal.signal(signal.SIGTERM, _raise_interrupt)
    lines, finish, interrupt = _start(options, request)
    try:
        stream = _echo(lines, redactor) if request.echo_rawjson else lines
        for event in iter_rawjson(stream):
            run.steps.extend(run.builder.add(event))
            run.watch.add(event)
            if display is not None:
                display.add(event)
        run.exit_code = finish()
    except KeyboardInterrupt:
        interrupt()
        run.status, run.exit_code = "interrupted", INTERRUPTED_EXIT
    finally:
        signal.signal(signal.SIGTERM, previous_term)
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


def _raise_interrupt(signum: int, frame: Any) -> None:
    raise KeyboardInterrupt


def _checked_plan(
    request: BuildRequest, note: Callable[[str], None]
) -> tuple[CachePlan, list[str], Background | _Done]:
    """The plan the builder can carry out; exports it cannot do are an error or dropped."""
    plan = request.cache
    exporting = [spec for spec in plan.cache_to if spec_type(spec) != "inline"]
    if not exporting:
        return plan, [], Background(_inspect_builder, request.options.builder)
    from arxdocker.build.driver import inspect_builder

    info = inspect_builder(request.options.builder)
    if info is None:
        raise ArxError(
            f"cannot inspect buildx builder {request.options.builder or '(default)'!r}",
            hint="check `docker buildx ls` and that DOCKER_HOST points at a running engine",
        )
    problems = export_problems(plan.cache_to, info)
    if not problems:
        return plan, [], _Done(info)
    if not request.cache_optional:
        first = problems[0]
        raise ArxError(first.message, hint=first.hint)
    bad = {problem.spec for problem in problems}
    for problem in problems:
        note(f"{problem.message}; building without this cache export (--cache-optional)")
    kept = CachePlan(
        plan.cache_from,
        tuple(spec for spec in plan.cache_to if spec not in bad),
        plan.kinds,
        tuple(swap for swap in plan.local_swaps if not any(swap.staging in s for s in bad)),
    )
    return kept, [strip_credentials(spec) for spec in bad], _Done(info)


class _Done:
    def __init__(self, value: Any) -> None:
        self.value = value

    def result(self, timeout: float | None = None) -> Any:
        return self.value


def _inspect_builder(name: str | None) -> BuilderInfo | None:
    from arxdocker.build.driver import inspect_builder

    return inspect_builder(name)


def _versions() -> dict[str, Any]:
    from arxdocker.build.driver import tool_versions

    return tool_versions()


def _sdk_client() -> Any:
    from arxdocker.engine.images import connect

    return connect()


def _start(
    options: BuildOptions, request: BuildRequest
) -> tuple[Iterator[bytes], Callable[[], int], Callable[[], None]]:
    """The child's stderr lines, a function waiting for its exit code, and one ending it."""
    if os.environ.get("ARXDOCKER_BUILDX_BACKEND") == "whales":
        from arxdocker.build.driver import WhalesBuildFailed, whales_lines

        failed: list[int] = []

        def lines() -> Iterator[bytes]:
            try:
                yield from whales_lines(options)
            except WhalesBuildFailed as error:
                failed.append(error.exit_code)

        return lines(), lambda: failed[0] if failed else 0, lambda: None
    from arxdocker.build.driver import BuildxProcess

    stdout = sys.stderr.buffer if request.child_stdout_to_stderr else None
    process = BuildxProcess(options, stdout=stdout)

    def interrupt() -> None:
        process.interrupt()

    return process.lines(), process.wait, interrupt


def _echo(lines: Iterator[bytes], redactor: Redactor) -> Iterator[bytes]:
    out = sys.stderr.buffer
    for line in lines:
        out.write(redactor.rawjson_line(line))
        out.flush()
        yield line


def _read_metadata(path: Path) -> dict[str, Any]:
    try:
        with path.open(encoding="utf-8") as handle:
            data = json.load(handle)
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _image(
    options: BuildOptions, metadata: dict[str, Any], sdk_job: Background | None, exit_code: int
) -> dict[str, Any]:
    digest = metadata.get("containerimage.digest")
    names = [n for n in str(metadata.get("image.name", "")).split(",") if n]
    image: dict[str, Any] = {
        "refs": list(options.tags) or [n for n in names if not n.startswith("moby-dangling")],
        "digest": digest,
        "size_bytes": None,
        "layers": None,
        "source": "metadata-file" if options.push else "docker-sdk",
    }
    if exit_code != 0 or sdk_job is None:
        return image
    from arxdocker.engine.images import image_info

    client = sdk_job.result()
    if client is None:
        return image
    for ref in (*options.tags[:1], *([digest] if digest else [])):
        info = image_info(client, ref)
        if info is not None:
            image.update(size_bytes=info.size_bytes, layers=info.layers, id=info.id)
            break
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
    tools = {"arxdocker": __version__, **versions}
    if builder_info is not None:
        tools.update(
            buildkit=builder_info.buildkit_version,
            builder=builder_info.name,
            driver=builder_info.driver,
            containerd_image_store=builder_info.containerd_store,
        )
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
