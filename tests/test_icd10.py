"""The compiled ICD-10-CM April-2026 code set (medassist.icd10)."""
from __future__ import annotations

import gzip
import json

import pytest

from medassist import icd10
from medassist.config import resource_path


def test_lookup_normalises_and_describes():
    e = icd10.lookup("e11.9")
    assert e is not None and e.code == "E11.9"
    assert e.description == "Type 2 diabetes mellitus without complications"
    assert e.billable and e.chapter == "4" and e.block == "E08-E13"
    assert icd10.lookup("E119").code == "E11.9"
    assert icd10.lookup("ZZZ.9") is None
    assert icd10.lookup("") is None


def test_headers_are_not_billable_and_children_are():
    assert not icd10.is_billable("E11")
    assert "E11.9" in icd10.billable_children("E11")
    assert all(icd10.is_billable(c) for c in icd10.billable_children("I21"))
    assert icd10.is_billable("I10")


def test_seventh_character_rules():
    assert icd10.requires_seventh("S72.001")
    assert not icd10.is_billable("S72.001")
    full = icd10.lookup("S72.001A")
    assert full is not None and full.billable and "initial encounter" in full.description
    assert icd10.with_seventh("T81.40") == "T81.40XA"  # placeholder X added
    assert icd10.lookup("T81.40XA").billable
    assert icd10.lookup("S72.001Z") is None  # not a defined 7th character
    assert icd10.lookup("E11.9A") is None  # E11.9 takes no 7th character


def test_excludes1_conflict_and_notes():
    conflicts = icd10.excludes1_conflicts(["E11.9", "E10.9", "I10"])
    pairs = {(a, b) for a, b, _ in conflicts}
    assert ("E11.9", "E10.9") in pairs and ("E10.9", "E11.9") in pairs
    assert not any("I10" in p for p in pairs)
    assert icd10.excludes1_conflicts(["E11.9", "I10"]) == []
    # etiology / manifestation notes are inherited from the category
    assert any("underlying" in n.lower() for n in icd10.lookup("G63").code_first)
    assert icd10.lookup("E11.9").use_additional
    # a block's and a chapter's instructional notes hold for every code in them, after the code's own
    assert any("B95-B97" in n for n in icd10.lookup("L03.116").use_additional)  # block L00-L08
    assert any("Z3A" in n for n in icd10.lookup("O24.419").use_additional)  # chapter 15
    assert icd10.lookup("I12.9").use_additional[0].startswith("code to identify the stage")  # its own note first
    assert not any("B95-B97" in n for n in icd10.lookup("J18.9").use_additional)


def test_coding_notes_keep_their_lead_in_with_the_items_under_it():
    from medassist.tasks.code import _notes

    notes = _notes(icd10.lookup("I10").use_additional)
    assert len(notes) == 1 and notes[0].startswith("code to identify: ") and "tobacco dependence (F17.-)" in notes[0]
    assert notes[0].endswith("and 1 more")  # five items, four shown
    t = _notes(icd10.lookup("T39.1X1A").use_additional)  # a note of its own after a list is not one of its items
    assert t[0].startswith("code(s) to specify: manifestations of poisoning") and "Z18" not in t[0]
    assert any(n.startswith("code to identify any retained foreign body") for n in t)


def test_a_code_that_names_the_resistance_is_not_asked_for_its_resistance_code():
    from medassist.tasks.code import CodeSuggestion, validate

    mrsa = CodeSuggestion("B95.62", "MRSA", 0.9, True, "affirmed", True, [], [])
    ecoli = CodeSuggestion("B96.20", "E. coli", 0.9, True, "affirmed", True, [], [])
    validate([mrsa, ecoli])
    assert not any("Z16" in w for w in mrsa.warnings)  # guideline I.C.1.e
    assert any("Z16" in w for w in ecoli.warnings)  # the chapter's note: code the resistance when there is one


def test_code_set_counts_match_the_cdc_code_list():
    """Codes of the CDC code list (categories and 7th-character codes included) resolve (every 5th, for time)."""
    simple = pytest.importorskip("simple_icd_10_cm")
    from pathlib import Path

    data = Path(simple.__file__).parent / "data"
    lists = sorted(data.glob("code-list-*.txt"))
    if not lists:
        pytest.skip("no code list in simple-icd-10-cm")
    codes = [c.strip() for c in lists[-1].read_text().split() if c.strip() and c.strip()[0].isalpha() and "-" not in c]
    missing = [c for c in codes[::5] if not icd10.is_valid(c)]
    assert len(codes) > 90000 and missing == []


def test_resource_is_compact_and_versioned():
    path = resource_path("icd10cm/tabular.json.gz")
    assert path.stat().st_size < 6_000_000
    with gzip.open(path) as fh:
        data = json.load(fh)
    assert data["version"] == "2026-04" and len(data["codes"]) > 40000
    assert data["source"]["file"].startswith("icd10c")
