"""Work that runs beside the build: engine queries and context hashing overlap the buildx child."""

from __future__ import annotations

import threading
from typing import Any

TIMEOUT_S = 20


class Background:
    """Run a function in a daemon thread while the build runs; `result()` waits for it.

    The record is a by-product of the build: a failure here must not fail the build, so it comes
    back as `None` with the reason in `error`, for the session to mention.
    """

    def __init__(self, function: Any, *args: Any) -> None:
        self._value: Any = None
        self.error: str | None = None
        self._name = getattr(function, "__name__", "task").strip("_")
        self._thread = threading.Thread(target=self._target, args=(function, *args), daemon=True)
        self._thread.start()

    def _target(self, function: Any, *args: Any) -> None:
        try:
            self._value = function(*args)
        except Exception as error:  # reported through `error`, never raised into the build
            self.error = f"{self._name}: {type(error).__name__}: {error}"

    def result(self, timeout: float | None = TIMEOUT_S) -> Any:
        self._thread.join(timeout)
        if self._thread.is_alive() and self.error is None:
            self.error = f"{self._name}: no answer within {timeout:g} s"
        return self._value
