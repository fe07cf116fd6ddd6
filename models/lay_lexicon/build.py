"""Build resources/lay_lexicon.json from the hand-written tables in this folder.

    python models/lay_lexicon/build.py          # writes resources/lay_lexicon.json

The tables (data_*.py) are written by the MedAssist project; nothing is copied from another lexicon.
Checks: no empty plain words, no duplicate head term inside a category, every drug names a known class.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import data_diagnoses  # noqa: E402
import data_drugs  # noqa: E402
import data_other  # noqa: E402

OUT = HERE.parent.parent / "resources" / "lay_lexicon.json"


def _rows(block: str):
    for line in block.strip().splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        parts = [p.strip() for p in line.split("|")]
        while len(parts) < 3:
            parts.append("")
        term, plain, aliases = parts[0], parts[1], parts[2]
        alias_list = [a.strip() for a in aliases.split(";") if a.strip()]
        yield term, plain, alias_list


def build() -> dict:
    entries: list[dict] = []
    for chapter, (rng, title, block) in data_diagnoses.CHAPTERS.items():
        for term, plain, aliases in _rows(block):
            entries.append({"term": term, "plain": plain, "category": "diagnosis", "aliases": aliases,
                            "icd10_chapter": chapter, "icd10_range": rng, "icd10_chapter_title": title})
    for key, (name, plain, _short) in data_drugs.CLASSES.items():
        e = {"term": name, "plain": plain, "category": "drug_class", "aliases": [], "class_key": key}
        if name in data_drugs.FORMS:
            e["plain"] = data_drugs.FORMS[name]["any"]
            e["plain_by_form"] = {k: v for k, v in data_drugs.FORMS[name].items() if k != "any"}
        entries.append(e)
    for term, cls, brands in _rows(data_drugs.DRUGS):
        if cls not in data_drugs.CLASSES:
            raise SystemExit(f"drug {term!r}: unknown class {cls!r}")
        cname, _cplain, short = data_drugs.CLASSES[cls]
        e = {"term": term, "plain": short, "category": "drug", "aliases": brands,
             "drug_class": cname, "class_key": cls}
        forms = data_drugs.FORMS.get(term)
        if forms:  # a multi-form drug: neutral plain words, and words per written form
            e["plain"] = forms["any"]
            e["plain_by_form"] = {k: v for k, v in forms.items() if k != "any"}
            bf = {b: data_drugs.BRAND_FORMS[b.lower()] for b in brands if b.lower() in data_drugs.BRAND_FORMS}
            if bf:
                e["brand_forms"] = bf
        entries.append(e)
    for cat, block in [("test", data_other.TESTS), ("anatomy", data_other.ANATOMY),
                       ("procedure", data_other.PROCEDURES), ("abbreviation", data_other.ABBREVIATIONS)]:
        for term, plain, aliases in _rows(block):
            entries.append({"term": term, "plain": plain, "category": cat, "aliases": aliases})

    seen: set[tuple[str, str]] = set()
    for e in entries:
        if not e["plain"]:
            raise SystemExit(f"{e['category']} {e['term']!r}: empty plain words")
        key = (e["category"], e["term"].lower())
        if key in seen:
            raise SystemExit(f"duplicate {e['category']} term {e['term']!r}")
        seen.add(key)
    counts: dict[str, int] = {}
    for e in entries:
        counts[e["category"]] = counts.get(e["category"], 0) + 1
    return {
        "name": "medassist-lay-lexicon",
        "version": 1,
        "licence": "Apache-2.0 (written by the MedAssist project)",
        "made_by": "models/lay_lexicon/build.py from hand-written tables (see resources/lay_lexicon.README.md)",
        "counts": counts,
        "n_entries": len(entries),
        "n_terms_with_aliases": len(entries) + sum(len(e["aliases"]) for e in entries),
        "entries": entries,
    }


if __name__ == "__main__":
    lex = build()
    OUT.write_text(json.dumps(lex, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {OUT}: {lex['n_entries']} entries ({lex['n_terms_with_aliases']} with aliases) {lex['counts']}")
