"""Typed errors for DICOM input. Each names the file (``.path``) and the cause (``.problem``).

Kept free of pydicom/numpy imports so that callers (CLI, UI) can catch them cheaply.
"""

from __future__ import annotations

from ..errors import IngestError


class DicomError(IngestError):
    """A DICOM input could not be read or rendered."""


class NotDicomError(DicomError):
    """Random bytes, a text file named .dcm, a raw dataset without the DICOM file meta header."""


class IncompleteHeaderError(DicomError):
    """The file ends inside the header, or required tags (SOP Class UID, Rows, ...) are missing.

    pydicom returns an empty dataset without an error for a file cut inside the header: this is the
    error we raise instead."""


class NoPixelDataError(DicomError):
    """A frame was asked of an object with no image (SR, RT plan, ECG, presentation state)."""


class TruncatedPixelDataError(DicomError):
    """The pixel data is shorter than rows x cols x samples x bits x frames say it must be."""


class UnsupportedTransferSyntaxError(DicomError):
    """No installed decoder handles this transfer syntax (or it is unknown)."""


class DecoderError(DicomError):
    """Every installed decoder for the transfer syntax failed on this file."""


class ArchiveError(DicomError):
    """A zip archive is unreadable, or too large to unpack safely."""


class NotStructuredReportError(DicomError):
    """Text was asked of a DICOM object that is not a Structured Report."""


__all__ = [
    "ArchiveError",
    "DecoderError",
    "DicomError",
    "IncompleteHeaderError",
    "NoPixelDataError",
    "NotDicomError",
    "NotStructuredReportError",
    "TruncatedPixelDataError",
    "UnsupportedTransferSyntaxError",
]
