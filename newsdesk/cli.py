"""The newsdesk command line: ingest, stats, ask, eval, ui."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from newsdesk.errors import NewsdeskError

app = typer.Typer(add_completion=False, no_args_is_help=True, help="Question answering over news articles.")
console = Console(stderr=True)
out = Console()


def _settings():
    """Settings for a CLI run (.env read here, in the entry point)."""
    from newsdesk.settings import load_settings

    return load_settings()


@app.command()
def ingest(
    paths: Annotated[list[Path], typer.Argument(help="Files or folders of articles (txt, md, html, json, jsonl, rss/atom).")],
    prune: Annotated[bool, typer.Option(help="Remove stored articles that are gone from these sources.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the result as JSON.")] = False,
) -> None:
    """Parse, chunk, embed and store articles; re-runs only touch what changed."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from ingest.pipeline import ingest_paths

    settings = _settings()
    with Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[detail]}"),
        TimeElapsedColumn(),
        console=console,
        disable=as_json or not console.is_terminal,
        transient=True,
    ) as bar:
        files = bar.add_task("files", total=None, detail="")
        arts = bar.add_task("articles", total=None, detail="")

        def show(p):
            bar.update(files, total=p.files_total, completed=p.files_done, detail=p.current[-40:])
            bar.update(arts, total=p.articles_total or None, completed=p.articles_done, detail=f"{p.chunks_done} chunks, {p.chunks_per_s:.1f} chunks/s")

        result = ingest_paths(paths, settings, prune=prune, on_progress=show)
    if as_json:
        out.print_json(json.dumps(result.as_dict()))
    else:
        table = Table(title=f"Ingested in {result.seconds:.1f}s ({result.chunks} chunks embedded)")
        for col in ("file", "added", "updated", "unchanged", "failed", "reason"):
            table.add_column(col, justify="right" if col in ("added", "updated", "unchanged", "failed") else "left")
        for f in result.files:
            reason = f.error or ("; ".join(f.warnings) if f.warnings else "")
            table.add_row(f.path, str(f.added), str(f.updated), str(f.unchanged), str(f.failed), reason, style="red" if f.error else None)
        d = result.as_dict()
        table.add_row("total", *(str(d[k]) for k in ("added", "updated", "unchanged", "failed")), f"{result.pruned} pruned" if prune else "", style="bold")
        out.print(table)
    raise typer.Exit(1 if result.total("failed") else 0)


@app.command()
def stats(as_json: Annotated[bool, typer.Option("--json", help="Print as JSON.")] = False) -> None:
    """What the store holds: articles, chunks, stories, outlets, date range."""
    from ingest.pipeline import store_stats

    data = store_stats(_settings())
    if as_json:
        out.print_json(json.dumps(data))
        return
    table = Table(show_header=False)
    for key, value in data.items():
        if key != "outlets":
            table.add_row(key, str(value))
    table.add_row("outlets", ", ".join(f"{k} ({v})" for k, v in data["outlets"].items()))
    out.print(table)


def main() -> None:
    """Entry point: run the app, turning newsdesk errors into a message and an exit code."""
    try:
        code = app(standalone_mode=False)
    except NewsdeskError as exc:
        console.print(f"[red]error:[/red] {exc.message}")
        if exc.fix:
            console.print(f"[yellow]fix:[/yellow] {exc.fix}")
        sys.exit(exc.exit_code)
    except typer.Exit as exc:
        sys.exit(exc.exit_code)
    except typer.Abort:
        sys.exit(130)
    except Exception as exc:  # click usage errors
        import click

        if isinstance(exc, click.exceptions.ClickException):
            exc.show()
            sys.exit(exc.exit_code)
        raise
    sys.exit(code if isinstance(code, int) else 0)


if __name__ == "__main__":
    main()
