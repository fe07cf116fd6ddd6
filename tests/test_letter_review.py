"""Regressions for a clinician's review of drafted letters: one test per finding, on notes written here."""

from __future__ import annotations

import pytest

from medassist.ingest import document_from_text
from medassist.tasks.letter import write_letter
from medassist.tasks.letter_facts import extract_letter_facts


def _letter(note: str, kind: str = "patient"):
    return write_letter(document_from_text(note, source="review.txt"), kind=kind)


def _med(letter, name):
    return next(m for m in letter.facts.medications if m.text.lower() == name)


def _evidence_ok(letter, doc_text):
    for sec in letter.sections:
        for ln in sec.lines:
            for sp in ln.evidence:
                assert doc_text[sp.start:sp.end] == sp.text


SWITCH_NOTES = [
    "Switch ibuprofen to celecoxib 200 mg PO daily due to his stomach upset.",
    "Change ibuprofen to celecoxib 200 mg PO daily due to his stomach upset.",
    "Replace ibuprofen with celecoxib 200 mg PO daily due to his stomach upset.",
    "Ibuprofen was changed to celecoxib 200 mg PO daily due to his stomach upset.",
    "We will switch him from ibuprofen to celecoxib 200 mg PO daily due to his stomach upset.",
]


@pytest.mark.parametrize("plan", SWITCH_NOTES)
def test_switch_one_drug_to_another_is_stop_and_start_with_the_reason(plan):
    note = ("MEDICATIONS\n\nIbuprofen 600 mg PO TID.\n\nASSESSMENT AND PLAN\n\nKnee pain. " + plan + "\n")
    letter = _letter(note)
    assert _med(letter, "ibuprofen").data["change"] == "stop"
    cel = _med(letter, "celecoxib")
    assert cel.data["change"] == "start" and cel.data["dose"] == "200 mg"
    low = letter.text.lower()
    assert "stop taking ibuprofen because of your stomach upset. take celecoxib instead." in low
    assert "start taking celecoxib in place of ibuprofen." in low
    assert "take 200 mg by mouth once a day" in letter.text
    assert "We changed how you take" not in letter.text
    assert letter.warnings == []
    _evidence_ok(letter, letter_doc_text(note))


def letter_doc_text(note):
    return document_from_text(note, source="review.txt").text


def test_change_to_a_dose_is_a_dose_change_not_a_switch():
    note = "ASSESSMENT AND PLAN\n\nHigh cholesterol. Change atorvastatin to 40 mg PO daily.\n"
    letter = _letter(note)
    f = _med(letter, "atorvastatin")
    assert f.data["change"] == "change" and f.data["dose"] == "40 mg" and not f.data.get("switch_with")
    assert "We changed your dose of atorvastatin. The new dose is 40 mg." in letter.text
    gp = _letter(note, "gp")
    assert "Atorvastatin: dose changed to 40 mg" in gp.text


@pytest.mark.parametrize("line, says, never", [
    ("Fluticasone inhaler 1 puff BID.", "a steroid inhaler that calms the airways", "nose spray"),
    ("Fluticasone nasal spray 2 sprays each nostril daily.", "a steroid nose spray", "inhaler"),
    ("Flovent 2 puffs BID.", "a steroid inhaler", "nose spray"),
    ("Albuterol 2.5 mg via nebulizer q4h PRN wheezing.", "breathe in as a mist", "inhaler"),
    ("Albuterol inhaler 2 puffs q4h PRN wheezing.", "a rescue inhaler", "mist"),
    ("Budesonide 9 mg PO daily.", "a steroid pill", "inhaler"),
    ("Triamcinolone 40 mg IM once.", "a steroid shot", "cream"),
    ("Triamcinolone 0.1% cream BID.", "a steroid cream", "shot"),
    ("Nitroglycerin 0.4 mg SL PRN chest pain.", "under your tongue", "patch"),
    ("Nitroglycerin patch 0.4 mg/hr daily.", "skin patch", "tongue"),
    ("Ipratropium nasal spray 2 sprays each nostril BID.", "nose spray", "inhaler"),
    ("Mometasone 1 puff daily.", "a steroid inhaler", "nose spray"),
])
def test_drug_description_respects_the_written_form(line, says, never):
    letter = _letter("MEDICATIONS\n\n" + line + "\n")
    what = [ln.text for sec in letter.sections for ln in sec.lines if ln.text.startswith("It is ")]
    assert what and says in what[0] and never not in what[0], what


def test_drug_with_no_written_form_gets_a_form_neutral_description():
    letter = _letter("ASSESSMENT AND PLAN\n\nAsthma. Continue fluticasone.\n")
    what = [ln.text for sec in letter.sections for ln in sec.lines if ln.text.startswith("It is ")]
    assert what == ["It is a steroid medicine that calms swelling."]


def test_diagnosis_keeps_site_and_side_and_passes_the_fact_check():
    note = ("ASSESSMENT AND PLAN\n\n1. Gout of the right big toe. Colchicine 0.6 mg PO BID.\n"
            "2. The X-ray confirms osteoarthritis of the right hip. Start physical therapy.\n")
    letter = _letter(note)
    assert "Osteoarthritis of the right hip: wear and tear of the joints." in letter.text
    assert "The X-ray confirms" not in letter.text  # a prose sentence is not a problem name
    assert not any("laterality" in w for w in letter.warnings)
    dx = [d.text for d in letter.facts.diagnoses]
    assert "osteoarthritis of the right hip" in dx


def test_diagnosis_item_is_the_first_sentence_only():
    note = ("ASSESSMENT AND PLAN\n\n1. Obesity, BMI 35. Counseled on portion sizes and walking daily.\n"
            "2. Acute kidney injury on chronic kidney disease stage 3, resolved.\n")
    letter = _letter(note)
    dx = [d.text for d in letter.facts.diagnoses]
    assert dx[0] == "Obesity, BMI 35"
    assert "Counseled" not in letter.text.split("What we found:")[1].split("\n\n")[0]
    assert "Acute kidney injury on chronic kidney disease stage 3, resolved" in dx


def test_follow_up_says_what_it_is_for_and_sooner_if_is_a_warning():
    note = ("ASSESSMENT AND PLAN\n\n1. Gastroesophageal reflux disease. Start omeprazole 20 mg PO daily.\n"
            "2. Elevated blood pressure. Recheck in 2 weeks.\n"
            "3. Cellulitis of the left leg. Recheck wound in 3 days.\n"
            "Follow up in 3 months, sooner if the leg becomes more red or painful.\n")
    letter = _letter(note)
    text = letter.text
    assert "Please come back in 2 weeks to check your blood pressure." in text
    assert "Please come back in 3 days to check your wound." in text
    assert "Please come back in 3 months." in text
    assert "Call us sooner if your leg becomes more red or painful." in text
    warn = next(w for w in letter.facts.warnings if "red" in w.text)
    assert warn.data["action"] == "sooner"


def test_affirmed_item_with_an_excluded_diagnosis_is_kept_and_the_excluded_one_is_not():
    note = ("ASSESSMENT AND PLAN\n\n1. Elevated blood pressure without a diagnosis of hypertension. Recheck in 4 weeks.\n"
            "2. Chest pain without evidence of myocardial infarction.\n")
    facts = extract_letter_facts(document_from_text(note))
    terms = [d.data.get("term") for d in facts.diagnoses]
    assert "elevated blood pressure" in terms
    assert "hypertension" not in terms and "myocardial infarction" not in terms
    letter = _letter(note)
    found = letter.text.split("What we found:")[1].split("\n\n")[0]
    assert "Elevated blood pressure" in found and "high blood pressure." not in found


def test_warning_keeps_decimals_and_the_place_to_go():
    note = ("DISCHARGE INSTRUCTIONS\n\nRest at home. Go to the emergency room if you have a fever over 38.3 C, "
            "a heart rate over 120, or fainting. Call 911 if you have chest pain that lasts 5 minutes.\n")
    letter = _letter(note, "discharge")
    assert "Go to the emergency room if you have a fever over 38.3 C, a heart rate over 120, or fainting." in letter.text
    assert "Call 911 if you have chest pain that lasts 5 minutes." in letter.text
    assert letter.warnings == []


def test_no_generic_warning_is_presented_as_from_the_note():
    note = "DISCHARGE INSTRUCTIONS\n\nRest at home.\n\nFOLLOW UP\n\nPrimary care in 1 week.\n"
    for kind in ("patient", "discharge"):
        letter = _letter(note, kind)
        help_lines = next((s.lines for s in letter.sections if s.key == "warnings"), [])
        for ln in help_lines:
            assert ln.template and not ln.evidence  # nothing from the note: only marked template lines
        assert [ln.text for ln in help_lines] == ["If you feel much worse, get help right away."]
        assert "pain gets worse" not in letter.text and "fever or chills" not in letter.text
        d = letter.to_dict()
        lines = next(s for s in d["sections"] if s["key"] == "warnings")["lines"]
        assert all(ln.get("template") for ln in lines)
    assert "Please see your primary care doctor in 1 week." in _letter(note, "discharge").text


def test_aci_review_as_prescribed_is_not_a_start_and_durations_and_conditional_follow_up():
    note = ("PLAN\n\nShe has been compliant with metformin as prescribed. Her sugars are a little high. "
            "She will take Motrin 600 mg every 6 hours for a week. If she does not improve, she will follow up with me.\n")
    letter = _letter(note)
    assert _med(letter, "metformin").data["change"] == "continue"
    assert "Start taking metformin" not in letter.text and "Keep taking metformin." in letter.text
    assert "take 600 mg every 6 hours for a week" in letter.text
    assert "Call us if you do not improve." in letter.text


def test_mcl_strain_is_a_ligament_not_a_muscle():
    letter = _letter("ASSESSMENT AND PLAN\n\n1. Right knee MCL strain.\n- I will place him in a knee brace.\n")
    found = letter.text.split("What we found:")[1].split("\n\n")[0]
    assert "ligament" in found and "muscle" not in found


def test_discharge_letter_details_a_patient_needs():
    note = ("HOSPITAL COURSE:\nPulmonary embolism was ruled out by CT angiography. Chest x-ray showed pneumonia.\n\n"
            "DISCHARGE DIAGNOSES:\n1. Pneumonia, left lower lobe.\n2. Acute kidney injury, resolved.\n\n"
            "DISCHARGE MEDICATIONS:\n1. Doxycycline 100 mg PO BID x 7 days.\nSTOP: Naproxen (kidney function).\n\n"
            "DISCHARGE INSTRUCTIONS:\nReturn to the ED if you have a fever over 38.2 C or trouble breathing.\n\n"
            "FOLLOW-UP:\nRepeat chest x-ray in 6 weeks.\n")
    letter = _letter(note, "discharge")
    t = letter.text
    assert "Acute kidney injury, resolved: kidneys that suddenly stop working well (now better)." in t
    assert "Stop taking naproxen because of your kidney function." in t
    assert "Chest x-ray in 6 weeks:" in t
    assert "CT angiography: a detailed X-ray picture of the blood vessels" in t and "heart's blood vessels" not in t
    assert "Go to the emergency room if you have a fever over 38.2 C or trouble breathing." in t
    assert letter.warnings == []
    gp = _letter(note, "gp").text
    assert "Advised to attend the ED if they have a fever over 38.2 C or trouble breathing." in gp
    assert "Naproxen: stopped (because of kidney function)" in gp


def test_test_keeps_its_site_and_side():
    letter = _letter("RESULTS\n\nX-ray of the right ankle shows no fracture.\n\nASSESSMENT AND PLAN\n\nAnkle sprain.\n")
    assert "X-ray of the right ankle: a picture of the inside of the body." in letter.text
    assert letter.warnings == []


def test_talk_about_a_condition_is_not_a_diagnosis_and_maybe_care_is_not_planned():
    note = ("ASSESSMENT AND PLAN\n\n1. Tick bite.\n- My concern is that he might have Lyme disease.\n"
            "- I explained that Lyme disease can cause problems with other organs. I asked him to watch for diarrhea.\n"
            "- Prescription for doxycycline 100 mg twice a day for 3 weeks provided.\n"
            "2. Suspected etiology of anxiety with or without reflux.\n"
            "3. Kidney stone. If he still has symptoms, we will discuss treatment such as lithotripsy. "
            "A urinalysis will be ordered.\n")
    letter = _letter(note)
    dx = [d.text.lower() for d in letter.facts.diagnoses]
    assert "tick bite" in dx and "kidney stone" in dx
    assert not any("lyme" in d or "diarrhea" in d or "anxiety" in d for d in dx), dx
    assert [p.text.lower() for p in letter.facts.procedures] == []
    assert [t.text.lower() for t in letter.facts.tests if t.status == "pending"] == ["urinalysis"]
    assert "Start taking doxycycline." in letter.text


def test_follow_up_purpose_reads_well_and_creams_are_applied():
    note = ("PLAN\n\nPsoriasis. Prescription for clobetasol 0.05% solution twice daily provided.\n\n"
            "INSTRUCTIONS\n\nI would like to see him again in 2 weeks to discuss how things are going.\n")
    letter = _letter(note)
    assert "Please come back in 2 weeks to discuss how things are going." in letter.text
    assert "apply the 0.05% solution twice a day" in letter.text and "take the 0.05%" not in letter.text


def test_gp_letter_says_what_a_recheck_is_for_and_no_old_dose_on_a_stop():
    note = ("MEDICATIONS\n\nIbuprofen 600 mg PO TID.\nFluticasone inhaler 2 puffs BID.\n\nASSESSMENT AND PLAN\n\n"
            "1. Elevated blood pressure. Recheck in 2 weeks.\n2. Knee pain. Change ibuprofen to acetaminophen 500 mg PO TID.\n")
    gp = _letter(note, "gp").text
    assert "Recheck in 2 weeks (blood pressure)." in gp
    assert "Ibuprofen: stopped, replaced by acetaminophen." in gp and "600 mg" not in gp
    assert "Fluticasone; 2 puffs, twice a day." in gp


def test_dose_change_from_to_gives_the_new_dose_in_the_instructions_and_should_he_is_a_warning():
    note = ("ASSESSMENT AND PLAN\n\nHypertension.\n- Increase lisinopril from 10 mg to 20 mg a day.\n"
            "Heart failure.\n- He will contact me should he continue to have any shortness of breath.\n")
    letter = _letter(note)
    assert "The new dose is 20 mg." in letter.text and "take 20 mg once a day" in letter.text
    assert "10 mg" not in letter.text
    assert "Call us if you continue to have any shortness of breath." in letter.text


def test_a_choice_is_not_a_warning_sign():
    note = "ASSESSMENT AND PLAN\n\nDepression.\n- I encouraged him to contact me should he want to try medication.\n"
    letter = _letter(note)
    assert letter.facts.warnings == []
    assert "try medication" not in letter.text


def test_short_problem_name_opening_a_prose_line_is_kept_and_past_switches_are_the_current_regimen():
    note = ("ASSESSMENT AND PLAN\n\nElevated blood pressure. Blood pressure is elevated today, without a diagnosis of "
            "hypertension, and we talked about salt in the diet at some length today. We will recheck it.\n"
            "Heart failure. We had changed her furosemide to torsemide at 20 mg by mouth daily. She feels better.\n")
    letter = _letter(note)
    terms = [d.data.get("term") for d in letter.facts.diagnoses]
    assert "elevated blood pressure" in terms and "hypertension" not in terms
    assert "You are not taking furosemide." in letter.text and "Keep taking torsemide." in letter.text
    assert "Stop taking furosemide" not in letter.text
