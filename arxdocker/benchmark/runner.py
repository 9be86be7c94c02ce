"""One benchmark run: a build through the build layer, its record saved with a scenario label.

The run is `arxdocker build` minus its display: the same settings, launch, event folding and
record, so a benchmark's records sit in the history next to ordinary builds. Each record carries
`labels: {"scenario": ..., "benchmark": ..., "run": N}` (an addition to arxdocker.record/v1).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any

from arxdocker.analysis.report import Report
from arxdocker.build.fold import Display
from arxdocker.history.view import RecordView


@dataclass(frozen=True)
class Run:
    record: RecordView
    report: Report
    exit_code: int
    warnings: tuple[str, ...]

    @property
    def failed(self) -> bool:
        return self.exit_code != 0


def run_build(build_args: Any, labels: dict[str, Any], display: Display | None = None) -> Run:
    """Build once with `build_args` (an `arxdocker build` namespace) and record it."""
    from arxdocker.build.request import make_settings
    from arxdocker.build.session import retry_if_export_race, run_once
    from arxdocker.history.store import save

    settings = make_settings(build_args, os.environ, stderr_is_tty=False)
    first = run_once(settings.request, display)
    # the retry's note lands in the record's and the run's warnings
    outcome = retry_if_export_race(first, settings.request, lambda message: None)
    record = {**outcome.record.to_dict(), "labels": labels}
    problems = save(record, settings.history, None)
    return Run(
        record=RecordView.from_dict(record, str(settings.history)),
        report=outcome.report,
        exit_code=outcome.exit_code,
        warnings=(*outcome.messages, *problems),
    )
