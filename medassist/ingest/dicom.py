"""DICOM ingest: files, folders (recursive), DICOMDIR and zip archives -> Study / Series / Instance.

Headers are read with ``defer_size`` so pixel data stays on disk until a frame is asked for
(``medassist.ingest.pixels``). Files are never read with ``force=True``: a dropped file must carry the
DICOM file meta header ('DICM' at byte 128), or it gets a typed error. A folder with some bad files
loads the good ones and lists the bad ones in ``StudyLoad.errors``.

Public API::

    load_study(paths) -> StudyLoad(studies, errors, others)
    load_instance(path) -> Instance | NonImageObject        # one file; raises a DicomError
    sr_document(path) -> medassist.document.Document         # text of a DICOM SR
    iter_series_frames(series, window=None)                  # progressive decode for the viewer

pydicom and numpy are imported inside functions only.
"""

from __future__ import annotations

import io
import math
import os
import struct
import warnings
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Iterator

from ..errors import IngestError
from .dicom_errors import (
    ArchiveError,
    DecoderError,
    DicomError,
    IncompleteHeaderError,
    NoPixelDataError,
    NotDicomError,
    NotStructuredReportError,
    TruncatedPixelDataError,
    UnsupportedTransferSyntaxError,
)

__all__ = [
    "ArchiveError",
    "DecoderError",
    "DicomError",
    "FrameResult",
    "IncompleteHeaderError",
    "Instance",
    "NoPixelDataError",
    "NonImageObject",
    "NotDicomError",
    "NotStructuredReportError",
    "Series",
    "Study",
    "StudyLoad",
    "TruncatedPixelDataError",
    "UnsupportedTransferSyntaxError",
    "is_dicom_path",
    "iter_series_frames",
    "load_instance",
    "load_study",
    "load_study_bytes",
    "sr_document",
]

#: Values larger than this stay on disk when a header is read (pixel data, big private blobs).
DEFER_SIZE = 16 * 1024
#: Zip archives: refuse to unpack more than this (a zip bomb, or not a study).
MAX_ARCHIVE_BYTES = 4 * 1024**3
MAX_ARCHIVE_MEMBERS = 20000

PIXEL_KEYWORDS = ("PixelData", "FloatPixelData", "DoubleFloatPixelData")
_PIXEL_TAGS = {0x7FE00010: "PixelData", 0x7FE00008: "FloatPixelData", 0x7FE00009: "DoubleFloatPixelData"}
MEDIA_STORAGE_DIRECTORY = "1.2.840.10008.1.3.10"

_TS_BY_ENCODING = {
    (True, True): "1.2.840.10008.1.2",  # implicit little
    (False, True): "1.2.840.10008.1.2.1",  # explicit little
    (False, False): "1.2.840.10008.1.2.2",  # explicit big
}


# ============================================================================================ model
@dataclass(eq=False)
class Instance:
    """One image object (a single- or multi-frame image). Pixel data is decoded on demand."""

    path: str  # file path, or "archive.zip!member"
    sop_uid: str
    sop_class_uid: str
    study_uid: str
    series_uid: str
    modality: str
    number: int | None
    rows: int
    cols: int
    frames: int
    samples_per_pixel: int
    photometric: str
    bits_allocated: int
    bits_stored: int
    pixel_representation: int
    planar_configuration: int
    transfer_syntax: str  # UID
    pixel_keyword: str = "PixelData"
    position: tuple[float, float, float] | None = None
    orientation: tuple[float, ...] | None = None
    pixel_spacing: tuple[float, float] | None = None  # (row spacing, column spacing) in mm
    slice_thickness: float | None = None
    # where the pixel data lies in the file (set when the header read deferred it)
    pixel_offset: int | None = None
    pixel_length: int | None = None
    little_endian: bool = True
    _header: Any = field(default=None, repr=False)
    _file: Path | None = field(default=None, repr=False)
    _data: bytes | None = field(default=None, repr=False)

    # ---------------------------------------------------------------- header access
    @property
    def header(self):
        """The pydicom Dataset read without its pixel data (large values are deferred)."""
        return self._header

    def tag(self, keyword: str, default: Any = None) -> Any:
        return _get(self._header, keyword, default)

    @property
    def transfer_syntax_name(self) -> str:
        return _uid_name(self.transfer_syntax)

    @property
    def sop_class_name(self) -> str:
        return _uid_name(self.sop_class_uid)

    @property
    def is_color(self) -> bool:
        return self.samples_per_pixel == 3 or self.photometric == "PALETTE COLOR"

    @property
    def size(self) -> str:
        return f"{self.rows}x{self.cols}"

    def slice_normal(self):
        return _normal(self.orientation)

    def slice_location(self) -> float | None:
        """Position of this slice along its normal (mm), or None without geometry tags."""
        n = _normal(self.orientation)
        if n is None or self.position is None:
            return None
        return sum(a * b for a, b in zip(self.position, n))

    def windows(self) -> list[tuple[float, float]]:
        """Every (center, width) the file carries (first one is the default)."""
        from .pixels import windows_from_tags

        return windows_from_tags(self)

    def overlay_fields(self) -> dict[str, Any]:
        """Fields a viewer shows in the corners (patient/study/series/instance)."""
        g = self.tag
        return {
            "patient_name": str(g("PatientName", "") or ""),
            "patient_id": str(g("PatientID", "") or ""),
            "patient_birth_date": str(g("PatientBirthDate", "") or ""),
            "patient_sex": str(g("PatientSex", "") or ""),
            "study_date": str(g("StudyDate", "") or ""),
            "study_time": str(g("StudyTime", "") or ""),
            "study_description": str(g("StudyDescription", "") or ""),
            "series_description": str(g("SeriesDescription", "") or ""),
            "series_number": _int(g("SeriesNumber")),
            "institution": str(g("InstitutionName", "") or ""),
            "modality": self.modality,
            "instance_number": self.number,
            "slice_location": _float(g("SliceLocation")) if g("SliceLocation") is not None else self.slice_location(),
            "slice_thickness": self.slice_thickness,
            "pixel_spacing": list(self.pixel_spacing) if self.pixel_spacing else None,
            "rows": self.rows,
            "cols": self.cols,
            "frames": self.frames,
            "windows": [list(w) for w in self.windows()],
        }

    # ---------------------------------------------------------------- pixels (lazy)
    def frame_array(self, frame: int = 0):
        from .pixels import frame_array

        return frame_array(self, frame)

    def display_frame(self, frame: int = 0, window=None):
        from .pixels import display_frame

        return display_frame(self, frame, window=window)

    def open_bytes(self) -> bytes:
        if self._data is not None:
            return self._data
        return self._file.read_bytes()

    def to_dict(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "sop_uid": self.sop_uid,
            "sop_class": self.sop_class_name,
            "number": self.number,
            "modality": self.modality,
            "rows": self.rows,
            "cols": self.cols,
            "size": self.size,
            "frames": self.frames,
            "samples_per_pixel": self.samples_per_pixel,
            "photometric": self.photometric,
            "bits_allocated": self.bits_allocated,
            "bits_stored": self.bits_stored,
            "transfer_syntax": self.transfer_syntax,
            "transfer_syntax_name": self.transfer_syntax_name,
            "pixel_spacing": list(self.pixel_spacing) if self.pixel_spacing else None,
            "position": list(self.position) if self.position else None,
            "windows": [list(w) for w in self.windows()],
        }


@dataclass
class Series:
    series_uid: str
    modality: str = ""
    description: str = ""
    number: int | None = None
    instances: list[Instance] = field(default_factory=list)

    @property
    def frame_count(self) -> int:
        return sum(i.frames for i in self.instances)

    def frame_refs(self) -> list[tuple[Instance, int]]:
        """Every (instance, frame index) of the series in display order (multi-frame instances unrolled)."""
        return [(inst, f) for inst in self.instances for f in range(inst.frames)]

    @property
    def pixel_spacing(self) -> tuple[float, float] | None:
        return self.instances[0].pixel_spacing if self.instances else None

    @property
    def slice_spacing(self) -> float | None:
        """Median distance between consecutive slice positions along the normal (mm), if known."""
        locs = [i.slice_location() for i in self.instances]
        locs = [x for x in locs if x is not None]
        if len(locs) < 2:
            return None
        gaps = sorted(abs(b - a) for a, b in zip(locs, locs[1:]))
        return round(gaps[len(gaps) // 2], 4)

    def to_dict(self) -> dict[str, Any]:
        return {
            "series_uid": self.series_uid,
            "number": self.number,
            "modality": self.modality,
            "description": self.description,
            "instance_count": len(self.instances),
            "frame_count": self.frame_count,
            "slice_spacing": self.slice_spacing,
            "instances": [i.to_dict() for i in self.instances],
        }


@dataclass
class Study:
    study_uid: str
    patient_id: str = ""
    patient_name: str = ""
    study_date: str = ""
    description: str = ""
    accession: str = ""
    patient_birth_date: str = ""
    patient_sex: str = ""
    series: list[Series] = field(default_factory=list)

    @property
    def modalities(self) -> list[str]:
        return sorted({s.modality for s in self.series if s.modality})

    @property
    def instances(self) -> list[Instance]:
        return [i for s in self.series for i in s.instances]

    def to_dict(self) -> dict[str, Any]:
        return {
            "study_uid": self.study_uid,
            "patient_id": self.patient_id,
            "patient_name": self.patient_name,
            "patient_birth_date": self.patient_birth_date,
            "patient_sex": self.patient_sex,
            "study_date": self.study_date,
            "description": self.description,
            "accession": self.accession,
            "modalities": self.modalities,
            "series": [s.to_dict() for s in self.series],
        }


@dataclass(eq=False)
class NonImageObject:
    """A DICOM object with no image: SR, RT plan/structure set, waveform (ECG), presentation state, ..."""

    path: str
    sop_uid: str
    sop_class_uid: str
    modality: str = ""
    study_uid: str = ""
    series_uid: str = ""
    description: str = ""
    _header: Any = field(default=None, repr=False)
    _file: Path | None = field(default=None, repr=False)
    _data: bytes | None = field(default=None, repr=False)

    @property
    def type(self) -> str:
        """The SOP class name, e.g. 'Comprehensive SR Storage', '12-lead ECG Waveform Storage'."""
        return _uid_name(self.sop_class_uid)

    @property
    def is_sr(self) -> bool:
        return self.modality == "SR" or " SR " in f" {self.type} " or self.tag("ContentSequence") is not None

    @property
    def header(self):
        return self._header

    def tag(self, keyword: str, default: Any = None) -> Any:
        return _get(self._header, keyword, default)

    def document(self):
        """The text of an SR as a Document (raises NotStructuredReportError otherwise)."""
        return sr_document(self)

    def to_dict(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "type": self.type,
            "sop_class_uid": self.sop_class_uid,
            "sop_uid": self.sop_uid,
            "modality": self.modality,
            "study_uid": self.study_uid,
            "series_uid": self.series_uid,
            "description": self.description,
        }


@dataclass
class StudyLoad:
    studies: list[Study] = field(default_factory=list)
    errors: list[IngestError] = field(default_factory=list)
    others: list[NonImageObject] = field(default_factory=list)
    #: files skipped because an object with the same SOP Instance UID was already read
    duplicates: list[str] = field(default_factory=list)

    @property
    def instances(self) -> list[Instance]:
        return [i for st in self.studies for i in st.instances]

    @property
    def ok(self) -> bool:
        return bool(self.studies or self.others)

    def to_dict(self) -> dict[str, Any]:
        return {
            "studies": [s.to_dict() for s in self.studies],
            "others": [o.to_dict() for o in self.others],
            "errors": [error_dict(e) for e in self.errors],
            "duplicates": list(self.duplicates),
        }


def error_dict(e: Exception) -> dict[str, Any]:
    return {
        "file": getattr(e, "path", None),
        "error": type(e).__name__,
        "message": getattr(e, "problem", str(e)),
    }


# ============================================================================================ helpers
def _get(ds, keyword: str, default: Any = None) -> Any:
    if ds is None:
        return default
    try:
        v = ds.get(keyword, default)
    except Exception:  # a malformed value (bad VR, unparsable number) reads as missing
        return default
    return default if v is None else v


def _uid_name(uid: str) -> str:
    if not uid:
        return ""
    try:
        from pydicom.uid import UID

        name = UID(str(uid)).name
        return name or str(uid)
    except Exception:
        return str(uid)


def _int(v) -> int | None:
    if v is None or v == "":
        return None
    try:
        return int(float(v))
    except (TypeError, ValueError):
        return None


def _float(v) -> float | None:
    if v is None or v == "":
        return None
    try:
        f = float(v)
        return f if math.isfinite(f) else None
    except (TypeError, ValueError):
        return None


def _floats(v, n: int) -> tuple[float, ...] | None:
    if v is None:
        return None
    try:
        vals = [float(x) for x in (v if isinstance(v, (list, tuple)) or hasattr(v, "__iter__") and not isinstance(v, str) else [v])]
    except (TypeError, ValueError):
        return None
    if len(vals) != n or not all(math.isfinite(x) for x in vals):
        return None
    return tuple(vals)


def _normal(orientation) -> tuple[float, float, float] | None:
    if not orientation or len(orientation) != 6:
        return None
    r, c = orientation[:3], orientation[3:]
    n = (r[1] * c[2] - r[2] * c[1], r[2] * c[0] - r[0] * c[2], r[0] * c[1] - r[1] * c[0])
    norm = math.sqrt(sum(x * x for x in n))
    if norm < 1e-6:
        return None
    return tuple(x / norm for x in n)


def _text_like(head: bytes) -> bool:
    if not head:
        return False
    try:
        s = head.decode("utf-8")
    except UnicodeDecodeError:
        try:
            s = head.decode("utf-16")
        except UnicodeDecodeError:
            return False
    printable = sum(ch.isprintable() or ch in "\r\n\t" for ch in s)
    return printable >= 0.95 * len(s)


def _why_not_dicom(head: bytes, size: int, name: str) -> DicomError:
    """The clearest description of why a file without the 'DICM' marker is not read."""
    if size == 0:
        return NotDicomError("empty file, not DICOM", path=name)
    if size < 132 and head and not head.strip(b"\x00"):
        return IncompleteHeaderError(f"file ends inside the 128-byte DICOM preamble ({size} bytes)", path=name)
    if head.startswith(b"\x1f\x8b"):
        return NotDicomError("a gzip-compressed file, not DICOM (unpack it first)", path=name)
    if head.startswith(b"%PDF"):
        return NotDicomError("a PDF file, not DICOM", path=name)
    if head[:3] == b"\xff\xd8\xff" or head.startswith(b"\x89PNG"):
        return NotDicomError("a plain JPEG/PNG picture, not DICOM", path=name)
    if len(head) >= 4 and head[:2] in (b"\x08\x00", b"\x00\x08", b"\x02\x00"):
        return NotDicomError(
            "a raw DICOM dataset without the file meta header (no 'DICM' marker at byte 128); "
            "it is not read, to avoid guessing its encoding: export it as a DICOM Part 10 file",
            path=name,
        )
    if _text_like(head[:132]):
        return NotDicomError("a text file, not DICOM (no 'DICM' marker at byte 128)", path=name)
    return NotDicomError(f"not a DICOM file: no 'DICM' marker at byte 128 ({size} bytes)", path=name)


def _meta_without_preamble(head: bytes) -> bool:
    """Starts with a File Meta element (0002,xxxx) in explicit VR little endian, e.g. (0002,0000) UL."""
    return len(head) >= 8 and head[:2] == b"\x02\x00" and head[4:6].isalpha() and head[4:6].isupper()


def _is_deflated(head: bytes, file: Path) -> bool:
    """Deflated files are inflated whole when read: keep their values (offsets would not match the file)."""
    try:
        with open(file, "rb") as fh:
            fh.seek(132)
            meta = fh.read(2048)
    except OSError:
        return False
    return b"1.2.840.10008.1.2.1.99" in meta


def _read_header(name: str, file: Path | None, data: bytes | None, *, full: bool = False):
    """Read a DICOM header (pixel data deferred), or raise a typed error naming ``name``.

    pydicom's warnings about malformed files are silenced here: what matters reaches the user as a
    typed error instead."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        return _read_header_quiet(name, file, data, full=full)


def _read_header_quiet(name: str, file: Path | None, data: bytes | None, *, full: bool = False):
    import pydicom
    from pydicom.errors import InvalidDicomError

    try:
        if data is None:
            size = file.stat().st_size
            with open(file, "rb") as fh:
                head = fh.read(132)
        else:
            size = len(data)
            head = data[:132]
    except OSError as e:
        raise DicomError(f"cannot read the file: {e.strerror or e}", path=name) from None
    if (size < 132 or head[128:132] != b"DICM") and _meta_without_preamble(head):
        # The file meta group is there (so the encoding is known) but the 128-byte preamble and 'DICM'
        # are not: put them back in memory and read it normally (no force).
        try:
            raw = data if data is not None else file.read_bytes()
        except OSError as e:
            raise DicomError(f"cannot read the file: {e.strerror or e}", path=name) from None
        data, file = b"\x00" * 128 + b"DICM" + raw, None
        size, head = len(data), data[:132]
    if size < 132 or head[128:132] != b"DICM":
        raise _why_not_dicom(head, size, name)
    try:
        if data is None:
            defer = None if full or _is_deflated(head, file) else DEFER_SIZE
            ds = pydicom.dcmread(str(file), defer_size=defer, force=False)
        else:
            ds = pydicom.dcmread(io.BytesIO(data), force=False)
    except InvalidDicomError as e:
        raise NotDicomError(f"not a valid DICOM file: {e}", path=name) from None
    except zlib.error as e:
        raise IncompleteHeaderError(f"the deflated dataset does not inflate: corrupt or cut short ({e})", path=name) from None
    except OSError as e:
        raise DicomError(f"cannot read the file: {e}", path=name) from None
    except Exception as e:  # EOFError, struct.error, ValueError, pydicom's BytesLengthException, ...
        msg = str(e).splitlines()[0][:200] if str(e) else ""
        raise IncompleteHeaderError(f"the DICOM header cannot be parsed ({type(e).__name__}: {msg})", path=name) from None
    if len(ds) == 0:
        # pydicom drops the whole dataset when encapsulated pixel data is cut short: tell that apart
        # from a file cut inside the header by reading again up to the pixel data.
        try:
            src = str(file) if data is None else io.BytesIO(data)
            head_ds = pydicom.dcmread(src, stop_before_pixels=True, force=False)
        except Exception:
            head_ds = None
        if head_ds is not None and len(head_ds) and _get(head_ds, "SOPClassUID"):
            raise TruncatedPixelDataError(
                "the file ends inside the (compressed) pixel data: the header is complete, the image is cut short",
                path=name,
            )
    return ds


def _transfer_syntax(ds) -> str:
    meta = getattr(ds, "file_meta", None)
    ts = _get(meta, "TransferSyntaxUID") if meta is not None else None
    if ts:
        return str(ts)
    enc = getattr(ds, "original_encoding", None)
    if enc and enc[0] is not None:
        return _TS_BY_ENCODING.get((bool(enc[0]), bool(enc[1])), "")
    return ""


def _pixel_element(ds):
    """(keyword, raw element or element) of the pixel data, without loading a deferred value."""
    d = ds._dict
    for tag, kw in _PIXEL_TAGS.items():
        if tag in d:
            return kw, dict.__getitem__(d, tag)
    return None, None


def _image_sop_class(sop_class_uid: str) -> bool:
    name = _uid_name(sop_class_uid)
    return "Image Storage" in name or "Image IOD" in name


def _from_header(name: str, ds, file: Path | None, data: bytes | None) -> "Instance | NonImageObject":
    meta = getattr(ds, "file_meta", None)
    sop_class = _get(ds, "SOPClassUID") or (_get(meta, "MediaStorageSOPClassUID") if meta is not None else None)
    if len(ds) == 0 or not sop_class:
        if len(ds) == 0:
            raise IncompleteHeaderError("the file ends inside the DICOM header: no data elements could be read", path=name)
        raise IncompleteHeaderError("required tag SOP Class UID (0008,0016) is missing: the file is cut short or malformed", path=name)
    sop_class = str(sop_class)
    sop_uid = str(_get(ds, "SOPInstanceUID") or (_get(meta, "MediaStorageSOPInstanceUID") if meta is not None else "") or name)
    study_uid = str(_get(ds, "StudyInstanceUID", "") or "")
    series_uid = str(_get(ds, "SeriesInstanceUID", "") or "")
    modality = str(_get(ds, "Modality", "") or "")
    kw, el = _pixel_element(ds)
    if kw is None:
        if _image_sop_class(sop_class):
            raise IncompleteHeaderError(
                f"an image object ({_uid_name(sop_class)}) without Pixel Data (file cut short, or header only)", path=name
            )
        description = str(
            _get(ds, "SeriesDescription", "")
            or _get(ds, "StudyDescription", "")
            or _get(ds, "RTPlanLabel", "")
            or _get(ds, "ContentLabel", "")
            or ""
        )
        if not description and _get(ds, "ConceptNameCodeSequence"):
            try:
                description = str(ds.ConceptNameCodeSequence[0].CodeMeaning)
            except Exception:
                description = ""
        return NonImageObject(name, sop_uid, sop_class, modality, study_uid, series_uid, description, ds, file, data)

    missing = [k for k in ("Rows", "Columns") if not _int(_get(ds, k))]
    if kw == "PixelData" and _get(ds, "BitsAllocated") is None:
        missing.append("BitsAllocated")
    if missing:
        raise IncompleteHeaderError(f"image without required tags: {', '.join(missing)}", path=name)
    ts = _transfer_syntax(ds)
    bits_alloc = _int(_get(ds, "BitsAllocated")) or (64 if kw == "DoubleFloatPixelData" else 32)
    pixel_offset = pixel_length = None
    deflated = ts == "1.2.840.10008.1.2.1.99"  # offsets refer to the inflated stream, not the file
    if getattr(el, "value", 1) is None and hasattr(el, "value_tell") and not deflated:  # deferred raw element
        pixel_offset = int(el.value_tell)
        pixel_length = int(el.length)
    elif getattr(el, "value", None) is not None:
        try:
            pixel_length = len(el.value)
        except TypeError:
            pixel_length = None
    if file is not None and pixel_offset is not None and pixel_length not in (None, 0xFFFFFFFF):
        size = file.stat().st_size
        if pixel_offset + pixel_length > size:
            raise TruncatedPixelDataError(
                f"pixel data is cut short: the header declares {pixel_length} bytes, "
                f"the file holds {max(size - pixel_offset, 0)}",
                path=name,
            )
    native = ts in ("1.2.840.10008.1.2", "1.2.840.10008.1.2.1", "1.2.840.10008.1.2.2", "1.2.840.10008.1.2.1.99")
    if native and kw == "PixelData" and pixel_offset is None and pixel_length is not None:
        need = expected_native_bytes(
            _int(_get(ds, "Rows")), _int(_get(ds, "Columns")), _int(_get(ds, "SamplesPerPixel")) or 1,
            bits_alloc, max(1, _int(_get(ds, "NumberOfFrames")) or 1), str(_get(ds, "PhotometricInterpretation", "")),
        )
        if pixel_length < need:
            raise TruncatedPixelDataError(f"pixel data is {pixel_length} bytes, the image needs {need}", path=name)
    orientation = _floats(_get(ds, "ImageOrientationPatient"), 6)
    position = _floats(_get(ds, "ImagePositionPatient"), 3)
    spacing = _floats(_get(ds, "PixelSpacing"), 2) or _floats(_get(ds, "ImagerPixelSpacing"), 2)
    if orientation is None or position is None or spacing is None:
        o2, p2, s2 = _functional_geometry(ds)
        orientation = orientation or o2
        position = position or p2
        spacing = spacing or s2
    enc = getattr(ds, "original_encoding", (None, True))
    return Instance(
        path=name,
        sop_uid=sop_uid,
        sop_class_uid=sop_class,
        study_uid=study_uid,
        series_uid=series_uid,
        modality=modality,
        number=_int(_get(ds, "InstanceNumber")),
        rows=_int(_get(ds, "Rows")),
        cols=_int(_get(ds, "Columns")),
        frames=max(1, _int(_get(ds, "NumberOfFrames")) or 1),
        samples_per_pixel=_int(_get(ds, "SamplesPerPixel")) or 1,
        photometric=str(_get(ds, "PhotometricInterpretation", "") or "MONOCHROME2").strip(),
        bits_allocated=bits_alloc,
        bits_stored=_int(_get(ds, "BitsStored")) or bits_alloc,
        pixel_representation=_int(_get(ds, "PixelRepresentation")) or 0,
        planar_configuration=_int(_get(ds, "PlanarConfiguration")) or 0,
        transfer_syntax=ts,
        pixel_keyword=kw,
        position=position,
        orientation=orientation,
        pixel_spacing=spacing,
        slice_thickness=_float(_get(ds, "SliceThickness")),
        pixel_offset=pixel_offset,
        pixel_length=pixel_length,
        little_endian=bool(enc[1]) if enc and enc[1] is not None else True,
        _header=ds,
        _file=file,
        _data=data,
    )


def expected_native_bytes(rows: int, cols: int, samples: int, bits_allocated: int, frames: int, photometric: str) -> int:
    """Bytes of uncompressed pixel data the header calls for."""
    if photometric.strip() in ("YBR_FULL_422", "YBR_PARTIAL_422"):
        bits = rows * cols * 2 * bits_allocated
    else:
        bits = rows * cols * samples * bits_allocated
    return math.ceil(bits * frames / 8)


def _functional_geometry(ds):
    """Orientation/position/spacing from the (shared, then first per-frame) functional groups."""
    orientation = position = spacing = None
    for seq_kw in ("SharedFunctionalGroupsSequence", "PerFrameFunctionalGroupsSequence"):
        seq = _get(ds, seq_kw)
        if not seq:
            continue
        try:
            item = seq[0]
        except Exception:
            continue
        po = _get(item, "PlaneOrientationSequence")
        if po and orientation is None:
            orientation = _floats(_get(po[0], "ImageOrientationPatient"), 6)
        pp = _get(item, "PlanePositionSequence")
        if pp and position is None:
            position = _floats(_get(pp[0], "ImagePositionPatient"), 3)
        pm = _get(item, "PixelMeasuresSequence")
        if pm and spacing is None:
            spacing = _floats(_get(pm[0], "PixelSpacing"), 2)
    return orientation, position, spacing


# ============================================================================================ reading
def load_instance(path: str | os.PathLike, *, _data: bytes | None = None, _name: str | None = None):
    """Read one DICOM file's header: an Instance (image) or a NonImageObject. Raises a DicomError."""
    file = None if _data is not None else Path(path)
    name = _name or str(path)
    ds = _read_header(name, file, _data)
    return _from_header(name, ds, file, _data)


def is_dicom_path(path: str | os.PathLike) -> bool:
    """Does this input look like DICOM (folder, .dcm/.dicom/.zip, DICOMDIR, or a 'DICM' preamble)?"""
    p = Path(path)
    if p.is_dir():
        return True
    if p.suffix.lower() in (".dcm", ".dicom", ".dic", ".zip") or p.name.upper() == "DICOMDIR":
        return True
    try:
        with open(p, "rb") as fh:
            head = fh.read(132)
    except OSError:
        return False
    return head[128:132] == b"DICM"


def _is_zip(file: Path | None, data: bytes | None) -> bool:
    if data is not None:
        return data[:4] == b"PK\x03\x04"
    try:
        with open(file, "rb") as fh:
            return fh.read(4) == b"PK\x03\x04"
    except OSError:
        return False


def _hidden(rel: Path) -> bool:
    return any(part.startswith(".") or part == "__MACOSX" for part in rel.parts)


def _iter_zip(name: str, src, errors: list, depth: int = 0) -> Iterator[tuple[str, None, bytes]]:
    """Members of a zip, read into memory (nothing is written to disk, so no PHI is left behind)."""
    try:
        zf = zipfile.ZipFile(src)
    except (zipfile.BadZipFile, OSError, ValueError) as e:
        errors.append(ArchiveError(f"unreadable zip archive: {e}", path=name))
        return
    with zf:
        infos = [i for i in zf.infolist() if not i.is_dir() and not _hidden(Path(i.filename))]
        total = sum(i.file_size for i in infos)
        if len(infos) > MAX_ARCHIVE_MEMBERS or total > MAX_ARCHIVE_BYTES:
            errors.append(
                ArchiveError(f"archive too large to unpack ({len(infos)} files, {total / 1e9:.1f} GB uncompressed)", path=name)
            )
            return
        for info in sorted(infos, key=lambda i: i.filename):
            member = f"{name}!{info.filename}"
            if info.flag_bits & 0x1:
                errors.append(ArchiveError("encrypted zip member: cannot read it", path=member))
                continue
            try:
                data = zf.read(info)
            except (zipfile.BadZipFile, OSError, RuntimeError, EOFError, NotImplementedError) as e:
                errors.append(ArchiveError(f"cannot unpack this member: {e}", path=member))
                continue
            if data[:4] == b"PK\x03\x04" and depth < 1:
                yield from _iter_zip(member, io.BytesIO(data), errors, depth + 1)
            else:
                yield member, None, data


def _dicomdir_files(name: str, ds, errors: list) -> list[Path]:
    from pydicom.fileset import FileSet

    try:
        fs = FileSet(ds)
        paths = []
        for fi in fs:
            p = Path(fi.path)
            if not p.exists():
                errors.append(IngestError("referenced by DICOMDIR but missing", path=str(p)))
                continue
            paths.append(p)
        return paths
    except Exception as e:  # malformed directory records
        errors.append(DicomError(f"unreadable DICOMDIR ({type(e).__name__}: {e})", path=name))
        return []


def _iter_sources(raw: str | os.PathLike, errors: list) -> Iterator[tuple[str, Path | None, bytes | None]]:
    p = Path(raw)
    if not p.exists():
        errors.append(IngestError("no such file or folder", path=str(raw)))
        return
    if p.is_dir():
        for f in sorted(x for x in p.rglob("*") if x.is_file() and not _hidden(x.relative_to(p))):
            if f.name.upper() == "DICOMDIR":
                continue  # an index of files the walk reaches anyway
            if _is_zip(f, None):
                yield from _iter_zip(str(f), f, errors)
            else:
                yield str(f), f, None
        return
    if _is_zip(p, None):
        yield from _iter_zip(str(p), p, errors)
        return
    yield str(p), p, None


def load_study(paths: str | os.PathLike | Iterable[str | os.PathLike]) -> StudyLoad:
    """Read DICOM files, folders (recursively), DICOMDIRs and zips into studies, series and instances.

    Never raises for a bad file: each becomes a typed error in ``StudyLoad.errors``."""
    if isinstance(paths, (str, os.PathLike)):
        paths = [paths]
    errors: list[IngestError] = []
    objects: list[Any] = []
    seen: set[str] = set()

    def take(name: str, file: Path | None, data: bytes | None) -> None:
        key = str(file.resolve()) if file is not None else name
        if key in seen:
            return
        seen.add(key)
        try:
            ds = _read_header(name, file, data)
            if str(_get(ds, "SOPClassUID", "") or _get(getattr(ds, "file_meta", None), "MediaStorageSOPClassUID", "")) == MEDIA_STORAGE_DIRECTORY:
                if file is not None:
                    for ref in _dicomdir_files(name, ds, errors):
                        take(str(ref), ref, None)
                return
            objects.append(_from_header(name, ds, file, data))
        except IngestError as e:
            errors.append(e)

    for raw in paths:
        for name, file, data in _iter_sources(raw, errors):
            take(name, file, data)
    return _assemble(objects, errors)


def load_study_bytes(data: bytes, name: str = "<stdin>") -> StudyLoad:
    """The same as load_study for one file or zip held in memory (stdin, a drop from another app)."""
    errors: list[IngestError] = []
    objects: list[Any] = []
    sources = _iter_zip(name, io.BytesIO(data), errors) if _is_zip(None, data) else [(name, None, data)]
    for n, _f, d in sources:
        try:
            objects.append(load_instance(n, _data=d, _name=n))
        except IngestError as e:
            errors.append(e)
    return _assemble(objects, errors)


def _assemble(objects: list, errors: list) -> StudyLoad:
    studies: dict[str, Study] = {}
    series_map: dict[tuple[str, str], Series] = {}
    others: list[NonImageObject] = []
    seen_sop: set[str] = set()
    duplicates: list[str] = []
    for obj in objects:
        if obj.sop_uid in seen_sop:
            duplicates.append(obj.path)  # the same instance reached twice (copies, re-encoded versions)
            continue
        seen_sop.add(obj.sop_uid)
        if isinstance(obj, NonImageObject):
            others.append(obj)
            continue
        st_key = obj.study_uid or "(no study uid)"
        study = studies.get(st_key)
        if study is None:
            g = obj.tag
            study = studies[st_key] = Study(
                study_uid=obj.study_uid,
                patient_id=str(g("PatientID", "") or ""),
                patient_name=str(g("PatientName", "") or ""),
                study_date=str(g("StudyDate", "") or ""),
                description=str(g("StudyDescription", "") or ""),
                accession=str(g("AccessionNumber", "") or ""),
                patient_birth_date=str(g("PatientBirthDate", "") or ""),
                patient_sex=str(g("PatientSex", "") or ""),
            )
        se_key = (st_key, obj.series_uid or "(no series uid)")
        series = series_map.get(se_key)
        if series is None:
            series = series_map[se_key] = Series(
                series_uid=obj.series_uid,
                modality=obj.modality,
                description=str(obj.tag("SeriesDescription", "") or ""),
                number=_int(obj.tag("SeriesNumber")),
            )
            study.series.append(series)
        series.instances.append(obj)
    for series in series_map.values():
        series.instances.sort(key=_instance_key(series.instances))
    for study in studies.values():
        study.series.sort(key=lambda s: (s.number if s.number is not None else 1 << 30, s.series_uid))
    ordered = sorted(studies.values(), key=lambda s: (s.study_date, s.study_uid))
    return StudyLoad(studies=ordered, errors=errors, others=others, duplicates=duplicates)


def _instance_key(instances: list[Instance]):
    """Sort by InstanceNumber, then by ImagePositionPatient projected on the series' slice normal."""
    normal = next((n for n in (i.slice_normal() for i in instances) if n is not None), None)

    def key(inst: Instance):
        num = inst.number if inst.number is not None else 1 << 30
        loc = 0.0
        if normal is not None and inst.position is not None:
            loc = sum(a * b for a, b in zip(inst.position, normal))
        return (num, loc, inst.path)

    return key


# ============================================================================================ viewer support
@dataclass
class FrameResult:
    """One step of a progressive series load: the display frame (uint8) or the error for that frame."""

    index: int
    total: int
    instance: Instance
    frame: int
    image: Any = None  # np.ndarray uint8 (H, W) or (H, W, 3)
    error: IngestError | None = None

    @property
    def progress(self) -> float:
        return (self.index + 1) / self.total if self.total else 1.0


def iter_series_frames(series: Series, *, window=None, display: bool = True) -> Iterator[FrameResult]:
    """Decode every frame of a series in display order, one at a time (for a worker thread).

    Yields FrameResult(index, total, instance, frame, image|error): a bad frame does not stop the
    rest. Stop iterating to cancel. ``display=False`` yields modality-LUT arrays instead of uint8."""
    from .pixels import display_frame, frame_array

    refs = series.frame_refs()
    total = len(refs)
    for i, (inst, f) in enumerate(refs):
        try:
            img = display_frame(inst, f, window=window) if display else frame_array(inst, f)
            yield FrameResult(i, total, inst, f, img, None)
        except IngestError as e:
            yield FrameResult(i, total, inst, f, None, e)


# ============================================================================================ SR text
def sr_document(src):
    """The text of a DICOM Structured Report as a Document (kind "dicom-sr").

    Walks ContentSequence: containers become "Name:" header lines, then "Name: value" for TEXT, CODE,
    NUM (with units), DATE/TIME/DATETIME, PNAME, UIDREF. ``src`` is a path or a NonImageObject."""
    if isinstance(src, NonImageObject):
        name, file, data = src.path, src._file, src._data
    else:
        name, file, data = str(src), Path(src), None
    ds = _read_header(name, file, data, full=True)
    content = _get(ds, "ContentSequence")
    if not content:
        raise NotStructuredReportError(
            f"not a Structured Report ({_uid_name(str(_get(ds, 'SOPClassUID', '')))}): no ContentSequence", path=name
        )
    lines: list[str] = []
    title = _concept_name(ds)
    if title:
        lines.append(f"{title}:")
    _walk_content(content, lines, depth=0)
    text = "\n".join(lines).strip() + "\n"
    metadata = {
        "sop_class": _uid_name(str(_get(ds, "SOPClassUID", ""))),
        "sop_uid": str(_get(ds, "SOPInstanceUID", "")),
        "study_uid": str(_get(ds, "StudyInstanceUID", "")),
        "patient_id": str(_get(ds, "PatientID", "") or ""),
        "patient_name": str(_get(ds, "PatientName", "") or ""),
        "study_date": str(_get(ds, "StudyDate", "") or ""),
        "title": title,
        "completion": str(_get(ds, "CompletionFlag", "") or ""),
        "verification": str(_get(ds, "VerificationFlag", "") or ""),
    }
    try:
        from . import document_from_text  # provided by the notes reader (medassist/ingest/__init__.py)
    except ImportError:
        document_from_text = None
    if document_from_text is not None:
        doc = document_from_text(text, source=name, kind="dicom-sr")
        doc.metadata.update(metadata)
        return doc
    from ..document import Document

    return Document(text=text, source=name, kind="dicom-sr", metadata=metadata)


def _concept_name(item) -> str:
    seq = _get(item, "ConceptNameCodeSequence")
    if not seq:
        return ""
    try:
        return str(_get(seq[0], "CodeMeaning", "") or _get(seq[0], "CodeValue", "")).strip()
    except Exception:
        return ""


def _sr_value(item) -> str | None:
    vt = str(_get(item, "ValueType", "") or "")
    if vt == "TEXT":
        return str(_get(item, "TextValue", "") or "").strip()
    if vt == "CODE":
        seq = _get(item, "ConceptCodeSequence")
        return str(_get(seq[0], "CodeMeaning", "") or _get(seq[0], "CodeValue", "")) if seq else ""
    if vt == "NUM":
        seq = _get(item, "MeasuredValueSequence")
        if not seq:
            return ""
        mv = seq[0]
        num = _get(mv, "NumericValue", "")
        units = _get(mv, "MeasurementUnitsCodeSequence")
        unit = ""
        if units:
            unit = str(_get(units[0], "CodeValue", "") or _get(units[0], "CodeMeaning", ""))
            if unit in ("1", "{ratio}"):
                unit = ""
        return f"{num} {unit}".strip()
    if vt == "DATE":
        return str(_get(item, "Date", ""))
    if vt == "TIME":
        return str(_get(item, "Time", ""))
    if vt == "DATETIME":
        return str(_get(item, "DateTime", ""))
    if vt == "PNAME":
        return str(_get(item, "PersonName", ""))
    if vt == "UIDREF":
        return str(_get(item, "UID", ""))
    return None  # CONTAINER, IMAGE, COMPOSITE, SCOORD, ...


def _walk_content(seq, lines: list[str], depth: int) -> None:
    if depth > 32:
        return
    for item in seq:
        vt = str(_get(item, "ValueType", "") or "")
        name = _concept_name(item)
        children = _get(item, "ContentSequence")
        if vt == "CONTAINER":
            if name:
                if lines and lines[-1] != "":
                    lines.append("")
                lines.append(f"{name}:")
        else:
            value = _sr_value(item)
            if value:
                if "\n" in value:
                    lines.append(f"{name}:" if name else "")
                    lines.extend(v.rstrip() for v in value.splitlines())
                else:
                    lines.append(f"{name}: {value}" if name else value)
        if children:
            _walk_content(children, lines, depth + 1)
