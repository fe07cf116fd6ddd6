"""Qt-free pieces of the DICOM viewer: windowing, orientation labels, distances, frame decoding.

Kept apart from the widget so they are tested on plain numpy arrays, and so the decoding that the
worker threads run touches no Qt object.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

#: Presets offered in the viewer: label -> (center, width). Values follow the ingest's WINDOW_PRESETS.
PRESET_LABELS = {
    "CT brain": "brain",
    "Subdural": "subdural",
    "Lung": "lung",
    "Mediastinum": "mediastinum",
    "Bone": "bone",
    "Abdomen": "abdomen",
    "Liver": "liver",
}
_FALLBACK_PRESETS = {
    "brain": (40.0, 80.0),
    "subdural": (75.0, 215.0),
    "lung": (-600.0, 1500.0),
    "mediastinum": (50.0, 350.0),
    "bone": (400.0, 1800.0),
    "abdomen": (40.0, 400.0),
    "liver": (60.0, 160.0),
}


def presets() -> dict[str, tuple[float, float]]:
    """Label -> (center, width) for the viewer's preset menu (from medassist.ingest.pixels when present)."""
    try:
        from medassist.ingest.pixels import WINDOW_PRESETS as table
    except ImportError:  # pragma: no cover - ingest always ships with the app
        table = _FALLBACK_PRESETS
    return {label: tuple(table.get(key, _FALLBACK_PRESETS[key])) for label, key in PRESET_LABELS.items()}


def apply_window(values, center: float, width: float, invert: bool = False):
    """DICOM linear VOI (PS3.3 C.11.2.1.2) on modality values -> uint8; MONOCHROME1 inverted."""
    import numpy as np

    width = max(float(width), 1.0)
    lo = center - 0.5 - (width - 1.0) / 2.0
    scale = 255.0 / (width - 1.0) if width > 1.0 else 255.0
    out = (values.astype(np.float32, copy=False) - np.float32(lo)) * np.float32(scale)
    np.clip(out, 0.0, 255.0, out=out)
    out = out.astype(np.uint8)
    if invert:
        np.subtract(255, out, out=out)
    return out


def minmax_window(values) -> tuple[float, float]:
    import numpy as np

    finite = values[np.isfinite(values)] if values.dtype.kind == "f" else values
    if finite.size == 0:
        return 0.0, 1.0
    lo, hi = float(finite.min()), float(finite.max())
    return (lo + hi) / 2.0 + 0.5, max(hi - lo + 1.0, 1.0)


_AXES = (("L", "R"), ("P", "A"), ("H", "F"))  # patient axis +x is Left, +y Posterior, +z Head


def _letter(vec) -> str:
    """The patient direction of a vector (dominant component; two letters when oblique)."""
    comps = sorted(((abs(v), i, v) for i, v in enumerate(vec)), reverse=True)
    out = ""
    for mag, i, v in comps[:2]:
        if mag < 0.3 and out:
            break
        out += _AXES[i][0] if v > 0 else _AXES[i][1]
    return out


_OPPOSITE = {"L": "R", "R": "L", "A": "P", "P": "A", "H": "F", "F": "H"}


def orientation_labels(orientation=None, patient_orientation=None) -> dict[str, str] | None:
    """Edge labels {left, right, top, bottom} from Image Orientation (Patient) or Patient Orientation.

    The right edge is where the row vector (increasing column) points; the bottom edge is where the
    column vector (increasing row) points. A chest PA with Patient Orientation L\\F: right edge "L",
    left edge "R", bottom "F", top "H"."""
    if orientation is not None and len(orientation) == 6:
        row, col = _letter(orientation[:3]), _letter(orientation[3:])
    elif patient_orientation is not None and len(patient_orientation) == 2:
        row, col = str(patient_orientation[0]), str(patient_orientation[1])
    else:
        return None
    if not row or not col:
        return None
    opp = lambda s: "".join(_OPPOSITE.get(c, c) for c in s)  # noqa: E731
    return {"right": row, "left": opp(row), "bottom": col, "top": opp(col)}


def distance_mm(p0: tuple[float, float], p1: tuple[float, float], spacing: tuple[float, float] | None) -> tuple[float, str]:
    """Distance between two image points (x=column, y=row); ``spacing`` is (row, column) mm.
    Returns (value, unit): mm with a spacing, px without."""
    dx, dy = p1[0] - p0[0], p1[1] - p0[1]
    if spacing and spacing[0] > 0 and spacing[1] > 0:
        return math.hypot(dx * spacing[1], dy * spacing[0]), "mm"
    return math.hypot(dx, dy), "px"


@dataclass
class Frame:
    """One decoded frame: modality values (grey) or RGB uint8 (colour)."""

    values: Any  # np.ndarray
    color: bool
    invert: bool  # MONOCHROME1
    default_window: tuple[float, float] | None


def _compact(vals):
    """Keep whole-number modality values as int16 when they fit (half the memory of float32: a 300-slice
    512x512 CT holds 150 MB, not 300 MB); everything else as float32."""
    import numpy as np

    if vals.size == 0:
        return vals.astype(np.float32)
    if vals.dtype.kind in "iu" or (vals.dtype.kind == "f" and np.isfinite(vals).all() and np.array_equal(vals, np.round(vals))):
        lo, hi = vals.min(), vals.max()
        if -32768 <= lo and hi <= 32767:
            return vals.astype(np.int16, copy=False)
    return vals.astype(np.float32, copy=False)


def decode(instance: Any, frame: int) -> Frame:
    """Decode one frame of an ingest Instance (runs in worker threads). Raises the ingest's typed errors."""
    import numpy as np

    if getattr(instance, "is_color", False):
        rgb = instance.display_frame(frame)  # uint8 RGB, palette applied
        return Frame(np.ascontiguousarray(rgb), True, False, None)
    vals = _compact(instance.frame_array(frame))
    try:
        wins = instance.windows()
    except Exception:  # a malformed window tag must not stop the display
        wins = []
    win = tuple(wins[0]) if wins and wins[0][1] > 0 else None
    return Frame(vals, False, getattr(instance, "photometric", "") == "MONOCHROME1", win)


def spacing_of(instance: Any) -> tuple[tuple[float, float] | None, str]:
    """(row, column) spacing in mm for measurements and where it came from."""
    sp = getattr(instance, "pixel_spacing", None)
    if sp and sp[0] > 0 and sp[1] > 0:
        return (float(sp[0]), float(sp[1])), "PixelSpacing"
    tag = getattr(instance, "tag", None)
    if tag is not None:
        v = tag("ImagerPixelSpacing")
        try:
            if v is not None and len(v) == 2 and float(v[0]) > 0:
                return (float(v[0]), float(v[1])), "ImagerPixelSpacing (at the detector)"
        except (TypeError, ValueError):
            pass
    return None, ""
