"""Ingest page: upload article files or name a folder on the server, then see what happened per file."""

from __future__ import annotations

import tempfile
from pathlib import Path

import streamlit as st

from newsdesk.errors import NewsdeskError
from ui import render
from ui.common import get_settings, show_error

MB = 1024 * 1024
COLUMNS = ["file", "added", "updated", "unchanged", "failed", "reason"]


def extensions() -> list[str]:
    """The file types the parser reads, without dots."""
    from ingest.formats import SUPPORTED_EXTENSIONS

    return sorted(e.lstrip(".") for e in SUPPORTED_EXTENSIONS)


def safe_name(index: int, original: str, allowed: list[str]) -> str | None:
    """A generated file name keeping only a known extension; None for an unknown one."""
    ext = Path(original or "").suffix.lower().lstrip(".")
    return f"upload-{index:04d}.{ext}" if ext in allowed else None


def report_rows(result) -> list[dict]:
    """One table row per file of an IngestResult."""
    return [
        {"file": f.path, "added": f.added, "updated": f.updated, "unchanged": f.unchanged, "failed": f.failed,
         "reason": f.error or "; ".join(f.warnings)}
        for f in result.files
    ]  # fmt: skip


def run_ingest(paths: list[Path], settings, names: dict[str, str] | None = None) -> list[dict] | None:
    """Ingest with a progress bar; the per-file rows, or None after an error box."""
    from ingest.pipeline import ingest_paths

    bar = st.progress(0.0, text="Starting…")

    def on_progress(p) -> None:
        done = p.files_done / p.files_total if p.files_total else 0.0
        if p.articles_total:
            done = (p.files_done + min(1.0, p.articles_done / p.articles_total)) / (p.files_total + 1)
        text = f"{p.files_done}/{p.files_total} files · {p.articles_done} articles · {render.escape_md(p.current[-60:])}"
        bar.progress(min(max(done, 0.0), 1.0), text=text)

    try:
        result = ingest_paths(paths, settings, on_progress=on_progress, names=names)
    except NewsdeskError as exc:
        bar.empty()
        show_error(exc, settings)
        return None
    bar.progress(1.0, text=f"Done in {result.seconds:.1f}s · {result.chunks} chunks embedded")
    return report_rows(result)


def ingest_uploads(files, settings) -> list[dict] | None:
    """Write uploads under generated names in a temporary folder and ingest them; oversized ones are refused."""
    allowed, limit = extensions(), settings.max_upload_mb
    rows, paths, names = [], [], {}
    with tempfile.TemporaryDirectory(prefix="newsdesk-upload-") as tmp:
        for i, upload in enumerate(files):
            name = safe_name(i, upload.name, allowed)
            if upload.size > limit * MB:
                reason = f"{upload.size / MB:.1f} MB is over the {limit} MB upload limit (NEWSDESK_MAX_UPLOAD_MB); ingest it from a folder instead"
                rows.append(_failed(upload.name, reason))
            elif name is None:
                rows.append(_failed(upload.name, f"unsupported file type; use one of: {', '.join(allowed)}"))
            else:
                path = Path(tmp) / name
                path.write_bytes(upload.getvalue())
                paths.append(path)
                names[str(path)] = upload.name
        if paths:
            done = run_ingest(paths, settings, names)
            if done is None:
                return None
            rows += done
    return rows


def _failed(name: str, reason: str) -> dict:
    """A table row for a file that was not ingested."""
    return {"file": name, "added": 0, "updated": 0, "unchanged": 0, "failed": 1, "reason": reason}


def ingest_folder(folder: str, settings) -> list[dict] | None:
    """Ingest a folder (or file) on the server; an error box when it does not exist."""
    path = Path(folder.strip()).expanduser()
    if not folder.strip() or not path.exists():
        st.error(f"No such file or folder on the server: {render.escape_md(folder.strip()) or '(empty)'}")
        return None
    return run_ingest([path], settings)


def show_report(rows: list[dict]) -> None:
    """Totals and the per-file table."""
    totals = {k: sum(r[k] for r in rows) for k in ("added", "updated", "unchanged", "failed")}
    summary = ", ".join(f"{v} {k}" for k, v in totals.items())
    (st.warning if totals["failed"] else st.success)(f"Articles: {summary}.")
    st.dataframe(rows, column_order=COLUMNS, hide_index=True, width="stretch")


def main() -> None:
    """The ingest page."""
    settings = get_settings()
    st.title("Ingest articles")
    st.caption(f"Store: {render.escape_md(str(settings.data_dir))}")
    allowed = extensions()
    upload_tab, folder_tab = st.tabs(["Upload files", "Folder on the server"])
    with upload_tab:
        files = st.file_uploader(
            f"Article files ({', '.join(allowed)}), up to {settings.max_upload_mb} MB each",
            type=allowed,
            accept_multiple_files=True,
            key="uploads",
        )
        if st.button("Ingest uploads", type="primary", disabled=not files, key="ingest_uploads"):
            rows = ingest_uploads(files, settings)
            st.session_state["ingest_report"] = rows
    with folder_tab:
        folder = st.text_input("Folder or file path on the server", placeholder="data/sample", key="folder")
        if st.button("Ingest folder", type="primary", key="ingest_folder"):
            st.session_state["ingest_report"] = ingest_folder(folder, settings)
    rows = st.session_state.get("ingest_report")
    if rows:
        show_report(rows)


main()
