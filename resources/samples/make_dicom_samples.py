"""Writes the synthetic DICOM sample study shipped with MedAssist (no real patient): a 12-slice CT of a
phantom "chest" (body ellipse, two lungs, spine, table) with correct CT tags, so the app, the installer smoke
test and the demos have a study that the project itself made.

    python resources/samples/make_dicom_samples.py
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from pydicom.dataset import FileDataset, FileMetaDataset
from pydicom.uid import CTImageStorage, ExplicitVRLittleEndian, generate_uid

OUT = Path(__file__).resolve().parent / "ct_phantom"
N, SIZE, THICK = 12, 128, 5.0
PREFIX = "1.2.826.0.1.3680043.10.1455."  # fixed prefix so the UIDs below stay stable between runs


def phantom(z: int) -> np.ndarray:
    yy, xx = np.mgrid[0:SIZE, 0:SIZE]
    cx, cy = SIZE / 2, SIZE / 2
    img = np.full((SIZE, SIZE), -1000, np.int16)  # air
    body = ((xx - cx) / 56) ** 2 + ((yy - cy) / 40) ** 2 <= 1
    img[body] = 40  # soft tissue
    shrink = 1.0 - abs(z - N / 2) / (N * 1.5)
    for sx in (-1, 1):  # lungs
        lung = ((xx - cx - sx * 24) / (18 * shrink)) ** 2 + ((yy - cy + 2) / (26 * shrink)) ** 2 <= 1
        img[lung] = -850
    spine = ((xx - cx) / 8) ** 2 + ((yy - cy - 28) / 8) ** 2 <= 1
    img[spine] = 700
    img[(yy > cy + 44) & (yy < cy + 48) & (abs(xx - cx) < 60)] = 200  # table
    rng = np.random.default_rng(z)
    return (img + rng.normal(0, 8, img.shape)).astype(np.int16)


def main() -> None:
    OUT.mkdir(exist_ok=True)
    study_uid, series_uid, frame_uid = PREFIX + "1", PREFIX + "2", PREFIX + "3"
    for i in range(N):
        meta = FileMetaDataset()
        meta.MediaStorageSOPClassUID = CTImageStorage
        meta.MediaStorageSOPInstanceUID = f"{PREFIX}10.{i + 1}"
        meta.TransferSyntaxUID = ExplicitVRLittleEndian
        ds = FileDataset(str(OUT / f"CT{i + 1:03d}.dcm"), {}, file_meta=meta, preamble=b"\0" * 128)
        ds.SOPClassUID, ds.SOPInstanceUID = CTImageStorage, meta.MediaStorageSOPInstanceUID
        ds.StudyInstanceUID, ds.SeriesInstanceUID, ds.FrameOfReferenceUID = study_uid, series_uid, frame_uid
        ds.PatientName, ds.PatientID, ds.PatientSex, ds.PatientBirthDate = "PHANTOM^CHEST", "MA-0001", "O", ""
        ds.StudyDate = ds.SeriesDate = "20260305"
        ds.StudyTime = "101500"
        ds.AccessionNumber, ds.StudyID = "MA26000001", "1"
        ds.Modality, ds.BodyPartExamined = "CT", "CHEST"
        ds.StudyDescription, ds.SeriesDescription = "CT CHEST WITHOUT CONTRAST", "Axial 5.0 mm"
        ds.ProtocolName, ds.Manufacturer = "Chest routine", "MedAssist synthetic phantom"
        ds.SeriesNumber, ds.InstanceNumber = 2, i + 1
        ds.KVP, ds.XRayTubeCurrent, ds.Exposure, ds.SliceThickness = 120, 200, 150, THICK
        ds.ImageOrientationPatient = [1, 0, 0, 0, 1, 0]
        ds.ImagePositionPatient = [-SIZE * 1.5, -SIZE * 1.5, -i * THICK]
        ds.SliceLocation = -i * THICK
        ds.PixelSpacing = [3.0, 3.0]
        ds.Rows = ds.Columns = SIZE
        ds.SamplesPerPixel, ds.PhotometricInterpretation = 1, "MONOCHROME2"
        ds.BitsAllocated, ds.BitsStored, ds.HighBit, ds.PixelRepresentation = 16, 16, 15, 1
        ds.RescaleIntercept, ds.RescaleSlope, ds.RescaleType = 0, 1, "HU"
        ds.WindowCenter, ds.WindowWidth = -600, 1500
        ds.PixelData = phantom(i).tobytes()
        ds.save_as(OUT / f"CT{i + 1:03d}.dcm", enforce_file_format=True)
    print(f"wrote {N} slices to {OUT}")


if __name__ == "__main__":
    main()
