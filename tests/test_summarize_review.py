"""Summary regressions from the UI review: an IV medicine of a medication list is given in hospital (unless the
note says IV treatment goes on at home), the plan grouped by problem is in ``Summary.to_dict()``, and a plan
mention that repeats a listed medicine is not a second medicine. Notes written for these tests."""

from __future__ import annotations

from medassist.ingest import document_from_text
from medassist.tasks.extract import drug_lexicon, extract_facts
from medassist.tasks.summarize import summarize

PNEUMONIA = """DISCHARGE SUMMARY

HOSPITAL COURSE:
The patient is a 67-year-old man admitted with community-acquired pneumonia. He was treated with IV fluids and antibiotics and improved.

ASSESSMENT AND PLAN:
1. Pneumonia.
Will continue antibiotics. Repeat chest x-ray in 6 weeks.
2. Gastroesophageal reflux.
Continue Prevacid SoluTab daily. Avoid late meals.

MEDICATIONS:
1. Vancomycin 1 g IV q12h
2. Prevacid SoluTab 30 mg daily
3. Lisinopril 10 mg PO daily

ALLERGIES: No known drug allergies.

FOLLOW UP: Follow up with primary care in 1 week.
"""

HOME_IV = """DISCHARGE SUMMARY

HOSPITAL COURSE:
The patient was admitted with MRSA osteomyelitis of the left foot. She will continue IV vancomycin at home through home health.

DISCHARGE MEDICATIONS:
1. Vancomycin 1 g IV q12h via PICC for 6 weeks
2. Metoprolol 25 mg PO BID
"""

INPATIENT_LIST = """DISCHARGE SUMMARY

HOSPITAL COURSE:
Admitted with a CHF exacerbation and diuresed.

INPATIENT MEDICATIONS:
1. Pantoprazole 40 mg PO daily
2. Furosemide 40 mg IV BID

DISCHARGE MEDICATIONS:
1. Furosemide 40 mg PO daily
2. Aspirin 81 mg PO daily
"""

OLD_KEYS = {"length", "method", "selection", "synopsis", "problems", "medications", "hospital_medications", "allergies",
            "key_results", "procedures", "plan", "follow_up", "return_precautions", "models", "warnings", "elapsed_ms"}


def _summary(text: str, length: str = "standard"):
    doc = document_from_text(text)
    return doc, summarize(doc, length, use_embeddings=False).to_dict()


def _names(items):
    return [i["fields"]["name"] for i in items if i.get("fields", {}).get("name")]


def test_listed_iv_antibiotic_is_given_in_hospital_not_a_home_medicine():
    doc, d = _summary(PNEUMONIA)
    assert "Vancomycin" not in _names(d["medications"])
    hosp = {i["fields"]["name"]: i for i in d["hospital_medications"]}
    assert hosp["Vancomycin"]["fields"]["setting"] == "inpatient"
    assert hosp["Vancomycin"]["text"] == "Vancomycin 1 g IV q12h"
    # the oral medicines of the same list stay medicines to take
    assert {"Lisinopril"} <= set(_names(d["medications"]))
    for it in d["medications"] + d["hospital_medications"]:
        for sp in it["evidence"]:
            assert doc.text[sp["start"]:sp["end"]] == sp["text"]


def test_every_drug_of_an_inpatient_list_and_any_iv_route_is_given_in_hospital():
    facts = extract_facts(document_from_text(INPATIENT_LIST))
    by = {(m.name, m.route, m.section): m.setting for m in facts.medications}
    assert by[("Pantoprazole", "PO", "medications")] == "inpatient"  # listed under INPATIENT MEDICATIONS
    assert by[("Furosemide", "IV", "medications")] == "inpatient"
    assert by[("Furosemide", "PO", "discharge_medications")] == "discharge"
    assert by[("Aspirin", "PO", "discharge_medications")] == "discharge"


def test_home_iv_wording_keeps_the_iv_medicine_with_a_note():
    doc, d = _summary(HOME_IV)
    meds = {i["fields"]["name"]: i for i in d["medications"]}
    vanc = meds["Vancomycin"]["fields"]
    assert vanc["setting"] == "discharge"
    assert "IV medicine" in vanc["setting_note"] and "at home" in vanc["setting_note"]
    cue = vanc["spans"]["setting_note"]
    assert doc.text[cue["start"]:cue["end"]] == cue["text"] and cue["text"] in vanc["setting_note"]
    assert any(w.startswith("Vancomycin: an IV medicine") for w in d["warnings"])
    assert not d["hospital_medications"]
    # the same list without the home-IV wording: given in hospital
    plain = HOME_IV.replace(" She will continue IV vancomycin at home through home health.", "").replace(" via PICC", "")
    _, d2 = _summary(plain)
    assert [i["fields"]["name"] for i in d2["hospital_medications"]] == ["Vancomycin"]
    assert not any("setting_note" in i["fields"] for i in d2["medications"])


def test_negated_home_iv_wording_is_not_a_reason_to_keep_it():
    text = HOME_IV.replace("She will continue IV vancomycin at home through home health.",
                           "She does not need home IV therapy.").replace(" via PICC", "")
    _, d = _summary(text)
    assert [i["fields"]["name"] for i in d["hospital_medications"]] == ["Vancomycin"]


def test_plan_by_problem_groups_the_plan_items_under_their_problem():
    doc, d = _summary(PNEUMONIA)
    assert OLD_KEYS <= set(d) and "plan_by_problem" in d
    groups = d["plan_by_problem"]
    assert [g["problem"]["text"] for g in groups] == ["Pneumonia", "Gastroesophageal reflux"]
    for g in groups:
        p = g["problem"]
        assert doc.text[p["start"]:p["end"]] == p["text"]
    assert [i["text"] for i in groups[0]["items"]] == ["Will continue antibiotics"]
    assert [i["text"] for i in groups[1]["items"]] == ["Continue Prevacid SoluTab daily", "Avoid late meals"]
    # the same items as the flat plan, in the same order
    assert [i for g in groups for i in g["items"]] == d["plan"]


def test_plan_by_problem_without_headings_is_one_group_with_no_problem():
    text = "HPI:\nA 40-year-old woman with a sore throat for two days.\n\nPLAN:\nStart amoxicillin 500 mg twice a day. Drink fluids and rest.\n"
    _, d = _summary(text)
    assert len(d["plan_by_problem"]) == 1 and d["plan_by_problem"][0]["problem"] is None
    assert d["plan_by_problem"][0]["items"] == d["plan"]


def test_a_plan_mention_that_repeats_a_listed_medicine_is_not_a_second_medicine():
    _, d = _summary(PNEUMONIA)
    assert [i["text"] for i in d["medications"] if i["fields"].get("name", "").startswith("Prevacid")] == [
        "Prevacid SoluTab 30 mg daily"]


def test_brand_and_dosage_form_are_one_drug_name():
    lex = drug_lexicon()
    text = "Prevacid SoluTab 30 mg daily. Toprol XL 50 mg daily. Advair Diskus 250/50 one puff. Prevacid dr 15 mg."
    hits = lex.find(text)
    names = [text[h.start:h.end] for h in hits]
    assert names[:3] == ["Prevacid SoluTab", "Toprol XL", "Advair Diskus"]
    assert names[3:] == ["Prevacid"]  # a two-letter form word counts only as written in capitals
    assert hits[0].key == "prevacid" and hits[2].key == "advair"  # the lexicon entry, the form word added to the span only
