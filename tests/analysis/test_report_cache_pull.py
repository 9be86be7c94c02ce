"""A step cached from an imported cache stays cached when buildx shows it again to pull its layers.

Seen on a second runner with an empty cache (`scripts/two_runners.sh`): the last step of a target
comes `cached: true, completed`, then again `cached: false` with a new start and end while its
layers are pulled for the image export. BuildKit did not run it.
"""

from __future__ import annotations

from arxdocker.analysis.report import build_report
from arxdocker.progress.models import SolveStatus, Vertex, at_seconds


def update(cached: bool, started: float, completed: float | None) -> SolveStatus:
    return SolveStatus(
        vertexes=(
            Vertex(
                "sha256:c0",
                "[runtime 4/4] COPY --from=build /app/dist ./",
                started_at=at_seconds(started),
                completed_at=None if completed is None else at_seconds(completed),
                cached=cached,
            ),
        )
    )


def test_a_cached_step_re_shown_while_its_layers_are_pulled_stays_cached() -> None:
    report = build_report(
        [
            update(True, 10.0, None),
            update(True, 10.0, 10.04),
            update(False, 10.07, None),
            update(False, 10.07, 10.13),
        ],
        "rawjson",
    )
    (step,) = report.steps
    assert step.status == "cached"
    assert report.summary.steps_cached == report.summary.steps_total == 1
