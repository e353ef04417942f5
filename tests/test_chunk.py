"""Chunking: sentence boundaries, token bounds, overlap and exact offsets."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from ingest.chunk import chunk_article, chunk_spans, split_sentences
from ingest.models import Article

TEXT = (
    "Mr. Smith went to Washington on Feb. 24. He met U.S. officials there. "
    '"It went well," he said. The talks lasted 3.5 hours!\n\n'
    "A new paragraph starts here. Is it a question? Yes."
)


def test_sentences_respect_abbreviations_and_lines():
    sentences = [TEXT[s:e] for s, e in split_sentences(TEXT)]
    assert sentences == [
        "Mr. Smith went to Washington on Feb. 24.",
        "He met U.S. officials there.",
        '"It went well," he said.',
        "The talks lasted 3.5 hours!",
        "A new paragraph starts here.",
        "Is it a question?",
        "Yes.",
    ]


def _long_text(n_sentences: int) -> str:
    return " ".join(
        f"Sentence number {i} tells about event {i} in the city of Example." for i in range(n_sentences)
    )


def test_chunks_are_bounded_sentence_aligned_and_overlap(fake_embedder):
    text = _long_text(120)
    spans = chunk_spans(text, fake_embedder.count_tokens, fake_embedder.token_spans, 100, 80, 25)
    assert len(spans) > 5
    sentence_starts = {s for s, _ in split_sentences(text)}
    sentence_ends = {e for _, e in split_sentences(text)}
    for (s, e), (s2, _) in zip(spans, spans[1:], strict=False):
        assert s in sentence_starts and e in sentence_ends
        assert s2 < e, "consecutive chunks share an overlapping sentence"
    for s, e in spans:
        assert fake_embedder.count_tokens([text[s:e]])[0] <= 100
    assert spans[-1][1] == len(text)


def test_overlong_sentence_is_cut_at_token_boundaries(fake_embedder):
    text = "word " * 500 + "end."
    spans = chunk_spans(text.strip(), fake_embedder.count_tokens, fake_embedder.token_spans, 100, 80, 20)
    assert len(spans) >= 5
    assert all(fake_embedder.count_tokens([text[s:e]])[0] <= 100 for s, e in spans)


def test_chunk_article_keeps_offsets_and_its_text_is_the_body_span_alone(fake_embedder):
    article = Article(title="Talks", body=_long_text(60), outlet="Reuters", published="2023-02-21")
    chunks = chunk_article(article, fake_embedder, 100, 80, 25)
    for c in chunks:
        assert article.body[c.start : c.end] == c.text
        assert not c.text.startswith("Talks")
    assert [c.index for c in chunks] == list(range(len(chunks)))


@settings(max_examples=60, deadline=None)
@given(st.text(alphabet=st.sampled_from("ab .!?\n\"'AZ9"), min_size=1, max_size=400))
def test_chunk_spans_always_slice_the_text(text):
    from tests.conftest import WordOverlapEmbedder

    emb = WordOverlapEmbedder()
    for s, e in chunk_spans(text, emb.count_tokens, emb.token_spans, 12, 8, 4):
        assert 0 <= s < e <= len(text)
        assert text[s:e].strip() == text[s:e]


def test_a_giant_line_without_spaces_is_cut_by_characters(fake_embedder):
    text = "Start. " + "x" * 50_000 + " End."
    spans = chunk_spans(text, fake_embedder.count_tokens, fake_embedder.token_spans, 100, 80, 20)
    assert len(spans) > 40
    assert max(e - s for s, e in spans) <= 100 * 12
    assert "".join(text[s:e] for s, e in spans).replace(" ", "") == text.replace(" ", "")
