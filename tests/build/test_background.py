"""Work beside the build never fails the build."""

from __future__ import annotations

from arxdocker.build.background import Background


def test_background_failures_are_reported_not_raised() -> None:
    def _broken() -> None:
        raise OSError("disk on fire")

    job = Background(_broken)
    assert job.result() is None
    assert job.error == "broken: OSError: disk on fire"
    assert Background(lambda: 42).result() == 42
