"""``medassist models list | verify [NAME|PATH] | import PATH [--force]`` — model packs, offline.

``verify`` checks the sha256 and size of every file of every pack (or one, by name or folder) and exits
non-zero naming the first file that does not match. ``import`` verifies a pack folder and copies it into
``$MEDASSIST_HOME/packs/<name>``; it refuses to replace another version unless ``--force``.
"""

from __future__ import annotations

import json
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


def _location(path: Path) -> str:
    from ..runtime.registry import search_paths

    labels = ("user", "trained", "built")
    for label, root in zip(labels, search_paths()):
        try:
            if path.resolve().is_relative_to(root.resolve()):
                return label
        except OSError:
            pass
    return "other"


def cmd_list(args) -> int:
    from ..runtime.registry import scan, search_paths

    rows = []
    for e in scan():
        row = {"name": e.name, "path": str(e.path), "location": _location(e.path), "shadowed": e.shadowed}
        if e.pack is not None:
            s = e.pack.summary()
            row.update({k: s[k] for k in ("task", "version", "licence", "quantization", "size", "files", "sha256")})
        else:
            row["error"] = e.error
        rows.append(row)
    if args.format == "json":
        print(json.dumps({"search_paths": [str(p) for p in search_paths()], "packs": rows}, indent=2))
        return 0
    if not rows:
        print("no model packs found; searched:")
        for p in search_paths():
            print(f"  {p}")
        print("build the default packs with `make models`, or `medassist models import PATH`")
        return 0
    wn = max(len(r["name"]) for r in rows)
    wv = max([len(str(r.get("version", ""))) for r in rows] + [7])
    wt = max([len(str(r.get("task", ""))) for r in rows] + [4])
    print(f"{'NAME':<{wn}}  {'VERSION':<{wv}}  {'TASK':<{wt}}  {'QUANT':<6}  {'SIZE':>10}  {'WHERE':<7}  PATH")
    for r in rows:
        if "error" in r:
            print(f"{r['name']:<{wn}}  BROKEN: {r['error']}")
            continue
        q = r.get("quantization") or {}
        qs = q.get("weight_type", "") if isinstance(q, dict) else str(q)
        note = "  (shadowed by an earlier pack)" if r["shadowed"] else ""
        print(
            f"{r['name']:<{wn}}  {r['version']:<{wv}}  {r['task']:<{wt}}  {qs:<6}  {r['size'] / 1e6:7.1f} MB  "
            f"{r['location']:<7}  {r['path']}{note}"
        )
    return 0


def cmd_verify(args) -> int:
    from ..runtime.packs import ModelPack
    from ..runtime.registry import scan

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
