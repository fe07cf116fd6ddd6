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


def find_required(name: str, role: str, sha256: str, path) -> ModelPack:
    """The installed pack ``name``, verified, whose file of ``role`` has ``sha256``: what a pack built on that file
    needs. ModelPackError naming ``path`` (the file that states the need) when it is not installed or differs."""
    dep = find_pack(name, verify=False)
    if dep is None:
        raise ModelPackError(f"needs the {name!r} pack, which is not installed (`make` builds the default packs)",
                             path=path)
    dep.verify()
    have = dep.file_sha256(role)
    if have != sha256:
        raise ModelPackError(f"needs {name!r} {role} {sha256[:12]}…; the installed one ({dep.path}) has "
                             f"{str(have)[:12]}…", path=path)
    return dep


def check_requires(pack: ModelPack) -> list[ModelPack]:
    """The packs ``pack`` needs (manifest ``"requires"``: ``[{"pack", "role", "sha256"}]``, e.g. an impression model
    whose encoder reads the minilm-embedder's token states), each installed, verified and holding the file named
    (:func:`find_required`). ModelPackError naming ``pack``'s manifest.json otherwise."""
    mpath = pack.path / MANIFEST
    reqs = pack.manifest.get("requires") or []
    if not isinstance(reqs, list):
        raise ModelPackError("manifest 'requires' must be a list", path=mpath)
    found = []
    for req in reqs:
        if not isinstance(req, dict) or not isinstance(req.get("pack"), str) or not isinstance(req.get("sha256"), str):
            raise ModelPackError("every 'requires' entry must name a pack and a sha256", path=mpath)
        found.append(find_required(req["pack"], req.get("role", "model"), req["sha256"], mpath))
    return found


def import_to_home(src: str | os.PathLike, *, force: bool = False) -> ModelPack:
    """``medassist models import PATH``: verify the pack and copy it into ``$MEDASSIST_HOME/packs``."""
    return import_pack(src, user_packs_dir(), force=force)
