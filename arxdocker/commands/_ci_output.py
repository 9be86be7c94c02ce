"""What a build leaves for CI: the markdown job summary and the annotation of a failure."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence
    from typing import Any

    from arxdocker.analysis.bake import BakeReport
    from arxdocker.build.ci import CiEnvironment


def publish(
    ci: CiEnvironment,
    report: BakeReport,
    *,
    dockerfiles: dict[str, Path],
    text_lines: list[str],
    cwd: Path,
    annotations_to: TextIO,
    cache_problems: Sequence[str] = (),
) -> None:
    """Append the job summary (GITHUB_STEP_SUMMARY), with the cache problems the build's events
    showed, and print the failure's annotation."""
    import sys

    if ci.summary_path:
        from arxdocker.render.job_summary import job_summary

        try:
            with Path(ci.summary_path).open("a", encoding="utf-8") as handle:
                handle.write(job_summary(report, cache_problems=cache_problems))
        except OSError as error:
            print(
                f"arxdocker: warning: cannot write the job summary to {ci.summary_path}: "
                f"{error.strerror}",
                file=sys.stderr,
            )
    if ci.annotations:
        # GitHub places an annotation by its path from the repository's root, which is not the
        # current folder in a job with `working-directory:`.
        workspace = os.environ.get("GITHUB_WORKSPACE")
        root = Path(workspace) if workspace and Path(workspace).is_dir() else cwd
        annotation = failure_annotation(report, dockerfiles, text_lines, cwd, root=root)
        if annotation:
            annotations_to.write(annotation)
            annotations_to.flush()


def summary_problems(cache: Mapping[str, Any]) -> list[str]:
    """The cache problems a record holds that belong in the job summary: failed imports and
    exports, buildx's cache warnings, missed steps; not a first build's empty cache."""
    problems = cache.get("problems") or []
    return [str(problem) for problem in problems if not str(problem).startswith("no cache to")]


def failure_annotation(
    report: BakeReport,
    dockerfiles: dict[str, Path],
    text_lines: list[str],
    cwd: Path,
    *,
    root: Path | None = None,
) -> str | None:
    """`::error file=…,line=N::` at the failing instruction, or None when nothing failed. The
    file is named from `root` (the repository's), when it holds it, else from `cwd`."""
    from arxdocker.analysis.failure_line import instruction_line, snippet_location
    from arxdocker.render.github_annotations import error_annotation

    total = report.total
    failure = total.failure
    if failure is None:
        return None
    step = next((step for step in total.steps if step.status == "error"), None)
    dockerfile = dockerfiles.get(step.target or "") if step is not None else None
    if dockerfile is None:
        dockerfile = next(iter(dockerfiles.values())) if len(dockerfiles) == 1 else None
    if dockerfile is None:
        dockerfile = cwd / "Dockerfile"
    line = None
    located = snippet_location(text_lines)
    if located is not None and Path(located[0]).name == dockerfile.name:
        line = located[1]
    if line is None and step is not None:
        try:
            line = instruction_line(dockerfile.read_text(encoding="utf-8"), step)
        except OSError:
            line = None
    dockerfile = dockerfile.resolve()
    base = root.resolve() if root is not None else cwd
    if not dockerfile.is_relative_to(base):
        base = cwd
    try:
        shown = os.path.relpath(dockerfile, base)
    except ValueError:
        shown = str(dockerfile)
    message = failure.error or total.error or "the build failed"
    return error_annotation(shown, line, f"failed: {failure.step}", message)
