"""The DICOM viewer widget: series list with thumbnails, window/level, zoom/pan, slice scrolling, cine,
overlays (with a toggle that hides identifiers) and distance measurement in mm.

``DicomViewer.load_study(study)`` takes a :class:`medassist.ingest.dicom.Study`; ``set_series(series)``
shows one of its series. Pixel decoding runs in a QThreadPool (one loader per series, the shown slice
first, then outward); the GUI thread only windows the decoded values (numpy) and paints.

Mouse: left-drag window/level (horizontal: width, vertical: level); with the measure tool on,
left-drag measures; middle-drag or Shift+left-drag pans; right-drag or Ctrl+wheel zooms; the wheel
scrolls slices. Keys: Up/Down, PgUp/PgDn, Home/End scroll; Space starts/stops cine; R resets the view;
I toggles identifiers; M toggles the measure tool; 1-7 pick the window presets.
"""

from __future__ import annotations

import threading
from typing import Any

from PySide6.QtCore import QObject, QPointF, QRectF, QRunnable, QSize, Qt, QThreadPool, QTimer, Signal
from PySide6.QtGui import QColor, QFont, QIcon, QImage, QPainter, QPainterPath, QPen, QPixmap
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QProgressBar,
    QPushButton,
    QSizePolicy,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from . import viewer_core as core

THUMB = 72


# --------------------------------------------------------------------------------------------- workers
class _Signals(QObject):
    frame = Signal(int, int, object)  # token, frame index, core.Frame
    failed = Signal(int, int, str)  # token, frame index, message
    progress = Signal(int, int, int)  # token, done, total
    finished = Signal(int)
    thumb = Signal(int, int, object)  # token, series index, uint8 image


class _SeriesLoader(QRunnable):
    """Decode every frame of a series off the GUI thread, the wanted slice first."""

    def __init__(self, token: int, refs: list, start: int, signals: _Signals, cancel: threading.Event):
        super().__init__()
        self.setAutoDelete(True)
        self.token, self.refs, self.signals, self.cancel = token, refs, signals, cancel
        n = len(refs)
        order = [start]
        for d in range(1, n):
            for k in (start + d, start - d):
                if 0 <= k < n:
                    order.append(k)
        self.order = order

    def run(self) -> None:
        n = len(self.order)
        for done, idx in enumerate(self.order, start=1):
            if self.cancel.is_set():
                return
            inst, f = self.refs[idx]
            try:
                fr = core.decode(inst, f)
            except Exception as exc:  # every decoder failure becomes a message on the canvas
                self.signals.failed.emit(self.token, idx, f"{type(exc).__name__}: {exc}")
            else:
                self.signals.frame.emit(self.token, idx, fr)
            self.signals.progress.emit(self.token, done, n)
        self.signals.finished.emit(self.token)


class _StudyReader(QRunnable):
    """Read the headers of dropped files/folders (medassist.ingest.dicom.load_study) off the GUI thread."""

    def __init__(self, paths: list, signals: "_ReadSignals"):
        super().__init__()
        self.setAutoDelete(True)
        self.paths, self.signals = paths, signals

    def run(self) -> None:
        try:
            from medassist.ingest.dicom import load_study

            self.signals.done.emit(load_study(self.paths))
        except Exception as exc:  # reported in the status line
            self.signals.failed.emit(f"{type(exc).__name__}: {exc}")


class _ReadSignals(QObject):
    done = Signal(object)
    failed = Signal(str)


class _ThumbLoader(QRunnable):
    def __init__(self, token: int, series_list: list, signals: _Signals, cancel: threading.Event):
        super().__init__()
        self.setAutoDelete(True)
        self.token, self.series_list, self.signals, self.cancel = token, series_list, signals, cancel

    def run(self) -> None:
        import numpy as np

        for si, series in enumerate(self.series_list):
            if self.cancel.is_set():
                return
            refs = series.frame_refs()
            if not refs:
                continue
            inst, f = refs[len(refs) // 2]
            try:
                fr = core.decode(inst, f)
            except Exception:
                continue
            if fr.color:
                img = fr.values
            else:
                c, w = fr.default_window or core.minmax_window(fr.values)
                img = core.apply_window(fr.values, c, w, fr.invert)
            step = max(1, int(max(img.shape[0], img.shape[1]) // THUMB))
            self.signals.thumb.emit(self.token, si, np.ascontiguousarray(img[::step, ::step]))


def to_qimage(arr) -> QImage:
    """uint8 (H, W) grey or (H, W, 3) RGB -> QImage (a deep copy; the array may go)."""
    import numpy as np

    a = np.ascontiguousarray(arr)
    h, w = a.shape[:2]
    if a.ndim == 2:
        return QImage(a.data, w, h, a.strides[0], QImage.Format.Format_Grayscale8).copy()
    return QImage(a.data, w, h, a.strides[0], QImage.Format.Format_RGB888).copy()


# --------------------------------------------------------------------------------------------- canvas
class ImageCanvas(QWidget):
    """Paints the current frame with zoom/pan, the overlays and the measurement; turns mouse and wheel
    input into viewer actions."""

    def __init__(self, viewer: "DicomViewer"):
        super().__init__(viewer)
        self.viewer = viewer
        self.setMinimumSize(256, 256)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setMouseTracking(False)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self._drag: tuple[str, QPointF, Any] | None = None

    # geometry ------------------------------------------------------------------------------
    def base_scale(self) -> float:
        img = self.viewer._qimage
        if img is None or img.width() == 0 or img.height() == 0:
            return 1.0
        return min(self.width() / img.width(), self.height() / img.height())

    def scale(self) -> float:
        return self.base_scale() * self.viewer.zoom

    def origin(self) -> QPointF:
        img = self.viewer._qimage
        s = self.scale()
        w, h = (img.width(), img.height()) if img is not None else (0, 0)
        return QPointF((self.width() - w * s) / 2.0 + self.viewer.pan.x(), (self.height() - h * s) / 2.0 + self.viewer.pan.y())

    def to_image(self, p: QPointF) -> tuple[float, float]:
        o, s = self.origin(), self.scale()
        return ((p.x() - o.x()) / s, (p.y() - o.y()) / s)

    def to_widget(self, x: float, y: float) -> QPointF:
        o, s = self.origin(), self.scale()
        return QPointF(o.x() + x * s, o.y() + y * s)

    # painting ------------------------------------------------------------------------------
    def paintEvent(self, _event) -> None:
        p = QPainter(self)
        p.fillRect(self.rect(), QColor(0, 0, 0))
        v = self.viewer
        img = v._qimage
        if img is not None:
            p.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, v.zoom < 2.0)
            o, s = self.origin(), self.scale()
            p.drawImage(QRectF(o.x(), o.y(), img.width() * s, img.height() * s), img)
        self._paint_overlays(p)
        self._paint_measure(p)
        p.end()

    def _text(self, p: QPainter, x: float, y: float, text: str, align: Qt.AlignmentFlag) -> None:
        fm = p.fontMetrics()
        w = fm.horizontalAdvance(text)
        if align & Qt.AlignmentFlag.AlignRight:
            x -= w
        elif align & Qt.AlignmentFlag.AlignHCenter:
            x -= w / 2.0
        path = QPainterPath()
        path.addText(QPointF(x, y), p.font(), text)
        p.setPen(QPen(QColor(0, 0, 0), 3.0))
        p.drawPath(path)  # dark outline: legible on white bone and on black air
        p.fillPath(path, QColor(255, 255, 160))

    def _paint_overlays(self, p: QPainter) -> None:
        v = self.viewer
        if not v.overlays_visible:
            return
        f = QFont("DejaVu Sans Mono")
        f.setStyleHint(QFont.StyleHint.Monospace)
        f.setPixelSize(max(11, min(15, self.height() // 40)))
        p.setFont(f)
        lh = p.fontMetrics().height()
        m = 6
        corners = v.overlay_text()
        for i, line in enumerate(corners["top_left"]):
            self._text(p, m, m + lh * (i + 1) - 4, line, Qt.AlignmentFlag.AlignLeft)
        for i, line in enumerate(corners["top_right"]):
            self._text(p, self.width() - m, m + lh * (i + 1) - 4, line, Qt.AlignmentFlag.AlignRight)
        bl = corners["bottom_left"]
        for i, line in enumerate(bl):
            self._text(p, m, self.height() - m - lh * (len(bl) - 1 - i) - 4, line, Qt.AlignmentFlag.AlignLeft)
        br = corners["bottom_right"]
        for i, line in enumerate(br):
            self._text(p, self.width() - m, self.height() - m - lh * (len(br) - 1 - i) - 4, line, Qt.AlignmentFlag.AlignRight)
        labels = v.orientation_labels()
        img = v._qimage
        if labels and img is not None:
            o, s = self.origin(), self.scale()
            cx = min(max(o.x() + img.width() * s / 2.0, 40), self.width() - 40)
            cy = min(max(o.y() + img.height() * s / 2.0, 40), self.height() - 40)
            big = QFont(f)
            big.setPixelSize(f.pixelSize() + 5)
            big.setBold(True)
            p.setFont(big)
            self._text(p, m + 2, cy, labels["left"], Qt.AlignmentFlag.AlignLeft)
            self._text(p, self.width() - m - 2, cy, labels["right"], Qt.AlignmentFlag.AlignRight)
            self._text(p, cx, m + 3 * lh + 10, labels["top"], Qt.AlignmentFlag.AlignHCenter)
            self._text(p, cx, self.height() - m - 3 * lh - 4, labels["bottom"], Qt.AlignmentFlag.AlignHCenter)
            p.setFont(f)

    def _paint_measure(self, p: QPainter) -> None:
        m = self.viewer.measurement
        if not m:
            return
        a, b = self.to_widget(*m["p0"]), self.to_widget(*m["p1"])
        p.setPen(QPen(QColor(255, 220, 0), 2.0))
        p.drawLine(a, b)
        for q in (a, b):
            p.drawEllipse(q, 3.0, 3.0)
        f = QFont("DejaVu Sans")
        f.setPixelSize(14)
        f.setBold(True)
        p.setFont(f)
        self._text(p, b.x() + 8, b.y() - 6, f"{m['value']:.1f} {m['unit']}", Qt.AlignmentFlag.AlignLeft)

    # input ---------------------------------------------------------------------------------
    def mousePressEvent(self, e) -> None:
        self.setFocus()
        btn, mods = e.button(), e.modifiers()
        pos = e.position()
        if btn == Qt.MouseButton.MiddleButton or (btn == Qt.MouseButton.LeftButton and mods & Qt.KeyboardModifier.ShiftModifier):
            self._drag = ("pan", pos, QPointF(self.viewer.pan))
        elif btn == Qt.MouseButton.RightButton:
            self._drag = ("zoom", pos, self.viewer.zoom)
        elif btn == Qt.MouseButton.LeftButton and self.viewer.measure_mode:
            start = self.to_image(pos)
            self._drag = ("measure", pos, start)
            self.viewer._set_measurement(start, start)
        elif btn == Qt.MouseButton.LeftButton:
            self._drag = ("wl", pos, self.viewer.window)
        e.accept()

    def mouseMoveEvent(self, e) -> None:
        if not self._drag:
            return
        kind, start, ref = self._drag
        pos = e.position()
        dx, dy = pos.x() - start.x(), pos.y() - start.y()
        v = self.viewer
        if kind == "pan":
            v.set_pan(QPointF(ref.x() + dx, ref.y() + dy))
        elif kind == "zoom":
            v.set_zoom(ref * (1.01 ** (-dy)))
        elif kind == "measure":
            v._set_measurement(ref, self.to_image(pos))
        elif kind == "wl" and ref is not None:
            c, w = ref
            gain = max(w, 1.0) / 256.0  # one screen pixel moves the window by ~1/256 of its width
            v.set_window(c + dy * gain, max(1.0, w + dx * gain))
        e.accept()

    def mouseReleaseEvent(self, e) -> None:
        self._drag = None
        e.accept()

    def wheelEvent(self, e) -> None:
        steps = e.angleDelta().y() / 120.0
        if e.modifiers() & Qt.KeyboardModifier.ControlModifier:
            self.viewer.set_zoom(self.viewer.zoom * (1.15 ** steps))
        elif steps:
            self.viewer.step(-1 if steps > 0 else 1)
        e.accept()

    def keyPressEvent(self, e) -> None:
        if not self.viewer.handle_key(e.key()):
            super().keyPressEvent(e)


# --------------------------------------------------------------------------------------------- viewer
class DicomViewer(QWidget):
    """A DICOM study viewer (see module doc)."""

    indexChanged = Signal(int)
    windowChanged = Signal(float, float)
    seriesChanged = Signal(int)
    loadProgress = Signal(int, int)  # decoded, total (current series)
    seriesLoaded = Signal()
    studyOpened = Signal(object)  # the StudyLoad read by open_paths()

    def __init__(self, parent: QWidget | None = None, *, pool: QThreadPool | None = None):
        super().__init__(parent)
        self.pool = pool or QThreadPool.globalInstance()
        self.study = None
        self.series = None
        self.series_index = -1
        self.refs: list = []
        self.frames: dict[int, core.Frame] = {}
        self.errors: dict[int, str] = {}
        self.index = 0
        self.window: tuple[float, float] | None = None
        self.zoom = 1.0
        self.pan = QPointF(0.0, 0.0)
        self.overlays_visible = True
        self.identifiers_visible = True
        self.measure_mode = False
        self.measurement: dict | None = None
        self.loaded = 0
        self._token = 0
        self._cancel = threading.Event()
        self._thumb_cancel = threading.Event()
        self._qimage: QImage | None = None
        self._window_user = False
        self._signals = _Signals()
        self._signals.frame.connect(self._on_frame)
        self._signals.failed.connect(self._on_failed)
        self._signals.progress.connect(self._on_progress)
        self._signals.finished.connect(self._on_finished)
        self._signals.thumb.connect(self._on_thumb)
        self.cine = QTimer(self)
        self.cine.timeout.connect(self._cine_tick)
        self._build()

    # layout --------------------------------------------------------------------------------
    def _build(self) -> None:
        self.series_list = QListWidget()
        self.series_list.setIconSize(QSize(THUMB, THUMB))
        self.series_list.setFixedWidth(THUMB + 150)
        self.series_list.currentRowChanged.connect(lambda r: r >= 0 and r != self.series_index and self.set_series(r))
        self.canvas = ImageCanvas(self)
        self.preset_box = QComboBox()
        self.preset_box.addItem("Window preset…")
        self._presets = core.presets()
        for label, (c, w) in self._presets.items():
            self.preset_box.addItem(f"{label} ({c:g}/{w:g})", label)
        self.preset_box.activated.connect(lambda i: i > 0 and self.apply_preset(self.preset_box.itemData(i)))
        self.ident_box = QCheckBox("Identifiers")
        self.ident_box.setChecked(True)
        self.ident_box.toggled.connect(self.set_identifiers_visible)
        self.overlay_box = QCheckBox("Overlays")
        self.overlay_box.setChecked(True)
        self.overlay_box.toggled.connect(self.set_overlays_visible)
        self.measure_btn = QPushButton("Measure")
        self.measure_btn.setCheckable(True)
        self.measure_btn.toggled.connect(self.set_measure_mode)
        self.cine_btn = QPushButton("Cine ▶")
        self.cine_btn.setCheckable(True)
        self.cine_btn.toggled.connect(lambda on: self.start_cine() if on else self.stop_cine())
        self.fps = QSpinBox()
        self.fps.setRange(1, 60)
        self.fps.setValue(10)
        self.fps.setSuffix(" fps")
        self.fps.valueChanged.connect(lambda v: self.cine.isActive() and self.cine.setInterval(int(1000 / v)))
        reset = QPushButton("Reset")
        reset.clicked.connect(self.reset_view)
        tools = QHBoxLayout()
        for w in (self.preset_box, self.measure_btn, self.cine_btn, self.fps, reset, self.overlay_box, self.ident_box):
            tools.addWidget(w)
        tools.addStretch(1)
        self.progress = QProgressBar()
        self.progress.setMaximumHeight(14)
        self.progress.setTextVisible(True)
        self.progress.setFormat("decoding %v/%m")
        self.status = QLabel("")
        status = QHBoxLayout()
        status.addWidget(self.progress, 1)
        status.addWidget(self.status, 2)
        right = QVBoxLayout()
        right.addLayout(tools)
        right.addWidget(self.canvas, 1)
        right.addLayout(status)
        outer = QHBoxLayout(self)
        outer.setContentsMargins(2, 2, 2, 2)
        outer.addWidget(self.series_list)
        outer.addLayout(right, 1)

    # study and series ----------------------------------------------------------------------
    def load_study(self, study) -> None:
        """Show an ingest Study: its series in the list (thumbnails decoded in the background), the
        series with the most frames on the canvas."""
        self.stop_cine()
        self._thumb_cancel.set()
        self._thumb_cancel = threading.Event()
        self.study = study
        self.series_list.blockSignals(True)
        self.series_list.clear()
        for s in study.series:
            label = f"{s.number if s.number is not None else '-'} {s.modality}\n{s.description or '(no description)'}\n{s.frame_count} image{'s' if s.frame_count != 1 else ''}"
            item = QListWidgetItem(label)
            item.setToolTip(s.series_uid)
            self.series_list.addItem(item)
        self.series_list.blockSignals(False)
        self._token += 1
        self.pool.start(_ThumbLoader(self._token, list(study.series), self._signals, self._thumb_cancel))
        if study.series:
            best = max(range(len(study.series)), key=lambda i: study.series[i].frame_count)
            self.set_series(best)

    def open_paths(self, paths) -> None:
        """Read DICOM files/folders in the background, then show the first study (``studyOpened`` carries
        the whole StudyLoad: studies, errors, non-image objects)."""
        self.status.setText("reading headers…")
        sig = _ReadSignals(self)
        sig.done.connect(self._on_read)
        sig.failed.connect(lambda msg: self.status.setText(msg))
        self._read_signals = sig
        self.pool.start(_StudyReader([str(p) for p in paths], sig))

    def _on_read(self, loaded) -> None:
        self.studyOpened.emit(loaded)
        if loaded.studies:
            self.load_study(loaded.studies[0])
            if loaded.errors:
                self.status.setText(f"{len(loaded.errors)} file(s) skipped: {loaded.errors[0]}")
        else:
            self.status.setText(str(loaded.errors[0]) if loaded.errors else "no DICOM images found")

    def closeEvent(self, e) -> None:
        self.close_study()
        super().closeEvent(e)

    def set_series(self, series) -> None:
        """Show a series (a Series of the loaded study, or its index in the list)."""
        if self.study is None:
            raise ValueError("load_study() first")
        idx = series if isinstance(series, int) else next(i for i, s in enumerate(self.study.series) if s is series)
        self.stop_cine()
        self._cancel.set()
        self._cancel = threading.Event()
        self._token += 1
        self.series_index = idx
        self.series = self.study.series[idx]
        self.refs = self.series.frame_refs()
        self.frames, self.errors = {}, {}
        self.loaded = 0
        self.index = len(self.refs) // 2 if self.series.modality in ("CT", "MR", "PT", "NM") and len(self.refs) > 1 else 0
        self.window = None
        self._window_user = False
        self.measurement = None
        self.zoom, self.pan = 1.0, QPointF(0.0, 0.0)
        self._qimage = None
        self.series_list.blockSignals(True)
        self.series_list.setCurrentRow(idx)
        self.series_list.blockSignals(False)
        self.progress.setRange(0, max(1, len(self.refs)))
        self.progress.setValue(0)
        self.progress.show()
        self.cine_btn.setEnabled(len(self.refs) > 1)
        self.seriesChanged.emit(idx)
        if self.refs:
            self.pool.start(_SeriesLoader(self._token, self.refs, self.index, self._signals, self._cancel))
        self._render()

    def close_study(self) -> None:
        self._cancel.set()
        self._thumb_cancel.set()
        self.stop_cine()

    # worker callbacks ----------------------------------------------------------------------
    def _on_frame(self, token: int, idx: int, fr: core.Frame) -> None:
        if token != self._token:
            return
        self.frames[idx] = fr
        if idx == self.index:
            self._render()

    def _on_failed(self, token: int, idx: int, msg: str) -> None:
        if token != self._token:
            return
        self.errors[idx] = msg
        if idx == self.index:
            self._render()

    def _on_progress(self, token: int, done: int, total: int) -> None:
        if token != self._token:
            return
        self.loaded = done
        self.progress.setValue(done)
        self.loadProgress.emit(done, total)

    def _on_finished(self, token: int) -> None:
        if token != self._token:
            return
        self.progress.hide()
        if self.errors:
            self.status.setText(f"{len(self.errors)} frame(s) could not be decoded")
        self.seriesLoaded.emit()

    def _on_thumb(self, token: int, si: int, img) -> None:
        if self.study is None or si >= self.series_list.count():
            return
        self.series_list.item(si).setIcon(QIcon(QPixmap.fromImage(to_qimage(img))))

    # display -------------------------------------------------------------------------------
    def frame_count(self) -> int:
        return len(self.refs)

    def current_frame(self) -> core.Frame | None:
        return self.frames.get(self.index)

    def current_instance(self):
        return self.refs[self.index][0] if self.refs else None

    def display_array(self):
        """The uint8 image shown now (grey windowed, or RGB), or None while the frame is decoding."""
        fr = self.current_frame()
        if fr is None:
            return None
        if fr.color:
            return fr.values
        if self.window is None:
            self.window = fr.default_window or core.minmax_window(fr.values)
        return core.apply_window(fr.values, self.window[0], self.window[1], fr.invert)

    def _render(self) -> None:
        arr = self.display_array()
        self._qimage = to_qimage(arr) if arr is not None else None
        if self._qimage is None:
            msg = self.errors.get(self.index)
            self.status.setText(f"frame {self.index + 1}: {msg}" if msg else ("decoding…" if self.refs else ""))
        elif not self.errors:
            self.status.setText("")
        self.canvas.update()

    def set_index(self, i: int) -> None:
        if not self.refs:
            return
        i = max(0, min(len(self.refs) - 1, int(i)))
        if i != self.index:
            self.index = i
            self.measurement = None
            self._render()
            self.indexChanged.emit(i)

    def step(self, d: int) -> None:
        self.set_index(self.index + d)

    def set_window(self, center: float, width: float) -> None:
        fr = self.current_frame()
        if fr is not None and fr.color:
            return  # colour images are shown as stored
        self.window = (float(center), max(1.0, float(width)))
        self._window_user = True
        self._render()
        self.windowChanged.emit(*self.window)

    def apply_preset(self, label: str) -> None:
        c, w = self._presets[label]
        self.set_window(c, w)

    def set_zoom(self, z: float) -> None:
        self.zoom = max(0.1, min(40.0, float(z)))
        self.canvas.update()

    def set_pan(self, p: QPointF) -> None:
        self.pan = QPointF(p)
        self.canvas.update()

    def reset_view(self) -> None:
        self.zoom, self.pan = 1.0, QPointF(0.0, 0.0)
        fr = self.current_frame()
        self.window = (fr.default_window or core.minmax_window(fr.values)) if fr is not None and not fr.color else None
        self.measurement = None
        self._render()

    def set_identifiers_visible(self, on: bool) -> None:
        self.identifiers_visible = bool(on)
        if self.ident_box.isChecked() != self.identifiers_visible:
            self.ident_box.setChecked(self.identifiers_visible)
        self.canvas.update()

    def set_overlays_visible(self, on: bool) -> None:
        self.overlays_visible = bool(on)
        if self.overlay_box.isChecked() != self.overlays_visible:
            self.overlay_box.setChecked(self.overlays_visible)
        self.canvas.update()

    def set_measure_mode(self, on: bool) -> None:
        self.measure_mode = bool(on)
        if self.measure_btn.isChecked() != self.measure_mode:
            self.measure_btn.setChecked(self.measure_mode)
        self.canvas.setCursor(Qt.CursorShape.CrossCursor if on else Qt.CursorShape.ArrowCursor)

    def _set_measurement(self, p0, p1) -> None:
        inst = self.current_instance()
        spacing, source = core.spacing_of(inst) if inst is not None else (None, "")
        value, unit = core.distance_mm(p0, p1, spacing)
        self.measurement = {"p0": tuple(p0), "p1": tuple(p1), "value": value, "unit": unit, "spacing_source": source}
        self.canvas.update()

    # cine ----------------------------------------------------------------------------------
    def start_cine(self) -> None:
        if len(self.refs) < 2:
            return
        self.cine.start(int(1000 / self.fps.value()))
        if not self.cine_btn.isChecked():
            self.cine_btn.setChecked(True)

    def stop_cine(self) -> None:
        self.cine.stop()
        if hasattr(self, "cine_btn") and self.cine_btn.isChecked():
            self.cine_btn.setChecked(False)

    def _cine_tick(self) -> None:
        if self.refs:
            nxt = (self.index + 1) % len(self.refs)
            if nxt in self.frames or nxt in self.errors:  # wait for the decoder rather than flash "decoding"
                self.set_index(nxt)

    # keys ----------------------------------------------------------------------------------
    def handle_key(self, key: int) -> bool:
        K = Qt.Key
        page = max(1, len(self.refs) // 10)
        moves = {K.Key_Up: -1, K.Key_Left: -1, K.Key_Down: 1, K.Key_Right: 1, K.Key_PageUp: -page, K.Key_PageDown: page}
        if key in moves:
            self.step(moves[key])
        elif key == K.Key_Home:
            self.set_index(0)
        elif key == K.Key_End:
            self.set_index(len(self.refs) - 1)
        elif key == K.Key_Space:
            self.stop_cine() if self.cine.isActive() else self.start_cine()
        elif key == K.Key_R:
            self.reset_view()
        elif key == K.Key_I:
            self.set_identifiers_visible(not self.identifiers_visible)
        elif key == K.Key_M:
            self.set_measure_mode(not self.measure_mode)
        elif K.Key_1 <= key <= K.Key_7:
            self.apply_preset(list(self._presets)[key - K.Key_1])
        else:
            return False
        return True

    def keyPressEvent(self, e) -> None:
        if not self.handle_key(e.key()):
            super().keyPressEvent(e)

    # overlays ------------------------------------------------------------------------------
    def orientation_labels(self) -> dict[str, str] | None:
        inst = self.current_instance()
        if inst is None:
            return None
        po = inst.tag("PatientOrientation") if hasattr(inst, "tag") else None
        return core.orientation_labels(getattr(inst, "orientation", None), list(po) if po else None)

    def overlay_text(self) -> dict[str, list[str]]:
        """The four corners' lines. Identifiers (name, ID, birth date, accession, institution) only when
        ``identifiers_visible``."""
        out: dict[str, list[str]] = {"top_left": [], "top_right": [], "bottom_left": [], "bottom_right": []}
        inst = self.current_instance()
        if inst is None:
            return out
        o = inst.overlay_fields()
        st = self.study
        if self.identifiers_visible:
            name = str(o.get("patient_name") or "").replace("^", " ").strip()
            out["top_left"].append(name or "(no name)")
            pid = " ".join(x for x in (f"ID {o['patient_id']}" if o.get("patient_id") else "", o.get("patient_sex") or "", _date(o.get("patient_birth_date"))) if x)
            if pid:
                out["top_left"].append(pid)
            acc = getattr(st, "accession", "") if st is not None else ""
            if acc:
                out["top_left"].append(f"Acc {acc}")
            if o.get("institution"):
                out["top_right"].append(str(o["institution"]))
        else:
            out["top_left"].append("identifiers hidden")
        study_line = " ".join(x for x in (str(o.get("study_description") or ""), _date(o.get("study_date"))) if x)
        if study_line:
            out["top_right"].append(study_line)
        s = self.series
        out["top_right"].append(f"Se {s.number if s.number is not None else '-'} {s.modality} {s.description}".rstrip())
        n = len(self.refs)
        _, f = self.refs[self.index]
        im = f"Im {self.index + 1}/{n}"
        if inst.frames > 1:
            im += f"  (frame {f + 1} of instance {inst.number if inst.number is not None else '-'})"
        out["bottom_left"].append(im)
        if o.get("slice_location") is not None:
            out["bottom_left"].append(f"Loc {o['slice_location']:.1f} mm" + (f"  Thk {o['slice_thickness']:g} mm" if o.get("slice_thickness") else ""))
        fr = self.current_frame()
        if fr is not None and not fr.color and self.window is not None:
            out["bottom_right"].append(f"W {self.window[1]:.0f}  L {self.window[0]:.0f}")
        elif fr is not None and fr.color:
            out["bottom_right"].append("colour")
        out["bottom_right"].append(f"Zoom {self.canvas.scale() * 100:.0f}%  {inst.cols}x{inst.rows}")
        if fr is not None and fr.invert:
            out["bottom_right"].append("MONOCHROME1")
        if self.measurement:
            m = self.measurement
            out["bottom_right"].append(f"Dist {m['value']:.1f} {m['unit']}")
        return out


def _date(v) -> str:
    v = str(v or "")
    return f"{v[:4]}-{v[4:6]}-{v[6:8]}" if len(v) == 8 and v.isdigit() else v
