"""Licence report of everything the bundle carries; fails (exit 1) on GPL code unless explicitly allowed.

Reads the top-level modules PyInstaller collected (written by installers/medassist.spec), maps them to their
distributions with importlib.metadata, and reads each distribution's licence (License-Expression, License,
classifiers). LGPL (e.g. Qt for Python under LGPLv3, dynamically linked) is allowed and listed; GPL/AGPL is
refused unless named in ALLOWED_GPL with a reason.

    python installers/licence_report.py build/medassist/bundled-modules.json [-o dist/LICENSES-bundled.md]
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from importlib import metadata
from pathlib import Path

#: distribution -> why GPL code is acceptable here (empty: nothing GPL is allowed).
ALLOWED_GPL: dict[str, str] = {}

#: Distributions offering several licences where the project uses the permissive/LGPL option.
DUAL_LICENSED = {
    "pyside6-essentials": "LGPL-3.0-only (chosen from LGPL-3.0 / GPL-2.0 / GPL-3.0)",
    "shiboken6": "LGPL-3.0-only (chosen from LGPL-3.0 / GPL-2.0 / GPL-3.0)",
}


def licence_of(dist: metadata.Distribution) -> str:
    meta = dist.metadata
    expr = meta.get("License-Expression")
    if expr:
        return expr.strip()
    lic = (meta.get("License") or "").strip()
    classifiers = [c.split("::")[-1].strip() for c in meta.get_all("Classifier") or [] if c.startswith("License ::")]
    if lic and len(lic) < 120 and "\n" not in lic:
        return lic
    if classifiers:
        return " / ".join(classifiers)
    if lic:
        return lic.splitlines()[0][:120]
    return "UNKNOWN"


def is_gpl(licence: str) -> bool:
    text = licence.upper().replace("LESSER GENERAL PUBLIC", "LGPL").replace("LIBRARY GENERAL PUBLIC", "LGPL")
    text = text.replace("GNU GENERAL PUBLIC LICENSE", "GPL").replace("GENERAL PUBLIC LICENSE", "GPL")
    without_lgpl = re.sub(r"\bLGPL[-\w.+]*", "", text)
    return bool(re.search(r"\b(A?GPL)", without_lgpl))


def permissive_choice(licence: str) -> str | None:
    """For a licence offered as alternatives ("A OR B", classifiers "A / B"), the first non-GPL option."""
    parts = [p.strip() for p in re.split(r"\s+OR\s+|\s+/\s+", licence) if p.strip()]
    if len(parts) < 2:
        return None
    for part in parts:
        if not is_gpl(part):
            return part
    return None


def _norm(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def report(modules: list[str]) -> tuple[list[dict], list[dict]]:
    mapping = metadata.packages_distributions()
    dists: dict[str, set[str]] = {}
    unmapped = []
    for mod in modules:
        names = mapping.get(mod)
        if not names:
            unmapped.append(mod)
            continue
        for name in names:
            dists.setdefault(name, set()).add(mod)
    rows = []
    for name, mods in sorted(dists.items(), key=lambda kv: kv[0].lower()):
        try:
            dist = metadata.distribution(name)
        except metadata.PackageNotFoundError:
            continue
        lic = DUAL_LICENSED.get(_norm(name)) or licence_of(dist)
        gpl = is_gpl(lic) and _norm(name) not in DUAL_LICENSED
        if gpl and (choice := permissive_choice(lic)):
            lic, gpl = f"{choice} (chosen from: {lic})", False
        rows.append({"distribution": name, "version": dist.version, "licence": lic, "modules": sorted(mods),
                     "gpl": gpl})
    bad = [r for r in rows if r["gpl"] and r["distribution"] not in ALLOWED_GPL]
    return rows, bad


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("modules_json")
    ap.add_argument("-o", "--output")
    args = ap.parse_args(argv)
    modules = json.loads(Path(args.modules_json).read_text())
    rows, bad = report(modules)
    lines = ["# Licences of what the MedAssist bundle carries", "",
             "| distribution | version | licence |", "| --- | --- | --- |"]
    lines += [f"| {r['distribution']} | {r['version']} | {r['licence']} |" for r in rows]
    lines += ["", "Model packs: see each pack's manifest.json (licence, source).", ""]
    text = "\n".join(lines)
    if args.output:
        Path(args.output).write_text(text + "\n", encoding="utf-8")
    print(text)
    if bad:
        for r in bad:
            print(f"GPL code in the bundle: {r['distribution']} {r['version']} ({r['licence']}) via "
                  f"{', '.join(r['modules'])}", file=sys.stderr)
        return 1
    print(f"{len(rows)} distributions, no GPL code.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
