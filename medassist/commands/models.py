"""``medassist models list | verify [NAME|PATH] | import PATH [--force]`` — model packs, offline.

``verify`` checks the sha256 and size of every file of every pack (or one, by name or folder), and that the
packs a pack requires are installed with the files it names, and exits non-zero naming the first file that
does not match. ``import`` verifies a pack folder and copies it into
``$MEDASSIST_HOME/packs/<name>``; it refuses to replace another version unless ``--force``.

``list`` shows a short quantization label and licence (``non-commercial`` when any part of the licence
restricts use; the full texts are in ``--format json``) and the search path, first pack of a name wins:
the user's ``$MEDASSIST_HOME/packs``, then ``models/trained`` and ``models/packs`` under the install root —
the checkout, or the bundle's data folder (``sys._MEIPASS``) in the frozen app (medassist.config.PROJECT_ROOT).
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

from ..errors import ModelPackError


def register(subparsers) -> None:
    p = subparsers.add_parser("models", help="list, verify and import model packs")
    sub = p.add_subparsers(dest="models_command", metavar="ACTION")

    lp = sub.add_parser("list", help="the packs found, in search order")
    lp.add_argument("--format", choices=("text", "json"), default="text")
    lp.set_defaults(func=cmd_list)

    vp = sub.add_parser("verify", help="check every file's sha256 and size")
    vp.add_argument("target", nargs="?", metavar="NAME|PATH", help="a pack name or folder (default: every pack)")
    vp.add_argument("--format", choices=("text", "json"), default="text")
    vp.set_defaults(func=cmd_verify)

    ip = sub.add_parser("import", help="verify a pack folder and copy it into the data folder")
    ip.add_argument("path", metavar="PATH")
    ip.add_argument("--force", action="store_true", help="replace an installed pack of another version")
    ip.add_argument("--format", choices=("text", "json"), default="text")
    ip.set_defaults(func=cmd_import)

    p.set_defaults(func=lambda args: (p.print_help(), 1)[1])


#: where each search root sits, in search order (medassist.runtime.registry.search_paths)
LOCATIONS = ("user", "trained", "built")

#: words in a licence text that restrict use: the short label says so instead of the first licence named
_RESTRICTED = re.compile(r"non-?commercial|research use only|\bNC\b|-NC\b|-NC-|not for clinical use", re.I)


def _location(path: Path) -> str:
    from ..runtime.registry import search_paths

    for label, root in zip(LOCATIONS, search_paths()):
        try:
            if path.resolve().is_relative_to(root.resolve()):
                return label
        except OSError:
            pass
    return "other"


def quant_label(q) -> str:
    """A short quantization label for the table: ``int8 dyn``, ``int8 static``, ``int4``, ``none``.

    Manifests give either a dict (``weight_type``, ``is_static``) or free text such as
    ``int8 dynamic (onnxruntime quantize_dynamic, per_channel, MatMul/Gemm)``."""
    if not q:
        return "none"
    if isinstance(q, dict):
        wt = str(q.get("weight_type") or q.get("type") or "?")
        static = q.get("is_static")
        if static is None:
            return wt
        return f"{wt} {'static' if static else 'dyn'}"
    text = str(q).strip()
    m = re.match(r"(u?int\d+|fp\d+|float\d+|bf16|q\d\w*|none)\b", text, re.I)
    if not m:
        return text.split("(")[0].strip()[:12] or "?"
    label = m.group(1).lower()
    if re.search(r"\bdynamic\b", text, re.I):
        label += " dyn"
    elif re.search(r"\bstatic\b", text, re.I):
        label += " static"
    return label


def licence_label(licence) -> str:
    """A short licence label: the first licence named (``CC BY 4.0``, ``Apache-2.0``), or
    ``non-commercial`` when any part of the text restricts use (the full text is in ``--format json``)."""
    if not licence:
        return "unknown"
    text = str(licence).strip()
    if _RESTRICTED.search(text):
        return "non-commercial"
    return re.split(r"\s*[(;]", text, maxsplit=1)[0].strip()[:24] or "unknown"


def cmd_list(args) -> int:
    from ..runtime.registry import scan, search_paths

    roots = search_paths()
    rows = []
    for e in scan():
        row = {"name": e.name, "path": str(e.path), "location": _location(e.path), "shadowed": e.shadowed}
        if e.pack is not None:
            s = e.pack.summary()
            row.update({k: s[k] for k in ("task", "version", "licence", "quantization", "size", "files", "sha256")})
            row["quant_label"] = quant_label(s["quantization"])
            row["licence_label"] = licence_label(s["licence"])
        else:
            row["error"] = e.error
        rows.append(row)
    if args.format == "json":
        print(json.dumps({"search_paths": [str(p) for p in roots],
                          "search_path_labels": dict(zip(LOCATIONS, map(str, roots))), "packs": rows}, indent=2))
        return 0
    if not rows:
        print("no model packs found; searched:")
        for p in roots:
            print(f"  {p}")
        print("build the default packs with `make models`, or `medassist models import PATH`")
        return 0
    wn = max(len(r["name"]) for r in rows)
    wv = max([len(str(r.get("version", ""))) for r in rows] + [7])
    wt = max([len(str(r.get("task", ""))) for r in rows] + [4])
    wq = max([len(r.get("quant_label", "")) for r in rows] + [5])
    wl = max([len(r.get("licence_label", "")) for r in rows] + [7])
    print(f"{'NAME':<{wn}}  {'VERSION':<{wv}}  {'TASK':<{wt}}  {'QUANT':<{wq}}  {'LICENCE':<{wl}}  {'SIZE':>10}  "
          f"{'WHERE':<7}  PATH")
    for r in rows:
        if "error" in r:
            print(f"{r['name']:<{wn}}  BROKEN: {r['error']}")
            continue
        note = "  (shadowed by an earlier pack)" if r["shadowed"] else ""
        print(
            f"{r['name']:<{wn}}  {r['version']:<{wv}}  {r['task']:<{wt}}  {r['quant_label']:<{wq}}  "
            f"{r['licence_label']:<{wl}}  {r['size'] / 1e6:7.1f} MB  {r['location']:<7}  {r['path']}{note}"
        )
    print()
    print("searched, first pack of a name wins: " + "; ".join(f"{lab} {p}" for lab, p in zip(LOCATIONS, roots)))
    print("full licence and quantization texts: medassist models list --format json")
    return 0


def cmd_verify(args) -> int:
    from ..runtime.packs import ModelPack
    from ..runtime.registry import check_requires, scan

    results = []
    if args.target:
        target = Path(args.target)
        if target.is_dir():
            folders = [target]
        else:
            folders = [e.path for e in scan() if e.name == args.target and not e.shadowed]
            if not folders:
                raise ModelPackError("no pack of that name or folder", path=args.target)
    else:
        folders = [e.path for e in scan()]
    for folder in folders:
        try:
            pack = ModelPack.load(folder, verify=True)
            check_requires(pack)  # the packs it needs are installed, with the files it was built on
            results.append({"name": pack.name, "version": pack.version, "path": str(folder), "ok": True, "files": len(pack.files)})
        except ModelPackError as exc:
            results.append({"name": folder.name, "path": str(folder), "ok": False, "file": exc.path, "error": exc.problem})
    failed = [r for r in results if not r["ok"]]
    if args.format == "json":
        print(json.dumps({"ok": not failed, "packs": results}, indent=2))
    else:
        if not results:
            print("no model packs found")
        for r in results:
            if r["ok"]:
                print(f"OK    {r['name']} {r['version']}: {r['files']} files verified ({r['path']})")
            else:
                print(f"FAIL  {r['name']}: {r['file']}: {r['error']}")
    for r in failed:
        print(f"medassist models verify: {r['file']}: {r['error']}", file=sys.stderr)
    return ModelPackError.exit_code if failed else 0


def cmd_import(args) -> int:
    from ..runtime.registry import import_to_home

    pack = import_to_home(args.path, force=args.force)
    if args.format == "json":
        print(json.dumps({"imported": pack.summary()}, indent=2))
    else:
        print(f"imported {pack.name} {pack.version} ({len(pack.files)} files verified) into {pack.path}")
    return 0
