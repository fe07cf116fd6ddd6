"""The desktop app end to end (pytest-qt, offscreen): drops, real task models, evidence selection, mention
styling, decisions and edits persisted in the encrypted history, the DICOM study with viewer and report,
cancel, the unlock/setup dialogs, settings, history browser, and the start-up timer. No model is faked
except where a test needs a deliberately slow task to cancel."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

pytest.importorskip("pytestqt")

from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl  # noqa: E402
from PySide6.QtGui import QDragEnterEvent, QDropEvent, QTextCursor  # noqa: E402

from medassist.store import open_history  # noqa: E402
from ui.main_window import MainWindow  # noqa: E402
from ui.panes import DRAFT_TEXT  # noqa: E402
from ui.tabs import NoteTab, StudyTab  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "resources" / "samples"
PASS = "correct horse battery staple"  # conftest's MEDASSIST_PASSPHRASE
T = 180_000  # generous: models load cold on a busy 2-core machine


def drop(qtbot, target, paths) -> None:
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(p)) for p in paths])
    pos = QPointF(target.rect().center())
    enter = QDragEnterEvent(pos, Qt.CopyAction, mime, Qt.LeftButton, Qt.NoModifier)
    target.dragEnterEvent(enter)
    assert enter.isAccepted()
    target.dropEvent(QDropEvent(pos, Qt.CopyAction, mime, Qt.LeftButton, Qt.NoModifier))


def make_window(qtbot, **kw) -> MainWindow:
    w = MainWindow(**kw)
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    return w


@pytest.fixture
def window(qtbot):
    w = make_window(qtbot)
    w.start_history()
    qtbot.waitUntil(lambda: w.history is not None, timeout=30_000)
    return w


def tab_of(window, kind):
    tabs = [window.tabs.widget(i) for i in range(window.tabs.count())]
    return next((t for t in tabs if isinstance(t, kind)), None)


def reopen_history():
    return open_history(passphrase=PASS)


# ------------------------------------------------------------------------------------------ notes
def test_drop_note_codes_summary_letter_evidence_and_decisions(qtbot, window):
    drop(qtbot, window.drop_zone, [SAMPLES / "clinic_note.txt"])
    qtbot.waitUntil(lambda: tab_of(window, NoteTab) is not None, timeout=30_000)
    tab = tab_of(window, NoteTab)
    text = (SAMPLES / "clinic_note.txt").read_text()
    assert tab.note_view.toPlainText() == text.replace("\r\n", " \n")
    qtbot.waitUntil(lambda: all(p.result is not None for p in tab.panes.values()), timeout=T)

    # every draft is marked as such until someone decides
    for pane in tab.panes.values():
        assert pane.banner.text() == DRAFT_TEXT
    assert tab.codes.table.rowCount() >= 3
    assert tab.summary.items and "naproxen" in tab.letter.text().lower()

    # click a code -> its evidence span is selected in the note view
    row = tab.codes.rows[0]
    code = tab.codes.codes[row]
    ev = code["evidence"][0]
    tab.codes.click_code(code["code"])
    cur = tab.note_view.textCursor()
    assert (cur.selectionStart(), cur.selectionEnd()) == (ev["start"], ev["end"])
    assert cur.selectedText() == text[ev["start"]:ev["end"]]
    # click a summary item -> its span
    i = next(k for k, (_, e) in enumerate(tab.summary.items) if e.get("evidence"))
    sev = tab.summary.items[i][1]["evidence"][0]
    tab.summary.click_item(i)
    cur = tab.note_view.textCursor()
    assert (cur.selectionStart(), cur.selectionEnd()) == (sev["start"], sev["end"])

    # negated "fever" (after "denies") is struck through, grey, and explained on hover
    f = text.index("fever")
    neg = tab.note_view.mention_at(f)
    assert neg is not None and neg[2] == "negated"
    c = QTextCursor(tab.note_view.document())
    c.setPosition(f + 1)
    assert c.charFormat().fontStrikeOut()
    assert "Negated" in tab.note_view.tooltip_at(f) and "denies" in tab.note_view.tooltip_at(f)
    a = text.index("asthma")
    assert tab.note_view.mention_at(a)[2] == "historical"
    c.setPosition(text.index("knee pain") + 1)
    assert not c.charFormat().fontStrikeOut()  # affirmed text is left alone

    # decisions and an edit, written to the encrypted history in a worker
    qtbot.waitUntil(lambda: all(r.run_id for r in tab.refs.values()), timeout=30_000)
    tab.codes.table.selectRow(0)
    tab.codes.accept_code.click()
    tab.codes.table.selectRow(1)
    tab.codes.reject_code.click()
    assert tab.codes.table.item(0, 4).text() == "accepted" and tab.codes.table.item(1, 4).text() == "rejected"
    tab.tabs.setCurrentWidget(tab.letter)
    tab.letter.editor.setPlainText(tab.letter.text() + "\nCall us with any questions.")
    with qtbot.waitSignal(window.historyWritten, timeout=30_000, check_params_cb=lambda n: n == "decision"):
        window.accept_action.trigger()  # Ctrl+Enter: accept the current draft
    assert tab.letter.banner.text().startswith("Accepted by ")
    tab.tabs.setCurrentWidget(tab.summary)
    with qtbot.waitSignal(window.historyWritten, timeout=30_000, check_params_cb=lambda n: n == "decision"):
        tab.summary.reject_button.click()
    assert tab.summary.banner.text().startswith("Rejected")

    # the history browser finds the note by a word in it and reopens the run in a tab
    window.show_history()
    window.history_dock.query.setText("Fluticasone")
    window.search_history("Fluticasone")
    qtbot.waitUntil(lambda: len(window.history_dock.rows) >= 1, timeout=30_000)
    code_run = next(r for r in window.history_dock.rows if r["task"] == "code")
    n = window.tabs.count()
    window.history_dock.table.selectRow(window.history_dock.rows.index(code_run))
    window.history_dock.open_button.click()
    qtbot.waitUntil(lambda: window.tabs.count() == n + 1, timeout=30_000)
    past = window.tabs.widget(window.tabs.count() - 1)
    assert past.codes.decisions.get(tab.codes.rows[0]) == "accepted"
    assert past.note_view.toPlainText() == tab.note_view.toPlainText()

    ids = {k: r.run_id for k, r in tab.refs.items()}
    window.close()  # closes the history
    with reopen_history() as h:
        codes = h.get_run(ids["code"])
        got = {(d["item"], d["decision"]) for d in codes["decisions"]}
        assert (f"codes/{tab.codes.rows[0]}", "accepted") in got and (f"codes/{tab.codes.rows[1]}", "rejected") in got
        letter = h.get_run(ids["letter"])
        assert letter["status"] == "accepted"
        assert letter["edits"] and letter["edits"][0]["after"].endswith("Call us with any questions.")
        assert letter["edits"][0]["who"] and letter["decisions"][0]["created"]
        assert h.get_run(ids["summarize"])["status"] == "rejected"


def test_export_codes_csv_and_letter_docx(qtbot, window, tmp_path):
    window.open_text("Chief complaint: cough.\nAssessment: Essential hypertension. Denies fever.\nPlan: lisinopril 10 mg daily.")
    qtbot.waitUntil(lambda: tab_of(window, NoteTab) is not None and tab_of(window, NoteTab).letter.result is not None,
                    timeout=T)
    tab = tab_of(window, NoteTab)
    csv_path, docx_path = tmp_path / "codes.csv", tmp_path / "letter.docx"
    job = window.export_pane(tab, "code", "csv", str(csv_path))
    qtbot.waitUntil(lambda: job.state in ("done", "failed"), timeout=60_000)
    assert job.state == "done", job.error
    assert csv_path.read_text().splitlines()[0].startswith("code,description,status")
    assert "I10" in csv_path.read_text()
    tab.letter.editor.setPlainText("Dear patient,\nEdited line for the export.")
    job = window.export_pane(tab, "letter", "docx", str(docx_path))
    qtbot.waitUntil(lambda: job.state in ("done", "failed"), timeout=60_000)
    assert job.state == "done", job.error
    import docx

    assert "Edited line for the export." in "\n".join(p.text for p in docx.Document(str(docx_path)).paragraphs)
    window.copy_pane(tab, "code")
    from PySide6.QtWidgets import QApplication

    assert QApplication.clipboard().text().startswith("I10\t")


# ------------------------------------------------------------------------------------------ DICOM
def test_drop_dicom_folder_shows_viewer_and_report(qtbot, window, tmp_path):
    drop(qtbot, window.drop_zone, [SAMPLES / "ct_phantom"])
    qtbot.waitUntil(lambda: tab_of(window, StudyTab) is not None, timeout=60_000)
    tab = tab_of(window, StudyTab)
    qtbot.waitUntil(lambda: tab.viewer.frame_count() == 12 and tab.viewer.current_frame() is not None, timeout=60_000)
    qtbot.waitUntil(lambda: tab.report.result is not None, timeout=T)
    assert tab.report.banner.text() == DRAFT_TEXT
    assert "FINDINGS:" in tab.report.text() and "IMPRESSION:" in tab.report.text()
    assert tab.report.notes.isVisibleTo(tab) and "no image model installed" in tab.report.notes.text()
    # edit the impression; the SR export carries the edit
    body = tab.report.text()
    assert "\n\nIMPRESSION:\n" in body
    tab.report.editor.setPlainText(body.split("\n\nIMPRESSION:\n")[0] + "\n\nIMPRESSION:\nEdited impression for the SR test.")
    assert tab.report.edited_report().section("impression").source == "user"
    out = tmp_path / "report.dcm"
    job = window.export_pane(tab, "report", "sr", str(out))
    qtbot.waitUntil(lambda: job.state in ("done", "failed"), timeout=60_000)
    assert job.state == "done", job.error
    import pydicom

    ds = pydicom.dcmread(out)
    assert ds.StudyInstanceUID == tab.report.result.study_uid
    assert b"Edited impression for the SR test." in out.read_bytes()


# ------------------------------------------------------------------------------------------ cancel
def test_cancel_a_long_job_discards_its_result(qtbot, tmp_path):
    seen = {"steps": 0, "stopped": False}
    started = threading.Event()

    def slow_codes(doc, job):  # a long cooperative job: checks the flag between steps
        started.set()
        try:
            for i in range(600):
                job.progress(i // 6, f"step {i}")
                seen["steps"] = i
                time.sleep(0.05)
        except BaseException:
            seen["stopped"] = True
            raise
        return {"codes": []}

    def stubborn_summary(doc, job):  # ignores the flag; its result must still be dropped
        time.sleep(0.6)
        return {"synopsis": {"text": "should never show", "evidence": []}}

    letter_ran = []
    w = make_window(qtbot, tasks={"code": slow_codes, "summarize": stubborn_summary,
                                  "letter": lambda doc, job: letter_ran.append(1)})
    w.open_text("Chief complaint: cough.")
    qtbot.waitUntil(lambda: tab_of(w, NoteTab) is not None, timeout=30_000)
    tab = tab_of(w, NoteTab)
    qtbot.waitUntil(lambda: started.is_set() and tab.codes.progress.value() > 0, timeout=30_000)
    tab.codes.cancel_button.click()
    qtbot.waitUntil(lambda: tab.codes.banner.state == "cancelled", timeout=10_000)
    assert seen["stopped"] and seen["steps"] < 200
    assert tab.codes.result is None and tab.codes.banner.text() == "Cancelled"
    # the second job is running and does not look at the flag: cancel anyway, the result is discarded
    qtbot.waitUntil(lambda: w._job_of(tab, "summarize").state == "running", timeout=10_000)
    tab.summary.cancel_button.click()
    tab.letter.cancel_button.click()  # still queued: taken off the queue, never runs
    qtbot.waitUntil(lambda: tab.summary.banner.state == "cancelled", timeout=10_000)
    assert tab.summary.result is None and tab.summary.tree.topLevelItemCount() == 0
    qtbot.waitUntil(lambda: tab.letter.banner.state == "cancelled", timeout=10_000)
    w.runner.wait(5000)
    assert letter_ran == [] and tab.letter.result is None


# ------------------------------------------------------------------------------------------ passphrase
def test_wrong_passphrase_is_refused_and_the_app_stays_usable(qtbot, monkeypatch):
    open_history(passphrase="the right passphrase").close()
    monkeypatch.delenv("MEDASSIST_PASSPHRASE")
    from medassist.tasks.code import code_document

    w = make_window(qtbot, tasks={"summarize": lambda d, j: {}, "letter": lambda d, j: {"text": ""}},
                    run_tasks=True)
    w.tasks["code"] = lambda doc, job: code_document(doc)
    w.start_history()
    qtbot.waitUntil(lambda: w.unlock_dialog is not None and w.unlock_dialog.isVisible(), timeout=30_000)
    d = w.unlock_dialog
    assert not d.setup and d.windowTitle() == "Unlock MedAssist"
    qtbot.keyClicks(d.passphrase, "not the passphrase")
    qtbot.mouseClick(d.ok_button, Qt.LeftButton)
    qtbot.waitUntil(lambda: d.error.text() == "history is locked: wrong passphrase", timeout=30_000)
    assert d.isVisible() and d.ok_button.isEnabled() and w.history is None

    # still usable while locked: a note opens and is coded; its history record waits in memory
    w.open_text("Assessment: Essential hypertension. Denies fever.")
    qtbot.waitUntil(lambda: tab_of(w, NoteTab) is not None and tab_of(w, NoteTab).codes.result is not None, timeout=T)
    assert any(name == "record_run" for name, _, _ in w.pending)

    d.passphrase.clear()
    qtbot.keyClicks(d.passphrase, "the right passphrase")
    with qtbot.waitSignal(w.historyOpened, timeout=30_000):
        qtbot.mouseClick(d.ok_button, Qt.LeftButton)
    assert not d.isVisible()
    tab = tab_of(w, NoteTab)
    qtbot.waitUntil(lambda: tab.refs["code"].run_id is not None, timeout=30_000)
    assert w.pending == []
    w.close()
    with open_history(passphrase="the right passphrase") as h:
        run = h.get_run(tab.refs["code"].run_id)
        assert run["task"] == "code" and "hypertension" in run["document"]["text"]


def test_first_run_setup_then_lock_and_unlock(qtbot, monkeypatch, home):
    monkeypatch.delenv("MEDASSIST_PASSPHRASE")
    w = make_window(qtbot, run_tasks=False)
    w.start_history()
    qtbot.waitUntil(lambda: w.unlock_dialog is not None and w.unlock_dialog.isVisible(), timeout=30_000)
    d = w.unlock_dialog
    assert d.setup and d.confirm.isVisibleTo(d)
    qtbot.keyClicks(d.passphrase, "first passphrase")
    qtbot.keyClicks(d.confirm, "first passphrase typo")
    qtbot.mouseClick(d.ok_button, Qt.LeftButton)
    assert d.error.text() == "The two passphrases differ." and w.history is None
    d.reject()  # dismissed: File > Unlock history brings the setup back
    assert w.unlock_dialog is None
    w.unlock_action.trigger()
    assert w.unlock_dialog is not None and w.unlock_dialog is not d and w.unlock_dialog.setup
    d = w.unlock_dialog
    qtbot.keyClicks(d.passphrase, "first passphrase")
    d.confirm.clear()
    qtbot.keyClicks(d.confirm, "first passphrase")
    with qtbot.waitSignal(w.historyOpened, timeout=30_000):
        qtbot.mouseClick(d.ok_button, Qt.LeftButton)
    assert (home / "history.salt.json").exists()

    # on demand (Ctrl+L): the work area is hidden, the history closed, the unlock dialog shown
    w.lock_action.trigger()
    assert w.locked and w.stack.currentWidget() is w.lock_page and w.history is None
    u = w.unlock_dialog
    assert u is not None and not u.setup
    qtbot.keyClicks(u.passphrase, "first passphrase")
    with qtbot.waitSignal(w.historyOpened, timeout=30_000):
        qtbot.mouseClick(u.ok_button, Qt.LeftButton)
    assert not w.locked and w.stack.currentWidget() is w.tabs

    # after inactivity; activity (a key press) restarts the timer
    w.set_lock_timeout(0.01)  # 600 ms
    qtbot.wait(350)
    qtbot.keyClick(w.tabs, Qt.Key_Shift)
    qtbot.wait(350)
    assert not w.locked
    qtbot.waitUntil(lambda: w.locked, timeout=5_000)
    w.set_lock_timeout(0)
    with open_history(passphrase="first passphrase") as h:
        events = [e["event"] for e in h.audit_events()]
    assert events.count("locked") >= 2 and events.count("unlocked") >= 2


# ------------------------------------------------------------------------------------------ settings
def test_settings_dialog_providers_packs_and_persistence(qtbot, tmp_path):
    from runtime_fixtures import make_tiny_pack

    from medassist.config import Settings

    w = make_window(qtbot, run_tasks=False)
    d = w.show_settings()
    qtbot.waitUntil(lambda: d.providers_loaded, timeout=30_000)
    import onnxruntime

    offered = [d.provider.itemText(i) for i in range(d.provider.count())]
    local = ("CUDAExecutionProvider", "DmlExecutionProvider", "CPUExecutionProvider")
    # every local provider onnxruntime offers is listed; a remote one (Azure, in the stock wheel) never is
    assert offered == ["auto", *[p for p in onnxruntime.get_available_providers() if p in local]]
    assert "CPUExecutionProvider" in offered and "AzureExecutionProvider" not in offered
    d.import_pack(str(make_tiny_pack(tmp_path / "tiny", version="2.5")))
    qtbot.waitUntil(lambda: any(r["name"] == "tiny-embedder" and r["version"] == "2.5"
                                for r in getattr(d, "pack_rows", [])), timeout=30_000)
    assert any(r["licence"] for r in d.pack_rows)
    d.verify()
    qtbot.waitUntil(lambda: "verified" in d.pack_status.text(), timeout=60_000)
    d.clinician.setText("Dr. Test Person")
    d.clinic.setText("Sample Clinic")
    d.lock_timeout.setValue(7)
    d.theme.setCurrentText("dark")
    d.provider.setCurrentText("CPUExecutionProvider")
    assert d.encounter.currentData() == "outpatient"  # the default
    d.encounter.setCurrentIndex(d.encounter.findData("inpatient"))
    assert d.suggest.currentData() == "coded"  # the default
    d.suggest.setCurrentIndex(d.suggest.findData("mentioned"))
    d.save()
    s = Settings.load()
    assert (s.clinician_name, s.clinic_name, s.lock_timeout_min, s.theme, s.execution_provider, s.coding_encounter,
            s.coding_suggest) == ("Dr. Test Person", "Sample Clinic", 7, "dark", "CPUExecutionProvider", "inpatient",
                                  "mentioned")
    from medassist.ingest import document_from_text
    from ui.main_window import run_code

    class _Job:
        def progress(self, *a):
            pass

    res = run_code(document_from_text("Rule out pneumonia. Denies chest pain."), _Job())
    assert res.encounter == "inpatient" and any(c.suggested and c.status == "uncertain" for c in res.codes)
    assert res.scope == "mentioned" and any(c.suggested and c.status == "negated" for c in res.codes)
    assert w.lock_timeout_ms == 7 * 60000 and w.theme_action.isChecked()
    from PySide6.QtWidgets import QApplication

    assert QApplication.instance().palette().window().color().lightness() < 80  # dark theme applied
    w.theme_action.trigger()
    assert Settings.load().theme == "light"
    a = w.show_about()
    qtbot.waitUntil(lambda: "onnxruntime" in a.text.toPlainText(), timeout=30_000)


def test_accessible_names_and_shortcuts(qtbot):
    w = make_window(qtbot, run_tasks=False)
    want = {"open_action": "Ctrl+O", "paste_action": "Ctrl+Shift+V", "export_action": "Ctrl+E",
            "history_action": "Ctrl+F", "lock_action": "Ctrl+L", "close_action": "Ctrl+W"}
    for name, seq in want.items():
        assert getattr(w, name).shortcut().toString() == seq
    assert "Ctrl+Return" in [s.toString() for s in w.accept_action.shortcuts()]
    from PySide6.QtWidgets import QApplication

    QApplication.clipboard().setText("Chief complaint: headache.")
    w.paste_action.trigger()
    qtbot.waitUntil(lambda: tab_of(w, NoteTab) is not None, timeout=30_000)
    tab = tab_of(w, NoteTab)
    assert tab.note_view.toPlainText() == "Chief complaint: headache."
    assert tab.note_view.accessibleName() == "Note text"
    assert tab.codes.table.accessibleName() == "Code suggestions"
    assert tab.letter.editor.accessibleName() == "Letter text"
    assert w.drop_zone.accessibleName()
    w.tabs.setCurrentWidget(tab)
    w.close_action.trigger()  # Ctrl+W
    assert tab_of(w, NoteTab) is None and w.tabs.count() == 1


def test_exit_after_show_prints_the_start_time():
    env = dict(os.environ, MEDASSIST_EXIT_AFTER_SHOW="1", QT_QPA_PLATFORM="offscreen")
    r = subprocess.run([sys.executable, "-m", "ui.app"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr[-2000:]
    line = r.stdout.strip().splitlines()[-1]
    assert line.startswith("window shown in ") and line.endswith(" s")
    assert 0 < float(line.split()[3]) < 30
