"""`explain`'s text and the build report's "why rebuilt" part, rendered from two real records."""

from __future__ import annotations

import io
import json
from pathlib import Path

from rich.console import Console

from arxdocker.analysis.explain import BuildFacts, Explanation, explain
from arxdocker.render.explanation import ExplanationView
from arxdocker.render.theme import ARX_THEME
from arxdocker.render.why_rebuilt import WhyRebuilt

RECORDS = Path(__file__).resolve().parents[1] / "fixtures" / "records"


def explanation() -> Explanation:
    before, after = (
        BuildFacts.from_dict(json.loads((RECORDS / f"webapp-test-{n}.json").read_text()))
        for n in (1, 2)
    )
    return explain(after, before)


def render(renderable: object, width: int = 100) -> list[str]:
    console = Console(width=width, file=io.StringIO(), force_terminal=False, theme=ARX_THEME)
    console.print(renderable)
    return [line.rstrip() for line in console.file.getvalue().splitlines()]  # type: ignore[attr-defined]


def test_explanation_view_lists_causes_then_their_cascades() -> None:
    lines = render(ExplanationView(explanation()))
    assert lines[1:12] == [
        "3 root causes",
        "",
        "1. deps.txt changed (COPY deps.txt tools/fetch-deps.sh ./ at line 8)  [sources]",
        "   ~ deps.txt",
        "   rebuilt    0.0s  [deps 3/4] COPY deps.txt tools/fetch-deps.sh ./",
        "   cascade    0.7s  [deps 4/4] RUN --mount=type=cache,target=/var/cache/deps sh "
        "fetch-deps.sh deps.…",
        "   → 2 steps rebuilt, 0.7s",
        "",
        "2. src/index.html, src/new.txt changed (COPY src/ src/ at line 17)  [sources]",
        "   ~ src/index.html",
        "   + src/new.txt",
    ]
    assert "   its value changed (compared by hash; arxdocker never shows it)" in lines


def test_why_rebuilt_has_a_reason_per_rebuilt_step_and_the_paragraph() -> None:
    lines = render(WhyRebuilt(explanation()), width=160)
    assert lines[0].split() == ["step", "instruction", "why", "rebuilt", "time"]
    rows = [line for line in lines[1:] if line.startswith(("deps", "test"))]
    assert [row.split("  ")[0] for row in rows] == ["deps 3/4", "deps 4/4", "test 1/2", "test 2/2"]
    assert "parent rebuilt: COPY deps.txt tools/fetch-deps.sh ./ (line 8)" in rows[1]
    paragraph = " ".join(lines[lines.index("") + 1 :])
    assert paragraph.startswith("3 root causes: deps.txt changed (COPY deps.txt")
    assert paragraph.endswith("at line 18) → 1 step rebuilt, 0.2 s")


def test_html_report_steps_carry_their_reason() -> None:
    from arxdocker.analysis.timeline import timeline
    from arxdocker.history.stagegraph import stage_parents
    from arxdocker.render.html_report import render_html

    found = explanation()
    steps = timeline(found.after, stage_parents(found.after))
    page = render_html(found.after, steps, [found.after], found)
    assert page.count("data-why=") == 4
    assert 'data-why="deps.txt changed (COPY deps.txt tools/fetch-deps.sh ./ at line 8)"' in page
    assert "why rebuilt: parent rebuilt: COPY deps.txt tools/fetch-deps.sh ./ (line 8)" in page
    assert f"<h2>Why steps rebuilt (against build {found.before.id})</h2>" in page  # type: ignore[union-attr]
    assert "data-why" not in render_html(found.after, steps, [found.after])
