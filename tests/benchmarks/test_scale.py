"""The scale suite runs the whole ensemble in a fresh process and reports its cost (docs/benchmarks.md)."""

from __future__ import annotations

import math

from typer.testing import CliRunner

from causal_ensemble.benchmarks._scale import ScaleRow, format_table, scale_benchmark
from causal_ensemble.cli._app import app


def test_scale_benchmark_measures_a_real_run() -> None:
    rows = scale_benchmark((4,), n=200, cores=1, backends=("local",), n_bootstrap=1, timeout_s=600)
    assert len(rows) == 1
    row = rows[0]
    assert (row.d, row.n, row.backend, row.n_bootstrap) == (4, 200, "local", 1)
    assert len(row.experts) >= 5  # the default continuous panel at d = 4
    assert row.wall_s > 0 and row.fit_s > 0 and row.peak_mb > 0
    assert math.isfinite(row.ratio)
    # the wall time split by stage: experts, weights, referee, and the rest (assembly, result)
    assert 0 < row.panel_s < row.wall_s and row.pooling_s > 0 and row.referee_s >= 0 and row.referee
    assert row.panel_s + row.pooling_s + row.referee_s <= row.wall_s
    table = format_table(rows)
    assert table.splitlines()[2].startswith("| 4 | local |")


def test_format_table_reports_failed_experts() -> None:
    row = ScaleRow(10, 2000, "dask", 2, ("pc", "ges"), 5, 12.0, 20.0, 300.0, ("ges: timeout",))
    assert row.ideal_s == 10.0 and row.ratio == 1.2
    assert "ges: timeout" in format_table([row])


def test_scale_suite_rejects_bad_dimensions() -> None:
    res = CliRunner().invoke(app, ["benchmark", "--suite", "scale", "--datasets", "ten"])
    assert res.exit_code == 2
    assert "--datasets" in res.output
