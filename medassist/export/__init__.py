"""Shared document export: DOCX (python-docx), PDF (fpdf2) and plain text.

One small generic API used by letters, reports and the UI:

    export_docx(title, blocks, path, *, meta=None) -> Path
    export_pdf(title, blocks, path, *, meta=None) -> Path
    export_text(title, blocks) -> str

``blocks`` is a list of ``(heading or None, [paragraph, ...])`` or a plain list of paragraphs (strings).
Paragraphs starting with "- " are written as bullet items. ``meta`` may give ``author``/``subject``.
Errors writing the file raise ``medassist.errors.TaskError`` naming the path.
"""

from __future__ import annotations

from typing import Iterable, Sequence, Union

Block = tuple[Union[str, None], Sequence[str]]


def normalize_blocks(blocks: Iterable) -> list[Block]:
    out: list[Block] = []
    for b in blocks:
        if isinstance(b, str):
            out.append((None, [b]))
        else:
            heading, paras = b
            out.append((heading, [paras] if isinstance(paras, str) else list(paras)))
    return out


def export_text(title: str, blocks) -> str:
    lines = [title, ""] if title else []
    for heading, paras in normalize_blocks(blocks):
        if heading:
            lines.append(heading + ":")
        lines.extend(paras)
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def export_docx(title, blocks, path, *, meta=None):
    from .docx import export_docx as f

    return f(title, blocks, path, meta=meta)


def export_pdf(title, blocks, path, *, meta=None):
    from .pdf import export_pdf as f

    return f(title, blocks, path, meta=meta)


__all__ = ["export_docx", "export_pdf", "export_text", "normalize_blocks"]
