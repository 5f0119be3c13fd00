"""Time and memory limits for one fit, so that a hanging or runaway expert cannot sink a run.

The limits are enforced from inside the process that fits (the caller's process, a loky worker or a
Dask worker thread), which is the only place that can interrupt a fit and still report it as a record.
"""

from __future__ import annotations

import contextlib
import ctypes
import logging
import signal
import threading
from collections.abc import Iterator
from types import FrameType

from causal_ensemble._errors import ExpertTimeoutError

logger = logging.getLogger(__name__)


@contextlib.contextmanager
def time_limit(seconds: float | None, what: str) -> Iterator[None]:
    """Raise :class:`ExpertTimeoutError` inside the block after ``seconds`` of wall time.

    In a main thread (the caller's process, loky workers) SIGALRM does it; in other threads (Dask
    workers run tasks in a thread pool) a watchdog timer raises the exception asynchronously in the
    fitting thread. Both take effect between Python bytecodes, which interrupts pure-Python loops and
    the callbacks of scipy optimisers (enough for the algorithms we wrap) but not one long C call.
    """
    if seconds is None or seconds <= 0:
        yield
        return
    if threading.current_thread() is threading.main_thread() and hasattr(signal, "setitimer"):
        with _alarm_limit(seconds, what):
            yield
    else:
        with _thread_limit(seconds, what):
            yield


@contextlib.contextmanager
def _alarm_limit(seconds: float, what: str) -> Iterator[None]:
    def _alarm(signum: int, frame: FrameType | None) -> None:
        raise ExpertTimeoutError(f"{what} ran past its time limit of {seconds:g} s")

    previous = signal.signal(signal.SIGALRM, _alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _set_async_exc(thread_id: int, exc: type[BaseException] | None) -> None:
    ctypes.pythonapi.PyThreadState_SetAsyncExc(
        ctypes.c_ulong(thread_id), ctypes.py_object(exc) if exc else None
    )


@contextlib.contextmanager
def _thread_limit(seconds: float, what: str) -> Iterator[None]:
    """Watchdog for non-main threads; a lock makes sure it can never fire after the block has left."""
    tid = threading.get_ident()
    lock = threading.Lock()
    state = {"done": False, "fired": False}

    def _fire() -> None:
        with lock:
            if not state["done"]:
                state["fired"] = True
                _set_async_exc(tid, ExpertTimeoutError)

    timer = threading.Timer(seconds, _fire)
    timer.daemon = True
    timer.start()
    try:
        yield
    except ExpertTimeoutError:
        if state["fired"]:
            raise ExpertTimeoutError(f"{what} ran past its time limit of {seconds:g} s") from None
        raise
    finally:
        with lock:
            state["done"] = True
            timer.cancel()
            if state["fired"]:
                _set_async_exc(tid, None)  # drop an exception that is still pending


@contextlib.contextmanager
def memory_limit(megabytes: float | None, what: str) -> Iterator[None]:
    """Cap the address space the block may add (RLIMIT_AS), so a runaway fit gets a MemoryError.

    The limit is process-wide, so it is only set from a main thread (the caller's process with
    ``n_jobs=1``, or a loky worker), relative to what the process already uses, and restored afterwards.
    Under Dask, use the workers' own ``--memory-limit``: a worker that exceeds it is restarted and the
    fit is reported as failed.
    """
    if megabytes is None or megabytes <= 0:
        yield
        return
    try:
        import resource
    except ImportError:  # not on POSIX
        yield
        return
    if threading.current_thread() is not threading.main_thread():
        logger.debug("memory limit for %s not set: not in the main thread", what)
        yield
        return
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    cap = _current_vsize() + int(megabytes * 2**20)
    if hard != resource.RLIM_INFINITY:
        cap = min(cap, hard)
    resource.setrlimit(resource.RLIMIT_AS, (cap, hard))
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_AS, (soft, hard))


def _current_vsize() -> int:
    try:
        with open("/proc/self/statm", encoding="ascii") as fh:
            pages = int(fh.read().split()[0])
    except (OSError, ValueError, IndexError):
        return 0
    import resource

    return pages * resource.getpagesize()


def is_memory_error(exc: BaseException) -> bool:
    """Whether a fit died of memory, also when an expert wrapped the MemoryError in its own error."""
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, MemoryError):
            return True
        seen = seen.__cause__
    return False
