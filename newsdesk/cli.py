"""The newsdesk command line: ingest, stats, ask, eval, engines, ui, store serve."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from newsdesk.errors import NewsdeskError

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    help="Question answering over news articles.",
)
console = Console(stderr=True)
out = Console()
_type_column = typer.core.TyperOption.display_type_rich
# a flag (--json, --prune/--no-prune, --help) takes no value: its help row shows no "<bool>"
typer.core.TyperOption.display_type_rich = lambda self, ctx: None if self.is_flag else _type_column(self, ctx)


def _settings():
    """Settings for a CLI run (.env read here, in the entry point)."""
    from newsdesk.settings import load_settings

    return load_settings()


@app.command()
def ingest(
    paths: Annotated[
        list[Path],
        typer.Argument(help="Files or folders of articles (txt, md, html, json, jsonl, rss/atom)."),
    ],
    prune: Annotated[
        bool, typer.Option(help="Remove stored articles that are gone from these sources.")
    ] = False,
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
            bar.update(
                arts,
                total=p.articles_total or None,
                completed=p.articles_done,
                detail=f"{p.chunks_done} chunks, {p.chunks_per_s:.1f} chunks/s",
            )

        result = ingest_paths(paths, settings, prune=prune, on_progress=show)
    if as_json:
        out.print_json(json.dumps(result.as_dict()))
    else:
        from newsdesk.render import ingest_table

        out.print(ingest_table(result, prune, out.width))
    raise typer.Exit(1 if result.total("failed") else 0)


@app.command()
def stats(as_json: Annotated[bool, typer.Option("--json", help="Print as JSON.")] = False) -> None:
    """What the store holds: articles, chunks, stories, outlets, date range."""
    from ingest.pipeline import store_stats
    from newsdesk.render import stats_table, timestamp

    data = store_stats(_settings())
    if as_json:
        stamp = timestamp(data.get("last_ingest"))
        out.print_json(json.dumps({**data, "last_ingest": stamp.isoformat() if stamp else None}))
        return
    out.print(stats_table(data))


def _date_option(value: str | None, name: str):
    """A YYYY-MM-DD option as a date (None when not given)."""
    from datetime import date

    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise typer.BadParameter(f"{value!r} is not a date; use YYYY-MM-DD.", param_hint=name) from None


@app.command()
def ask(
    question: Annotated[str, typer.Argument(help="The question, in quotes.")],
    outlet: Annotated[
        list[str] | None, typer.Option("--outlet", help="Only this outlet (repeat for several).")
    ] = None,
    since: Annotated[
        str | None, typer.Option(help="Only articles published on or after this date (YYYY-MM-DD).")
    ] = None,
    until: Annotated[
        str | None, typer.Option(help="Only articles published on or before this date (YYYY-MM-DD).")
    ] = None,
    as_of: Annotated[
        str | None, typer.Option("--as-of", help="Answer as of this date: later articles are left out.")
    ] = None,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print the answer and its sources as JSON.")
    ] = False,
    engine: Annotated[
        str | None, typer.Option(help="Answer engine for this question (`newsdesk engines` lists them).")
    ] = None,
) -> None:
    """Answer a question from the stored articles; every claim carries a numbered source."""
    from assistant import Answer, Filters, stream_answer
    from assistant.engines import engine_class
    from newsdesk.render import print_sources

    settings = _settings()
    if engine:
        settings = settings.model_copy(update={"llm": engine_class(engine).name})
    filters = Filters(
        outlets=list(outlet or []), since=_date_option(since, "--since"), until=_date_option(until, "--until")
    )
    result = None
    for item in stream_answer(
        question, filters=filters, settings=settings, as_of=_date_option(as_of, "--as-of")
    ):
        if isinstance(item, Answer):
            result = item
        elif not as_json:
            out.print(item, end="", markup=False, highlight=False, soft_wrap=True)
    if as_json:
        typer.echo(json.dumps(result.as_dict(), ensure_ascii=False))
        return
    print_sources(result, out, console)


@app.command()
def engines(
    check: Annotated[
        bool, typer.Option(help="Send each engine one short request to see that it answers.")
    ] = True,
    as_json: Annotated[bool, typer.Option("--json", help="Print the list as JSON.")] = False,
) -> None:
    """The answer engines: which one NEWSDESK_LLM picks, what each needs, and whether it answers."""
    from assistant.engines import engine_names, get_engine
    from newsdesk.render import engines_table

    settings = _settings()
    quick = settings.model_copy(update={"llm_timeout": min(settings.llm_timeout, 10.0)})
    rows = []
    for name in engine_names():
        e = get_engine(quick.model_copy(update={"llm": name}))
        status, problem = "not checked", e.missing()
        if problem:
            status = "unavailable"
        elif check:
            try:
                e.check()
                status = "answers"
            except NewsdeskError as exc:
                status, problem = "fails", f"{exc.message} Fix: {exc.fix}" if exc.fix else exc.message
        rows.append({"engine": name, "selected": name == settings.llm, "status": status,
                     "describe": e.describe(), "summary": e.summary, "problem": problem,
                     "extra": e.extra})  # fmt: skip
    if as_json:
        typer.echo(json.dumps(rows, ensure_ascii=False))
        return
    out.print(engines_table(rows))


@app.command("eval")
def eval_questions(
    questions: Annotated[
        Path, typer.Argument(help="Questions, one JSON object per line (rtqa, plain or MultiHop-RAG).")
    ],
    offcorpus: Annotated[
        Path | None, typer.Option(help="Questions the articles do not cover: each should be refused.")
    ] = None,
    k: Annotated[int, typer.Option("--k", min=1, max=20, help="Ranking depth of Hit@k and MRR@k.")] = 10,
    as_json: Annotated[bool, typer.Option("--json", help="Print the figures as JSON.")] = False,
    rows: Annotated[
        Path | None, typer.Option("--rows", help="Write one JSON line per question here.")
    ] = None,
) -> None:
    """Run every question through the assistant: retrieval, answer, citation, refusal and latency figures."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from assistant.coverage import Coverage
    from assistant.eval import chunk_texts, load_questions, run_eval, write_rows
    from ingest.catalog import Catalog
    from newsdesk.render import figures_table

    settings = _settings()
    items = load_questions(questions)
    if offcorpus:
        items += load_questions(offcorpus, offcorpus=True)
    with Progress(
        TextColumn("[bold]questions"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
        console=console, disable=as_json or not console.is_terminal, transient=True,
    ) as bar:  # fmt: skip
        task = bar.add_task("questions", total=len(items))
        figures, per_question = run_eval(
            items, settings, k=k, on_progress=lambda done, total: bar.update(task, completed=done),
            chunk_text=chunk_texts(settings) if any(q.evidence for q in items) else None,
            coverage=Coverage.from_catalog(Catalog(settings.record_url)),
        )  # fmt: skip
    if rows is not None:
        write_rows(rows, per_question)
    if as_json:
        typer.echo(json.dumps(figures))
        return
    out.print(figures_table(figures, f"{len(items)} questions, engine {settings.llm}"))


@app.command()
def ui(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8501,
) -> None:
    """Start the web app (Streamlit, headless): chat with cited answers, ingest and sources pages."""
    from newsdesk.serve import exec_app

    exec_app(_settings(), host, port, console.print)


store_app = typer.Typer(no_args_is_help=True, help="Run or inspect the Chroma store.")
app.add_typer(store_app, name="store")


@store_app.command("serve")
def store_serve(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    path: Annotated[
        Path | None, typer.Option(help="Folder of the server's data (default: DATA_DIR/chroma-server).")
    ] = None,
) -> None:
    """Start a local Chroma server; point NEWSDESK_CHROMA_HOST/PORT at it from every app process."""
    from newsdesk.serve import run_chroma

    raise typer.Exit(run_chroma(_settings(), host, port, path, console.print))


def main() -> None:
    """Entry point: usage errors exit 2; newsdesk errors print the problem and the fix."""
    try:
        app()
    except NewsdeskError as exc:
        console.print(f"[red]error:[/red] {exc.message}", highlight=False)
        if exc.fix:
            console.print(f"[yellow]fix:[/yellow] {exc.fix}", highlight=False)
        sys.exit(exc.exit_code)


if __name__ == "__main__":
    main()
