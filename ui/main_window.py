"""The main window: a drop zone (and File > Open, Edit > Paste note) for notes and DICOM studies; one tab
per opened item (note: note view + Summary, Codes, Letter; study: DICOM viewer + Report); a history browser
(dock); lock after inactivity and on demand; settings and about dialogs.

Every model run, history query, pack listing and export runs in a worker (ui.workers); the GUI thread
only shows results. Engine modules are imported inside the worker functions, so the window opens fast."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any, Callable

from PySide6.QtCore import QEvent, QObject, QRunnable, Qt, QThreadPool, QTimer, Signal, Slot
from PySide6.QtGui import QAction, QDragEnterEvent, QDropEvent, QFont, QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QFileDialog,
    QFrame,
    QLabel,
    QMainWindow,
    QPushButton,
    QStackedWidget,
    QStatusBar,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from .dialogs import AboutDialog, HistoryDock, PassphraseDialog, SettingsDialog
from .tabs import NoteTab, StudyTab
from .workers import JobRunner

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
        self._active = active
        app = QApplication.instance()
        dark = app is not None and app.property("medassistTheme") == "dark"
        if dark:
            border = "#60a5fa" if active else "#52606d"
            background = "#1e3a5f" if active else "#23272e"
            title, hint = "#e4e7eb", "#9aa5b1"
        else:
            border = "#2b6cb0" if active else "#9aa5b1"
            background = "#ebf4ff" if active else "#f7f9fb"
            title, hint = "#1f2933", "#52606d"
        self.setStyleSheet(
            f"#dropZone {{ border: 3px dashed {border}; border-radius: 18px; background: {background}; }}"
            f"#dropTitle {{ color: {title}; }} #dropHint {{ color: {hint}; }}"
        )

    def refresh_style(self) -> None:
        self._set_active(getattr(self, "_active", False))

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


# ====================================================================================== task functions
def _settings():
    from medassist.config import Settings

    return Settings.load()


def run_code(doc, job):
    job.progress(-1, "Suggesting ICD-10-CM codes…")
    from medassist.tasks.code import ENCOUNTERS, SCOPES, code_document

    settings = _settings()  # read in the worker thread, at each run: a change applies at once
    encounter, scope = settings.coding_encounter, settings.coding_suggest
    return code_document(doc, encounter=encounter if encounter in ENCOUNTERS else "outpatient",
                         scope=scope if scope in SCOPES else "coded")


def run_summary(doc, job):
    job.progress(-1, "Summarising…")
    from medassist.tasks.summarize import summarize

    return summarize(doc)


def run_letter(doc, job):
    job.progress(-1, "Writing the patient letter…")
    from medassist.tasks.letter import write_letter

    return write_letter(doc, kind="auto", settings=_settings())  # discharge instructions for a hospital stay


def run_report(study, job, history=None, findings=None):
    job.progress(-1, "Drafting the report from your findings…" if findings else "Drafting the report…")
    from medassist.tasks.report import draft_report

    return draft_report(study, findings=findings, history=history)


DEFAULT_TASKS: dict[str, Callable] = {"code": run_code, "summarize": run_summary, "letter": run_letter,
                                      "report": run_report}
NOTE_TASKS = ("code", "summarize", "letter")  # run in this order: codes first
NOTE_SUFFIXES = {".txt", ".rtf", ".docx", ".doc", ".pdf", ".md", ".text"}


def read_items(paths: list[str], job=None) -> list[dict]:
    """Sort dropped paths into notes and studies and read them (worker thread). Each item is
    ``{"kind": "note", "doc", "title"}``, ``{"kind": "study", "study", "title"}`` or ``{"kind": "error", ...}``."""
    from medassist.errors import MedAssistError
    from medassist.ingest import load_document

    items: list[dict] = []
    dicom: list[str] = []
    for p in paths:
        path = Path(p)
        if path.is_dir():
            dicom.append(str(path))
            continue
        if path.suffix.lower() not in NOTE_SUFFIXES:
            try:
                with open(path, "rb") as fh:
                    head = fh.read(132)
            except OSError as exc:
                items.append({"kind": "error", "title": path.name, "error": f"{path}: {exc.strerror or exc}"})
                continue
            if head[128:132] == b"DICM" or path.suffix.lower() in (".dcm", ".dicom"):
                dicom.append(str(path))
                continue
        try:
            items.append({"kind": "note", "doc": load_document(path), "title": path.name})
        except MedAssistError as exc:
            items.append({"kind": "error", "title": path.name, "error": str(exc)})
        if job is not None:
            job.check()
    if dicom:
        from medassist.ingest.dicom import load_study

        loaded = load_study(dicom)
        for st in loaded.studies:
            title = (st.description or "Study").strip() or "Study"
            items.append({"kind": "study", "study": st, "title": title})
        for err in loaded.errors:
            items.append({"kind": "error", "title": "DICOM", "error": str(err)})
        if not loaded.studies and not loaded.errors:
            items.append({"kind": "error", "title": "DICOM", "error": f"no DICOM images found in {', '.join(dicom)}"})
    return items


def _now_text() -> str:
    import datetime as _dt

    return _dt.datetime.now().strftime("%Y-%m-%d %H:%M")


class _ActivityFilter(QObject):
    """Application-wide event filter: any key or mouse activity restarts the inactivity timer."""

    KINDS = {QEvent.KeyPress, QEvent.MouseButtonPress, QEvent.MouseMove, QEvent.Wheel, QEvent.TouchBegin}

    def __init__(self, window: "MainWindow"):
        super().__init__(window)
        self.window = window

    def eventFilter(self, obj, event) -> bool:  # noqa: N802 (Qt name)
        if event.type() in self.KINDS:
            self.window.note_activity()
        return False


# ====================================================================================== the window
class MainWindow(QMainWindow):
    """Drop zone + one tab per opened note or study; task panes; history browser; lock; settings.

    Work done while locked: jobs already running finish and their results stay in their (hidden) tabs;
    their history writes wait in memory (never on disk unencrypted) and are written once the history is
    unlocked. Quitting while locked drops those waiting writes (the window says how many)."""

    statusLoaded = Signal(dict)
    historyOpened = Signal()
    historyLocked = Signal()
    itemOpened = Signal(object)  # the new tab
    taskFinished = Signal(object, str, str)  # tab, task, state (done | failed | cancelled)
    historyWritten = Signal(str)  # what was written (record_run, decision, edit, export)

    def __init__(self, parent: QWidget | None = None, *, tasks: dict[str, Callable] | None = None,
                 run_tasks: bool = True, use_env_passphrase: bool = True) -> None:
        super().__init__(parent)
        self.setWindowTitle("MedAssist")
        self.setObjectName("mainWindow")
        self.resize(1280, 820)
        self.setAcceptDrops(True)
        self.runtime_status: dict[str, Any] | None = None
        self.dropped: list[str] = []
        self.tasks = dict(DEFAULT_TASKS, **(tasks or {}))
        self.run_tasks = run_tasks
        self.use_env_passphrase = use_env_passphrase
        self.runner = JobRunner(self)
        self.history = None
        self.history_mode: str | None = None  # passphrase | keyring | new | missing-key-file
        self.locked = False  # screen lock (inactivity / Ctrl+L)
        self.pending: list[tuple[str, Callable, Callable | None]] = []
        self.unlock_dialog: PassphraseDialog | None = None
        self.last_error = ""
        self._status_task: _StatusTask | None = None
        self._settings_cache = None

        # central: stacked (work area | lock page)
        self.stack = QStackedWidget(self)
        self.tabs = QTabWidget(self.stack)
        self.tabs.setObjectName("itemTabs")
        self.tabs.setAccessibleName("Open items")
        self.tabs.setTabsClosable(True)
        self.tabs.setDocumentMode(True)
        self.tabs.tabCloseRequested.connect(self.close_tab)
        start = QWidget(self.tabs)
        layout = QVBoxLayout(start)
        layout.setContentsMargins(32, 32, 32, 16)
        self.drop_zone = DropZone(start)
        self.drop_zone.setAccessibleName("Drop zone for notes and DICOM studies")
        self.drop_zone.filesDropped.connect(self.on_files_dropped)
        layout.addWidget(self.drop_zone, 1)
        self.notice = QLabel("Drafts are for a clinician to check. Nothing leaves this computer.", start)
        self.notice.setAlignment(Qt.AlignCenter)
        self.notice.setObjectName("notice")
        layout.addWidget(self.notice)
        self.start_page = start
        self.tabs.addTab(start, "Start")
        self.tabs.tabBar().setTabButton(0, self.tabs.tabBar().ButtonPosition.RightSide, None)
        self.stack.addWidget(self.tabs)
        self.lock_page = QWidget(self.stack)
        lv = QVBoxLayout(self.lock_page)
        lv.addStretch(1)
        self.lock_label = QLabel("MedAssist is locked", self.lock_page)
        self.lock_label.setAlignment(Qt.AlignCenter)
        f = QFont(self.lock_label.font())
        f.setPointSizeF(max(f.pointSizeF(), 10.0) * 1.6)
        self.lock_label.setFont(f)
        lv.addWidget(self.lock_label)
        self.unlock_button = QPushButton("Unlock…", self.lock_page)
        self.unlock_button.setAccessibleName("Unlock")
        self.unlock_button.clicked.connect(self.show_unlock_dialog)
        lv.addWidget(self.unlock_button, 0, Qt.AlignCenter)
        lv.addStretch(1)
        self.stack.addWidget(self.lock_page)
        self.setCentralWidget(self.stack)

        bar = QStatusBar(self)
        self.job_label = QLabel("", bar)
        self.job_label.setObjectName("jobLabel")
        self.history_label = QLabel("History: not open", bar)
        self.history_label.setObjectName("historyLabel")
        self.packs_label = QLabel("Model packs: checking…", bar)
        self.packs_label.setObjectName("packsLabel")
        self.provider_label = QLabel("Execution provider: checking…", bar)
        self.provider_label.setObjectName("providerLabel")
        for label in (self.job_label, self.history_label, self.packs_label, self.provider_label):
            label.setStyleSheet("padding: 0 8px;")
        bar.addWidget(self.job_label, 1)
        bar.addPermanentWidget(self.history_label)
        bar.addPermanentWidget(self.packs_label)
        bar.addPermanentWidget(self.provider_label)
        self.setStatusBar(bar)

        self.history_dock = HistoryDock(self)
        self.history_dock.searchRequested.connect(self.search_history)
        self.history_dock.openRequested.connect(self.reopen_run)
        self.addDockWidget(Qt.RightDockWidgetArea, self.history_dock)
        self.history_dock.hide()

        self._build_menus()
        self.lock_timer = QTimer(self)
        self.lock_timer.setSingleShot(True)
        self.lock_timer.timeout.connect(self.lock)
        self._activity = _ActivityFilter(self)
        app = QApplication.instance()
        if app is not None:
            app.installEventFilter(self._activity)
        self.set_lock_timeout(15)

    # ------------------------------------------------------------------ menus and shortcuts
    def _build_menus(self) -> None:
        mb = self.menuBar()
        m = mb.addMenu("&File")

        def act(menu, text, slot, shortcut=None, name=None):
            a = QAction(text, self)
            if shortcut:
                a.setShortcut(QKeySequence(shortcut))  # window context: Esc etc. still reach open dialogs
            a.triggered.connect(slot)
            menu.addAction(a)
            self.addAction(a)
            if name:
                setattr(self, name, a)
            return a

        act(m, "&Open…", self.open_dialog, "Ctrl+O", "open_action")
        act(m, "Open DICOM &folder…", self.open_folder_dialog, None, "open_folder_action")
        act(m, "&Export…", self.export_current, "Ctrl+E", "export_action")
        act(m, "&Close tab", self.close_current_tab, "Ctrl+W", "close_action")
        m.addSeparator()
        act(m, "&Lock", self.lock, "Ctrl+L", "lock_action")
        act(m, "&Unlock history…", self.unlock_history, None, "unlock_action")
        act(m, "&Quit", self.close, "Ctrl+Q", "quit_action")
        e = mb.addMenu("&Edit")
        act(e, "&Paste note", self.paste_note, "Ctrl+Shift+V", "paste_action")
        act(e, "&Accept draft", self.accept_current, "Ctrl+Return", "accept_action")
        self.accept_action.setShortcuts([QKeySequence("Ctrl+Return"), QKeySequence("Ctrl+Enter")])
        act(e, "&Reject draft", self.reject_current, None, "reject_action")
        act(e, "&Copy draft for the EHR", self.copy_current, "Ctrl+Shift+C", "copy_action")
        act(e, "Cancel running &tasks", self.cancel_current, "Esc", "cancel_action")
        e.addSeparator()
        act(e, "&Settings…", self.show_settings, "Ctrl+,", "settings_action")
        v = mb.addMenu("&View")
        act(v, "&History search", self.show_history, "Ctrl+F", "history_action")
        act(v, "&Dark theme", self.toggle_theme, None, "theme_action")
        self.theme_action.setCheckable(True)
        h = mb.addMenu("&Help")
        act(h, "&About MedAssist", self.show_about, None, "about_action")

    # ------------------------------------------------------------------ runtime status (unchanged contract)
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
            self.packs_label.setText(f"Model packs: {len(packs)}")
            self.packs_label.setToolTip(names)
            if len(names) < 60:
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

    # ------------------------------------------------------------------ settings, theme, lock timer
    def settings(self):
        from medassist.config import Settings

        return Settings.load()

    def apply_settings(self, s) -> None:
        from .theme import apply_theme

        app = QApplication.instance()
        if app is not None:
            apply_theme(app, s.theme)
        self.theme_action.setChecked(s.theme == "dark")
        self.drop_zone.refresh_style()
        self.restyle_tabs()
        self.set_lock_timeout(int(s.lock_timeout_min))

    def restyle_tabs(self) -> None:
        """Mention colours and legends of the open notes in the current theme."""
        for i in range(self.tabs.count()):
            tab = self.tabs.widget(i)
            if hasattr(tab, "restyle"):
                tab.restyle()

    def toggle_theme(self) -> None:
        s = self.settings()
        s.theme = "dark" if self.theme_action.isChecked() else "light"
        s.save()
        self.apply_settings(s)

    def set_lock_timeout(self, minutes: float) -> None:
        """0: never lock for inactivity. Fractions of a minute are allowed (tests)."""
        self.lock_timeout_ms = int(minutes * 60000)
        if self.lock_timeout_ms > 0:
            self.lock_timer.start(self.lock_timeout_ms)
        else:
            self.lock_timer.stop()

    def note_activity(self) -> None:
        if self.lock_timeout_ms > 0 and not self.locked:
            self.lock_timer.start(self.lock_timeout_ms)

    # ------------------------------------------------------------------ history: open, lock, unlock
    def start_history(self) -> None:
        """Decide how to open the history (worker: reads the key files, asks which keyring exists)."""
        from medassist.store import history_state

        self.history_label.setText("History: opening…")
        self.runner.submit("history state", lambda job: history_state(), pool="db",
                           on_done=self._history_state, on_failed=self._history_failed)

    def _env_passphrase(self) -> str | None:
        return os.environ.get("MEDASSIST_PASSPHRASE") or None if self.use_env_passphrase else None

    def _history_state(self, state: dict) -> None:
        self.history_mode = state["mode"]
        if state["mode"] == "missing-key-file":
            self._history_failed("the history's key file is missing; restore it or move history.db away")
            return
        if not state["needs_passphrase"]:  # keyring (existing or new)
            self.open_history(None)
        elif self._env_passphrase():
            self.open_history(self._env_passphrase())
        else:
            self.history_label.setText("History: locked")
            self.show_unlock_dialog(setup=state["mode"] == "new")

    def open_history(self, passphrase: str | None, dialog: "PassphraseDialog | None" = None) -> None:
        from medassist.store import open_history

        keyring_mode = self.history_mode in ("keyring",) or (self.history_mode == "new" and passphrase is None)
        who = self.settings().who()

        def work(job):
            h = open_history(passphrase=passphrase, allow_keyring=keyring_mode, who=who)
            try:
                h.log_event("unlocked")
            except Exception:
                h.close()
                raise
            return h

        def failed(msg: str) -> None:
            if dialog is not None:
                dialog.show_error(msg)
            self._history_failed(msg)

        mode = "keyring" if passphrase is None else "passphrase"
        self.runner.submit("open history", work, pool="db", on_done=lambda h: self._history_ready(h, dialog, mode),
                           on_failed=failed)

    def _history_ready(self, h, dialog=None, mode: str | None = None) -> None:
        self.history = h
        self.history_mode = mode or self.history_mode
        self.locked = False
        self.stack.setCurrentWidget(self.tabs)
        self.history_label.setText("History: open (encrypted)")
        if dialog is not None:
            dialog.accept()
            if self.unlock_dialog is dialog:
                self.unlock_dialog = None
        waiting, self.pending = self.pending, []
        for name, fn, done in waiting:
            self._db(name, fn, done)
        if waiting:
            self.statusBar().showMessage(f"{len(waiting)} history write(s) made while locked are now saved", 8000)
        self.note_activity()
        self.historyOpened.emit()

    def _history_failed(self, msg: str) -> None:
        self.last_error = msg
        self.history_label.setText("History: locked")
        self.history_label.setToolTip(msg)

    def show_unlock_dialog(self, setup: bool = False) -> PassphraseDialog:
        if self.unlock_dialog is not None and self.unlock_dialog.isVisible():
            self.unlock_dialog.raise_()
            return self.unlock_dialog
        keyring_mode = self.history_mode == "keyring"
        d = PassphraseDialog(self, setup=setup, keyring_mode=keyring_mode)
        d.submitted.connect(lambda p, d=d: self.open_history(p or None, d))
        d.rejected.connect(lambda d=d: self._dialog_closed(d))
        self.unlock_dialog = d
        d.show()
        return d

    def unlock_history(self) -> None:
        """File > Unlock history: the dialog again (after it was dismissed), or nothing when already open."""
        if self.history is None and self.history_mode:
            self.show_unlock_dialog(setup=self.history_mode == "new")

    def _dialog_closed(self, d) -> None:
        if self.unlock_dialog is d:
            self.unlock_dialog = None

    def lock(self) -> None:
        """Lock now: the tabs are hidden, the history is closed (in a worker), the unlock dialog shows."""
        if self.locked:
            return
        self.locked = True
        self.lock_timer.stop()
        self.stack.setCurrentWidget(self.lock_page)
        self.history_dock.hide()
        h, self.history = self.history, None
        self.history_label.setText("History: locked")

        if h is not None:
            def close(job):
                try:
                    h.log_event("locked")
                finally:
                    h.close()

            self.runner.submit("close history", close, pool="db")
        self.historyLocked.emit()
        if self.history_mode in ("passphrase", "keyring", "new"):
            self.show_unlock_dialog(setup=self.history_mode == "new")

    # ------------------------------------------------------------------ history writes and reads
    def _db(self, name: str, fn: Callable, on_done: Callable | None = None, on_failed: Callable | None = None):
        """Run ``fn(history)`` on the history thread now, or queue it until the history is unlocked."""
        if self.history is None:
            self.pending.append((name, fn, on_done))
            return None

        def work(job):
            h = self.history
            if h is None:
                raise _Requeue()
            return fn(h)

        def failed(msg: str) -> None:
            if msg.startswith("_Requeue"):
                self.pending.append((name, fn, on_done))
                return
            self.statusBar().showMessage(f"History: {name} failed: {msg}", 10000)
            if on_failed:
                on_failed(msg)

        def done(result) -> None:
            if on_done:
                on_done(result)
            self.historyWritten.emit(name)

        return self.runner.submit(name, work, pool="db", on_done=done, on_failed=failed)

    def _record_run(self, tab, task: str, result: Any, elapsed_ms: float) -> None:
        ref = tab.refs[task]
        source = tab.source
        models = list(getattr(result, "models", None) or [])
        params = ({"length": "standard"} if task == "summarize"
                  else ({"kind": getattr(result, "kind", "patient")} if task == "letter" else {}))

        def fn(h):
            ref.run_id = h.record_run(task, source, result, params, models, elapsed_ms)
            return ref.run_id

        self._db("record_run", fn, lambda rid, p=tab.panes[task]: setattr(p, "run_id", rid))

    def decide(self, tab, task: str, item: str, decision: str) -> None:
        pane = tab.panes[task]
        ref = tab.refs[task]
        who = self.settings().who()
        edit = pane.edited() if item == "run" else None
        if edit is not None:
            pane.mark_saved()
        if item == "run":
            pane.set_decision(decision, who, _now_text())
        if hasattr(pane, "mark"):
            pane.mark(item, decision)

        def fn(h):
            if ref.run_id is None:
                raise HistoryErrorForUI("the run was not recorded")
            if edit is not None:
                h.record_edit(ref.run_id, "text", edit[0], edit[1], who=who)
            return h.record_decision(ref.run_id, item, decision, who=who)

        self._db("decision", fn)

    def save_edit(self, tab, task: str) -> None:
        pane = tab.panes[task]
        ref = tab.refs[task]
        edit = pane.edited()
        if edit is None:
            return
        pane.mark_saved()
        who = self.settings().who()
        self._db("edit", lambda h: h.record_edit(ref.run_id, "text", edit[0], edit[1], who=who))
        self.statusBar().showMessage("Edit saved to the history", 4000)

    def search_history(self, query: str) -> None:
        if self.history is None:
            self.history_dock.status.setText("The history is locked.")
            return
        if query:
            self.history_dock.status.setText("Searching…")
            self._db("search", lambda h: h.search(query, limit=50),
                     lambda rows: self.history_dock.show_rows(rows, f"{len(rows)} match(es) for “{query}”"),
                     on_failed=self.history_dock.status.setText)
        else:
            self._db("list", lambda h: h.list_runs(limit=50), lambda rows: self.history_dock.show_rows(rows))

    def show_history(self) -> None:
        self.history_dock.show()
        self.history_dock.raise_()
        self.history_dock.query.setFocus()
        self.search_history(self.history_dock.query.text().strip())

    def reopen_run(self, run_id: int) -> None:
        self._db("get_run", lambda h: h.get_run(run_id), self._show_past_run,
                 on_failed=self.history_dock.status.setText)

    def _show_past_run(self, run: dict) -> None:
        """A past run in a tab: its document (note text) or study summary, and its stored result."""
        task = run["task"]
        doc = run.get("document") or {}
        title = f"#{run['id']} {task}: {doc.get('source') or ''}".strip()
        if task in NOTE_TASKS and doc.get("text") is not None:
            tab = NoteTab(title, doc["text"])
            for t, pane in tab.panes.items():
                if t != task:
                    pane.set_busy(False)
                    pane.banner.set_state("cancelled")
                    pane.banner.setText("Not part of this past run")
        elif task == "report":
            tab = StudyTab(title, None)
        else:
            self.statusBar().showMessage(f"Run {run['id']} ({task}) has no view in the app", 6000)
            return
        tab.refs[task].run_id = run["id"]
        pane = tab.panes[task]
        result = run["result"]
        if task == "letter":
            pane.set_result(_Obj(result), run["id"])
        elif task == "report":
            pane.set_result(_report_from_dict(result), run["id"])
            pane.redraft.setEnabled(False)  # a past run holds no study to draft from
            pane.findings.setEnabled(False)
        else:
            pane.set_result(result, run["id"])
        if task == "code":
            tab.style_mentions(result.get("codes") or [])
        for e in run.get("edits") or []:
            if e["item"] == "text" and hasattr(pane, "set_text"):
                pane.set_text(e["after"])
        for d in run.get("decisions") or []:
            if d["item"] == "run":
                pane.set_decision(d["decision"], d["who"], str(d["created"])[:16].replace("T", " "))
            elif hasattr(pane, "mark"):
                pane.mark(d["item"], d["decision"])
        tab.past_run = run
        self._wire_tab(tab)
        self._add_tab(tab)

    # ------------------------------------------------------------------ opening things
    def open_dialog(self) -> None:
        files, _ = QFileDialog.getOpenFileNames(
            self, "Open notes or DICOM files", "",
            "Notes and DICOM (*.txt *.rtf *.docx *.doc *.pdf *.dcm *);;Notes (*.txt *.rtf *.docx *.doc *.pdf);;DICOM (*.dcm *)")
        if files:
            self.open_paths(files)

    def open_folder_dialog(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Open a DICOM study folder")
        if folder:
            self.open_paths([folder])

    def paste_note(self) -> None:
        text = QApplication.clipboard().text()
        if not text.strip():
            self.statusBar().showMessage("The clipboard holds no text", 5000)
            return
        self.open_text(text, f"Pasted note {_now_text()[-5:]}")

    def open_text(self, text: str, title: str = "Pasted note") -> None:
        from medassist.ingest import document_from_text

        self.runner.submit("read pasted note", lambda job: [{"kind": "note", "title": title,
                                                               "doc": document_from_text(text, source="<paste>")}],
                           pool="io", on_done=self._items_read, on_failed=self._open_failed)

    @Slot(list)
    def on_files_dropped(self, paths: list[str]) -> None:
        self.dropped = list(paths)
        names = ", ".join(Path(p).name or p for p in paths[:3]) + (f" and {len(paths) - 3} more" if len(paths) > 3 else "")
        self.drop_zone.hint.setText(f"Received: {names}")
        self.statusBar().showMessage(f"{len(paths)} item(s) received", 5000)
        self.open_paths(paths)

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if DropZone._local_paths(event):
            event.acceptProposedAction()
        else:
            event.ignore()

    def dropEvent(self, event: QDropEvent) -> None:
        paths = DropZone._local_paths(event)
        if paths:
            event.acceptProposedAction()
            self.on_files_dropped(paths)

    def open_paths(self, paths: list[str]) -> None:
        self.job_label.setText("Reading…")
        self.runner.submit("read", lambda job: read_items(list(paths), job), pool="io",
                           on_done=self._items_read, on_failed=self._open_failed)

    def _open_failed(self, msg: str) -> None:
        self.job_label.setText("")
        self.last_error = msg
        self.statusBar().showMessage(msg, 15000)

    def _items_read(self, items: list[dict]) -> None:
        self.job_label.setText("")
        errors = []
        for it in items:
            if it["kind"] == "note":
                self.open_note(it["doc"], it["title"])
            elif it["kind"] == "study":
                self.open_study(it["study"], it["title"])
            else:
                errors.append(it["error"])
        if errors:
            self.last_error = errors[0]
            self.statusBar().showMessage(" · ".join(errors), 20000)

    def _wire_tab(self, tab) -> None:
        for task, pane in tab.panes.items():
            pane.accepted.connect(lambda item, t=tab, k=task: self.decide(t, k, item, "accepted"))
            pane.rejected.connect(lambda item, t=tab, k=task: self.decide(t, k, item, "rejected"))
            pane.cancelRequested.connect(lambda t=tab, k=task: self.cancel_task(t, k))
            pane.copyRequested.connect(lambda t=tab, k=task: self.copy_pane(t, k))
            pane.exportRequested.connect(lambda fmt, t=tab, k=task: self.export_dialog(t, k, fmt))
            if hasattr(pane, "save_edit"):
                pane.save_edit.clicked.connect(lambda _=False, t=tab, k=task: self.save_edit(t, k))
            if hasattr(pane, "redraftRequested"):
                pane.redraftRequested.connect(lambda text, t=tab, k=task: self.redraft(t, k, text))

    def _add_tab(self, tab) -> None:
        i = self.tabs.addTab(tab, tab.title if len(tab.title) < 32 else tab.title[:30] + "…")
        self.tabs.setTabToolTip(i, tab.title)
        self.tabs.setCurrentIndex(i)
        self.itemOpened.emit(tab)

    def open_note(self, doc, title: str) -> NoteTab:
        tab = NoteTab(title, doc.text)
        tab.source = doc
        self._wire_tab(tab)
        self._add_tab(tab)
        if self.run_tasks:
            for task in NOTE_TASKS:
                self.start_task(tab, task)
        return tab

    def open_study(self, study, title: str) -> StudyTab:
        tab = StudyTab(title, study)
        self._wire_tab(tab)
        self._add_tab(tab)
        if self.run_tasks:
            self.start_task(tab, "report")
        return tab

    # ------------------------------------------------------------------ task jobs
    def prewarm(self):
        """Load the coding models in the background right after start-up (a one-line synthetic note is coded
        and thrown away), so the first real drop does not wait for them. Nothing is shown or recorded."""

        def work(job):
            from medassist.ingest import document_from_text
            from medassist.tasks.code import code_document

            code_document(document_from_text("Assessment: essential hypertension.", source="<warm-up>"))

        return self.runner.submit("warm-up", work, on_failed=lambda msg: None)

    def start_task(self, tab, task: str, findings: str | None = None):
        pane = tab.panes[task]
        fn = self.tasks[task]
        source = tab.source
        pane.result = None
        pane.set_busy(True, f"{pane.title}: waiting for the model…")
        if task == "report":
            hist = self.history
            if findings:  # the radiologist's findings: the report (and its checked impression) from them
                work = lambda job: fn(source, job, hist, findings)  # noqa: E731
            else:
                work = lambda job: fn(source, job, hist)  # noqa: E731
        else:
            work = lambda job: fn(source, job)  # noqa: E731
        job = self.runner.submit(
            f"{task}: {tab.title}", work,
            on_done=lambda result, t=tab, k=task: self._task_done(t, k, result),
            on_failed=lambda msg, t=tab, k=task: self._task_failed(t, k, msg),
            on_cancelled=lambda t=tab, k=task: self._task_cancelled(t, k),
            on_progress=lambda pct, msg, p=pane: p.set_progress(pct, msg))
        job.task = task
        tab.jobs.append(job)
        self._update_job_label()
        return job

    def redraft(self, tab, task: str, findings: str):
        """Draft the study's report again from the radiologist's findings (a past run has no study: refused)."""
        if tab.source is None:
            self.statusBar().showMessage("This past run has no study to draft from: open the study again", 6000)
            return None
        job = self._job_of(tab, task)
        if job is not None and job.state in ("queued", "running"):
            self.statusBar().showMessage("The report is still being drafted", 4000)
            return None
        return self.start_task(tab, task, findings=findings)

    def _job_of(self, tab, task):
        for j in reversed(tab.jobs):
            if getattr(j, "task", None) == task:
                return j
        return None

    def _task_done(self, tab, task: str, result) -> None:
        pane = tab.panes[task]
        job = self._job_of(tab, task)
        pane.set_result(result)
        if task == "code":
            tab.style_mentions([c.to_dict() if hasattr(c, "to_dict") else c for c in result.codes])
        self._record_run(tab, task, result, job.elapsed_ms if job else 0.0)
        self._update_job_label()
        self.taskFinished.emit(tab, task, "done")

    def _task_failed(self, tab, task: str, msg: str) -> None:
        tab.panes[task].set_failed(msg)
        self.last_error = msg
        self._update_job_label()
        self.taskFinished.emit(tab, task, "failed")

    def _task_cancelled(self, tab, task: str) -> None:
        tab.panes[task].set_cancelled()
        self.statusBar().showMessage(f"{tab.panes[task].title}: cancelled", 5000)
        self._update_job_label()
        self.taskFinished.emit(tab, task, "cancelled")

    def cancel_task(self, tab, task: str) -> None:
        job = self._job_of(tab, task)
        if job is not None and job.state in ("queued", "running"):
            job.cancel()
            tab.panes[task].banner.set_state("running", "Cancelling…")
            if job.state == "queued":  # never started: take it off the queue and say so now
                if self.runner.pools["tasks"].tryTake(job):
                    job.state = "cancelled"
                    self.runner.active.remove(job)
                    self._task_cancelled(tab, task)

    def cancel_current(self) -> None:
        tab = self.current_tab()
        if tab is not None:
            for task in tab.panes:
                self.cancel_task(tab, task)

    def _update_job_label(self) -> None:
        n = sum(1 for j in self.runner.active if j.state in ("queued", "running") and hasattr(j, "task"))
        self.job_label.setText(f"{n} task(s) running" if n else "")

    # ------------------------------------------------------------------ current tab actions
    def current_tab(self):
        w = self.tabs.currentWidget()
        return w if hasattr(w, "panes") else None

    def _current(self):
        tab = self.current_tab()
        if tab is None:
            return None, None
        pane = tab.current_pane()
        for task, p in tab.panes.items():
            if p is pane:
                return tab, task
        return tab, None

    def accept_current(self) -> None:
        tab, task = self._current()
        if task and tab.panes[task].result is not None:
            self.decide(tab, task, "run", "accepted")

    def reject_current(self) -> None:
        tab, task = self._current()
        if task and tab.panes[task].result is not None:
            self.decide(tab, task, "run", "rejected")

    def copy_current(self) -> None:
        tab, task = self._current()
        if task:
            self.copy_pane(tab, task)

    def copy_pane(self, tab, task: str) -> None:
        pane = tab.panes[task]
        if pane.result is None:
            return
        QApplication.clipboard().setText(pane.clipboard_text())
        ref = tab.refs[task]
        self._db("export", lambda h: h.record_export(ref.run_id, "clipboard") if ref.run_id else None)
        self.statusBar().showMessage(f"{pane.title} copied to the clipboard", 4000)

    def export_current(self) -> None:
        tab, task = self._current()
        if task and tab.panes[task].export_formats:
            self.export_dialog(tab, task, tab.panes[task].export_formats[0])

    def export_dialog(self, tab, task: str, fmt: str) -> None:
        pane = tab.panes[task]
        if pane.result is None:
            return
        ext = {"sr": "dcm"}.get(fmt, fmt)
        stem = Path(str(tab.title)).stem.replace(" ", "_") or "medassist"
        path, _ = QFileDialog.getSaveFileName(self, f"Export {pane.title.lower()}", f"{stem}-{task}.{ext}",
                                              f"{fmt.upper()} (*.{ext})")
        if path:
            self.export_pane(tab, task, fmt, path)

    def export_pane(self, tab, task: str, fmt: str, path: str):
        """Write the pane's draft (with the user's edits) to ``path`` in a worker; returns the job."""
        pane = tab.panes[task]
        ref = tab.refs[task]
        title = {"summarize": "Summary", "letter": getattr(pane.result, "title", "Letter")}.get(task, pane.title)
        s = self.settings()
        meta = {"author": s.clinician_name or s.who(), "subject": f"MedAssist {pane.title.lower()} draft"}
        if task == "code":
            data = pane.csv_text()
            work = lambda job: Path(path).write_text(data, encoding="utf-8")  # noqa: E731
        elif task == "report":
            report = pane.edited_report()
            text = pane.text()

            def work(job):
                from medassist.tasks import report_export as rx

                if fmt == "pdf":
                    return rx.write_pdf(report, path)
                if fmt == "sr":
                    return rx.write_sr(report, path)
                return Path(path).write_text(report.to_text() if hasattr(report, "to_text") else text,
                                             encoding="utf-8")
        else:
            blocks = pane.blocks()

            def work(job):
                from medassist.export import export_docx, export_pdf

                return (export_docx if fmt == "docx" else export_pdf)(title, blocks, path, meta=meta)

        def done(_):
            self.statusBar().showMessage(f"Exported {Path(path).name}", 6000)
            self._db("export", lambda h: h.record_export(ref.run_id, fmt) if ref.run_id else None)

        return self.runner.submit(f"export {fmt}", work, pool="io", on_done=done, on_failed=self._open_failed)

    def close_current_tab(self) -> None:
        i = self.tabs.currentIndex()
        if i > 0:
            self.close_tab(i)

    def close_tab(self, index: int) -> None:
        w = self.tabs.widget(index)
        if index == 0 or w is None:
            return
        if hasattr(w, "cancel_jobs"):
            w.cancel_jobs()
        self.tabs.removeTab(index)
        w.deleteLater()

    # ------------------------------------------------------------------ dialogs
    def show_settings(self) -> SettingsDialog:
        from medassist.config import home_dir

        d = SettingsDialog(self.runner, self, data_folder=str(home_dir()))
        d.saved.connect(self.apply_settings)
        d.show()
        self.settings_dialog = d
        return d

    def show_about(self) -> AboutDialog:
        d = AboutDialog(self.runner, self)
        d.show()
        self.about_dialog = d
        return d

    # ------------------------------------------------------------------ shutdown
    def shutdown(self, wait_ms: int = 30000) -> None:
        for i in range(self.tabs.count()):
            w = self.tabs.widget(i)
            if hasattr(w, "cancel_jobs"):
                w.cancel_jobs()
        self.runner.cancel_all()
        self.runner.wait(wait_ms)
        app = QApplication.instance()
        if app is not None:
            app.removeEventFilter(self._activity)
        h, self.history = self.history, None
        if h is not None:
            try:
                h.close()
            except Exception:
                pass

    def closeEvent(self, event) -> None:
        if self.pending:
            print(f"MedAssist: {len(self.pending)} history write(s) made while locked were not saved", file=sys.stderr)
        self.shutdown()
        super().closeEvent(event)


class _Requeue(Exception):
    """The history closed (lock) between queueing a write and running it: queue it again."""


class HistoryErrorForUI(Exception):
    pass


class _Obj:
    """A stored letter result (dict) seen through attributes, for the panes."""

    def __init__(self, d: dict):
        self.__dict__.update(d)


def _report_from_dict(d: dict):
    """A stored report result as an object the report pane can show (sections with titles and texts)."""

    class _Section:
        def __init__(self, s):
            self.name, self.title, self.text = s.get("name", ""), s.get("title", s.get("name", "")), s.get("text", "")
            self.source = s.get("source", "")

    class _Report:
        def __init__(self, d):
            self.sections = [_Section(s) for s in d.get("sections") or []]
            self.notes = list(d.get("notes") or [])
            self.warnings = list(d.get("warnings") or [])
            self.data = d

        def to_dict(self):
            return self.data

        def to_text(self):
            from medassist.tasks.report_export import report_text

            return report_text(self.data)

    return _Report(d)
