"""``medassist-app``: the desktop window.

Start-up order keeps the first paint fast: the network guard is installed, the QApplication and the window are
created and shown, and only then does a worker thread read the pack manifests and ask onnxruntime which
execution providers it offers (onnxruntime is imported there, not here). No ONNX session opens at start-up.
"""

from __future__ import annotations

import os
import sys


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


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv if argv is None else argv)
    if "--home" in argv:  # same data-folder option as the CLI
        i = argv.index("--home")
        if i + 1 < len(argv):
            os.environ["MEDASSIST_HOME"] = os.path.abspath(argv[i + 1])
            del argv[i : i + 2]
    app = create_app(argv)
    from .main_window import MainWindow

    window = MainWindow()
    window.show()
    window.load_status_async()
    return app.exec()


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
