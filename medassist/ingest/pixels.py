"""The pixel pipeline: decode a frame, apply the modality LUT, the VOI LUT / window, and make 8-bit frames.

    frame_array(instance, frame=0)   -> np.ndarray: modality values (HU for CT) for grey images,
                                         RGB for colour (YBR converted, PALETTE COLOR expanded)
    display_frame(instance, frame=0, window=None) -> np.uint8 (H, W) or (H, W, 3)
        window: None (from the file's tags, else its VOI LUT, else min/max), (center, width),
                a preset name from WINDOW_PRESETS, or "minmax"
    WINDOW_PRESETS: CT window presets (center, width) in HU

Decoders are chosen with their licences in mind (docs/LICENSES-decoders.md): pylibjpeg-openjpeg (J2K,
HTJ2K), pylibjpeg-rle (RLE), pyjpegls (JPEG-LS), python-gdcm (JPEG baseline/extended/lossless), Pillow
as a fallback — never the GPLv3 pylibjpeg-libjpeg. Each transfer syntax tries its decoders in that order
and the first that works wins; if all fail the error names each failure.

Uncompressed little-endian grey images skip pydicom's decoder: the frame is read straight from the file
at the offset the header read recorded. Decoded frames are kept in a bounded LRU cache.
"""

from __future__ import annotations

import math
import threading
import warnings
from collections import OrderedDict
from .dicom_errors import (
    DecoderError,
    DicomError,
    NoPixelDataError,
    TruncatedPixelDataError,
    UnsupportedTransferSyntaxError,
)

#: CT window presets, (center, width) in Hounsfield units.
WINDOW_PRESETS: dict[str, tuple[float, float]] = {
    "brain": (40.0, 80.0),
    "subdural": (75.0, 215.0),
    "stroke": (40.0, 40.0),
    "lung": (-600.0, 1500.0),
    "mediastinum": (50.0, 350.0),
    "bone": (400.0, 1800.0),
    "abdomen": (40.0, 400.0),
    "liver": (60.0, 160.0),
}

#: Plugin order (first available that succeeds wins). "pylibjpeg" means openjpeg (J2K/HTJ2K) or rle.
PLUGIN_ORDER = ("pylibjpeg", "pyjpegls", "gdcm", "pydicom", "pillow")

# JPEG / JPEG-LS through pylibjpeg would need pylibjpeg-libjpeg (GPLv3): never used, even if installed.
_JPEG_FAMILY = {
    "1.2.840.10008.1.2.4.50",
    "1.2.840.10008.1.2.4.51",
    "1.2.840.10008.1.2.4.57",
    "1.2.840.10008.1.2.4.70",
    "1.2.840.10008.1.2.4.80",
    "1.2.840.10008.1.2.4.81",
}
_NATIVE_LE = {"1.2.840.10008.1.2", "1.2.840.10008.1.2.1", ""}


# ============================================================================================ caches
class _LRU:
    def __init__(self, max_bytes: int, max_items: int = 100000):
        self.max_bytes = max_bytes
        self.max_items = max_items
        self._d: OrderedDict = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()

    def get(self, key):
        with self._lock:
            v = self._d.get(key)
            if v is not None:
                self._d.move_to_end(key)
            return v

    def put(self, key, value, nbytes: int) -> None:
        if nbytes > self.max_bytes:
            return
        with self._lock:
            old = self._d.pop(key, None)
            if old is not None:
                self._bytes -= old[1]
            self._d[key] = (value, nbytes)
            self._bytes += nbytes
            while self._bytes > self.max_bytes or len(self._d) > self.max_items:
                _k, (_v, n) = self._d.popitem(last=False)
                self._bytes -= n

    def clear(self) -> None:
        with self._lock:
            self._d.clear()
            self._bytes = 0

    @property
    def nbytes(self) -> int:
        return self._bytes


#: Decoded frames (stored values, colour converted): 512 MB by default.
FRAME_CACHE = _LRU(512 * 1024**2)
#: Whole datasets read for compressed decoding (a few; multi-frame files are read once).
_DATASET_CACHE = _LRU(1024 * 1024**2, max_items=4)


def clear_caches() -> None:
    FRAME_CACHE.clear()
    _DATASET_CACHE.clear()


# ============================================================================================ decoding
def _check(inst) -> None:
    from .dicom import NonImageObject

    if isinstance(inst, NonImageObject) or not hasattr(inst, "rows"):
        name = getattr(inst, "path", str(inst))
        kind = getattr(inst, "type", "object")
        raise NoPixelDataError(f"no image in this DICOM object ({kind})", path=name)


def _expected_native_bytes(inst) -> int:
    from .dicom import expected_native_bytes

    return expected_native_bytes(
        inst.rows, inst.cols, inst.samples_per_pixel, inst.bits_allocated, inst.frames, inst.photometric
    )


def _native_fast(inst, frame: int):
    """Read an uncompressed little-endian grey frame straight from the file, or None if not eligible."""
    import numpy as np

    if (
        inst._file is None
        or inst.pixel_offset is None
        or inst.transfer_syntax not in _NATIVE_LE
        or inst.samples_per_pixel != 1
        or inst.pixel_keyword != "PixelData"
        or inst.bits_allocated not in (8, 16, 32)
        or inst.photometric not in ("MONOCHROME1", "MONOCHROME2")
    ):
        return None
    bpp = inst.bits_allocated // 8
    n = inst.rows * inst.cols
    signed = inst.pixel_representation == 1
    dtype = np.dtype(f"<{'i' if signed else 'u'}{bpp}")
    start = inst.pixel_offset + frame * n * bpp
    with open(inst._file, "rb") as fh:
        fh.seek(start)
        buf = fh.read(n * bpp)
    if len(buf) < n * bpp:
        raise TruncatedPixelDataError(
            f"pixel data ends early: frame {frame} needs {n * bpp} bytes, the file has {len(buf)}", path=inst.path
        )
    arr = np.frombuffer(buf, dtype=dtype).reshape(inst.rows, inst.cols)
    return _fix_bits(arr, inst)


def _fix_bits(arr, inst):
    """Mask unused high bits (unsigned) or sign-extend from Bits Stored (signed)."""
    import numpy as np

    bs, ba = inst.bits_stored, inst.bits_allocated
    if not (0 < bs < ba) or arr.dtype.kind not in "iu":
        return arr
    if inst.pixel_representation == 1:
        shift = ba - bs
        a = arr.astype(arr.dtype.newbyteorder("="), copy=True)
        a <<= shift
        a >>= shift
        return a
    return arr & np.asarray((1 << bs) - 1, dtype=arr.dtype)


def _full_dataset(inst):
    from .dicom import _pixel_element

    if inst.pixel_offset is None and inst.header is not None:
        _kw, el = _pixel_element(inst.header)  # raw lookup: never triggers a deferred read
        if el is not None and getattr(el, "value", None) is not None:
            return inst.header  # the header read kept the pixel data (small, deflated, or in memory)
    key = inst.path
    hit = _DATASET_CACHE.get(key)
    if hit is not None:
        return hit[0]
    from .dicom import _read_header

    ds = _read_header(inst.path, inst._file, inst._data, full=True)
    size = inst.pixel_length or 0
    _DATASET_CACHE.put(key, ds, max(size, 1))
    return ds


def _ts_label(uid) -> str:
    name = uid.name
    return f"{name} ({uid})" if name and name != str(uid) else f"'{uid}' (unknown to pydicom)"


def _plugins_for(decoder, ts: str) -> list[str]:
    avail = tuple(decoder.available_plugins)
    order = [p for p in PLUGIN_ORDER if p in avail] + [p for p in avail if p not in PLUGIN_ORDER]
    if ts in _JPEG_FAMILY:
        order = [p for p in order if p != "pylibjpeg"]
    if ts in ("1.2.840.10008.1.2.4.50", "1.2.840.10008.1.2.4.51") and "pillow" in order:
        order = ["pillow"] + [p for p in order if p != "pillow"]  # libjpeg-turbo: ~2x gdcm, same pixels
    return order


def _decode_pydicom(inst, frame: int):
    from pydicom.pixels import get_decoder
    from pydicom.uid import UID

    ts = inst.transfer_syntax
    uid = UID(ts)
    if ts == DEFLATED_IMAGE_FRAME:
        return _decode_deflated_frame(inst, frame)
    try:
        decoder = get_decoder(uid)
    except NotImplementedError:
        raise UnsupportedTransferSyntaxError(
            f"unsupported transfer syntax {_ts_label(uid)}: no pixel data decoder exists for it", path=inst.path
        ) from None
    ds = _full_dataset(inst)
    if decoder.is_native:
        if inst.pixel_keyword == "PixelData":
            have = len(ds.PixelData)
            need = _expected_native_bytes(inst)
            if have < need:
                raise TruncatedPixelDataError(
                    f"pixel data is {have} bytes, {inst.rows}x{inst.cols}x{inst.samples_per_pixel} "
                    f"at {inst.bits_allocated} bits x {inst.frames} frames needs {need}",
                    path=inst.path,
                )
        plugins = [""]
    else:
        plugins = _plugins_for(decoder, ts)
        if not plugins:
            missing = "; ".join(decoder.missing_dependencies) or "none installed"
            raise UnsupportedTransferSyntaxError(
                f"no decoder installed for {uid.name} ({ts}); would need: {missing}", path=inst.path
            )
    failures = []
    for plug in plugins:
        try:
            with warnings.catch_warnings():  # malformed-data warnings: failures come back as typed errors
                warnings.simplefilter("ignore", UserWarning)
                arr, _meta = decoder.as_array(ds, index=frame, decoding_plugin=plug, as_rgb=True)
            return arr
        except (KeyboardInterrupt, SystemExit, GeneratorExit):
            raise
        except BaseException as e:  # each plugin fails its own way; Rust plugins panic (pyo3 PanicException)
            failures.append(f"{plug or 'pydicom'}: {_short_reason(e, plug)}")
    if ts in _JPEG_FAMILY and inst._file is not None and inst.samples_per_pixel == 1:
        # pydicom's gdcm plugin refuses 12-bit JPEG Extended up front, but GDCM itself decodes it
        # (its 12-bit libjpeg build): ask GDCM directly before giving up.
        try:
            return _decode_gdcm_direct(inst, frame)
        except Exception as e:
            failures.append(f"gdcm (direct): {type(e).__name__}: {str(e)[:200]}")
    if ts == "1.2.840.10008.1.2.5" and inst.bits_allocated == 1:
        try:  # 1-bit RLE (segmentations): neither RLE plugin handles a non-byte-aligned segment
            return _decode_rle_1bit(ds, inst, frame)
        except Exception as e:
            failures.append(f"1-bit RLE: {type(e).__name__}: {str(e)[:200]}")
    text = "; ".join(failures)
    low = text.lower()
    if any(s in low for s in ("less than expected", "shorter than", "truncated", "not enough", "fewer than")):
        raise TruncatedPixelDataError(f"pixel data is cut short ({text})", path=inst.path)
    raise DecoderError(f"could not decode {uid.name or ts}: {text}", path=inst.path)


#: Deflated Image Frame Compression (2023): each frame is a raw-deflate stream of native pixel data.
DEFLATED_IMAGE_FRAME = "1.2.840.10008.1.2.8.1"


def _decode_deflated_frame(inst, frame: int):
    import zlib

    import numpy as np
    from pydicom.encaps import generate_frames

    ds = _full_dataset(inst)
    try:
        frames = generate_frames(ds.PixelData, number_of_frames=inst.frames)
        for _ in range(frame):
            next(frames)
        packed = next(frames)
    except (StopIteration, ValueError, KeyError) as e:
        raise TruncatedPixelDataError(f"frame {frame} is missing from the encapsulated pixel data ({e})", path=inst.path) from None
    try:
        raw = zlib.decompress(packed, -15)
    except zlib.error:
        try:
            raw = zlib.decompress(packed)
        except zlib.error as e:
            raise DecoderError(f"Deflated Image Frame Compression: frame {frame} does not inflate ({e})", path=inst.path) from None
    rows, cols, spp = inst.rows, inst.cols, inst.samples_per_pixel
    n = rows * cols * spp
    if inst.bits_allocated == 1:
        bits = np.unpackbits(np.frombuffer(raw, np.uint8), bitorder="little")
        if bits.size < n:
            raise TruncatedPixelDataError(f"frame {frame} inflates to {bits.size} pixels, {n} needed", path=inst.path)
        return bits[:n].reshape((rows, cols, spp) if spp > 1 else (rows, cols))
    if inst.bits_allocated not in (8, 16, 32):
        raise DecoderError(f"Deflated Image Frame Compression with {inst.bits_allocated} bits allocated", path=inst.path)
    kind = "i" if inst.pixel_representation == 1 else "u"
    dtype = np.dtype(f"<{kind}{inst.bits_allocated // 8}")
    if len(raw) < n * dtype.itemsize:
        raise TruncatedPixelDataError(f"frame {frame} inflates to {len(raw)} bytes, {n * dtype.itemsize} needed", path=inst.path)
    arr = np.frombuffer(raw, dtype=dtype, count=n)
    if spp > 1:
        arr = arr.reshape(spp, rows, cols).transpose(1, 2, 0) if inst.planar_configuration == 1 else arr.reshape(rows, cols, spp)
    else:
        arr = arr.reshape(rows, cols)
    return _fix_bits(arr, inst)


def _packbits_decode(data: bytes, size: int) -> bytes:
    """DICOM RLE (PackBits) segment decoder (PS3.5 G.3.2)."""
    out = bytearray()
    i, n = 0, len(data)
    while i < n and len(out) < size:
        h = data[i]
        i += 1
        if h < 128:
            out += data[i : i + h + 1]
            i += h + 1
        elif h > 128:
            out += bytes([data[i]]) * (257 - h)
            i += 1
    return bytes(out)


def _decode_rle_1bit(ds, inst, frame: int):
    import struct

    import numpy as np
    from pydicom.encaps import generate_frames

    frames = generate_frames(ds.PixelData, number_of_frames=inst.frames)
    for _ in range(frame):
        next(frames)
    data = next(frames)
    nseg = struct.unpack("<I", data[:4])[0]
    if nseg != inst.samples_per_pixel or inst.samples_per_pixel != 1:
        raise ValueError(f"{nseg} RLE segments for 1-bit data")
    start = struct.unpack("<I", data[4:8])[0]
    n = inst.rows * inst.cols
    need = (n + 7) // 8
    raw = _packbits_decode(data[start:], need)
    if len(raw) < need:
        raise ValueError(f"RLE segment decodes to {len(raw)} bytes, {need} needed")
    bits = np.unpackbits(np.frombuffer(raw, np.uint8), bitorder="little")[:n]
    return bits.reshape(inst.rows, inst.cols)


_GDCM_DTYPES = {"UINT8": "u1", "INT8": "i1", "UINT16": "<u2", "INT16": "<i2", "UINT32": "<u4", "INT32": "<i4"}
_GDCM_LOCK = threading.Lock()


def _decode_gdcm_direct(inst, frame: int):
    """Decode a grey JPEG file with GDCM's ImageReader (every frame; they all go to the cache)."""
    import gdcm
    import numpy as np

    with _GDCM_LOCK:
        gdcm.Trace.WarningOff()
        gdcm.Trace.ErrorOff()
        reader = gdcm.ImageReader()
        reader.SetFileName(str(inst._file))
        if not reader.Read():
            raise RuntimeError("GDCM could not read the file")
        image = reader.GetImage()
        kind = image.GetPixelFormat().GetScalarTypeAsString()
        if kind not in _GDCM_DTYPES:
            raise RuntimeError(f"unexpected GDCM pixel format {kind}")
        buf = image.GetBuffer()
    data = buf.encode("utf-8", "surrogateescape") if isinstance(buf, str) else bytes(buf)
    dtype = np.dtype(_GDCM_DTYPES[kind])
    n = inst.rows * inst.cols
    if len(data) < n * inst.frames * dtype.itemsize:
        raise RuntimeError(f"GDCM returned {len(data)} bytes, {n * inst.frames * dtype.itemsize} expected")
    arr = np.frombuffer(data, dtype=dtype, count=n * inst.frames).reshape(inst.frames, inst.rows, inst.cols)
    arr = _fix_bits(arr, inst)
    for f in range(inst.frames):
        if f != frame:
            a = arr[f]
            a.flags.writeable = False
            FRAME_CACHE.put((inst.path, inst.sop_uid, f), a, a.nbytes)
    return arr[frame]


def _short_reason(e: Exception, plug: str) -> str:
    """pydicom wraps plugin failures in a multi-line RuntimeError: keep the plugin's own line."""
    msg = str(e).strip()
    for line in msg.splitlines():
        line = line.strip()
        if plug and line.startswith(f"{plug}:"):
            return line[len(plug) + 1 :].strip()[:200]
    first = msg.splitlines()[-1].strip() if msg else type(e).__name__
    return f"{type(e).__name__}: {first[:200]}"


def decode_frame(inst, frame: int = 0):
    """Stored values of one frame (before any LUT); colour images come back as RGB (H, W, 3)."""
    _check(inst)
    if not (0 <= frame < inst.frames):
        raise IndexError(f"{inst.path}: frame {frame} out of range (0..{inst.frames - 1})")
    key = (inst.path, inst.sop_uid, frame)
    hit = FRAME_CACHE.get(key)
    if hit is not None:
        return hit[0]
    arr = _native_fast(inst, frame)
    if arr is None:
        arr = _decode_pydicom(inst, frame)
    arr.flags.writeable = False
    FRAME_CACHE.put(key, arr, arr.nbytes)
    return arr


# ============================================================================================ LUTs
def _fg(inst, frame: int, seq_kw: str):
    """The first item of a functional-group macro for a frame (per-frame wins over shared)."""
    ds = inst.header
    for group_kw, idx in (("PerFrameFunctionalGroupsSequence", frame), ("SharedFunctionalGroupsSequence", 0)):
        try:
            groups = ds.get(group_kw)
            if groups and len(groups) > idx:
                seq = groups[idx].get(seq_kw)
                if seq:
                    return seq[0]
        except Exception:
            continue
    return None


def rescale_of(inst, frame: int = 0) -> tuple[float, float]:
    """(slope, intercept) of the modality LUT for a frame; (1, 0) when the file has none."""
    from .dicom import _float

    src = inst.header

    def get(kw):
        try:
            return src.get(kw)
        except (NotImplementedError, ValueError, TypeError, OverflowError) as e:
            # a damaged header element, e.g. an unknown VR in (0028,1052) (fuzzing found it)
            raise DicomError(f"unreadable {kw} ({type(e).__name__}: {e})", path=inst.path) from None

    slope = _float(get("RescaleSlope")) if "RescaleSlope" in src else None
    intercept = _float(get("RescaleIntercept")) if "RescaleIntercept" in src else None
    if slope is None and intercept is None:
        item = _fg(inst, frame, "PixelValueTransformationSequence")
        if item is not None:
            slope = _float(item.get("RescaleSlope"))
            intercept = _float(item.get("RescaleIntercept"))
    return (slope if slope not in (None, 0.0) else 1.0, intercept if intercept is not None else 0.0)


def _multi(v) -> list[float]:
    from .dicom import _float

    if v is None:
        return []
    vals = list(v) if hasattr(v, "__iter__") and not isinstance(v, (str, bytes)) else [v]
    return [f for f in (_float(x) for x in vals) if f is not None]


def windows_from_tags(inst, frame: int = 0) -> list[tuple[float, float]]:
    """Every (center, width) pair the file gives for this frame (Window Center/Width may be multi-valued)."""
    ds = inst.header
    try:
        centers, widths = _multi(ds.get("WindowCenter")), _multi(ds.get("WindowWidth"))
    except Exception:
        centers, widths = [], []
    if not centers:
        item = _fg(inst, frame, "FrameVOILUTSequence")
        if item is not None:
            centers, widths = _multi(item.get("WindowCenter")), _multi(item.get("WindowWidth"))
    return [(c, w) for c, w in zip(centers, widths) if w > 0]


def voi_function(inst, frame: int = 0) -> str:
    ds = inst.header
    fn = ds.get("VOILUTFunction") if "VOILUTFunction" in ds else None
    if not fn:
        item = _fg(inst, frame, "FrameVOILUTSequence")
        fn = item.get("VOILUTFunction") if item is not None else None
    return str(fn or "LINEAR").strip().upper()


def resolve_window(window) -> tuple[float, float] | None | str:
    """A preset name, a (center, width) pair, "minmax" or None -> (center, width) / "minmax" / None."""
    if window is None:
        return None
    if isinstance(window, str):
        key = window.strip().lower()
        if key in ("minmax", "auto", "full"):
            return "minmax"
        key = key.removeprefix("ct-").removeprefix("ct ")
        if key in WINDOW_PRESETS:
            return WINDOW_PRESETS[key]
        raise ValueError(f"unknown window preset {window!r}; known: {', '.join(WINDOW_PRESETS)}")
    c, w = window
    c, w = float(c), float(w)
    if not (math.isfinite(c) and math.isfinite(w)) or w <= 0:
        raise ValueError(f"window width must be > 0 (got center {c}, width {w})")
    return (c, w)


def _has_modality_lut_seq(inst) -> bool:
    return "ModalityLUTSequence" in inst.header


def _modality(inst, raw, frame: int):
    import numpy as np

    if _has_modality_lut_seq(inst):
        from pydicom.pixels import apply_modality_lut

        return apply_modality_lut(np.asarray(raw), _full_dataset(inst))
    slope, intercept = rescale_of(inst, frame)
    if slope == 1.0 and intercept == 0.0:
        return raw
    out = raw.astype(np.float32)
    if slope != 1.0:
        out *= np.float32(slope)
    if intercept != 0.0:
        out += np.float32(intercept)
    return out


def _palette_rgb(inst, raw):
    import numpy as np
    from pydicom.pixels import apply_color_lut

    ds = _full_dataset(inst)
    rgb = apply_color_lut(np.asarray(raw), ds)
    try:
        bits = int(ds.RedPaletteColorLookupTableDescriptor[2])
    except Exception:
        bits = 16 if rgb.dtype.itemsize > 1 else 8
    if bits == 16 and rgb.size and int(rgb.max()) <= 255:
        bits = 8  # 8-bit entries written in 16-bit words (a common writer quirk)
    return rgb, bits


def frame_array(inst, frame: int = 0):
    """One frame as numbers: modality values (rescale slope/intercept or Modality LUT Sequence) for
    grey images; RGB (H, W, 3) for colour and PALETTE COLOR images."""
    raw = decode_frame(inst, frame)
    if inst.photometric == "PALETTE COLOR":
        return _palette_rgb(inst, raw)[0]
    if raw.ndim == 3:
        return raw
    return _modality(inst, raw, frame)


def _to_uint8_scaled(arr, max_value: float):
    import numpy as np

    if arr.dtype == np.uint8:
        return np.ascontiguousarray(arr)
    if arr.dtype.kind == "f":
        lo, hi = float(np.nanmin(arr)), float(np.nanmax(arr))
        scale = 255.0 / (hi - lo) if hi > lo else 0.0
        return np.clip((arr - lo) * scale + 0.5, 0, 255).astype(np.uint8)
    out = arr.astype(np.float32) * np.float32(255.0 / max_value) + np.float32(0.5)
    np.clip(out, 0, 255, out=out)
    return out.astype(np.uint8)


def _apply_window(raw, slope: float, intercept: float, center: float, width: float, function: str):
    """Modality rescale and VOI window fused into one pass -> uint8."""
    import numpy as np

    x = raw.astype(np.float32)
    if function == "SIGMOID":
        if slope != 1.0 or intercept != 0.0:
            x = x * np.float32(slope) + np.float32(intercept)
        out = 255.0 / (1.0 + np.exp(-4.0 * (x - np.float32(center)) / np.float32(width)))
        return out.astype(np.uint8)
    if function == "LINEAR_EXACT":
        a = 255.0 / width
        b = (intercept - center) / width + 0.5
    else:  # LINEAR (DICOM PS3.3 C.11.2.1.2.1)
        w1 = max(width - 1.0, 1e-3)
        a = 255.0 / w1
        b = ((intercept - (center - 0.5)) / w1 + 0.5)
    x *= np.float32(slope * a)
    x += np.float32(b * 255.0 + 0.5)
    np.clip(x, 0, 255, out=x)
    return x.astype(np.uint8)


def display_frame(inst, frame: int = 0, window=None):
    """An 8-bit frame for the screen: uint8 (H, W) for grey, (H, W, 3) RGB for colour.

    Grey: modality LUT, then the VOI: the ``window`` asked for (preset name or (center, width)),
    else the file's first Window Center/Width with its VOI LUT Function (LINEAR, LINEAR_EXACT,
    SIGMOID), else its VOI LUT Sequence, else the frame's min/max. MONOCHROME1 is inverted so that
    high values are dark, as the photometric interpretation says."""
    import numpy as np

    raw = decode_frame(inst, frame)
    if inst.photometric == "PALETTE COLOR":
        rgb, bits = _palette_rgb(inst, raw)
        return _to_uint8_scaled(rgb, float((1 << bits) - 1))
    if raw.ndim == 3:
        return _to_uint8_scaled(raw, float((1 << min(inst.bits_stored, 32)) - 1))

    win = resolve_window(window)
    function = "LINEAR"
    if win is None:
        tag_windows = windows_from_tags(inst, frame)
        if tag_windows:
            win = tag_windows[0]
            function = voi_function(inst, frame)
    if function == "LINEAR" and raw.dtype.kind == "f":
        function = "LINEAR_EXACT"  # float data (parametric maps): the integer-step formula does not apply
    if win is None and "VOILUTSequence" in inst.header:
        out = _voi_lut_sequence(inst, raw, frame)
    elif isinstance(win, tuple):
        if _has_modality_lut_seq(inst):
            vals = _modality(inst, raw, frame)
            out = _apply_window(vals, 1.0, 0.0, win[0], win[1], function)
        else:
            slope, intercept = rescale_of(inst, frame)
            out = _apply_window(raw, slope, intercept, win[0], win[1], function)
    else:  # min/max of the frame
        vals = _modality(inst, raw, frame)
        finite = vals[np.isfinite(vals)] if vals.dtype.kind == "f" else vals
        if finite.size == 0:
            return np.zeros(raw.shape, np.uint8)
        lo, hi = float(finite.min()), float(finite.max())
        out = _apply_window(np.nan_to_num(vals) if vals.dtype.kind == "f" else vals, 1.0, 0.0, (lo + hi) / 2.0 + 0.5, max(hi - lo + 1.0, 1.0), "LINEAR")
    if inst.photometric == "MONOCHROME1":
        np.subtract(255, out, out=out)
    return out


def _voi_lut_sequence(inst, raw, frame: int):
    import numpy as np
    from pydicom.pixels import apply_voi

    ds = _full_dataset(inst)
    vals = _modality(inst, raw, frame)
    try:
        out = apply_voi(np.asarray(vals), ds, index=0)
        bits = int(ds.VOILUTSequence[0].LUTDescriptor[2])
    except Exception as e:
        raise DicomError(f"unusable VOI LUT Sequence ({type(e).__name__}: {e})", path=inst.path) from None
    return _to_uint8_scaled(out, float((1 << bits) - 1)) if out.dtype != np.uint8 else out


# ============================================================================================ conveniences
def render_file(path, frame: int = 0, window=None):
    """Load one file's header and return its 8-bit display frame (raises a DicomError)."""
    from .dicom import load_instance

    inst = load_instance(path)
    _check(inst)
    return display_frame(inst, frame, window=window)


def to_png(image, path) -> None:
    """Save an 8-bit display frame as PNG (Pillow)."""
    from PIL import Image

    Image.fromarray(image).save(path)


__all__ = [
    "FRAME_CACHE",
    "PLUGIN_ORDER",
    "WINDOW_PRESETS",
    "clear_caches",
    "decode_frame",
    "display_frame",
    "frame_array",
    "render_file",
    "rescale_of",
    "resolve_window",
    "to_png",
    "voi_function",
    "windows_from_tags",
]
