"""A scripted GUI session for the no-network proof:

    python -m ui.scripted_session NOTE DICOM_FOLDER [--timeout 300]

Starts the real window (offscreen unless QT_QPA_PLATFORM says otherwise), opens the history (OS keyring, else
MEDASSIST_PASSPHRASE), opens the note and the study as a user would, waits for the codes, summary and letter
and the report draft, checks that each was recorded in the history, prints ``scripted session ok`` and
exits 0. Any failure or timeout prints a message to stderr and exits 1."""

from __future__ import annotations

import argparse
import os
import sys
import time


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m ui.scripted_session")
    ap.add_argument("note")
    ap.add_argument("dicom_folder")
    ap.add_argument("--timeout", type=float, default=300.0)
    args = ap.parse_args(argv)
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QEventLoop, QTimer

    from .app import create_app
    from .main_window import MainWindow
    from .tabs import NoteTab, StudyTab

    app = create_app([sys.argv[0]])
    window = MainWindow()
    window.show()
    deadline = time.monotonic() + args.timeout

    def pump(ms: int) -> None:
        # A short local event loop. (QApplication.processEvents() in PySide6 6.12 drops a reference to None
        # on every call, which crashes a long polling loop.)
        loop = QEventLoop()
        QTimer.singleShot(ms, loop.quit)
        loop.exec()

    def wait(what: str, cond) -> None:
        while not cond():
            if time.monotonic() > deadline:
                raise TimeoutError(f"timed out after {args.timeout:.0f} s waiting for {what}")
            pump(20)

    try:
        window.start_history()
        wait("the history to open",
             lambda: window.history is not None or bool(window.last_error) or window.unlock_dialog is not None)
        if window.history is None:
            raise RuntimeError(f"history: {window.last_error or 'it needs a passphrase (set MEDASSIST_PASSPHRASE)'}")
        window.open_paths([args.note, args.dicom_folder])
        wait("the note and the study to open",
             lambda: any(isinstance(window.tabs.widget(i), NoteTab) for i in range(window.tabs.count()))
             and any(isinstance(window.tabs.widget(i), StudyTab) for i in range(window.tabs.count()))
             or bool(window.last_error))
        tabs = [window.tabs.widget(i) for i in range(1, window.tabs.count())]
        note = next((t for t in tabs if isinstance(t, NoteTab)), None)
        study = next((t for t in tabs if isinstance(t, StudyTab)), None)
        if note is None or study is None:
            raise RuntimeError(f"could not open both items: {window.last_error}")
        panes = [*note.panes.values(), study.report]
        wait("codes, summary, letter and report",
             lambda: all(p.result is not None or p.banner.state == "failed" for p in panes))
        failed = [f"{p.title}: {p.banner.text()}" for p in panes if p.result is None]
        if failed:
            raise RuntimeError("; ".join(failed))
        wait("the viewer to show the study", lambda: study.viewer.frame_count() > 0 and study.viewer.current_frame() is not None)
        wait("the history records", lambda: all(p.run_id for p in panes))
        print(f"codes: {len(note.codes.rows)} suggested; summary items: {len(note.summary.items)}; "
              f"letter: {len(note.letter.text())} chars; report: {len(study.report.text())} chars; "
              f"viewer: {study.viewer.frame_count()} frames; runs: {[p.run_id for p in panes]}")
    except Exception as exc:
        print(f"scripted session failed: {exc}", file=sys.stderr, flush=True)
        window.shutdown(wait_ms=5000)
        return 1
    window.shutdown()
    print("scripted session ok", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
