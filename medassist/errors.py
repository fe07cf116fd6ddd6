"""Typed errors. Every error a user can cause names the file (or thing) and the problem.

Each error class carries an exit code used by the CLI, so scripts can tell failures apart.
"""

from __future__ import annotations

from pathlib import Path


class MedAssistError(Exception):
    """Base for every error the engine raises on purpose."""

    exit_code = 1

    def __init__(self, message: str, *, path: str | Path | None = None):
        self.path = str(path) if path is not None else None
        self.problem = message
        super().__init__(f"{self.path}: {message}" if self.path else message)


class ModelPackError(MedAssistError):
    """A model pack is missing, malformed, tampered with or unloadable."""

    exit_code = 3


class IngestError(MedAssistError):
    """An input file could not be read as a note or a DICOM object."""

    exit_code = 4


class UnsupportedFormatError(IngestError):
    """The file's type or encoding is not one MedAssist reads."""


class HistoryError(MedAssistError):
    """The encrypted history could not be opened or written."""

    exit_code = 5


class HistoryLockedError(HistoryError):
    """Wrong key or passphrase: the history stays locked and untouched."""

    exit_code = 6


class TaskError(MedAssistError):
    """A task could not produce a result for a valid input."""

    exit_code = 7


class NetworkBlockedError(MedAssistError, PermissionError):
    """The network guard refused an outbound connection."""

    exit_code = 8
