"""DOCX export with python-docx (imported lazily)."""

from __future__ import annotations

from pathlib import Path

from medassist.errors import TaskError

from . import normalize_blocks


def export_docx(title: str, blocks, path, *, meta: dict | None = None) -> Path:
    from docx import Document as DocxDocument
    from docx.shared import Pt

    path = Path(path)
    doc = DocxDocument()
    style = doc.styles["Normal"]
    style.font.name = "Calibri"
    style.font.size = Pt(12)
    if title:
        doc.add_heading(title, level=1)
    for heading, paras in normalize_blocks(blocks):
        if heading:
            doc.add_heading(heading, level=2)
        for p in paras:
            if p.startswith("- "):
                doc.add_paragraph(p[2:], style="List Bullet")
            else:
                doc.add_paragraph(p)
    props = doc.core_properties
    props.title = title or ""
    if meta:
        props.author = meta.get("author", "") or ""
        props.subject = meta.get("subject", "") or ""
    props.comments = "Drafted by MedAssist; checked by a clinician before use."
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        doc.save(str(path))
    except OSError as exc:
        raise TaskError(f"cannot write DOCX: {exc.strerror or exc}", path=path) from exc
    return path
