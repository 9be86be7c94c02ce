"""`arxdocker report --html`: one self-contained page (inline CSS and SVG, no scripts, no external
assets) with summary cards, the waterfall of steps, and the history of duration and hit rate.

Every step is one `div.bar` in the waterfall, placed on the time axis by percentages, coloured by
status (cached, built, error, canceled, base) and outlined when on the critical path.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from html import escape

from arxdocker.analysis.explain import Explanation
from arxdocker.analysis.timeline import Bar, Timeline
from arxdocker.history.view import RecordView, step_where
from arxdocker.render.figures import format_bytes, format_rate
from arxdocker.render.report_table import format_seconds

_CSS = """
:root { --cached: #2e9e5b; --built: #e0a100; --error: #d33; --canceled: #a4a; --base: #9aa;
  --ink: #1d2330; --dim: #6b7385; --line: #e3e6ec; --critical: #1d2330; }
* { box-sizing: border-box; }
body { font: 14px/1.4 system-ui, -apple-system, "Segoe UI", sans-serif; color: var(--ink);
  margin: 24px auto; max-width: 1100px; padding: 0 16px; background: #fafbfc; }
h1 { font-size: 20px; margin: 0 0 4px; } h2 { font-size: 16px; margin: 28px 0 8px; }
.meta { color: var(--dim); font-size: 12px; word-break: break-all; }
.cards { display: grid; grid-template-columns: repeat(auto-fit, minmax(140px, 1fr)); gap: 10px;
  margin-top: 16px; }
.card { background: #fff; border: 1px solid var(--line); border-radius: 8px; padding: 10px 12px; }
.card .label { color: var(--dim); font-size: 12px; } .card .value { font-size: 22px; }
.card .sub { color: var(--dim); font-size: 12px; }
.status-ok { color: var(--cached); } .status-failed { color: var(--error); }
.waterfall { background: #fff; border: 1px solid var(--line); border-radius: 8px;
  padding: 8px 12px; }
.axis, .row { display: grid; grid-template-columns: 330px 1fr 56px; gap: 8px; align-items: center; }
.axis .track { height: 18px; border-bottom: 1px solid var(--line); }
.tick { position: absolute; top: 0; font-size: 11px; color: var(--dim);
  transform: translateX(-50%); }
.track { position: relative; height: 16px; }
.gridline { position: absolute; top: 0; bottom: 0; width: 1px; background: var(--line); }
.stage { margin-top: 6px; padding: 3px 0; font-weight: 600; border-top: 1px solid var(--line); }
.row .label { white-space: nowrap; overflow: hidden; text-overflow: ellipsis; font-size: 12px; }
.row .where { color: var(--dim); display: inline-block; min-width: 34px; }
.row .time { text-align: right; font-size: 12px; color: var(--dim); }
.bar { position: absolute; top: 2px; height: 12px; min-width: 3px; border-radius: 2px; }
.bar.cached { background: var(--cached); } .bar.built { background: var(--built); }
.bar.error { background: var(--error); } .bar.canceled { background: var(--canceled); }
.bar.base { background: var(--base); }
.bar.critical { outline: 2px solid var(--critical); outline-offset: 1px; }
.legend { display: flex; gap: 14px; font-size: 12px; color: var(--dim); margin: 8px 0 0;
  flex-wrap: wrap; }
.swatch { display: inline-block; width: 12px; height: 10px; border-radius: 2px; margin-right: 4px;
  vertical-align: -1px; }
.note { color: var(--dim); font-size: 12px; margin: 6px 0 0; }
.chart { background: #fff; border: 1px solid var(--line); border-radius: 8px; padding: 8px; }
.chart svg { width: 100%; height: auto; display: block; }
"""
_LEGEND = (("cached", "cached"), ("built", "built"), ("error", "failed"), ("base", "base image"))


def render_html(
    view: RecordView,
    timeline: Timeline,
    history: Sequence[RecordView],
    why: Explanation | None = None,
) -> str:
    """The page; with `why` (arxdocker explain's answer), each rebuilt step carries its reason."""
    reasons = why.reasons if why is not None else {}
    title = f"arxdocker build report {view.id}"
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{escape(title)}</title><style>{_CSS}</style></head><body>",
        f"<h1>Build {escape(view.id)}</h1>",
        f'<div class="meta">{escape(_meta(view))}</div>',
        _cards(view, timeline),
        "<h2>Steps on the time axis</h2>",
        _waterfall(timeline, reasons),
        _why(why),
        "<h2>Recent builds"
        + (f" of target {escape(view.target)}" if view.target else "")
        + "</h2>",
        _history_chart(history, view.id),
        "</body></html>",
    ]
    return "\n".join(parts) + "\n"


def _meta(view: RecordView) -> str:
    items = [f"started {view.started or '?'}", f"Dockerfile {view.dockerfile or '?'}"]
    if view.target:
        items.append(f"target {view.target}")
    if view.scenario:
        items.append(f"scenario {view.scenario}")
    return " · ".join(items)


def _card(label: str, value: str, sub: str = "", css: str = "") -> str:
    return (
        f'<div class="card"><div class="label">{escape(label)}</div>'
        f'<div class="value {css}">{escape(value)}</div><div class="sub">{escape(sub)}</div></div>'
    )


def _cards(view: RecordView, timeline: Timeline) -> str:
    critical = timeline.critical_s
    on_path = sum(bar.critical for bar in timeline.bars)
    share = f"{on_path} of {len(timeline.bars)} steps"
    cards = [
        _card("status", view.status, css=f"status-{escape(view.status)}"),
        _card("wall time", format_seconds(view.duration_s)),
        _card(
            "hit rate",
            format_rate(view.hit_rate),
            f"{view.steps_cached}/{view.steps_total} steps cached",
        ),
        _card("steps built", str(view.steps_built)),
        _card("critical path", format_seconds(critical), share),
        _card(
            "image size",
            format_bytes(view.size_bytes),
            "" if view.layers is None else f"{view.layers} layers",
        ),
    ]
    return f'<div class="cards">{"".join(cards)}</div>'


def _ticks(total: float) -> list[float]:
    if total <= 0:
        return [0.0]
    raw = total / 6
    step = next(s for s in (0.1, 0.2, 0.5, 1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 1800, 3600,
                            float("inf")) if s >= raw)  # fmt: skip
    return [n * step for n in range(int(total / step) + 1)]


def _position(seconds: float, total: float) -> float:
    return 0.0 if total <= 0 else seconds / total * 100


def _waterfall(timeline: Timeline, reasons: Mapping[str, str]) -> str:
    total = timeline.total_s or 1e-9
    ticks = _ticks(timeline.total_s)
    grid = "".join(f'<div class="gridline" style="left:{_position(t, total):.3f}%"></div>'
                   for t in ticks)  # fmt: skip
    axis = "".join(
        f'<span class="tick" style="left:{_position(t, total):.3f}%">{format_seconds(t)}</span>'
        for t in ticks
    )
    rows = [f'<div class="axis"><div></div><div class="track">{axis}</div><div></div></div>']
    group = None
    for bar in timeline.bars:
        if bar.group != group:
            group = bar.group
            rows.append(f'<div class="stage">{escape(group)}</div>')
        rows.append(_row(bar, total, grid, reasons.get(bar.step.id)))
    legend = "".join(
        f'<span><span class="swatch" style="background:var(--{css})"></span>{label}</span>'
        for css, label in _LEGEND
    )
    legend += (
        '<span><span class="swatch" style="outline:2px solid var(--critical)"></span>'
        "critical path</span>"
    )
    note = (
        '<p class="note">This record has no step start times: the bars are placed by their '
        "durations and stage dependencies, as BuildKit would schedule them.</p>"
        if timeline.estimated
        else ""
    )
    return (
        f'<div class="waterfall" data-steps="{len(timeline.bars)}">{"".join(rows)}'
        f'<div class="legend">{legend}</div>{note}</div>'
    )


def _row(bar: Bar, total: float, grid: str, reason: str | None = None) -> str:
    step = bar.step
    css = "base" if not step.cacheable and step.status in ("built", "cached") else step.status
    classes = f"bar {escape(css)}" + (" critical" if bar.critical else "")
    left = _position(bar.start, total)
    width = _position(bar.end - bar.start, total)
    seconds = format_seconds(step.duration_s)
    tip = f"{step.name}\n{css} · {seconds}" + (" · critical path" if bar.critical else "")
    why = ""
    if reason:
        tip += f"\nwhy rebuilt: {reason}"
        why = f' data-why="{escape(reason)}"'
    return (
        f'<div class="row"><div class="label" title="{escape(step.instruction)}">'
        f'<span class="where">{escape(step_where(step).rsplit(" ", 1)[-1])}</span> '
        f"{escape(step.instruction)}</div>"
        f'<div class="track">{grid}<div class="{classes}" style="left:{left:.3f}%;'
        f'width:{width:.3f}%" title="{escape(tip)}"{why}></div></div>'
        f'<div class="time">{seconds}</div></div>'
    )


def _why(why: Explanation | None) -> str:
    """Each root cause with what it rebuilt and cost, under the waterfall."""
    if why is None or not why.causes:
        return ""
    items = "".join(
        f"<li>{escape(cause.headline())} → {cause.rebuilt} step"
        f"{'s' * (cause.rebuilt != 1)} rebuilt, {format_seconds(cause.cost_s)}</li>"
        for cause in why.causes
    )
    before = "" if why.before is None else f" (against build {escape(why.before.id)})"
    return f'<h2>Why steps rebuilt{before}</h2><ul class="why">{items}</ul>'


def _history_chart(history: Sequence[RecordView], current: str) -> str:
    """Duration as columns (left axis), hit rate as a line (right axis, 0-100%)."""
    if not history:
        return '<p class="note">No history to chart.</p>'
    width, height, left, right, top, bottom = 1000, 220, 56, 48, 12, 28
    plot_w, plot_h = width - left - right, height - top - bottom
    longest = max((view.duration_s or 0.0) for view in history) or 1.0
    slot = plot_w / len(history)
    out = [f'<svg viewBox="0 0 {width} {height}" role="img" '
           'aria-label="duration and hit rate of recent builds">']  # fmt: skip
    for fraction in (0, 0.5, 1):
        y = top + plot_h * (1 - fraction)
        out.append(f'<line x1="{left}" x2="{width - right}" y1="{y:.1f}" y2="{y:.1f}" '
                   'stroke="#e3e6ec"/>')  # fmt: skip
        out.append(f'<text x="{left - 6}" y="{y + 4:.1f}" font-size="11" text-anchor="end" '
                   f'fill="#6b7385">{format_seconds(longest * fraction)}</text>')  # fmt: skip
        out.append(f'<text x="{width - right + 6}" y="{y + 4:.1f}" font-size="11" '
                   f'fill="#2e9e5b">{fraction:.0%}</text>')  # fmt: skip
    points = []
    for n, view in enumerate(history):
        duration = view.duration_s or 0.0
        h = plot_h * duration / longest
        x = left + n * slot
        fill = "#1d2330" if view.id == current else "#e0a100"
        label = (
            f"{view.id}: {format_seconds(view.duration_s)}, hit rate {format_rate(view.hit_rate)}"
        )
        out.append(
            f'<rect class="hbar" x="{x + slot * 0.15:.1f}" y="{top + plot_h - h:.1f}" '
            f'width="{slot * 0.7:.1f}" height="{h:.1f}" fill="{fill}" opacity="0.85">'
            f"<title>{escape(label)}</title></rect>"
        )
        if view.hit_rate is not None:
            points.append(f"{x + slot / 2:.1f},{top + plot_h * (1 - view.hit_rate):.1f}")
    if points:
        out.append(f'<polyline points="{" ".join(points)}" fill="none" stroke="#2e9e5b" '
                   'stroke-width="2"/>')  # fmt: skip
        out.extend(f'<circle cx="{p.split(",")[0]}" cy="{p.split(",")[1]}" r="3" fill="#2e9e5b"/>'
                   for p in points)  # fmt: skip
    out.append(f'<text x="{left}" y="{height - 8}" font-size="11" fill="#6b7385">'
               f"{escape(history[0].started or '')[:16]} → "
               f"{escape(history[-1].started or '')[:16]} · {len(history)} builds · columns: "
               "duration (current build dark) · line: hit rate</text>")  # fmt: skip
    out.append("</svg>")
    return f'<div class="chart">{"".join(out)}</div>'
