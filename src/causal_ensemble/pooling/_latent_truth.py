"""Expert weights from latent-truth aggregation: how often each expert is right, estimated without the truth.

Dawid & Skene (1979) estimate annotators' confusion matrices from their labels alone by EM, treating the
true label of each item as latent. Here the items are the unordered pairs of variables, the labels are
{no edge, i -> j, j -> i}, and each expert's label on a pair is soft: its bagged beliefs
``(1 − a, a·o, a·(1 − o))`` with ``a`` its adjacency and ``o`` its orientation belief (an undirected or
circle edge splits its vote). The confusion matrix is tied across pairs and across the two directions,
so each expert has three numbers: its false-positive rate ``f``, its sensitivity ``s`` and its
orientation accuracy ``c`` (the share of its vote on a true edge's direction that is right; an expert that
leaves edges undirected gets 1/2, like a coin). ``f`` and ``s`` come from EM; ``c`` is reported by EM but
the weights use one EM step from the other families' directions (:func:`direction_agreement`), because
the iterated direction estimate is not stable.

Weights per level, from those numbers:

* adjacency: the F1 the expert is expected to reach, ``2πs / (2πs + (1 − π)f + π(1 − s))`` with ``π`` the
  estimated edge density (informedness ``s − f`` ignores density and so favours dense experts on sparse
  graphs), raised to ``sharpness``;
* orientation: ``max(0, 2c − 1)`` raised to ``sharpness``: an expert that points edges at random or leaves
  them undirected only pulls the pooled direction towards 1/2 (when no expert's direction is identified,
  :func:`orientation_scores` falls back to the adjacency weights).

Experts whose errors agree given the latent truth are copies (:mod:`._redundancy`): the EM is run, each
expert's residual ``label − E[label | posterior truth]`` is correlated with the others', and the EM is run
again with each expert's evidence tempered by its number of copies (a family of experts running the same
tests would otherwise define the "truth" by majority); the weights are then divided by it. Because a
majority of correlated experts defines the latent truth and so hides its own correlation, experts of one
declared algorithmic family count as copies of one another from the start. The beliefs average B
resamples, so the rule moves only as far as the beliefs do when B changes.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from causal_ensemble.pooling._redundancy import family_copies, multiplicity
from causal_ensemble.pooling._rules import PanelData, finish
from causal_ensemble.pooling._weights import ExpertWeights

FloatArray = npt.NDArray[np.float64]

CLIP = 1e-3
PRIOR = 1.0  # Beta(1, 1)-style pseudo-counts that keep a rate off 0 and 1 on small graphs


def soft_labels(data: PanelData) -> FloatArray:
    """``q[e, p, l]``: expert e's vote on pair p (upper triangle) for label l in (none, i -> j, j -> i)."""
    live = [b for b in data.beliefs if b is not None]
    d = live[0].n_nodes
    iu = np.triu_indices(d, 1)
    q = np.zeros((len(data.beliefs), len(iu[0]), 3))
    for e, b in enumerate(data.beliefs):
        if b is None:
            continue
        a = np.clip(b.adjacency[iu], 0.0, 1.0)
        o = np.clip(b.orientation[iu], 0.0, 1.0)
        q[e] = np.stack([1.0 - a, a * o, a * (1.0 - o)], axis=1)
    return q


def _confusion(f: FloatArray, s: FloatArray, c: FloatArray) -> FloatArray:
    """theta[e, z, l] = P(expert e votes l | true label z)."""
    theta = np.empty((len(f), 3, 3))
    theta[:, 0] = np.stack([1 - f, f / 2, f / 2], axis=1)
    theta[:, 1] = np.stack([1 - s, s * c, s * (1 - c)], axis=1)
    theta[:, 2] = np.stack([1 - s, s * (1 - c), s * c], axis=1)
    return np.clip(theta, CLIP, 1.0)


def dawid_skene(
    q: FloatArray, temper: FloatArray, *, iterations: int = 200, tol: float = 1e-7
) -> tuple[FloatArray, FloatArray, FloatArray, float, FloatArray]:
    """EM for the tied confusion model; returns (f, s, c, pi, posterior[p, z]).

    Started from the tempered average vote (a uniform pool), which fixes the labelling: EM for mixtures
    is only identified up to label switching, and starting from the panel's majority keeps "edge" meaning
    edge. ``temper[e]`` (1 / copies) scales expert e's log-likelihood.
    """
    w = temper / temper.sum()
    T = np.einsum("e,epl->pl", w, q)
    T = T / T.sum(axis=1, keepdims=True)
    f = s = c = np.zeros(q.shape[0])
    pi = 0.5
    for _ in range(iterations):
        edge = T[:, 1] + T[:, 2]
        adj = q[:, :, 1] + q[:, :, 2]
        f = (adj @ T[:, 0] + PRIOR * 0.1) / (T[:, 0].sum() + PRIOR)
        s = (adj @ edge + PRIOR * 0.5) / (edge.sum() + PRIOR)
        right = q[:, :, 1] @ T[:, 1] + q[:, :, 2] @ T[:, 2]
        c = (right + PRIOR * 0.5) / (adj @ edge + PRIOR)
        f, s, c = (np.clip(x, CLIP, 1 - CLIP) for x in (f, s, c))
        pi = float(np.clip((edge.sum() + PRIOR * 0.1) / (len(edge) + PRIOR), CLIP, 1 - CLIP))
        theta = _confusion(f, s, c)
        prior = np.log(np.array([1 - pi, pi / 2, pi / 2]))
        # log P(votes of pair p | z) = sum_e temper_e sum_l q[e, p, l] log theta[e, z, l]
        ll = np.einsum("e,epl,ezl->pz", temper, q, np.log(theta)) + prior
        ll -= ll.max(axis=1, keepdims=True)
        new = np.exp(ll)
        new /= new.sum(axis=1, keepdims=True)
        done = float(np.abs(new - T).max()) < tol
        T = new
        if done:
            break
    return f, s, c, pi, T


def direction_agreement(
    q: FloatArray, edge: FloatArray, families: list[str], temper: FloatArray
) -> FloatArray:
    """Per expert, how often its direction votes agree with the other families' pooled direction, on the
    pairs the latent truth calls edges: ``(1 + Σ_p E_p a_ep (2o_ep − 1)(2ō_ep − 1) / (Σ_p E_p a_ep + 1)) / 2``
    (the pseudo-count keeps an expert that sees almost none of the edges at 1/2 instead of at the sign of a
    ratio of two tiny numbers).

    This is one Dawid-Skene step for the orientation part (from the others' vote, not iterated): iterating
    EM on directions has several fixed points whenever the experts' directions conflict (one family's
    directions, another's, or both equally likely), and which one EM reaches flips with small changes in
    the beliefs, so the weights jumped when B changed. One step is a smooth function of the beliefs. The
    expert's own family is left out of its reference, so a family cannot confirm itself.
    """
    a = q[:, :, 1] + q[:, :, 2]
    o = np.divide(q[:, :, 1], a, out=np.full(a.shape, 0.5), where=a > 1e-12)
    k = q.shape[0]
    c = np.full(k, 0.5)
    for e in range(k):
        others = np.array([f != families[e] for f in families])
        if not others.any():
            continue
        wa = temper[others, None] * a[others]
        den = wa.sum(axis=0)
        ref = np.divide((wa * o[others]).sum(axis=0), den, out=np.full(den.shape, 0.5), where=den > 1e-12)
        mass = edge * a[e]
        c[e] = 0.5 * (1.0 + float(np.sum(mass * (2 * o[e] - 1) * (2 * ref - 1))) / (mass.sum() + PRIOR))
    return c


IDENTIFIED = 0.2
"""Orientation signal ``2c − 1`` of the best expert from which the latent directions count as identified."""


def orientation_scores(c: FloatArray, adjacency: FloatArray, sharpness: float) -> FloatArray:
    """``max(0, 2c − 1)^sharpness``, blended towards the adjacency scores as the best signal falls below
    ``IDENTIFIED``: when the experts' directions conflict with no majority, EM settles on a latent truth
    with both directions equally likely, every ``c`` is 1/2, and the orientation scores would be ratios of
    rounding errors. The blend is continuous, so a small change in the beliefs moves the weights little."""
    signal = np.clip(2 * c - 1, 0.0, None)
    lam = float(np.clip(signal.max() / IDENTIFIED, 0.0, 1.0)) if signal.size else 0.0
    raw = signal**sharpness
    a = adjacency / adjacency.sum() if adjacency.sum() > 0 else np.full(len(c), 1.0 / max(len(c), 1))
    o = raw / raw.sum() if raw.sum() > 0 else a
    return np.asarray(lam * o + (1.0 - lam) * a, dtype=np.float64)


class LatentTruthRule:
    """Weights from Dawid-Skene confusion matrices of the experts' bagged graphs (module docstring)."""

    def __init__(
        self, sharpness: float = 2.0, redundancy: bool = True, orientation_sharpness: float | None = None
    ) -> None:
        self.sharpness = sharpness
        self.redundancy = redundancy
        self.orientation_sharpness = sharpness if orientation_sharpness is None else orientation_sharpness

    @property
    def name(self) -> str:
        return (
            f"latent truth (Dawid-Skene over pairs): expected F1^{self.sharpness:g}, "
            f"direction agreement^{self.orientation_sharpness:g}"
        )

    def weights(self, data: PanelData) -> ExpertWeights:
        alive = data.alive
        k = len(alive)
        if not alive.any():
            return finish(data, np.zeros(k), None, self.name)
        q = soft_labels(data)
        live = np.flatnonzero(alive)
        ql = q[live]
        fam = family_copies(data.families, alive)[live] if self.redundancy else np.ones(len(live))
        f, s, c, pi, T = dawid_skene(ql, 1.0 / fam)
        copies = np.ones(k)
        if self.redundancy and len(live) > 1:
            theta = _confusion(f, s, c)
            expected = np.einsum("pz,ezl->epl", T, theta)
            resid = (ql - expected).reshape(len(live), -1)
            m = np.maximum(fam, multiplicity(resid, np.ones(len(live), dtype=bool)))
            f, s, c, pi, T = dawid_skene(ql, 1.0 / m)
            copies[live] = m
        c = direction_agreement(ql, T[:, 1] + T[:, 2], [data.families[e] for e in live], 1.0 / copies[live])
        tp, fp, fn = pi * s, (1 - pi) * f, pi * (1 - s)
        f1 = 2 * tp / (2 * tp + fp + fn)
        adj = np.zeros(k)
        orient = np.zeros(k)
        adj[live] = f1**self.sharpness
        orient[live] = orientation_scores(c, adj[live], self.orientation_sharpness)
        ev: dict[str, FloatArray] = {
            name: np.zeros(k) for name in ("false_positive_rate", "sensitivity", "orientation_accuracy")
        }
        ev["false_positive_rate"][live] = f
        ev["sensitivity"][live] = s
        ev["orientation_accuracy"][live] = c
        ev["expected_f1"] = np.zeros(k)
        ev["expected_f1"][live] = f1
        return finish(data, adj, orient, self.name, copies=copies, evidence=ev)
