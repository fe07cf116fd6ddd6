"""``medassist-app``: the desktop window.

Start-up order keeps the first paint fast: the network guard is installed, the QApplication and the window are
created and shown, and only then do workers read the pack manifests, ask onnxruntime which execution providers
it offers (onnxruntime is imported there, not here) and open the encrypted history (scrypt runs in a worker).
No ONNX session opens at start-up.

Environment: ``MEDASSIST_EXIT_AFTER_SHOW=1`` prints ``window shown in X.XX s`` (time since the process
started) once the window has been painted, and exits 0 (installer smoke test, bench/startup.py).
``MEDASSIST_PASSPHRASE`` unlocks a passphrase-keyed history without the dialog (automation).
``MEDASSIST_NO_PREWARM=1`` skips loading the coding models in the background after the window shows.
"""

from __future__ import annotations

import time

_T0 = time.perf_counter()  # first thing: the fallback clock when /proc is not there

import os  # noqa: E402
import sys  # noqa: E402


def process_age() -> float:
    """Seconds since this process started (Linux: /proc/self/stat; elsewhere since this module loaded)."""
    try:
        with open("/proc/self/stat", "rb") as fh:
            fields = fh.read().rsplit(b")", 1)[1].split()
        start_ticks = int(fields[19])  # field 22 (starttime), counted after the "(comm)" field
        hz = os.sysconf("SC_CLK_TCK")
        with open("/proc/uptime", "rb") as fh:
            uptime = float(fh.read().split()[0])
        return max(0.0, uptime - start_ticks / hz)
    except (OSError, ValueError, IndexError):
        return time.perf_counter() - _T0


def create_app(argv: list[str] | None = None):
    """The QApplication (created once), with the network guard installed first."""
    from medassist.netguard import install as install_network_guard

    install_network_guard()
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance()
    if app is None:
        app = QApplication(list(argv if argv is not None else sys.argv))
    app.setApplicationName("MedAssist")
    app.setApplicationDisplayName("MedAssist")
    app.setOrganizationName("MedAssist")
    return app


def _exit_after_show(window, app) -> None:
    """Report the first paint, then quit (the event after the first expose is painted)."""
    from PySide6.QtCore import QObject, QEvent, QTimer

    class _Paint(QObject):
        def eventFilter(self, obj, event):  # noqa: N802
            if event.type() == QEvent.Paint and not getattr(self, "seen", False):
                self.seen = True
                QTimer.singleShot(0, report)
            return False

    def report():
        print(f"window shown in {process_age():.2f} s", flush=True)
        app.exit(0)

    f = _Paint(window)
    window.installEventFilter(f)
    window._paint_filter = f
    QTimer.singleShot(15000, report)  # a platform that never paints still ends


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv if argv is None else argv)
    if "--home" in argv:  # same data-folder option as the CLI
        i = argv.index("--home")
        if i + 1 < len(argv):
            os.environ["MEDASSIST_HOME"] = os.path.abspath(argv[i + 1])
            del argv[i : i + 2]
    app = create_app(argv)
    if not os.environ.get("MEDASSIST_HOME"):  # a data folder chosen in Settings takes effect at start
        from PySide6.QtCore import QSettings

        chosen = QSettings("MedAssist", "MedAssist").value("data_folder", "")
        if chosen:
            os.environ["MEDASSIST_HOME"] = str(chosen)
    from medassist.config import Settings

    from .main_window import MainWindow

    window = MainWindow()
    window.apply_settings(Settings.load())
    exit_after_show = os.environ.get("MEDASSIST_EXIT_AFTER_SHOW") == "1"
    if exit_after_show:
        _exit_after_show(window, app)
    window.show()
    if not exit_after_show:
        window.load_status_async()
        window.start_history()
        if os.environ.get("MEDASSIST_NO_PREWARM") != "1":
            window.prewarm()
    paths = [a for a in argv[1:] if not a.startswith("-")]
    if paths and not exit_after_show:
        window.open_paths(paths)
    rc = app.exec()
    if exit_after_show:
        os._exit(rc)  # skip interpreter teardown: the measurement is done
    return rc


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
