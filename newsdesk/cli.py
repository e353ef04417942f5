"""The newsdesk command line: ingest, stats, ask, eval, engines, ui."""

from __future__ import annotations

import contextlib
import json
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

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
        table = Table(title=f"Ingested in {result.seconds:.1f}s ({result.chunks} chunks embedded)")
        names = [_short_path(f.path, max(24, out.width // 3)) for f in result.files]
        table.add_column("file", no_wrap=True, min_width=min(max(map(len, names), default=4), out.width // 3))
        for col in _COUNTS:
            table.add_column(col, justify="right", no_wrap=True)
        table.add_column("reason", overflow="fold", ratio=1, min_width=20)
        for f, name in zip(result.files, names, strict=True):
            reason = f.error or ("; ".join(f.warnings) if f.warnings else "")
            reason = reason.replace(f"{f.path}: ", "")  # the file column names it already
            table.add_row(
                name,
                *(str(getattr(f, k)) for k in _COUNTS),
                reason,
                style="red" if f.error else None,
            )
        d = result.as_dict()
        table.add_row(
            "total",
            *(str(d[k]) for k in _COUNTS),
            f"{result.pruned} pruned" if prune else "",
            style="bold",
        )
        out.print(table)
    raise typer.Exit(1 if result.total("failed") else 0)


_COUNTS = ("added", "updated", "redated", "unchanged", "failed")  # redated: a new date, not re-embedded


@app.command()
def stats(as_json: Annotated[bool, typer.Option("--json", help="Print as JSON.")] = False) -> None:
    """What the store holds: articles, chunks, stories, outlets, date range."""
    from ingest.pipeline import store_stats

    data = store_stats(_settings())
    stamp = _timestamp(data.get("last_ingest"))
    if as_json:
        out.print_json(json.dumps({**data, "last_ingest": stamp.isoformat() if stamp else None}))
        return
    table = Table(show_header=False)
    for key, value in data.items():
        if key == "last_ingest":
            value = stamp.astimezone().strftime("%Y-%m-%d %H:%M:%S %Z") if stamp else "never"
        if key != "outlets":
            table.add_row(key, str(value))
    table.add_row("outlets", ", ".join(f"{k} ({v})" for k, v in data["outlets"].items()))
    out.print(table)


def _short_path(path: str, width: int) -> str:
    """A path shown relative to the working folder when under it, cut at a "/" from the left to fit width."""
    with contextlib.suppress(ValueError, OSError):
        path = str(Path(path).resolve().relative_to(Path.cwd()))
    while len(path) > width and "/" in path.lstrip("…/"):
        path = "…/" + path.lstrip("…/").split("/", 1)[1]
    return path


def _timestamp(value):
    """The record's unix time as an aware UTC datetime (None when missing or unreadable)."""
    from datetime import datetime, timezone

    try:
        return datetime.fromtimestamp(float(value), tz=timezone.utc)
    except (TypeError, ValueError, OverflowError, OSError):
        return None


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
    out.print()
    for s in result.sources:
        head = " · ".join(p for p in (s.outlet, s.published or "") if p)
        out.print(f"\n[bold][{s.n}][/bold] {s.title}  [dim]{head}[/dim]", highlight=False)
        if s.url:
            out.print(f"    {s.url}", markup=False, highlight=False)
        out.print(f"    “{' '.join(s.text[s.span[0] : s.span[1]].split())}”", markup=False, highlight=False)
        if s.also_reported_by:
            out.print(f"    also reported by: {', '.join(s.also_reported_by)}", markup=False, highlight=False)
        if s.story_dates.get("first") and s.story_dates["first"] != s.story_dates["last"]:
            d = s.story_dates
            out.print(f"    first reported {d['first']} by {', '.join(d['first_by'])}; latest {d['last']} by "
                      f"{', '.join(d['last_by'])}", markup=False, highlight=False)  # fmt: skip
    for sentence in result.unsupported:
        console.print(f"[yellow]not backed by its sources:[/yellow] {sentence}", highlight=False)
    if result.notice:
        console.print(
            f"[dim]{result.notice.replace('change it in the sidebar', 'change it with --as-of')}[/dim]"
        )
    console.print(
        f"[dim]{result.engine_line or result.engine}, {result.seconds:.2f} s[/dim]", highlight=False
    )


@app.command()
def engines(
    check: Annotated[
        bool, typer.Option(help="Send each engine one short request to see that it answers.")
    ] = True,
    as_json: Annotated[bool, typer.Option("--json", help="Print the list as JSON.")] = False,
) -> None:
    """The answer engines: which one NEWSDESK_LLM picks, what each needs, and whether it answers."""
    from assistant.engines import engine_names, get_engine

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
    table = Table(title="answer engines (NEWSDESK_LLM picks one; `ask --engine NAME` for one question)")
    for col in ("engine", "status", "what", "problem"):
        table.add_column(col, overflow="fold")
    for r in rows:
        name = f"{r['engine']} *" if r["selected"] else r["engine"]
        style = {"answers": "green", "fails": "red", "unavailable": "yellow"}.get(r["status"])
        cells = (name, r["status"], f"{r['describe']}: {r['summary']}", r["problem"])
        table.add_row(*(escape(c) for c in cells), style=style)
    out.print(table)


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
    table = Table(title=f"{len(items)} questions, engine {settings.llm}")
    table.add_column("figure")
    table.add_column("value", justify="right")
    for key, value in figures.items():
        table.add_row(key, "n/a" if value is None else str(value))
    out.print(table)


@app.command()
def ui(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8501,
) -> None:
    """Start the web app (Streamlit, headless): chat with cited answers, ingest and sources pages."""
    import os

    settings = _settings()
    root = Path(__file__).resolve().parent.parent
    command = [
        sys.executable, "-m", "streamlit", "run", str(root / "ui" / "app.py"),
        "--server.address", host, "--server.port", str(port), "--server.headless", "true",
        "--browser.gatherUsageStats", "false", "--client.toolbarMode", "minimal",
        "--server.maxUploadSize", str(settings.max_upload_mb),
    ]  # fmt: skip
    path = os.pathsep.join(p for p in (str(root), os.environ.get("PYTHONPATH")) if p)
    env = {**os.environ, "PYTHONPATH": path}
    _check_port(host, port)
    console.print(f"newsdesk app: http://{host}:{port}  (Ctrl-C stops it)")
    os.execve(sys.executable, command, env)  # streamlit takes over this process, and its signals


def _port_free(host: str, port: int) -> bool:
    """Whether a server could listen on host:port now (bound as Streamlit's server binds)."""
    import socket

    try:
        with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as sock:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            sock.bind((host, port))
    except OSError:
        return False
    return True


def _check_port(host: str, port: int) -> None:
    """A ConfigError naming a free port to use when host:port is taken, before anything starts."""
    from newsdesk.errors import ConfigError

    if _port_free(host, port):
        return
    spare = next((p for p in range(port + 1, min(port + 50, 65536)) if _port_free(host, p)), None)
    hint = f" {spare}" if spare else " N"
    raise ConfigError(
        f"Port {port} on {host} is not available: another program (perhaps another newsdesk app) listens there.",
        f"choose another port: `newsdesk ui --port{hint}` (or `make run PORT={spare or 'N'}`).",
    )


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
    import shutil
    import subprocess

    settings = _settings()
    folder = path or settings.data_dir / "chroma-server"
    folder.mkdir(parents=True, exist_ok=True)
    chroma = shutil.which("chroma") or str(Path(sys.executable).with_name("chroma"))
    console.print(
        f"Chroma server on http://{host}:{port}, data in {folder}; use NEWSDESK_CHROMA_HOST={host} NEWSDESK_CHROMA_PORT={port}"
    )
    raise typer.Exit(
        subprocess.call([chroma, "run", "--path", str(folder), "--host", host, "--port", str(port)])
    )


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
