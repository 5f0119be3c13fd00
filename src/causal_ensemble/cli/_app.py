"""The ``cea`` command line. User errors exit with code 2 and one line on stderr, never a traceback."""

from __future__ import annotations

import time

# --budget is the command's: what importing the command line's libraries takes (about 3 s: the referees,
# scikit-learn, pandas) counts, since its user waits for it too. Measured across this module's imports, which
# therefore come after this line.
_IMPORT_BEGAN = time.perf_counter()

import dataclasses
import functools
import json
import logging
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table
from typer.core import TyperGroup

from causal_ensemble._errors import CausalEnsembleError, InputError, ParameterError
from causal_ensemble.beliefs import OrientationScope
from causal_ensemble.benchmarks import SuiteName
from causal_ensemble.referee import RefereeKind
from causal_ensemble.report import ExportFormat

_IMPORT_SECONDS = time.perf_counter() - _IMPORT_BEGAN

# Typer may vendor its own click; take its usage-error class from the public BadParameter it raises.
_UsageError: type[Exception] = next(c for c in typer.BadParameter.__mro__ if c.__name__ == "UsageError")


class _OneLineErrors(TyperGroup):
    """Usage errors (an unknown flag, a bad choice) in the same one-line form as the library's errors.

    Click would print a usage block and a boxed message; scripts that read stderr, and users, get one
    line naming the option instead, with exit code 2. ``--help`` and a bare ``cea`` still print help.
    """

    def main(  # type: ignore[override]
        self,
        args: Sequence[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        **extra: Any,
    ) -> Any:
        try:
            rv = super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
        except _UsageError as exc:
            ctx = getattr(exc, "ctx", None)
            if type(exc).__name__ == "NoArgsIsHelpError" and ctx is not None:
                print(ctx.get_help(), file=sys.stderr)
            else:
                message = " ".join(exc.format_message().split())  # type: ignore[attr-defined]
                print(f"cea: error: {message}", file=sys.stderr)
            code: int = 2
        except typer.Abort:
            print("cea: aborted", file=sys.stderr)
            code = 1
        else:
            code = rv if isinstance(rv, int) else 0
        if standalone_mode:
            sys.exit(code)
        return code


app = typer.Typer(
    cls=_OneLineErrors,
    name="cea",
    help="Causal Ensemble Agent: learn a causal graph with per-edge probabilities and provenance.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
datasets_app = typer.Typer(help="Bundled benchmark datasets.", no_args_is_help=True)
app.add_typer(datasets_app, name="datasets")
experts_app = typer.Typer(help="The causal-discovery experts an ensemble can use.", no_args_is_help=True)
app.add_typer(experts_app, name="experts")

err = Console(stderr=True)
out = Console()
logger = logging.getLogger("causal_ensemble")

F = TypeVar("F", bound=Callable[..., Any])


# The library names its parameters; the command line names its flags.
FLAGS = {
    "n_bootstrap": "--bootstrap",
    "n_jobs": "--jobs",
    "time_limit": "--time-limit",
    "memory_limit": "--memory-limit",
    "llm_budget": "--llm-budget",
}


def _message(exc: InputError) -> str:
    if isinstance(exc, ParameterError):
        flag = FLAGS.get(exc.parameter, "--" + exc.parameter.replace("_", "-"))
        return f"{flag} {exc.problem}".splitlines()[0]
    return str(exc).splitlines()[0] if str(exc) else type(exc).__name__


def user_errors(func: F) -> F:
    """Turn library errors into ``cea: error: ...`` and exit code 2."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except CausalEnsembleError as exc:
            if not isinstance(exc, InputError):
                raise
            msg = _message(exc)
            print(f"cea: error: {msg}", file=sys.stderr)
            raise typer.Exit(code=2) from None

    return wrapper  # type: ignore[return-value]


def _parse_types(spec: str | None) -> dict[str, str] | None:
    if not spec:
        return None
    types: dict[str, str] = {}
    for item in spec.split(","):
        name, sep, kind = item.rpartition("=")
        if not sep or not name.strip():
            raise InputError(f"--types: expected NAME=continuous|discrete, got {item!r}")
        types[name.strip()] = kind.strip()
    return types


@app.command()
@user_errors
def discover(
    data: Annotated[Path, typer.Argument(help="CSV or Parquet table, one column per variable.")],
    out_dir: Annotated[Path, typer.Option("--out", help="Directory for graph.json, graph.dot, report.html.")],
    descriptions: Annotated[
        Path | None,
        typer.Option(help="Variable descriptions: JSON/YAML name->text, or CSV name,description."),
    ] = None,
    knowledge: Annotated[
        Path | None, typer.Option(help="Background knowledge YAML/JSON: tiers, required, forbidden.")
    ] = None,
    experts: Annotated[
        str | None,
        typer.Option(
            help="Comma-separated experts (default: a panel for the data kind; see `cea experts list`)."
        ),
    ] = None,
    bootstrap: Annotated[
        int | None,
        typer.Option(help="Resamples per expert (default: up to 10 within --budget; fewer for wide tables)."),
    ] = None,
    referee: Annotated[
        RefereeKind,
        typer.Option(
            help="Who settles contested decisions; auto: the embedded LLM where its model is installed, "
            "else stats.",
            case_sensitive=False,
        ),
    ] = RefereeKind.AUTO,
    llm: Annotated[
        str | None,
        typer.Option(help="LLM spec for --referee llm (local, openai:MODEL, http://host/v1#MODEL)."),
    ] = None,
    llm_budget: Annotated[
        int, typer.Option(help="Most model calls the LLM referee may make in this run (cache hits are free).")
    ] = 200,
    margin: Annotated[
        float, typer.Option(help="Band around the threshold within which a decision is contested.")
    ] = 0.1,
    threshold: Annotated[float, typer.Option(help="Pooled adjacency belief needed to keep an edge.")] = 0.5,
    seed: Annotated[
        int, typer.Option(help="Seed of resamples and experts: same seed and data, same graph.")
    ] = 0,
    jobs: Annotated[int, typer.Option(help="Parallel worker processes (-1: all cores).")] = -1,
    scheduler: Annotated[str | None, typer.Option(help="Dask distributed scheduler address.")] = None,
    time_limit: Annotated[
        float, typer.Option(help="Seconds one expert fit may take before it is cut off.")
    ] = 300.0,
    types: Annotated[
        str | None, typer.Option(help="Override detected column types: NAME=discrete,NAME=continuous.")
    ] = None,
    drop_missing: Annotated[
        bool, typer.Option(help="Drop rows with missing values instead of failing.")
    ] = False,
    quiet: Annotated[bool, typer.Option(help="No progress bar or summary.")] = False,
    cache_dir: Annotated[
        Path | None,
        typer.Option(help="Directory of the expert-fit cache (default: $CEA_CACHE_DIR or the user cache)."),
    ] = None,
    no_cache: Annotated[
        bool, typer.Option("--no-cache", help="Neither read nor write the fit cache.")
    ] = False,
    memory_limit: Annotated[
        float | None, typer.Option(help="Megabytes one expert fit may allocate before it is stopped.")
    ] = None,
    budget: Annotated[
        float,
        typer.Option(
            help="Seconds the run may take with the default resamples (0: no budget); --bootstrap B "
            "fits exactly B whatever the budget."
        ),
    ] = 120.0,
    orientations: Annotated[
        OrientationScope,
        typer.Option(
            help="How far experts' orientations are believed: cpdag reads each expert's DAG as its "
            "equivalence class, dag as drawn, auto chooses cpdag when the table looks jointly Gaussian.",
            case_sensitive=False,
        ),
    ] = OrientationScope.AUTO,
) -> None:
    """Learn a causal graph from DATA and write graph.json, graph.dot and report.html into --out."""
    # --budget is the command's: this module's imports (above), the pipeline's and the table's count
    started = time.perf_counter() - _IMPORT_SECONDS
    from causal_ensemble._pipeline import Ensemble
    from causal_ensemble.data import load_descriptions, load_knowledge, load_table
    from causal_ensemble.experts import FitCache, default_cache_dir
    from causal_ensemble.report import write_outputs

    if cache_dir is not None and cache_dir.exists() and not cache_dir.is_dir():
        raise InputError(f"--cache-dir {cache_dir}: exists and is not a directory")
    fit_cache = None if no_cache else FitCache(cache_dir if cache_dir is not None else default_cache_dir())
    names = [x.strip() for x in experts.split(",") if x.strip()] if experts is not None else None
    ensemble = Ensemble(
        names,
        referee=referee,
        llm=llm,
        llm_budget=llm_budget,
        n_bootstrap=bootstrap,
        threshold=threshold,
        margin=margin,
        seed=seed,
        n_jobs=jobs,
        time_limit=time_limit,
        memory_limit=memory_limit,
        scheduler=scheduler,
        cache=fit_cache if fit_cache is not None else False,
        budget=None if budget == 0 else budget,
        orientations=orientations,
    )
    ensemble._check_params()  # every flag checked before the data is read
    ds = load_table(data, types=_parse_types(types), missing="drop" if drop_missing else "error")
    if descriptions is not None:
        ds = ds.with_descriptions(load_descriptions(descriptions, ds.names))
    know = load_knowledge(knowledge, ds.names) if knowledge is not None else None
    ref, ref_notes = ensemble.make_referee(know, ds)
    plan = ensemble.plan(ds)
    for note in plan.notes:
        err.print(f"[yellow]note:[/] {escape(note)}")  # notes quote column names: never markup
    progress = Progress(
        TextColumn("[progress.description]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err,
        disable=quiet or ref.kind == RefereeKind.HUMAN,  # a live bar would swallow the referee's prompts
        transient=False,
    )
    try:
        with progress:
            task = progress.add_task("experts x resamples", total=plan.n_fits)

            def on_fit(record: Any) -> None:
                progress.update(task, advance=1, description=f"experts x resamples ({record.expert})")

            panel_fit = ensemble.fit_panel(ds, knowledge=know, on_fit=on_fit, started=started)
        result = ensemble.decide(panel_fit, ref, variables=ds, notes=ref_notes)
    except KeyboardInterrupt:
        resume = (
            f"the finished fits are in the fit cache {fit_cache.root}: run the same command again to resume"
            if fit_cache is not None
            else "nothing was cached (--no-cache)"
        )
        print(f"cea: interrupted; nothing was written to {out_dir}; {resume}", file=sys.stderr)
        raise typer.Exit(code=130) from None
    paths = write_outputs(result, out_dir)
    if not quiet:
        _summary(result)
        if fit_cache is not None:
            reuse = f"{fit_cache.hits} fits reused, {fit_cache.misses} computed"
            err.print(escape(f"fit cache {fit_cache.root}: {reuse}"))
        err.print(escape("wrote " + ", ".join(str(p) for p in paths)))


def _summary(result: Any) -> None:
    table = Table(title="expert panel", title_justify="left")
    for col in ("expert", "status", "weight", "seconds", "fits ok"):
        table.add_column(col)
    for x in result.experts:
        status = x.status if x.status == "ok" else f"[red]{x.status}[/]"
        table.add_row(escape(x.name), status, f"{x.weight:.3f}", f"{x.seconds:.1f}", f"{x.n_ok}/{x.n_fits}")
    err.print(table)
    for x in result.experts:
        if x.error:
            err.print(f"[yellow]{escape(x.name)}:[/] {escape(x.error)}")
    err.print(escape(repr(result)))


@experts_app.command("list")
@user_errors
def experts_list() -> None:
    """Every expert: its family, the data kinds it takes, and the assumptions it makes."""
    from causal_ensemble.experts import describe_experts

    table = Table()
    table.add_column("expert", no_wrap=True)
    table.add_column("family", no_wrap=True)
    table.add_column("data", no_wrap=True)
    table.add_column("assumptions", overflow="fold")
    for info in describe_experts():
        table.add_row(
            info.name,
            str(info.family),
            ", ".join(str(k) for k in info.data_kinds),
            "; ".join(info.assumptions),
        )
    out.print(table)


@datasets_app.command("list")
@user_errors
def datasets_list() -> None:
    """List the bundled and generated benchmark datasets."""
    from causal_ensemble.data.datasets import list_datasets

    table = Table()
    table.add_column("name", no_wrap=True)
    table.add_column("kind", no_wrap=True)
    table.add_column("rows", no_wrap=True, justify="right")
    table.add_column("summary", overflow="fold")
    for info in list_datasets():
        table.add_row(
            info.name, info.kind, "" if info.n_default is None else str(info.n_default), info.summary
        )
    out.print(table)


@datasets_app.command("export")
@user_errors
def datasets_export(
    name: Annotated[str, typer.Argument(help="Dataset name (see `cea datasets list`).")],
    out_dir: Annotated[
        Path, typer.Option("--out", help="Directory to write data.csv, descriptions.json, truth.csv.")
    ],
    n: Annotated[int | None, typer.Option(help="Rows to sample (default: the dataset's own).")] = None,
    seed: Annotated[int, typer.Option(help="Sampling seed.")] = 0,
    raw: Annotated[bool, typer.Option(help="Synthetic data: do not standardise columns.")] = False,
) -> None:
    """Write a dataset as data.csv, descriptions.json and truth.csv (where the truth is known)."""
    from causal_ensemble.data.datasets import export_dataset, load_dataset

    if n is not None and n < 1:
        raise InputError(f"--n must be >= 1, got {n}")
    data = load_dataset(name, n=n, seed=seed, standardize=not raw)
    for p in export_dataset(data, out_dir):
        out.print(str(p))


@app.command()
@user_errors
def evaluate(
    graph_json: Annotated[Path, typer.Argument(help="A graph.json written by `cea discover`.")],
    truth: Annotated[Path, typer.Option(help="True graph: graph.json, DOT file, or CSV source,target.")],
    as_json: Annotated[bool, typer.Option("--json", help="Machine-readable output.")] = False,
    report: Annotated[
        Path | None, typer.Option(help="Also write the HTML report with the truth overlaid to this file.")
    ] = None,
) -> None:
    """Metrics of a learned graph against a true graph."""
    import math
    from dataclasses import asdict

    from causal_ensemble.evaluate import evaluate_graph, load_graph_file

    pred = load_graph_file(graph_json)
    true = load_graph_file(truth)
    if report is not None:
        _write_truth_report(graph_json, true, truth, report)
    scores = evaluate_graph(pred, true)
    values = {k: (None if isinstance(v, float) and math.isnan(v) else v) for k, v in asdict(scores).items()}
    if as_json:
        out.print_json(json.dumps(values))
        return
    table = Table()
    table.add_column("metric")
    table.add_column("value", justify="right")
    for k, v in values.items():
        table.add_row(k, "n/a" if v is None else f"{v:.3f}" if isinstance(v, float) else str(v))
    out.print(table)


def _write_truth_report(graph_json: Path, true: Any, truth_path: Path, report: Path) -> None:
    """``cea evaluate --report``: the run's report with the truth overlaid (kept apart from the metrics)."""
    from causal_ensemble.report import TruthOverlay, read_result, render_report, write_text_atomic

    overlay = TruthOverlay(
        tuple(true.nodes), frozenset(true.directed), frozenset(true.undirected), str(truth_path)
    )
    html = render_report(read_result(graph_json), truth=overlay)
    write_text_atomic(report, html, option="--report")
    err.print(f"wrote {report}")


@app.command("report")
@user_errors
def report_cmd(
    graph_json: Annotated[Path, typer.Argument(help="A graph.json written by `cea discover`.")],
    out_file: Annotated[
        Path | None,
        typer.Option("--out", help="HTML file or directory (default: report.html beside GRAPH_JSON)."),
    ] = None,
) -> None:
    """Rebuild report.html from a graph.json (one self-contained file that works offline)."""
    from causal_ensemble.report import read_result, render_report, write_text_atomic

    target = out_file if out_file is not None else graph_json.with_name("report.html")
    if target.is_dir():
        target = target / "report.html"
    write_text_atomic(target, render_report(read_result(graph_json)))
    err.print(f"wrote {target}")


@app.command("export")
@user_errors
def export_cmd(
    graph_json: Annotated[Path, typer.Argument(help="A graph.json written by `cea discover`.")],
    fmt: Annotated[
        ExportFormat, typer.Option("--format", help="csv is the adjacency matrix.", case_sensitive=False)
    ],
    out_file: Annotated[
        Path | None, typer.Option("--out", help="File to write (default: print to stdout).")
    ] = None,
) -> None:
    """Export a result as DOT, GraphML, JSON or an adjacency-matrix CSV."""
    from causal_ensemble.report import export_text, read_result, write_text_atomic

    text = export_text(read_result(graph_json), fmt)
    if out_file is None:
        sys.stdout.write(text)
    else:
        write_text_atomic(out_file, text)
        err.print(f"wrote {out_file}")


@app.command()
@user_errors
def benchmark(
    suite: Annotated[
        SuiteName,
        typer.Option(
            help="quick (CI), standard (the README table), full, scale (wall time and memory vs d).",
            case_sensitive=False,
        ),
    ] = SuiteName.QUICK,
    out_dir: Annotated[
        Path | None, typer.Option("--out", help="Results folder (default: results/benchmark-SUITE).")
    ] = None,
    methods: Annotated[
        str | None,
        typer.Option(
            help="Comma-separated methods: single,vote,bagged,cea-none,cea-stats,cea-llm,... (all)."
        ),
    ] = None,
    datasets: Annotated[
        str | None, typer.Option(help="Comma-separated datasets of the suite (default: all of them).")
    ] = None,
    seeds: Annotated[
        int | None, typer.Option(help="Seeds per synthetic dataset (default: the suite's).")
    ] = None,
    jobs: Annotated[int, typer.Option(help="Parallel worker processes for expert fits (-1: all cores).")] = 1,
    llm: Annotated[
        str | None, typer.Option(help="LLM spec for the LLM methods (as for discover --llm).")
    ] = None,
    quiet: Annotated[bool, typer.Option(help="No progress bar.")] = False,
    fit_cache: Annotated[
        Path | None,
        typer.Option(
            "--fit-cache",
            help="Keep every expert fit in this folder: a rerun into a new --out refits nothing.",
        ),
    ] = None,
    bootstrap: Annotated[
        int | None,
        typer.Option(
            help="Resamples per expert instead of the suite's (its results are kept apart from the "
            "suite's own in the cache; with --fit-cache the first B of a larger B are reused)."
        ),
    ] = None,
    budgeted: Annotated[
        bool,
        typer.Option(
            help="Resample as a default `cea discover` does (B planned for d, within the default "
            "budget, early stopping) instead of a fixed B."
        ),
    ] = False,
) -> None:
    """Run a benchmark suite (resumable) and write runs.csv, results.md, plots and report.html."""
    from causal_ensemble.benchmarks import get_suite, parse_methods, plan_cells, run_benchmark, write_results
    from causal_ensemble.benchmarks._harness import Cell

    if suite is SuiteName.SCALE:
        _scale_suite(out_dir, datasets)
        return
    spec = get_suite(suite)
    if bootstrap is not None:
        if bootstrap < 0:
            raise InputError(f"--bootstrap must be >= 0, got {bootstrap}")
        if budgeted:
            raise InputError("--bootstrap and --budgeted exclude each other")
        spec = dataclasses.replace(spec, n_bootstrap=bootstrap)
    if budgeted:
        spec = dataclasses.replace(spec, n_bootstrap=None)
    oracle = _benchmark_oracle(llm)
    method_list = methods.split(",") if methods is not None else None
    dataset_list = datasets.split(",") if datasets is not None else None
    # Validate every option before the progress bar starts, so an error is the only line on stderr.
    plan_cells(spec, parse_methods(method_list), datasets=dataset_list, n_seeds=seeds, oracle=oracle)
    if jobs == 0 or jobs < -1:
        raise InputError(f"--jobs must be a positive number or -1 (all cores), got {jobs}")
    folder = out_dir if out_dir is not None else Path("results") / f"benchmark-{spec.name}"
    progress = Progress(
        TextColumn("[progress.description]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err,
        disable=quiet,
    )
    with progress:
        task = progress.add_task(f"benchmark {spec.name}", total=None)

        def on_cell(cell: Cell, done: int, total: int, reused: bool) -> None:
            what = "cached" if reused else "done"
            progress.update(task, completed=done, total=total, description=f"{cell.label} ({what})")

        results = run_benchmark(
            spec,
            folder,
            methods=method_list,
            datasets=dataset_list,
            n_seeds=seeds,
            n_jobs=jobs,
            oracle=oracle,
            progress=on_cell,
            fit_cache=fit_cache,
        )
    paths = write_results(results)
    if not quiet:
        err.print(f"{results.computed} cells computed, {results.reused} read from the cache")
        err.print("wrote " + ", ".join(str(p) for p in paths))


def _scale_suite(out_dir: Path | None, datasets: str | None) -> None:
    """``--suite scale``: the whole ensemble per d, locally and on a 2-worker LocalCluster."""
    from causal_ensemble.benchmarks._scale import format_table, scale_benchmark

    try:
        ds = [int(x) for x in datasets.split(",")] if datasets else [10, 20, 50, 100, 200]
    except ValueError:
        raise InputError(f"--datasets: scale takes dimensions such as 10,20,50; got {datasets!r}") from None
    if any(d < 2 for d in ds):
        raise InputError(f"--datasets: every dimension must be >= 2; got {datasets!r}")
    logging.getLogger("causal_ensemble.benchmarks").setLevel(logging.INFO)
    table = format_table(scale_benchmark(ds, n=2000, cores=2, backends=("local", "dask"), timeout_s=3600))
    folder = out_dir if out_dir is not None else Path("results") / "benchmark-scale"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "scale.md").write_text(table + "\n", encoding="utf-8")
    out.print(table)
    err.print(f"wrote {folder / 'scale.md'}")


def _benchmark_oracle(spec: str | None) -> Any:
    """The LLM methods' model: the same ``--llm`` specs, backends and answer cache as ``--referee llm``."""
    if spec is None:
        return None
    from causal_ensemble.benchmarks._llm import LLMOracle

    return LLMOracle.from_spec(spec)


def main() -> None:
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    app()
