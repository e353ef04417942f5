"""`newsdesk eval`: question files read, every question answered, retrieval/answer/citation/refusal figures."""

from __future__ import annotations

import json
import math
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from assistant.citations import MARKER, marker_numbers
from assistant.coverage import holds, norm_text
from newsdesk.errors import InputError

_MARKERS = re.compile(r"\s*\[[\d,\s]+\]")
_FIX = 'one JSON object per line: {"question": ..., "answer": ...} (optional "gold_urls", "date"), or MultiHop-RAG\'s {"query", "answer", "evidence_list"}'


@dataclass
class Question:
    """One evaluation question and what counts as right for it."""

    text: str
    answer: str | None = None
    gold_urls: list[str] = field(default_factory=list)
    evidence: list[str] = field(default_factory=list)  # MultiHop-RAG facts, matched as substrings of chunks
    date: str | None = None
    offcorpus: bool = False
    id: str = ""
    batch: str = ""


def _strings(value, what: str, path: str, n: int) -> list[str]:
    """A list of strings, or an InputError naming the line."""
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise InputError(path, f"line {n}: {what} must be a list of strings", n, _FIX)
    return value


def parse_question(record, path: str, n: int, offcorpus: bool = False) -> Question:
    """One JSON record as a Question (rtqa, plain or MultiHop-RAG shape)."""
    if not isinstance(record, dict):
        raise InputError(path, f"line {n}: not a JSON object", n, _FIX)
    text = record.get("question", record.get("query"))
    if not isinstance(text, str) or not text.strip():
        raise InputError(path, f'line {n}: no question (a non-empty "question" or "query" string)', n, _FIX)
    answer = record.get("answer")
    if answer is not None and not isinstance(answer, (str, int, float)):
        raise InputError(path, f'line {n}: "answer" must be a string', n, _FIX)
    facts = []
    evidence = record.get("evidence_list")
    if evidence is not None:
        if not isinstance(evidence, list) or not all(isinstance(e, (dict, str)) for e in evidence):
            raise InputError(
                path, f'line {n}: "evidence_list" must be a list of objects with a "fact"', n, _FIX
            )
        facts = [e if isinstance(e, str) else str(e.get("fact") or "") for e in evidence]
    date = record.get("date") or record.get("as_of")
    if date is not None and not (isinstance(date, str) and re.match(r"\d{4}-\d{2}-\d{2}", date)):
        raise InputError(path, f'line {n}: "date" must be YYYY-MM-DD, not {str(date)[:30]!r}', n, _FIX)
    return Question(
        text=text.strip(), answer=None if answer is None else str(answer),
        gold_urls=_strings(record.get("gold_urls"), '"gold_urls"', path, n),
        evidence=[f for f in facts if f.strip()], date=date, offcorpus=offcorpus,
        id=str(record.get("id", n)), batch=str(record.get("batch", "")),
    )  # fmt: skip


def load_questions(path: str | Path, offcorpus: bool = False) -> list[Question]:
    """Questions of a JSONL file; a bad line raises an InputError naming it."""
    p = Path(path)
    try:
        lines = p.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(str(path), f"cannot read the question file ({exc})", fix="check the path") from exc
    out = []
    for n, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            raise InputError(
                str(path), f"line {n}: invalid JSON ({exc.msg} at column {exc.colno})", n, _FIX
            ) from exc
        out.append(parse_question(record, str(path), n, offcorpus))
    if not out:
        raise InputError(str(path), "holds no questions", fix=_FIX)
    return out


def norm_url(url: str) -> str:
    """A URL without fragment, query-less trailing slash, scheme and www, for matching."""
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return url.strip().lower()
    host = (parts.hostname or "").removeprefix("www.")
    return f"{host}{parts.path.rstrip('/')}{'?' + parts.query if parts.query else ''}".lower()


def gold_rank(
    question: Question, retrieved: list[dict], chunk_text: Callable[[str], str] | None = None
) -> int | None:
    """1-based rank of the first retrieved article that is gold (by URL, or by holding an evidence fact)."""
    gold = {norm_url(u) for u in question.gold_urls}
    facts = [norm_text(f) for f in question.evidence]
    for rank, item in enumerate(retrieved, 1):
        if gold and norm_url(item.get("url") or "") in gold:
            return rank
        if facts and chunk_text is not None:
            text = norm_text(chunk_text(item.get("chunk_id", "")) or "")
            if any(f in text for f in facts):
                return rank
    return None


def hit_at(ranks: list[int | None], k: int) -> float:
    """Share of questions whose gold item is within the top k."""
    return sum(1 for r in ranks if r is not None and r <= k) / len(ranks) if ranks else 0.0


def mrr_at(ranks: list[int | None], k: int) -> float:
    """Mean reciprocal rank, counting only ranks within k."""
    return sum(1.0 / r for r in ranks if r is not None and r <= k) / len(ranks) if ranks else 0.0


def answer_holds(answer, expected: str) -> bool:
    """Lenient: the expected answer's text is in the answer or in a cited snippet."""
    if answer.refused:
        return False
    return any(holds(t, expected) for t in [answer.text, *(s.text for s in answer.sources)])


def answer_states(answer, expected: str) -> bool:
    """Strict: the answer text itself, not its snippets, holds the expected answer."""
    return not answer.refused and holds(_MARKERS.sub(" ", answer.text), expected)


def phantom_markers(answer) -> int:
    """Markers in the shown text that name no returned source."""
    return sum(
        1
        for m in MARKER.finditer(answer.text)
        for n in marker_numbers(m.group(1))
        if not 1 <= n <= len(answer.sources)
    )


def percentile(values: list[float], q: float) -> float:
    """The q-th percentile (nearest rank) of values."""
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, math.ceil(q / 100 * len(ordered)) - 1))]


def run_eval(questions: list[Question], settings, k: int = 10, ask: Callable | None = None,
             on_progress: Callable[[int, int], None] | None = None, chunk_text: Callable[[str], str] | None = None,
             coverage=None) -> tuple[dict, list[dict]]:  # fmt: skip
    """Ask every question alone (as of its date, when it has one); return the figures and per-question rows."""
    if ask is None:
        from assistant.core import answer as ask
    rows, report = [], on_progress or (lambda done, total: None)
    for i, q in enumerate(questions):
        started = time.perf_counter()
        a = ask(q.text, settings=settings, as_of=q.date)
        ms = (time.perf_counter() - started) * 1000
        scored = q.answer is not None and not q.offcorpus
        rows.append({
            "id": q.id, "question": q.text, "offcorpus": q.offcorpus,
            "covered": bool(scored and coverage is not None and coverage.covered(q.text, q.answer, q.batch)),
            "refused": a.refused, "answer": a.text, "short_answer": a.short_answer, "expected": q.answer,
            "sources": [{"n": s.n, "title": s.title, "text": s.text, "span": list(s.span)} for s in a.sources],
            "strict": answer_states(a, q.answer) if scored else None,
            "lenient": answer_holds(a, q.answer) if scored else None, "ms": ms,
            "short": bool(scored and not a.refused and a.short_answer and holds(a.short_answer, q.answer)),
            "rank": gold_rank(q, a.retrieved, chunk_text) if (q.gold_urls or q.evidence) else None,
            "gold": bool(q.gold_urls or q.evidence), "has_answer": scored,
            "holds": answer_holds(a, q.answer) if scored else None,
            "phantoms": phantom_markers(a), "removed": len(a.removed_markers), "unsupported": len(a.unsupported),
            "evidence": a.evidence, "features": a.evidence_features, "batch": q.batch,
        })  # fmt: skip
        report(i + 1, len(questions))
    return figures(rows, k), rows


def figures(rows: list[dict], k: int = 10) -> dict:
    """The eval figures from per-question rows."""
    ranks = [r["rank"] for r in rows if r["gold"] and not r["offcorpus"]]
    answered = [r for r in rows if r["has_answer"]]
    off = [r for r in rows if r["offcorpus"]]
    on = [r for r in rows if not r["offcorpus"]]
    covered = [r for r in on if r.get("covered")]
    uncovered = [r for r in on if not r.get("covered")]
    ms = [r["ms"] for r in rows]
    shown = [r for r in covered if not r["refused"] and r.get("short_answer")]
    ratio = lambda part, whole: round(len(part) / len(whole), 3) if whole else None  # noqa: E731
    return {
        "n": len(rows),
        "gold_questions": len(ranks),
        "hit@1": round(hit_at(ranks, 1), 3) if ranks else None,
        "hit@5": round(hit_at(ranks, 5), 3) if ranks else None,
        f"hit@{k}": round(hit_at(ranks, k), 3) if ranks else None,
        f"mrr@{k}": round(mrr_at(ranks, k), 3) if ranks else None,
        "answer_recall": ratio([r for r in answered if r["holds"]], answered),
        "covered_questions": len(covered),
        "strict_recall_covered": ratio([r for r in covered if r["strict"]], covered),
        "lenient_recall_covered": ratio([r for r in covered if r["lenient"]], covered),
        "short_recall_covered": ratio([r for r in covered if r["short"]], covered),
        "short_precision_covered": ratio([r for r in covered if r["short"]], shown),
        "false_refusal_covered": ratio([r for r in covered if r["refused"]], covered),
        "refusal_offcorpus": ratio([r for r in off if r["refused"]], off),
        "refusal_not_covered": ratio([r for r in uncovered if r["refused"]], uncovered),
        "phantom_citations": sum(r["phantoms"] for r in rows),
        "removed_markers": sum(r["removed"] for r in rows),
        "unsupported_sentences": sum(r["unsupported"] for r in rows),
        "offcorpus_questions": len(off),
        "refusal_rate": ratio([r for r in off if r["refused"]], off),
        "false_refusal_rate": ratio([r for r in on if r["refused"]], on),
        "p50_ms": round(percentile(ms, 50), 1),
        "p95_ms": round(percentile(ms, 95), 1),
    }


_ROW_KEYS = ("id", "question", "offcorpus", "covered", "refused", "answer", "short_answer", "sources", "strict",
             "lenient", "short", "ms")  # fmt: skip


def write_rows(path: str | Path, rows: list[dict]) -> None:
    """One JSON line per question: what was asked, answered and cited, and how it scored."""
    with open(path, "w", encoding="utf-8") as f:
        for r in rows:
            f.write(json.dumps({k: r.get(k) for k in _ROW_KEYS} | {"expected": r.get("expected")}) + "\n")


def chunk_texts(settings) -> Callable[[str], str]:
    """A lookup of stored chunk texts by id (for evidence facts)."""
    from sqlalchemy import select

    from ingest.catalog import Catalog
    from ingest.record_schema import chunks

    catalog = Catalog(settings.record_url)

    def text(chunk_id: str) -> str:
        """The stored text of one chunk ("" when unknown)."""
        with catalog.engine.connect() as conn:
            return conn.execute(select(chunks.c.text).where(chunks.c.id == chunk_id)).scalar() or ""

    return text
