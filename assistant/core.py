"""Question in, cited answer out: rewrite, read dates, retrieve, check the evidence, answer, check citations."""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime

import numpy as np

from assistant.citations import MarkerStream, Renumbering, split_answer, support_scores, supporting_span
from assistant.components import get_components
from assistant.dates import apply_question_dates, day_date, day_number, default_as_of, is_current, lag_notice
from assistant.disagree import reports_differ
from assistant.extractive import compose
from assistant.refusal import REFUSAL_TEXT, evidence, features
from assistant.retrieve import answer_pool
from assistant.sentences import score_sentences
from assistant.terms import term_set
from assistant.types import Answer, Filters, Source
from ingest.chunk import split_sentences
from ingest.store import guard
from newsdesk.errors import NewsdeskError


def answer(
    question, history=(), filters=None, settings=None, as_of=None, *, embedder=None, llm=None
) -> Answer:
    """Answer a question from the stored articles."""
    final = None
    for item in stream_answer(question, history, filters, settings, as_of, embedder=embedder, llm=llm):
        if isinstance(item, Answer):
            final = item
    return final


def _as_date(value) -> date | None:
    """A date from a date, a datetime or an ISO string."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value)[:10])
    except ValueError as exc:
        raise NewsdeskError(f"Cannot read the as-of date {value!r}.", "give it as YYYY-MM-DD.") from exc


def _refusal_text(filters: Filters) -> str:
    """The refusal, naming the filters that narrowed the search."""
    parts = []
    if filters.outlets:
        parts.append("outlets " + ", ".join(filters.outlets))
    if filters.since and filters.until:
        parts.append(f"published {filters.since} to {filters.until}")
    elif filters.since or filters.until:
        parts.append(
            f"published since {filters.since}" if filters.since else f"published up to {filters.until}"
        )
    return REFUSAL_TEXT if not parts else REFUSAL_TEXT[:-1] + f" (searched only {'; '.join(parts)})."


def _source(n: int, passage, span: tuple[int, int], corpus) -> Source:
    """The Source for a cited passage."""
    a = passage.article
    return Source(
        n=n, title=a.title, outlet=a.outlet, published=a.published or None, url=a.url or None, text=passage.text,
        span=span, also_reported_by=corpus.also_reported_by(a), article_id=a.id, chunk_id=passage.chunk_id,
        story_id=a.story_id, start=passage.start, end=passage.end,
    )  # fmt: skip


@dataclass
class Gathered:
    """What the engines work from: the question's filters, the passages, scored sentences and the evidence."""

    filters: Filters
    query: str
    found: object  # retrieve.Retrieval
    sentences: list
    features: dict
    score: float
    pool: list  # the passages the sentences come from: the context, then the top articles' other chunks


def gather(standalone: str, filters, settings, comps, corpus, today: date, cutoff: date | None) -> Gathered:
    """Dates read from the question, passages retrieved, sentences scored and the refusal evidence weighed."""
    used, query = apply_question_dates(standalone, filters, today)
    qvec = np.asarray(comps.embedder.embed_query(query), dtype=np.float32)
    with guard(settings, "searching the articles"):
        found = comps.retriever(settings).search(
            query,
            qvec,
            used,
            today,
            cutoff=cutoff,
            top_k=settings.top_k,
            per_story=settings.per_story,
            current=is_current(standalone),
        )
    pool = answer_pool(found, comps.catalog)
    sentences = score_sentences(query, qvec, pool, comps.embedder, corpus.idf, comps.sentences, as_of=today)
    feats = features(query, found, sentences, corpus, today, standalone)
    return Gathered(used, query, found, sentences, feats, evidence(feats), pool)


def stream_answer(
    question, history=(), filters=None, settings=None, as_of=None, *, embedder=None, llm=None
) -> Iterator:
    """Yield the answer's text pieces, then the final Answer."""
    started = time.perf_counter()
    if settings is None:
        from newsdesk.settings import Settings

        settings = Settings()
    question = " ".join(str(question or "").encode("utf-8", "replace").decode("utf-8").split())
    if not question:
        raise NewsdeskError("The question is empty.", "type a question about the ingested news.")
    with guard(settings, "opening the articles"):
        comps = get_components(settings, embedder, llm)
        corpus = comps.corpus()
    engine = comps.engine(settings)
    explicit = _as_date(as_of)
    if explicit:  # a date past the store's newest article: said, since refusal reads that lag too
        today, notice = explicit, lag_notice(day_date(corpus.newest_up_to(explicit)), explicit)
    else:
        today, notice = default_as_of(day_date(corpus.newest), date.today())
    standalone = engine.rewrite(question, history) if history else question
    g = gather(standalone, filters, settings, comps, corpus, today, explicit or today)
    used, found, sentences, feats, score = g.filters, g.found, g.sentences, g.features, g.score
    result = Answer(question=question, text="", engine=engine.name, standalone_question=standalone, filters=used,
                    evidence=round(score, 4), evidence_features={k: round(v, 4) for k, v in feats.items()},
                    retrieved=[{"article_id": a.id, "chunk_id": cid, "url": a.url, "title": a.title, "score": round(s, 5)}
                               for a, s, cid in found.articles])  # fmt: skip
    if not found.passages or score < settings.refusal_threshold:
        result.text, result.refused = _refusal_text(used), True
        yield result.text
    else:
        composed = engine.compose(result, g.pool, sentences, corpus)  # LLM engines answer from found.passages
        if composed is None:
            composed = _with_llm(result, standalone, found.passages, comps, corpus, settings, engine)
        yield from composed
    result.as_of, result.notice = today.isoformat(), notice
    for s in result.sources:  # the story as it stood at the as-of date
        s.story_dates = corpus.story_dates(s.story_id, day_number(today))
    if not result.refused and (differ := reports_differ(result.sources)):
        result.text += "\n\n" + differ
        yield "\n\n" + differ
    result.engine_line = engine.describe()
    result.seconds = time.perf_counter() - started
    yield result


def _extractive(result: Answer, passages: list, sentences: list, corpus) -> Iterator[str]:
    """The short answer, then the chosen sentences; one numbered card per cited article."""
    text, short, _, cards = compose(result.standalone_question or result.question, passages, sentences)
    for n, card in enumerate(cards.values(), 1):
        first = passages[card.passages[0]]
        source = _source(n, first, card.spans[0] if card.spans else (0, 0), corpus)
        source.text, source.spans, source.answer_span = card.text, card.spans, card.answer_span
        source.end = max(passages[i].end for i in card.passages)
        result.sources.append(source)
    result.text, result.short_answer = text, short
    yield text


def _with_llm(
    result: Answer, question: str, passages: list, comps, corpus, settings, engine
) -> Iterator[str]:
    """Stream the engine's answer with markers renumbered and phantoms removed, then check every sentence."""
    from assistant.engines.chat import looks_like_refusal

    renumbering = Renumbering(len(passages))
    stream = MarkerStream(renumbering)
    shown = []
    for piece in engine.stream(question, passages):
        out = stream.feed(piece)
        if out:
            shown.append(out)
            yield out
    rest = stream.flush()
    if rest:
        shown.append(rest)
        yield rest
    result.text = "".join(shown).strip()
    result.removed_markers = renumbering.removed
    cited = [passages[n - 1] for n in renumbering.order]
    if not cited:
        result.refused = looks_like_refusal(result.text)
        if not result.refused:
            result.unsupported = [s for s, _ in split_answer(result.text)]
        return
    claims = split_answer(result.text)
    first: dict[int, str] = {}
    for sentence, numbers in claims:
        for n in numbers:
            first.setdefault(n, sentence)
    for i, p in enumerate(cited, 1):
        result.sources.append(_source(i, p, supporting_span(first.get(i, result.text), p.text), corpus))
    result.unsupported = _unsupported(claims, cited, comps.embedder, settings.support_threshold)


def _unsupported(claims: list[tuple[str, list[int]]], cited: list, embedder, threshold: float) -> list[str]:
    """Answer sentences their cited passages do not back (uncited ones are checked against all cited passages)."""
    checked = [(s, ns) for s, ns in claims if term_set(s)]
    evidence_texts = []
    for _, numbers in checked:
        pool = [cited[n - 1] for n in numbers if 1 <= n <= len(cited)] or cited
        evidence_texts.append(
            [p.text[a:b] for p in pool for a, b in split_sentences(p.text)] or [p.text for p in pool]
        )
    scores = support_scores([s for s, _ in checked], evidence_texts, embedder)
    return [s for (s, _), v in zip(checked, scores, strict=True) if v < threshold]
