"""Orientation (and pruning) within the pool's skeleton by a score, on continuous and on discrete tables.

Why: on a table consistent with a joint Gaussian only the Markov equivalence class is identifiable, and
every expert's graph is read as its CPDAG. The pool then averages the experts' arrows edge by edge, but
each expert's arrows are the colliders *of its own skeleton*: a collider at ``b`` between ``a`` and ``c``
says that ``a`` and ``c`` are not adjacent, which the pooled skeleton may deny. Averaged, such arrows are
a mixture of equivalence classes that matches none of them, and the assembled graph keeps colliders the
kept edges contradict. Once the pool has decided which edges exist, the directions the data identify
are the colliders that skeleton's best-fitting DAG has; that is what the score settles here (the hybrid
of a constraint skeleton and a score search, as in max-min hill climbing, Tsamardinos et al. 2006, with
the pool in the role of the skeleton finder).

How: the assembled graph's directed edges, with its undirected edges oriented by the pooled lean, are the
start of a greedy hill climb under the Gaussian BIC whose moves are reversals and removals of the kept
edges, never additions (the score arbitrates among the experts' edges; it does not propose new ones). A
reversal keeps the number of coefficients, so the likelihood alone compares the two DAGs; equivalent DAGs
tie, and only a reversal that changes the colliders can win. A removal wins when the edge adds less
log-likelihood than BIC's ``log(n) / 2``: the edge the pool kept is one the linear-Gaussian model, the true
one on such a table, does not need given the other kept edges. The climbed DAG's equivalence class then
decides: an edge it compels gets the compelled direction; an edge it leaves open keeps the pool's decision
(its direction, unless that closes a cycle or adds a collider the class does not have; else undirected).
Reversals one at a time get stuck: within a fixed dense skeleton, a DAG whose orientation is mostly
wrong is often a local optimum (of 40 random 7-node DAGs with 9-18 edges, a climb from every edge reversed
reached the true class in 2). So the climb also starts from the causal order of each expert's ancestral
beliefs and of the pool's (:func:`score_orders`), the kept skeleton oriented along it, and the climbed DAG
with the highest BIC wins (the pool's own start on ties): the skeleton is the same for every start, so the
BIC compares orientations (and the removals each allows), and the experts' orders are the restarts.
Edges settled by knowledge (or marked ``REFEREE`` by a caller) are never reversed (the climb may not move
them, and they keep their direction whatever the class says), and no edge is turned into a direction
knowledge forbids; required edges are never removed. A run's referee acts earlier, on the pooled beliefs
(``pooling.apply_verdicts``), and its verdicts reach assembly as pooled beliefs, which this step, like the
acyclicity rule, weighs with the rest: the score judges the whole graph on the rows, a verdict one pair.

On continuous tables not read as Gaussian the same climb runs under the likelihood of a linear SEM with
independent non-Gaussian noise (LiNGAM's model; each residual's entropy by Hyvarinen's negentropy
approximation), where every direction is identified and the climbed DAG settles all of them. Why: beyond
d = 30 the default panel has no LiNGAM expert (too slow), and GES, whose dense graphs predict held-out
rows best, held most of the weight while misorienting hubs and adding the edges each misorientation needs
(linear non-Gaussian SF d = 50 seed 0: 36 false edges, SHD 51 against GRaSP's 23). That model is kept only
where a linear model fits the climbed DAG (``beliefs.linear_model_check``, the check that reads a linear
expert's DAG as its CPDAG on misfit, at the same strict level): on the nonlinear tables and Sachs it fails
by p < 1e-100 (ungated, the nonlinear tables lost 5-23 edges each). Where the linear model fits but most
of its residuals look Gaussian (a false alarm of the Gaussianity check, or a small table), the directions
beyond the class are not identified, and the Gaussian score settles the class instead.

Where no linear model fits and the pool weighs an additive-noise expert (CAM) most, an additive-noise BIC
(one cubic spline per parent, CAM's basis) settles every direction from the pool's start, and may also add
a pair that some expert holds in at least half of its graphs: on nonlinear tables CAM holds about 0.7 of the
weight, and the edges only the linear experts see (a near-linear mechanism CAM's pruning dropped) fall below
the threshold. Elsewhere (Sachs, where DAGMA leads) the graph stays as assembled.

Measured on the standard suite (``cea benchmark --suite standard``, the same expert fits, ``--referee
stats``), the Gaussian step with one start: over its 18 linear-Gaussian tables (d = 10, 20, 50, seeds 0-2;
the only ones read as Gaussian) mean SHD 11.1 -> 10.4 on ER and 11.3 -> 9.7 on SF, better on 8 tables,
worse on one (19 -> 21), SHD against the true CPDAG 10.35 -> 10.02 over all 63 cells; pgmpy's Gaussian
magic-niab (d = 44, n = 2000) 12 -> 6, magic-irri 52 -> 48, arth150 65 -> 64. The removals are a part of it
(cached panels, ``--referee none``: d <= 20 6.50 -> 6.30, d = 50 17.83 -> 16.17). Additions were tried and
not kept: letting the climb add the pairs pooled just below the threshold helped at d <= 20 (6.30 -> 5.90)
and hurt at d = 50 (16.17 -> 17.50). The restarts from the experts' orders (cached panels, the same fits):
better on 3 of the 18 tables (ER d = 10 seed 2 15 -> 7, ER d = 50 seed 0 15 -> 9, SF d = 20 seed 1 9 -> 8),
worse on one (SF d = 50 seed 1 24 -> 27); mean SHD on the development seeds 9.75 -> 9.42, held out 10.67 ->
9.33. The linear non-Gaussian step, on the 37 tables read as DAGs (cached panels, the same fits): 7 of the 18
linear non-Gaussian tables better (SF d = 50 51 -> 34, 20 -> 10, 11 -> 4; ER d = 50 16 -> 7, 7 -> 1, 10 -> 9;
SF d = 20 seed 2 1 -> 0), none worse; the nonlinear tables and Sachs unchanged (the gate).
On discrete tables the same climb runs under BDeu (causal-learn's priors, the score the discrete experts
search with), which is score-equivalent like the Gaussian BIC: the climbed DAG's class settles the
compelled directions, and an edge the class leaves open keeps the pool's decision. Measured on the five
bnlearn networks the project ships (cached panels, ``--referee none``, tables of 1000 and 5000 rows; asia,
child, insurance, alarm on the development seeds 0-1): mean SHD 12.00 -> 12.00 at n = 1000 and 7.62 -> 6.88
at 5000, SHD against the true CPDAG 12.75 -> 12.38 and 10.50 -> 8.75, directed F1 .750 -> .757 and .845 ->
.868; held out (seed 2) 10.75 -> 10.75 and 8.00 -> 7.50, CPDAG 11.50 -> 11.00 and 11.00 -> 9.50, directed F1
.772 -> .792 and .792 -> .830; the discretised sachs unchanged; pgmpy's wider networks at n = 2000, one fit
each (``benchmarks/score_step_ab.py``): win95pts 59 -> 52, andes 78 -> 77, hepar2 83 -> 83. What did not
go in: an earlier multinomial BIC in place of BDeu made the pool worse (9.62 -> 10.00 mean SHD; its removals
10.25, 6 of the 7 edges it removed true); the climb without removals was worse than with them (n = 5000:
SHD 7.50, CPDAG 9.50); keeping the climbed DAG's own directions on the edges its class leaves open, beyond
the compelled ones, lowered the SHD against the DAG (n = 5000: 5.62) but raised it against the CPDAG
(12.25): those directions are the pool's lean on pairs it left undecided, which the likelihood does not
identify, so the graph keeps them undirected. No score step runs on a mixed table (no score here models
both kinds).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Mapping, Sequence
from enum import StrEnum
from typing import Protocol

import numpy as np
import numpy.typing as npt

from causal_ensemble.assemble._assemble import (
    AssembledEdge,
    AssembledGraph,
    AssemblyAction,
    AssemblyDecision,
    EdgeType,
    SettledBy,
    _add_reach,
)
from causal_ensemble.beliefs import (
    MODEL_ALPHA,
    ExpertBeliefs,
    OrientationScope,
    equivalence_class,
    linear_model_check,
    reachability,
)
from causal_ensemble.experts import EndpointGraph, Family, KnowledgeMasks
from causal_ensemble.experts._cam import spline_bases
from causal_ensemble.experts._scores import BDeuScore
from causal_ensemble.pooling import ExpertWeights, PooledBeliefs

BoolMatrix = npt.NDArray[np.bool_]
FloatMatrix = npt.NDArray[np.float64]

logger = logging.getLogger(__name__)

CLIMB_SECONDS = 30.0
"""Time limit of the hill climb: about 2 s at d = 200 from a random orientation (400 edges, n = 2000), so
it binds only on far wider graphs, where the climb stops with what it improved so far."""
ADDITIVE_KNOTS = 5
"""Knots per parent of the additive score (CAM's default)."""
ADD_SUPPORT = 0.5
"""The additive climb may add a pair that some expert holds in at least this share of its graphs (more
often than not), where the pool, led by one nonlinear expert, left it out; 0.8 was worse on the
development seeds."""
MIN_GAIN = 1e-6
"""Least log-likelihood gain (nats) a reversal needs: equivalent DAGs tie up to rounding."""
_FROZEN = frozenset({SettledBy.KNOWLEDGE, SettledBy.REFEREE})


class ScoreModel(StrEnum):
    """The model whose score settles the kept edges' directions (:func:`score_model` picks it)."""

    ADDITIVE = "additive-noise"
    """Nonlinear additive noise (CAM's model), where a linear model fails: every direction identified."""
    GAUSSIAN = "gaussian"
    """Linear-Gaussian: the likelihood identifies the equivalence class (its colliders) only."""
    LINEAR_NON_GAUSSIAN = "linear-non-gaussian"
    """Linear with non-Gaussian noise (LiNGAM's model): the likelihood identifies every direction."""
    MULTINOMIAL = "multinomial"
    """Discrete columns (BDeu, the discrete experts' score): the equivalence class only, like the Gaussian."""


_CLASS_ONLY = frozenset({ScoreModel.GAUSSIAN, ScoreModel.MULTINOMIAL})
"""The models whose score is equal on equivalent DAGs: the climbed DAG's class settles the compelled
directions only."""


# Hyvarinen's (1998) approximation of negentropy, as in the pairwise LiNGAM measures (Hyvarinen & Smith 2013)
_K1, _K2, _GAMMA = 79.047, 7.4129, 0.37457


class _GaussianScore:
    """Node-wise Gaussian log-likelihood of a column given a parent set, memoised: the climb asks for the
    same few parent sets many times."""

    def __init__(self, X: npt.NDArray[np.float64]) -> None:
        self._X = X - X.mean(axis=0)
        self.n = int(X.shape[0])
        self._penalty = 0.5 * float(np.log(max(self.n, 2)))  # BIC: per coefficient
        self._memo: dict[tuple[int, tuple[int, ...]], float] = {}

    def local(self, j: int, parents: tuple[int, ...]) -> float:
        key = (j, parents)
        if key not in self._memo:
            self._memo[key] = self._value(self.residual(j, parents))
        return self._memo[key]

    def residual(self, j: int, parents: tuple[int, ...]) -> npt.NDArray[np.float64]:
        """Column ``j`` less its least-squares fit on the parents' design."""
        y = self._X[:, j]
        if not parents:
            return y
        M = self._design(parents)
        beta, *_ = np.linalg.lstsq(M, y, rcond=None)
        return np.asarray(y - M @ beta, dtype=np.float64)

    def _design(self, parents: tuple[int, ...]) -> npt.NDArray[np.float64]:
        return self._X[:, list(parents)]

    def _value(self, r: npt.NDArray[np.float64]) -> float:
        rss = float(r @ r) / self.n
        return -0.5 * self.n * float(np.log(max(rss, 1e-300)))

    def df(self, parent: int) -> int:
        """Coefficients a parent costs the child's regression: one, for a linear effect."""
        return 1

    def net(self, j: int, parents: tuple[int, ...]) -> float:
        """The BIC's local term: the log-likelihood less ``log(n) / 2`` per coefficient."""
        return self.local(j, parents) - self._penalty * sum(self.df(p) for p in parents)


class _NonGaussianScore(_GaussianScore):
    """The log-likelihood of a linear SEM with independent non-Gaussian noise, node by node: ``-n`` times
    the residual's differential entropy, which is the Gaussian term (its log scale) less the standardised
    residual's negentropy (Hyvarinen's approximation). A residual that is more Gaussian than the other
    direction's scores lower, which is what orients a pair under LiNGAM's model."""

    def _value(self, r: npt.NDArray[np.float64]) -> float:
        var = max(float(r @ r) / self.n, 1e-300)
        u = r / np.sqrt(var)
        negentropy = (
            _K1 * (float(np.mean(np.log(np.cosh(u)))) - _GAMMA) ** 2
            + _K2 * float(np.mean(u * np.exp(-0.5 * u * u))) ** 2
        )
        return -0.5 * self.n * float(np.log(var)) + self.n * negentropy


class _AdditiveScore(_GaussianScore):
    """The Gaussian log-likelihood of an additive-noise model with one smooth effect per parent (CAM's
    model: cubic splines on the standardised columns, the basis CAM and the held-out judge use), each
    parent costing its basis's width in the BIC."""

    def __init__(self, X: npt.NDArray[np.float64]) -> None:
        sd = X.std(axis=0)
        Z = (X - X.mean(axis=0)) / np.where(sd > 0, sd, 1.0)
        super().__init__(Z)
        self._bases = spline_bases(Z, ADDITIVE_KNOTS)

    def _design(self, parents: tuple[int, ...]) -> npt.NDArray[np.float64]:
        return np.column_stack([self._bases[p] for p in parents])

    def df(self, parent: int) -> int:
        return int(self._bases[parent].shape[1])


def _reaches(D: BoolMatrix, src: int, dst: int) -> bool:
    """Whether a directed path src -> ... -> dst exists in D."""
    seen = np.zeros(D.shape[0], dtype=bool)
    stack = [src]
    seen[src] = True
    while stack:
        u = stack.pop()
        if u == dst:
            return True
        for v in np.flatnonzero(D[u] & ~seen):
            seen[v] = True
            stack.append(int(v))
    return False


def _parents(D: BoolMatrix, j: int) -> tuple[int, ...]:
    return tuple(int(p) for p in np.flatnonzero(D[:, j]))


def climb(
    start: BoolMatrix,
    X: npt.NDArray[np.float64],
    movable: BoolMatrix,
    removable: BoolMatrix | None = None,
    deadline: float | None = None,
) -> BoolMatrix:
    """Greedy hill climb from the DAG ``start`` under the Gaussian BIC of ``X``: at each step the best of
    reversing an edge s -> t where ``movable[s, t]`` and removing one where ``removable[s, t]``; never an
    addition. Returns the climbed DAG, or the DAG reached by ``deadline`` (``time.monotonic()``): every
    step improves the score, so a stopped climb is still an improvement on its start."""
    return _climb(start, _GaussianScore(X), movable, removable, deadline)


class _Score(Protocol):
    """What the climb asks of a score: a decomposable local term, net of its complexity penalty."""

    def net(self, j: int, parents: tuple[int, ...]) -> float: ...


class _DiscreteScore:
    """BDeu (Heckerman et al. 1995; causal-learn's priors, the discrete experts' own score) of a column
    given a parent set: score-equivalent, so equivalent DAGs tie and a reversal wins only where it changes
    the colliders."""

    def __init__(self, X: npt.NDArray[np.float64]) -> None:
        self._score = BDeuScore(X)

    def net(self, j: int, parents: tuple[int, ...]) -> float:
        return self._score.score(j, list(parents))


def _dag_score(D: BoolMatrix, score: _Score) -> float:
    """The score of the DAG ``D`` (the climb's objective, up to a constant)."""
    return sum(score.net(j, _parents(D, j)) for j in range(D.shape[0]))


def _with(parents: tuple[int, ...], extra: int) -> tuple[int, ...]:
    return tuple(sorted((*parents, extra)))


def _climb(
    start: BoolMatrix,
    score: _Score,
    movable: BoolMatrix,
    removable: BoolMatrix | None,
    deadline: float | None,
    addable: BoolMatrix | None = None,
) -> BoolMatrix:
    D = start.copy()
    drop = removable if removable is not None else np.zeros_like(D)
    while True:
        best_gain, best, move = MIN_GAIN, (0, 0), ""
        for s, t in zip(*np.nonzero(D & (movable | drop)), strict=True):
            s, t = int(s), int(t)
            D[s, t] = False
            kept = score.net(t, _with(_parents(D, t), s))
            if drop[s, t]:
                gain = score.net(t, _parents(D, t)) - kept
                if gain > best_gain:
                    best_gain, best, move = gain, (s, t), "remove"
            if movable[s, t]:
                old = kept + score.net(s, _parents(D, s))
                new = score.net(t, _parents(D, t)) + score.net(s, _with(_parents(D, s), t))
                gain = new - old
                # t -> s must close no cycle once s -> t is gone (checked only for a better move)
                if gain > best_gain and not _reaches(D, s, t):
                    best_gain, best, move = gain, (s, t), "reverse"
            D[s, t] = True
        if addable is not None:
            for s, t in zip(*np.nonzero(addable & ~D & ~D.T), strict=True):
                s, t = int(s), int(t)
                parents = _parents(D, t)
                gain = score.net(t, _with(parents, s)) - score.net(t, parents)
                if gain > best_gain and not _reaches(D, t, s):
                    best_gain, best, move = gain, (s, t), "add"
        if best_gain <= MIN_GAIN:
            return D
        if deadline is not None and time.monotonic() > deadline:
            logger.warning("the score's hill climb stopped at its time limit before converging")
            return D
        s, t = best
        D[s, t] = move == "add"
        if move == "reverse":
            D[t, s] = True


def score_model(scope: OrientationScope, discrete_mask: npt.NDArray[np.bool_]) -> ScoreModel | None:
    """The score by which a run settles its directions (:func:`orient_by_score`), or None: on an
    all-discrete table BDeu; on a mixed one none; where the experts' graphs were read as CPDAGs (a table
    consistent with a joint Gaussian) the Gaussian one; elsewhere the linear non-Gaussian one, which
    :func:`settle_by_score` may replace by the Gaussian or the additive-noise one."""
    if len(discrete_mask) and np.all(discrete_mask):
        return ScoreModel.MULTINOMIAL
    if np.any(discrete_mask):
        return None
    return ScoreModel.GAUSSIAN if scope is OrientationScope.CPDAG else ScoreModel.LINEAR_NON_GAUSSIAN


def score_orders(pooled: PooledBeliefs, beliefs: Sequence[ExpertBeliefs]) -> tuple[FloatMatrix, ...]:
    """The ancestral beliefs whose causal orders :func:`orient_by_score` also starts its climb from: the
    pool's and each expert's."""
    return (pooled.ancestral, *(b.ancestral for b in beliefs))


_LABELS = {
    ScoreModel.GAUSSIAN: "the Gaussian BIC",
    ScoreModel.LINEAR_NON_GAUSSIAN: "the linear non-Gaussian BIC",
    ScoreModel.ADDITIVE: "the additive-noise BIC",
    ScoreModel.MULTINOMIAL: "the BDeu score",
}


def settle_by_score(
    graph: AssembledGraph,
    pooled: PooledBeliefs,
    X: npt.NDArray[np.float64],
    masks: KnowledgeMasks,
    model: ScoreModel,
    *,
    beliefs: Sequence[ExpertBeliefs] = (),
    additive_leads: bool = True,
    max_seconds: float | None = CLIMB_SECONDS,
) -> tuple[AssembledGraph, ScoreModel | None]:
    """The score step of a run (:func:`score_model` names ``model``): :func:`orient_by_score`, restarted
    from the pool's and the experts' (``beliefs``) orders; where the linear non-Gaussian model does not
    fit the DAG it settles (``beliefs.linear_model_check`` at ``MODEL_ALPHA``: a nonlinear table, where a
    linear score would undo what the nonlinear experts saw), the additive-noise model instead, which may
    add what an expert holds more often than not (:func:`score_support`), provided ``additive_leads``:
    the expert the pool weighs most is an additive-noise one (CAM), so the pool itself found that model
    the most reliable on these data. Else
    the graph stays as assembled (on Sachs, nonlinear and heteroscedastic, DAGMA leads with .53 against
    CAM's .12, and the additive score, unasked, added 17 edges of which 5 are true: SHD 13 -> 21).
    Returns the graph and the model that settled it (None: none did)."""
    orders = score_orders(pooled, beliefs)
    out = orient_by_score(graph, pooled, X, masks, orders=orders, model=model, max_seconds=max_seconds)
    if model is not ScoreModel.LINEAR_NON_GAUSSIAN:
        return out, model
    # the check also regresses on the edges the linear BIC dropped: a dependence no line captures (y =
    # x^2) is one the linear score removes, and a graph without it would pass
    checked = out.directed_matrix()
    kept = checked | checked.T
    for e in graph.edges:
        if not kept[e.source, e.target]:
            checked[e.source, e.target] = True
    p, node = linear_model_check(EndpointGraph.from_dag(checked), X)
    if p >= MODEL_ALPHA:
        if _mostly_non_gaussian(out.directed_matrix(), X):
            return out, model
        # a linear model with (mostly) Gaussian noise: the directions beyond the class are not identified,
        # and the negentropy differences the climb followed are noise; the Gaussian score settles the class
        logger.info("the linear non-Gaussian score's residuals look Gaussian: the Gaussian score instead")
        out = orient_by_score(
            graph, pooled, X, masks, orders=orders, model=ScoreModel.GAUSSIAN, max_seconds=max_seconds
        )
        return out, ScoreModel.GAUSSIAN
    if not additive_leads:
        logger.info(
            "a linear model does not fit the linear non-Gaussian score's DAG (column %d, corrected p %.2g) "
            "and no additive-noise expert leads the pool: no score settles the kept edges",
            node,
            p,
        )
        return graph, None
    logger.info(
        "a linear model does not fit the linear non-Gaussian score's DAG (column %d, corrected p %.2g): "
        "the additive-noise score settles the kept edges instead",
        node,
        p,
    )
    addable = score_support(beliefs) if beliefs else None
    out = orient_by_score(
        graph, pooled, X, masks, model=ScoreModel.ADDITIVE, addable=addable, max_seconds=max_seconds
    )
    return out, ScoreModel.ADDITIVE


NOISE_ALPHA = 0.05
"""Level of the normality test of each residual of the linear non-Gaussian score's DAG."""


def _mostly_non_gaussian(D: BoolMatrix, X: FloatMatrix) -> bool:
    """Whether most residuals of the linear SEM on ``D`` reject a Gaussian (D'Agostino-Pearson at
    ``NOISE_ALPHA``). Why: LiNGAM's directions come from non-Gaussian noise; where most noise terms look
    Gaussian the climb's direction evidence is chance. A table the Gaussianity check rejected by a false
    alarm (5 % of Gaussian tables), or a small one, is then settled as a Gaussian one: a linear-Gaussian
    ER table at n = 200 read as non-Gaussian went from SHD 11 to 16 under the linear non-Gaussian score."""
    from scipy import stats

    if X.shape[0] < 20:  # the normality test's kurtosis part needs 20 rows
        return False
    linear = _GaussianScore(X)
    rejected = sum(
        float(stats.normaltest(linear.residual(j, _parents(D, j))).pvalue) < NOISE_ALPHA
        for j in range(D.shape[0])
    )
    return rejected > D.shape[0] / 2


def additive_leads(weights: ExpertWeights, families: Mapping[str, Family]) -> bool:
    """Whether the expert ``weights`` weigh most on adjacency is an additive-noise (nonlinear) one
    (``families``: expert name -> family), the condition under which :func:`settle_by_score` runs the
    additive-noise model."""
    values = weights.values
    if not len(values) or not np.any(values > 0):
        return False
    return families.get(weights.names[int(np.argmax(values))]) is Family.ADDITIVE_NOISE


def score_support(beliefs: Sequence[ExpertBeliefs]) -> BoolMatrix:
    """The ordered pairs the additive-noise climb may add: adjacent in at least ``ADD_SUPPORT`` of some
    expert's graphs."""
    d = beliefs[0].n_nodes if beliefs else 0
    out = np.zeros((d, d), dtype=bool)
    for b in beliefs:
        out |= b.adjacency >= ADD_SUPPORT
    np.fill_diagonal(out, False)
    return out


def orient_by_score(
    graph: AssembledGraph,
    pooled: PooledBeliefs,
    X: npt.NDArray[np.float64],
    masks: KnowledgeMasks,
    *,
    orders: Sequence[FloatMatrix] = (),
    model: ScoreModel = ScoreModel.GAUSSIAN,
    addable: BoolMatrix | None = None,
    prune: bool = True,
    max_seconds: float | None = CLIMB_SECONDS,
) -> AssembledGraph:
    """``graph`` with its directions settled by ``model``'s score within its own skeleton and, with
    ``prune``, the edges that score rejects removed (module docstring); edges and probabilities otherwise
    as assembled, every change an assembly decision.

    ``orders``: ancestral beliefs (``P(i before j)``, e.g. each expert's and the pool's) from whose causal
    orders the climb also starts; the best-scoring climbed DAG wins, the pool's own start on ties.
    ``model``: under ``GAUSSIAN`` and ``MULTINOMIAL`` the climbed DAG's equivalence class settles the
    compelled directions; under the other two the climbed DAG settles every direction. ``ADDITIVE``
    climbs from the pool's start alone and may also add the pairs in ``addable`` (:func:`score_support`;
    knowledge permitting). :func:`settle_by_score` chooses between the linear non-Gaussian and the
    additive model."""
    d = graph.n_nodes
    if not graph.edges:
        return graph
    frozen = np.zeros((d, d), dtype=bool)
    for e in graph.edges:
        if e.type is EdgeType.DIRECTED and e.settled_by in _FROZEN:
            frozen[e.source, e.target] = True
    start = graph.directed_matrix()
    # the undirected edges enter the climb in the direction the pool leans to (knowledge and acyclicity
    # permitting), most confident first
    open_edges = sorted(
        (e for e in graph.edges if e.type is EdgeType.UNDIRECTED),
        key=lambda e: (-abs(float(pooled.orientation[e.source, e.target]) - 0.5), e.source, e.target),
    )
    for e in open_edges:
        i, j = e.source, e.target
        s, t = (i, j) if pooled.orientation[i, j] >= 0.5 else (j, i)
        if masks.forbidden[s, t] or _reaches(start, t, s):
            s, t = t, s
        start[s, t] = True
    movable = start & ~frozen & ~masks.forbidden.T & ~masks.required
    removable = np.zeros((d, d), dtype=bool)
    if prune:
        for e in graph.edges:
            i, j = e.source, e.target
            # knowledge that fixes only a direction (a tier, a forbidden reverse) says nothing of whether
            # the edge exists; a required edge and a referee's verdict do
            if e.settled_by is not SettledBy.REFEREE and not (masks.required[i, j] or masks.required[j, i]):
                removable[i, j] = removable[j, i] = True
    deadline = time.monotonic() + max_seconds if max_seconds is not None else None
    label = _LABELS[model]
    if model is ScoreModel.ADDITIVE:
        # one start (the pool's): the restarts were measured for the linear scores only
        add = np.zeros((d, d), dtype=bool) if addable is None else addable & ~masks.forbidden
        add &= ~(start | start.T)
        climbed = _climb(start, _AdditiveScore(X), movable | add, removable | add, deadline, add)
    else:
        score: _Score
        if model is ScoreModel.MULTINOMIAL:
            score = _DiscreteScore(X)
        else:
            score = _GaussianScore(X) if model is ScoreModel.GAUSSIAN else _NonGaussianScore(X)
        climbed = _climb(start, score, movable, removable & start, deadline)
        best = _dag_score(climbed, score)
        for ancestral in orders:
            other = _start_from_order(start, frozen, masks, ancestral)
            if np.array_equal(other, start):
                continue
            movable_o = other & ~frozen & ~masks.forbidden.T & ~masks.required
            candidate = _climb(other, score, movable_o, removable & other, deadline)
            value = _dag_score(candidate, score)
            if value > best + MIN_GAIN:
                climbed, best = candidate, value
    kept_pairs = climbed | climbed.T
    if model in _CLASS_ONLY:
        compelled = equivalence_class(EndpointGraph.from_dag(climbed)).directed()
    else:
        compelled = climbed

    # compelled directions and frozen edges first (they come from one DAG: no cycle), then the pool's own
    # directions on the edges the class leaves open, in order of the pool's confidence
    final = np.zeros((d, d), dtype=bool)
    placed: dict[tuple[int, int], AssembledEdge] = {}
    later: list[AssembledEdge] = []
    decisions = list(graph.decisions)
    for e in graph.edges:
        i, j = e.source, e.target
        if not kept_pairs[i, j]:
            decisions.append(
                AssemblyDecision(
                    i,
                    j,
                    AssemblyAction.DROPPED,
                    f"{label} of the kept edges' best-fitting DAG is higher without it (pooled "
                    f"adjacency {float(pooled.adjacency[i, j]):.2f})",
                )
            )
        elif frozen[i, j]:
            placed[(i, j)] = e
            final[i, j] = True
        elif compelled[i, j] or compelled[j, i]:
            s, t = (i, j) if compelled[i, j] else (j, i)
            final[s, t] = True
            if e.type is EdgeType.DIRECTED and (s, t) == (i, j):
                placed[(i, j)] = e
                continue
            a, o = float(pooled.adjacency[s, t]), float(pooled.orientation[s, t])
            placed[(s, t)] = AssembledEdge(
                s, t, EdgeType.DIRECTED, a * o, a, o, SettledBy.SCORE, float(pooled.ancestral[s, t])
            )
            action = AssemblyAction.REVERSED if e.type is EdgeType.DIRECTED else AssemblyAction.ORIENTED
            decisions.append(
                AssemblyDecision(
                    s,
                    t,
                    action,
                    (
                        f"compelled in the equivalence class of the best-fitting DAG ({label}) on the "
                        "kept edges"
                        if model in _CLASS_ONLY
                        else f"the direction of the best-fitting DAG ({label}) on the kept edges"
                    ),
                )
            )
        else:
            later.append(e)
    assembled_pairs = graph.directed_matrix() | graph.undirected_matrix()
    assembled_pairs |= assembled_pairs.T
    for s_, t_ in zip(*np.nonzero(climbed & ~assembled_pairs), strict=True):
        s, t = int(s_), int(t_)
        final[s, t] = True
        a, o = float(pooled.adjacency[s, t]), float(pooled.orientation[s, t])
        placed[(s, t)] = AssembledEdge(
            s, t, EdgeType.DIRECTED, a * o, a, o, SettledBy.SCORE, float(pooled.ancestral[s, t])
        )
        decisions.append(
            AssemblyDecision(
                s,
                t,
                AssemblyAction.ADDED,
                f"pooled adjacency {a:.2f} below the threshold, but an expert holds it in at least half of "
                f"its graphs and {label} of the kept edges' best-fitting DAG is higher with it",
            )
        )
    reach = np.eye(d, dtype=bool) | reachability(final)
    later.sort(key=lambda e: (-(e.probability if e.type is EdgeType.DIRECTED else 0.0), e.source, e.target))
    kept: list[AssembledEdge] = []
    for e in later:
        s, t = e.source, e.target
        if e.type is EdgeType.DIRECTED:
            cycle = bool(reach[t, s])
            if not cycle and not _adds_collider(final, kept_pairs, s, t):
                _add_reach(reach, s, t)
                final[s, t] = True
                kept.append(e)
                continue
            a = float(pooled.adjacency[s, t])
            lo, hi = min(s, t), max(s, t)
            decisions.append(
                AssemblyDecision(
                    s,
                    t,
                    AssemblyAction.UNDIRECTED,
                    "its equivalence class under the Gaussian score leaves the direction open, and the "
                    "pool's direction would "
                    + ("close a cycle with" if cycle else "add a collider the score rejects to")
                    + " the edges placed before it",
                )
            )
            kept.append(
                AssembledEdge(
                    lo, hi, EdgeType.UNDIRECTED, a, a, None, SettledBy.SCORE, float(pooled.ancestral[lo, hi])
                )
            )
        else:
            kept.append(e)
    edges = [*placed.values(), *kept]
    edges.sort(key=lambda e: (min(e.source, e.target), max(e.source, e.target)))
    return AssembledGraph(d, tuple(edges), tuple(decisions))


def _start_from_order(
    start: BoolMatrix, frozen: BoolMatrix, masks: KnowledgeMasks, ancestral: FloatMatrix
) -> BoolMatrix:
    """The skeleton of ``start`` oriented along the causal order that ``ancestral`` ranks (a node first
    when it is believed to come before many others), its frozen edges kept as they are and an edge turned
    where the order would break knowledge or close a cycle with them."""
    d = start.shape[0]
    rank = np.empty(d, dtype=int)
    rank[np.lexsort((np.arange(d), -ancestral.sum(axis=1)))] = np.arange(d)
    out = frozen.copy()
    pairs = (start | start.T) & ~(frozen | frozen.T)
    for i, j in zip(*np.nonzero(np.triu(pairs)), strict=True):
        s, t = (int(i), int(j)) if rank[i] < rank[j] else (int(j), int(i))
        if masks.forbidden[s, t] or _reaches(out, t, s):
            s, t = t, s
        out[s, t] = True
    return out


def _adds_collider(D: BoolMatrix, A: BoolMatrix, s: int, t: int) -> bool:
    """Whether s -> t makes an unshielded collider at t with a parent of t in D (not adjacent to s)."""
    others = D[:, t].copy()
    others[s] = False
    return bool(np.any(others & ~A[s]))
