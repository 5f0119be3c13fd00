"""The ``cea`` command line. User errors exit with code 2 and one line on stderr, never a traceback."""

from __future__ import annotations

import functools
import json
import logging
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from causal_ensemble._errors import CausalEnsembleError, InputError

app = typer.Typer(
    name="cea",
    help="Causal Ensemble Agent: learn a causal graph with per-edge probabilities and provenance.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
datasets_app = typer.Typer(help="Bundled benchmark datasets.", no_args_is_help=True)
app.add_typer(datasets_app, name="datasets")

err = Console(stderr=True)
out = Console()
logger = logging.getLogger("causal_ensemble")

F = TypeVar("F", bound=Callable[..., Any])


def user_errors(func: F) -> F:
    """Turn library errors into ``cea: error: ...`` and exit code 2."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except CausalEnsembleError as exc:
            if not isinstance(exc, InputError):
                raise
            msg = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
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
        str | None, typer.Option(help="Comma-separated experts (default: a panel for the data kind).")
    ] = None,
    bootstrap: Annotated[int, typer.Option(help="Bootstrap resamples per expert.")] = 20,
    referee: Annotated[
        str, typer.Option(help="Who settles contested decisions: none|stats|llm|human|knowledge.")
    ] = "none",
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
    jobs: Annotated[int, typer.Option(help="Parallel worker processes (-1: all cores).")] = 1,
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
) -> None:
    """Learn a causal graph from DATA and write graph.json, graph.dot and report.html into --out."""
    from causal_ensemble._discover import RunSettings
    from causal_ensemble._discover import discover as run_discover
    from causal_ensemble.data import load_descriptions, load_knowledge, load_table
    from causal_ensemble.experts import default_panel, make_panel
    from causal_ensemble.experts._base import data_kind
    from causal_ensemble.referee import make_referee
    from causal_ensemble.report import write_outputs

    RunSettings(bootstrap, threshold, margin, seed, jobs, time_limit)
    if scheduler is not None:
        raise InputError("--scheduler: Dask distributed execution is not available in this version")
    names = [x for x in experts.split(",") if x.strip()] if experts is not None else None
    if names is not None and not names:
        raise InputError("--experts: name at least one expert")
    panel = make_panel(names) if names is not None else None
    if llm_budget < 0:
        raise InputError(f"--llm-budget must be >= 0, got {llm_budget}")
    ref = make_referee(referee, llm=llm, llm_budget=llm_budget)
    ds = load_table(data, types=_parse_types(types), missing="drop" if drop_missing else "error")
    if descriptions is not None:
        ds = ds.with_descriptions(load_descriptions(descriptions, ds.names))
    know = load_knowledge(knowledge, ds.names) if knowledge is not None else None
    if ref.kind == "knowledge" and (know is None or know.is_empty):
        raise InputError("--referee knowledge needs a non-empty --knowledge FILE")
    for note in ds.notes:
        err.print(f"[yellow]note:[/] {note}")

    if panel is None:
        panel = default_panel(data_kind(ds.discrete_mask))
    progress = Progress(
        TextColumn("[progress.description]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err,
        disable=quiet or ref.kind == "human",  # a live bar would swallow the referee's prompts
        transient=False,
    )
    with progress:
        task = progress.add_task("experts x resamples", total=len(panel) * (bootstrap + 1))

        def on_fit(record: Any) -> None:
            progress.update(task, advance=1, description=f"experts x resamples ({record.expert})")

        result = run_discover(
            ds,
            knowledge=know,
            experts=panel,
            referee=ref,
            n_bootstrap=bootstrap,
            threshold=threshold,
            margin=margin,
            seed=seed,
            n_jobs=jobs,
            time_limit=time_limit,
            on_fit=on_fit,
        )
    paths = write_outputs(result, out_dir)
    if not quiet:
        _summary(result)
        err.print("wrote " + ", ".join(str(p) for p in paths))


def _summary(result: Any) -> None:
    table = Table(title="expert panel", title_justify="left")
    for col in ("expert", "status", "weight", "seconds", "fits ok"):
        table.add_column(col)
    for x in result.experts:
        status = x.status if x.status == "ok" else f"[red]{x.status}[/]"
        table.add_row(x.name, status, f"{x.weight:.3f}", f"{x.seconds:.1f}", f"{x.n_ok}/{x.n_fits}")
    err.print(table)
    for x in result.experts:
        if x.error:
            err.print(f"[yellow]{x.name}:[/] {x.error}")
    err.print(repr(result))


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
) -> None:
    """Metrics of a learned graph against a true graph."""
    from dataclasses import asdict

    from causal_ensemble.evaluate import load_graph_file, score_against

    pred = load_graph_file(graph_json)
    true = load_graph_file(truth)
    scores = score_against(pred, true)
    if as_json:
        out.print_json(json.dumps(asdict(scores)))
        return
    table = Table()
    table.add_column("metric")
    table.add_column("value", justify="right")
    for k, v in asdict(scores).items():
        table.add_row(k, f"{v:.3f}" if isinstance(v, float) else str(v))
    out.print(table)


def main() -> None:
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    app()
