"""Where MedAssist keeps its data, and the user's settings.

The data dir is ``--home`` / ``MEDASSIST_HOME`` when given, else the platform's user data dir.
Settings are a small JSON file there (no PHI in it).
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path

APP_NAME = "MedAssist"

import sys

#: The checkout / install root (the folder holding ``medassist/``, ``resources/`` and ``models/``);
#: in a frozen (PyInstaller) bundle, the bundle's data folder.
PROJECT_ROOT = (
    Path(getattr(sys, "_MEIPASS")) if getattr(sys, "frozen", False) and hasattr(sys, "_MEIPASS")
    else Path(__file__).resolve().parent.parent
)
RESOURCES = PROJECT_ROOT / "resources"
BUILT_PACKS = PROJECT_ROOT / "models" / "packs"


def resource_path(*parts: str) -> Path:
    """Path of a file under ``resources/`` (works from a checkout and from a frozen bundle)."""
    return RESOURCES.joinpath(*parts)


def home_dir(explicit: str | os.PathLike | None = None) -> Path:
    """The user's MedAssist data folder; created on first use."""
    if explicit:
        path = Path(explicit)
    elif os.environ.get("MEDASSIST_HOME"):
        path = Path(os.environ["MEDASSIST_HOME"])
    else:
        import platformdirs

        path = Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))
    path.mkdir(parents=True, exist_ok=True)
    return path


@dataclass
class Settings:
    """User settings; persisted as ``settings.json`` in the data folder."""

    user_name: str = ""  # who accepts/edits; empty means the OS user
    clinician_name: str = ""
    clinic_name: str = ""
    execution_provider: str = "auto"  # auto | CPUExecutionProvider | CUDAExecutionProvider | DmlExecutionProvider
    intra_op_threads: int = 0  # 0: onnxruntime decides
    lock_timeout_min: int = 15
    theme: str = "light"
    coder_retrieval: bool = False  # `medassist code` adds embedding-retrieval candidates (slower; --retrieval)
    coding_encounter: str = "outpatient"  # outpatient | inpatient: uncertain diagnoses coded as established (--encounter)
    coding_suggest: str = "coded"  # coded | mentioned: every condition mentioned, whatever its status (--suggest)
    letter_rewrite: bool = False  # `medassist letter` adds a model rewrite, used only if it passes the fact check (--rewrite)
    extra: dict = field(default_factory=dict)

    @classmethod
    def load(cls, home: str | os.PathLike | None = None) -> "Settings":
        path = home_dir(home) / "settings.json"
        if not path.exists():
            return cls()
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return cls()
        known = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in known})

    def save(self, home: str | os.PathLike | None = None) -> Path:
        path = home_dir(home) / "settings.json"
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps(asdict(self), indent=2), encoding="utf-8")
        os.replace(tmp, path)
        return path

    def who(self) -> str:
        if self.user_name:
            return self.user_name
        import getpass

        try:
            return getpass.getuser()
        except Exception:  # no user name in the environment
            return "unknown"
