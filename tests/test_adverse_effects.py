"""A drug the note names as the cause of a current condition: its adverse-effect code from the Table of Drugs and
Chemicals (coding_safety.adverse_effects; resources/icd10cm/drug_table.json and drug_classes.json)."""
from __future__ import annotations

import json

import pytest

from medassist import icd10
from medassist.config import resource_path
from medassist.ingest import document_from_text
from medassist.tasks.code import code_document, get_coder
from script_modules import load_script


@pytest.fixture(scope="module")
def coder():
    return get_coder()


def _suggested(coder, text):
    return {c.code: c for c in code_document(document_from_text(text), coder=coder).codes if c.suggested}


@pytest.mark.parametrize("text,want", [
    # the effect coded as a drug's (drug_classes.json "manifestations"): a drug rash is L27.0, not R21
    ("Assessment: Rash due to amoxicillin.", {"T36.0X5A", "L27.0"}),
    ("Assessment: Hypotension due to lisinopril.", {"T46.4X5A", "I95.2"}),
    ("Assessment: Constipation due to oxycodone.", {"T40.2X5A", "K59.03"}),
    ("Assessment: Hives due to amoxicillin.", {"T36.0X5A", "L50.0"}),
    ("Assessment: Hypoglycemia due to insulin.", {"T38.3X5A", "E16.0"}),
    ("Assessment: 1. Hypokalemia due to hydrochlorothiazide. 2. Hypertension.", {"T50.2X5A", "E87.6", "I10"}),
    ("Assessment: Hyperglycemia secondary to prednisone 40 mg daily.", {"T38.0X5A", "R73.9"}),
    ("She developed a rash due to amoxicillin.", {"T36.0X5A"}),
    ("Assessment: Adverse reaction to lisinopril with angioedema.", {"T46.4X5A"}),
    # a drug written before the effect, one word with it to the drug lexicon; a brand through its generic; a class
    ("Assessment: Lisinopril-induced angioedema.", {"T46.4X5A"}),
    ("Assessment: Lipitor-induced myalgia.", {"T46.6X5A", "M79.10"}),  # atorvastatin: no row, its class's
    ("Assessment: Statin-induced myopathy.", {"T46.6X5A", "G72.0"}),
    # an aromatase inhibitor: no row of its own; an antiestrogen (T38.6-), as the class words are
    ("Assessment: Arthralgia due to anastrozole.", {"T38.6X5A", "M25.50"}),
    ("Assessment: Hot flashes due to Femara.", {"T38.6X5A"}),  # letrozole
    ("Assessment: Arthralgia due to aromatase inhibitor.", {"T38.6X5A", "M25.50"}),
    ("Assessment: NSAID-induced gastritis.", {"T39.395A"}),
    ("Assessment: Nausea related to chemotherapy.", {"T45.1X5A", "R11.0"}),
    ("Assessment: Cough due to ACE inhibitor. Switched from lisinopril to losartan.", {"T46.4X5A"}),
    ("Assessment: Bleeding due to apixaban.", {"T45.515A"}),
    ("IMPRESSION: Acute dystonic reaction secondary to metoclopramide.", {"T45.0X5A", "G24.02"}),
    ("ASSESSMENT:\n1. Hypokalemia secondary to HCTZ.\n2. Essential hypertension.", {"T50.2X5A", "E87.6", "I10"}),
    ("ASSESSMENT: Oral thrush secondary to inhaled fluticasone.", {"T38.0X5A", "B37.0"}),
])
def test_a_drug_named_as_the_cause_gets_its_adverse_effect_code(coder, text, want):
    got = _suggested(coder, text)
    assert want <= set(got), sorted(got)
    for code in want:
        if code.startswith("T"):
            c = got[code]
            assert c.status == "affirmed" and c.evidence
            said = [w for w in c.warnings if "I.C.19.e.5.a" in w]
            assert said and "Table of Drugs and Chemicals" in said[0]
    assert len([c for c in got if c[:3] >= "T36" and c[:3] <= "T50"]) == 1
    drug_caused = {"L27.0": "R21", "G72.0": "G72.9", "I95.2": "I95.9", "K59.03": "K59.00", "L50.0": "L50.9",
                   "E16.0": "E16.2"}
    assert not {drug_caused[c] for c in want if c in drug_caused} & set(got)  # not also the unspecified effect


def test_an_effect_in_another_sentence_is_not_made_a_drugs(coder):
    got = _suggested(coder, "Assessment: Fever. Rash due to amoxicillin.")
    assert {"R50.9", "L27.0", "T36.0X5A"} <= set(got) and "R50.2" not in got


def test_an_effect_named_elsewhere_too_is_the_drugs_where_the_drug_is_named_its_cause(coder):
    """The rash of the chief complaint and the HPI is the one the assessment puts down to amoxicillin: L27.0, no R21."""
    note = ("CHIEF COMPLAINT: Rash.\nHPI: 34-year-old woman started amoxicillin 5 days ago for sinusitis and developed a "
            "diffuse itchy rash yesterday.\nASSESSMENT:\n1. Generalized rash due to amoxicillin.\n2. Acute sinusitis.\n")
    got = _suggested(coder, note)
    assert {"L27.0", "T36.0X5A", "J01.90"} <= set(got) and "R21" not in got, sorted(got)


@pytest.mark.parametrize("text,never", [
    ("Discussed possible side effects of metformin, including diarrhea.", "T38.3X5A"),  # talked about
    ("ALLERGIES: Penicillin (rash).", "T36.0X5A"),  # an allergy listed: Z88.0
    ("History of rash due to penicillin as a child.", "T36.0X5A"),  # past
    ("No rash due to amoxicillin.", "T36.0X5A"),  # negated
    ("Her mother had a rash due to penicillin.", "T36.0X5A"),  # a relative's
    ("Assessment: Anemia due to iron deficiency.", "T45.4X5A"),  # iron the nutrient
    ("Hyponatremia was diagnosed, probably secondary to sertraline.", "T43.225A"),  # suspected
    ("He did not want any steroid due to a reaction to dexamethasone that causes his heart to race.", "T38.0X5A"),
    ("Assessment: Acetaminophen overdose, somnolence due to acetaminophen.", "T39.1X5A"),  # a poisoning
    ("She continued azathioprine 150 mg/day since 2005 due to corticosteroids.", "T38.0X5A"),  # a reason to treat
])
def test_no_adverse_effect_code_for_what_is_no_current_adverse_effect(coder, text, never):
    assert never not in _suggested(coder, text)


def test_every_class_row_is_a_row_of_the_table_with_a_code():
    """Each row drug_classes.json names is a row of the table: a medicine's with a billable adverse-effect code, a
    poison's (carbon monoxide) with a billable accidental-poisoning one."""
    table = json.loads(resource_path("icd10cm/drug_table.json").read_text(encoding="utf-8"))
    adverse, accidental = table["columns"].index("adverse effect"), 0
    rows = {tuple(p): c for p, c in table["rows"]}
    classes = json.loads(resource_path("icd10cm/drug_classes.json").read_text(encoding="utf-8"))
    paths = list(classes["generics"].values()) + [p for _, p in classes["classes"]]
    assert len(paths) > 50
    for path in paths:
        cells = rows.get(tuple(path))
        assert cells, path
        col = adverse if cells[adverse] else accidental
        assert col == adverse or path == ["Carbon", "monoxide"], path
        head, _, tail = cells[col].partition(".")
        entry = icd10.lookup(f"{head}.{tail.ljust(3, 'X')}A")
        assert entry is not None and entry.billable, path
        assert ("Adverse effect" if col == adverse else "accidental") in entry.description, path


def test_the_drug_table_resource_is_the_cms_table(shared_data):
    """resources/icd10cm/drug_table.json is what models/icd10cm/build_codeset.py compiles from the CMS XML."""
    build = load_script("models/icd10cm/build_codeset.py", "build_codeset_recipe")
    xml = shared_data / "icd10cm" / "cms-april-2026-xml" / "icd10cm-drug-April-1-2026-XML.xml"
    rows = build.compile_drug_table(xml)
    shipped = json.loads(resource_path("icd10cm/drug_table.json").read_text(encoding="utf-8"))
    assert shipped["columns"] == build.DRUG_COLS and shipped["rows"] == rows
    assert ["Lisinopril"] in [r[0] for r in rows] and len(rows) > 7000


@pytest.mark.parametrize("text,want", [
    ("Assessment: Overdose of sertraline.", {"T43.221A"}),  # no intent stated: accidental (I.C.19.e.5.b)
    ("Intentional overdose of acetaminophen and ibuprofen.", {"T39.1X2A", "T39.312A"}),  # each drug, self-harm
    # two antidepressants of one category: two codes (an SSRI is no 'less specific' SNRI)
    ("ASSESSMENT: Intentional overdose of sertraline and trazodone.", {"T43.222A", "T43.212A"}),
    ("Assessment: Accidental ingestion of his grandmother's metoprolol.", {"T44.7X1A"}),  # a relative's pills
    ("She took a handful of her alprazolam pills in a suicide attempt.", {"T42.4X2A"}),
    ("Assessment: Opioid overdose.", {"T40.2X1A"}),  # a class
    ("Assessment: Heroin overdose.", {"T40.1X1A"}),  # no medicine: the table's own words
    ("Assessment: Fentanyl overdose, intentional.", {"T40.412A"}),
    ("Assessment: Lead poisoning.", {"T56.0X1A"}),
    ("Assessment: Carbon monoxide poisoning.", {"T58.91XA"}),  # two words of the table (drug_classes.json)
    # words the drug lexicon holds back in prose (a substance of abuse, a nutrient) are poisons after a poisoning cue;
    # the learned tables' other row for the same words (cocaine as a local anesthetic, T41.3X1A) goes
    ("Assessment: Cocaine overdose.", {"T40.5X1A"}),
    ("Assessment: Iron overdose in a toddler.", {"T45.4X1A"}),
    # a poisoning coded as self-harm is the suicide attempt's code: no T14.91XA beside it
    ("Patient presents after ingesting approximately 30 tablets of acetaminophen in a suicide attempt.", {"T39.1X2A"}),
])
def test_a_poisoning_is_coded_by_substance_and_stated_intent(coder, text, want):
    got = _suggested(coder, text)
    assert want <= set(got), sorted(got)
    for code in want:
        assert any("I.C.19.e.5.b" in w for w in got[code].warnings) and got[code].evidence
    assert not any(c.startswith(("T65.9", "T50.90", "T14.91")) for c in got), sorted(got)  # the substance is named
    assert not any(c[:3] >= "T36" and c[:3] <= "T50" and c[6:7] == "5" for c in got)  # no adverse effect too
    poisons = {c for c in got if "T36" <= c[:3] <= "T65"}
    assert poisons == {c for c in want if "T36" <= c[:3] <= "T65"}, sorted(poisons)  # no other row's guess


def test_a_suicide_attempt_with_no_method_named_keeps_its_code(coder):
    assert "T14.91XA" in _suggested(coder, "Assessment: Suicide attempt. Depression.")


@pytest.mark.parametrize("text", [
    "Prescribed naloxone given the risk of opioid overdose.",
    "History of heroin overdose in 2019.",
    "Denies overdose of any medication.",
    "This will lead to poisoning if untreated.",
    "Her brother died of a heroin overdose.",
    "Assessment: Cocaine use. Chest pain.",
    "Assessment: Iron deficiency anemia due to menorrhagia.",
])
def test_no_poisoning_code_for_one_talked_about_past_negated_or_a_relatives(coder, text):
    got = _suggested(coder, text)
    assert not any(c[:1] == "T" and ("T36" <= c[:3] <= "T65") for c in got), sorted(got)


def test_the_drug_table_is_read_only_when_a_note_names_a_drug_as_a_cause_or_a_poison(coder):
    """The Table of Drugs (0.6 MB of JSON, ~50 ms) stays unread for a note that names no drug as a cause or a poison,
    so the first codes of such a note do not wait for it."""
    from medassist.tasks import coding_safety

    coding_safety._drug_table.cache_clear()
    code_document(document_from_text("Assessment: Hypertension due to renal artery stenosis, on lisinopril."),
                  coder=coder)
    assert coding_safety._drug_table.cache_info().currsize == 0
    assert "T36.0X5A" in _suggested(coder, "Assessment: Rash due to amoxicillin.")
    assert coding_safety._drug_table.cache_info().currsize == 1
