"""`arxdocker check` as text: one line when the gate passes, one line per breach when it fails.

A threshold whose figure is missing from a record is named as not checked either way: on the
passing line, or on a line of its own after the breaches."""

from __future__ import annotations

from arxdocker.analysis.gate import GateResult, Verdict
from arxdocker.render.figures import format_bytes, format_percent, format_rate
from arxdocker.render.report_table import format_seconds

_WHAT = {"--max-slowdown": "duration", "--min-hit-rate": "hit rate", "--max-size-growth": "size"}


def _value(verdict: Verdict, value: float | None) -> str:
    if verdict.option == "--max-slowdown":
        return format_seconds(value)
    if verdict.option == "--min-hit-rate":
        return format_rate(value)
    return format_bytes(value)


def _figures(verdict: Verdict) -> str:
    what = _WHAT[verdict.option]
    candidate, baseline = _value(verdict, verdict.candidate), _value(verdict, verdict.baseline)
    change = "" if verdict.option == "--min-hit-rate" else f", {format_percent(verdict.relative)}"
    return f"{what} {candidate} (baseline {baseline}{change})"


def breach_line(verdict: Verdict) -> str:
    limit = f"{verdict.limit:.0%}"
    if verdict.option == "--min-hit-rate":
        return f"{verdict.option} {limit} breached: {_figures(verdict)} is below {limit}"
    return f"{verdict.option} {limit} breached: {_figures(verdict)} is more than +{limit}"


def result_lines(result: GateResult) -> list[str]:
    pair = f"{result.candidate.id} against baseline {result.baseline.id}"
    unchecked = ", ".join(v.option for v in result.verdicts if not v.checked)
    if result.passed:
        checked = [_figures(v) for v in result.verdicts if v.checked]
        tail = f"; not checked (no figure): {unchecked}" if unchecked else ""
        lines = [f"check passed: {pair}: {'; '.join(checked) or 'no thresholds'}{tail}"]
    else:
        lines = [f"check failed: {pair}"]
        if result.candidate_failed:
            lines.append(f"  the candidate build's status is {result.candidate.status}")
        lines.extend(f"  {breach_line(verdict)}" for verdict in result.breaches)
        if unchecked:
            lines.append(f"  not checked (no figure): {unchecked}")
    if result.baseline.status != "ok":
        lines.append(
            f"  note: the baseline build's status is {result.baseline.status}: its time and hit "
            "rate cover only the steps that ran; pick a successful build as --baseline"
        )
    return lines


def result_dict(result: GateResult) -> dict[str, object]:
    return {
        "schema": "arxdocker.check/v1",
        "passed": result.passed,
        "baseline": result.baseline.id,
        "candidate": result.candidate.id,
        "candidate_status": result.candidate.status,
        "baseline_status": result.baseline.status,
        "thresholds": [
            {
                "option": v.option,
                "limit": v.limit,
                "baseline": v.baseline,
                "candidate": v.candidate,
                "checked": v.checked,
                "breached": v.breached,
            }
            for v in result.verdicts
        ],
    }
