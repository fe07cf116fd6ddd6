"""Letter regressions from the UI review: a brand with its dosage-form word ("Prevacid SoluTab", "Lantus
SoloStar") is one medicine, and a drug given in hospital only, left out of the medicines to take on purpose,
is not a missing fact nor a missing dose. Notes written for these tests."""

from __future__ import annotations

from medassist.ingest import document_from_text
from medassist.tasks.letter import write_letter
from medassist.tasks.letter_check import check_letter
from medassist.tasks.letter_facts import extract_letter_facts

FORMS = """HISTORY OF PRESENT ILLNESS:
A 58-year-old woman seen for reflux and diabetes.

MEDICATIONS:
1. Prevacid SoluTab 30 mg daily
2. Lantus SoloStar 20 units at bedtime
3. Novolog FlexPen 4 units with meals

PLAN:
Continue her current medicines. Follow up in 3 months.
"""

HOSPITAL = """DISCHARGE SUMMARY

HOSPITAL COURSE:
The patient is a 67-year-old man admitted with community-acquired pneumonia. He was treated with IV fluids and
antibiotics and improved.

MEDICATIONS:
1. Vancomycin 1 g IV q12h
2. Prevacid SoluTab 30 mg daily

DISCHARGE MEDICATIONS:
1. Amoxicillin 500 mg PO TID for 5 days

ALLERGIES: No known drug allergies.
"""


def _med_names(doc):
    return [f.text for f in extract_letter_facts(doc).medications]


def test_brand_and_dosage_form_word_are_one_medicine():
    doc = document_from_text(FORMS)
    names = _med_names(doc)
    assert "Prevacid SoluTab" in names and "Lantus SoloStar" in names and "Novolog FlexPen" in names
    assert not {"SoluTab", "SoloStar", "FlexPen"} & set(names)
    letter = write_letter(doc, "patient")
    assert "SoluTab." not in letter.text.replace("Prevacid SoluTab.", "")  # never a medicine of its own
    assert "Prevacid SoluTab" in letter.text and "30 mg" in letter.text
    assert not letter.warnings
    assert not [m for m in letter.missing if m["kind"] == "medication"]
    for f in extract_letter_facts(doc).medications:
        for sp in f.evidence:
            assert doc.text[sp.start:sp.end] == sp.text


def test_hospital_only_drug_is_not_missing_nor_a_missing_dose():
    doc = document_from_text(HOSPITAL)
    for kind in ("patient", "discharge"):
        letter = write_letter(doc, kind)
        vanc = [f for f in letter.facts.medications if f.text == "Vancomycin"]
        assert vanc and vanc[0].data["change"] == "in_hospital"
        assert "Take vancomycin" not in letter.text and "1 g" not in letter.text
        assert not [m for m in letter.missing if m.get("name") == "Vancomycin"], letter.missing
        assert [(m["name"], m["status"]) for m in letter.left_out] == [("Vancomycin", "in_hospital")]
        assert "hospital" in letter.left_out[0]["reason"] and letter.to_dict()["left_out"] == letter.left_out
        assert not [m for m in letter.missing if m.get("what_is_missing") == "dose"
                    and m.get("change") in ("in_hospital", "hospital_list")]


def test_check_letter_still_reports_a_hospital_drug_a_gp_letter_leaves_out_and_a_home_dose_left_out():
    doc = document_from_text(HOSPITAL)
    facts = extract_letter_facts(doc)
    text = "Please take Amoxicillin three times a day for 5 days."
    _, missing = check_letter(text, doc, facts, kind="gp")
    assert any(m.get("name") == "Vancomycin" for m in missing)
    _, missing = check_letter(text, doc, facts, kind="patient")
    assert not any(m.get("name") == "Vancomycin" for m in missing)
    assert any(m.get("name") == "Amoxicillin" and m.get("what_is_missing") == "dose" for m in missing)


def test_the_scope_of_an_endoscopy_is_not_an_arthroscopy():
    from medassist.text.lay import get_lexicon

    lex = get_lexicon()
    assert not [h for h in lex.find("The scope was advanced into the esophagus.") if h.term == "arthroscopy"]
    assert [h.term for h in lex.find("She had a right knee scope in 2019.") if h.category == "procedure"] == ["arthroscopy"]
    doc = document_from_text("PROCEDURE:\nUpper endoscopy with removal of food impaction.\n\nDESCRIPTION:\nThe scope was "
                             "advanced into the esophagus and the food bolus was removed.\n")
    assert "joint" not in write_letter(doc, "patient").text
