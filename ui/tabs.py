"""One tab per opened item: a note (note view + Summary, Codes, Letter) or a study (viewer + Report)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QSplitter, QTabWidget, QVBoxLayout, QWidget

from .panes import CodesPane, LetterPane, NoteView, ReportPane, SummaryPane, TaskPane


class RunRef:
    """The history id of a run, known once its (possibly queued) record_run has been written."""

    def __init__(self) -> None:
        self.run_id: int | None = None


class ItemTab(QWidget):
    kind = "item"

    def __init__(self, title: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.title = title
        self.jobs: list[Any] = []
        self.panes: dict[str, TaskPane] = {}
        self.refs: dict[str, RunRef] = {}
        self.source: Any = None

    def pane_tabs(self) -> QTabWidget:
        raise NotImplementedError

    def current_pane(self) -> TaskPane | None:
        w = self.pane_tabs().currentWidget()
        return w if isinstance(w, TaskPane) else None

    def cancel_jobs(self) -> None:
        for j in self.jobs:
            j.cancel()


class NoteTab(ItemTab):
    kind = "note"

    def __init__(self, title: str, text: str, parent: QWidget | None = None):
        super().__init__(title, parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        self.splitter = QSplitter(Qt.Horizontal, self)
        left = QWidget(self.splitter)
        lv = QVBoxLayout(left)
        lv.setContentsMargins(0, 0, 0, 0)
        self.legend = QLabel(left)
        self.legend.setAccessibleName("Mention legend")
        self.restyle()
        lv.addWidget(self.legend)
        self.note_view = NoteView(left)
        self.note_view.set_source_text(text)
        lv.addWidget(self.note_view, 1)
        self.tabs = QTabWidget(self.splitter)
        self.tabs.setAccessibleName("Task panes")
        self.summary = SummaryPane(self.tabs)
        self.codes = CodesPane(self.tabs)
        self.letter = LetterPane(self.tabs)
        for name, pane in (("summarize", self.summary), ("code", self.codes), ("letter", self.letter)):
            self.tabs.addTab(pane, pane.title)
            self.panes[name] = pane
            self.refs[name] = RunRef()
        self.tabs.setCurrentWidget(self.codes)
        self.codes.evidenceClicked.connect(self.note_view.show_span)
        self.summary.evidenceClicked.connect(self.note_view.show_span)
        self.splitter.setStretchFactor(0, 5)
        self.splitter.setStretchFactor(1, 6)
        layout.addWidget(self.splitter)

    def pane_tabs(self) -> QTabWidget:
        return self.tabs

    def restyle(self) -> None:
        """The legend and the styled mentions in the current theme's colours."""
        from .panes import mention_color

        c = {k: mention_color(k) for k in ("negated", "uncertain", "historical", "family")}
        self.legend.setText(
            f"<span style='color:{c['negated']};text-decoration:line-through'>negated</span> · "
            f"<i style='color:{c['uncertain']}'>uncertain</i> · "
            f"<span style='color:{c['historical']};text-decoration:underline dotted'>historical</span> · "
            f"<i style='color:{c['family']}'>family</i> — hover a mention for why")
        if hasattr(self, "note_view"):
            self.note_view.restyle_mentions()

    def style_mentions(self, codes: list[dict]) -> None:
        """Negated / uncertain / historical / family mentions of the coded conditions, styled and explained. A
        'listed only' code (a faint candidate below every scored one) has a word beside it, not a mention: unstyled."""
        from .panes import MENTION_STYLES

        seen: set[tuple[int, int]] = set()
        for c in codes:
            status = c.get("status", "affirmed")
            ev = c.get("evidence") or []
            if status not in MENTION_STYLES or not ev or "listed only" in (c.get("sources") or ()):
                continue
            e = ev[0]
            key = (int(e["start"]), int(e["end"]))
            if key in seen:
                continue
            seen.add(key)
            cue = c.get("cue") or {}
            tip = MENTION_STYLES[status]["explain"]
            if cue.get("text"):
                tip += f" (cue: “{cue['text']}”)"
            tip += f"\n{c['code']} {c.get('description', '')} — not suggested for billing" if not c.get("suggested") else ""
            self.note_view.mark_mention(key[0], key[1], status, tip)


class StudyTab(ItemTab):
    kind = "study"

    def __init__(self, title: str, study: Any, parent: QWidget | None = None):
        super().__init__(title, parent)
        from .viewer import DicomViewer

        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        self.splitter = QSplitter(Qt.Horizontal, self)
        self.viewer = DicomViewer(self.splitter)
        self.viewer.setAccessibleName("DICOM viewer")
        self.tabs = QTabWidget(self.splitter)
        self.report = ReportPane(self.tabs)
        self.tabs.addTab(self.report, "Report")
        self.panes["report"] = self.report
        self.refs["report"] = RunRef()
        self.splitter.setStretchFactor(0, 6)
        self.splitter.setStretchFactor(1, 4)
        layout.addWidget(self.splitter)
        self.source = study
        if study is not None:
            self.viewer.load_study(study)

    def pane_tabs(self) -> QTabWidget:
        return self.tabs

    def cancel_jobs(self) -> None:
        super().cancel_jobs()
        try:
            self.viewer.close_study()
        except Exception:  # closing a half-loaded study must not stop the tab closing
            pass
