"""The main window: a drop zone for notes and DICOM studies, and a status bar naming the model packs and
the execution provider. The status is gathered on a worker thread (manifests only; no session opens)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, QRunnable, Qt, QThreadPool, Signal, Slot
from PySide6.QtGui import QDragEnterEvent, QDropEvent, QFont
from PySide6.QtWidgets import QFrame, QLabel, QMainWindow, QStatusBar, QVBoxLayout, QWidget

DROP_TEXT = "Drop a clinical note or DICOM study here"
DROP_HINT = "Notes: .txt .rtf .docx .pdf  ·  DICOM: files or a study folder"


def collect_runtime_status() -> dict[str, Any]:
    """Packs in effect and the execution provider the settings lead to (runs off the GUI thread)."""
    from medassist.config import Settings
    from medassist.runtime.registry import scan
    from medassist.runtime.session import choose_providers

    packs, broken = [], []
    for e in scan():
        if e.pack is None:
            broken.append({"name": e.name, "error": e.error})
        elif not e.shadowed:
            packs.append({"name": e.pack.name, "version": e.pack.version, "task": e.pack.task})
    try:
        choice = choose_providers(Settings.load().execution_provider)
        provider, fallback = choice.chosen[0], choice.fallback
    except Exception as exc:  # onnxruntime missing or broken: the window still opens
        provider, fallback = None, f"onnxruntime unavailable: {exc}"
    return {"packs": packs, "broken": broken, "provider": provider, "fallback": fallback}


class _StatusSignals(QObject):
    done = Signal(dict)
    failed = Signal(str)


class _StatusTask(QRunnable):
    def __init__(self) -> None:
        super().__init__()
        self.signals = _StatusSignals()

    def run(self) -> None:  # worker thread
        try:
            status = collect_runtime_status()
        except Exception as exc:  # report, never crash the window
            self.signals.failed.emit(f"{type(exc).__name__}: {exc}")
            return
        self.signals.done.emit(status)


class DropZone(QFrame):
    """A large target for files dragged from the desktop. Emits ``filesDropped`` with local paths."""

    filesDropped = Signal(list)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("dropZone")
        self.setAcceptDrops(True)
        self.setMinimumSize(480, 280)
        self.title = QLabel(DROP_TEXT, self)
        self.title.setObjectName("dropTitle")
        self.title.setAlignment(Qt.AlignCenter)
        self.title.setWordWrap(True)
        f = QFont(self.title.font())
        f.setPointSizeF(max(f.pointSizeF(), 10.0) * 1.8)
        f.setBold(True)
        self.title.setFont(f)
        self.hint = QLabel(DROP_HINT, self)
        self.hint.setObjectName("dropHint")
        self.hint.setAlignment(Qt.AlignCenter)
        layout = QVBoxLayout(self)
        layout.addStretch(1)
        layout.addWidget(self.title)
        layout.addSpacing(12)
        layout.addWidget(self.hint)
        layout.addStretch(1)
        self._set_active(False)

    def _set_active(self, active: bool) -> None:
        border = "#2b6cb0" if active else "#9aa5b1"
        background = "#ebf4ff" if active else "#f7f9fb"
        self.setStyleSheet(
            f"#dropZone {{ border: 3px dashed {border}; border-radius: 18px; background: {background}; }}"
            "#dropTitle { color: #1f2933; } #dropHint { color: #52606d; }"
        )

    @staticmethod
    def _local_paths(event) -> list[str]:
        md = event.mimeData()
        if not md.hasUrls():
            return []
        return [u.toLocalFile() for u in md.urls() if u.isLocalFile() and u.toLocalFile()]

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if self._local_paths(event):
            self._set_active(True)
            event.acceptProposedAction()
        else:
            event.ignore()

    def dragLeaveEvent(self, event) -> None:
        self._set_active(False)
        super().dragLeaveEvent(event)

    def dropEvent(self, event: QDropEvent) -> None:
        self._set_active(False)
        paths = self._local_paths(event)
        if not paths:
            event.ignore()
            return
        event.acceptProposedAction()
        self.filesDropped.emit(paths)


class MainWindow(QMainWindow):
    """The first window; the UI work that follows adds panes for results, history and the DICOM viewer."""

    statusLoaded = Signal(dict)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("MedAssist")
        self.resize(960, 640)
        self.runtime_status: dict[str, Any] | None = None
        self.dropped: list[str] = []

        central = QWidget(self)
        layout = QVBoxLayout(central)
        layout.setContentsMargins(32, 32, 32, 16)
        self.drop_zone = DropZone(central)
        self.drop_zone.filesDropped.connect(self.on_files_dropped)
        layout.addWidget(self.drop_zone, 1)
        self.notice = QLabel("Drafts are for a clinician to check. Nothing leaves this computer.", central)
        self.notice.setAlignment(Qt.AlignCenter)
        self.notice.setStyleSheet("color: #52606d;")
        layout.addWidget(self.notice)
        self.setCentralWidget(central)

        bar = QStatusBar(self)
        self.packs_label = QLabel("Model packs: checking…", bar)
        self.packs_label.setObjectName("packsLabel")
        self.provider_label = QLabel("Execution provider: checking…", bar)
        self.provider_label.setObjectName("providerLabel")
        for label in (self.packs_label, self.provider_label):
            label.setStyleSheet("padding: 0 10px; color: #1f2933;")
        bar.addPermanentWidget(self.packs_label)
        bar.addPermanentWidget(self.provider_label)
        self.setStatusBar(bar)
        self._status_task: _StatusTask | None = None

    # ------------------------------------------------------------------ runtime status
    def load_status_async(self) -> None:
        """Read packs and providers on the global thread pool; the labels update when done."""
        task = _StatusTask()
        task.signals.done.connect(self.apply_status)
        task.signals.failed.connect(self._status_failed)
        self._status_task = task  # keep the signals object alive until delivery
        QThreadPool.globalInstance().start(task)

    @Slot(dict)
    def apply_status(self, status: dict[str, Any]) -> None:
        self.runtime_status = status
        packs = status.get("packs") or []
        if packs:
            names = ", ".join(f"{p['name']} {p['version']}" for p in packs)
            self.packs_label.setText(f"Model packs: {names}")
        else:
            self.packs_label.setText("Model packs: none found — run `make models` or `medassist models import PATH`")
        if status.get("broken"):
            self.packs_label.setText(self.packs_label.text() + f"  ({len(status['broken'])} unreadable)")
        provider = status.get("provider") or "unavailable"
        self.provider_label.setText(f"Execution provider: {provider}")
        self.provider_label.setToolTip(status.get("fallback") or "")
        self.statusLoaded.emit(status)

    @Slot(str)
    def _status_failed(self, message: str) -> None:
        self.packs_label.setText(f"Model packs: could not be listed ({message})")
        self.provider_label.setText("Execution provider: unknown")

    # ------------------------------------------------------------------ drops
    @Slot(list)
    def on_files_dropped(self, paths: list[str]) -> None:
        self.dropped = list(paths)
        names = ", ".join(Path(p).name or p for p in paths[:3]) + (f" and {len(paths) - 3} more" if len(paths) > 3 else "")
        self.drop_zone.hint.setText(f"Received: {names}")
        self.statusBar().showMessage(f"{len(paths)} item(s) received", 5000)
