"""The markdown job summary of a build or bake, for GitHub Actions' `GITHUB_STEP_SUMMARY`.

A cache table (per target: cached/total, hit rate, time, the slowest uncached steps), the total,
the cache problems (an import or export that failed under `ignore-error=true`, which buildx only
prints in its log; a step a bake missed in an imported cache), and, when the build failed, a block
naming the failing step with its last log lines.
"""

from __future__ import annotations

from collections.abc import Sequence

from arxdocker.analysis.bake import BakeReport
from arxdocker.analysis.report import Report
from arxdocker.render.figures import format_rate
from arxdocker.render.report_table import format_seconds

SLOWEST_SHOWN = 3


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _slowest(report: Report) -> str:
    steps = [step for step in report.slowest if step.status == "built"][:SLOWEST_SHOWN]
    return "<br>".join(
        f"`{_cell(step.instruction)[:80]}` {format_seconds(step.duration_s)}" for step in steps
    )


def _row(name: str, report: Report) -> str:
    summary = report.summary
    rate = summary.hit_rate
    cells = [
        name,
        f"{summary.steps_cached}/{summary.steps_total}",
        format_rate(rate),
        format_seconds(report.duration_s),
        "failed" if report.failed else "ok",
        _slowest(report),
    ]
    return "| " + " | ".join(cells) + " |"


def job_summary(
    report: BakeReport,
    *,
    title: str = "arxdocker build cache",
    cache_problems: Sequence[str] = (),
) -> str:
    lines = [
        f"## {title}",
        "",
        "| target | cached | hit rate | time | status | slowest uncached steps |",
        "|---|---:|---:|---:|---|---|",
    ]
    lines += [_row(_cell(name), target) for name, target in report.targets.items()]
    lines.append(_row("**total**", report.total))
    if cache_problems:
        lines += ["", "### Cache problems", ""]
        lines += [f"- {_cell(problem)}" for problem in dict.fromkeys(cache_problems)]
    failure = report.total.failure
    if failure is not None or report.total.error:
        lines += ["", "### Build failed", ""]
        if failure is not None:
            lines += [f"Failing step: `{_cell(failure.step)}`", ""]
        if report.total.error:
            lines += [f"Error: {_cell(report.total.error)}", ""]
        if failure is not None and failure.log_tail:
            lines += ["```", *failure.log_tail, "```"]
    return "\n".join(lines) + "\n"
