"""Where model packs are found, in order (the first pack of a name wins):

1. ``$MEDASSIST_HOME/packs/<name>`` — packs the user imported (``medassist models import PATH``);
2. ``models/trained/<name>`` — packs this project trained and committed;
3. ``models/packs/<name>`` — packs built by ``make`` from wheels (gitignored).

Listing reads manifests only (cheap); :func:`find_pack` verifies the pack it returns.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from ..config import BUILT_PACKS, PROJECT_ROOT, home_dir
from ..errors import ModelPackError
from .packs import MANIFEST, ModelPack, import_pack

TRAINED_PACKS = PROJECT_ROOT / "models" / "trained"


def user_packs_dir() -> Path:
    return home_dir() / "packs"


def search_paths() -> list[Path]:
    """The pack folders' parents, in search order."""
    return [user_packs_dir(), TRAINED_PACKS, BUILT_PACKS]


def _candidates() -> list[Path]:
    found = []
    for root in search_paths():
        if not root.is_dir():
            continue
        for child in sorted(root.iterdir()):
            if child.is_dir() and not child.name.startswith(".") and (child / MANIFEST).is_file():
                found.append(child)
    return found


@dataclass
class PackEntry:
    """One pack folder seen by the registry; ``pack`` is None when its manifest is unreadable."""

    path: Path
    pack: ModelPack | None
    error: str | None = None
    shadowed: bool = False  # another pack of the same name comes earlier in the search order

    @property
    def name(self) -> str:
        return self.pack.name if self.pack else self.path.name


def scan() -> list[PackEntry]:
    """Every pack folder in search order, with manifest problems reported rather than raised."""
    entries: list[PackEntry] = []
    seen: set[str] = set()
    for folder in _candidates():
        try:
            pack = ModelPack.load(folder, verify=False)
        except ModelPackError as exc:
            entries.append(PackEntry(folder, None, str(exc)))
            continue
        entries.append(PackEntry(folder, pack, shadowed=pack.name in seen))
        seen.add(pack.name)
    return entries


def list_packs() -> list[ModelPack]:
    """The packs in effect (the first of each name), manifests read but not verified."""
    return [e.pack for e in scan() if e.pack is not None and not e.shadowed]


def find_pack(name: str | None = None, task: str | None = None, *, verify: bool = True) -> ModelPack | None:
    """The first pack matching ``name`` and/or ``task``, verified; None when there is none.

    A matching pack that fails verification raises ModelPackError (a tampered pack is never skipped silently
    in favour of another)."""
    for pack in list_packs():
        if name is not None and pack.name != name:
            continue
        if task is not None and pack.task != task:
            continue
        if verify:
            pack.verify()
        return pack
    return None


def import_to_home(src: str | os.PathLike, *, force: bool = False) -> ModelPack:
    """``medassist models import PATH``: verify the pack and copy it into ``$MEDASSIST_HOME/packs``."""
    return import_pack(src, user_packs_dir(), force=force)
