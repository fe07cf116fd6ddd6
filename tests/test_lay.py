"""Lay lexicon: size and shape, rebuilt from its tables, finders and jargon."""

from __future__ import annotations

import json

import pytest

from medassist.config import resource_path
from medassist.errors import TaskError
from medassist.text.lay import get_lexicon
from script_modules import load_script


def test_lexicon_size_categories_and_chapters():
    lex = get_lexicon()
    assert len(lex) >= 1000
    cats = {e["category"] for e in lex.entries}
    assert {"diagnosis", "drug", "drug_class", "test", "anatomy", "abbreviation", "procedure"} <= cats
    chapters = {e["icd10_chapter"] for e in lex.entries if e["category"] == "diagnosis"}
    assert len(chapters) >= 20  # grouped by ICD-10-CM chapter
    for e in lex.entries:
        assert e["term"].strip() and e["plain"].strip(), e
        if e["category"] == "drug":
            assert e["drug_class"]


def test_json_is_what_the_build_script_writes():
    mod = load_script("models/lay_lexicon/build.py", "lay_build")
    built = mod.build()
    on_disk = json.loads(resource_path("lay_lexicon.json").read_text(encoding="utf-8"))
    assert built == on_disk, "resources/lay_lexicon.json is stale: run models/lay_lexicon/build.py"


def test_lookup_plain_words():
    lex = get_lexicon()
    assert lex.plain("hypertension") == "high blood pressure"
    assert lex.plain("HTN") == "high blood pressure"
    assert lex.lookup("Lasix")["term"] == "furosemide"
    assert lex.lookup("echo")["category"] == "test"
    assert lex.lookup("no such term here") is None
    # a head term wins over the same word listed as another entry's alias
    assert lex.plain("arthritis") == "swelling and pain in a joint"
    assert [h.plain for h in lex.find("arthritis")] == ["swelling and pain in a joint"]


def test_find_longest_match_and_offsets():
    lex = get_lexicon()
    text = "Known congestive heart failure and type 2 diabetes; echo ordered."
    hits = lex.find(text)
    got = [(h.text, h.term) for h in hits]
    assert ("congestive heart failure", "heart failure") in got
    assert ("type 2 diabetes", "type 2 diabetes") in got
    assert ("echo", "echocardiogram") in got
    for h in hits:
        assert text[h.start:h.end] == h.text


def test_capital_abbreviations_match_case_sensitively():
    lex = get_lexicon()
    assert [h.term for h in lex.find("HTN, stable.")] == ["hypertension"]
    assert lex.find("let us know or call") == []  # 'US' (ultrasound) and 'OR' must not match lower-case words


def test_find_drugs_lexicon_stem_and_dose_pattern():
    lex = get_lexicon()
    text = "Started lisinopril and Zestril; trial of fakoprazole; Zyntrava 20 mg daily; dose 40 mg."
    hits = {h.text: h.source for h in lex.find_drugs(text)}
    assert hits["lisinopril"] == "lexicon" and hits["Zestril"] == "lexicon"
    assert hits["fakoprazole"] == "suffix"
    assert hits["Zyntrava"] == "dose-pattern"
    assert "dose" not in hits


def test_jargon_flags_hard_terms_with_plain_alternative():
    lex = get_lexicon()
    text = "You have HTN.\nYou had an echocardiogram: an ultrasound of the heart.\nTake lisinopril."
    jar = {j["text"]: j for j in lex.jargon(text)}
    assert jar["HTN"]["plain"] == "high blood pressure" and not jar["HTN"]["explained"]
    assert jar["echocardiogram"]["explained"] is True
    assert "lisinopril" not in jar  # drug names stay as written


def test_bad_lexicon_file_is_a_typed_error(tmp_path):
    bad = tmp_path / "lex.json"
    bad.write_text("{not json", encoding="utf-8")
    with pytest.raises(TaskError) as exc:
        get_lexicon(str(bad))
    assert str(bad) in str(exc.value)
    bad.write_text('{"entries": 3}', encoding="utf-8")
    with pytest.raises(TaskError):
        get_lexicon(str(bad))
