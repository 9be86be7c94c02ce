"""The record of a finished build, assembled from its request, report, cache watch and inputs."""

from __future__ import annotations

import time
from typing import Any

from arxdocker import __version__
from arxdocker.analysis.report import Report
from arxdocker.build.cachespec import CachePlan, strip_credentials
from arxdocker.build.cachewatch import CacheWatch
from arxdocker.build.capability import BuilderInfo
from arxdocker.build.options import BuildOptions
from arxdocker.build.outline import outline_for_record
from arxdocker.build.redact import Redactor, args_for_record
from arxdocker.build.request import BuildRequest
from arxdocker.history.record import Record, host_facts, new_id, peak_rss_bytes


def optimizations(plan: CachePlan, features: list[str]) -> list[str]:
    kinds = {f"{kind}-cache" for kind in plan.kinds if kind not in ("none", "custom")}
    return sorted(kinds) + list(features)


def make_record(
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
    buildkit: dict[str, Any] | None = None,
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
        optimizations=optimizations(plan, inputs.get("features", [])),
        copy_manifests=inputs.get("copy_manifests", []),
        tools=tools,
        host=host_facts(peak_rss_bytes()),
        warnings=list(messages),
        min_hit_rate=request.min_hit_rate,
        min_hit_rate_failed=gate_failed,
        inputs=explain_inputs(options, inputs),
        buildkit=buildkit,
    )


def explain_inputs(options: BuildOptions, inputs: dict[str, Any]) -> dict[str, Any]:
    """The facts `explain` needs beyond the steps: the outline and how the cache was bypassed."""
    filters: list[str] = []
    extra = list(options.extra_args)
    for position, word in enumerate(extra):
        if word.startswith("--no-cache-filter="):
            filters += word.split("=", 1)[1].split(",")
        elif word == "--no-cache-filter" and position + 1 < len(extra):
            filters += extra[position + 1].split(",")
    return {
        "outline": outline_for_record(inputs.get("outline", []), options.build_args),
        "no_cache": options.no_cache,
        "no_cache_filter": filters,
    }


def redacted_record(record: Record, redactor: Redactor) -> Record:
    if not redactor:
        return record
    masked = {}
    for name in record.__dataclass_fields__:  # every text field masked, whatever its nesting
        value = getattr(record, name)
        masked[name] = redactor.deep(value) if isinstance(value, str | list | dict) else value
    return Record(**masked)
