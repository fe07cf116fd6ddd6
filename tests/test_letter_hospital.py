"""Letters from hospital-stay notes written for these tests: drugs given in hospital are never "Take X",
discharge medicines in prose are kept, headers the sectionizer misses are read, conditional and
result-pending tests, clinician-to-clinician lines left out of patient letters."""

from __future__ import annotations

import re

from medassist.config import Settings
from medassist.ingest import document_from_text
from medassist.tasks.letter import write_letter
from medassist.tasks.letter_facts import extract_letter_facts, refine_sections

INPATIENT = """HISTORY OF PRESENT ILLNESS:
The patient is a 40-year-old woman admitted with a fish bone stuck in the throat. She was taken to the operating room.

CURRENT MEDICATIONS:
Pantoprazole, Diprivan, Zosyn, and Solu-Medrol.

HOSPITAL COURSE:
The bone was removed in the operating room. She was treated with IV ceftriaxone. She is going home today on
cephalexin 500 mg PO QID for seven days. She will return to see Dr. Lee in a week.
"""

DISCHARGE = """PROCEDURES:
Transurethral resection of prostate.

HISTORY:
This 70-year-old man was admitted because of an enlarged prostate.

LABORATORY DATA:
Creatinine 1.0. EKG was normal.

COURSE IN THE HOSPITAL:
The operation went well. The pathology report is pending at the time of dictation. He is being discharged on
Bactrim DS one a day for ten days.

DISCHARGE INSTRUCTIONS:
Scripts left in the chart for Lortab. Med rec sheet completed. He will drink plenty of fluids at home, no heavy
lifting. Can shower starting tomorrow, wound care reviewed. He will re-appoint in the office in the next week,
call in the interim if any bleeding.

FINAL DIAGNOSES,1.  Enlarged prostate, status post transurethral resection. ,2.  Hypertension.
"""

CLINIC = """ASSESSMENT AND PLAN:
1. Right knee sprain. X-ray negative for fracture.
2. MRI of the knee if no improvement in 4 weeks.
Return to the ED if you develop fever or calf swelling.
"""


def _letter(text, kind):
    return write_letter(document_from_text(text), kind=kind, settings=Settings())


def test_hospital_drugs_are_never_take_at_home():
    for kind in ("patient", "discharge"):
        lt = _letter(INPATIENT, kind).text
        for drug in ("Diprivan", "Zosyn", "Solu-Medrol", "ceftriaxone", "Pantoprazole"):
            assert not re.search(rf"(?i)\b(?:take|keep taking|new medicine:)\s+{drug}", lt), (kind, drug, lt)
        assert "In hospital you were given Diprivan." in lt
        assert "In hospital you were given Zosyn." in lt
        # an unlabelled "current" list of a hospital stay: the patient is asked to check it, not told to take it
        assert "Your hospital medicine list has pantoprazole. Ask your doctor" in lt
        # the going-home antibiotic is a medicine to take at home, with its instructions
        assert re.search(r"(?i)take cephalexin", lt), lt
        assert "500 mg" in lt


def test_hospital_drugs_in_gp_letter_are_marked():
    lt = _letter(INPATIENT, "gp").text
    assert "Diprivan: given in hospital" in lt
    assert "Pantoprazole: on the inpatient medication list" in lt


def test_header_missed_by_sectionizer_is_read():
    doc = refine_sections(document_from_text(DISCHARGE))
    names = [s.name for s in doc.sections]
    assert "hospital_course" in names and "discharge_diagnoses" in names
    course = doc.sections_named("hospital_course")[0]
    assert "pathology report" in doc.text[course.body_start:course.end]
    # same text, offsets unchanged
    assert doc.text == DISCHARGE


def test_discharge_letter_keeps_prose_medicine_and_pending_result():
    lt = _letter(DISCHARGE, "discharge")
    text = lt.text
    assert re.search(r"Take Bactrim[^\n]*\n- How to take it: take once a day for ten days", text), text
    assert "Take Lortab." in text
    # a test whose result is still to come says so (not a test still to do, not a bare "done")
    done = text.split("Tests we did:")[1].split("\n\n")[0]
    assert re.search(r"- Pathology \([^)]+\): we are waiting for the result\. We will tell you when it is back\.", done), done
    assert "Tests still to do" not in text
    # the operation is named, "status post" is not a diagnosis, numbered items run together are split
    why = text.split("Why you were here:")[1].split("\n\n")[0]
    assert "Enlarged prostate" in why and "Hypertension" in why
    assert not re.search(r"(?i)status post|,2", why), why
    assert "Transurethral resection of prostate" in text
    # the re-appointment before "call in the interim" is kept, the warning too
    assert "Please see your doctor next week." in text
    assert "Call your doctor if you have any bleeding." in text


def test_discharge_instructions_are_for_the_patient():
    text = _letter(DISCHARGE, "discharge").text
    care = text.split("Caring for yourself at home:")[1].split("\n\n")[0]
    assert "Scripts" not in care and "Med rec" not in care and "chart" not in care
    assert "You will drink plenty of fluids at home" in care
    assert "You can shower starting tomorrow." in care
    assert "reviewed" not in care and not re.search(r"\bHe\b", care)


def test_conditional_test_is_not_a_test_done():
    facts = extract_letter_facts(document_from_text(CLINIC))
    mri = next(t for t in facts.tests if t.text.lower().startswith("mri"))
    assert mri.status == "pending" and mri.data["condition"].startswith("if no improvement")
    text = _letter(CLINIC, "patient").text
    done = text.split("Tests we did:")[1].split("\n\n")[0]
    assert "MRI" not in done
    assert re.search(r"MRI[^\n]*, only if no improvement", text), text


UROLOGY = """HOME MEDICATIONS:
1.  Amlodipine.,2.  Insulin 70/30.,3.  Flomax.,4.  Dapsone.

ASSESSMENT AND PLAN:
This is a 66-year-old male with signs and symptoms of benign prostatic hypertrophy, who has had urinary retention.
He passed his fill and pull study and was taught to self-catheterize if retention recurs.
He was also given a prescription for 6 months of Flomax and Proscar.
I advised him to monitor his blood pressure at home for the next week and report it to me.
We will order an ultrasound of his right upper quadrant.
The patient understands and agrees with the plan.
"""


def test_gp_letter_carries_the_plan_renewals_and_whole_drug_names():
    lt = _letter(UROLOGY, "gp").text
    meds = lt.split("Medications:")[1].split("\n\n")[0]
    assert "Insulin 70/30." in meds and "Dapsone." in meds
    assert not re.search(r"(?m)^- Insulin\.$", meds)  # not a second, shorter "Insulin"
    # a listed home medicine given a new prescription is renewed, for the supply written
    assert "Flomax: continued; for 6 months." in meds
    assert "Proscar: started; for 6 months." in meds
    diag = lt.split("Diagnoses:")[1].split("\n\n")[0]
    assert "Benign prostatic hypertrophy" in diag
    plan = lt.split("Plan:")[1].split("\n\n")[0]
    assert "self-catheterize" in plan and "prescription for 6 months of Flomax and Proscar" in plan
    assert "understands and agrees" not in lt


def test_patient_letter_gives_advice_and_where_a_test_looks():
    lt = _letter(UROLOGY, "patient").text
    assert "Please check your blood pressure at home for the next week and report it to us." in lt
    assert "Ultrasound of your right upper quadrant (the upper right part of the belly)" in lt
    assert "Take Flomax" not in lt and "Keep taking Flomax" in lt


def test_visit_purpose_in_the_notes_own_words():
    note = ("DISCHARGE DIAGNOSIS:\nEnlarged prostate with benign bladder neck obstruction.  ,To be followed in my office "
            "in one week.\n")
    text = _letter(note, "discharge").text
    assert "Please see your doctor in one week to check your enlarged prostate." in text, text
    assert "hyperplasia" not in text.split("Your follow-up visits:")[1]


def test_a_pending_order_is_a_test_to_do_not_a_result_to_wait_for():
    note = "FOLLOW-UP:\nPrimary care in 1 week. Basic metabolic panel in 1 week (pending order).\n"
    facts = extract_letter_facts(document_from_text(note))
    bmp = next(t for t in facts.tests if "metabolic" in t.text.lower())
    assert bmp.status == "pending" and not bmp.data.get("result_pending")
    text = _letter(note, "discharge").text
    assert "waiting for the result" not in text


def test_a_test_done_says_its_result_when_the_note_gives_it():
    text = _letter(CLINIC, "patient").text
    done = text.split("Tests we did:")[1].split("\n\n")[0]
    assert re.search(r"X-ray[^\n]*It showed no fracture\.", done), done
    text2 = _letter("ASSESSMENT AND PLAN:\nChest pain. EKG was normal. Troponin will be repeated.\n", "patient").text
    assert re.search(r"EKG[^\n]*It was normal\.", text2), text2


def test_each_medicine_keeps_its_own_instructions_and_specialty_visits_read_plainly():
    note = ("ASSESSMENT AND PLAN:\nHe was given a prescription for 6 months of Flomax and Proscar.\n"
            "He will follow up with urology in 6 weeks.\n")
    text = _letter(note, "patient").text
    meds = text.split("Your medicines:")[1].split("\n\n")[0]
    # the same "How to take it" line under two drugs is not merged away from the second
    assert meds.count("How to take it: take it for 6 months.") == 2, meds
    assert "Please see the urology clinic in 6 weeks." in text, text


def test_a_drug_on_both_the_admission_and_the_discharge_list_is_a_home_medicine():
    note = ("MEDICATIONS:\nMetoprolol 25 mg PO BID. Heparin 5000 units subcutaneous q8h.\n\n"
            "HOSPITAL COURSE:\nAdmitted for chest pain, ruled out.\n\n"
            "DISCHARGE MEDICATIONS:\nMetoprolol 25 mg PO BID.\n")
    text = _letter(note, "discharge").text
    assert "Take metoprolol." in text or "Keep taking metoprolol." in text, text
    assert "hospital medicine list has metoprolol" not in text
    assert "Your hospital medicine list has heparin." in text


def test_an_office_visits_instructions_do_not_make_it_a_hospital_stay():
    """'INSTRUCTIONS' (filed with the discharge instructions) at the end of an office visit: its current medicines
    are the patient's own, 'Take X', not a hospital list to check with the doctor; 'DISCHARGE INSTRUCTIONS' are."""
    office = ("CHIEF COMPLAINT\n\nAcne.\n\nCURRENT MEDICATIONS\n\nClindamycin gel.\nMiraLAX.\n\nASSESSMENT AND PLAN\n\n"
              "Acne vulgaris. Continue clindamycin gel.\n\nINSTRUCTIONS\n\nThe patient will follow up in 3 months.\n")
    text = write_letter(document_from_text(office)).text
    assert "hospital" not in text.lower() and "Take MiraLAX" in text, text
    stay = office.replace("\nINSTRUCTIONS\n", "\nDISCHARGE INSTRUCTIONS\n")
    assert "hospital medicine list has MiraLAX" in write_letter(document_from_text(stay)).text


def test_the_letter_a_note_calls_for_is_discharge_instructions_for_a_hospital_stay():
    """A discharge summary drafted as the default letter read 'Your visit today ... Thank you for coming to see us
    today'. 'auto' (the CLI's default, the window's letter) gives discharge instructions for a note about a hospital
    stay and the after-visit summary for an office visit."""
    from medassist.ingest import document_from_text
    from medassist.tasks.letter import letter_kind_for, write_letter

    stay = document_from_text("DISCHARGE DIAGNOSES:\n1. Community-acquired pneumonia.\nHOSPITAL COURSE: He was treated "
                              "with ceftriaxone.\nDISCHARGE MEDICATIONS: Cefpodoxime 200 mg twice daily for 3 more days.\n")
    visit = document_from_text("CHIEF COMPLAINT: Cough.\nASSESSMENT: Acute bronchitis.\nPLAN: Rest and fluids.\n")
    assert letter_kind_for(stay) == "discharge" and letter_kind_for(visit) == "patient"
    letter = write_letter(stay, kind="auto")
    assert letter.kind == "discharge" and "going home" in letter.to_dict()["text"].lower()
    assert "3" in letter.to_dict()["text"] and "cefpodoxime" in letter.to_dict()["text"].lower()
    assert write_letter(visit, kind="auto").kind == "patient"


HELD = """DISCHARGE SUMMARY
HOSPITAL COURSE:
INR 3.5 on warfarin, held for 2 days.
DISCHARGE MEDICATIONS:
1. Warfarin 2.5 mg PO daily, resume on Friday.
2. Torsemide 20 mg PO daily.
FOLLOW UP:
Cardiology in 1 week. BMP in 3 days.
"""


def test_a_held_medicine_is_not_kept_and_a_test_with_a_time_to_come_is_to_do():
    """'Warfarin ..., resume on Friday' after it was held for a high INR: the letter says not to take it until
    Friday (never "Keep taking"); 'BMP in 3 days.' under the follow-up is a test still to do, not one done."""
    text = _letter(HELD, "discharge").text
    assert "Do not take warfarin for now. Start taking it again on Friday." in text
    assert "Keep taking warfarin" not in text
    gp = _letter(HELD, "gp").text
    assert "Warfarin: held, to resume on Friday" in gp
    to_do = text.split("Tests still to do:")[1].split("\n\n")[0]
    assert "BMP" in to_do
    done = text.split("Tests we did:")[1].split("\n\n")[0] if "Tests we did:" in text else ""
    assert "BMP" not in done
    # a medicine resumed with no time to wait is kept
    assert "Keep taking torsemide" in _letter(HELD.replace("daily.\nFOLLOW", "daily, resume.\nFOLLOW"), "discharge").text


ED_NOTE = """CHIEF COMPLAINT: Shortness of breath.

HPI: 66 y/o M with COPD presents with 3 days of worsening dyspnea.

ED COURSE: DuoNebs x3, methylprednisolone 125 mg IV. BiPAP started.

ASSESSMENT/PLAN:
Acute COPD exacerbation.
- Admit to step-down.
- Prednisone 40 mg daily x 5 days.
"""

OPERATIVE = """PREOPERATIVE DIAGNOSIS: Right inguinal hernia.

POSTOPERATIVE DIAGNOSIS: Right inguinal hernia.

PROCEDURE: Right inguinal hernia repair with mesh.

ANESTHESIA: General.

ESTIMATED BLOOD LOSS: Minimal.

COMPLICATIONS: None.
"""

KNEE_VISIT = """CHIEF COMPLAINT: Knee pain.

HISTORY OF PRESENT ILLNESS: 58-year-old woman with right knee pain for 2 months. She will require an overnight stay
and will need to be admitted for the knee replacement next month.

ASSESSMENT: Osteoarthritis of the right knee.

PLAN: Meloxicam 15 mg daily.
"""


def _gp_intro(note: str):
    letter = write_letter(document_from_text(note, source="visit.txt"), kind="gp", settings=Settings())
    return letter, " ".join(ln.text for ln in letter.intro)


def test_a_gp_letter_says_where_the_patient_was_seen():
    """A GP letter opened "whom I reviewed in clinic today" for every note: an ED visit with an admission, an
    operation and a discharge summary too. The opening now follows the note's headers (the evidence of the line),
    and an admission in the plan ("Admit to step-down.") is said; a visit's own opening is unchanged."""
    letter, intro = _gp_intro(ED_NOTE)
    assert intro.startswith("I saw your patient in the emergency department.")
    assert intro.endswith("The plan is admission to hospital.")
    assert "clinic" not in intro
    ev = [sp.text for ln in letter.intro for sp in ln.evidence]
    assert ev == ["ED COURSE", "Admit to"]
    assert letter.to_dict()["intro"][-1]["evidence"][0]["text"] == "Admit to"

    assert letter.title == "Emergency department letter" and letter.text.startswith("Emergency department letter")

    letter, intro = _gp_intro(OPERATIVE)
    assert letter.title == "Procedure letter"
    assert "who had a procedure with us" in intro and "clinic" not in intro and "admission" not in intro
    assert [sp.text for ln in letter.intro for sp in ln.evidence] == ["PROCEDURE"]

    _letter, intro = _gp_intro(INPATIENT)
    assert "who has been in hospital under our care" in intro

    # a clinic visit: the template's opening; a future admission for an operation is no admission now
    letter, intro = _gp_intro(KNEE_VISIT)
    assert letter.title == "Clinic letter"
    assert intro == ("Thank you for referring your patient, whom I reviewed in clinic today. "
                     "A summary of the assessment and plan follows.")
    assert all(ln.template for ln in letter.intro)


def test_patient_letters_open_with_where_the_patient_was_seen():
    """An emergency visit and an operation are said as such (title and first line, with the header that says so
    as evidence); an office visit keeps the template's opening."""
    want = {ED_NOTE: ("Your emergency room visit", "Thank you for coming to the emergency room today."),
            OPERATIVE: ("After your procedure", "This letter is about the procedure you had today."),
            KNEE_VISIT: ("Your visit today", "Thank you for coming to see us today.")}
    for note, (title, first) in want.items():
        letter = write_letter(document_from_text(note, source="visit.txt"), kind="patient", settings=Settings())
        assert (letter.title, letter.intro[0].text) == (title, first)
        assert letter.intro[0].template == (note is KNEE_VISIT)
        assert all(note[e.start:e.end] == e.text for e in letter.intro[0].evidence)


COURSE = """HOSPITAL COURSE:
Admitted with heart failure. Diuresed with IV furosemide 40 mg BID, transitioned to torsemide 20 mg PO daily.
Lisinopril was held for acute kidney injury. Heparin was considered but not given.

ED COURSE:
Methylprednisolone 125 mg IV, azithromycin 500 mg IV.

DISCHARGE MEDICATIONS:
1. Torsemide 20 mg PO daily.
2. Azithromycin 250 mg PO daily x 4 days.
"""


def test_medicines_given_in_hospital_are_read_from_the_course():
    """A drug the hospital or ED course gives and no list names was left out of every letter ("Diuresed with IV
    furosemide 40 mg BID", "ED COURSE: Methylprednisolone 125 mg IV"). It is now a medicine given in hospital, with
    its dose and route: never one to take. A drug held, one only considered, and one on the discharge list are not."""
    doc = document_from_text(COURSE, source="course.txt")
    facts = extract_letter_facts(refine_sections(doc))
    given = {f.text.lower(): f for f in facts.medications if f.data.get("change") == "in_hospital"}
    assert set(given) == {"furosemide", "methylprednisolone"}, sorted(given)
    assert given["furosemide"].data["dose"] == "40 mg" and given["furosemide"].data["sig"]["route"]
    assert [sp.text for sp in given["furosemide"].evidence][:2] == ["furosemide", "IV"]
    gp = write_letter(doc, kind="gp", settings=Settings())
    hosp = next(s for s in gp.sections if s.key == "hospital_medications")
    assert any(ln.text.startswith("Furosemide: given in hospital; 40 mg;") for ln in hosp.lines), hosp.lines
    assert all("Lisinopril" not in ln.text and "Heparin" not in ln.text for ln in hosp.lines)
    meds = next(s for s in gp.sections if s.key == "medications")
    assert not any("Furosemide" in ln.text or "Methylprednisolone" in ln.text for ln in meds.lines)
    assert any(ln.text.startswith("Azithromycin") for ln in meds.lines)  # the discharge list's, not the ED dose
    patient = write_letter(doc, kind="discharge", settings=Settings())
    assert not re.search(r"(?i)take (?:your )?(?:furosemide|methylprednisolone)", patient.text)


def test_blood_counts_and_blood_gases_are_investigations():
    """A GP letter listed "Cr 1.6." but not "WBC 13.2." nor the blood gas of the same line: the lay lexicon had no
    white count, hemoglobin, platelets, VBG or liver enzymes. A transcription's comma after a header (", Showed
    white count 6200") no longer opens the quoted line."""
    note = ("CHIEF COMPLAINT: Cough.\n\nLABS: VBG pH 7.31, pCO2 58. WBC 13.2. Hgb 9.1. Plt 98. AST 85, ALT 92. Cr 1.6.\n\n"
            "LABORATORY DATA:, Showed white count 6200, hematocrit 44.7.\n\nASSESSMENT: Bronchitis.\n")
    doc = document_from_text(note, source="labs.txt")
    gp = write_letter(doc, kind="gp", settings=Settings())
    inv = [ln.text for s in gp.sections if s.key == "tests_done" for ln in s.lines]
    for line in ("VBG pH 7.31, pCO2 58.", "WBC 13.2.", "Hgb 9.1.", "Plt 98.", "AST 85, ALT 92.", "Cr 1.6.",
                 "Showed white count 6200, hematocrit 44.7."):
        assert line in inv, inv
    for ln in (ln for s in gp.sections if s.key == "tests_done" for ln in s.lines):
        assert all(doc.text[sp.start:sp.end] == sp.text for sp in ln.evidence)
    patient = write_letter(doc, kind="patient", settings=Settings())
    assert "WBC: a blood test that counts the cells that fight infection." in patient.text


def test_brand_names_of_nebulizers_and_potassium_binders_are_medicines():
    """"We will start the patient on Combivent, 2 puffs twice a day." (ACI-Bench train 14) was in no letter, and
    "K+ 5.8 treated with Lokelma" nor "ED COURSE: DuoNebs x3" in the GP letter: the lay lexicon had no such drug."""
    plan = document_from_text("ASSESSMENT AND PLAN:\nCOPD. We will start the patient on Combivent, 2 puffs twice a "
                              "day.\n", source="copd.txt")
    patient = write_letter(plan, kind="patient", settings=Settings())
    assert "Start taking Combivent." in patient.text and "rescue" not in patient.text
    course = document_from_text("HOSPITAL COURSE:\nK+ 5.8 treated with Lokelma.\n\nED COURSE:\nDuoNebs x3.\n\n"
                                "DISCHARGE MEDICATIONS:\n1. Torsemide 20 mg PO daily.\n", source="stay.txt")
    gp = write_letter(course, kind="gp", settings=Settings())
    hosp = [ln.text for s in gp.sections if s.key == "hospital_medications" for ln in s.lines]
    assert "Lokelma: given in hospital." in hosp and "DuoNebs: given in hospital." in hosp, hosp


OTITIS = """CHIEF COMPLAINT: Ear pain and fever for 2 days.

MEDICATIONS: Ibuprofen 100 mg PO q6h PRN fever.

ASSESSMENT/PLAN:
1. Acute suppurative otitis media, right ear. Start cefdinir 14 mg/kg/day divided BID x 10 days (105 mg PO BID).
2. Fever. Continue ibuprofen 100 mg q6h PRN; may alternate with acetaminophen 240 mg q6h PRN.
"""


def test_a_childs_weight_based_antibiotic_and_an_optional_fever_medicine():
    """A typed pediatric visit: the letter said "take 14 mg/kg by mouth twice a day" for "14 mg/kg/day divided BID"
    (twice the dose) and "Keep taking acetaminophen" for "may alternate with acetaminophen"."""
    doc = document_from_text(OTITIS, source="otitis.txt")
    letter = write_letter(doc, kind="patient", settings=Settings())
    assert "take 105 mg by mouth twice a day for 10 days" in letter.text
    assert "14 mg/kg by mouth twice" not in letter.text
    assert "You may also take acetaminophen." in letter.text and "Keep taking acetaminophen" not in letter.text
    assert "Keep taking ibuprofen." in letter.text
    gp = write_letter(doc, kind="gp", settings=Settings())
    assert "Acetaminophen: may also be used; 240 mg" in gp.text


ASTHMA_BP = """CHIEF COMPLAINT: Follow-up of asthma and hypertension.

MEDICATIONS: Fluticasone-salmeterol 250/50 mcg 1 puff BID, albuterol 2 puffs q4h PRN, amlodipine 5 mg daily,
hydrochlorothiazide 25 mg daily.

ALLERGIES: Sulfa drugs (hives).

ASSESSMENT/PLAN:
1. Hypertension. BP 152/94. Stop hydrochlorothiazide because of her sulfa allergy. Start lisinopril 10 mg daily. Hold
lisinopril if systolic BP below 100. Check BMP in 2 weeks.
"""


def test_a_hold_parameter_is_not_a_stop_and_a_tablet_is_not_inhaled():
    """A typed visit: "Start lisinopril 10 mg daily. Hold lisinopril if systolic BP below 100." gave "Stop taking
    lisinopril." (the hold outranked the start), and amlodipine, listed after an inhaler's "2 puffs", was to be
    "breathe in 5 mg once a day"."""
    doc = document_from_text(ASTHMA_BP, source="asthma.txt")
    letter = write_letter(doc, kind="patient", settings=Settings())
    assert "Stop taking lisinopril" not in letter.text
    assert "Start taking lisinopril." in letter.text and "Do not take it if systolic BP below 100." in letter.text
    assert "Stop taking hydrochlorothiazide because of your sulfa allergy." in letter.text
    assert "take 5 mg once a day" in letter.text and "breathe in 5 mg" not in letter.text
    gp = write_letter(doc, kind="gp", settings=Settings())
    assert "Lisinopril: started; 10 mg; once a day; hold if systolic BP below 100." in gp.text
    lis = next(f for f in letter.facts.medications if f.text.lower() == "lisinopril")
    assert any(sp.text == "if systolic BP below 100" for sp in lis.evidence)


STEROID_DISCHARGE = """DISCHARGE DIAGNOSES:
1. Acute exacerbation of COPD.
2. Steroid-induced hyperglycemia.

DISCHARGE MEDICATIONS:
1. Prednisone taper: 40 mg daily x 3 days, then 30 mg daily x 3 days, then 20 mg daily x 3 days, then stop.
2. Insulin glargine 10 units subcutaneously at bedtime until prednisone is finished.
"""


def test_a_prednisone_schedule_and_insulin_until_it_is_finished():
    """A typed discharge: the letter said "Take less Prednisone. The new dose is 40 mg ... then lower the dose slowly"
    for a schedule written out step by step, dropped "until prednisone is finished" from the insulin, and the summary
    listed "prednisone is finished" as a medication."""
    doc = document_from_text(STEROID_DISCHARGE, source="steroids.txt")
    letter = write_letter(doc, kind="discharge", settings=Settings())
    assert "Take less prednisone" not in letter.text
    assert ("take 40 mg once a day for 3 days, then 30 mg once a day for 3 days, then 20 mg once a day for 3 days, "
            "then stop.") in letter.text
    assert "inject 10 units under the skin at bedtime until prednisone is finished." in letter.text
    gp = write_letter(doc, kind="gp", settings=Settings())
    assert "Prednisone; 40 mg; once a day, for 3 days, then 30 mg once a day for 3 days" in gp.text
    from medassist.tasks.summarize import summarize

    meds = [m.text for m in summarize(doc, use_embeddings=False).medications]
    assert meds == ["Prednisone taper: 40 mg daily x 3 days, then 30 mg daily x 3 days, then 20 mg daily x 3 days, "
                    "then stop",
                    "Insulin glargine 10 units subcutaneously at bedtime until prednisone is finished"], meds


CELLULITIS_STAY = """HOSPITAL COURSE:
He was admitted with left leg cellulitis and treated with IV cefazolin. Blood cultures showed no growth at 48 hours.

DISCHARGE MEDICATIONS:
1. Cephalexin 500 mg by mouth four times daily for 7 more days.

PENDING: Final blood culture results.

DISCHARGE INSTRUCTIONS:
Return to the emergency department for fever over 101 F, spreading redness, or shortness of breath.
Return to the emergency department for a wound check in 2 days.
"""


def test_warning_signs_after_for_and_a_pending_list_reach_the_patient_and_the_gp():
    """"Return to the emergency department for fever ..." gives the signs (a visit 'for a wound check in 2 days' is
    no warning sign); a PENDING: list's result is one the patient is told to wait for, and the GP reads the note's
    finding so far with the result awaited."""
    pt = _letter(CELLULITIS_STAY, "discharge").text
    helps = pt.split("When to get help:")[1].split("\n\n")[0]
    assert "- Go to the emergency room if you have fever over 101 F, spreading redness, or shortness of breath." in helps
    assert "wound check" not in helps
    done = pt.split("Tests we did:")[1].split("\n\n")[0]
    assert re.search(r"- Blood cultures \([^)]+\): we are waiting for the result\.", done), done
    gp = _letter(CELLULITIS_STAY, "gp").text
    assert "Advised to attend the emergency department if they have fever over 101 F, spreading redness, or " \
           "shortness of breath." in gp
    inv = gp.split("Investigations:")[1].split("\n\n")[0]
    assert "- Blood cultures showed no growth at 48 hours (result awaited)." in inv, inv


WRIST_ED = """CHIEF COMPLAINT: Fall with right wrist pain.

HISTORY OF PRESENT ILLNESS:
82-year-old woman who tripped over a rug at home and fell onto her outstretched right hand.

ED COURSE:
Hematoma block with lidocaine. Closed reduction performed and splint applied. Given oxycodone 5 mg by mouth once.

ASSESSMENT:
1. Closed displaced Colles fracture of the right radius, initial encounter.

PLAN:
Keep the splint on and dry. Orthopedics clinic in 5-7 days. Return for suture removal in 10 days.
Return for numbness, color change in the fingers or severe pain.
"""


def test_an_emergency_visit_letter_says_where_drugs_were_given_and_what_brings_the_patient_back():
    """Drugs of an ED course were given in the emergency department (not "in hospital"); the coding words "initial
    encounter" are not said to the patient; "Return for numbness ..." is a warning sign and "Return for suture
    removal in 10 days" a visit."""
    pt = _letter(WRIST_ED, "patient").text
    assert "Medicines you were given in the emergency room:" in pt
    assert "- In the emergency room you were given oxycodone." in pt
    assert "In hospital" not in pt and "initial encounter" not in pt
    assert "- Closed displaced Colles fracture of the right radius: a broken bone." in pt
    helps = pt.split("When to get help:")[1].split("\n\n")[0]
    assert "- Call us if you have numbness, color change in your fingers or severe pain." in helps
    assert "suture" not in helps
    visits = pt.split("Your next visit:")[1].split("\n\n")[0]
    assert "in 10 days for suture removal" in visits, visits
    gp = _letter(WRIST_ED, "gp").text
    assert "Medications in the emergency department:" in gp and "Oxycodone: given in the emergency department" in gp


ANTICOAG_VISIT = """ASSESSMENT AND PLAN:
1. Atrial fibrillation on warfarin. INR 3.4 today, supratherapeutic. Hold warfarin tonight, then resume warfarin 5 mg on Monday, Wednesday and Friday and 2.5 mg on all other days.
Recheck INR in 1 week.
2. Contact dermatitis of both hands. Apply triamcinolone 0.1% cream twice daily to the affected area for 2 weeks.
3. Community acquired pneumonia. Start azithromycin 500 mg by mouth on day 1, then 250 mg daily on days 2 through 5.
"""


def test_a_held_dose_then_a_weekly_schedule_a_cream_and_a_day_numbered_course():
    """"Hold warfarin tonight, then resume ..." was "Stop taking warfarin." (a patient would stop an anticoagulant
    for good); the two doses by weekday, the cream's strength and where it goes, and the days of a course are said."""
    pt = _letter(ANTICOAG_VISIT, "patient").text
    assert "Stop taking warfarin" not in pt
    assert "- Do not take warfarin tonight. Then start taking it again.\n- How to take it: take 5 mg on Monday, " \
           "Wednesday and Friday, and 2.5 mg on all other days." in pt
    assert "- Use triamcinolone.\n- How to use it: apply the 0.1% cream twice a day to the affected area for 2 weeks." in pt
    assert "take 500 mg by mouth on day 1, then 250 mg once a day on days 2 to 5." in pt
    gp = _letter(ANTICOAG_VISIT, "gp").text
    assert "- Warfarin: held tonight, then resumed; 5 mg; on Monday, Wednesday and Friday, and 2.5 mg on all other " \
           "days." in gp


def test_a_held_medicine_is_paused_for_the_time_the_note_gives():
    """"Hold aspirin for 7 days before the colonoscopy" and "Hold lisinopril until ..." said "Stop taking ..."."""
    note = ("PLAN:\nHold metformin for 48 hours after the CT scan with contrast, then resume.\nHold lisinopril until "
            "your kidney function is rechecked.\nHold aspirin for 7 days before the colonoscopy.\nHold ibuprofen.\n")
    pt = _letter(note, "patient").text
    assert "Stop taking" not in pt
    for line in ("- Do not take metformin for 48 hours after the CT scan with contrast. Then start taking it again.",
                 "- Do not take lisinopril until your kidney function is rechecked.",
                 "- Do not take aspirin for 7 days before the colonoscopy.", "- Do not take ibuprofen for now."):
        assert line in pt, pt
    assert "How to take it: take for 7 days" not in pt
    gp = _letter(note, "gp").text
    assert "- Aspirin: held for 7 days before the colonoscopy." in gp and "- Ibuprofen: held." in gp


APPENDECTOMY = """OPERATIVE REPORT

PREOPERATIVE DIAGNOSIS: Acute appendicitis.
POSTOPERATIVE DIAGNOSIS: Acute suppurative appendicitis without perforation.
PROCEDURE: Laparoscopic appendectomy.
ANESTHESIA: General endotracheal.
ESTIMATED BLOOD LOSS: Minimal.

DISPOSITION: Discharge home today if tolerating diet. Ibuprofen 600 mg every 6 hours with food. No lifting over 10
pounds for 2 weeks. May shower tomorrow. Follow up in surgery clinic in 2 weeks. Call for fever over 101.5, worsening
abdominal pain, or redness at the incisions.
"""


def test_a_letter_after_an_operation_says_what_was_found_how_to_care_and_when_to_call():
    """The postoperative diagnosis is what was found (not the preoperative one); the plan's self-care ("No lifting
    ...", "May shower tomorrow.") and "Call for fever ..." reach the patient; the letter is titled for a procedure."""
    pt = _letter(APPENDECTOMY, "patient").text
    assert pt.startswith("After your procedure\n")
    found = pt.split("What we found:")[1].split("\n\n")[0]
    assert "Acute suppurative appendicitis without perforation" in found and "- Acute appendicitis:" not in found
    care = pt.split("Caring for yourself:")[1].split("\n\n")[0]
    assert "- No lifting over 10 pounds for 2 weeks." in care and "- You may shower tomorrow." in care
    helps = pt.split("When to get help:")[1].split("\n\n")[0]
    assert "- Call us if you have fever over 101.5, worsening abdominal pain, or redness at your incisions." in helps


def test_the_fuller_of_a_diagnosis_before_and_after_an_operation_is_kept():
    note = ("PREOPERATIVE DIAGNOSIS: Right inguinal hernia.\nPOSTOPERATIVE DIAGNOSIS: Inguinal hernia.\n"
            "PROCEDURE: Right inguinal hernia repair.\n")
    found = _letter(note, "gp").text.split("Diagnoses:")[1].split("\n\n")[0]
    assert "- Right inguinal hernia" in found and "- Inguinal hernia\n" not in found + "\n", found


CONSULT = """CARDIOLOGY CONSULTATION

REASON FOR CONSULTATION: New atrial fibrillation with rapid ventricular response.

HISTORY OF PRESENT ILLNESS: 71-year-old woman admitted with pneumonia who developed palpitations overnight.

ALLERGIES: Amiodarone - thyroid dysfunction; latex.

RECOMMENDATIONS:
1. Start apixaban 5 mg twice daily for stroke prevention.
2. Outpatient cardiology follow-up in 4 weeks with Holter monitor.
"""


def test_a_consultants_letter_says_so_and_a_monitor_with_the_visit_is_requested():
    """A consultation was 'reviewed in clinic today'; the Holter monitor that comes with the follow-up visit was an
    investigation done, quoted with its list number ('- 5. Outpatient ...'); 'thyroid' of a reaction was an allergy."""
    gp = _letter(CONSULT, "gp")
    assert gp.title == "Consultation letter"
    assert "I saw your patient in consultation." in gp.text and "in clinic today" not in gp.text
    req = gp.text.split("Investigations requested:")[1].split("\n\n")[0]
    assert "- Outpatient cardiology follow-up in 4 weeks with Holter monitor." in req
    assert "Investigations:\n" not in gp.text and "- 2. " not in gp.text
    allergies = gp.text.split("Allergies:")[1].split("\n\n")[0]
    assert allergies.strip().splitlines() == ["- Amiodarone (thyroid dysfunction)", "- latex"]


def test_a_drug_named_as_the_when_of_another_is_not_started():
    """'Start insulin glargine 10 units at bedtime while on prednisone' said 'Start taking prednisone.' too."""
    pt = _letter("PLAN:\n1. Start insulin glargine 10 units at bedtime while on prednisone.\n", "patient").text
    assert "prednisone." not in pt.split("How to take it")[0]
    assert "Start taking prednisone" not in pt
    assert "- How to take it: take 10 units at bedtime while on prednisone." in pt


KNEE_INJECTION = (
    "ASSESSMENT AND PLAN:\n1. Primary osteoarthritis of the right knee. After informed consent, the right knee was "
    "injected with 40 mg of triamcinolone and 4 mL of 1% lidocaine under sterile technique. He may take ibuprofen 600 mg "
    "three times daily with food as needed, for no more than 2 weeks at a time.\n2. Obesity, BMI 34. Discussed weight "
    "loss.\n3. Cellulitis. He was given a prescription for cephalexin 500 mg four times daily for 7 days.\n")


def test_an_injection_given_at_the_visit_is_no_medicine_to_take():
    """'Take triamcinolone. How to take it: take 4 mL.' (the lidocaine's volume) and 'Take lidocaine.' were said of
    an injection given in the office; the limit of a pain medicine ('for no more than 2 weeks at a time') was lost;
    a prescription 'given' is still one to take."""
    pt = _letter(KNEE_INJECTION, "patient").text
    assert "- We gave you 40 mg of triamcinolone at this visit." in pt
    assert "- We gave you 4 mL of lidocaine at this visit." in pt
    assert "Take triamcinolone" not in pt and "Take lidocaine" not in pt and "take 4 mL" not in pt
    assert "for no more than 2 weeks at a time" in pt
    assert "- Start taking cephalexin." in pt
    gp = _letter(KNEE_INJECTION, "gp").text
    assert "- Triamcinolone: given at the visit; 40 mg." in gp


WELL_CHILD = """CHIEF COMPLAINT: 12-month well child check.

ASSESSMENT AND PLAN:
1. Well child, 12 months, normal growth and development.
2. Acute otitis media, right ear. Amoxicillin 400 mg by mouth twice daily for 10 days.
3. Immunizations: MMR, varicella, hepatitis A and PCV given today. Tylenol 120 mg every 4 to 6 hours as needed for fever after vaccines.
4. Lead screening and hemoglobin today.
"""


def test_a_numbered_plan_item_that_opens_with_a_header_word_stays_in_the_plan():
    """'3. Immunizations: ...' inside the plan's numbered list was a section of its own: the Tylenol after it was left
    out of the letter; once kept in the plan, the vaccines it names are no diagnoses ('Varicella: chickenpox.')."""
    doc = document_from_text(WELL_CHILD)
    assert [s.name for s in doc.sections if s.name != "preamble"] == ["chief_complaint", "assessment_plan"]
    pt = _letter(WELL_CHILD, "patient").text
    assert "- Take Tylenol." in pt
    found = pt.split("What we found:")[1].split("\n\n")[0]
    assert "Varicella" not in found and "Hepatitis A" not in found and "Acute otitis media" in found


def test_the_vaccines_given_at_the_visit_are_listed_as_written():
    pt = _letter(WELL_CHILD, "patient").text
    assert "Vaccines you got today:\n- MMR, varicella, hepatitis A and PCV.\n" in pt
    gp = _letter(WELL_CHILD, "gp").text
    assert "Immunisations given:\n- MMR, varicella, hepatitis A and PCV\n" in gp
    plan = "PLAN:\n1. Flu vaccine given today.\n2. Tdap declined, will consider next visit.\n3. HPV vaccine not given.\n"
    assert "Vaccines you got today:\n- Flu vaccine.\n\n" in _letter(plan, "patient").text


def test_a_vaccine_still_to_get_is_listed_apart_never_as_a_medicine_nor_as_the_disease_it_prevents():
    """'Recommend shingles vaccine next month' read as a medicine to take ('Take shingles vaccine. It is a vaccine.')
    and as the patient's shingles ('Shingles: a painful rash ...' under What we found)."""
    note = ("ASSESSMENT AND PLAN:\n1. Hypertension. Continue lisinopril.\n2. Health maintenance. Recommend shingles "
            "vaccine next month. She is due for Tdap. Influenza vaccine given today. Declined pneumococcal vaccine.\n"
            "Return in 1 year.\n")
    for kind in ("patient", "discharge"):
        text = _letter(note, kind).text
        assert "Vaccines to get:\n- Shingles vaccine next month.\n- Tdap.\n\n" in text, text
        assert "shingles vaccine." not in text.lower().split("vaccines to get")[0]  # no medicine 'Take shingles vaccine'
        assert "Shingles:" not in text and "painful rash" not in text
        assert "pneumococcal" not in text.lower()  # declined
    pt = _letter(note, "patient").text
    assert "Vaccines you got today:\n- Influenza vaccine.\n" in pt
    assert "Take influenza vaccine" not in pt  # given here: no medicine to take
    gp = _letter(note, "gp").text
    assert "Shingles\n" not in gp.split("Diagnoses:")[1].split("\n\n")[0]


CLINIC_CHANGES = """MEDICATIONS: Lisinopril 10 mg daily. Metformin 500 mg twice daily. Apixaban 5 mg twice daily.

ASSESSMENT AND PLAN:
1. Hypertension, not at goal. Increase lisinopril.
2. Type 2 diabetes. Continue metformin.
3. Atrial fibrillation. Continue apixaban.
"""


def test_a_continued_medicine_keeps_how_often_and_an_increase_never_takes_the_old_dose():
    """"Continue metformin." after "Metformin 500 mg twice daily" says how often (it said only "The dose is 500
    mg"); "Increase lisinopril." after "Lisinopril 10 mg daily" never calls 10 mg the new dose, and a prescription
    written with the increase gives it ("Take more lisinopril. The new dose is 40 mg.", not "Start taking")."""
    for kind in ("patient", "discharge"):
        text = write_letter(document_from_text(CLINIC_CHANGES), kind=kind).text
        assert "take 500 mg twice a day" in text and "take 5 mg twice a day" in text
        assert "The dose is 500 mg" not in text
        assert "10 mg" not in text  # (the old dose of the increased drug)
    gp = write_letter(document_from_text(CLINIC_CHANGES), kind="gp").text
    assert "Metformin: continued; 500 mg; twice a day." in gp and "Lisinopril: dose increased." in gp
    prescribed = CLINIC_CHANGES + "Prescription for lisinopril 40 mg once a day provided.\n"
    text = write_letter(document_from_text(prescribed), kind="patient").text
    assert "Take more lisinopril. The new dose is 40 mg." in text and "Start taking lisinopril" not in text
    assert "take 40 mg once a day" in text and "10 mg" not in text


def test_a_follow_up_line_after_the_numbered_list_is_not_the_last_items():
    """"4. Hypertension, controlled.\\nFollow up in 1 week." is the visit's follow-up, not "to check your
    hypertension"; a line indented or bulleted under an item is that item's ("1. Hypertension.\\n   Recheck in 4
    weeks.")."""
    after = ("ASSESSMENT AND PLAN:\n1. Acute exacerbation of COPD. Prednisone 40 mg daily for 5 days.\n"
             "2. Hypertension, controlled.\nFollow up in 1 week.\n")
    text = write_letter(document_from_text(after), kind="patient").text
    assert "Please come back in 1 week." in text and "to check your hypertension" not in text
    under = ("ASSESSMENT AND PLAN:\n1. Hypertension.\n   Recheck in 4 weeks.\n2. Diabetes.\n"
             "- Follow up in 3 months.\n")
    text = write_letter(document_from_text(under), kind="patient").text
    assert "in 4 weeks to check your hypertension" in text and "in 3 months to check your diabetes" in text


COPD_CLINIC = """HISTORY OF PRESENT ILLNESS: 68-year-old man with COPD on home oxygen 2 L, with 3 days of worse dyspnea.

ASSESSMENT AND PLAN:
1. Acute exacerbation of COPD with chronic hypoxic respiratory failure. Prednisone 40 mg daily for 5 days.
Increase O2 to 3 L.
2. Obstructive sleep apnea, continue CPAP.
3. Hypertension, controlled.
Follow up in 1 week.
"""


def test_home_oxygen_and_cpap_orders_reach_the_patient_and_the_colleague():
    """"Increase O2 to 3 L." was in no letter: the patient reads "Increase your oxygen to 3 liters a minute." and the
    order after an item's problem ("Obstructive sleep apnea, continue CPAP." -> "Continue CPAP."); the colleague
    reads the plan's words."""
    doc = document_from_text(COPD_CLINIC)
    letter = write_letter(doc, kind="patient")
    assert "- Increase your oxygen to 3 liters a minute." in letter.text and "- Continue CPAP." in letter.text
    line = next(ln for s in letter.sections for ln in s.lines if ln.text.startswith("Increase your oxygen"))
    assert [e.text.rstrip(".") for e in line.evidence] == ["Increase O2 to 3 L"]
    gp = write_letter(document_from_text(COPD_CLINIC), kind="gp").text
    assert "- Increase O2 to 3 L." in gp and "continue CPAP" in gp
    quiet = COPD_CLINIC.replace("Increase O2 to 3 L.", "Oxygen saturation 95% on 2 L.").replace(", continue CPAP", "")
    text = write_letter(document_from_text(quiet), kind="patient").text
    assert "oxygen to" not in text and "CPAP." not in text


def test_a_discharge_list_item_tagged_new_is_a_new_medicine():
    """"2. Insulin glargine 12 units subcutaneously at bedtime. NEW." read "Use Insulin glargine." as if the
    patient had it before; the tag after the item's sentence (or "(new)") says it is new. "NEW ONSET" is no tag."""
    from medassist.text.sig import detect_change

    note = ("DISCHARGE MEDICATIONS:\n1. Insulin glargine 12 units subcutaneously at bedtime. NEW.\n"
            "2. Metformin 500 mg by mouth twice daily.\n3. Atorvastatin 40 mg daily (new).\n")
    text = write_letter(document_from_text(note), kind="discharge").text
    assert "New medicine: insulin glargine." in text and "New medicine: atorvastatin." in text
    assert "Take metformin." in text
    assert detect_change("NEW ONSET ATRIAL FIBRILLATION on apixaban", drug_start=33) is None


def test_a_title_is_no_follow_up_and_a_steroid_around_chemotherapy_keeps_its_days():
    """"ONCOLOGY FOLLOW-UP" (the note's title) gave "Please come back for a check-up as we planned."; dexamethasone
    "twice daily the day before, the day of and the day after chemotherapy" read "take 4 mg twice a day" (every
    day) in the letter and was cut at its comma in the summary."""
    from medassist.tasks.summarize import summarize

    note = ("ONCOLOGY FOLLOW-UP\n\nMEDICATIONS: Dexamethasone 4 mg twice daily the day before, the day of and the day "
            "after chemotherapy. Folic acid 1 mg daily.\n\nASSESSMENT AND PLAN:\n1. Adenocarcinoma of the right upper "
            "lobe, on chemotherapy.\nReturn in 1 week with CBC.\n")
    text = write_letter(document_from_text(note), kind="patient").text
    assert "as we planned" not in text and "Please come back in 1 week." in text
    assert "take 4 mg twice a day the day before, the day of and the day after chemotherapy." in text
    s = summarize(document_from_text(note), use_embeddings=False).to_dict()
    assert "Dexamethasone 4 mg twice daily the day before, the day of and the day after chemotherapy" in [
        m["text"] for m in s["medications"]]


PEDS_ED = """CHIEF COMPLAINT: Wheezing.

HPI: 7-year-old boy with moderate persistent asthma presents with 2 days of cough and wheezing.

MEDICATIONS: Fluticasone 44 mcg 2 puffs twice daily. Albuterol HFA 2 puffs every 4 hours as needed.

ALLERGIES: Peanuts (anaphylaxis). Carries EpiPen.

ASSESSMENT: Moderate persistent asthma with acute exacerbation.

PLAN:
- Dexamethasone 16 mg by mouth once tomorrow.
- Albuterol 4 puffs every 4 hours for 2 days, then as needed.
- Continue fluticasone.
- Follow up with pediatrician in 2-3 days.
- Return to ED for trouble breathing, retractions, or if albuterol needed more often than every 4 hours.
"""


def test_an_emergency_visit_for_asthma_reads_as_the_plan_says():
    """A child's asthma visit: the plan's albuterol (4 puffs every 4 hours for 2 days, then as needed) is how to use
    it now, not the list's 2 puffs as needed; tomorrow's dexamethasone says tomorrow; the signs before the 'if' of
    the return line are kept; the follow-up is with the pediatrician; an EpiPen carried is no allergy."""
    text = write_letter(document_from_text(PEDS_ED), kind="patient").text
    assert "breathe in 4 puffs every 4 hours for 2 days, then as needed" in text
    assert "2 puffs every 4 hours as needed" not in text
    assert "take 16 mg by mouth one time only tomorrow" in text
    assert "trouble breathing, retractions, or if albuterol needed more often than every 4 hours" in text
    assert "Please see your pediatrician in 2-3 days." in text
    assert "allergic to Peanuts (anaphylaxis)" in text and "allergic to EpiPen" not in text


def test_a_regimens_length_said_once_reaches_each_drug_and_alcohol_advice_the_patient():
    """"Start bismuth quadruple therapy for 14 days: bismuth subsalicylate 524 mg four times daily, metronidazole 500
    mg three times daily ..." gave each drug with no end (a course read as for ever); "Avoid alcohol while on
    metronidazole." was in no letter (its sentence names a drug)."""
    note = ("ASSESSMENT AND PLAN:\n1. Helicobacter pylori gastritis. Start bismuth quadruple therapy for 14 days: "
            "bismuth subsalicylate 524 mg four times daily, metronidazole 500 mg three times daily, tetracycline "
            "500 mg four times daily and omeprazole 20 mg twice daily. Avoid alcohol while on metronidazole.\n"
            "2. Hypertension. Continue lisinopril 10 mg daily.\n")
    text = write_letter(document_from_text(note), kind="patient").text
    for line in ("take 524 mg four times a day for 14 days", "take 500 mg three times a day for 14 days",
                 "take 20 mg twice a day for 14 days"):
        assert line in text
    assert "take 10 mg once a day." in text  # (another sentence's drug has no such course)
    assert "- Avoid alcohol while on metronidazole." in text
    gp = write_letter(document_from_text(note), kind="gp").text
    assert "Metronidazole: started; 500 mg; three times a day, for 14 days." in gp


def test_how_to_take_alendronate_reaches_the_patient_with_the_pills_name():
    """"Start alendronate 70 mg weekly. Take with a full glass of water, remain upright for 30 minutes." left the
    instructions out (no self-care the letter knew); they are the patient's, with the pill's name."""
    note = ("ASSESSMENT AND PLAN:\n1. Postmenopausal osteoporosis. Start alendronate 70 mg weekly. Take with a full "
            "glass of water, remain upright for 30 minutes.\n2. Hypothyroidism. Continue levothyroxine.\n")
    text = write_letter(document_from_text(note), kind="patient").text
    assert "- Take alendronate with a full glass of water, remain upright for 30 minutes." in text
    assert "take 70 mg once a week" in text


def test_a_numbered_problem_whose_plan_holds_a_colon_keeps_its_name():
    """"1. Helicobacter pylori gastritis. Start bismuth quadruple therapy for 14 days: ..." was not read as a
    problem heading (a colon later in the item), so the letter said only "Gastritis"."""
    note = ("ASSESSMENT AND PLAN:\n1. Helicobacter pylori gastritis. Start bismuth quadruple therapy for 14 days: "
            "bismuth subsalicylate 524 mg four times daily and metronidazole 500 mg three times daily.\n"
            "2. GERD. Continue omeprazole.\n")
    text = write_letter(document_from_text(note), kind="patient").text
    assert "- Helicobacter pylori gastritis: " in text and "- Gastritis:" not in text


HF_CLINIC = """MEDICATIONS:
1. Carvedilol 12.5 mg twice daily.
2. Eliquis 5 mg twice daily.

ASSESSMENT AND PLAN:
1. Chronic systolic heart failure. Continue furosemide 40 mg twice daily.
Daily weights; call if weight goes up more than 2 kg in 3 days.
Fluid restriction 1.5 L/day.
2. Hyperkalemia. Reduce spironolactone to 12.5 mg daily.
"""


def test_heart_failure_self_care_reaches_the_patient_in_their_words():
    """"Daily weights; call if weight goes up more than 2 kg in 3 days." and "Fluid restriction 1.5 L/day." were in no
    letter but the call: the patient reads what to do each day; the colleague reads the plan's words."""
    letter = write_letter(document_from_text(HF_CLINIC), kind="patient")
    care = letter.text.split("Caring for yourself:")[1].split("\n\n")[0]
    assert "- Weigh yourself every morning and write it down." in care
    assert "- Drink no more than 1.5 liters of fluid a day." in care
    assert "call" not in care.lower()  # (the call is the warnings' line)
    assert "Call us if weight goes up more than 2 kg in 3 days." in letter.text
    line = next(ln for s in letter.sections for ln in s.lines if ln.text.startswith("Weigh yourself"))
    assert [e.text for e in line.evidence] == ["Daily weights"]
    quiet = HF_CLINIC.replace("Daily weights; ", "").replace("Fluid restriction 1.5 L/day.\n", "")
    assert "Weigh yourself" not in write_letter(document_from_text(quiet), kind="patient").text


def test_a_generic_drug_name_is_written_in_lower_case_and_a_brand_keeps_its_capital():
    """"Carvedilol 12.5 mg twice daily." began its line, and the letter said "Take Carvedilol." beside "Keep taking
    furosemide."; a sentence writes a generic name in lower case, a brand name with its capital."""
    text = write_letter(document_from_text(HF_CLINIC), kind="patient").text
    assert "- Take carvedilol." in text and "- Take Eliquis" in text and "Take Carvedilol" not in text
    assert "- Take less spironolactone." in text
    gp = write_letter(document_from_text(HF_CLINIC), kind="gp").text
    assert "Carvedilol" in gp  # (the colleague's list keeps the note's words)


PRENATAL = """MEDICATIONS: Prenatal vitamin daily. Levothyroxine 75 mcg daily. Albuterol inhaler as needed.

ASSESSMENT AND PLAN:
1. Gestational diabetes mellitus, diet controlled. Referred to diabetes education.
2. Rash. Refer to dermatology.
3. Knee pain. Referral to physical therapy.
4. Obesity. Patient declined referral to a nutritionist.

FOLLOW-UP: Return in 1 week. Go to labor and delivery for headache, vision changes, right upper quadrant pain or BP over 160/110.
"""


def test_a_medicine_listed_on_one_line_with_others_keeps_its_own_instructions():
    """"Prenatal vitamin daily. Levothyroxine 75 mcg daily. Albuterol inhaler as needed." on one line: the vitamin
    (a name no lexicon knows) read the rest of the line and the letter said "take 75 mcg once a day as needed"."""
    text = write_letter(document_from_text(PRENATAL), kind="patient").text
    vitamin = text.split("- Take Prenatal vitamin.\n")[1].splitlines()[0]
    assert vitamin == "- How to take it: take once a day."
    assert "take 75 mcg once a day." in text


def test_labor_and_delivery_return_precautions_reach_the_patient_in_plain_words():
    """"Go to labor and delivery for headache, vision changes, right upper quadrant pain or BP over 160/110." was in no
    letter (the warnings knew only the emergency department); the patient reads where to go and the signs in plain
    words, the colleague the note's."""
    text = write_letter(document_from_text(PRENATAL), kind="patient").text
    assert ("- Go to the labor and delivery unit (where babies are born) if you have headache, vision changes, pain in "
            "the upper right part of your belly or blood pressure over 160/110.") in text
    gp = write_letter(document_from_text(PRENATAL), kind="gp").text
    assert "labor and delivery" in gp and "right upper quadrant pain" in gp


def test_referrals_of_the_plan_reach_the_patient():
    """"Referred to diabetes education.", "Refer to dermatology." were in no patient letter; a referral declined is
    none, and physical therapy is said with the care the patient gets."""
    text = write_letter(document_from_text(PRENATAL), kind="patient").text
    visits = text.split("Your next visit:")[1].split("\n\n")[0]
    assert "- We are referring you to diabetes education." in visits
    assert "- We are referring you to the dermatology clinic." in visits
    assert "nutritionist" not in text and "referring you to physical therapy" not in text
    assert "Physical therapy" in text


def test_checks_the_patient_does_at_home_reach_the_patient_in_their_words():
    """"Check fasting and 1-hour postprandial glucose four times daily." and "Twice-weekly blood pressure checks." were
    in no letter; a nurse's "Monitor blood glucose" of a ward note is no home check."""
    note = ("ASSESSMENT AND PLAN:\n1. Gestational diabetes mellitus, diet controlled. Check fasting and 1-hour "
            "postprandial glucose four times daily.\n2. Gestational hypertension. Twice-weekly blood pressure checks.\n"
            "3. Hypertension. Home blood pressure monitoring.\n")
    care = write_letter(document_from_text(note), kind="patient").text.split("Caring for yourself:\n")[1].split("\n\n")[0]
    assert care.splitlines() == ["- Check your blood sugar before breakfast and 1 hour after meals, four times a day.",
                                 "- Check your blood pressure twice a week.", "- Check your blood pressure at home."]
    ward = "ASSESSMENT AND PLAN:\n1. Hyperglycemia. Monitor blood glucose every 6 hours.\n"
    assert "Caring for yourself" not in write_letter(document_from_text(ward), kind="discharge").text


PSYCH_CLINIC = """MEDICATIONS:
1. Sertraline 150 mg daily.
2. Trazodone 50 mg at bedtime as needed for sleep.

ALLERGIES: NKDA.

MENTAL STATUS EXAM: Well groomed, cooperative. Mood "better", affect mildly anxious. No SI/HI.

ASSESSMENT AND PLAN:
1. Major depressive disorder, recurrent, moderate. Continue sertraline 150 mg daily.
2. Nicotine dependence, cigarettes. Offered nicotine patch 14 mg daily, she will think about it.
3. Insomnia, improved. Continue trazodone as needed.

Safety plan reviewed. Call 988 or go to the nearest emergency room if thoughts of self-harm.
"""


def test_a_psychiatry_visit_letter_says_what_was_offered_the_crisis_line_and_no_exam_as_an_allergy():
    """A typed psychiatry follow-up: the mental status exam after 'ALLERGIES: NKDA.' was read as an allergy ("You are
    allergic to Well groomed, cooperative."); an offered nicotine patch read as one to use; the plan's "Continue
    trazodone as needed." dropped the list's "at bedtime ... for sleep"; and the crisis line was left out of the
    warning ("Go to the emergency room if thoughts of self-harm.")."""
    text = write_letter(document_from_text(PSYCH_CLINIC), kind="patient").text
    assert "You have no known allergies to medicines." in text and "groomed" not in text
    assert "- We offered you nicotine patch. Tell us if you decide to start it." in text
    assert "apply 14 mg" not in text and "Use nicotine patch" not in text
    assert "- How to take it: take 50 mg at bedtime as needed for sleep." in text
    assert ("- Call or text 988 (the suicide and crisis line) or go to the emergency room if you have thoughts of "
            "hurting yourself.") in text
    gp = write_letter(document_from_text(PSYCH_CLINIC), kind="gp").text
    assert "Nicotine patch: offered; the patient will decide" in gp and "988" in gp
    taken = PSYCH_CLINIC.replace("she will think about it", "she agreed to start it")
    assert "Start taking nicotine patch." in write_letter(document_from_text(taken), kind="patient").text


def test_a_suture_removal_the_plan_sets_is_a_visit_and_a_site_is_never_a_position_word_alone():
    """An emergency visit for a fall: "Suture removal in 5 days." was in no letter, and "Closed reduction of the left
    distal radius fracture" was cut to "Closed reduction of the left distal (farther from the body)"."""
    note = ("PROCEDURES: Laceration repair, 3 cm, simple, 5 sutures. Closed reduction of the left distal radius "
            "fracture under hematoma block, sugar-tong splint applied.\n\nASSESSMENT AND PLAN:\n1. Colles fracture of "
            "the left radius. Follow up with orthopedics in 1 week.\n2. Laceration of the forehead, repaired. Suture "
            "removal in 5 days. Keep the wound clean and dry.\n")
    text = write_letter(document_from_text(note), kind="discharge").text
    assert "- Please see your doctor in 5 days to have your stitches taken out." in text
    assert "- Closed reduction of the left distal radius (a bone of the forearm, on the thumb side): " in text
    assert "distal (farther from the body)" not in text
    done = note.replace("Suture removal in 5 days.", "Sutures removed today, wound healed.")
    assert "stitches taken out" not in write_letter(document_from_text(done), kind="discharge").text
    gp = write_letter(document_from_text(note), kind="gp").text
    assert "- Suture removal in 5 days." in gp.split("Follow-up:")[1]


def test_a_change_to_a_medicine_no_lexicon_knows_reaches_the_letters():
    """"Tenapanor 30 mg daily." (a name the lexicons do not know) then "Increase tenapanor to 60 mg daily." in the
    plan: the letter said "take 30 mg once a day", the old dose, because the plan's mention was not read; the name the
    note's own list taught is read in the plan too. "Dietitian referral" is a referral."""
    note = ("MEDICATIONS:\n1. Tenapanor 30 mg daily.\n2. Amlodipine 10 mg daily.\n\nASSESSMENT AND PLAN:\n1. Secondary "
            "hyperparathyroidism of renal origin. Increase tenapanor to 60 mg daily.\n2. Hyperphosphatemia. Dietitian "
            "referral.\n")
    text = write_letter(document_from_text(note), kind="patient").text
    assert "- Take more Tenapanor. The new dose is 60 mg." in text and "30 mg" not in text
    assert "- We are referring you to a dietitian." in text
    gp = write_letter(document_from_text(note), kind="gp").text
    assert "60 mg" in gp
    from medassist.tasks.summarize import summarize

    s = summarize(document_from_text(note), use_embeddings=False).to_dict()
    assert any(m["fields"].get("change") == "increase" and m["fields"]["name"].lower() == "tenapanor"
               for m in s["medications"])


def test_a_well_child_letter_keeps_the_next_visit_and_no_growth_line_as_an_allergy():
    """A typed well-child visit: "GROWTH:" was no section, so "ALLERGIES: Amoxicillin (hives)." ran on into "Weight 19
    kg (75th percentile)" ("You are allergic to Weight 19 kg ..."); "Return at 5 years for next well-child visit, sooner
    if needed." gave no next visit, because its "sooner if needed" was taken for a warning and then dropped (an ACI-Bench
    note lost "Return in 1 year for routine wellness visit, sooner if needed." so)."""
    note = ("ALLERGIES: Amoxicillin (hives).\n\nGROWTH: Weight 19 kg (75th percentile), BMI 17.6 (88th percentile).\n\n"
            "ASSESSMENT AND PLAN:\n1. Well child check, 4 years.\n\nFOLLOW-UP: Return at 5 years for next well-child "
            "visit, sooner if needed.\n")
    text = write_letter(document_from_text(note), kind="patient").text
    assert text.split("Your allergies:\n")[1].split("\n\n")[0] == "- You are allergic to Amoxicillin (hives)."
    assert "- Please come back at age 5." in text
    yearly = note.replace("Return at 5 years for next well-child visit", "Return in 1 year for routine wellness visit")
    assert "- Please come back in 1 year." in write_letter(document_from_text(yearly), kind="patient").text


def test_a_childs_letter_goes_to_the_parent():
    """A patient letter for a 4-year-old said "Dear patient," and "You are allergic to ..." as if the child would read
    it: a child's letter greets the parent and says who "you" is; an adult's is unchanged. "14-1/2-year-old" is 14.5
    years, not 2."""
    from medassist.tasks.extract import patient_age

    note = ("HISTORY: 4-year-old boy here for his well-child check with his mother.\n\nALLERGIES: Amoxicillin (hives)."
            "\n\nASSESSMENT AND PLAN:\n1. Atopic dermatitis, mild. Continue hydrocortisone 1% cream as needed.\n")
    for kind in ("patient", "discharge"):
        text = write_letter(document_from_text(note), kind=kind).text
        assert "Dear parent or guardian," in text and 'Where this letter says "you", it means your child.' in text
    adult = write_letter(document_from_text(note.replace("4-year-old boy", "44-year-old man")), kind="patient").text
    assert "Dear patient," in adult and "your child" not in adult
    gp = write_letter(document_from_text(note), kind="gp").text
    assert "parent or guardian" not in gp
    assert patient_age("The patient is a 14-1/2-year-old boy with a 2-year-old brother.") == 14.5


DERM_CLINIC = """PROCEDURES: Shave biopsy of the left nasal ala lesion, sent to pathology. Cryotherapy with liquid nitrogen to 12 actinic keratoses on the scalp and hands.

ASSESSMENT AND PLAN:
1. Suspected basal cell carcinoma of the left nasal ala. Shave biopsy done; if confirmed, refer for Mohs surgery.
2. Actinic keratoses, 12 lesions, treated with cryotherapy. Expect blistering and crusting for 1 to 2 weeks.
3. Seborrheic keratoses, benign, no treatment needed.
4. Sun protection counseling: daily broad-spectrum SPF 30 sunscreen, wide-brimmed hat.

FOLLOW-UP: We will call with biopsy results in 1 to 2 weeks. Full skin exam in 6 months.
"""


def test_a_dermatology_letter_names_the_keratoses_the_biopsy_done_and_skin_care():
    """A typed dermatology visit: the letter named no diagnosis ("actinic keratoses" and "seborrheic keratoses", the
    plurals, were unknown words), listed the biopsy done today as a test still to do ("Shave biopsy done; if confirmed
    ..."), and left out what to expect after cryotherapy and the sun protection."""
    text = write_letter(document_from_text(DERM_CLINIC), kind="patient").text
    found = text.split("What we found:\n")[1].split("\n\n")[0]
    assert "Actinic keratoses" in found and "Seborrheic keratoses" in found and "basal cell" not in found.lower()
    assert "Tests we will do" not in text
    assert ("- Biopsy (taking a small piece of tissue to look at under a microscope): we are waiting for the result. "
            "We will tell you when it is back.") in text
    care = text.split("Caring for yourself:\n")[1].split("\n\n")[0]
    assert "- Expect blistering and crusting for 1 to 2 weeks." in care
    assert "- Protect your skin from the sun: daily broad-spectrum SPF 30 sunscreen, wide-brimmed hat." in care
    gp = write_letter(document_from_text(DERM_CLINIC), kind="gp").text
    assert gp.count("Shave biopsy of the left nasal ala lesion") == 1 and "(result awaited)" in gp
    later = "PLAN: She will be asked to have a KUB x-ray done prior to her follow-up.\n"
    assert "Tests we will do:\n- X-ray" in write_letter(document_from_text(later), kind="patient").text


def test_a_switch_to_an_oral_antibiotic_starts_it_with_the_whole_course_and_a_check_says_its_day_once():
    """A hospital day-3 note: "Day 3 of ceftriaxone; switch to oral cephalexin 500 mg four times daily to complete 7
    days." read "We changed how you take cephalexin." with no end; "recheck sodium tomorrow" read "Please see your
    doctor tomorrow to check your sodium tomorrow"."""
    note = ("ASSESSMENT AND PLAN:\n1. Urinary tract infection due to E. coli. Day 3 of ceftriaxone; switch to oral "
            "cephalexin 500 mg four times daily to complete 7 days.\n2. Hyponatremia, mild. Encourage oral intake; "
            "recheck sodium tomorrow.\n")
    text = write_letter(document_from_text(note), kind="discharge").text
    assert "- New medicine: cephalexin." in text and "We changed how you take cephalexin" not in text
    assert "take 500 mg four times a day to finish 7 days of treatment in all" in text
    assert "to check your sodium." in text and "sodium tomorrow" not in text


def test_a_urology_letter_keeps_the_fluids_advice_and_a_warning_reads_as_a_sentence():
    """"Drink at least 2 liters of water a day." was in no letter; "Call if unable to urinate or fever." read "Call us
    if unable to urinate or fever."."""
    note = ("ASSESSMENT AND PLAN:\n1. Benign prostatic hyperplasia with lower urinary tract symptoms. Add finasteride 5 mg "
            "daily.\n2. History of nephrolithiasis, no recent stones. Drink at least 2 liters of water a day.\n\n"
            "FOLLOW-UP: Return in 3 months with PSA. Call if unable to urinate or fever.\n")
    text = write_letter(document_from_text(note), kind="patient").text
    assert "- Drink at least 2 liters of water a day." in text.split("Caring for yourself:\n")[1]
    assert "- Call us if you are unable to urinate or have a fever." in text
    gp = write_letter(document_from_text(note), kind="gp").text
    assert "if they are unable to urinate or have a fever" in gp


def test_an_insulin_written_without_the_word_insulin_gets_its_new_dose_taken_when_the_list_says():
    """'Increase glargine to 34 units.' was no drug to the lexicons: the letter told the patient the list's old dose
    ('take 30 units at bedtime'). Now the increase is found, and its new dose keeps the list's time of day."""
    note = ("MEDICATIONS: Insulin glargine 30 units at bedtime. Metformin 500 mg twice daily.\n\n"
            "ASSESSMENT AND PLAN:\n1. Type 2 diabetes, uncontrolled. Increase glargine to 34 units. Continue metformin.\n")
    pt = _letter(note, "patient").text
    meds = pt.split("Your medicines:")[1].split("\n\n")[0]
    assert "The new dose is 34 units." in meds and "take 34 units at bedtime" in meds, meds
    assert "30 units" not in meds
    gp = _letter(note, "gp").text
    assert "dose increased; 34 units; at bedtime" in gp, gp
    # the same with the full name; a decrease of a drug whose list gives no time keeps only its dose
    full = note.replace("Increase glargine", "Increase insulin glargine")
    assert "take 34 units at bedtime" in _letter(full, "patient").text
    other = ("MEDICATIONS: Insulin lispro 6 units.\n\nPLAN:\n1. Decrease lispro to 4 units.\n")
    meds = _letter(other, "patient").text.split("Your medicines:")[1].split("\n\n")[0]
    assert "take 4 units." in meds and "6 units" not in meds, meds


def test_a_long_term_drug_use_line_is_no_finding_nor_what_the_next_visit_checks():
    """'Long-term use of insulin.' (the coder's Z79.4 wording) was listed under What we found, and 'Return in 3 months.'
    after it became 'Please come back in 3 months to check your long-term use of insulin.'"""
    note = ("MEDICATIONS: Insulin glargine 30 units at bedtime.\n\nASSESSMENT AND PLAN:\n1. Type 2 diabetes mellitus "
            "with hyperglycemia. Continue glargine.\n2. Hypothyroidism. Continue levothyroxine.\nLong-term use of insulin.\n"
            "Return in 3 months.\n")
    for kind in ("patient", "discharge"):
        text = _letter(note, kind).text
        assert "long-term use" not in text.lower(), text
        assert "Hypothyroidism" in text
    pt = _letter(note, "patient").text
    assert "- Please come back in 3 months.\n" in pt, pt


def test_a_headache_visits_self_care_reaches_the_letter_in_the_patients_words():
    """'Headache diary. Limit caffeine.' of a neurology plan were left out of the letter."""
    note = ("ASSESSMENT:\n1. Chronic migraine without aura.\n\nPLAN: Increase topiramate to 100 mg twice daily. Headache "
            "diary. Limit caffeine. Regular sleep schedule. Return in 3 months.\n")
    pt = _letter(note, "patient").text
    care = pt.split("Caring for yourself:")[1].split("\n\n")[0]
    assert "- Keep a headache diary: write down each headache, when it starts and what helps." in care, pt
    assert "- Limit caffeine." in care and "- Go to bed and get up at the same times every day." in care
    assert "Return" not in care and "topiramate" not in care


def test_a_note_without_a_medication_list_gives_the_medicines_its_history_says_are_taken_now():
    """A hematology visit with no medication list: 'Takes ferrous sulfate 325 mg every other day.' and 'On apixaban
    5 mg twice daily.' in the history were missing from the letter (or the apixaban dose was), so a patient could
    read the iron pill as stopped."""
    note = ("HPI: 54-year-old woman 6 weeks after a deep vein thrombosis of the left leg. On apixaban 5 mg twice daily. "
            "Takes ferrous sulfate 325 mg every other day. She was on prednisone last year. She continues to take "
            "Enablex and has not noted any improvement. Her sister takes tamoxifen.\n\n"
            "PMH: Hypertension on amlodipine. Depression.\n\n"
            "ASSESSMENT:\n1. Acute deep vein thrombosis of left femoral vein, on apixaban.\n"
            "2. Hyperlipidemia - start atorvastatin 20 mg daily.\n\nFollow up in 6 weeks.\n")
    lt = _letter(note, "patient").text
    meds = lt[lt.index("Your medicines:"):lt.index("\n\n", lt.index("Your medicines:"))]
    assert "Take ferrous sulfate." in meds and "take 325 mg every other day" in meds, meds
    assert "Take apixaban." in meds and "take 5 mg twice a day" in meds, meds
    assert "Take amlodipine." in meds, meds
    assert "Start taking atorvastatin." in meds, meds
    for drug in ("prednisone", "Enablex", "tamoxifen"):
        assert drug not in meds, (drug, meds)
    assert "- Hyperlipidemia:" in lt, lt  # (the diagnosis, without the order written after it)
    # with a medication list, the list says what is taken
    listed = note.replace("PMH:", "MEDICATIONS: Apixaban 5 mg twice daily. Amlodipine 5 mg daily.\n\nPMH:")
    meds = _letter(listed, "patient").text
    assert "ferrous sulfate" not in meds.split("Your medicines:")[1].split("\n\n")[0], meds


def test_hiv_medicines_are_medicines_in_the_patients_words():
    """'Continue Biktarvy.' was left out of the letter: no antiretroviral was in the drug lexicon."""
    note = ("HPI: 42-year-old man with HIV on bictegravir/emtricitabine/tenofovir alafenamide (Biktarvy).\n\n"
            "ASSESSMENT:\n1. HIV infection, well controlled. Continue Biktarvy.\n2. Chronic hepatitis B. Continue "
            "Vemlidy 25 mg daily.\n")
    lt = _letter(note, "patient").text
    assert "Keep taking Biktarvy" in lt and "It is an HIV medicine." in lt, lt
    assert "Keep taking Vemlidy." in lt and "hepatitis B medicine" in lt, lt
    assert "alafenamide." not in lt


def test_a_sleep_clinic_letter_says_to_use_the_cpap_and_not_to_drive_drowsy():
    """'Start auto-CPAP 5-15 cm H2O.' and 'Counseled not to drive when drowsy.' never reached the patient's letter
    (the CPAP words knew no 'auto-', the advice no 'not to')."""
    note = ("HPI: 46-year-old man with loud snoring and an AHI of 34.\n\nIMPRESSION:\n1. Severe obstructive sleep apnea.\n\n"
            "PLAN: Start auto-CPAP 5-15 cm H2O. Counseled not to drive when drowsy. I advised him to lose weight. "
            "Follow up in 8 weeks.\n")
    lt = _letter(note, "patient").text
    assert "Start using a CPAP machine (a breathing machine you wear while you sleep) every night" in lt, lt
    assert "H2O" not in lt, lt
    assert "- Please do not drive when drowsy." in lt, lt
    assert "- Please lose weight." in lt, lt


def test_a_dialysis_visits_problems_with_orders_and_causes_and_its_renal_medicines_reach_the_letter():
    """'Hyperphosphatemia - increase sevelamer to 1600 mg ...' and 'Fluid overload due to noncompliance with dialysis'
    were dropped from what we found (the order's 'to', the cause's 'due to' read as a sentence), and epoetin was no
    medicine of either lexicon."""
    note = ("Nephrology Progress Note\n\n58-year-old man with end-stage renal disease on hemodialysis.\n\n"
            "Assessment:\n1. ESRD on hemodialysis.\n2. Hyperphosphatemia - increase sevelamer to 1600 mg three times daily "
            "with meals.\n3. Secondary hyperparathyroidism of renal origin - start cinacalcet 30 mg daily.\n"
            "4. Anemia of CKD - increase epoetin dose.\n5. Fluid overload due to noncompliance with dialysis.\n"
            "6. Right foot pain, due to a Lisfranc fracture.\n")
    lt = _letter(note, "patient").text
    assert "- Hyperphosphatemia: high phosphorus in the blood." in lt, lt
    assert "- Fluid overload due to noncompliance with dialysis: too much fluid in the body." in lt, lt
    assert "- Right foot pain, due to a Lisfranc fracture: pain in the foot, caused by a broken bone." in lt, lt
    assert "Take more sevelamer. The new dose is 1600 mg." in lt and "a phosphorus medicine taken with meals" in lt, lt
    assert "cinacalcet" in lt and "a medicine for the parathyroid glands" in lt, lt
    assert "epoetin" in lt and "a medicine for anemia" in lt, lt
    assert "- Hyperphosphatemia - increase" not in lt


def test_a_transplant_letter_reads_the_historys_drug_list_and_an_order_after_a_drug_level():
    """'On tacrolimus 3 mg twice daily, mycophenolate 500 mg twice daily and prednisone 5 mg daily.' gave only the
    first drug (the rest of the list had no 'on' of its own); 'Subtherapeutic tacrolimus level - increase tacrolimus to
    4 mg twice daily' lost its new dose (the second 'tacrolimus' was read as the lab's)."""
    note = ("Kidney Transplant Clinic\n\n52-year-old woman, 3 years after a kidney transplant. On tacrolimus 3 mg twice "
            "daily, mycophenolate 500 mg twice daily and prednisone 5 mg daily.\n\nAssessment:\n1. Kidney transplant "
            "status.\n2. BK virus infection - reduce mycophenolate to 250 mg twice daily.\n3. Subtherapeutic tacrolimus "
            "level - increase tacrolimus to 4 mg twice daily.\n\nReturn in 1 week with labs.\n")
    lt = _letter(note, "patient").text
    assert "Take less mycophenolate. The new dose is 250 mg." in lt, lt
    assert "Take more tacrolimus. The new dose is 4 mg." in lt, lt
    assert "Take prednisone." in lt and "take 5 mg once a day" in lt, lt
    assert "500 mg" not in lt and "3 mg" not in lt, lt


def test_a_notes_title_and_a_test_at_the_next_visit_are_no_visit_of_their_own():
    """'Infectious Disease Clinic - HIV follow-up' (the note's title) and 'Skin prick testing at next visit' each
    added 'Please come back for a check-up as we planned.' beside the real 'Return in 4 weeks.'"""
    note = ("Allergy Clinic - follow-up\n\nHPI: 31-year-old man with hives.\n\nASSESSMENT:\n1. Chronic urticaria.\n\n"
            "PLAN: Cetirizine 10 mg twice daily. Skin prick testing at next visit. Return in 4 weeks.\n")
    lt = _letter(note, "patient").text
    visit = lt[lt.index("Your next visit:"):].split("\n\n")[0]
    assert visit == "Your next visit:\n- Please come back in 4 weeks.", visit
    assert "- Skin prick testing: an allergy test that pricks the skin" in lt, lt


def test_a_changed_tag_a_remark_after_a_dash_and_a_visit_with_when_to_come_sooner():
    """A discharge list's 'Atorvastatin 80 mg at bedtime. CHANGED (was 40 mg).' said only 'Take atorvastatin';
    'ADHD, combined type - doing well on Concerta' kept its remark (and 'Decreased appetite due to stimulant - add a
    snack' was dropped); 'Aftercare following surgery for cholelithiasis' was a finding; 'Return in 1 week for wound
    check, sooner if fever or spreading redness.' lost the visit to the warning."""
    note = ("DISCHARGE DIAGNOSES:\n1. ADHD, combined type - doing well on Concerta.\n2. Decreased appetite due to stimulant - "
            "add a high-calorie breakfast.\n3. Aftercare following surgery for cholelithiasis.\n4. Superficial incisional "
            "surgical site infection of umbilical port site.\n\nDISCHARGE MEDICATIONS:\n1. Atorvastatin 80 mg at bedtime. "
            "CHANGED (was 40 mg).\n2. Metoprolol 25 mg twice daily. CHANGED (was 50 mg).\n\n"
            "PLAN: Return in 1 week for wound check, sooner if fever or spreading redness.\n")
    lt = _letter(note, "discharge").text
    assert "Take more atorvastatin. The new dose is 80 mg." in lt, lt
    assert "Take less metoprolol. The new dose is 25 mg." in lt, lt
    assert "- ADHD, combined type: trouble paying attention" in lt and "doing well on" not in lt, lt
    assert "- Decreased appetite due to stimulant: loss of appetite." in lt, lt
    assert "Aftercare" not in lt, lt
    assert "- Superficial incisional surgical site infection of umbilical port site: an infection where the operation " \
           "was done." in lt, lt
    assert "in 1 week for wound check" in lt, lt
    assert "sooner if you have fever or spreading redness." in lt, lt


def test_a_transfusion_is_no_medicine_and_a_drug_use_line_no_diagnosis():
    """A GI-bleed discharge: 'Acute blood loss anemia, transfused 2 units.' gave 'Take transfused. How to take it:
    take 2 units.' (an unknown word before a dose was taken for a drug), and 'NSAID use (ibuprofen for knee
    osteoarthritis)' was a finding explained as osteoarthritis."""
    note = ("HOSPITAL DISCHARGE SUMMARY\n\nDiagnoses:\n1. Acute upper gastrointestinal hemorrhage due to gastric ulcer.\n2. Acute blood loss "
            "anemia, transfused 2 units.\n3. NSAID use (ibuprofen for knee osteoarthritis).\n4. Bilateral primary "
            "osteoarthritis of knees.\n\nDISCHARGE MEDICATIONS:\n- Pantoprazole 40 mg twice daily for 8 weeks.\n"
            "- STOP ibuprofen.\n")
    lt = _letter(note, "discharge").text
    assert "transfused." not in lt and "take 2 units" not in lt, lt
    assert "NSAID use" not in lt, lt
    assert "- Bilateral primary osteoarthritis of knees: wear and tear of the joints." in lt, lt
    assert "Stop taking ibuprofen." in lt and "Take pantoprazole." in lt, lt


def test_a_visit_with_suicidal_thoughts_gives_the_crisis_line_in_the_letter():
    """A psychiatry follow-up with 'Passive suicidal ideation without plan or intent' and 'Safety plan reviewed;
    crisis line 988 given.' gave a letter whose only warning was 'If you feel much worse, get help right away.'; a
    note that denies suicidal ideation gets no crisis line."""
    note = ("HPI: 34-year-old woman with recurrent depression. Passive suicidal ideation without plan or intent.\n\n"
            "ASSESSMENT:\n1. Major depressive disorder, recurrent, severe without psychotic features.\n2. Passive "
            "suicidal ideation.\n\nPLAN: Increase sertraline to 200 mg daily. Safety plan reviewed; crisis line 988 "
            "given. Return in 2 weeks.\n")
    for kind in ("patient", "discharge"):
        lt = _letter(note, kind).text
        assert "call or text 988 (the suicide and crisis line) any time, or go to the nearest emergency room." in lt, lt
    denied = ("HPI: 30-year-old man with depression. Denies suicidal ideation.\n\nASSESSMENT: Major depressive "
              "disorder, single episode, mild.\n\nPLAN: Start sertraline 50 mg daily.\n")
    assert "988" not in _letter(denied, "patient").text
    # a note whose own warning names the crisis line keeps its words, once
    own = note.replace("Safety plan reviewed; crisis line 988 given.",
                       "Call 988 or go to the nearest emergency room if thoughts of self-harm.")
    lt = _letter(own, "patient").text
    assert lt.count("988") == 1, lt
