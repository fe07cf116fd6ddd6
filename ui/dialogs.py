"""Dialogs: unlock / first-run setup, settings, about, and the history browser (a dock).

Nothing here opens the history, lists packs or asks onnxruntime on the GUI thread: the dialogs take a
``runner`` (ui.workers.JobRunner) and hand that work to it."""

from __future__ import annotations


from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDockWidget,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

MIN_PASSPHRASE = 8


def _choice_box(parent, form, label: str, current: str, items: list[tuple[str, str]], tip: str):
    """A combo box of (shown text, setting value) pairs on its own form row, set to ``current`` (else the first)."""
    box = QComboBox(parent)
    box.setAccessibleName(label)
    for text, value in items:
        box.addItem(text, value)
    box.setToolTip(tip)
    box.setCurrentIndex(max(0, box.findData(current)))
    form.addRow(f"{label}:", box)
    return box


class PassphraseDialog(QDialog):
    """Unlock (one field) or first-run setup (passphrase + confirmation). Emits ``submitted`` with the
    passphrase; the window checks it in a worker and calls :meth:`show_error` or :meth:`accept`. The dialog
    is not application-modal: the window stays usable while it is open."""

    submitted = Signal(str)

    def __init__(self, parent: QWidget | None = None, *, setup: bool = False, keyring_mode: bool = False,
                 reason: str = ""):
        super().__init__(parent)
        self.setup = setup
        self.keyring_mode = keyring_mode
        self.setObjectName("setupDialog" if setup else "unlockDialog")
        self.setWindowTitle("Set up the history" if setup else "Unlock MedAssist")
        self.setModal(False)
        self.setMinimumWidth(440)
        layout = QVBoxLayout(self)
        if setup:
            intro = ("MedAssist keeps every note, draft and decision in an encrypted history on this computer. "
                     "No OS keyring is available here, so choose a passphrase (at least 8 characters). "
                     "It cannot be recovered if lost.")
        elif keyring_mode:
            intro = "MedAssist is locked. Its history key is in the OS keyring of this user."
        else:
            intro = "MedAssist is locked. Enter the history passphrase."
        self.intro = QLabel((reason + "\n\n" if reason else "") + intro, self)
        self.intro.setWordWrap(True)
        layout.addWidget(self.intro)
        form = QFormLayout()
        self.passphrase = QLineEdit(self)
        self.passphrase.setEchoMode(QLineEdit.Password)
        self.passphrase.setAccessibleName("Passphrase")
        self.confirm = QLineEdit(self)
        self.confirm.setEchoMode(QLineEdit.Password)
        self.confirm.setAccessibleName("Confirm passphrase")
        if not keyring_mode:
            form.addRow("Passphrase:", self.passphrase)
        if setup:
            form.addRow("Confirm:", self.confirm)
        else:
            self.confirm.hide()
        layout.addLayout(form)
        self.error = QLabel("", self)
        self.error.setObjectName("unlockError")
        self.error.setAccessibleName("Unlock error")
        self.error.setStyleSheet("color:#b42318; font-weight:600;")
        self.error.setWordWrap(True)
        layout.addWidget(self.error)
        self.buttons = QDialogButtonBox(QDialogButtonBox.Ok | QDialogButtonBox.Cancel, self)
        self.ok_button = self.buttons.button(QDialogButtonBox.Ok)
        self.ok_button.setText("Create history" if setup else "Unlock")
        self.ok_button.setAccessibleName(self.ok_button.text())
        self.buttons.accepted.connect(self._submit)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self.busy = False

    def _submit(self) -> None:
        if self.busy:
            return
        p = self.passphrase.text()
        if not self.keyring_mode:
            if not p:
                self.show_error("Enter the passphrase.")
                return
            if self.setup and len(p) < MIN_PASSPHRASE:
                self.show_error(f"Use at least {MIN_PASSPHRASE} characters.")
                return
            if self.setup and p != self.confirm.text():
                self.show_error("The two passphrases differ.")
                return
        self.set_busy(True)
        self.submitted.emit(p)

    def set_busy(self, busy: bool) -> None:
        self.busy = busy
        self.ok_button.setEnabled(not busy)
        if busy:
            self.error.setStyleSheet("color:#52606d;")
            self.error.setText("Checking…" if not self.setup else "Creating the encrypted history…")

    def show_error(self, message: str) -> None:
        self.set_busy(False)
        self.error.setStyleSheet("color:#b42318; font-weight:600;")
        self.error.setText(message)
        self.passphrase.selectAll()
        self.passphrase.setFocus()


# ------------------------------------------------------------------------------------------ settings
def list_pack_rows() -> list[dict]:
    """Every pack the registry sees (manifests only; worker thread)."""
    from medassist.runtime.registry import scan

    rows = []
    for e in scan():
        if e.pack is None:
            rows.append({"name": e.path.name, "version": "", "task": "", "licence": "", "path": str(e.path),
                         "state": f"unreadable: {e.error}"})
            continue
        m = e.pack.manifest
        rows.append({"name": e.pack.name, "version": e.pack.version, "task": e.pack.task,
                     "licence": str(m.get("licence", "")), "source": str(m.get("source", "")), "path": str(e.path),
                     "state": "shadowed" if e.shadowed else "in use"})
    return rows


def verify_packs() -> list[dict]:
    from medassist.runtime.packs import ModelPack
    from medassist.runtime.registry import check_requires

    out = []
    for row in list_pack_rows():
        try:
            check_requires(ModelPack.load(row["path"], verify=True))  # and the packs it is built on
            out.append({**row, "state": "verified"})
        except Exception as exc:  # ModelPackError names the file and the problem
            out.append({**row, "state": f"FAILED: {exc}"})
    return out


def available_providers() -> list[str]:
    """The execution providers onnxruntime offers here that MedAssist will use: local ones only (CUDA,
    DirectML, CPU). A remote one (AzureExecutionProvider) is never offered in Settings."""
    from medassist.runtime.session import PREFERENCE, available_providers as offered

    return [p for p in offered() if p in PREFERENCE]


class SettingsDialog(QDialog):
    """Data folder, model packs, execution provider, letter signature, lock timeout, theme."""

    saved = Signal(object)  # the Settings

    def __init__(self, runner, parent: QWidget | None = None, *, data_folder: str = ""):
        super().__init__(parent)
        from medassist.config import Settings

        self.setObjectName("settingsDialog")
        self.setWindowTitle("Settings")
        self.setMinimumSize(720, 480)
        self.runner = runner
        self.settings = Settings.load()
        layout = QVBoxLayout(self)
        tabs = QTabWidget(self)
        layout.addWidget(tabs)

        general = QWidget(tabs)
        form = QFormLayout(general)
        folder_row = QHBoxLayout()
        self.data_folder = QLineEdit(data_folder, general)
        self.data_folder.setAccessibleName("Data folder")
        browse = QPushButton("Choose…", general)
        browse.clicked.connect(self._choose_folder)
        folder_row.addWidget(self.data_folder, 1)
        folder_row.addWidget(browse)
        form.addRow("Data folder (next start):", folder_row)
        self.user_name = QLineEdit(self.settings.user_name, general)
        self.user_name.setPlaceholderText("the OS user")
        self.user_name.setAccessibleName("Reviewer name")
        form.addRow("Reviewer name (edits, decisions):", self.user_name)
        self.clinician = QLineEdit(self.settings.clinician_name, general)
        self.clinician.setAccessibleName("Clinician name for letters")
        form.addRow("Letter signature — clinician:", self.clinician)
        self.clinic = QLineEdit(self.settings.clinic_name, general)
        self.clinic.setAccessibleName("Clinic name for letters")
        form.addRow("Letter signature — clinic:", self.clinic)
        self.lock_timeout = QSpinBox(general)
        self.lock_timeout.setRange(0, 240)
        self.lock_timeout.setSuffix(" min")
        self.lock_timeout.setSpecialValueText("never")
        self.lock_timeout.setValue(int(self.settings.lock_timeout_min))
        self.lock_timeout.setAccessibleName("Lock after inactivity")
        form.addRow("Lock after inactivity:", self.lock_timeout)
        self.theme = QComboBox(general)
        self.theme.addItems(["light", "dark"])
        self.theme.setCurrentText(self.settings.theme if self.settings.theme in ("light", "dark") else "light")
        self.theme.setAccessibleName("Theme")
        form.addRow("Theme:", self.theme)
        self.encounter = _choice_box(general, form, "Coding encounter", self.settings.coding_encounter, [
            ("Outpatient — uncertain diagnoses not coded", "outpatient"),
            ("Inpatient — uncertain diagnoses coded as established", "inpatient")],
            "ICD-10-CM guidelines: a diagnosis documented as probable, suspected or rule out is coded as if established "
            "for an inpatient admission (II.H), not for an outpatient visit (IV.H). Such codes keep the status "
            "'uncertain' and a warning.")
        self.suggest = _choice_box(general, form, "Suggested codes", self.settings.coding_suggest, [
            ("Codes to report — what the guidelines code for the encounter", "coded"),
            ("Every condition mentioned — abstraction, whatever its status", "mentioned")],
            "Codes to report (default): only what is affirmed, current and the patient's, as the ICD-10-CM guidelines "
            "ask. Every condition mentioned: for abstraction and registries, also negated, past and relatives' "
            "conditions and integral symptoms, each with its status and a warning saying why it would not be reported.")
        self.provider = QComboBox(general)
        self.provider.setAccessibleName("Execution provider")
        self.provider.addItem("auto")
        self.provider.setEnabled(False)
        self.provider_note = QLabel("asking onnxruntime…", general)
        prow = QHBoxLayout()
        prow.addWidget(self.provider, 1)
        prow.addWidget(self.provider_note)
        form.addRow("Execution provider:", prow)
        tabs.addTab(general, "General")

        packs = QWidget(tabs)
        pv = QVBoxLayout(packs)
        self.packs = QTableWidget(0, 5, packs)
        self.packs.setAccessibleName("Model packs")
        self.packs.setHorizontalHeaderLabels(["Pack", "Version", "Task", "State", "Licence"])
        self.packs.setEditTriggers(QAbstractItemView.NoEditTriggers)
        self.packs.verticalHeader().setVisible(False)
        self.packs.horizontalHeader().setSectionResizeMode(4, QHeaderView.Stretch)
        pv.addWidget(self.packs, 1)
        brow = QHBoxLayout()
        self.import_button = QPushButton("Import pack…", packs)
        self.import_button.setAccessibleName("Import model pack")
        self.import_button.clicked.connect(self._import_dialog)
        self.verify_button = QPushButton("Verify", packs)
        self.verify_button.setAccessibleName("Verify model packs")
        self.verify_button.clicked.connect(self.verify)
        self.pack_status = QLabel("", packs)
        self.pack_status.setWordWrap(True)
        brow.addWidget(self.import_button)
        brow.addWidget(self.verify_button)
        brow.addWidget(self.pack_status, 1)
        pv.addLayout(brow)
        tabs.addTab(packs, "Model packs")
        self.tabs = tabs

        buttons = QDialogButtonBox(QDialogButtonBox.Save | QDialogButtonBox.Cancel, self)
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.providers_loaded = False
        self.refresh_packs()
        self.runner.submit("providers", lambda job: available_providers(), pool="io",
                           on_done=self._providers, on_failed=lambda m: self.provider_note.setText(m))

    # providers
    def _providers(self, names: list[str]) -> None:
        self.provider.clear()
        self.provider.addItems(["auto", *names])
        want = self.settings.execution_provider
        if want in ["auto", *names]:
            self.provider.setCurrentText(want)
        self.provider.setEnabled(True)
        self.provider_note.setText(f"{len(names)} local provider(s) offered here; remote providers are never used")
        self.providers_loaded = True

    # packs
    def refresh_packs(self) -> None:
        self.runner.submit("packs", lambda job: list_pack_rows(), pool="io", on_done=self._show_packs,
                           on_failed=self.pack_status.setText)

    def verify(self) -> None:
        self.pack_status.setText("Verifying checksums…")
        self.runner.submit("verify packs", lambda job: verify_packs(), pool="io", on_done=self._verified,
                           on_failed=self.pack_status.setText)

    def _verified(self, rows: list[dict]) -> None:
        self._show_packs(rows)
        bad = [r for r in rows if r["state"].startswith("FAILED")]
        self.pack_status.setText(f"{len(rows) - len(bad)} verified, {len(bad)} failed" if rows else "no packs")

    def _show_packs(self, rows: list[dict]) -> None:
        self.pack_rows = rows
        self.packs.setRowCount(len(rows))
        for r, row in enumerate(rows):
            for c, key in enumerate(("name", "version", "task", "state", "licence")):
                item = QTableWidgetItem(str(row.get(key, "")))
                item.setToolTip(f"{row.get('licence', '')}\n{row.get('path', '')}\nsource: {row.get('source', '')}")
                self.packs.setItem(r, c, item)
        for c in range(4):
            self.packs.resizeColumnToContents(c)
        self.packs.setTextElideMode(Qt.ElideNone)
        self.packs.resizeRowsToContents()  # the whole licence, wrapped

    def _import_dialog(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Import a model pack folder")
        if folder:
            self.import_pack(folder)

    def import_pack(self, folder: str) -> None:
        from medassist.runtime.registry import import_to_home

        self.pack_status.setText(f"Importing {folder}…")

        def done(pack) -> None:
            self.pack_status.setText(f"Imported {pack.name} {pack.version}")
            self.refresh_packs()

        self.runner.submit("import pack", lambda job: import_to_home(folder), pool="io", on_done=done,
                           on_failed=self.pack_status.setText)

    def _choose_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Data folder", self.data_folder.text())
        if folder:
            self.data_folder.setText(folder)

    def save(self) -> None:
        s = self.settings
        s.user_name = self.user_name.text().strip()
        s.clinician_name = self.clinician.text().strip()
        s.clinic_name = self.clinic.text().strip()
        s.lock_timeout_min = int(self.lock_timeout.value())
        s.theme = self.theme.currentText()
        s.coding_encounter = self.encounter.currentData() or "outpatient"
        s.coding_suggest = self.suggest.currentData() or "coded"
        if self.providers_loaded:
            s.execution_provider = self.provider.currentText()
        s.save()
        from PySide6.QtCore import QSettings

        QSettings("MedAssist", "MedAssist").setValue("data_folder", self.data_folder.text().strip())
        self.saved.emit(s)
        self.accept()


# ------------------------------------------------------------------------------------------ about
def about_text() -> str:
    """Versions and licences (manifests only; called in a worker)."""
    import importlib.metadata as md
    import platform

    from PySide6 import __version__ as pyside_version

    lines = ["<h3>MedAssist</h3>", "<p>Offline drafts for clinicians: every draft is checked by a person. "
             "Nothing leaves this computer.</p><table>"]
    for dist in ("medassist", "onnxruntime", "tokenizers", "numpy", "pydicom", "sqlcipher3", "sqlite-utils",
                 "python-docx", "fpdf2", "highdicom", "keyring"):
        try:
            v = md.version(dist)
            lic = md.metadata(dist).get("License-Expression") or md.metadata(dist).get("License") or ""
        except md.PackageNotFoundError:
            v, lic = "not installed", ""
        lic = lic.splitlines()[0][:40] if lic else ""
        lines.append(f"<tr><td>{dist}</td><td>{v}</td><td>{lic}</td></tr>")
    lines.append(f"<tr><td>PySide6 (Qt)</td><td>{pyside_version}</td><td>LGPL-3.0</td></tr>")
    lines.append(f"<tr><td>Python</td><td>{platform.python_version()}</td><td>PSF</td></tr></table>")
    lines.append("<h4>Model packs</h4><ul>")
    for row in list_pack_rows():
        lines.append(f"<li>{row['name']} {row['version']} — licence: {row['licence'] or 'unknown'}</li>")
    lines.append("</ul>")
    return "\n".join(lines)


class AboutDialog(QDialog):
    def __init__(self, runner, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("aboutDialog")
        self.setWindowTitle("About MedAssist")
        self.setMinimumSize(520, 460)
        layout = QVBoxLayout(self)
        self.text = QTextBrowser(self)
        self.text.setAccessibleName("Versions and licences")
        self.text.setHtml("<p>Reading versions…</p>")
        layout.addWidget(self.text)
        buttons = QDialogButtonBox(QDialogButtonBox.Close, self)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        runner.submit("about", lambda job: about_text(), pool="io", on_done=self.text.setHtml,
                      on_failed=self.text.setPlainText)


# ------------------------------------------------------------------------------------------ history
class HistoryDock(QDockWidget):
    """Full-text search over the encrypted history; double-click (or Open) reopens a run in a tab."""

    searchRequested = Signal(str)
    openRequested = Signal(int)

    def __init__(self, parent: QWidget | None = None):
        super().__init__("History", parent)
        self.setObjectName("historyDock")
        self.setAccessibleName("History browser")
        w = QWidget(self)
        v = QVBoxLayout(w)
        row = QHBoxLayout()
        self.query = QLineEdit(w)
        self.query.setPlaceholderText("Search notes and drafts (Ctrl+F)")
        self.query.setAccessibleName("History search")
        self.query.setClearButtonEnabled(True)
        self.query.returnPressed.connect(lambda: self.searchRequested.emit(self.query.text().strip()))
        go = QPushButton("Search", w)
        go.clicked.connect(lambda: self.searchRequested.emit(self.query.text().strip()))
        row.addWidget(self.query, 1)
        row.addWidget(go)
        v.addLayout(row)
        self.status = QLabel("", w)
        self.status.setWordWrap(True)
        v.addWidget(self.status)
        self.table = QTableWidget(0, 5, w)
        self.table.setAccessibleName("History results")
        self.table.setHorizontalHeaderLabels(["#", "When", "Task", "Source", "Match"])
        self.table.setSelectionBehavior(QAbstractItemView.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(4, QHeaderView.Stretch)
        self.table.cellDoubleClicked.connect(lambda r, _c: self._open(r))
        v.addWidget(self.table, 1)
        self.open_button = QPushButton("Open in a tab", w)
        self.open_button.setAccessibleName("Open history run")
        self.open_button.clicked.connect(lambda: self._open(self.table.currentRow()))
        v.addWidget(self.open_button, 0, Qt.AlignRight)
        w.setMinimumWidth(460)
        self.setWidget(w)
        self.rows: list[dict] = []

    def show_rows(self, rows: list[dict], label: str = "") -> None:
        self.rows = rows
        self.table.setRowCount(len(rows))
        for r, row in enumerate(rows):
            source = row.get("source") or ""
            short = source.replace("\\", "/").rsplit("/", 1)[-1] if source else ""
            vals = [str(row["id"]), str(row.get("created", ""))[:16].replace("T", " "), row.get("task", ""),
                    short, (row.get("match") or row.get("status") or "").replace("\n", " ")]
            for c, v in enumerate(vals):
                item = QTableWidgetItem(v)
                item.setToolTip(source if c == 3 else v)
                self.table.setItem(r, c, item)
        for c in range(4):
            self.table.resizeColumnToContents(c)
        self.status.setText(label or f"{len(rows)} run(s)")

    def _open(self, row: int) -> None:
        if 0 <= row < len(self.rows):
            self.openRequested.emit(int(self.rows[row]["id"]))
