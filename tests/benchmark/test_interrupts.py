"""Between runs, SIGTERM and SIGHUP raise KeyboardInterrupt, so cleanup (the touched file) runs."""

from __future__ import annotations

import os
import signal

import pytest

from arxdocker.benchmark.interrupts import interrupts_raise


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGHUP])
def test_signals_raise_inside_and_handlers_come_back(signum: int) -> None:
    before = signal.getsignal(signum)
    with pytest.raises(KeyboardInterrupt, match=signal.Signals(signum).name), interrupts_raise():
        os.kill(os.getpid(), signum)
    assert signal.getsignal(signum) is before
