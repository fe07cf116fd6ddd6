"""PDF export with fpdf2 (imported lazily).

fpdf2's core fonts (Helvetica...) cover latin-1 only and fpdf2 ships no TTF. We embed a Unicode TTF when
one is found on the machine (DejaVu Sans, Liberation Sans, Noto Sans, Arial / Segoe UI on Windows,
Arial Unicode on macOS; or the MEDASSIST_PDF_FONT variable); otherwise we fall back to Helvetica and
transliterate the text to latin-1 (curly quotes, dashes, bullets, µ...), replacing anything else with "?".
"""

from __future__ import annotations

import os
import unicodedata
from pathlib import Path

from medassist.errors import TaskError

from . import normalize_blocks

_CANDIDATES = [
    ("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf", "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"),
    ("/usr/share/fonts/dejavu/DejaVuSans.ttf", "/usr/share/fonts/dejavu/DejaVuSans-Bold.ttf"),
    ("/usr/share/fonts/TTF/DejaVuSans.ttf", "/usr/share/fonts/TTF/DejaVuSans-Bold.ttf"),
    ("/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf", "/usr/share/fonts/truetype/liberation/LiberationSans-Bold.ttf"),
    ("/usr/share/fonts/truetype/noto/NotoSans-Regular.ttf", "/usr/share/fonts/truetype/noto/NotoSans-Bold.ttf"),
    ("C:/Windows/Fonts/segoeui.ttf", "C:/Windows/Fonts/segoeuib.ttf"),
    ("C:/Windows/Fonts/arial.ttf", "C:/Windows/Fonts/arialbd.ttf"),
    ("/Library/Fonts/Arial Unicode.ttf", None),
    ("/System/Library/Fonts/Supplemental/Arial Unicode.ttf", None),
]

_LATIN1 = {
    "\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"', "\u2013": "-", "\u2014": "-", "\u2022": "-",
    "\u2026": "...", "\u00a0": " ", "\u202f": " ", "\u2009": " ", "\u2264": "<=", "\u2265": ">=", "\u2192": "->",
    "\u00b5": "u", "\u03bc": "u", "\u2122": "(TM)", "\u2212": "-",
}


def find_unicode_font() -> tuple[str, str | None] | None:
    env = os.environ.get("MEDASSIST_PDF_FONT")
    if env and Path(env).is_file():
        return env, None
    for regular, bold in _CANDIDATES:
        if Path(regular).is_file():
            return regular, bold if bold and Path(bold).is_file() else None
    return None


def to_latin1(text: str) -> str:
    out = []
    for ch in text:
        if ch in _LATIN1:
            out.append(_LATIN1[ch])
            continue
        try:
            ch.encode("latin-1")
            out.append(ch)
        except UnicodeEncodeError:
            base = unicodedata.normalize("NFKD", ch).encode("latin-1", "ignore").decode("latin-1")
            out.append(base or "?")
    return "".join(out)


def export_pdf(title: str, blocks, path, *, meta: dict | None = None) -> Path:
    from fpdf import FPDF

    path = Path(path)
    pdf = FPDF(format="A4")
    pdf.set_margins(20, 20, 20)
    pdf.set_auto_page_break(True, margin=20)
    font = find_unicode_font()
    if font:
        pdf.add_font("body", "", font[0])
        pdf.add_font("body", "B", font[1] or font[0])
        family = "body"
        clean = lambda s: s  # noqa: E731
    else:
        family = "Helvetica"
        clean = to_latin1
    pdf.set_title(clean(title or ""))
    if meta:
        if meta.get("author"):
            pdf.set_author(clean(meta["author"]))
        if meta.get("subject"):
            pdf.set_subject(clean(meta["subject"]))
    pdf.set_creator("MedAssist")
    pdf.add_page()
    width = pdf.w - pdf.l_margin - pdf.r_margin
    if title:
        pdf.set_font(family, "B", 16)
        pdf.multi_cell(width, 9, clean(title), new_x="LMARGIN", new_y="NEXT")
        pdf.ln(3)
    for heading, paras in normalize_blocks(blocks):
        if heading:
            pdf.set_font(family, "B", 13)
            pdf.multi_cell(width, 8, clean(heading), new_x="LMARGIN", new_y="NEXT")
        pdf.set_font(family, "", 12)
        for p in paras:
            if p.startswith("- "):
                pdf.set_x(pdf.l_margin + 5)
                pdf.multi_cell(width - 5, 6.5, clean("\u2022 " if font else "- ") + clean(p[2:]), new_x="LMARGIN", new_y="NEXT")
            else:
                pdf.multi_cell(width, 6.5, clean(p), new_x="LMARGIN", new_y="NEXT")
        pdf.ln(3)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        pdf.output(str(path))
    except OSError as exc:
        raise TaskError(f"cannot write PDF: {exc.strerror or exc}", path=path) from exc
    return path
