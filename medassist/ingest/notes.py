"""Readers for clinical notes: plain text, RTF, DOCX, PDF text layer, pasted text and stdin bytes.

Every reader ends in ``document_from_text``, which normalises line ends (``\\r\\n`` and ``\\r`` become
``\\n``) *before* the Document is built, so every offset refers to ``Document.text``. Bad input raises
``IngestError`` / ``UnsupportedFormatError`` naming the file and the problem.
"""

from __future__ import annotations

import codecs
import io
import re
from pathlib import Path
from typing import Any

from ..document import Document
from ..errors import IngestError, UnsupportedFormatError

#: the most text a note may hold (characters, after decoding)
MAX_TEXT_CHARS = 5 * 1024 * 1024
#: the largest file we open at all (DOCX/PDF carry more than their text)
MAX_FILE_BYTES = 100 * 1024 * 1024
#: a DOCX (a zip) may not unpack to more than this (zip bombs)
MAX_UNPACKED_BYTES = 400 * 1024 * 1024

TEXT_SUFFIXES = {".txt", ".text", ".md", ".note", ".csv", ".tsv", ".log", ""}
DICOM_SUFFIXES = {".dcm", ".dicom"}

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")


# --------------------------------------------------------------------------------------------- text
def normalize_newlines(text: str) -> str:
    """``\\r\\n`` and lone ``\\r`` become ``\\n``; a leading BOM character is dropped."""
    if text.startswith("\ufeff"):
        text = text[1:]
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text


def document_from_text(
    text: str, source: str = "<paste>", kind: str = "note", metadata: dict[str, Any] | None = None
) -> Document:
    """A Document with sections and sentences from already decoded text (pasted, or read by a reader)."""
    from ..text.sections import sectionize
    from ..text.sentences import split_sentences

    if not isinstance(text, str):
        raise IngestError(f"expected text, got {type(text).__name__}", path=source)
    if len(text) > MAX_TEXT_CHARS:
        raise IngestError(
            f"note too large: {len(text):,} characters (limit {MAX_TEXT_CHARS:,})", path=source
        )
    text = normalize_newlines(text)
    sections = sectionize(text)
    sentences = split_sentences(text, sections)
    return Document(
        text=text,
        source=source,
        kind=kind,
        metadata=dict(metadata or {}),
        sections=sections,
        sentences=sentences,
    )


def decode_text(data: bytes, source: str = "<bytes>") -> tuple[str, str]:
    """Decode note bytes: BOM (UTF-8/16/32), else UTF-16 without BOM (by its zero bytes), else UTF-8,
    else cp1252. Binary data is refused.

    Returns (text, encoding)."""
    boms = (
        (codecs.BOM_UTF32_LE, "utf-32-le"),
        (codecs.BOM_UTF32_BE, "utf-32-be"),
        (codecs.BOM_UTF8, "utf-8"),
        (codecs.BOM_UTF16_LE, "utf-16-le"),
        (codecs.BOM_UTF16_BE, "utf-16-be"),
    )
    for bom, enc in boms:
        if data.startswith(bom):
            try:
                text = data[len(bom) :].decode(enc)
            except UnicodeDecodeError as e:
                raise UnsupportedFormatError(
                    f"starts with a {enc.upper()} byte-order mark but is not valid {enc.upper()} "
                    f"(byte {e.start + len(bom)})",
                    path=source,
                ) from None
            _refuse_binary(text, source)
            return text, enc
    if b"\x00" in data:
        enc = _bomless_utf16(data)
        if enc is None:
            raise UnsupportedFormatError(_binary_message(data), path=source)
        try:
            text = data.decode(enc)
        except UnicodeDecodeError:
            raise UnsupportedFormatError(_binary_message(data), path=source) from None
        _refuse_binary(text, source)
        return text, enc
    try:
        text, enc = data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        try:
            text, enc = data.decode("cp1252"), "cp1252"
        except UnicodeDecodeError as e:
            raise UnsupportedFormatError(
                f"not text: byte 0x{data[e.start]:02x} at {e.start} is neither UTF-8 nor Windows-1252",
                path=source,
            ) from None
    _refuse_binary(text, source)
    return text, enc


def _bomless_utf16(data: bytes) -> str | None:
    """'utf-16-le'/'utf-16-be' when the bytes look like UTF-16 text without a byte-order mark (Latin
    text: nearly every odd/even byte is zero, and the other half holds none), else None."""
    n = len(data) - len(data) % 2
    if n < 4:
        return None
    even, odd = data[0:n:2], data[1:n:2]
    z_even, z_odd = even.count(0), odd.count(0)
    half = n // 2
    if z_odd >= 0.9 * half and z_even == 0:
        return "utf-16-le"
    if z_even >= 0.9 * half and z_odd == 0:
        return "utf-16-be"
    return None


def _refuse_binary(text: str, source: str) -> None:
    n = len(_CONTROL.findall(text[:65536]))
    if n and n > max(2, len(text[:65536]) // 200):
        raise UnsupportedFormatError(
            f"binary data, not a text note ({n} control characters in the first {min(len(text), 65536)})",
            path=source,
        )


def _binary_message(data: bytes) -> str:
    kind = _sniff_binary_kind(data)
    return f"binary data, not a text note{f' (looks like {kind})' if kind else ''}"


def _sniff_binary_kind(data: bytes) -> str:
    sigs = (
        (b"\x89PNG", "a PNG image"),
        (b"\xff\xd8\xff", "a JPEG image"),
        (b"GIF8", "a GIF image"),
        (b"\xd0\xcf\x11\xe0", "a legacy Office file (.doc/.xls): save it as DOCX"),
        (b"\x1f\x8b", "a gzip archive"),
        (b"PK\x03\x04", "a zip archive"),
        (b"\x7fELF", "a program"),
        (b"MZ", "a program"),
    )
    for sig, name in sigs:
        if data.startswith(sig):
            return name
    return ""


# --------------------------------------------------------------------------------------------- formats
def sniff_format(data: bytes, suffix: str = "") -> str:
    """'dicom' | 'pdf' | 'docx' | 'rtf' | 'text' | 'empty' — by content first, then by suffix."""
    suffix = suffix.lower()
    if not data:
        return "empty"
    if len(data) >= 132 and data[128:132] == b"DICM":
        return "dicom"
    head = data[:1024].lstrip(b"\xef\xbb\xbf \t\r\n")
    if head.startswith(b"%PDF-"):
        return "pdf"
    if data.startswith(b"PK\x03\x04"):
        return "docx"  # checked further by the DOCX reader
    if head.startswith(b"{\\rtf"):
        return "rtf"
    if suffix in DICOM_SUFFIXES:
        return "dicom"
    if suffix == ".pdf":
        return "pdf"
    if suffix == ".docx":
        return "docx"
    if suffix == ".rtf":
        return "rtf"
    return "text"


def read_rtf(data: bytes, source: str) -> str:
    from striprtf.striprtf import rtf_to_text

    raw = data.decode("latin-1")  # RTF is 7-bit; \'xx escapes carry the code page
    try:
        text = rtf_to_text(raw, errors="replace")
    except Exception as e:  # striprtf raises plain exceptions on broken input
        raise IngestError(f"not a readable RTF file: {e}", path=source) from None
    return text


def read_docx(data: bytes, source: str) -> str:
    import zipfile

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            names = set(z.namelist())
            unpacked = sum(i.file_size for i in z.infolist())
    except (zipfile.BadZipFile, NotImplementedError, ValueError, OSError, EOFError) as e:
        # NotImplementedError: zip versions/compression methods the zipfile module does not know (fuzzing found it)
        raise UnsupportedFormatError(f"broken or unsupported zip/DOCX file: {e}", path=source) from None
    if unpacked > MAX_UNPACKED_BYTES:
        raise IngestError(
            f"DOCX too large once unpacked: {unpacked:,} bytes (limit {MAX_UNPACKED_BYTES:,})", path=source
        )
    if "word/document.xml" not in names:
        raise UnsupportedFormatError(
            "a zip archive but not a Word document (no word/document.xml)", path=source
        )
    try:
        import docx
        from docx.table import Table
        from docx.text.paragraph import Paragraph

        d = docx.Document(io.BytesIO(data))
    except Exception as e:
        raise IngestError(f"not a readable DOCX file: {e}", path=source) from None

    lines: list[str] = []

    def table_lines(tbl: Table) -> None:
        for row in tbl.rows:
            cells: list[str] = []
            seen: set[int] = set()
            for cell in row.cells:
                key = id(cell._tc)
                if key in seen:  # merged cells repeat
                    continue
                seen.add(key)
                t = " ".join(p.text.strip() for p in cell.paragraphs if p.text.strip())
                cells.append(t)
            if any(cells):
                lines.append(" | ".join(cells))
        lines.append("")

    body = d.element.body
    for child in body.iterchildren():
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "p":
            lines.append(Paragraph(child, d).text)
        elif tag == "tbl":
            table_lines(Table(child, d))
    return "\n".join(lines)


def read_pdf(data: bytes, source: str) -> str:
    import logging

    try:
        from pypdf import PdfReader
        from pypdf.errors import PdfReadError
    except ImportError as e:  # pragma: no cover
        raise IngestError(f"PDF support is not installed: {e}", path=source) from None
    logging.getLogger("pypdf").setLevel(logging.ERROR)
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            try:
                ok = reader.decrypt("")
            except Exception:
                ok = 0
            if not ok:
                raise IngestError("encrypted PDF: it needs a password", path=source)
        pages: list[str] = []
        total = 0
        for page in reader.pages:
            pages.append(page.extract_text() or "")
            total += len(pages[-1])
            if total > MAX_TEXT_CHARS:  # stop early: a huge PDF is refused anyway
                raise IngestError(
                    f"note too large: more than {MAX_TEXT_CHARS:,} characters of text "
                    f"in the first {len(pages)} of {len(reader.pages)} pages",
                    path=source,
                )
    except IngestError:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, AttributeError, IndexError, OSError) as e:
        raise IngestError(f"not a readable PDF: {e}", path=source) from None
    except Exception as e:  # pypdf raises assorted errors on broken files
        raise IngestError(f"not a readable PDF: {type(e).__name__}: {e}", path=source) from None
    text = "\n\n".join(t.strip("\n") for t in pages)
    if not text.strip():
        raise IngestError(f"no text layer (scanned PDF?): {len(pages)} page(s) without text", path=source)
    return text


# --------------------------------------------------------------------------------------------- entry points
def document_from_bytes(data: bytes, source: str = "<bytes>", kind: str = "note", suffix: str = "") -> Document:
    """Read note bytes of any supported format (sniffed; ``suffix`` helps when the content is ambiguous)."""
    if not isinstance(data, (bytes, bytearray, memoryview)):
        raise IngestError(f"expected bytes, got {type(data).__name__}", path=source)
    data = bytes(data)
    if len(data) > MAX_FILE_BYTES:
        raise IngestError(f"file too large: {len(data):,} bytes (limit {MAX_FILE_BYTES:,})", path=source)
    fmt = sniff_format(data, suffix)
    if fmt == "empty":
        raise IngestError("empty file: nothing to read", path=source)
    if fmt == "dicom":
        return _dicom_sr_bytes(data, source)
    meta: dict[str, Any] = {"format": fmt, "bytes": len(data)}
    if fmt == "pdf":
        text = read_pdf(data, source)
    elif fmt == "docx":
        text = read_docx(data, source)
    elif fmt == "rtf":
        text = read_rtf(data, source)
    else:
        if len(data) > 4 * MAX_TEXT_CHARS + 4:
            raise IngestError(
                f"note too large: {len(data):,} bytes (limit {MAX_TEXT_CHARS:,} characters)", path=source
            )
        text, enc = decode_text(data, source)
        meta["encoding"] = enc
    if not text.strip():
        raise IngestError(f"no text in this {fmt.upper()} file", path=source)
    return document_from_text(text, source=source, kind=kind, metadata=meta)


def load_document(path: str | Path) -> Document:
    """Read a note file (txt/rtf/docx/pdf) or a DICOM SR file into a Document."""
    p = Path(path)
    src = str(path)
    if p.is_dir():
        raise IngestError("is a folder, not a note file", path=src)
    try:
        size = p.stat().st_size
    except FileNotFoundError:
        raise IngestError("no such file", path=src) from None
    except OSError as e:
        raise IngestError(f"cannot read: {e.strerror or e}", path=src) from None
    if size > MAX_FILE_BYTES:
        raise IngestError(f"file too large: {size:,} bytes (limit {MAX_FILE_BYTES:,})", path=src)
    try:
        with open(p, "rb") as f:
            head = f.read(132)
    except OSError as e:
        raise IngestError(f"cannot read: {e.strerror or e}", path=src) from None
    if p.suffix.lower() in DICOM_SUFFIXES or (len(head) >= 132 and head[128:132] == b"DICM"):
        return _dicom_sr(p)
    try:
        data = p.read_bytes()
    except OSError as e:
        raise IngestError(f"cannot read: {e.strerror or e}", path=src) from None
    return document_from_bytes(data, source=src, suffix=p.suffix)


def _dicom_sr_bytes(data: bytes, source: str) -> Document:
    """The text of a DICOM SR held in memory (stdin); other DICOM data is not a note."""
    try:
        from .dicom import load_study_bytes
    except ImportError:
        raise UnsupportedFormatError("DICOM data: DICOM support is not available", path=source) from None
    res = load_study_bytes(data, source)
    for obj in res.others:
        if obj.is_sr:
            return obj.document()
    if res.errors:
        err = res.errors[0]
        if isinstance(err, IngestError) and err.path:
            raise err
        raise IngestError(str(err), path=source)
    raise UnsupportedFormatError("DICOM data without a Structured Report: open it as a study", path=source)


def _dicom_sr(path: Path) -> Document:
    try:
        from .dicom import sr_document
    except ImportError:
        raise UnsupportedFormatError("DICOM file: DICOM support is not available", path=str(path)) from None
    return sr_document(path)
