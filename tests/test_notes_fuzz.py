"""Property tests: whatever text or bytes come in, ingest either builds a Document whose spans are exact
and ordered, or raises IngestError — never anything else."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from medassist.errors import IngestError
from medassist.ingest import document_from_bytes, document_from_text
from medassist.text.context import STATUSES, classify

FAST = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# text built from pieces that exercise the rules: headers, abbreviations, list markers, odd white space
PIECES = st.sampled_from(
    [
        "HPI:", "CHIEF COMPLAINT", "A/P:", "PLAN", "Assessment and Plan:", "NKDA", "PMH:", "P: 4.4", "Meds",
        "Dr.", "e.g.", "b.i.d.", "2.5", "mg.", "1.", "2)", "- ", "• ", "?", "!", ".", ",", ";", ":", ".,",
        "\n", "\n\n", "\r\n", "\r", "\t", " ", "  ", "\u00a0", "\u2028", "\u0085", "\x0c", "\ufeff",
        "no", "denies", "fever", "Cough", "but", "history of", "Mother", "if", "r/o", "in 2019",
        "é", "漢字", "\U0001f600", "\x00", "\u200b",
    ]
)
TEXTS = st.one_of(
    st.text(max_size=400),
    st.lists(st.one_of(PIECES, st.text(max_size=6)), max_size=60).map("".join),
)


def _check(doc):
    t = doc.text
    assert "\r" not in t
    prev = 0
    for s in doc.sections:
        assert prev <= s.start <= s.body_start <= s.end <= len(t)
        assert t[s.start : s.start + len(s.title)] == s.title
        prev = s.end
    prev = 0
    for x in doc.sentences:
        assert prev <= x.start < x.end <= len(t)
        frag = doc.span(x.start, x.end).text
        assert frag == t[x.start : x.end] and frag.strip() == frag and any(c.isalnum() for c in frag)
        sec = doc.section_at(x.start)
        assert sec is not None and sec.name == x.section and x.end <= sec.end
        prev = x.end


@FAST
@given(TEXTS)
def test_any_text_gives_exact_spans(text):
    try:
        doc = document_from_text(text)
    except IngestError:
        return
    _check(doc)


@FAST
@given(st.binary(max_size=600), st.sampled_from(["", ".txt", ".rtf", ".docx", ".pdf", ".dcm"]))
def test_any_bytes_give_a_document_or_an_ingest_error(data, suffix):
    try:
        doc = document_from_bytes(data, source="fuzz" + suffix, suffix=suffix)
    except IngestError as e:
        assert e.path == "fuzz" + suffix and e.problem
        return
    _check(doc)


@FAST
@given(TEXTS.map(lambda s: s.encode("utf-8")), st.sampled_from([b"", b"\xef\xbb\xbf", b"{\\rtf1 ", b"%PDF-1.4\n", b"PK\x03\x04"]))
def test_prefixed_bytes_give_a_document_or_an_ingest_error(body, prefix):
    try:
        doc = document_from_bytes(prefix + body, source="<stdin>")
    except IngestError:
        return
    _check(doc)


@FAST
@given(TEXTS, st.data())
def test_classify_any_span(text, data):
    doc = document_from_text(text) if text.strip() else None
    if doc is None:
        return
    n = len(doc.text)
    start = data.draw(st.integers(0, n))
    end = data.draw(st.integers(start, n))
    c = classify(doc, start, end)
    assert c.status in STATUSES
    if c.cue is not None:
        assert doc.text[c.cue.start : c.cue.end] == c.cue.text
        # outside the span, or a backward cue that is the span's own last word ("pain free": free)
        assert c.cue.end <= start or c.cue.start >= end or (start < c.cue.start and c.cue.end == end)


def test_a_cue_is_never_part_of_a_word_the_span_cuts():
    doc = document_from_text("<NONE")  # (found by the test above: the span "<N" ends inside the cue "NONE")
    c = classify(doc, 0, 2)
    assert c.cue is None or c.cue.end <= 0 or c.cue.start >= 2 or c.cue.end == 2
    doc = document_from_text("Chest pain free since Monday.")
    i = doc.text.index("pain free")
    c = classify(doc, i, i + len("pain free"))
    assert c.status == "negated" and c.cue is not None and c.cue.text.strip().lower() == "free"


def test_fuzz_helpers_catch_a_bad_span():
    doc = document_from_text("HPI: cough.")
    doc.sentences[0].end += 1  # now it includes trailing text it does not claim
    with pytest.raises(AssertionError):
        _check(doc)
