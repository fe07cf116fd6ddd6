"""Ingest: every input becomes a Document (notes, DICOM SR text) or a Study (DICOM images).

``document_from_text`` (pasted text), ``document_from_bytes`` (stdin, uploads) and ``load_document``
(a file path) live in ``medassist.ingest.notes``; DICOM studies in ``medassist.ingest.dicom``
(imported lazily: pydicom is heavy).
"""

from __future__ import annotations

from .notes import (
    MAX_TEXT_CHARS,
    decode_text,
    document_from_bytes,
    document_from_text,
    load_document,
    normalize_newlines,
    sniff_format,
)

__all__ = [
    "MAX_TEXT_CHARS",
    "decode_text",
    "document_from_bytes",
    "document_from_text",
    "load_document",
    "load_study",
    "normalize_newlines",
    "sniff_format",
]


def load_study(*args, **kwargs):
    """DICOM files/folders/DICOMDIR/zip -> StudyLoad (see ``medassist.ingest.dicom.load_study``)."""
    from .dicom import load_study as f

    return f(*args, **kwargs)
