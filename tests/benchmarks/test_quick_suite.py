"""`cea benchmark --suite quick` end to end (the CI run), and resuming it recomputes nothing."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from typer.testing import CliRunner

from causal_ensemble.benchmarks import get_suite, run_benchmark
from causal_ensemble.cli import app

runner = CliRunner()


@pytest.fixture(scope="module")
def quick_out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("bench") / "quick"
    res = runner.invoke(app, ["benchmark", "--suite", "quick", "--out", str(out), "--jobs", "1"])
    assert res.exit_code == 0, res.stderr
    assert "8 cells computed, 0 read from the cache" in res.stderr
    return out


def _expected_methods(discrete: bool) -> set[str]:
    suite = get_suite("quick")
    experts = suite.discrete_experts if discrete else suite.continuous_experts
    assert experts is not None  # the quick suite names its panels
    return {*experts, *(f"bagged-{e}" for e in experts), "vote", "cea-none", "cea-stats"}


def test_table_has_every_method_and_dataset(quick_out: Path) -> None:
    md = (quick_out / "results.md").read_text(encoding="utf-8")
    table = [line.split(" | ") for line in md.splitlines() if line.startswith("| ") and "@n" in line]
    seen: dict[str, set[str]] = {}
    for cells in table:
        if len(cells) > 3:
            seen.setdefault(cells[0].lstrip("| "), set()).add(cells[1])
    labels = {s.label for s in get_suite("quick").datasets}
    assert labels <= set(seen)
    for label in labels:
        assert _expected_methods(label.startswith("bn-")) <= seen[label], label
    with (quick_out / "runs.csv").open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert {"directed_f1", "shd", "aid", "brier", "seconds", "varsortability"} <= set(rows[0])
    assert all(r["status"] == "ok" for r in rows)
    # synthetic data are standardised, so the variances no longer sort the causal order
    vs = [float(r["varsortability"]) for r in rows if r["dataset"].startswith("synth-")]
    assert all(abs(v - 0.5) < 0.1 for v in vs)


def test_report_is_self_contained(quick_out: Path) -> None:
    page = (quick_out / "report.html").read_text(encoding="utf-8")
    assert page.count("<svg") == 3
    assert "<script" not in page and "src=" not in page and 'href="http' not in page
    assert {p.name for p in (quick_out / "plots").iterdir()} == {"directed_f1.svg", "shd.svg", "runtime.svg"}


def test_resume_recomputes_nothing(quick_out: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import causal_ensemble.benchmarks._harness as harness

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("a cached cell was recomputed")

    monkeypatch.setattr(harness, "_run_cell", refuse)
    before = (quick_out / "runs.csv").read_text(encoding="utf-8")
    res = run_benchmark(get_suite("quick"), quick_out)
    assert res.computed == 0 and res.reused == 8
    again = runner.invoke(app, ["benchmark", "--suite", "quick", "--out", str(quick_out)])
    assert again.exit_code == 0, again.stderr
    assert (quick_out / "runs.csv").read_text(encoding="utf-8") == before


def test_bad_options_exit_2(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import causal_ensemble.llm._weights as weights
    from causal_ensemble.llm import ModelNotInstalledError

    def absent() -> list[Path]:
        raise ModelNotInstalledError(weights.INSTALL_HINT)

    monkeypatch.setenv("CEA_MODEL_DIR", str(tmp_path / "models"))
    monkeypatch.setattr(weights, "_part_paths", absent)
    for args, word in (
        (["--suite", "huge"], "--suite"),
        (["--datasets", "nope"], "--datasets"),
        (["--methods", "magic"], "--methods"),
        (["--llm", "no-such-backend:x"], "--llm"),
        (["--llm", "local"], "--llm"),
        (["--bootstrap", "-1"], "--bootstrap"),
        (["--bootstrap", "3", "--budgeted"], "--budgeted"),
    ):
        res = runner.invoke(app, ["benchmark", "--out", str(tmp_path / "x"), *args])
        assert res.exit_code == 2, (args, res.stderr)
        assert word in res.stderr and len(res.stderr.strip().splitlines()) == 1


def test_another_bootstrap_is_another_result(tmp_path: Path) -> None:
    """--bootstrap overrides the suite's B, and its cells are not confused with the suite's own."""
    base = ["benchmark", "--suite", "quick", "--out", str(tmp_path / "b"), "--datasets", "bn-asia"]
    base += ["--methods", "cea-none", "--quiet"]
    assert runner.invoke(app, [*base, "--bootstrap", "1"]).exit_code == 0
    again = runner.invoke(app, [*base, "--bootstrap", "1"])
    assert again.exit_code == 0
    other = runner.invoke(app, [*base, "--bootstrap", "2"])
    assert other.exit_code == 0
    # quiet runs print nothing; the cache files say what was computed: one cell per B
    cached = sorted((tmp_path / "b" / "cache").glob("*.json"))
    assert len(cached) == 2


def test_a_budgeted_run_resamples_as_discover_does(tmp_path: Path) -> None:
    out = tmp_path / "budgeted"
    args = ["benchmark", "--suite", "quick", "--out", str(out), "--datasets", "bn-asia"]
    res = runner.invoke(app, [*args, "--methods", "cea-none", "--budgeted"])
    assert res.exit_code == 0, res.stderr
    assert "planned within the default budget" in (out / "results.md").read_text()
