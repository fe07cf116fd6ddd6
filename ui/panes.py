"""Widgets of a tab: the note view (evidence and mention styling) and the task panes (Summary, Codes,
Letter, Report). Panes only show results and raise signals; the window does the history writes (in
workers). No engine module is imported here at import time."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtGui import QColor, QFont, QTextCharFormat, QTextCursor, QTextFormat
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
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
        fmt.setForeground(QColor(style["color"]))
        fmt.setFontStrikeOut(bool(style.get("strike")))
        fmt.setFontItalic(bool(style.get("italic")))
        if style.get("dotted"):
            fmt.setUnderlineStyle(QTextCharFormat.DotLine)
            fmt.setUnderlineColor(QColor(style["color"]))
        fmt.setToolTip(tooltip)
        fmt.setProperty(QTextFormat.UserProperty + 1, status)
        cur.mergeCharFormat(fmt)
        self.mentions.append((start, end, status, tooltip))

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
SUMMARY_SECTIONS = [("synopsis", "Synopsis"), ("problems", "Problems"), ("medications", "Medications"),
                    ("allergies", "Allergies"), ("key_results", "Key results"), ("procedures", "Procedures"),
                    ("plan", "Plan"), ("follow_up", "Follow-up")]


class SummaryPane(TaskPane):
    title = "Summary"
    export_formats = ("docx", "pdf")
    evidenceClicked = Signal(int, int)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.tree = QTreeWidget(self)
        self.tree.setHeaderHidden(True)
        self.tree.setAccessibleName("Summary items")
        self.tree.setWordWrap(True)
        self.tree.itemClicked.connect(self._clicked)
        self.body.addWidget(self.tree)
        self.items: list[tuple[QTreeWidgetItem, dict]] = []

    def set_result(self, result, run_id=None) -> None:
        super().set_result(result, run_id)
        d = result.to_dict() if hasattr(result, "to_dict") else dict(result)
        self.data = d
        self.tree.clear()
        self.items = []
        for key, label in SUMMARY_SECTIONS:
            val = d.get(key)
            entries = [val] if isinstance(val, dict) else (val or [])
            if not entries:
                continue
            head = QTreeWidgetItem(self.tree, [label])
            f = head.font(0)
            f.setBold(True)
            head.setFont(0, f)
            for e in entries:
                ev = e.get("evidence") or []
                text = e.get("text", "")
                it = QTreeWidgetItem(head, [text if ev else f"{text}  (no evidence)"])
                it.setToolTip(0, "Click to show where the note says this" if ev else "No evidence in the note")
                it.setData(0, Qt.UserRole, e)
                self.items.append((it, e))
            head.setExpanded(True)
        self.set_notes(list(d.get("warnings") or []))

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
        out = []
        for key, label in SUMMARY_SECTIONS:
            val = self.data.get(key)
            entries = [val] if isinstance(val, dict) else (val or [])
            if entries:
                out.append((label, [("- " + e["text"]) if key != "synopsis" else e["text"] for e in entries]))
        return out


# ------------------------------------------------------------------------------------------ codes
class CodesPane(TaskPane):
    title = "Codes"
    export_formats = ("csv",)
    evidenceClicked = Signal(int, int)
    COLUMNS = ["Code", "Description", "Status", "Score", "Decision"]

    def __init__(self, parent=None):
        super().__init__(parent)
        self.show_all = QCheckBox("Show candidates below the threshold", self)
        self.show_all.setAccessibleName("Show all code candidates")
        self.show_all.toggled.connect(lambda _: self._fill())
        self.body.addWidget(self.show_all)
        self.table = QTableWidget(0, len(self.COLUMNS), self)
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
        self.table.cellClicked.connect(self._clicked)
        self.body.addWidget(self.table, 1)
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
        self.codes = list(d.get("codes") or [])
        self.decisions = {}
        self._fill()
        self.accept_code.setEnabled(True)
        self.reject_code.setEnabled(True)

    def _fill(self) -> None:
        show_all = self.show_all.isChecked()
        self.rows = [i for i, c in enumerate(self.codes) if show_all or c.get("suggested")]
        self.table.setRowCount(len(self.rows))
        for r, i in enumerate(self.rows):
            c = self.codes[i]
            vals = [c["code"], c.get("description", ""), c.get("status", ""), f"{float(c.get('score', 0)):.2f}",
                    self.decisions.get(i, "")]
            ev = c.get("evidence") or []
            for col, v in enumerate(vals):
                item = QTableWidgetItem(v)
                if col == 1:
                    tip = "; ".join(f"“{e['text']}”" for e in ev[:3]) or "no evidence in the note"
                    if c.get("warnings"):
                        tip += "\n" + "\n".join(c["warnings"])
                    item.setToolTip(tip)
                if not c.get("suggested"):
                    item.setForeground(QColor("#7b8794"))
                self.table.setItem(r, col, item)

    def _clicked(self, row: int, _col: int = 0) -> None:
        if 0 <= row < len(self.rows):
            ev = self.codes[self.rows[row]].get("evidence") or []
            if ev:
                self.evidenceClicked.emit(int(ev[0]["start"]), int(ev[0]["end"]))

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


class LetterPane(TextDraftPane):
    title = "Letter"
    export_formats = ("docx", "pdf")

    def set_result(self, result, run_id=None) -> None:
        super().set_result(result, run_id)
        self.set_text(result.text if hasattr(result, "text") else result.get("text", ""))
        warnings = list(getattr(result, "warnings", None) or (result.get("warnings") if isinstance(result, dict) else []) or [])
        self.set_notes(warnings)

    def blocks(self) -> list:
        if self.edited() is None and self.text() == self.original and hasattr(self.result, "paragraphs"):
            return self.result.paragraphs()
        return [p.strip() for p in self.text().split("\n") if p.strip()]


class ReportPane(TextDraftPane):
    title = "Report"
    export_formats = ("pdf", "sr", "txt")

    def set_result(self, result, run_id=None) -> None:
        super().set_result(result, run_id)
        self.set_text(report_body(result))
        self.set_notes(list(getattr(result, "notes", []) or []) + list(getattr(result, "warnings", []) or []))

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
