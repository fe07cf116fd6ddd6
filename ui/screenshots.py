"""Screenshots of the main screens for the docs (run under Xvfb with QT_QPA_PLATFORM=xcb, or offscreen):

    python -m ui.screenshots docs/

Uses the project's synthetic samples (resources/samples) and a throw-away data folder. Writes
docs/first-window.png and docs/screenshot-{codes,summary,letter,study,report-findings,history,settings,packs,
unlock,dark}.png."""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "resources" / "samples"


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    out = Path(argv[0] if argv else ROOT / "docs")
    out.mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("MEDASSIST_HOME", tempfile.mkdtemp(prefix="medassist-shots-"))
    os.environ.setdefault("MEDASSIST_PASSPHRASE", "screenshot passphrase")
    os.environ.setdefault("PYTHON_KEYRING_BACKEND", "keyring.backends.fail.Keyring")
    from PySide6.QtCore import QEventLoop, QPoint, QTimer
    from PySide6.QtGui import QPainter

    from medassist.config import Settings

    from .app import create_app
    from .main_window import MainWindow
    from .tabs import NoteTab, StudyTab
    from .theme import apply_theme

    app = create_app([sys.argv[0]])
    Settings(clinician_name="Dr. A. Example", clinic_name="Sample Family Clinic", theme="light").save()
    w = MainWindow()
    w.apply_settings(Settings.load())
    w.resize(1440, 860)
    w.show()
    w.setFixedSize(1440, 860)  # no window manager under Xvfb: keep every shot the same size

    def pump(ms: int = 30) -> None:
        loop = QEventLoop()
        QTimer.singleShot(ms, loop.quit)
        loop.exec()

    def wait(cond, timeout: float = 300.0) -> None:
        end = time.monotonic() + timeout
        while not cond():
            if time.monotonic() > end:
                raise TimeoutError("screenshot scene did not become ready")
            pump()

    def save(widget, name: str, overlay=None) -> None:
        pump(300)
        img = widget.grab()
        if overlay is not None:
            top = overlay.grab()
            from PySide6.QtGui import QColor, QPen

            p = QPainter(img)
            x, y = (img.width() - top.width()) // 2, (img.height() - top.height()) // 3
            p.fillRect(x + 6, y + 6, top.width(), top.height(), QColor(0, 0, 0, 60))  # shadow
            p.drawPixmap(QPoint(x, y), top)
            p.setPen(QPen(QColor("#52606d"), 1))
            p.drawRect(x, y, top.width() - 1, top.height() - 1)
            p.end()
        path = out / f"screenshot-{name}.png"
        img.save(str(path), "PNG")
        print(f"{path} {path.stat().st_size // 1024} KB")

    def note_tab(name: str):
        return next((t for t in (w.tabs.widget(i) for i in range(w.tabs.count()))
                     if isinstance(t, NoteTab) and t.title == name), None)

    w.load_status_async()
    w.start_history()
    wait(lambda: w.history is not None and "Model packs:" in w.packs_label.text()
         and "Execution provider:" in w.provider_label.text())
    pump(300)
    first = out / "first-window.png"  # the empty window: drop zone, status bar
    w.grab().save(str(first), "PNG")
    print(f"{first} {first.stat().st_size // 1024} KB")
    w.open_paths([str(SAMPLES / "clinic_note.txt")])
    wait(lambda: note_tab("clinic_note.txt") is not None)
    note = note_tab("clinic_note.txt")
    wait(lambda: all(p.result is not None for p in note.panes.values()))
    # the discharge summary: drugs given in hospital only, return precautions, codes with coding notes
    w.open_paths([str(SAMPLES / "discharge_summary.txt")])
    wait(lambda: note_tab("discharge_summary.txt") is not None)
    dis = note_tab("discharge_summary.txt")
    wait(lambda: all(p.result is not None for p in dis.panes.values()))
    w.tabs.setCurrentWidget(dis)
    dis.splitter.setSizes([560, 860])
    dis.tabs.setCurrentWidget(dis.codes)
    noted = next((dis.codes.codes[i]["code"] for i in dis.codes.rows if dis.codes.codes[i].get("warnings")),
                 dis.codes.codes[dis.codes.rows[0]]["code"])
    dis.codes.table.selectRow(0)
    dis.codes.accept_code.click()
    dis.codes.click_code(noted)
    save(w, "codes")
    dis.tabs.setCurrentWidget(dis.summary)
    hosp = next((i for i, (_, e) in enumerate(dis.summary.items) if (e.get("fields") or {}).get("setting") == "inpatient"), 0)
    dis.summary.click_item(hosp)
    save(w, "summary")
    dis.tabs.setCurrentWidget(dis.letter)
    save(w, "letter")
    w.tabs.setCurrentWidget(note)
    note.splitter.setSizes([620, 800])

    w.open_paths([str(SAMPLES / "ct_phantom")])
    wait(lambda: any(isinstance(w.tabs.widget(i), StudyTab) for i in range(w.tabs.count())))
    study = next(w.tabs.widget(i) for i in range(w.tabs.count()) if isinstance(w.tabs.widget(i), StudyTab))
    wait(lambda: study.report.result is not None and study.viewer.frame_count() > 0
         and study.viewer.current_frame() is not None)
    study.viewer.set_index(6)
    study.splitter.setSizes([760, 660])
    save(w, "study")

    # a chest radiograph with the radiologist's findings: the impression model's draft and its check
    rg1 = _chest_radiograph()
    if rg1 is not None:
        w.open_paths([rg1])
        wait(lambda: sum(isinstance(w.tabs.widget(i), StudyTab) for i in range(w.tabs.count())) == 2)
        cr = [w.tabs.widget(i) for i in range(w.tabs.count()) if isinstance(w.tabs.widget(i), StudyTab)][-1]
        wait(lambda: cr.report.result is not None and cr.viewer.current_frame() is not None)
        cr.splitter.setSizes([640, 780])
        cr.report.findings.setPlainText("Heart size is mildly enlarged. There is a small left pleural effusion. "
                                        "No pneumothorax.")
        cr.report.redraft.click()
        wait(lambda: cr.report.result is not None and "your findings, as typed" in cr.report.provenance.text())
        save(w, "report-findings")

    w.tabs.setCurrentWidget(note)
    note.tabs.setCurrentWidget(note.codes)
    wait(lambda: all(r.run_id for r in note.refs.values()))
    w.show_history()
    w.history_dock.query.setText("knee")
    w.search_history("knee")
    wait(lambda: len(w.history_dock.rows) > 0)
    from PySide6.QtCore import Qt

    note.splitter.setSizes([430, 470])
    w.resizeDocks([w.history_dock], [540], Qt.Horizontal)
    save(w, "history")
    w.history_dock.hide()
    note.splitter.setSizes([620, 800])

    d = w.show_settings()
    d.resize(760, 500)
    wait(lambda: d.providers_loaded and getattr(d, "pack_rows", None) is not None)
    save(d, "settings")
    d.tabs.setCurrentIndex(1)
    d.verify()
    wait(lambda: "verified" in d.pack_status.text())
    save(d, "packs")
    d.reject()

    apply_theme(app, "dark")
    w.drop_zone.refresh_style()
    w.restyle_tabs()
    w.tabs.setCurrentWidget(dis)  # mention styles, the hospital-only drugs and return precautions in the dark theme
    dis.tabs.setCurrentWidget(dis.summary)
    dis.summary.click_item(hosp)
    save(w, "dark")
    apply_theme(app, "light")
    w.drop_zone.refresh_style()
    w.restyle_tabs()

    w.lock()
    u = w.unlock_dialog
    u.passphrase.setText("wrong guess")
    u._submit()
    wait(lambda: "wrong passphrase" in u.error.text())
    save(w, "unlock", overlay=u)
    u.reject()
    w.shutdown()
    return 0


def _chest_radiograph() -> str | None:
    """pydicom's CR chest sample (RG1_UNCR.dcm, no download), or None."""
    try:
        from pydicom.data import get_testdata_file

        return get_testdata_file("RG1_UNCR.dcm")
    except Exception:  # noqa: BLE001 - the shot is skipped without it
        return None


if __name__ == "__main__":
    sys.exit(main())
