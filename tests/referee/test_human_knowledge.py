"""The human referee (piped input and a real pseudo-terminal) and the knowledge referee."""

from __future__ import annotations

import io
import os
import pty
import select
import subprocess
import sys
import textwrap
import time

import pytest

from causal_ensemble import InputError, discover
from causal_ensemble.data import Knowledge
from causal_ensemble.pooling import Contested, Level
from causal_ensemble.referee import HumanReferee, KnowledgeReferee, make_referee

from ..conftest import chain_collider_fork
from ._fixtures import context, split_pool

CONTESTED = [Contested(0, 1, Level.ADJACENCY, 0.5, 0.5), Contested(0, 1, Level.ORIENTATION, 0.9, 0.5)]


def test_human_referee_with_piped_answers() -> None:
    pool = split_pool()
    shown = io.StringIO()
    ref = HumanReferee(stdin=io.StringIO("maybe\n2\n"), stdout=shown)
    verdicts = ref.referee(CONTESTED, context(pool, {"A": "kinase A"}))
    text = shown.getvalue()
    assert "a = A: kinase A" in text and "pc" in text and "please answer 1, 2, 3 or 4" in text
    # "B causes A": adjacency read as present (pc gains), orientation B -> A (pc, which says A -> B, loses)
    adj, orient = verdicts
    assert adj.by == "human" and adj.weights["pc"] > adj.weights["ges"]
    assert orient.contested.level is Level.ORIENTATION and orient.weights["pc"] < 0.5
    assert adj.rationale == "analyst: B causes A"
    assert ref.report().queries == 1


def test_human_referee_end_of_input_means_dont_know() -> None:
    ref = HumanReferee(stdin=io.StringIO(""), stdout=io.StringIO())
    assert ref.referee(CONTESTED, context(split_pool())) == []


SCRIPT = textwrap.dedent(
    """
    import sys
    sys.path.insert(0, {tests!r})
    from referee._fixtures import context, split_pool
    from causal_ensemble.pooling import Contested, Level
    from causal_ensemble.referee import HumanReferee
    print("tty:", sys.stdin.isatty(), flush=True)
    pool = split_pool()
    vs = HumanReferee().referee([Contested(0, 1, Level.ADJACENCY, 0.5, 0.5)], context(pool))
    print("verdict:", vs[0].by, round(vs[0].weights["ges"] / vs[0].weights["pc"], 3), flush=True)
    """
)


def _read_until(fd: int, needle: bytes, timeout: float = 60.0) -> bytes:
    buf = b""
    deadline = time.monotonic() + timeout
    while needle not in buf and time.monotonic() < deadline:
        ready, _, _ = select.select([fd], [], [], 0.5)
        if ready:
            try:
                chunk = os.read(fd, 4096)
            except OSError:
                break
            if not chunk:
                break
            buf += chunk
    return buf


@pytest.mark.skipif(sys.platform == "win32", reason="needs a POSIX pseudo-terminal")
def test_human_referee_in_a_real_pseudo_terminal() -> None:
    tests_dir = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    master, slave = pty.openpty()
    proc = subprocess.Popen(
        [sys.executable, "-c", SCRIPT.format(tests=tests_dir)], stdin=slave, stdout=slave, stderr=slave
    )
    os.close(slave)
    try:
        seen = _read_until(master, b"answer [1-4]: ")
        assert b"tty: True" in seen and b"1) A causes B" in seen
        os.write(master, b"3\n")  # no edge
        seen += _read_until(master, b"verdict:")
        seen += _read_until(master, b"\n")
        assert proc.wait(timeout=60) == 0
    finally:
        os.close(master)
        if proc.poll() is None:
            proc.kill()
    line = seen.split(b"verdict:")[1].split()
    assert line[0] == b"human" and float(line[1]) > 1.0  # "no edge": ges (no edge) outweighs pc


def test_knowledge_referee_reads_required_and_forbidden_edges() -> None:
    pool = split_pool()
    ref = KnowledgeReferee()
    req = ref.referee(CONTESTED, context(pool, knowledge=Knowledge(required=(("B", "A"),))))
    assert [v.by for v in req] == ["knowledge", "knowledge"]
    assert req[0].weights["pc"] > req[0].weights["ges"] and req[1].weights["pc"] < req[1].weights["ges"]
    both = ref.referee(CONTESTED, context(pool, knowledge=Knowledge(forbidden=(("A", "B"), ("B", "A")))))
    assert [v.contested.level for v in both] == [Level.ADJACENCY] and both[0].weights["ges"] > 1.0
    silent = ref.referee(CONTESTED, context(pool, knowledge=Knowledge(forbidden=(("A", "C"),))))
    assert silent == []


def test_knowledge_referee_needs_a_knowledge_file() -> None:
    frame, _ = chain_collider_fork(200, 1)
    with pytest.raises(InputError, match=r"^knowledge must be non-empty"):
        discover(frame, experts=["pc"], referee=make_referee("knowledge"), n_bootstrap=0)


def test_make_referee_builds_every_kind() -> None:
    assert make_referee("human").kind == "human"
    assert make_referee("knowledge").kind == "knowledge"
    with pytest.raises(InputError, match="--llm"):
        make_referee("llm", llm="gopher://x")
