"""A time budget for the extraction of one item: past it, the item's extraction is abandoned.

Every pattern of the extractors is written to run in time linear in the text (see
docs/performance.md); the budget is the guard for whatever is not. On the main thread of a POSIX
system it is enforced as it runs: a CPU-time interval timer (``ITIMER_PROF``, so a busy machine does
not make a normal item overrun) raises :class:`Overrun` inside the extraction, even inside a regular
expression, because Python's regex engine checks for signals while it matches. Elsewhere (another
thread, or a system without ``setitimer``) no timer can interrupt the item, so its CPU time is checked
when it finishes and an overrunning item is dropped all the same: the output is the same, only the
build is not cut short.
"""
from __future__ import annotations

import signal
import threading
import time
from typing import Callable, TypeVar

T = TypeVar("T")
#: CPU seconds the extractors may spend on one item (``--item-budget``; 0 or None: no limit), and as
#: much again per million characters beyond the first million: linear extraction costs about 0.7 s
#: per million characters (docs/performance.md), so no post is dropped for its length alone
DEFAULT_ITEM_BUDGET = 2.0


class Overrun(BaseException):
    """Raised inside an item's extraction when its budget is spent (a BaseException, so that an
    extractor's ``except Exception`` cannot swallow it)."""


def _raise_overrun(signum, frame):
    raise Overrun()


def _can_interrupt() -> bool:
    return (hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()
            and signal.getsignal(signal.SIGPROF) in (signal.SIG_DFL, signal.SIG_IGN, None))


def within(budget: float | None, work: Callable[[], T]) -> T | None:
    """``work()``, or None when it spent more than ``budget`` CPU seconds (None/0: no budget)."""
    if not budget:
        return work()
    if not _can_interrupt():
        start = time.thread_time()
        result = work()
        return None if time.thread_time() - start > budget else result
    previous = signal.signal(signal.SIGPROF, _raise_overrun)
    try:
        try:
            signal.setitimer(signal.ITIMER_PROF, budget)
            try:
                return work()
            finally:
                signal.setitimer(signal.ITIMER_PROF, 0)
        finally:
            signal.signal(signal.SIGPROF, previous)
    except Overrun:
        return None
