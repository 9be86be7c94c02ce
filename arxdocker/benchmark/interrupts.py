"""SIGTERM and SIGHUP end a benchmark as Ctrl-C does, between runs too.

`arxdocker build` turns them into a KeyboardInterrupt only while buildx runs. A benchmark also
spends time between runs (saving a record, changing the touched file), where the default action
would kill the process before the touched file is restored. Inside this context they raise the
build layer's `Interrupted` everywhere; the build layer still takes them over while buildx runs.
"""

from __future__ import annotations

import signal
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType


@contextmanager
def interrupts_raise() -> Iterator[None]:
    from arxdocker.build.launch import INTERRUPTING_SIGNALS, Interrupted

    def handler(signum: int, frame: FrameType | None) -> None:
        raise Interrupted(signum)

    previous = {signum: signal.signal(signum, handler) for signum in INTERRUPTING_SIGNALS}
    try:
        yield
    finally:
        for signum, old in previous.items():
            signal.signal(signum, old)
