"""The DICOM viewer widget (offscreen): responsiveness while a 300-slice series decodes, window/level,
presets, MONOCHROME1 and colour, scrolling, cine, zoom/pan, overlays and the identifier toggle,
measurement in mm, orientation labels, thumbnails."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest

np = pytest.importorskip("numpy")
pydicom = pytest.importorskip("pydicom")
pytest.importorskip("PySide6")

from PySide6.QtCore import QPoint, QPointF, Qt, QTimer  # noqa: E402
from PySide6.QtGui import QImage, QWheelEvent  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from medassist.ingest.dicom import load_study  # noqa: E402
from ui import viewer_core as core  # noqa: E402
from ui.viewer import DicomViewer  # noqa: E402


def _testfile(name: str) -> Path:
    from pydicom.data import get_testdata_file

    p = get_testdata_file(name, download=False)
    if not p:
        pytest.skip(f"{name} not installed")
    return Path(p)


def write_ct_series(folder: Path, n: int, size: int = 32, photometric: str = "MONOCHROME2", patient="DOE^JANE") -> list[Path]:
    """A synthetic axial CT series: slice k holds HU values ramping left->right, plus a marker row."""
    from pydicom.dataset import Dataset, FileMetaDataset
    from pydicom.uid import CTImageStorage, ExplicitVRLittleEndian, generate_uid

    study, series = generate_uid(), generate_uid()
    paths = []
    for k in range(n):
        ds = Dataset()
        ds.file_meta = FileMetaDataset()
        ds.file_meta.TransferSyntaxUID = ExplicitVRLittleEndian
        ds.file_meta.MediaStorageSOPClassUID = CTImageStorage
        ds.SOPClassUID = CTImageStorage
        ds.SOPInstanceUID = generate_uid()
        ds.file_meta.MediaStorageSOPInstanceUID = ds.SOPInstanceUID
        ds.StudyInstanceUID, ds.SeriesInstanceUID = study, series
        ds.Modality, ds.PatientName, ds.PatientID = "CT", patient, "PID42"
        ds.StudyDate, ds.StudyDescription, ds.SeriesDescription = "20240105", "CT HEAD", "Axial 1mm"
        ds.SeriesNumber, ds.InstanceNumber = 3, k + 1
        ds.ImageOrientationPatient = [1, 0, 0, 0, 1, 0]
        ds.ImagePositionPatient = [0, 0, float(k)]
        ds.PixelSpacing = [0.5, 0.25]  # row spacing, column spacing
        ds.SliceThickness = 1
        ds.Rows = ds.Columns = size
        ds.SamplesPerPixel, ds.PhotometricInterpretation = 1, photometric
        ds.BitsAllocated, ds.BitsStored, ds.HighBit, ds.PixelRepresentation = 16, 12, 11, 0
        ds.RescaleIntercept, ds.RescaleSlope = -1024, 1
        ds.WindowCenter, ds.WindowWidth = 40, 400
        img = np.tile(np.linspace(0, 2000, size, dtype=np.uint16), (size, 1))
        img[0, :] = k  # the slice number, to tell slices apart
        ds.PixelData = img.tobytes()
        p = folder / f"ct{k:03d}.dcm"
        ds.save_as(p, enforce_file_format=True)
        paths.append(p)
    return paths


def _wait_loaded(qtbot, v, timeout=30000):
    qtbot.waitUntil(lambda: v.frame_count() > 0 and v.loaded == v.frame_count(), timeout=timeout)


@pytest.fixture
def viewer(qtbot):
    v = DicomViewer()
    qtbot.addWidget(v)
    v.resize(900, 700)
    v.show()
    yield v
    v.close_study()


def test_300_slices_decode_off_the_gui_thread_and_the_loop_stays_responsive(qtbot, viewer, tmp_path, monkeypatch):
    write_ct_series(tmp_path, 300)
    study = load_study([tmp_path]).studies[0]
    assert study.series[0].frame_count == 300
    threads = set()
    real_decode = core.decode

    def decode(inst, f):
        threads.add(threading.get_ident())
        time.sleep(0.004)  # a realistic per-slice decode cost, so the load spans ~1-2 s
        return real_decode(inst, f)

    monkeypatch.setattr(core, "decode", decode)
    ticks: list[float] = []
    timer = QTimer()
    timer.timeout.connect(lambda: ticks.append(time.perf_counter()))
    timer.start(10)
    progress = []
    viewer.loadProgress.connect(lambda done, total: progress.append((done, total)))
    t0 = time.perf_counter()
    viewer.load_study(study)
    assert time.perf_counter() - t0 < 0.5  # load_study returns at once: the decoding is queued
    _wait_loaded(qtbot, viewer)
    t1 = time.perf_counter()
    timer.stop()
    assert threading.get_ident() not in threads  # never decoded on the GUI thread
    during = [t for t in ticks if t0 <= t <= t1]
    assert len(during) >= max(5, (t1 - t0) / 0.010 * 0.3), (len(during), t1 - t0)  # timers kept firing
    gaps = np.diff([t0, *during, t1])
    assert gaps.max() < 0.5, gaps.max()  # never frozen for half a second
    assert progress[-1] == (300, 300) and [d for d, _ in progress] == sorted(d for d, _ in progress)
    assert viewer.index == 150  # a CT opens on its middle slice, decoded first
    assert len(viewer.frames) == 300


def test_scroll_wheel_keys_and_window(qtbot, viewer, tmp_path):
    write_ct_series(tmp_path, 12)
    viewer.load_study(load_study([tmp_path]).studies[0])
    _wait_loaded(qtbot, viewer)
    assert viewer.index == 6 and viewer.current_frame().values[0, 0] == 6 - 1024  # marker = slice number (HU)
    viewer.set_index(0)
    canvas = viewer.canvas
    wheel = QWheelEvent(QPointF(50, 50), QPointF(50, 50), QPoint(0, 0), QPoint(0, -120), Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier, Qt.ScrollPhase.NoScrollPhase, False)
    QApplication.sendEvent(canvas, wheel)
    assert viewer.index == 1
    qtbot.keyClick(canvas, Qt.Key.Key_Down)
    assert viewer.index == 2
    qtbot.keyClick(canvas, Qt.Key.Key_End)
    assert viewer.index == 11
    qtbot.keyClick(canvas, Qt.Key.Key_Down)
    assert viewer.index == 11  # clamped
    assert viewer.overlay_text()["bottom_left"][0] == "Im 12/12"
    assert viewer.current_frame().values[0, 0] == 11 - 1024
    # default window from the tags; the displayed grey follows the DICOM linear VOI
    assert viewer.window == (40.0, 400.0)
    arr = viewer.display_array()
    hu = viewer.current_frame().values
    assert arr[5][hu[5] <= 40 - 200].max() == 0 and arr[5][hu[5] >= 40 + 200].min() == 255
    # left-drag: right widens, down raises the level
    c0, w0 = viewer.window
    qtbot.mousePress(canvas, Qt.MouseButton.LeftButton, pos=QPoint(100, 100))
    qtbot.mouseMove(canvas, QPoint(164, 132))
    qtbot.mouseRelease(canvas, Qt.MouseButton.LeftButton, pos=QPoint(164, 132))
    c1, w1 = viewer.window
    assert w1 == pytest.approx(w0 + 64 * w0 / 256) and c1 == pytest.approx(c0 + 32 * w0 / 256)
    # presets (keys 1..7 and by name)
    viewer.apply_preset("Lung")
    assert viewer.window == (-600.0, 1500.0)
    qtbot.keyClick(canvas, Qt.Key.Key_1)
    assert viewer.window == (40.0, 80.0)
    assert "W 80  L 40" in viewer.overlay_text()["bottom_right"]


def test_zoom_pan_and_measure_in_mm(qtbot, viewer, tmp_path):
    write_ct_series(tmp_path, 2, size=64)
    viewer.load_study(load_study([tmp_path]).studies[0])
    _wait_loaded(qtbot, viewer)
    canvas = viewer.canvas
    s0 = canvas.scale()
    QApplication.sendEvent(canvas, QWheelEvent(QPointF(50, 50), QPointF(50, 50), QPoint(0, 0), QPoint(0, 240), Qt.MouseButton.NoButton, Qt.KeyboardModifier.ControlModifier, Qt.ScrollPhase.NoScrollPhase, False))
    assert canvas.scale() == pytest.approx(s0 * 1.15**2)
    qtbot.mousePress(canvas, Qt.MouseButton.MiddleButton, pos=QPoint(100, 100))
    qtbot.mouseMove(canvas, QPoint(130, 90))
    qtbot.mouseRelease(canvas, Qt.MouseButton.MiddleButton, pos=QPoint(130, 90))
    assert (viewer.pan.x(), viewer.pan.y()) == (30.0, -10.0)
    viewer.set_measure_mode(True)
    a, b = canvas.to_widget(10, 20), canvas.to_widget(50, 50)  # 40 columns x 0.25 mm, 30 rows x 0.5 mm
    qtbot.mousePress(canvas, Qt.MouseButton.LeftButton, pos=a.toPoint())
    qtbot.mouseMove(canvas, b.toPoint())
    qtbot.mouseRelease(canvas, Qt.MouseButton.LeftButton, pos=b.toPoint())
    m = viewer.measurement
    x0, y0 = m["p0"]
    x1, y1 = m["p1"]
    assert m["unit"] == "mm" and m["spacing_source"] == "PixelSpacing"
    assert m["value"] == pytest.approx(np.hypot((x1 - x0) * 0.25, (y1 - y0) * 0.5))
    assert m["value"] == pytest.approx(np.hypot(40 * 0.25, 30 * 0.5), abs=0.3)  # 18.0 mm
    assert any(line.startswith("Dist 18.") for line in viewer.overlay_text()["bottom_right"])
    viewer.grab()  # paints line, labels and overlays without error


def test_overlays_hide_identifiers(qtbot, viewer, tmp_path):
    write_ct_series(tmp_path, 3, patient="SMITH^ALICE")
    viewer.load_study(load_study([tmp_path]).studies[0])
    _wait_loaded(qtbot, viewer)
    text = " ".join(" ".join(v) for v in viewer.overlay_text().values())
    assert "SMITH ALICE" in text and "PID42" in text and "CT HEAD 2024-01-05" in text and "Se 3 CT Axial 1mm" in text
    qtbot.keyClick(viewer.canvas, Qt.Key.Key_I)
    assert not viewer.identifiers_visible and not viewer.ident_box.isChecked()
    text = " ".join(" ".join(v) for v in viewer.overlay_text().values())
    assert "SMITH" not in text and "PID42" not in text and "identifiers hidden" in text
    assert "Se 3 CT Axial 1mm" in text and "Im 2/3" in text  # non-identifying overlays stay
    assert viewer.orientation_labels() == {"left": "R", "right": "L", "top": "A", "bottom": "P"}


def test_monochrome1_is_inverted(qtbot, viewer, tmp_path):
    write_ct_series(tmp_path, 1, photometric="MONOCHROME1")
    viewer.load_study(load_study([tmp_path]).studies[0])
    _wait_loaded(qtbot, viewer)
    vals, arr = viewer.current_frame().values, viewer.display_array()
    assert viewer.current_frame().invert
    # high values dark, low values bright
    assert arr[5, vals[5].argmax()] == 0 and arr[5, vals[5].argmin()] == 255


def test_cr_chest_monochrome1_bones_white_and_labels(qtbot, viewer):
    viewer.load_study(load_study([_testfile("RG1_UNCR.dcm")]).studies[0])
    _wait_loaded(qtbot, viewer)
    vals, arr = viewer.current_frame().values, viewer.display_array()
    assert viewer.current_frame().invert and viewer.window == (15000.0, 30000.0)
    # stored values and displayed grey run opposite ways (bone: low stored values -> white)
    sample = (slice(200, 1800, 50), slice(200, 1700, 50))
    assert np.corrcoef(vals[sample].ravel(), arr[sample].astype(float).ravel())[0, 1] < -0.99
    # Patient Orientation L\F: the patient's right on the image left, head up
    assert viewer.orientation_labels() == {"left": "R", "right": "L", "top": "H", "bottom": "F"}
    qtbot.waitUntil(lambda: not viewer.series_list.item(0).icon().isNull(), timeout=10000)


def test_colour_and_cine(qtbot, viewer):
    viewer.load_study(load_study([_testfile("examples_ybr_color.dcm")]).studies[0])  # 30 frames, YBR -> RGB
    _wait_loaded(qtbot, viewer)
    assert viewer.frame_count() == 30 and viewer.index == 0
    fr = viewer.current_frame()
    assert fr.color and fr.values.shape == (240, 320, 3)
    assert viewer._qimage.format() == QImage.Format.Format_RGB888
    rgb = fr.values.astype(int)
    assert np.abs(rgb[..., 0] - rgb[..., 2]).max() > 40  # really coloured, not grey
    w = viewer.window
    viewer.set_window(10, 20)
    assert viewer.window == w  # colour is shown as stored
    seen = []
    viewer.indexChanged.connect(seen.append)
    viewer.fps.setValue(50)
    qtbot.keyClick(viewer.canvas, Qt.Key.Key_Space)
    assert viewer.cine.isActive() and viewer.cine_btn.isChecked()
    qtbot.waitUntil(lambda: len(seen) >= 5, timeout=5000)
    viewer.stop_cine()
    assert seen[:5] == [1, 2, 3, 4, 5]


def test_core_orientation_and_distance():
    # an oblique head CT (J2K_pixelrep_mismatch: 0\0.9272\-0.3746 column vector)
    assert core.orientation_labels([1, 0, 0, 0, 0.9272, -0.3746]) == {"right": "L", "left": "R", "bottom": "PF", "top": "AH"}
    assert core.orientation_labels([0, 1, 0, 0, 0, -1]) == {"right": "P", "left": "A", "bottom": "F", "top": "H"}  # sagittal
    assert core.orientation_labels(None, ["A", "F"]) == {"right": "A", "left": "P", "bottom": "F", "top": "H"}
    assert core.orientation_labels(None, None) is None
    assert core.distance_mm((0, 0), (3, 4), (1.0, 1.0)) == (5.0, "mm")
    assert core.distance_mm((0, 0), (3, 4), None) == (5.0, "px")
    assert core.distance_mm((0, 0), (10, 0), (2.0, 0.5)) == (5.0, "mm")
    w = core.apply_window(np.array([-1000, 39.5, 1000], dtype=np.float32), 40, 400)
    assert list(w) == [0, 127, 255]
    assert list(core.apply_window(np.array([-1000, 1000], dtype=np.float32), 40, 400, invert=True)) == [255, 0]
    assert core.presets()["Subdural"] == (75.0, 215.0) and len(core.presets()) == 7


def test_compact_storage_keeps_values():
    ints = np.array([[-1024, 3071]], dtype=np.float64)
    assert core._compact(ints).dtype == np.int16 and core._compact(ints).tolist() == [[-1024, 3071]]
    assert core._compact(np.array([0, 40000], dtype=np.uint16)).dtype == np.float32  # would not fit
    assert core._compact(np.array([0.5, 1.0])).dtype == np.float32
    w16 = core.apply_window(core._compact(ints), 40, 400)
    assert w16.tolist() == core.apply_window(ints.astype(np.float32), 40, 400).tolist()


def test_open_paths_reads_headers_in_the_background(qtbot, viewer, tmp_path):
    write_ct_series(tmp_path, 4)
    (tmp_path / "notes.txt").write_text("not dicom")
    with qtbot.waitSignal(viewer.studyOpened, timeout=20000) as sig:
        viewer.open_paths([tmp_path])
    loaded = sig.args[0]
    assert len(loaded.studies) == 1 and len(loaded.errors) == 1
    _wait_loaded(qtbot, viewer)
    assert viewer.frame_count() == 4 and viewer.series.description == "Axial 1mm"
