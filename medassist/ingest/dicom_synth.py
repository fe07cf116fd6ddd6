"""Small synthetic DICOM objects written with pydicom (for tests, benchmarks and demos; no PHI).

    make_image(pixels, modality="CT", **tags) -> pydicom Dataset (uncompressed, explicit VR little endian)
    write_series(folder, n, ...) -> list[Path]       a CT series of n slices along a (possibly oblique) normal
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

_SOP = {
    "CT": "1.2.840.10008.5.1.4.1.1.2",
    "MR": "1.2.840.10008.5.1.4.1.1.4",
    "CR": "1.2.840.10008.5.1.4.1.1.1",
    "OT": "1.2.840.10008.5.1.4.1.1.7",
}


def make_image(pixels, modality: str = "CT", *, study_uid: str | None = None, series_uid: str | None = None, **tags: Any):
    """A single-frame grey (2-D array) or RGB (H, W, 3 uint8) image dataset; extra tags by keyword."""
    import numpy as np
    from pydicom.dataset import Dataset, FileMetaDataset
    from pydicom.uid import ExplicitVRLittleEndian, generate_uid

    arr = np.ascontiguousarray(pixels)
    ds = Dataset()
    ds.file_meta = FileMetaDataset()
    ds.file_meta.TransferSyntaxUID = ExplicitVRLittleEndian
    ds.file_meta.MediaStorageSOPClassUID = _SOP.get(modality, _SOP["OT"])
    ds.SOPClassUID = ds.file_meta.MediaStorageSOPClassUID
    ds.SOPInstanceUID = ds.file_meta.MediaStorageSOPInstanceUID = generate_uid()
    ds.StudyInstanceUID = study_uid or generate_uid()
    ds.SeriesInstanceUID = series_uid or generate_uid()
    ds.Modality = modality
    ds.PatientName = "Synthetic^Test"
    ds.PatientID = "SYN0001"
    ds.StudyDate = "20240101"
    ds.Rows, ds.Columns = int(arr.shape[0]), int(arr.shape[1])
    if arr.ndim == 3:
        ds.SamplesPerPixel = 3
        ds.PhotometricInterpretation = "RGB"
        ds.PlanarConfiguration = 0
        arr = arr.astype(np.uint8)
    else:
        ds.SamplesPerPixel = 1
        ds.PhotometricInterpretation = "MONOCHROME2"
    itemsize = arr.dtype.itemsize
    ds.BitsAllocated = 8 * itemsize
    ds.BitsStored = 8 * itemsize
    ds.HighBit = ds.BitsStored - 1
    ds.PixelRepresentation = 1 if arr.dtype.kind == "i" else 0
    for k, v in tags.items():
        setattr(ds, k, v)
    ds.PixelData = arr.astype(arr.dtype.newbyteorder("<")).tobytes()
    return ds


def write_series(
    folder: str | Path,
    n: int = 5,
    *,
    size: int = 32,
    normal_tilt: bool = True,
    numbers: list[int | None] | None = None,
    study_uid: str | None = None,
    series_uid: str | None = None,
    description: str = "Synthetic CT",
    series_number: int = 1,
) -> list[Path]:
    """Write ``n`` CT slices (int16, rescale intercept -1024) whose ImagePositionPatient advance 2.5 mm
    along the slice normal. Slice k's pixels all equal 1000 + 10 k (stored), so order is checkable.
    File names are shuffled relative to the slice order. ``numbers`` overrides InstanceNumber (None: absent)."""
    import numpy as np
    from pydicom.uid import generate_uid

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    study_uid = study_uid or generate_uid()
    series_uid = series_uid or generate_uid()
    if normal_tilt:  # rows along x, columns tilted in the y-z plane: normal is oblique
        c, s = np.cos(np.radians(20)), np.sin(np.radians(20))
        iop = [1.0, 0.0, 0.0, 0.0, float(c), float(s)]
        normal = np.array([0.0, -float(s), float(c)])
    else:
        iop = [1.0, 0.0, 0.0, 0.0, 1.0, 0.0]
        normal = np.array([0.0, 0.0, 1.0])
    paths = []
    order = list(range(n))
    rng = np.random.default_rng(7)
    names = rng.permutation(n)
    for k in order:
        pos = (np.array([-100.0, -100.0, 50.0]) + normal * 2.5 * k).tolist()
        tags = dict(
            ImageOrientationPatient=iop,
            ImagePositionPatient=[round(x, 4) for x in pos],
            PixelSpacing=[0.7, 0.7],
            SliceThickness=2.5,
            RescaleSlope=1,
            RescaleIntercept=-1024,
            WindowCenter=40,
            WindowWidth=400,
            SeriesDescription=description,
            SeriesNumber=series_number,
        )
        num = (numbers[k] if numbers is not None else k + 1)
        if num is not None:
            tags["InstanceNumber"] = num
        ds = make_image(
            np.full((size, size), 1000 + 10 * k, dtype=np.int16),
            "CT",
            study_uid=study_uid,
            series_uid=series_uid,
            **tags,
        )
        p = folder / f"img{int(names[k]):04d}.dcm"
        ds.save_as(p, enforce_file_format=True)
        paths.append(p)
    return paths
