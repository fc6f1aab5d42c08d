import os
import signal
import threading

import pytest

from sklearn_ser.utils._signals import (
    Terminated,
    interrupt_signal,
    noting_signals,
    sigterm_raises_interrupt,
)


def test_sigterm_raises_an_interrupt_inside_the_block_only():
    before = signal.getsignal(signal.SIGTERM)
    with pytest.raises(Terminated) as stopped:
        with sigterm_raises_interrupt():
            os.kill(os.getpid(), signal.SIGTERM)
    assert isinstance(stopped.value, KeyboardInterrupt)
    assert interrupt_signal(stopped.value) == signal.SIGTERM
    assert interrupt_signal(KeyboardInterrupt()) == signal.SIGINT
    assert signal.getsignal(signal.SIGTERM) == before


def test_noting_signals_notes_sigint_and_sigterm_and_runs_their_handlers():
    before = {number: signal.getsignal(number) for number in (signal.SIGINT, signal.SIGTERM)}
    with sigterm_raises_interrupt():
        with pytest.raises(Terminated):
            with noting_signals() as noted:
                signal.raise_signal(signal.SIGTERM)
        assert noted == [signal.SIGTERM]
    with pytest.raises(KeyboardInterrupt):
        with noting_signals() as noted:
            signal.raise_signal(signal.SIGINT)
    assert noted == [signal.SIGINT]
    with noting_signals() as noted:
        pass
    assert noted == []
    assert {number: signal.getsignal(number) for number in before} == before


def test_noting_signals_outside_the_main_thread_notes_nothing():
    seen = []

    def run():
        with noting_signals() as noted:
            seen.append(noted)

    thread = threading.Thread(target=run)
    thread.start()
    thread.join()
    assert seen == [[]]
