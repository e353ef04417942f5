"""What the command line prints: tables and answers drawn with rich."""

from __future__ import annotations

import contextlib
from pathlib import Path

from rich.console import Console
from rich.markup import escape
from rich.table import Table

COUNTS = ("added", "updated", "redated", "unchanged", "failed")  # redated: a new date, not re-embedded


def short_path(path: str, width: int) -> str:
    """A path shown relative to the working folder when under it, cut at a "/" from the left to fit width."""
    with contextlib.suppress(ValueError, OSError):
        path = str(Path(path).resolve().relative_to(Path.cwd()))
    while len(path) > width and "/" in path.lstrip("…/"):
        path = "…/" + path.lstrip("…/").split("/", 1)[1]
    return path


def timestamp(value):
    """The record's unix time as an aware UTC datetime (None when missing or unreadable)."""
    from datetime import datetime, timezone

    try:
        return datetime.fromtimestamp(float(value), tz=timezone.utc)
    except (TypeError, ValueError, OverflowError, OSError):
        return None


def ingest_table(result, prune: bool, width: int) -> Table:
    """One row per input file (its counts and why it failed or warned) and a total row."""
    table = Table(title=f"Ingested in {result.seconds:.1f}s ({result.chunks} chunks embedded)")
    names = [short_path(f.path, max(24, width // 3)) for f in result.files]
    table.add_column("file", no_wrap=True, min_width=min(max(map(len, names), default=4), width // 3))
    for col in COUNTS:
        table.add_column(col, justify="right", no_wrap=True)
    table.add_column("reason", overflow="fold", ratio=1, min_width=20)
    for f, name in zip(result.files, names, strict=True):
        reason = f.error or ("; ".join(f.warnings) if f.warnings else "")
        reason = reason.replace(f"{f.path}: ", "")  # the file column names it already
        table.add_row(
            name,
            *(str(getattr(f, k)) for k in COUNTS),
            reason,
            style="red" if f.error else None,
        )
    d = result.as_dict()
    table.add_row(
        "total",
        *(str(d[k]) for k in COUNTS),
        f"{result.pruned} pruned" if prune else "",
        style="bold",
    )
    return table


def stats_table(data: dict) -> Table:
    """The store's figures, one per row, its last ingest in local time."""
    stamp = timestamp(data.get("last_ingest"))
    table = Table(show_header=False)
    for key, value in data.items():
        if key == "last_ingest":
            value = stamp.astimezone().strftime("%Y-%m-%d %H:%M:%S %Z") if stamp else "never"
        if key != "outlets":
            table.add_row(key, str(value))
    table.add_row("outlets", ", ".join(f"{k} ({v})" for k, v in data["outlets"].items()))
    return table


def print_sources(result, out: Console, console: Console) -> None:
    """An answer's numbered sources with their cited spans, then its warnings and engine line."""
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


def engines_table(rows: list[dict]) -> Table:
    """The answer engines, the selected one starred, coloured by whether each answers."""
    table = Table(title="answer engines (NEWSDESK_LLM picks one; `ask --engine NAME` for one question)")
    for col in ("engine", "status", "what", "problem"):
        table.add_column(col, overflow="fold")
    for r in rows:
        name = f"{r['engine']} *" if r["selected"] else r["engine"]
        style = {"answers": "green", "fails": "red", "unavailable": "yellow"}.get(r["status"])
        cells = (name, r["status"], f"{r['describe']}: {r['summary']}", r["problem"])
        table.add_row(*(escape(c) for c in cells), style=style)
    return table


def figures_table(figures: dict, title: str) -> Table:
    """Evaluation figures, one per row ("n/a" where a figure has no value)."""
    table = Table(title=title)
    table.add_column("figure")
    table.add_column("value", justify="right")
    for key, value in figures.items():
        table.add_row(key, "n/a" if value is None else str(value))
    return table
