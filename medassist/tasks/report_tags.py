"""DICOM header access for the report drafter: one view over a study, whatever it came as.

``collect_headers(study)`` accepts a Study from :mod:`medassist.ingest.dicom` (``study.series[].instances[]``
with ``.path`` and, where the ingest keeps it, a header dataset), a path or a list of paths (files or
folders), a pydicom Dataset, or a list of Datasets, and returns :class:`StudyHeaders` — the image
instances' headers grouped by series. Pixel data are never read here.

pydicom is imported lazily (inside functions) so ``import medassist.tasks.report`` stays light.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable

from ..errors import IngestError, TaskError


@dataclass
class SeriesHeaders:
    series_uid: str
    number: int | None
    modality: str
    description: str
    datasets: list[Any] = field(default_factory=list)  # pydicom Datasets (headers only), sorted

    @property
    def n_instances(self) -> int:
        return len(self.datasets)

    @property
    def n_frames(self) -> int:
        return sum(frames_of(ds) for ds in self.datasets)


@dataclass
class StudyHeaders:
    study_uid: str
    patient_id: str
    patient_name: str
    accession: str
    study_date: str
    series: list[SeriesHeaders] = field(default_factory=list)
    source: str = ""
    _instances: dict[int, Any] = field(default_factory=dict, repr=False)  # id(dataset) -> ingest Instance

    def instance_for(self, ds: Any) -> Any:
        """The ingest Instance a header came from (None when the headers were read from paths)."""
        return self._instances.get(id(ds))

    @property
    def datasets(self) -> list[Any]:
        return [ds for s in self.series for ds in s.datasets]

    @property
    def description(self) -> str:
        return text_of(self.datasets[0], "StudyDescription") if self.datasets else ""

    @property
    def modalities(self) -> list[str]:
        out: list[str] = []
        for s in self.series:
            if s.modality and s.modality not in out:
                out.append(s.modality)
        return out


def frames_of(ds: Any) -> int:
    try:
        return max(1, int(ds.get("NumberOfFrames", 1) or 1))
    except (TypeError, ValueError):
        return 1


def text_of(ds: Any, keyword: str) -> str:
    """The tag's value as a stripped string ('' when absent); multi-valued tags joined with '\\'."""
    elem = ds.get(keyword) if ds is not None else None
    if elem is None:
        return ""
    value = elem.value if hasattr(elem, "value") else elem
    if value is None:
        return ""
    if isinstance(value, (list, tuple)) or type(value).__name__ == "MultiValue":
        return "\\".join(str(v).strip() for v in value)
    return str(value).strip()


def _is_image(ds: Any) -> bool:
    return "Rows" in ds and "Columns" in ds


def _read_header(path: Path):
    import pydicom
    from pydicom.errors import InvalidDicomError

    try:
        ds = pydicom.dcmread(str(path), stop_before_pixels=True)
    except (InvalidDicomError, EOFError, OSError, ValueError, TypeError, AttributeError, KeyError) as exc:
        raise IngestError(f"not a readable DICOM file ({type(exc).__name__}: {exc})", path=path) from exc
    ds.filename = str(path)
    if "SOPClassUID" not in ds and "StudyInstanceUID" not in ds:
        raise IngestError("not a DICOM object (no SOP Class UID, no Study Instance UID)", path=path)
    return ds


def _instance_dataset(inst: Any):
    """Header dataset of an ingest Instance (whatever accessor it offers), else read from its path."""
    for name in ("dataset", "header", "ds"):
        attr = getattr(inst, name, None)
        if attr is None:
            continue
        ds = attr() if callable(attr) else attr
        if ds is not None and hasattr(ds, "get"):
            return ds
    path = getattr(inst, "path", None)
    if path is None:
        raise TaskError("an instance of the study has neither a header nor a path")
    return _read_header(Path(path))


def _expand(paths: Iterable[str | os.PathLike]) -> list[Path]:
    out: list[Path] = []
    for p in paths:
        p = Path(p)
        if p.is_dir():
            out.extend(sorted(f for f in p.rglob("*") if f.is_file() and not f.name.startswith(".") and f.name != "DICOMDIR"))
        elif p.exists():
            out.append(p)
        else:
            raise IngestError("no such file or folder", path=p)
    return out


def _sort_key(ds: Any):
    try:
        n = int(ds.get("InstanceNumber") or 0)
    except (TypeError, ValueError):
        n = 0
    ipp = ds.get("ImagePositionPatient")
    z = float(ipp[2]) if ipp is not None and len(ipp) == 3 else 0.0
    return (n, z, text_of(ds, "SOPInstanceUID"))


def group_datasets(datasets: list[Any], source: str = "") -> list[StudyHeaders]:
    """Group image headers by study then series (series by number, instances by number)."""
    studies: dict[str, dict[str, list[Any]]] = {}
    for ds in datasets:
        if not _is_image(ds):
            continue
        st = text_of(ds, "StudyInstanceUID") or "(no study uid)"
        se = text_of(ds, "SeriesInstanceUID") or "(no series uid)"
        studies.setdefault(st, {}).setdefault(se, []).append(ds)
    out: list[StudyHeaders] = []
    for st_uid, series in studies.items():
        first = next(iter(series.values()))[0]
        sh = StudyHeaders(
            study_uid=st_uid,
            patient_id=text_of(first, "PatientID"),
            patient_name=text_of(first, "PatientName"),
            accession=text_of(first, "AccessionNumber"),
            study_date=text_of(first, "StudyDate"),
            source=source,
        )
        for se_uid, dss in series.items():
            dss.sort(key=_sort_key)
            d0 = dss[0]
            try:
                number = int(d0.get("SeriesNumber")) if d0.get("SeriesNumber") not in (None, "") else None
            except (TypeError, ValueError):
                number = None
            sh.series.append(SeriesHeaders(se_uid, number, text_of(d0, "Modality"), text_of(d0, "SeriesDescription"), dss))
        sh.series.sort(key=lambda s: (s.number if s.number is not None else 1 << 30, s.series_uid))
        out.append(sh)
    out.sort(key=lambda s: -len(s.datasets))
    return out


def collect_headers(study: Any) -> StudyHeaders:
    """Headers of one study from whatever the caller holds (see module doc). Raises IngestError/TaskError."""
    if isinstance(study, StudyHeaders):
        return study
    # An ingest Study: it has series with instances.
    if hasattr(study, "series") and not isinstance(study, (str, os.PathLike)) and not hasattr(study, "get"):
        pairs = [(_instance_dataset(inst), inst) for se in study.series for inst in getattr(se, "instances", [])]
        groups = group_datasets([ds for ds, _ in pairs], source=str(getattr(study, "source", "") or ""))
        if not groups:
            raise TaskError("the study holds no image instances")
        groups[0]._instances = {id(ds): inst for ds, inst in pairs}
        return groups[0]
    if hasattr(study, "get") and hasattr(study, "dir"):  # a single pydicom Dataset
        datasets = [study]
        source = str(getattr(study, "filename", "") or "<dataset>")
    else:
        items = list(study) if isinstance(study, (list, tuple)) else [study]
        if items and all(hasattr(x, "get") and hasattr(x, "dir") for x in items):
            datasets, source = items, "<datasets>"
        else:
            paths = _expand(items)
            source = str(items[0]) if len(items) == 1 else f"{len(items)} paths"
            datasets = []
            errors: list[IngestError] = []
            for p in paths:
                try:
                    datasets.append(_read_header(p))
                except IngestError as exc:
                    errors.append(exc)
            if not datasets and errors:
                raise errors[0]
    groups = group_datasets(datasets, source=source)
    if not groups:
        raise IngestError("no DICOM image instances (a report needs images)", path=source)
    return groups[0]
