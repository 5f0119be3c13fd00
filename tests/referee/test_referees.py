"""Referee contract: verdicts re-weight experts on contested decisions only and never invent edges."""

from __future__ import annotations

import numpy as np
import pytest

from causal_ensemble import InputError, ParameterError, discover
from causal_ensemble.beliefs import ExpertBeliefs
from causal_ensemble.pooling import Contested, ExpertWeights, Level, Pool, Verdict, apply_verdicts
from causal_ensemble.referee import diagnose_pair, make_referee

from ..conftest import chain_collider_fork


def _beliefs(name: str, adj01: float, orient01: float) -> ExpertBeliefs:
    adj = np.zeros((3, 3))
    adj[0, 1] = adj[1, 0] = adj01
    orient = np.full((3, 3), 0.5)
    orient[0, 1], orient[1, 0] = orient01, 1 - orient01
    return ExpertBeliefs(name, adj, orient, np.full((3, 3), 0.5), 10)


def test_verdict_recomputes_the_pool_and_records_provenance() -> None:
    pool = Pool([_beliefs("a", 1.0, 1.0), _beliefs("b", 0.0, 0.5)], ExpertWeights.uniform(["a", "b"]))
    pooled = pool.pooled()
    c = Contested(0, 1, Level.ADJACENCY, 0.5, 0.5)
    final, records = apply_verdicts(pool, pooled, [Verdict(c, {"a": 3.0, "b": 1.0}, "a fits", "test")])
    assert final.adjacency[0, 1] == final.adjacency[1, 0] == pytest.approx(0.75)
    rec = records[(0, 1)][0]
    assert (rec.before, rec.by) == (0.5, "test") and rec.after == pytest.approx(0.75)
    assert rec.weights == {"a": 0.75, "b": 0.25}


def test_a_referee_cannot_invent_an_edge_no_expert_proposed() -> None:
    pool = Pool([_beliefs("a", 1.0, 1.0), _beliefs("b", 0.0, 0.5)], ExpertWeights.uniform(["a", "b"]))
    c = Contested(0, 2, Level.ADJACENCY, 0.0, 0.5)
    final, _ = apply_verdicts(pool, pool.pooled(), [Verdict(c, {"a": 1.0, "b": 100.0}, "insists", "test")])
    assert final.adjacency[0, 2] == 0.0
    with pytest.raises(InputError, match="unknown experts"):
        apply_verdicts(pool, pool.pooled(), [Verdict(c, {"zz": 1.0}, "", "test")])


def test_diagnostics_see_nongaussianity_nonlinearity_and_direction() -> None:
    rng = np.random.default_rng(0)
    n = 2000
    x = rng.uniform(-2, 2, n)
    z = rng.normal(size=n)
    y_lin_gauss = 0.8 * z + 0.5 * rng.normal(size=n)
    y_nonlin = np.tanh(2 * x) * 2 + x**2 + 0.3 * rng.uniform(-1, 1, n)
    u = rng.uniform(-1, 1, n)
    y_lin_uniform = u + rng.uniform(-1, 1, n)
    X = np.c_[x, y_nonlin, z, y_lin_gauss, u, y_lin_uniform]
    d = diagnose_pair(X, 0, 1, discrete=False)
    assert d.nonlinearity > 0.3
    assert d.anm_preference > 0  # x -> y leaves the independent residual
    gauss = diagnose_pair(X, 2, 3, discrete=False)
    uniform = diagnose_pair(X, 4, 5, discrete=False)
    assert gauss.nonlinearity < 0.05 and uniform.nonlinearity < 0.05
    assert uniform.nongaussianity > 0.999 > gauss.nongaussianity
    assert diagnose_pair(X, 0, 1, discrete=True).discrete


def test_stats_referee_end_to_end_settles_contested_decisions() -> None:
    # Gaussian noise: with uniform noise DirectLiNGAM predicts every held-out resample best, the pool
    # follows it and leaves nothing on a kept edge for a referee to settle
    frame, _ = chain_collider_fork(800, 7, noise="gaussian")
    result = discover(
        frame,
        experts=["pc", "ges", "directlingam"],
        referee=make_referee("stats"),
        n_bootstrap=4,
        margin=0.3,
        referee_margin=0.45,  # a wide band and no cap, so that this small table has decisions to settle
        referee_share=1.0,
    )
    assert result.referee.kind == "stats"
    assert result.referee.queries == len(result.contested) > 0
    refereed = [e for e in result.edges if e.referee]
    for e in refereed:
        for r in e.referee:
            assert r.by == "stats" and r.rationale
            assert sum(r.weights.values()) == pytest.approx(1.0)
        assert e.settled_by in ("referee", "acyclicity", "propagation", "score")
    unrefereed = {e.settled_by for e in result.edges if not e.referee}
    assert refereed and unrefereed <= {"pool", "acyclicity", "propagation", "score"}
    contested_pairs = {frozenset((c.source, c.target)) for c in result.contested}
    assert all(frozenset((e.source, e.target)) in contested_pairs for e in refereed)


def test_make_referee_validates_its_options() -> None:
    assert make_referee("none").kind == "none"
    assert make_referee(" Stats ").kind == "stats"
    with pytest.raises(InputError, match=r"^referee must be one of"):
        make_referee("oracle")
    with pytest.raises(ParameterError, match=r"^llm is only used with the llm referee") as err:
        make_referee("stats", llm="local")
    assert err.value.parameter == "llm"
    with pytest.raises(ParameterError, match=r"^llm_budget must be >= 0"):
        make_referee("llm", llm_budget=-1)
