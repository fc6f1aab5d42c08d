"""Interrupts: telling a signal from a callback, and SIGTERM as Ctrl-C.

Python turns SIGINT (Ctrl-C) into a ``KeyboardInterrupt``, so the program
unwinds: the fold or model being trained is dropped, temporary files are
removed, locks are released. SIGTERM (``kill``, a batch scheduler ending a
job) kills the process outright by default; inside
:func:`sigterm_raises_interrupt` it unwinds the same way.

skorch also uses ``KeyboardInterrupt`` to end training early (its
``EarlyStopping`` raises one), so a net tells the two apart with
:func:`noting_signals`.
"""

import signal
from contextlib import contextmanager


class Terminated(KeyboardInterrupt):
    """SIGTERM, raised as an interrupt so that the program unwinds as after Ctrl-C."""

    signal = signal.SIGTERM


def _raise_terminated(signum, frame):
    raise Terminated


@contextmanager
def sigterm_raises_interrupt():
    """Raise a ``KeyboardInterrupt`` on SIGTERM in the block, as on Ctrl-C.

    SIGTERM (``kill``, a batch scheduler ending a job) otherwise ends the
    process outright; inside the block it unwinds it as Ctrl-C does, so
    that unfinished work is dropped and temporary files are removed. The
    interrupt it raises is a ``Terminated``, which :func:`interrupt_signal`
    tells from Ctrl-C's. Outside the main thread, where Python cannot handle
    signals, the block runs with SIGTERM's handler unchanged.

    Yields
    ------
    None

    See Also
    --------
    interrupt_signal : The signal behind an interrupt.

    Examples
    --------
    >>> import os, signal
    >>> from sklearn_ser.utils import interrupt_signal, sigterm_raises_interrupt
    >>> try:
    ...     with sigterm_raises_interrupt():
    ...         os.kill(os.getpid(), signal.SIGTERM)
    ... except KeyboardInterrupt as interrupt:
    ...     print(interrupt_signal(interrupt).name)
    SIGTERM
    """
    try:
        previous = signal.signal(signal.SIGTERM, _raise_terminated)
        installed = True
    except ValueError:  # not the main thread
        installed = False
    try:
        yield
    finally:
        if installed:
            # None: the previous handler was not set from Python.
            signal.signal(signal.SIGTERM, signal.SIG_DFL if previous is None else previous)


def interrupt_signal(interrupt):
    """The signal behind a ``KeyboardInterrupt``: SIGTERM for one raised by
    :func:`sigterm_raises_interrupt`, else SIGINT (Ctrl-C).

    A shell reports a process ended by a signal with exit status 128 plus
    its number (130 for SIGINT, 143 for SIGTERM).

    Parameters
    ----------
    interrupt : KeyboardInterrupt
        The interrupt caught.

    Returns
    -------
    signal : signal.Signals

    Examples
    --------
    >>> from sklearn_ser.utils import interrupt_signal
    >>> stopped = interrupt_signal(KeyboardInterrupt())
    >>> stopped.name, 128 + stopped
    ('SIGINT', 130)
    """
    return getattr(interrupt, "signal", signal.SIGINT)


@contextmanager
def noting_signals():
    """Note the SIGINT and SIGTERM that reach a Python handler in the block.

    Each handler set from Python (Python's own for SIGINT, which raises
    ``KeyboardInterrupt``, or :func:`sigterm_raises_interrupt`'s) is wrapped
    so that the signal is noted, then run as before. Outside the main
    thread, where no signal handler runs, nothing is noted.

    Yields
    ------
    noted : list of signal.Signals
        The signals received so far.

    Examples
    --------
    >>> import signal
    >>> from sklearn_ser.utils._signals import noting_signals
    >>> try:
    ...     with noting_signals() as noted:
    ...         signal.raise_signal(signal.SIGINT)
    ... except KeyboardInterrupt:
    ...     print(noted)
    [<Signals.SIGINT: 2>]
    """
    noted = []
    wrapped = {}

    def note(number, frame):
        noted.append(signal.Signals(number))
        wrapped[number](number, frame)

    try:
        for number in (signal.SIGINT, signal.SIGTERM):
            handler = signal.getsignal(number)
            if callable(handler):  # not SIG_DFL, SIG_IGN, or one set from C (None)
                signal.signal(number, note)
                wrapped[number] = handler
    except ValueError:  # not the main thread
        pass
    try:
        yield noted
    finally:
        for number, handler in wrapped.items():
            signal.signal(number, handler)
