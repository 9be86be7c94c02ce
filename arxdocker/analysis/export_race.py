"""An engine failure, not the build's: containerd's snapshot GC racing the image unpack.

BuildKit before moby/buildkit#6558 (merged 2026-03; the BuildKit 0.13 inside dockerd 26 has the
bug) unpacks an exported image into containerd one layer at a time. When GC collects a lower
layer's snapshot between the unpacker finding it and preparing the next layer on it, the export
fails with "failed to prepare extraction snapshot … parent snapshot … does not exist: not found"
(moby/buildkit#6521). It strikes after every step has run, most often when a tag moves to a new
image that shares lower layers with the old one: exactly a rebuild after a source edit.

Running the build again is cheap (every step is cached) and exports the image afresh, so
`arxdocker build` and `arxdocker bake` retry once. The record and report keep the first run's
steps, since only those say what the build really took from the cache; the exit code, image and
any error are the retry's, and a warning says the retry happened.
"""

from __future__ import annotations

from dataclasses import replace

from arxdocker.analysis.model import Report
from arxdocker.history.record import Record

UPSTREAM_ISSUE = "moby/buildkit#6521"
UPSTREAM_FIX = "moby/buildkit#6558"
_SIGNATURE = ("failed to prepare extraction snapshot", "parent snapshot", "does not exist")


def is_export_race(report: Report) -> bool:
    """Whether the build failed only because the engine lost the unpack race.

    Only when no step failed or was cut short: then the error can only have come from the
    export, and a retry runs nothing but the export again.
    """
    error = report.error or ""
    summary = report.summary
    return (
        all(part in error for part in _SIGNATURE)
        and summary.steps_failed == 0
        and summary.steps_canceled == 0
        and summary.steps_total > 0
    )


def retry_notice() -> str:
    return (
        "the image export hit a known engine race (containerd GC removed a layer snapshot "
        f"while BuildKit unpacked the image, {UPSTREAM_ISSUE}); every step had finished, so "
        "arxdocker runs the build once more to export it"
    )


def saved_log_hint() -> str:
    """For `analyze` of a saved log that failed this way."""
    return (
        f"this failure is the engine's, not the build's: a known BuildKit race ({UPSTREAM_ISSUE}, "
        f"fixed by {UPSTREAM_FIX}) lost a layer snapshot while unpacking the exported image after "
        "every step had finished; running the build again exports it (arxdocker build retries "
        "once by itself)"
    )


def retried_note(retry_exit_code: int) -> str:
    outcome = "succeeded" if retry_exit_code == 0 else f"failed too (exit {retry_exit_code})"
    return (
        f"the image export was retried once after a known engine race ({UPSTREAM_ISSUE}, fixed "
        f"in BuildKit by {UPSTREAM_FIX}) and the retry {outcome}; the steps shown are those of "
        "the first run"
    )


def merge_messages(first: list[str], retry: list[str], note: str) -> list[str]:
    """The first run's warnings, the retry note, then what only the retry said."""
    merged = [*first, note]
    return merged + [message for message in retry if message not in merged]


def merge_report(first: Report, retry: Report) -> Report:
    """The first run's steps and times, with the retry's verdict."""
    return replace(first, error=retry.error, failure=retry.failure)


def merge_record(first: Record, retry: Record, note: str) -> Record:
    """The first run's steps, inputs and cache import; the retry's outcome, image and export.

    The record spans both runs, so its duration is the wall time the user waited.
    """
    warnings = merge_messages(first.warnings, retry.warnings, note)
    cache = {**first.cache, "export_failed": retry.cache.get("export_failed")}
    return replace(
        first,
        ended=retry.ended,
        exit_code=retry.exit_code,
        status=retry.status,
        error=retry.error,
        failing_step=retry.failing_step,
        image=retry.image,
        cache=cache,
        warnings=warnings,
    )
