"""Running a panel of experts on the data and on bootstrap resamples, in parallel and fault-isolated.

Following lingam's ``BootstrapResult`` the resample fits form a separate result next to the fit on the
full data; every expert sees the *same* resamples (common random numbers make experts comparable), and
every job's seed derives from the run seed, so results do not depend on ``n_jobs`` or on scheduling.
"""

from __future__ import annotations

import contextlib
import logging
import signal
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from types import FrameType
from typing import Any

import numpy as np
import numpy.typing as npt
from joblib import Parallel, delayed

from causal_ensemble._errors import ExpertTimeoutError, InputError, UnsupportedDataError
from causal_ensemble.experts._base import Expert, KnowledgeMasks, data_kind
from causal_ensemble.experts._graph import EndpointGraph

logger = logging.getLogger(__name__)

FULL_DATA = -1  # resample index of the fit on the full data


class FitStatus(StrEnum):
    OK = "ok"
    FAILED = "failed"
    TIMEOUT = "timeout"


@dataclass(frozen=True)
class FitRecord:
    """One expert fitted once (on the full data, or on resample ``resample``)."""

    expert: str
    resample: int
    status: FitStatus
    seconds: float
    graph: EndpointGraph | None = None
    error: str | None = None


@dataclass(frozen=True)
class BootstrapResult:
    """Everything one expert produced in a run; failures are data here, not exceptions."""

    expert: Expert
    full: FitRecord
    resamples: tuple[FitRecord, ...] = field(default_factory=tuple)

    @property
    def name(self) -> str:
        return self.expert.name

    @property
    def records(self) -> tuple[FitRecord, ...]:
        return (self.full, *self.resamples)

    @property
    def graphs(self) -> list[EndpointGraph]:
        """Graphs the beliefs are formed from: the resample fits, or the full fit when B = 0."""
        pool = self.resamples if self.resamples else (self.full,)
        return [r.graph for r in pool if r.graph is not None]

    @property
    def ok_resamples(self) -> list[FitRecord]:
        return [r for r in self.resamples if r.graph is not None]

    @property
    def status(self) -> FitStatus:
        if self.graphs:
            return FitStatus.OK
        if any(r.status is FitStatus.TIMEOUT for r in self.records):
            return FitStatus.TIMEOUT
        return FitStatus.FAILED

    @property
    def error(self) -> str | None:
        bad = [r for r in self.records if r.status is not FitStatus.OK]
        if not bad:
            return None
        first = bad[0].error or bad[0].status.value
        if self.status is FitStatus.OK:
            return f"{len(bad)} of {len(self.records)} fits did not finish; first: {first}"
        return first

    @property
    def seconds(self) -> float:
        return sum(r.seconds for r in self.records)


def resample_indices(n_rows: int, n_bootstrap: int, seed: int) -> list[npt.NDArray[np.int64]]:
    """Row indices of each bootstrap resample (with replacement), shared by all experts."""
    if n_bootstrap < 0:
        raise InputError(f"--bootstrap must be >= 0, got {n_bootstrap}")
    rng = np.random.default_rng(np.random.SeedSequence([seed, 0xB007]))
    return [rng.integers(0, n_rows, size=n_rows) for _ in range(n_bootstrap)]


def job_seed(seed: int, expert_index: int, resample: int) -> int:
    return int(np.random.SeedSequence([seed, expert_index, resample + 1]).generate_state(1)[0])


@contextlib.contextmanager
def time_limit(seconds: float | None, what: str) -> Iterator[None]:
    """Raise :class:`ExpertTimeoutError` inside the block after ``seconds`` of wall time.

    Uses SIGALRM, which interrupts pure-Python loops and the callbacks of scipy optimisers: enough for
    the algorithms we wrap. Signals only reach the main thread, so elsewhere the limit is not enforced
    (logged once); worker processes run jobs in their main thread.
    """
    usable = seconds is not None and seconds > 0 and hasattr(signal, "setitimer")
    if usable and threading.current_thread() is not threading.main_thread():
        logger.warning("time limit for %s not enforced: not running in the main thread", what)
        usable = False
    if not usable or seconds is None:
        yield
        return

    def _alarm(signum: int, frame: FrameType | None) -> None:
        raise ExpertTimeoutError(f"{what} ran past its time limit of {seconds:g} s")

    previous = signal.signal(signal.SIGALRM, _alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _fit_one(
    expert: Expert,
    X: npt.NDArray[np.float64],
    rows: npt.NDArray[np.int64] | None,
    discrete: npt.NDArray[np.bool_],
    knowledge: KnowledgeMasks,
    resample: int,
    limit: float | None,
) -> FitRecord:
    start = time.perf_counter()
    data = X if rows is None else X[rows]
    try:
        with time_limit(limit, f"expert {expert.name!r}"):
            expert.fit(data, discrete=discrete, knowledge=knowledge)
    except ExpertTimeoutError as exc:
        return FitRecord(
            expert.name, resample, FitStatus.TIMEOUT, time.perf_counter() - start, error=str(exc)
        )
    except Exception as exc:
        msg = str(exc) if str(exc).startswith("expert ") else f"{type(exc).__name__}: {exc}"
        return FitRecord(expert.name, resample, FitStatus.FAILED, time.perf_counter() - start, error=msg)
    return FitRecord(expert.name, resample, FitStatus.OK, time.perf_counter() - start, graph=expert.graph_)


ProgressCallback = Callable[[FitRecord], None]


def run_panel(
    experts: Sequence[Expert],
    X: npt.ArrayLike,
    *,
    discrete: npt.ArrayLike | None = None,
    knowledge: KnowledgeMasks | None = None,
    n_bootstrap: int = 20,
    seed: int = 0,
    n_jobs: int = 1,
    time_limit_s: float | None = 300.0,
    on_fit: ProgressCallback | None = None,
    resamples: Sequence[npt.NDArray[np.int64]] | None = None,
) -> list[BootstrapResult]:
    """Fit every expert on the full data and on ``n_bootstrap`` shared resamples.

    Returns one :class:`BootstrapResult` per expert, in panel order. An expert that cannot handle the
    data kind is reported as failed with the reason, without being run.

    ``resamples`` (row indices, from :func:`resample_indices`) lets a caller that needs the same
    resamples afterwards (for out-of-bag scores) draw them once.
    """
    data = np.asarray(X, dtype=np.float64)
    n, d = data.shape
    disc = np.zeros(d, dtype=bool) if discrete is None else np.asarray(discrete, dtype=bool)
    masks = knowledge if knowledge is not None else KnowledgeMasks.none(d)
    if resamples is None:
        resamples = resample_indices(n, n_bootstrap, seed)
    elif len(resamples) != n_bootstrap:
        raise InputError(f"got {len(resamples)} resamples for n_bootstrap={n_bootstrap}")
    kind = data_kind(disc)
    jobs: list[tuple[Any, ...]] = []
    refused: dict[str, FitRecord] = {}
    for e_idx, expert in enumerate(experts):
        try:
            expert.check_supported(kind)
        except UnsupportedDataError as exc:
            refused[expert.name] = FitRecord(expert.name, FULL_DATA, FitStatus.FAILED, 0.0, error=str(exc))
            continue
        for b in [FULL_DATA, *range(n_bootstrap)]:
            rows = None if b == FULL_DATA else resamples[b]
            clone = expert.clone(random_state=job_seed(seed, e_idx, b))
            jobs.append((clone, rows, b))

    records: dict[str, list[FitRecord]] = {e.name: [] for e in experts}
    tasks = (delayed(_fit_one)(e, data, rows, disc, masks, b, time_limit_s) for e, rows, b in jobs)
    runner = Parallel(n_jobs=n_jobs, return_as="generator_unordered", max_nbytes="1M")
    for record in runner(tasks):
        records[record.expert].append(record)
        if on_fit is not None:
            on_fit(record)

    results = []
    for expert in experts:
        if expert.name in refused:
            results.append(BootstrapResult(expert, refused[expert.name]))
            continue
        recs = sorted(records[expert.name], key=lambda r: r.resample)
        results.append(BootstrapResult(expert, recs[0], tuple(recs[1:])))
    return results
