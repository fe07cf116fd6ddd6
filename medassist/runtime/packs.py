"""Model packs: a folder holding ``manifest.json`` beside ONNX files and a ``tokenizer.json``.

The manifest names the pack (``name``, ``task``, ``version``, ``licence``, ``source``, ``quantization``) and
lists every file it needs (``files: [{path, sha256, size, role?}]``) plus ``inputs``/``outputs``; free fields
(``metrics``, ``recipe``, ``data``, task-specific settings such as ``dim``) may follow.

Loading a pack with ``verify=True`` checks the size and sha256 of every listed file *before* any session is
opened, and refuses anything but ONNX / JSON / text files, absolute paths, ``..`` and symlinks that leave the
pack folder. Every problem raises one :class:`~medassist.errors.ModelPackError` naming the file and the problem.

Only the standard library is imported here, so listing packs is cheap.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from ..errors import ModelPackError

MANIFEST = "manifest.json"
REQUIRED_FIELDS = ("name", "task", "version", "licence", "source", "quantization", "files", "inputs", "outputs")

#: Files a pack may carry: ONNX graphs (and their external-data files), JSON, plain text. Never pickles.
ALLOWED_SUFFIXES = (".onnx", ".onnx_data", ".onnx.data", ".json", ".txt", ".md", ".csv", ".tsv")
ALLOWED_NAMES = ("LICENSE", "LICENCE", "NOTICE", "README")

_HASH_CHUNK = 1 << 20
# In-process memo of verified files: (resolved path) -> (size, mtime_ns, inode, sha256, hashed_at_ns). A file
# that changes on disk gets a new mtime/size/inode and is hashed again. Like git's "racy clean" rule, a memo is
# trusted only when the file's mtime is well before the time it was hashed (coarse file-system clocks).
_verified: dict[str, tuple[int, int, int, str, int]] = {}
_RACY_NS = 2_000_000_000
_verified_lock = threading.Lock()


def sha256_file(path: str | os.PathLike) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(_HASH_CHUNK), b""):
            h.update(chunk)
    return h.hexdigest()


def allowed_file_name(name: str) -> bool:
    base = PurePosixPath(name).name
    lower = base.lower()
    return base in ALLOWED_NAMES or any(lower.endswith(s) for s in ALLOWED_SUFFIXES)


def check_relative_path(rel: Any, manifest_path: Path) -> PurePosixPath:
    """A manifest file path must be a relative POSIX path that stays inside the pack."""
    if not isinstance(rel, str) or not rel.strip():
        raise ModelPackError(f"a files[] entry has no valid 'path' ({rel!r})", path=manifest_path)
    if "\\" in rel or rel.startswith("/") or (len(rel) > 1 and rel[1] == ":"):
        raise ModelPackError(f"file path {rel!r} must be relative to the pack folder", path=manifest_path)
    p = PurePosixPath(rel)
    if p.is_absolute() or any(part in ("..", "") for part in rel.split("/")) or rel in (".",):
        raise ModelPackError(f"file path {rel!r} leaves the pack folder or is malformed", path=manifest_path)
    if p.name == MANIFEST:
        raise ModelPackError("the manifest cannot list itself", path=manifest_path)
    if not allowed_file_name(rel):
        raise ModelPackError(
            f"file {rel!r} is not an ONNX, JSON or text file; packs never carry pickles or code",
            path=manifest_path,
        )
    return p


@dataclass
class ModelPack:
    """A model pack on disk. Build with :meth:`load`."""

    path: Path
    manifest: dict[str, Any]
    verified: bool = False
    manifest_sha256: str = ""
    _files: dict[str, dict[str, Any]] = field(default_factory=dict, repr=False)

    # ------------------------------------------------------------------ loading
    @classmethod
    def load(cls, folder: str | os.PathLike, verify: bool = True) -> "ModelPack":
        folder = Path(folder)
        mpath = folder / MANIFEST
        if not folder.is_dir():
            raise ModelPackError("model pack folder not found", path=folder)
        if not mpath.is_file():
            raise ModelPackError("no manifest.json in the pack folder", path=mpath)
        raw = mpath.read_bytes()
        try:
            manifest = json.loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, ValueError) as exc:
            raise ModelPackError(f"manifest is not valid JSON ({exc})", path=mpath) from None
        if not isinstance(manifest, dict):
            raise ModelPackError("manifest must be a JSON object", path=mpath)
        missing = [k for k in REQUIRED_FIELDS if k not in manifest]
        if missing:
            raise ModelPackError(f"manifest lacks field(s): {', '.join(missing)}", path=mpath)
        for key in ("name", "task", "version"):
            if not isinstance(manifest[key], str) or not manifest[key].strip():
                raise ModelPackError(f"manifest field {key!r} must be a non-empty string", path=mpath)
        name = manifest["name"]
        if "/" in name or "\\" in name or name.startswith("."):
            raise ModelPackError(f"pack name {name!r} is not a plain folder name", path=mpath)
        files = manifest["files"]
        if not isinstance(files, list) or not files:
            raise ModelPackError("manifest 'files' must be a non-empty list", path=mpath)
        entries: dict[str, dict[str, Any]] = {}
        for entry in files:
            if not isinstance(entry, dict):
                raise ModelPackError("every files[] entry must be an object", path=mpath)
            rel = str(check_relative_path(entry.get("path"), mpath))
            sha = entry.get("sha256")
            size = entry.get("size")
            if not isinstance(sha, str) or len(sha) != 64 or any(c not in "0123456789abcdef" for c in sha.lower()):
                raise ModelPackError(f"file {rel!r} has no valid sha256 in the manifest", path=mpath)
            if not isinstance(size, int) or isinstance(size, bool) or size < 0:
                raise ModelPackError(f"file {rel!r} has no valid size in the manifest", path=mpath)
            if rel in entries:
                raise ModelPackError(f"file {rel!r} is listed twice", path=mpath)
            entries[rel] = entry
        pack = cls(
            path=folder,
            manifest=manifest,
            manifest_sha256=hashlib.sha256(raw).hexdigest(),
            _files=entries,
        )
        if verify:
            pack.verify()
        return pack

    # ------------------------------------------------------------------ verification
    def _resolve(self, rel: str) -> Path:
        root = self.path.resolve()
        target = (self.path / rel)
        real = target.resolve()
        if not real.is_relative_to(root):
            raise ModelPackError("resolves outside the pack folder (symlink?)", path=target)
        return target

    def verify(self) -> "ModelPack":
        """Check the size and sha256 of every listed file; raise ModelPackError on the first mismatch."""
        for rel, entry in self._files.items():
            target = self._resolve(rel)
            try:
                st = target.stat()
            except FileNotFoundError:
                raise ModelPackError("file listed in the manifest is missing", path=target) from None
            if not target.is_file():
                raise ModelPackError("is not a regular file", path=target)
            if st.st_size != entry["size"]:
                raise ModelPackError(
                    f"size mismatch: {st.st_size} bytes on disk, {entry['size']} in the manifest (tampered or truncated)",
                    path=target,
                )
            key = str(target.resolve())
            stamp = (st.st_size, st.st_mtime_ns, st.st_ino)
            with _verified_lock:
                memo = _verified.get(key)
            if memo is not None and memo[:3] == stamp and st.st_mtime_ns < memo[4] - _RACY_NS:
                digest = memo[3]
            else:
                hashed_at = time.time_ns()
                digest = sha256_file(target)
                with _verified_lock:
                    _verified[key] = (*stamp, digest, hashed_at)
            if digest != entry["sha256"].lower():
                raise ModelPackError(
                    f"sha256 mismatch: file was modified (expected {entry['sha256'][:12]}…, got {digest[:12]}…)",
                    path=target,
                )
        self.verified = True
        return self

    # ------------------------------------------------------------------ access
    @property
    def name(self) -> str:
        return self.manifest["name"]

    @property
    def task(self) -> str:
        return self.manifest["task"]

    @property
    def version(self) -> str:
        return self.manifest["version"]

    @property
    def files(self) -> list[str]:
        return list(self._files)

    def file(self, name: str) -> Path:
        """Path of a file listed in the manifest (by path, or by its ``role``). Verified packs only."""
        rel = name if name in self._files else None
        if rel is None:
            for r, entry in self._files.items():
                if entry.get("role") == name:
                    rel = r
                    break
        if rel is None:
            raise ModelPackError(f"pack {self.name!r} has no file or role {name!r}", path=self.path / MANIFEST)
        if not self.verified:
            self.verify()
        return self._resolve(rel)

    def file_sha256(self, name: str) -> str | None:
        """The manifest's sha256 of a listed file (by path, or by its ``role``); None when there is none."""
        entry = self._files.get(name) or next((e for e in self._files.values() if e.get("role") == name), None)
        return entry["sha256"].lower() if entry else None

    def has_file(self, name: str) -> bool:
        return name in self._files or any(e.get("role") == name for e in self._files.values())

    def info(self) -> dict[str, str]:
        """What a history record keeps about the model used."""
        return {"name": self.name, "version": self.version, "sha256": self.manifest_sha256}

    def summary(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "task": self.task,
            "version": self.version,
            "licence": self.manifest.get("licence"),
            "quantization": self.manifest.get("quantization"),
            "path": str(self.path),
            "size": sum(int(e["size"]) for e in self._files.values()),
            "files": len(self._files),
            "verified": self.verified,
            "sha256": self.manifest_sha256,
        }


# ---------------------------------------------------------------------------------------- import
def import_pack(src: str | os.PathLike, dest_root: str | os.PathLike, *, force: bool = False) -> ModelPack:
    """Verify the pack at ``src`` and copy it (manifest + listed files only) to ``dest_root/<name>``.

    Refuses to replace an installed pack of a *different* version unless ``force``; re-importing the same
    version replaces the files. The copy is written to a temporary folder, verified again, then moved in.
    """
    src_pack = ModelPack.load(src, verify=True)
    dest_root = Path(dest_root)
    dest_root.mkdir(parents=True, exist_ok=True)
    dest = dest_root / src_pack.name
    if dest.exists():
        if dest.resolve() == Path(src).resolve():
            return src_pack
        try:
            existing = ModelPack.load(dest, verify=False)
            existing_version = existing.version
        except ModelPackError:
            existing_version = None  # a broken installed pack may be replaced
        if existing_version is not None and existing_version != src_pack.version and not force:
            raise ModelPackError(
                f"pack {src_pack.name!r} version {existing_version} is installed; refusing to replace it with "
                f"version {src_pack.version} (use --force)",
                path=dest,
            )
    tmp = Path(tempfile.mkdtemp(prefix=f".import-{src_pack.name}-", dir=dest_root))
    try:
        shutil.copy2(src_pack.path / MANIFEST, tmp / MANIFEST)
        for rel in src_pack.files:
            out = tmp / rel
            out.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src_pack._resolve(rel), out)
        ModelPack.load(tmp, verify=True)
        old = None
        if dest.exists():
            old = dest_root / f".old-{src_pack.name}-{os.getpid()}"
            os.replace(dest, old)
        os.replace(tmp, dest)
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return ModelPack.load(dest, verify=True)
