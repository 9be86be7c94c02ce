"""Work that runs beside the build: engine queries and context hashing overlap the buildx child."""

from __future__ import annotations

import contextlib
import threading
from typing import Any

TIMEOUT_S = 20


class Background:
    """Run a function in a daemon thread while the build runs; `result()` waits for it."""

    def __init__(self, function: Any, *args: Any) -> None:
        self._value: Any = None
        self._thread = threading.Thread(target=self._target, args=(function, *args), daemon=True)
        self._thread.start()

    def _target(self, function: Any, *args: Any) -> None:
        with contextlib.suppress(Exception):
            self._value = function(*args)

    def result(self, timeout: float | None = TIMEOUT_S) -> Any:
        self._thread.join(timeout)
        return self._value
