"""ICD-10-CM (April 2026) code set: lookup, billable flag, 7th characters, Excludes1 conflicts.

The tabular list is compiled at build time (models/icd10cm/build_codeset.py) into
resources/icd10cm/tabular.json.gz and loaded lazily on first use. Codes are in the tabular form:
upper case, with the dot after the third character ("E11.9", "S72.001A").

    from medassist import icd10
    e = icd10.lookup("e11.9")        # -> CodeEntry | None
    icd10.is_billable("E11")         # False: a category header
    icd10.requires_seventh("S72.001")  # True
    icd10.excludes1_conflicts(["J45.909", "J44.9"])
"""
from __future__ import annotations

import gzip
import json
import re
import threading
from dataclasses import dataclass, field
from functools import lru_cache

from medassist.config import resource_path
from medassist.errors import MedAssistError

__all__ = ["CodeEntry", "CodeSetError", "codeset", "lookup", "normalize", "is_valid", "is_billable",
           "requires_seventh", "seventh_characters", "excludes1_conflicts", "billable_children",
           "ancestors", "children", "chapter_of", "block_of", "iter_codes"]

_CODE_RE = re.compile(r"^[A-Z][0-9][0-9A-Z](?:\.[0-9A-Z]{1,4})?$")
_REF_RE = re.compile(r"\b([A-Z][0-9][0-9A-Z](?:\.[0-9A-Z]{1,4})?)(-?)")
_RANGE_RE = re.compile(r"\b([A-Z][0-9][0-9A-Z])-([A-Z][0-9][0-9A-Z])\b")


class CodeSetError(MedAssistError):
    """The compiled ICD-10-CM resource is missing or unreadable."""


@dataclass(frozen=True)
class CodeEntry:
    code: str
    description: str
    billable: bool
    parent: str | None
    chapter: str
    block: str
    inclusion_terms: tuple[str, ...] = ()
    excludes1: tuple[str, ...] = ()
    excludes2: tuple[str, ...] = ()
    code_first: tuple[str, ...] = ()
    use_additional: tuple[str, ...] = ()
    code_also: tuple[str, ...] = ()
    seventh_required: bool = False
    seventh_chars: dict = field(default_factory=dict, compare=False, hash=False)

    def to_dict(self) -> dict:
        return {"code": self.code, "description": self.description, "billable": self.billable,
                "parent": self.parent, "chapter": self.chapter, "block": self.block,
                "inclusion_terms": list(self.inclusion_terms), "excludes1": list(self.excludes1),
                "excludes2": list(self.excludes2), "code_first": list(self.code_first),
                "use_additional": list(self.use_additional), "code_also": list(self.code_also),
                "seventh_required": self.seventh_required, "seventh_chars": dict(self.seventh_chars)}


class CodeSet:
    """The loaded tabular list. Use the module functions; this is loaded once per process."""

    def __init__(self, data: dict):
        self.version = data.get("version", "")
        self._codes: dict = data["codes"]
        self._seventh: dict = data["seventh"]
        self.chapters: list = data["chapters"]
        self.blocks: list = data["blocks"]
        self._children: dict[str, list[str]] | None = None
        self._memo: dict[str, CodeEntry | None] = {}
        self._outer: dict = {}  # (block, chapter) -> their instructional notes by key
        self._blocks: dict = {b["id"]: b for b in self.blocks}

    # -- structure -----------------------------------------------------------------------------
    @property
    def children_map(self) -> dict[str, list[str]]:
        if self._children is None:
            ch: dict[str, list[str]] = {}
            for code, e in self._codes.items():
                p = e.get("p")
                if p:
                    ch.setdefault(p, []).append(code)
            self._children = ch
        return self._children

    def raw(self, code: str) -> dict | None:
        return self._codes.get(code)

    def __contains__(self, code: str) -> bool:
        return self.lookup(code) is not None

    def __len__(self) -> int:
        return len(self._codes)

    def codes(self):
        return iter(self._codes)

    # -- 7th characters ------------------------------------------------------------------------
    def split_seventh(self, code: str) -> tuple[str, str] | None:
        """For a full 7-character code ("S72.001A", "T81.4XXA"), return (base code in the tabular list,
        7th char) when it is a valid extension, else None."""
        flat = code.replace(".", "")
        if len(flat) != 7:
            return None
        char = flat[6]
        stem = flat[:6]
        # strip placeholder X's from the right to find the tabular base code
        while True:
            base = stem[:3] + ("." + stem[3:] if len(stem) > 3 else "")
            e = self._codes.get(base)
            if e is not None:
                owner = e.get("s7")
                if owner and not self.children_map.get(base) and char in self._seventh.get(owner, {}):
                    return base, char
                return None
            if stem.endswith("X") and len(stem) > 3:
                stem = stem[:-1]
                continue
            return None

    def lookup(self, code: str) -> CodeEntry | None:
        hit = self._memo.get(code, False)
        if hit is not False:
            return hit
        entry = self._lookup(code)
        if len(self._memo) > 50000:
            self._memo.clear()
        self._memo[code] = entry
        return entry

    def _lookup(self, code: str) -> CodeEntry | None:
        code = normalize(code)
        if not code:
            return None
        e = self._codes.get(code)
        if e is not None:
            return self._entry(code, e)
        split = self.split_seventh(code)
        if split is None:
            return None
        base, char = split
        be = self._codes[base]
        meaning = self._seventh[be["s7"]][char]
        return CodeEntry(code=code, description=f"{be['d']}, {meaning}", billable=True, parent=base,
                         chapter=be["ch"], block=be["bl"], inclusion_terms=tuple(be.get("i", ())),
                         excludes1=tuple(self._inherited(base, "e1")), excludes2=tuple(self._inherited(base, "e2")),
                         code_first=tuple(self._inherited(base, "cf")),
                         use_additional=tuple(self._inherited(base, "ua")),
                         code_also=tuple(self._inherited(base, "ca")), seventh_required=False,
                         seventh_chars={})

    def _entry(self, code: str, e: dict) -> CodeEntry:
        owner = e.get("s7")
        is_leaf = not self.children_map.get(code)
        return CodeEntry(code=code, description=e["d"], billable=bool(e["b"]), parent=e.get("p"),
                         chapter=e["ch"], block=e["bl"], inclusion_terms=tuple(e.get("i", ())),
                         excludes1=tuple(self._inherited(code, "e1")), excludes2=tuple(self._inherited(code, "e2")),
                         code_first=tuple(self._inherited(code, "cf")),
                         use_additional=tuple(self._inherited(code, "ua")),
                         code_also=tuple(self._inherited(code, "ca")),
                         seventh_required=bool(owner) and is_leaf,
                         seventh_chars=dict(self._seventh.get(owner, {})) if owner else {})

    def _inherited(self, code: str, key: str) -> list[str]:
        """Notes of a code and of its ancestors (tabular notes apply to every code below them), then, for the
        instructional notes (code first / use additional / code also), those of its block and chapter
        ("L00-L08: Use additional code (B95-B97) to identify infectious agent" holds for L03.116)."""
        out: list[str] = []
        cur: str | None = code
        last = None
        while cur:
            e = self._codes.get(cur)
            if e is None:
                break
            last = e
            out.extend(e.get(key, ()))
            cur = e.get("p")
        if last is not None and key in ("cf", "ua", "ca"):
            out.extend(self._outer_notes(last.get("bl"), last.get("ch")).get(key, ()))
        return out

    def block(self, block_id: str | None) -> dict | None:
        """A block of the tabular list ("L00-L08") with its own notes."""
        return self._blocks.get(block_id)

    def _outer_notes(self, block: str | None, chapter: str | None) -> dict:
        """The block's notes, then the chapter's, by key (remembered)."""
        hit = self._outer.get((block, chapter))
        if hit is None:
            hit = {}
            for part in (self.block(block), next((c for c in self.chapters if c["num"] == chapter), None)):
                for key in ("cf", "ua", "ca"):
                    hit.setdefault(key, []).extend((part or {}).get(key, ()))
            self._outer[(block, chapter)] = hit
        return hit

    def ancestors(self, code: str) -> list[str]:
        out = []
        e = self._codes.get(code)
        while e is not None and e.get("p"):
            out.append(e["p"])
            e = self._codes.get(e["p"])
        return out


def normalize(code: str) -> str:
    """Upper case, trimmed, with the dot after the third character ("e119" -> "E11.9")."""
    c = (code or "").strip().upper().replace(" ", "")
    c = c.rstrip("-").replace(".", "")
    if len(c) > 3:
        c = c[:3] + "." + c[3:]
    return c


_lock = threading.Lock()


@lru_cache(maxsize=1)
def _load() -> CodeSet:
    path = resource_path("icd10cm/tabular.json.gz")
    try:
        with gzip.open(path, "rb") as fh:
            data = json.loads(fh.read())
    except FileNotFoundError as exc:
        raise CodeSetError(f"{path}: ICD-10-CM code set not found; build it with "
                           "`python models/icd10cm/build_codeset.py`") from exc
    except (OSError, ValueError) as exc:
        raise CodeSetError(f"{path}: unreadable ICD-10-CM code set ({exc})") from exc
    return CodeSet(data)


def codeset() -> CodeSet:
    with _lock:
        return _load()


def lookup(code: str) -> CodeEntry | None:
    """The entry for a code (any case, with or without the dot), or None if it is not in the code set."""
    return codeset().lookup(code)


def is_valid(code: str) -> bool:
    return lookup(code) is not None


def is_billable(code: str) -> bool:
    e = lookup(code)
    return bool(e and e.billable)


def requires_seventh(code: str) -> bool:
    """True for a tabular code that needs a 7th character before it can be billed (e.g. "S72.001")."""
    e = lookup(code)
    return bool(e and e.seventh_required)


def seventh_characters(code: str) -> dict:
    e = lookup(code)
    return dict(e.seventh_chars) if e else {}


def with_seventh(code: str, char: str = "A") -> str | None:
    """The full billable code with a 7th character, placeholder X's added ("T81.4" style stems padded)."""
    e = lookup(code)
    if not e or not e.seventh_required or char not in e.seventh_chars:
        return None
    flat = e.code.replace(".", "")
    flat = flat.ljust(6, "X") + char
    return normalize(flat)


def children(code: str) -> list[str]:
    return list(codeset().children_map.get(normalize(code), []))


def ancestors(code: str) -> list[str]:
    return codeset().ancestors(normalize(code))


def billable_children(code: str) -> list[str]:
    """Billable leaves below a header code (the code itself if it is billable)."""
    cs = codeset()
    code = normalize(code)
    out, stack = [], [code]
    while stack:
        c = stack.pop()
        kids = cs.children_map.get(c)
        if kids:
            stack.extend(reversed(kids))
        elif cs.raw(c) is not None:
            out.append(c)
    return out


def chapter_of(code: str) -> str | None:
    e = lookup(code)
    return e.chapter if e else None


def block_of(code: str) -> str | None:
    e = lookup(code)
    return e.block if e else None


def iter_codes(billable_only: bool = False):
    cs = codeset()
    for c in cs.codes():
        if not billable_only or cs.raw(c)["b"]:
            yield c


def _refs(note: str) -> list[tuple[str, bool]]:
    """Code references in a note: [(code_or_prefix, is_prefix)] plus expanded category ranges."""
    out = [(m.group(1), bool(m.group(2))) for m in _REF_RE.finditer(note)]
    for m in _RANGE_RE.finditer(note):
        a, b = m.group(1), m.group(2)
        if a[0] == b[0] and a[1:].isdigit() and b[1:].isdigit():
            out.extend((f"{a[0]}{i:02d}", True) for i in range(int(a[1:]), int(b[1:]) + 1))
    return out


def _matches(ref: tuple[str, bool], code: str) -> bool:
    target, prefix = ref
    c = code.replace(".", "")
    t = target.replace(".", "")
    # a reference without '-' still covers codes below it (notes name categories and subcategories)
    return c.startswith(t) if (prefix or len(t) < len(c)) else c == t


def excludes1_conflicts(codes) -> list[tuple[str, str, str]]:
    """Pairs (code, other, note) where `other` is listed in an Excludes1 note of `code` (or its ancestors)."""
    codes = [normalize(c) for c in codes]
    out = []
    for c in codes:
        e = lookup(c)
        if not e:
            continue
        block = codeset().block(e.block)
        notes = list(e.excludes1) + (list(block.get("e1", ())) if block else [])
        for note in notes:
            for ref in _refs(note):
                for other in codes:
                    if other != c and _matches(ref, other) and not _matches(ref, c):
                        out.append((c, other, note))
    # one row per pair and note
    seen, uniq = set(), []
    for row in out:
        if row not in seen:
            seen.add(row)
            uniq.append(row)
    return uniq
