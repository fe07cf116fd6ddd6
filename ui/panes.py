"""Widgets of a tab: the note view (evidence and mention styling) and the task panes (Summary, Codes,
Letter, Report). Panes only show results and raise signals; the window does the history writes (in
workers). No engine module is imported here at import time."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QEvent, QSize, Qt, Signal
from PySide6.QtGui import QColor, QFont, QSyntaxHighlighter, QTextCharFormat, QTextCursor, QTextFormat
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMenu,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableWidget,
    QTableWidgetItem,
    QTextBrowser,
    QTextEdit,
    QToolTip,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

DRAFT_TEXT = "AI draft — not yet reviewed"

#: How each mention status is drawn in the note view, and what its tooltip says.
MENTION_STYLES: dict[str, dict[str, Any]] = {
    "negated": {"color": "#7b8794", "strike": True, "italic": False,
                "explain": "Negated: the note says this is absent"},
    "uncertain": {"color": "#8d6e00", "strike": False, "italic": True,
                  "explain": "Uncertain: the note raises this as possible, not confirmed"},
    "historical": {"color": "#5a4fcf", "strike": False, "italic": False, "dotted": True,
                   "explain": "Historical: a past condition, not a current problem"},
    "family": {"color": "#2f7d6d", "strike": False, "italic": True, "dotted": True,
               "explain": "Family history: about a relative, not the patient"},
    "hypothetical": {"color": "#8d6e00", "strike": False, "italic": True,
                     "explain": "Hypothetical: mentioned as a possibility or instruction"},
}


#: the same styles on the dark theme's near-black base: lighter shades of each colour, so none is lost
DARK_MENTION_COLORS = {"negated": "#a3adb8", "uncertain": "#e6b800", "historical": "#a9a3ff", "family": "#5fc9b2",
                       "hypothetical": "#e6b800"}


def _dark_theme() -> bool:
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance()
    return app is not None and app.property("medassistTheme") == "dark"


def mention_color(status: str) -> str:
    return DARK_MENTION_COLORS.get(status, "") if _dark_theme() else MENTION_STYLES[status]["color"]


# ------------------------------------------------------------------------------------------ note view
class NoteView(QTextEdit):
    """Read-only view of the document text. Offsets given to it are Python string offsets into
    ``Document.text``; characters outside the BMP (two UTF-16 units in Qt) are accounted for."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setReadOnly(True)
        self.setTextInteractionFlags(Qt.TextSelectableByMouse | Qt.TextSelectableByKeyboard)
        self.setAccessibleName("Note text")
        self.setObjectName("noteView")
        f = QFont("monospace")
        f.setStyleHint(QFont.Monospace)
        self.setFont(f)
        self.setLineWrapMode(QTextEdit.WidgetWidth)
        self._astral: list[int] = []
        self.mentions: list[tuple[int, int, str, str]] = []  # start, end, status, tooltip (Python offsets)
        self._evidence_sel: list[QTextEdit.ExtraSelection] = []

    def set_source_text(self, text: str) -> None:
        # Qt turns \r, \r\n into block breaks; keep one character per Python character.
        shown = text.replace("\r\n", " \n").replace("\r", "\n")
        self._astral = [i for i, ch in enumerate(text) if ord(ch) > 0xFFFF]
        self.setPlainText(shown)
        self.mentions = []

    def qt_pos(self, offset: int) -> int:
        if not self._astral:
            return offset
        import bisect

        return offset + bisect.bisect_left(self._astral, offset)

    def py_pos(self, qt: int) -> int:
        if not self._astral:
            return qt
        off = qt
        for a in self._astral:
            if a < off:
                off -= 1
        return off

    def selected_span(self) -> tuple[int, int]:
        c = self.textCursor()
        return self.py_pos(c.selectionStart()), self.py_pos(c.selectionEnd())

    def show_span(self, start: int, end: int) -> None:
        """Select ``[start, end)``, paint it, and scroll it into view."""
        cur = self.textCursor()
        cur.setPosition(self.qt_pos(start))
        cur.setPosition(self.qt_pos(end), QTextCursor.KeepAnchor)
        self.setTextCursor(cur)
        sel = QTextEdit.ExtraSelection()
        sel.cursor = QTextCursor(cur)
        fmt = QTextCharFormat()
        fmt.setBackground(QColor("#ffe066"))
        fmt.setForeground(QColor("#111111"))
        sel.format = fmt
        self._evidence_sel = [sel]
        self.setExtraSelections(self._evidence_sel)
        self.ensureCursorVisible()

    def mark_mention(self, start: int, end: int, status: str, tooltip: str) -> None:
        style = MENTION_STYLES.get(status)
        if style is None or end <= start:
            return
        cur = QTextCursor(self.document())
        cur.setPosition(self.qt_pos(start))
        cur.setPosition(self.qt_pos(end), QTextCursor.KeepAnchor)
        fmt = QTextCharFormat()
        color = mention_color(status) or style["color"]
        fmt.setForeground(QColor(color))
        fmt.setFontStrikeOut(bool(style.get("strike")))
        fmt.setFontItalic(bool(style.get("italic")))
        if style.get("dotted"):
            fmt.setUnderlineStyle(QTextCharFormat.DotLine)
            fmt.setUnderlineColor(QColor(color))
        fmt.setToolTip(tooltip)
        fmt.setProperty(QTextFormat.UserProperty + 1, status)
        cur.mergeCharFormat(fmt)
        self.mentions.append((start, end, status, tooltip))

    def restyle_mentions(self) -> None:
        """Paint the marked mentions again in the current theme's colours (after a theme change)."""
        marks, self.mentions = list(self.mentions), []
        for start, end, status, tip in marks:
            self.mark_mention(start, end, status, tip)

    def mention_at(self, offset: int) -> tuple[int, int, str, str] | None:
        for m in self.mentions:
            if m[0] <= offset < m[1]:
                return m
        return None

    def tooltip_at(self, offset: int) -> str:
        m = self.mention_at(offset)
        return m[3] if m else ""

    def viewportEvent(self, event) -> bool:  # hover explains the styled mention
        if event.type() == QEvent.ToolTip:
            cur = self.cursorForPosition(event.pos())
            tip = self.tooltip_at(self.py_pos(cur.position()))
            if tip:
                QToolTip.showText(event.globalPos(), tip, self)
            else:
                QToolTip.hideText()
            return True
        return super().viewportEvent(event)


# ------------------------------------------------------------------------------------------ pane base
class DraftBanner(QLabel):
    """"AI draft — not yet reviewed" until a person accepts (or rejects) the draft."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("draftBanner")
        self.setAccessibleName("Draft status")
        self.setWordWrap(True)
        self.set_state("draft")

    def set_state(self, state: str, detail: str = "") -> None:
        self.state = state
        if state == "draft":
            text, style = DRAFT_TEXT, "background:#fff3c4; color:#5c4400; border:1px solid #e0b400;"
        elif state == "accepted":
            text, style = f"Accepted{detail}", "background:#dff5e3; color:#14532d; border:1px solid #58b368;"
        elif state == "rejected":
            text, style = f"Rejected{detail}", "background:#fde2e1; color:#7f1d1d; border:1px solid #d9534f;"
        elif state == "running":
            text, style = detail or "Working…", "background:#e6f0fb; color:#1e3a5f; border:1px solid #8fb3de;"
        elif state == "cancelled":
            text, style = "Cancelled", "background:#eceff1; color:#37474f; border:1px solid #90a4ae;"
        else:  # failed
            text, style = f"Failed: {detail}", "background:#fde2e1; color:#7f1d1d; border:1px solid #d9534f;"
        self.setText(text)
        self.setStyleSheet(f"QLabel#draftBanner {{ {style} padding:6px 10px; border-radius:6px; font-weight:600; }}")


def _esc(text: Any) -> str:
    import html

    return html.escape(str(text), quote=False)


#: (background, text, border) of the boxes; explicit pairs so they read the same in the light and dark themes.
BOX_STYLES = {
    "warn": ("#fff4d6", "#5c3d00", "#e0a800"),
    "ok": ("#e3f5e6", "#14532d", "#7cc48a"),
    "info": ("#e8eef6", "#1e3a5f", "#9db6d6"),
    "danger": ("#fde6e4", "#7f1d1d", "#e08a84"),
}


class CheckBox(QLabel):
    """A boxed list of checks (warnings in amber, a passed check in green) shown next to the draft."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("checksBox")
        self.setWordWrap(True)
        self.setTextFormat(Qt.RichText)
        self.setTextInteractionFlags(Qt.TextSelectableByMouse)
        self.lines: list[str] = []
        self.level = ""
        self.setVisible(False)

    def show_lines(self, lines: list[str], level: str = "warn", head: str = "") -> None:
        self.lines = [str(x) for x in lines if str(x).strip()]
        self.level = level if self.lines or head else ""
        if not self.lines and not head:
            self.clear()
            self.setVisible(False)
            return
        bg, fg, border = BOX_STYLES.get(level, BOX_STYLES["warn"])
        parts = [f"<b>{_esc(head)}</b>"] if head else []
        if self.lines:
            parts.append("<br>".join(f"• {_esc(x)}" for x in self.lines))
        self.setText("<br>".join(parts))
        self.setStyleSheet(f"QLabel#checksBox {{ background:{bg}; color:{fg}; border:1px solid {border}; "
                           "border-radius:6px; padding:5px 8px; }")
        self.setVisible(True)


class TaskPane(QWidget):
    """Common frame: banner, progress + cancel, body, and a row of actions."""

    accepted = Signal(str)  # item ("run" or "codes/3")
    rejected = Signal(str)
    cancelRequested = Signal()
    copyRequested = Signal()
    exportRequested = Signal(str)  # format

    title = "Task"
    export_formats: tuple[str, ...] = ()

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.run_id: int | None = None
        self.result: Any = None
        self.setAccessibleName(f"{self.title} pane")
        outer = QVBoxLayout(self)
        outer.setContentsMargins(8, 8, 8, 8)
        self.banner = DraftBanner(self)
        outer.addWidget(self.banner)
        prow = QHBoxLayout()
        self.progress = QProgressBar(self)
        self.progress.setAccessibleName(f"{self.title} progress")
        self.progress.setRange(0, 0)
        self.progress.setTextVisible(False)
        self.progress.setMaximumHeight(10)
        self.cancel_button = QPushButton("Cancel", self)
        self.cancel_button.setAccessibleName(f"Cancel {self.title.lower()}")
        self.cancel_button.clicked.connect(self.cancelRequested)
        prow.addWidget(self.progress, 1)
        prow.addWidget(self.cancel_button)
        outer.addLayout(prow)
        # what a person must check before using the draft: shown above the draft, never only in a tooltip
        self.checks = CheckBox(self)
        self.checks.setAccessibleName(f"{self.title} checks")
        outer.addWidget(self.checks)
        self.body = QVBoxLayout()
        outer.addLayout(self.body, 1)
        self.notes = QLabel(self)
        self.notes.setObjectName("paneNotes")
        self.notes.setWordWrap(True)
        self.notes.setVisible(False)
        self.notes.setStyleSheet("color:#52606d;")
        outer.addWidget(self.notes)
        row = QHBoxLayout()
        self.accept_button = QPushButton("Accept", self)
        self.accept_button.setToolTip("Accept this draft (Ctrl+Enter)")
        self.reject_button = QPushButton("Reject", self)
        self.copy_button = QPushButton("Copy", self)
        self.copy_button.setToolTip("Copy to the clipboard for the EHR")
        for b, name in ((self.accept_button, "Accept"), (self.reject_button, "Reject"), (self.copy_button, "Copy")):
            b.setAccessibleName(f"{name} {self.title.lower()}")
            row.addWidget(b)
        self.accept_button.clicked.connect(lambda: self.accepted.emit("run"))
        self.reject_button.clicked.connect(lambda: self.rejected.emit("run"))
        self.copy_button.clicked.connect(self.copyRequested)
        row.addStretch(1)
        self.export_buttons: dict[str, QPushButton] = {}
        for fmt in self.export_formats:
            b = QPushButton(fmt.upper(), self)
            b.setToolTip(f"Export as {fmt.upper()}")
            b.setAccessibleName(f"Export {self.title.lower()} as {fmt.upper()}")
            b.clicked.connect(lambda _=False, f=fmt: self.exportRequested.emit(f))
            row.addWidget(b)
            self.export_buttons[fmt] = b
        outer.addLayout(row)
        self.set_busy(True, "Waiting…")

    def set_busy(self, busy: bool, message: str = "") -> None:
        self.progress.setVisible(busy)
        self.cancel_button.setVisible(busy)
        for b in [self.accept_button, self.reject_button, self.copy_button, *self.export_buttons.values()]:
            b.setEnabled(not busy and self.result is not None)
        if busy:
            self.banner.set_state("running", message or f"{self.title}: working…")

    def set_progress(self, pct: int, message: str) -> None:
        if pct < 0:
            self.progress.setRange(0, 0)
        else:
            self.progress.setRange(0, 100)
            self.progress.setValue(pct)
        if message:
            self.banner.set_state("running", message)

    def set_cancelled(self) -> None:
        self.set_busy(False)
        self.banner.set_state("cancelled")

    def set_failed(self, message: str) -> None:
        self.set_busy(False)
        self.banner.set_state("failed", message)

    def set_notes(self, notes: list[str]) -> None:
        self.notes.setText("\n".join(f"Note: {n}" for n in notes))
        self.notes.setVisible(bool(notes))

    def set_result(self, result: Any, run_id: int | None = None) -> None:
        self.result = result
        self.run_id = run_id
        self.set_busy(False)
        self.banner.set_state("draft")

    def set_decision(self, decision: str, who: str = "", when: str = "") -> None:
        detail = f" by {who}" if who else ""
        detail += f" at {when}" if when else ""
        self.banner.set_state(decision, detail)

    # overridden by panes
    def clipboard_text(self) -> str:
        return ""

    def edited(self) -> tuple[str, str] | None:
        """(before, after) when the user changed the draft text, else None."""
        return None


# ------------------------------------------------------------------------------------------ summary
#: Every part of ``Summary.to_dict()`` the pane shows, in order: (key, heading, style). Drugs given in hospital
#: only have their own heading, apart from the medicines to take; return precautions are never left out.
SUMMARY_PARTS = [
    ("synopsis", "Synopsis", ""),
    ("problems", "Problems", ""),
    ("medications", "Medications (discharge / home list)", ""),
    ("hospital_medications", "Given in hospital only — NOT for home (not on the discharge list)", "hospital"),
    ("allergies", "Allergies", ""),
    ("key_results", "Key results", ""),
    ("procedures", "Procedures", ""),
    ("plan", "Plan", ""),
    ("follow_up", "Follow-up", ""),
    ("return_precautions", "Return precautions — when to seek care", "precautions"),
]
SUMMARY_SECTIONS = [(k, label) for k, label, _ in SUMMARY_PARTS]  # kept for callers of the old name
#: parts listed even when empty, so "nothing documented" is visible rather than silently absent
ALWAYS_SHOWN = {"medications": "none documented in the note", "allergies": "none documented in the note"}
PART_STYLES = {  # (header background, header text, item text) — explicit pairs, readable in both themes
    "hospital": ("#fde2cf", "#7c2d12", None),
    "precautions": ("#fde6e4", "#7f1d1d", None),
    "": (None, None, None),
}
CHANGE_LABELS = {"stop": "STOP", "start": "NEW", "change": "CHANGED", "hold": "HOLD", "increase": "DOSE UP",
                 "decrease": "DOSE DOWN", "continue": "CONTINUE"}


def summary_item_text(key: str, e: dict) -> str:
    """How one summary item reads in the pane (and in exports): the note's words plus what the fields add."""
    text = e.get("text", "")
    f = e.get("fields") or {}
    if key == "medications":
        change = str(f.get("change") or "").lower()
        label = CHANGE_LABELS.get(change, change.upper())
        first = text.split()[0].lower().rstrip(":") if text.split() else ""
        if label and not text.upper().startswith(label) and first != change:  # "Increase Lasix…" says it already
            text = f"{label}: {text}"
    elif key == "hospital_medications":
        text = f"{text} — given in hospital"
    elif key == "key_results" and f.get("flag"):
        text = f"{text}  [{f['flag']}]"
    elif key == "problems" and f.get("status") and f["status"] != "affirmed" and f["status"] not in text.lower():
        text = f"{text}  ({f['status']})"  # ("Acute kidney injury, resolved" says it already)
    if e.get("composed"):
        text += "  (joined from the note's fields)"
    if not e.get("evidence"):
        text += "  (no evidence in the note)"
    return text


def summary_parts(d: dict) -> dict[str, list[dict]]:
    """The entries of each part. A medicine whose setting is "inpatient" is shown with the drugs given in
    hospital even if it came in the medications list: the pane never presents it as one to take."""
    parts: dict[str, list[dict]] = {}
    for key, _label, _style in SUMMARY_PARTS:
        val = d.get(key)
        parts[key] = [val] if isinstance(val, dict) else list(val or [])
    inpatient = [m for m in parts["medications"] if (m.get("fields") or {}).get("setting") == "inpatient"]
    if inpatient:
        parts["medications"] = [m for m in parts["medications"] if m not in inpatient]
        parts["hospital_medications"] = parts["hospital_medications"] + inpatient
    return parts


def summary_blocks(d: dict) -> list:
    """(heading, lines) for the DOCX/PDF export: the same parts and wording as the pane."""
    out = []
    parts = summary_parts(d)
    for key, label, _style in SUMMARY_PARTS:
        entries = parts[key]
        if key == "synopsis":
            if entries:
                out.append((label, [entries[0].get("text", "")]))
            continue
        if entries:
            out.append((label, ["- " + summary_item_text(key, e) for e in entries]))
        elif key in ALWAYS_SHOWN:
            out.append((label, [f"- ({ALWAYS_SHOWN[key]})"]))
    if d.get("abstract"):
        a = d["abstract"]
        out.append((f"Prose draft ({a.get('model') or 'model'}) — generated, check every sentence",
                    [a.get("text", "")] + [f"! unsupported {f.get('kind')}: {f.get('text')}" for f in a.get("flags") or []]))
    return out


class _WrapDelegate(QStyledItemDelegate):
    """Row heights for wrapped text: a QTreeView sizes rows before it knows the column width, so a long line
    (the synopsis) would end in "…"; this measures the text at the column's width."""

    def __init__(self, tree: QTreeWidget):
        super().__init__(tree)
        self.tree = tree

    def sizeHint(self, option, index):  # noqa: N802 (Qt name)
        size = super().sizeHint(option, index)
        depth, parent = 0, index.parent()
        while parent.isValid():
            depth, parent = depth + 1, parent.parent()
        width = self.tree.viewport().width() - self.tree.indentation() * (depth + 1) - 12
        if width <= 50:
            return size
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        rect = opt.fontMetrics.boundingRect(0, 0, width, 100000, int(Qt.TextWordWrap), opt.text)
        return QSize(size.width(), max(size.height(), rect.height() + 2))


class SummaryPane(TaskPane):
    title = "Summary"
    export_formats = ("docx", "pdf")
    evidenceClicked = Signal(int, int)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.provenance = QLabel(self)
        self.provenance.setObjectName("summaryProvenance")
        self.provenance.setAccessibleName("Summary provenance")
        self.provenance.setWordWrap(True)
        self.provenance.setVisible(False)
        self.body.addWidget(self.provenance)
        self.tree = QTreeWidget(self)
        self.tree.setHeaderHidden(True)
        self.tree.setAccessibleName("Summary items")
        self.tree.setWordWrap(True)
        self.tree.setUniformRowHeights(False)
        self.tree.setTextElideMode(Qt.ElideNone)  # long lines wrap instead of ending in "…"
        self.tree.header().setStretchLastSection(True)
        self.tree.header().setSectionResizeMode(0, QHeaderView.Stretch)
        self.tree.setItemDelegate(_WrapDelegate(self.tree))
        self.tree.header().sectionResized.connect(lambda *_: self.tree.doItemsLayout())
        self.tree.itemClicked.connect(self._clicked)
        self.body.addWidget(self.tree)
        self.items: list[tuple[QTreeWidgetItem, dict]] = []
        self.heads: dict[str, QTreeWidgetItem] = {}
        self.data: dict = {}

    def set_result(self, result, run_id=None) -> None:
        super().set_result(result, run_id)
        d = result.to_dict() if hasattr(result, "to_dict") else dict(result)
        self.data = d
        self.tree.clear()
        self.items = []
        self.heads = {}
        parts = summary_parts(d)
        for key, label, style in SUMMARY_PARTS:
            entries = parts[key]
            if not entries and key not in ALWAYS_SHOWN:
                continue
            head = QTreeWidgetItem(self.tree, [label])
            head.setData(0, Qt.UserRole + 1, key)
            f = head.font(0)
            f.setBold(True)
            head.setFont(0, f)
            bg, fg, _ = PART_STYLES.get(style, PART_STYLES[""])
            if bg:
                head.setBackground(0, QColor(bg))
                head.setForeground(0, QColor(fg))
            if key == "hospital_medications":
                head.setToolTip(0, "Drugs the note says were given during the stay (IV, anaesthetic, inpatient-only). "
                                   "They are not medicines to take at home.")
            elif key == "return_precautions":
                head.setToolTip(0, "Warning signs: when the patient must come back or seek urgent care")
            self.heads[key] = head
            if not entries:
                it = QTreeWidgetItem(head, [f"({ALWAYS_SHOWN[key]})"])
                it.setData(0, Qt.UserRole, None)
            for e in entries:
                ev = e.get("evidence") or []
                it = QTreeWidgetItem(head, [summary_item_text(key, e)])
                tip = "Click to show where the note says this" if ev else "No evidence in the note"
                if key == "hospital_medications":
                    tip = "Given in hospital only — do not list it as a medicine to take. " + tip
                it.setToolTip(0, tip)
                it.setData(0, Qt.UserRole, e)
                if key == "hospital_medications":
                    fi = it.font(0)
                    fi.setItalic(True)
                    it.setFont(0, fi)
                self.items.append((it, e))
            head.setExpanded(True)
        if d.get("abstract"):
            a = d["abstract"]
            head = QTreeWidgetItem(self.tree, [f"Prose draft ({a.get('model') or 'model'}) — generated, check every sentence"])
            f = head.font(0)
            f.setBold(True)
            head.setFont(0, f)
            self.heads["abstract"] = head
            QTreeWidgetItem(head, [a.get("text", "")])
            for fl in a.get("flags") or []:
                QTreeWidgetItem(head, [f"⚠ unsupported {fl.get('kind')}: “{fl.get('text')}” ({fl.get('reason', '')})"])
            head.setExpanded(True)
        self.provenance.setText(self._provenance_text(d))
        self.provenance.setVisible(True)
        self.checks.show_lines(list(d.get("warnings") or []), "warn", "Check:" if d.get("warnings") else "")

    @staticmethod
    def _provenance_text(d: dict) -> str:
        method = d.get("method", "extractive")
        if method == "extractive":
            how = "Extractive: every line is copied from the note"
        else:
            how = f"Method: {method}"
        sel = d.get("selection")
        if sel == "embedding-mmr":
            how += " (synopsis and plan sentences chosen by the embedding model)"
        elif sel:
            how += f" (sentences chosen by {sel})"
        models = ", ".join(f"{m.get('name')} {m.get('version', '')}".strip() for m in d.get("models") or [])
        if models:
            how += f" · models: {models}"
        return how + " · click a line to see it in the note"

    def part_texts(self, key: str) -> list[str]:
        """The lines shown under one part's heading (empty when the part is not shown)."""
        head = self.heads.get(key)
        return [head.child(i).text(0) for i in range(head.childCount())] if head is not None else []

    def _clicked(self, item: QTreeWidgetItem, _col: int = 0) -> None:
        e = item.data(0, Qt.UserRole)
        if e and e.get("evidence"):
            ev = e["evidence"][0]
            self.evidenceClicked.emit(int(ev["start"]), int(ev["end"]))

    def click_item(self, index: int) -> None:
        it, _ = self.items[index]
        self.tree.setCurrentItem(it)
        self._clicked(it)

    def clipboard_text(self) -> str:
        from medassist.tasks.summarize import render_text

        return render_text(self.data)

    def blocks(self) -> list:
        return summary_blocks(self.data)


# ------------------------------------------------------------------------------------------ codes
STATUS_WORDS = {"affirmed": "affirmed (the note states it)", "negated": "negated — the note says it is absent",
                "uncertain": "uncertain — raised as possible, not confirmed", "historical": "historical — a past condition",
                "family": "family history — about a relative", "hypothetical": "hypothetical — a possibility or instruction"}


def code_note_tags(c: dict) -> str:
    """Short tags for a code's coding notes (the Notes column): the full text is in the detail panel."""
    tags = []
    for w in c.get("warnings") or []:
        low = w.lower()
        tag = ("code first" if low.startswith("code first") else "use additional" if low.startswith("use additional")
               else "why not suggested" if low.startswith("not suggested")
               else "as a mention" if low.startswith("suggested as a mention")
               else "below threshold" if low.startswith("suggested below")
               else "why suggested" if low.startswith("suggested: ")
               else "more specific" if low.startswith("more specific") else "code also" if low.startswith("code also")
               else "combination" if low.startswith("combination")
               else "Excludes1" if "excludes1" in low else "Excludes2" if "excludes2" in low
               else "not billable" if "not billable" in low else "from family mention" if "family mention" in low
               else "use additional" if "use additional" in low
               else " ".join(w.split(":")[0].split()[:2]) or "note")
        if tag not in tags:
            tags.append(tag)
    if c.get("billable") is False and "not billable" not in tags:
        tags.append("not billable")
    return " · ".join(tags)


def code_detail_html(c: dict) -> str:
    """Everything ``to_dict()`` gives about one code, for the detail panel (unknown keys listed at the end)."""
    out = [f"<b>{_esc(c.get('code', ''))}</b> {_esc(c.get('description', ''))}"]
    status = c.get("status") or "affirmed"
    line = f"Context: {_esc(STATUS_WORDS.get(status, status))}"
    cue = c.get("cue") or {}
    if cue.get("text"):
        line += f" (cue <a href='ev:{int(cue['start'])}-{int(cue['end'])}'>“{_esc(cue['text'])}”</a>)"
    line += " · " + ("suggested" if c.get("suggested") else "not suggested")
    line += f" · score {float(c.get('score', 0)):.2f}"
    if "billable" in c:
        line += " · " + ("billable" if c.get("billable") else "<b>not billable</b>")
    out.append(line)
    ev = c.get("evidence") or []
    if ev:
        links = ", ".join(f"<a href='ev:{int(e['start'])}-{int(e['end'])}'>“{_esc(e['text'])}”</a>" for e in ev)
        out.append(f"Evidence ({len(ev)}): {links}")
    else:
        out.append("<i>No evidence in the note</i>")
    if c.get("sources"):
        out.append("Found by: " + _esc(", ".join(map(str, c["sources"]))))
    for w in c.get("warnings") or []:
        out.append(f"<span style='color:#b45309'>⚠ {_esc(w)}</span>")
    known = {"code", "description", "status", "cue", "suggested", "score", "billable", "evidence", "sources", "warnings"}
    for k, v in c.items():
        if k not in known and v not in (None, "", [], {}):
            out.append(f"{_esc(k.replace('_', ' '))}: {_esc(v if not isinstance(v, (list, dict)) else __import__('json').dumps(v))}")
    return "<br>".join(out)


class _WrapTable(QTableWidget):
    """A table whose rows grow to their wrapped text whenever its width changes."""

    def resizeEvent(self, event) -> None:  # noqa: N802 (Qt name)
        super().resizeEvent(event)
        self.resizeRowsToContents()


class CodesPane(TaskPane):
    title = "Codes"
    export_formats = ("csv",)
    evidenceClicked = Signal(int, int)
    COLUMNS = ["Code", "Description", "Status", "Score", "Decision", "Notes"]

    def __init__(self, parent=None):
        super().__init__(parent)
        self.show_all = QCheckBox("Show candidates below the threshold", self)
        self.show_all.setAccessibleName("Show all code candidates")
        self.show_all.toggled.connect(lambda _: self._fill())
        self.body.addWidget(self.show_all)
        self.table = _WrapTable(0, len(self.COLUMNS), self)
        self.table.setAccessibleName("Code suggestions")
        self.table.setHorizontalHeaderLabels(self.COLUMNS)
        self.table.setSelectionBehavior(QAbstractItemView.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        h = self.table.horizontalHeader()
        h.setSectionResizeMode(1, QHeaderView.Stretch)
        for c in (0, 2, 3, 4):
            h.setSectionResizeMode(c, QHeaderView.ResizeToContents)
        h.setSectionResizeMode(5, QHeaderView.Interactive)  # short tags, wrapped; the full notes are in the detail
        h.resizeSection(5, 130)
        self.table.setWordWrap(True)
        self.table.setTextElideMode(Qt.ElideNone)
        h.sectionResized.connect(lambda *_: self.table.resizeRowsToContents())
        self.table.cellClicked.connect(self._clicked)
        self.table.currentCellChanged.connect(lambda r, *_: self._show_detail(r))
        self.body.addWidget(self.table, 4)
        # the selected code in full: context, every evidence span (click to show it), coding notes
        self.detail = QTextBrowser(self)
        self.detail.setObjectName("codeDetail")
        self.detail.setAccessibleName("Selected code details")
        self.detail.setOpenLinks(False)
        self.detail.setOpenExternalLinks(False)
        self.detail.anchorClicked.connect(self._anchor)
        self.detail.setMinimumHeight(120)
        self.detail.setPlaceholderText("Select a code to see its evidence, context and coding notes")
        self.body.addWidget(self.detail, 1)
        self.provenance = QLabel(self)
        self.provenance.setObjectName("codesProvenance")
        self.provenance.setAccessibleName("Codes provenance")
        self.provenance.setWordWrap(True)
        self.body.addWidget(self.provenance)
        crow = QHBoxLayout()
        self.accept_code = QPushButton("Accept code", self)
        self.reject_code = QPushButton("Reject code", self)
        self.accept_code.setAccessibleName("Accept selected code")
        self.reject_code.setAccessibleName("Reject selected code")
        self.accept_code.clicked.connect(lambda: self._decide("accepted"))
        self.reject_code.clicked.connect(lambda: self._decide("rejected"))
        crow.addWidget(self.accept_code)
        crow.addWidget(self.reject_code)
        crow.addStretch(1)
        self.body.addLayout(crow)
        self.accept_button.setText("Accept all")
        self.codes: list[dict] = []
        self.rows: list[int] = []  # row -> index into self.codes
        self.decisions: dict[int, str] = {}

    def set_busy(self, busy, message=""):
        super().set_busy(busy, message)
        if hasattr(self, "accept_code"):
            self.accept_code.setEnabled(not busy and self.result is not None)
            self.reject_code.setEnabled(not busy and self.result is not None)

    def set_result(self, result, run_id=None) -> None:
        super().set_result(result, run_id)
        d = result.to_dict() if hasattr(result, "to_dict") else dict(result)
        self.data = d
        self.codes = list(d.get("codes") or [])
        self.decisions = {}
        self._fill()
        self.detail.clear()
        bits = [str(d.get("code_set") or "ICD-10-CM")]
        if d.get("threshold") is not None:
            bits.append(f"suggested at score ≥ {float(d['threshold']):.2f}")
        if d.get("encounter") == "inpatient":  # Settings › Coding encounter
            bits.append("inpatient rules: uncertain diagnoses coded as established")
        elif d.get("encounter"):
            bits.append("outpatient rules: uncertain diagnoses not coded")
        if d.get("scope") == "mentioned":  # Settings › Suggested codes
            bits.append("every condition mentioned suggested, whatever its status (abstraction)")
        models = ", ".join(f"{m.get('name')} {m.get('version', '')}".strip() for m in d.get("models") or [])
        bits.append(f"model: {models}" if models else "no model recorded")
        self.provenance.setText(" · ".join(bits))
        noted = sum(1 for i in self.rows if self.codes[i].get("warnings"))
        self.checks.show_lines(list(d.get("notices") or []), "warn",
                               f"{noted} suggested code(s) carry coding notes (code first, use additional, "
                               "Excludes1, …): see the Notes column and the details of the code" if noted else "")
        self.accept_code.setEnabled(True)
        self.reject_code.setEnabled(True)

    def _fill(self) -> None:
        show_all = self.show_all.isChecked()
        self.rows = [i for i, c in enumerate(self.codes) if show_all or c.get("suggested")]
        self.table.setRowCount(len(self.rows))
        for r, i in enumerate(self.rows):
            c = self.codes[i]
            vals = [c["code"], c.get("description", ""), c.get("status", ""), f"{float(c.get('score', 0)):.2f}",
                    self.decisions.get(i, ""), code_note_tags(c)]
            ev = c.get("evidence") or []
            for col, v in enumerate(vals):
                item = QTableWidgetItem(v)
                if col == 1:
                    tip = "; ".join(f"“{e['text']}”" for e in ev[:3]) or "no evidence in the note"
                    if c.get("warnings"):
                        tip += "\n" + "\n".join(c["warnings"])
                    item.setToolTip(tip)
                elif col == 5 and c.get("warnings"):
                    item.setToolTip("\n".join(c["warnings"]))
                    if c.get("suggested"):
                        item.setForeground(QColor("#b45309"))
                if not c.get("suggested"):
                    item.setForeground(QColor("#7b8794"))
                self.table.setItem(r, col, item)
        self.table.resizeRowsToContents()  # wrapped descriptions in full, not ending in "…"

    def _clicked(self, row: int, _col: int = 0) -> None:
        if 0 <= row < len(self.rows):
            ev = self.codes[self.rows[row]].get("evidence") or []
            if ev:
                self.evidenceClicked.emit(int(ev[0]["start"]), int(ev[0]["end"]))
            self._show_detail(row)

    def _show_detail(self, row: int) -> None:
        if not (0 <= row < len(self.rows)):
            return
        self.detail.setHtml(code_detail_html(self.codes[self.rows[row]]))

    def _anchor(self, url) -> None:
        ref = url.toString()
        if ref.startswith("ev:"):
            a, b = ref[3:].split("-", 1)
            self.evidenceClicked.emit(int(a), int(b))

    def row_of(self, code: str) -> int:
        for r, i in enumerate(self.rows):
            if self.codes[i]["code"] == code:
                return r
        raise KeyError(code)

    def click_code(self, code: str) -> None:
        r = self.row_of(code)
        self.table.selectRow(r)
        self._clicked(r)

    def _decide(self, decision: str) -> None:
        r = self.table.currentRow()
        if r < 0 or r >= len(self.rows):
            return
        i = self.rows[r]
        (self.accepted if decision == "accepted" else self.rejected).emit(f"codes/{i}")

    def mark(self, item: str, decision: str) -> None:
        if item.startswith("codes/"):
            i = int(item.split("/", 1)[1])
            self.decisions[i] = decision
            if i in self.rows:
                self.table.item(self.rows.index(i), 4).setText(decision)
        else:
            for i in self.rows:
                self.decisions.setdefault(i, decision)
            self._fill()

    def clipboard_text(self) -> str:
        rows = [self.codes[i] for i in self.rows if self.decisions.get(i) != "rejected"]
        return "\n".join(f"{c['code']}\t{c.get('description', '')}" for c in rows) + "\n"

    def csv_text(self) -> str:
        import csv
        import io

        buf = io.StringIO()
        w = csv.writer(buf)
        w.writerow(["code", "description", "status", "score", "suggested", "decision", "evidence"])
        for i, c in enumerate(self.codes):
            if not c.get("suggested") and i not in self.decisions:
                continue
            ev = " | ".join(e["text"] for e in c.get("evidence") or [])
            w.writerow([c["code"], c.get("description", ""), c.get("status", ""), f"{float(c.get('score', 0)):.3f}",
                        bool(c.get("suggested")), self.decisions.get(i, ""), ev])
        return buf.getvalue()


# ------------------------------------------------------------------------------------------ text drafts
class TextDraftPane(TaskPane):
    """A draft shown as editable text (letter, report). Edits are recorded on Save edit / Accept."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.editor = QPlainTextEdit(self)
        self.editor.setAccessibleName(f"{self.title} text")
        self.editor.setObjectName(f"{self.title.lower()}Editor")
        self.body.addWidget(self.editor, 1)
        self.save_edit = QPushButton("Save edit", self)
        self.save_edit.setAccessibleName(f"Save {self.title.lower()} edit")
        self.save_edit.setEnabled(False)
        self.body.addWidget(self.save_edit, 0, Qt.AlignRight)
        self.editor.textChanged.connect(lambda: self.save_edit.setEnabled(self.edited() is not None))
        self.original = ""
        self.saved = ""

    def set_text(self, text: str) -> None:
        self.original = self.saved = text
        self.editor.setPlainText(text)
        self.save_edit.setEnabled(False)

    def text(self) -> str:
        return self.editor.toPlainText()

    def edited(self):
        now = self.text()
        return (self.saved, now) if now != self.saved else None

    def mark_saved(self) -> None:
        self.saved = self.text()
        self.save_edit.setEnabled(False)

    def clipboard_text(self) -> str:
        return self.text()


def _as_dict(result) -> dict:
    """A task result as its ``to_dict()`` (live result), or the stored dict (a past run)."""
    if hasattr(result, "to_dict"):
        return result.to_dict()
    if isinstance(result, dict):
        return result
    return dict(vars(result))


def letter_checks(d: dict) -> tuple[list[str], str, str]:
    """(lines, level, heading) for the letter's check box: the fact-check warnings, the note's facts the
    letter leaves out, and letter lines that have no evidence in the note."""
    lines = [f"Check: {w}" for w in d.get("warnings") or []]
    left_in_hospital = []
    # `left_out`: facts the letter leaves out on purpose (a drug given in hospital only); older results put
    # them in `missing` with status in_hospital
    for m in [*(d.get("left_out") or []), *(d.get("missing") or [])]:
        if m.get("status") == "in_hospital" or m.get("change") == "in_hospital":
            # a drug given in hospital only: rightly not among the medicines to take (at most named, without a dose)
            left_in_hospital.append(m.get("text", "") + (f" (no {m['what_is_missing']})" if m.get("what_is_missing") else ""))
            continue
        what = m.get("what_is_missing")
        kind = m.get("kind", "fact")
        text = m.get("text", "")
        why = f" ({m['hospital_reason']})" if m.get("hospital_reason") else ""
        lines.append(f"Left out of the letter: the {what} of {text}{why}" if what
                     else f"Left out of the letter ({kind}): {text}{why}")
    for sec in d.get("sections") or []:
        for ln in sec.get("lines") or []:
            if ln.get("evidence_missing"):
                lines.append(f"Not found in the note ({sec.get('heading', '')}): {ln.get('text', '')}")
    hosp = ([f"Given in hospital only, so not a medicine to take in the letter: {', '.join(left_in_hospital)}"]
            if left_in_hospital else [])
    if lines:
        return lines + hosp, "warn", "Before sending, check:"
    return hosp, "ok", ("Fact check passed: every number, date, medicine and side in the letter is in the note; "
                        "nothing the patient needs from the note is left out.")


class LetterPane(TextDraftPane):
    title = "Letter"
    export_formats = ("docx", "pdf")

    def __init__(self, parent=None):
        super().__init__(parent)
        self.info = QLabel(self)
        self.info.setObjectName("letterInfo")
        self.info.setAccessibleName("Letter readability")
        self.info.setWordWrap(True)
        self.info.setVisible(False)
        self.body.addWidget(self.info)

    def set_result(self, result, run_id=None) -> None:
        super().set_result(result, run_id)
        d = _as_dict(result)
        self.data = d
        rw = d.get("rewrite") if isinstance(d.get("rewrite"), dict) else None
        # a model rewrite that passed the fact check is shown (and said to be); a refused one never is
        self.set_text(rw["text"] if rw and rw.get("used") and rw.get("text") else d.get("text", ""))
        lines, level, head = letter_checks(d)
        self.checks.show_lines(lines, level, head)
        bits = []
        r = (rw.get("readability") if rw and rw.get("used") else None) or d.get("readability") or {}
        if r.get("flesch_kincaid_grade") is not None:
            bits.append(f"Reading level: grade {float(r['flesch_kincaid_grade']):.1f} (Flesch–Kincaid)"
                        + (f", {r['words']} words" if r.get("words") else ""))
        unexplained = sorted({j.get("text", "") for j in d.get("jargon") or [] if not j.get("explained")})
        if unexplained:
            bits.append("Medical words not explained: " + ", ".join(unexplained[:8]))
        if rw and rw.get("used"):
            bits.append(f"Showing the model rewrite ({rw.get('model') or 'model'}): it passed the fact check "
                        "(every medicine, dose, number, date and side as in the template letter)")
        elif rw:
            why = rw.get("reasons") or []
            bits.append(f"Model rewrite not used, the template letter is shown: {why[0] if why else 'no reason given'}"
                        + (f" (+{len(why) - 1} more)" if len(why) > 1 else ""))
        self.info.setText(" · ".join(bits))
        self.info.setVisible(bool(bits))

    def blocks(self) -> list:
        if self.edited() is None and self.text() == self.original and hasattr(self.result, "paragraphs"):
            return self.result.paragraphs()
        return [p.strip() for p in self.text().split("\n") if p.strip()]


#: How each report section's source reads in the pane (provenance label, box level).
REPORT_SOURCES = {
    "tag": ("from the DICOM header", "info"),
    "history": ("from prior studies in the history", "info"),
    "user": ("your findings, as typed", "ok"),
    "model": ("model draft — checked", "warn"),
    "template": ("template normal default — NOT reviewed", "warn"),
    "none": ("to be written by the radiologist", "warn"),
    "findings (extractive)": ("abnormal findings, verbatim", "ok"),
}


def report_provenance(section: dict) -> tuple[str, str]:
    """(label, level) saying where a report section's text comes from."""
    prov = section.get("provenance") or {}
    src = prov.get("source", "")
    label, level = REPORT_SOURCES.get(src, (src or "unknown source", "warn"))
    name = section.get("name")
    if src == "findings (extractive)" and section.get("extractive") == "all findings normal":
        label = "template normal impression (every findings sentence is normal)"
    if name == "impression" and src == "model":
        label = "model draft — checked against the findings (side, omissions, numbers)"
    if name == "findings" and src == "model":
        label = "image model draft — check every sentence"
    md = section.get("model_draft")
    if isinstance(md, dict) and not md.get("used", True):
        label += " · the model draft failed the check and was not used"
    if section.get("unreviewed_default") and src != "template":
        label += " [unreviewed default]"
    return label, level


class _DefaultTagHighlighter(QSyntaxHighlighter):
    """Paints every "[unreviewed default]" tag (and "[ ]" blanks) in the report text, so none is missed."""

    def highlightBlock(self, text: str) -> None:  # noqa: N802 (Qt name)
        fmt = QTextCharFormat()
        fmt.setBackground(QColor("#ffd866"))
        fmt.setForeground(QColor("#3d2a00"))
        fmt.setFontWeight(QFont.Bold)
        for tag in ("[unreviewed default]", "[ ]"):
            i = text.find(tag)
            while i >= 0:
                self.setFormat(i, len(tag), fmt)
                i = text.find(tag, i + len(tag))


class ReportPane(TextDraftPane):
    title = "Report"
    export_formats = ("pdf", "sr", "txt")
    redraftRequested = Signal(str)  # the radiologist's findings: draft the report (and impression) from them

    def __init__(self, parent=None):
        super().__init__(parent)
        self.provenance = QLabel(self)
        self.provenance.setObjectName("reportProvenance")
        self.provenance.setAccessibleName("Report provenance")
        self.provenance.setWordWrap(True)
        self.provenance.setTextFormat(Qt.RichText)
        self.provenance.setVisible(False)
        self.body.insertWidget(0, self.provenance)
        self.highlighter = _DefaultTagHighlighter(self.editor.document())
        frow = QHBoxLayout()
        self.findings = QPlainTextEdit(self)
        self.findings.setObjectName("findingsInput")
        self.findings.setAccessibleName("Your findings")
        self.findings.setPlaceholderText("Your findings (type or paste), then “Draft from findings” for a checked impression")
        self.findings.setMaximumHeight(64)
        self.redraft = QPushButton("Draft from findings", self)
        self.redraft.setAccessibleName("Draft report from findings")
        self.redraft.setToolTip("Draft the report again from these findings (the impression model runs in the background)")
        self.redraft.clicked.connect(self._redraft)
        # the template's findings pick list (to_dict items): a choice replaces that organ's line in FINDINGS
        self.pick = QPushButton("Findings pick list ▾", self)
        self.pick.setAccessibleName("Findings pick list")
        self.pick.setToolTip("Set an organ's line to its normal sentence or to a listed finding "
                             "(removes its [unreviewed default] tag); fill in every [ ]")
        self.pick_menu = QMenu(self.pick)
        self.pick.setMenu(self.pick_menu)
        self.pick.setEnabled(False)
        bcol = QVBoxLayout()
        bcol.addWidget(self.redraft)
        bcol.addWidget(self.pick)
        bcol.addStretch(1)
        frow.addWidget(self.findings, 1)
        frow.addLayout(bcol)
        self.body.addLayout(frow)
        self.sections: list[dict] = []
        self.pick_items: list[dict] = []

    def _redraft(self) -> None:
        text = self.findings.toPlainText().strip()
        if text:
            self.redraftRequested.emit(text)

    def set_busy(self, busy, message=""):
        super().set_busy(busy, message)
        if hasattr(self, "redraft"):
            self.redraft.setEnabled(not busy)

    def set_result(self, result, run_id=None) -> None:
        super().set_result(result, run_id)
        self.set_text(report_body(result))
        d = _as_dict(result)
        self.data = d
        self.sections = list(d.get("sections") or [])
        notes = list(d.get("notes") or [])
        said = [(s.get("provenance") or {}).get("note", "") for s in self.sections]
        self.set_notes([n for n in notes if "unreviewed default" not in n and not any(x and x in n for x in said)])
        rows = []
        for s in self.sections:
            label, level = report_provenance(s)
            bg, fg, _border = BOX_STYLES[level]
            note = (s.get("provenance") or {}).get("note", "")
            md = s.get("model_draft")
            if isinstance(md, dict) and md.get("check"):  # the failed draft and why, next to its section
                note = (note + " — " if note else "") + f"model draft “{md.get('text', '')}”: " + "; ".join(md["check"])
            rows.append(f"<tr><td style='padding:1px 6px'><b>{_esc(s.get('title', s.get('name', '')))}</b></td>"
                        f"<td style='background:{bg}; color:{fg}; padding:1px 6px'>{_esc(label)}</td></tr>"
                        + (f"<tr><td></td><td style='padding:0 6px 2px 6px'><small>{_esc(note)}</small></td></tr>" if note else ""))
        self.provenance.setText("<table cellspacing='0'>" + "".join(rows) + "</table>")
        self.provenance.setVisible(bool(rows))
        warns = list(d.get("warnings") or [])
        for s in self.sections:
            md = s.get("model_draft")
            if isinstance(md, dict) and md.get("check") and not any("model draft was not used" in w for w in warns):
                warns.append(f"{s.get('title', s.get('name'))}: model draft “{md.get('text', '')}” failed the check: "
                             + "; ".join(md["check"]))
        warns += [n for n in notes if "unreviewed default" in n]
        defaults = [s.get("title", s.get("name")) for s in self.sections if s.get("unreviewed_default")
                    or "[unreviewed default]" in (s.get("text") or "")]
        if defaults and not any("unreviewed default" in n for n in notes):
            warns.append(f"{', '.join(defaults)}: template normal defaults, not a reading of the images — "
                         "edit every line tagged [unreviewed default]")
        self.checks.show_lines(warns, "warn", "Check before signing:" if warns else "")
        self._fill_pick_list()

    def _fill_pick_list(self) -> None:
        self.pick_menu.clear()
        findings = next((s for s in self.sections if s.get("name") == "findings"), {})
        self.pick_items = [it for it in findings.get("items") or [] if it.get("label")]
        for it in self.pick_items:
            sub = self.pick_menu.addMenu(it["label"])
            choices = ([("Normal: " + it["normal"], it["normal"])] if it.get("normal") else []) + \
                [(o, o) for o in it.get("options") or []]
            for shown, text in choices:
                act = sub.addAction(shown)
                act.triggered.connect(lambda _=False, label=it["label"], t=text: self.pick_finding(label, t))
        self.pick.setEnabled(bool(self.pick_items))

    def pick_finding(self, label: str, text: str) -> None:
        """Set the FINDINGS line ``label: …`` to ``text`` (no default tag); without such a line, insert it at
        the cursor. The change is an edit like any other (Save edit / Accept record it)."""
        import re

        body = self.text()
        pat = re.compile(rf"^{re.escape(label)}:.*$", re.M)
        m = pat.search(body)
        if m is None:
            self.editor.insertPlainText(f"{label}: {text}\n")
            return
        cur = self.editor.textCursor()
        cur.setPosition(m.start())
        cur.setPosition(m.end(), QTextCursor.KeepAnchor)
        cur.insertText(f"{label}: {text}")
        self.editor.setTextCursor(cur)

    def edited_report(self):
        """A copy of the report with the edited section texts (source "user" where changed)."""
        return apply_report_edits(self.result, self.text())


def report_body(report) -> str:
    return "\n\n".join(f"{s.title.upper()}:\n{s.text}" for s in report.sections)


def apply_report_edits(report, text: str):
    import copy
    import re

    new = copy.copy(report)
    new.sections = [copy.copy(s) for s in report.sections]
    titles = {s.title.upper(): s for s in new.sections}
    pattern = re.compile(r"^(%s):\s*$" % "|".join(re.escape(t) for t in titles), re.M)
    marks = list(pattern.finditer(text))
    for k, m in enumerate(marks):
        body = text[m.end(): marks[k + 1].start() if k + 1 < len(marks) else len(text)].strip()
        s = titles[m.group(1)]
        if body != s.text:
            s.text = body
            s.source = "user"
    return new
