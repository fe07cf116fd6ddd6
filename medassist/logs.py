"""Logging without PHI.

MedAssist logs what happened — events, counts, timings, error classes — never note text, file names or patient
identifiers (a file name like ``Smith_John_discharge.txt`` is PHI too). :func:`ref` turns such a value into a
short keyed digest, stable within one data folder, so a support engineer can correlate log lines without
reading them. Logs go to ``<data dir>/logs/medassist.log`` (rotated).
"""

from __future__ import annotations

import hashlib
import logging
import logging.handlers
import os
import secrets
from pathlib import Path

_configured = False
LOGGER_NAME = "medassist"


def _salt(home: Path) -> bytes:
    path = home / "logs" / ".salt"
    try:
        return path.read_bytes()
    except OSError:
        salt = secrets.token_bytes(16)
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "wb") as fh:
                fh.write(salt)
        except FileExistsError:
            return path.read_bytes()
        return salt


def ref(value: str | bytes | None) -> str:
    """A short, keyed, non-reversible reference for a PHI-bearing value (file name, text)."""
    if value is None:
        return "-"
    if isinstance(value, str):
        value = value.encode("utf-8", "surrogatepass")
    from .config import home_dir

    return hashlib.blake2s(value, key=_salt(home_dir()), digest_size=6).hexdigest()


def setup(level: int = logging.INFO) -> logging.Logger:
    """Configure the ``medassist`` logger once: a rotating file in the data folder."""
    global _configured
    logger = logging.getLogger(LOGGER_NAME)
    if _configured:
        return logger
    from .config import home_dir

    log_dir = home_dir() / "logs"
    log_dir.mkdir(parents=True, exist_ok=True)
    handler = logging.handlers.RotatingFileHandler(log_dir / "medassist.log", maxBytes=2_000_000, backupCount=3,
                                                   encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s %(message)s"))
    logger.addHandler(handler)
    logger.setLevel(level)
    logger.propagate = False
    silence_phi_warnings()
    _configured = True
    return logger


def silence_phi_warnings() -> None:
    """pydicom's warnings quote element values (names, IDs, UIDs) and pypdf's log lines quote document
    content, on stderr: PHI. Drop them; the typed errors MedAssist raises carry what a user needs."""
    import warnings

    warnings.filterwarnings("ignore", module=r"pydicom(\..*)?$")
    warnings.filterwarnings("ignore", module=r"highdicom(\..*)?$")
    # pypdf and fontTools log what they parse (document text, names) as warnings: keep them off stderr.
    for name in ("pydicom", "pypdf", "fontTools", "highdicom"):
        logging.getLogger(name).setLevel(logging.CRITICAL)


def get(name: str = "") -> logging.Logger:
    return logging.getLogger(f"{LOGGER_NAME}.{name}" if name else LOGGER_NAME)
