"""The first window (pytest-qt, offscreen): it opens, the status bar names the packs and the execution
provider (gathered off the GUI thread), and dropped files arrive as local paths."""

from __future__ import annotations

import pytest

pytest.importorskip("pytestqt")

from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl  # noqa: E402
from PySide6.QtGui import QDragEnterEvent, QDropEvent  # noqa: E402
from runtime_fixtures import make_tiny_pack  # noqa: E402

from medassist.config import Settings  # noqa: E402
from medassist.runtime import registry  # noqa: E402
from ui.main_window import DROP_TEXT, MainWindow  # noqa: E402


@pytest.fixture
def window(qtbot):
    w = MainWindow(run_tasks=False)  # the drop is checked here; the task panes in test_ui_app.py
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    return w


def test_window_opens_and_status_bar_names_pack_and_provider(qtbot, window, tmp_path):
    registry.import_to_home(make_tiny_pack(tmp_path / "tiny", version="3.1"))
    assert window.windowTitle() == "MedAssist"
    assert window.drop_zone.title.text() == DROP_TEXT
    assert "checking" in window.packs_label.text()
    with qtbot.waitSignal(window.statusLoaded, timeout=10000):
        window.load_status_async()
    assert "tiny-embedder 3.1" in window.packs_label.text() + window.packs_label.toolTip()
    assert window.provider_label.text() == "Execution provider: CPUExecutionProvider"


def test_status_bar_reports_the_fallback(qtbot, window, home):
    import onnxruntime as ort

    if "CUDAExecutionProvider" in ort.get_available_providers():
        pytest.skip("this machine has CUDA")
    Settings(execution_provider="CUDAExecutionProvider").save()
    with qtbot.waitSignal(window.statusLoaded, timeout=10000):
        window.load_status_async()
    assert window.provider_label.text() == "Execution provider: CPUExecutionProvider"
    assert "CUDAExecutionProvider is not available" in window.provider_label.toolTip()


def test_drop_delivers_local_paths(qtbot, window, tmp_path):
    note = tmp_path / "note.txt"
    note.write_text("Chief complaint: cough.")
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(note))])
    pos = QPointF(window.drop_zone.rect().center())
    enter = QDragEnterEvent(pos, Qt.CopyAction, mime, Qt.LeftButton, Qt.NoModifier)
    window.drop_zone.dragEnterEvent(enter)
    assert enter.isAccepted()
    drop = QDropEvent(pos, Qt.CopyAction, mime, Qt.LeftButton, Qt.NoModifier)
    with qtbot.waitSignal(window.drop_zone.filesDropped) as blocker:
        window.drop_zone.dropEvent(drop)
    assert blocker.args == [[str(note)]]
    assert window.dropped == [str(note)] and "note.txt" in window.drop_zone.hint.text()


def test_non_file_drags_are_refused(qtbot, window):
    mime = QMimeData()
    mime.setText("just text")
    enter = QDragEnterEvent(QPointF(window.drop_zone.rect().center()), Qt.CopyAction, mime, Qt.LeftButton, Qt.NoModifier)
    enter.setAccepted(False)
    window.drop_zone.dragEnterEvent(enter)
    assert not enter.isAccepted()


def test_create_app_installs_the_network_guard(qtbot):
    from medassist import netguard
    from ui.app import create_app

    app = create_app([])
    assert app.applicationName() == "MedAssist"
    assert netguard.installed()
