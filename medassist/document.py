"""The one text model every task reads: a Document with sections and sentences.

Offsets are always character offsets into ``Document.text``: ``text[start:end]`` is the span.
The sectionizer and sentence splitter live in ``medassist.text``; readers in ``medassist.ingest``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Span:
    """Evidence: a character span of the source, with its text (``text == source[start:end]``)."""

    start: int
    end: int
    text: str

    @classmethod
    def of(cls, source: str, start: int, end: int) -> "Span":
        if not (0 <= start <= end <= len(source)):
            raise ValueError(f"span {start}:{end} outside text of length {len(source)}")
        return cls(start, end, source[start:end])

    def to_dict(self) -> dict[str, Any]:
        return {"start": self.start, "end": self.end, "text": self.text}


@dataclass
class Section:
    """A section of a note. ``name`` is the canonical key (e.g. ``hpi``), ``title`` the header as written.

    ``start``/``end`` cover the whole section (header included); ``body_start`` is where its text begins.
    A note's preamble before any header is a section named ``preamble`` with an empty title.
    """

    name: str
    title: str
    start: int
    end: int
    body_start: int

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "title": self.title,
            "start": self.start,
            "end": self.end,
            "body_start": self.body_start,
        }


@dataclass
class Sentence:
    start: int
    end: int
    section: str = "preamble"  # canonical name of the section it lies in

    def to_dict(self) -> dict[str, Any]:
        return {"start": self.start, "end": self.end, "section": self.section}


@dataclass
class Document:
    text: str
    source: str = "<text>"  # file path, or "<paste>" / "<stdin>"
    kind: str = "note"  # note | dicom-sr | findings
    metadata: dict[str, Any] = field(default_factory=dict)
    sections: list[Section] = field(default_factory=list)
    sentences: list[Sentence] = field(default_factory=list)

    def span(self, start: int, end: int) -> Span:
        return Span.of(self.text, start, end)

    def section_at(self, offset: int) -> Section | None:
        for sec in self.sections:
            if sec.start <= offset < sec.end:
                return sec
        return None

    def sections_named(self, *names: str) -> list[Section]:
        return [s for s in self.sections if s.name in names]

    def sentences_in(self, section: Section) -> list[Sentence]:
        return [s for s in self.sentences if section.start <= s.start < section.end]

    def content_hash(self) -> str:
        import hashlib

        return hashlib.sha256(self.text.encode("utf-8")).hexdigest()

    def to_dict(self, *, with_text: bool = True) -> dict[str, Any]:
        d: dict[str, Any] = {
            "source": self.source,
            "kind": self.kind,
            "metadata": self.metadata,
            "sections": [s.to_dict() for s in self.sections],
            "sentences": [s.to_dict() for s in self.sentences],
        }
        if with_text:
            d["text"] = self.text
        return d
