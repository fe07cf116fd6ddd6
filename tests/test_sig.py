"""Sig parser: structured fields, plain words, evidence spans, medication changes."""

from __future__ import annotations

import pytest

from medassist.text.sig import detect_change, parse_sig

CASES = [
    # the length of a whole course, some of it taken already (a switch from IV to oral)
    ("500 mg four times daily to complete 7 days", "take 500 mg four times a day to finish 7 days of treatment in all"),
    ("500 mg twice daily to complete a 10-day course", "take 500 mg twice a day to finish 10 days of treatment in all"),
    ("500 mg twice daily for a total of 10 days", "take 500 mg twice a day to finish 10 days of treatment in all"),
    ("1 tab PO BID", "take 1 tablet by mouth twice a day"),
    ("1 tab p.o. b.i.d.", "take 1 tablet by mouth twice a day"),
    ("2 tabs po tid", "take 2 tablets by mouth three times a day"),
    ("1 cap PO QID", "take 1 capsule by mouth four times a day"),
    ("1 tab q.d.", "take 1 tablet once a day"),
    ("40 mg daily", "take 40 mg once a day"),
    ("20 mg PO qhs", "take 20 mg by mouth at bedtime"),
    ("1 tab PO qAM", "take 1 tablet by mouth every morning"),
    ("600 mg PO q6h PRN pain", "take 600 mg by mouth every 6 hours as needed for pain"),
    ("1-2 tabs po q4-6h prn pain", "take 1 to 2 tablets by mouth every 4 to 6 hours as needed for pain"),
    ("500 mg q8h x 7 days", "take 500 mg every 8 hours for 7 days"),
    ("500 mg TID for 10 days", "take 500 mg three times a day for 10 days"),
    ("2 puffs inh q4h prn wheezing", "breathe in 2 puffs every 4 hours as needed for wheezing"),
    ("0.4 mg SL q5min prn chest pain", "put 0.4 mg under the tongue every 5 minutes as needed for chest pain"),
    ("10 units subq qAM", "inject 10 units under the skin every morning"),
    ("1 gtt OU qhs", "put 1 drop in both eyes at bedtime"),
    ("2 gtts OS BID", "put 2 drops in the left eye twice a day"),
    ("1 gtt OD daily", "put 1 drop in the right eye once a day"),
    ("apply topically BID", "apply on the skin twice a day"),
    ("1 g IV q24h", "get 1 g through a drip into a vein every 24 hours"),
    ("25 mg IM once", "inject 25 mg into a muscle one time only"),
    ("1 supp PR q12h prn nausea", "insert 1 suppository in the rectum every 12 hours as needed for nausea"),
    ("2 sprays each nostril daily", "use 2 sprays in the nose once a day"),
    ("500 mg twice a day with meals", "take 500 mg twice a day with food"),
    ("40 mg daily, taper by 10 mg every 3 days", "take 40 mg once a day, then lower the dose by 10 mg every 3 days"),
    ("70 mg weekly", "take 70 mg once a week"),
    ("as needed by mouth", "take by mouth as needed"),
    ("10 mg three tablets three times a day", "take three tablets (10 mg) three times a day"),
    ("one tab PO daily", "take one tablet by mouth once a day"),
    ("2 tabs as needed for headache every 6 hours", "take 2 tablets every 6 hours as needed for headache"),
    ("5 mL PO q.i.d. prn cough", "take 5 mL by mouth four times a day as needed for cough"),
    # a dose by the days of the week, and another dose on the other days (warfarin)
    ("5 mg on Monday, Wednesday and Friday and 2.5 mg on all other days",
     "take 5 mg on Monday, Wednesday and Friday, and 2.5 mg on all other days"),
    ("2.5 mg daily except 5 mg on Mondays", "take 2.5 mg once a day, except 5 mg on Mondays"),
    ("70 mg every Sunday", "take 70 mg every Sunday"),
    ("1 tab on Mon/Wed/Fri", "take 1 tablet on Mon/Wed/Fri"),
    # a course by its day numbers (azithromycin), the days still to take
    ("500 mg by mouth on day 1, then 250 mg daily on days 2 through 5",
     "take 500 mg by mouth on day 1, then 250 mg once a day on days 2 to 5"),
    ("500 mg four times daily for 7 more days", "take 500 mg four times a day for 7 more days"),
    ("10 units at bedtime while on prednisone", "take 10 units at bedtime while on prednisone"),
    # a cream's strength is no amount to take; where it goes
    ("0.1% cream twice daily to the affected area for 2 weeks",
     "take the 0.1% cream twice a day to the affected area for 2 weeks"),
    # a part of a tablet after its strength: the strength is the tablet's ("half tablet (5 mg)" read as 5 mg a dose)
    ("5 mg half tablet daily", "take half of a 5 mg tablet once a day"),
    ("25 mg 1/2 tab twice daily", "take half of a 25 mg tablet twice a day"),
    ("1/2 tablet (2.5 mg) daily", "take 1/2 tablet (2.5 mg) once a day"),
    ("10 mg 1 tablet daily", "take 1 tablet (10 mg) once a day"),
    # the days around a treatment (it read "take 4 mg twice a day": every day)
    ("4 mg twice daily the day before, the day of and the day after chemotherapy",
     "take 4 mg twice a day the day before, the day of and the day after chemotherapy"),
    ("8 mg the night before and the morning of the procedure",
     "take 8 mg the night before and the morning of the procedure"),
    # on a schedule first, as needed after (it read "every 4 hours as needed for 2 days")
    ("4 puffs every 4 hours for 2 days, then as needed", "breathe in 4 puffs every 4 hours for 2 days, then as needed"),
    ("2 puffs q4h x 48 hours then q4h prn wheezing",
     "breathe in 2 puffs every 4 hours for 48 hours, then every 4 hours as needed for wheezing"),
    ("2 puffs every 4 hours as needed", "breathe in 2 puffs every 4 hours as needed"),
    # the day of a single dose (it read "one time only": now); not the day of going home
    ("16 mg by mouth once tomorrow", "take 16 mg by mouth one time only tomorrow"),
    ("tablets to take home with him tonight", ""),
]


@pytest.mark.parametrize("sig,plain", CASES)
def test_plain_words(sig, plain):
    assert parse_sig(sig).plain == plain


def test_structured_fields_and_evidence_offsets():
    source = "Plan: ibuprofen 600 mg PO q6h PRN pain x 7 days."
    start = source.index("600")
    s = parse_sig(source[start:], offset=start)
    assert (s.dose, s.unit, s.route, s.frequency, s.prn, s.prn_reason) == ("600", "mg", "oral", "Q6H", True, "pain")
    assert s.duration == "for 7 days"
    assert s.dose_text() == "600 mg"
    for field_, span in s.evidence.items():
        assert source[span.start:span.end] == span.text, field_
    assert s.evidence["dose"].text == "600 mg"
    assert s.evidence["frequency"].text == "q6h"
    d = s.to_dict()
    assert d["evidence"]["route"] == {"start": source.index("PO"), "end": source.index("PO") + 2, "text": "PO"}


def test_numbers_in_plain_words_come_from_the_sig():
    # TID is said in words: no digit appears that the sig did not contain
    import re

    for sig, _ in CASES:
        digits_in = set(re.findall(r"\d+(?:\.\d+)?", sig))
        assert set(re.findall(r"\d+(?:\.\d+)?", parse_sig(sig).plain)) <= digits_in, sig


def test_od_alone_is_not_an_eye_without_drops():
    s = parse_sig("1 tab OD")
    assert s.route is None and "eye" not in s.plain


def test_unknown_words_give_no_instructions():
    s = parse_sig("as discussed with the family")
    assert not s.has_instructions
    assert s.plain == ""


@pytest.mark.parametrize(
    "sentence,drug,kind",
    [
        ("Stop aspirin and start clopidogrel 75 mg daily.", "aspirin", "stop"),
        ("Stop aspirin and start clopidogrel 75 mg daily.", "clopidogrel", "start"),
        ("We will increase her lisinopril to 40 mg daily and initiate Lasix 20 mg daily.", "lisinopril", "increase"),
        ("We will increase her lisinopril to 40 mg daily and initiate Lasix 20 mg daily.", "Lasix", "start"),
        ("Continue omeprazole 40 mg once daily.", "omeprazole", "continue"),
        ("Discontinue metformin.", "metformin", "stop"),
        ("Decrease prednisone to 20 mg.", "prednisone", "decrease"),
        ("Switch from atenolol to metoprolol.", "metoprolol", "change"),
        ("Metoprolol was increased to 50 mg.", "Metoprolol", "increase"),
        ("Do not stop taking warfarin.", "warfarin", "continue"),
        ("She will come off the naproxen.", "naproxen", "stop"),
    ],
)
def test_detect_change(sentence, drug, kind):
    ch = detect_change(sentence, drug_start=sentence.index(drug))
    assert ch is not None and ch[0] == kind
    assert sentence[ch[1].start:ch[1].end] == ch[1].text


def test_negated_start_is_no_change():
    s = "We will not start metformin."
    assert detect_change(s, drug_start=s.index("metformin")) is None


@pytest.mark.parametrize("text,duration", [
    ("Cefpodoxime 200 mg twice daily for 3 more days.", "for 3 more days"),
    ("Amoxicillin 500 mg three times daily for another 5 days.", "for another 5 days"),
    ("Prednisone 40 mg daily for the next 4 days.", "for the next 4 days"),
    ("Amoxicillin 500 mg three times daily for 10 days.", "for 10 days"),
])
def test_a_remaining_course_is_a_duration(text, duration):
    """'for 3 more days' of a discharge antibiotic was dropped (the letter said only 'twice a day'); cefpodoxime was
    not in the drug lexicon at all."""
    from medassist.ingest import document_from_text
    from medassist.tasks.extract import extract_facts

    meds = extract_facts(document_from_text("MEDICATIONS: " + text + "\n")).medications
    assert len(meds) == 1 and meds[0].duration == duration, [(m.name, m.duration) for m in meds]


@pytest.mark.parametrize("text, dose, plain", [
    # a day's total split into doses: never "14 mg/kg ... twice a day" (which doubles the dose)
    ("40 mg/kg/day PO divided q8h", "40 mg/kg/day", "take 40 mg/kg/day by mouth in all, split into doses every 8 hours"),
    ("90 mg/kg/day divided twice daily", "90 mg/kg/day", "take 90 mg/kg/day in all, split into doses twice a day"),
    ("10 mg/kg/day PO daily", "10 mg/kg/day", "take 10 mg/kg/day by mouth once a day"),
    ("5 mg/kg/dose IV q8h", "5 mg/kg/dose", "get 5 mg/kg/dose through a drip into a vein every 8 hours"),
    # the dose it comes to, written beside it, is the dose to take
    ("14 mg/kg/day divided BID x 10 days (105 mg PO BID).", "105 mg", "take 105 mg by mouth twice a day for 10 days"),
    ("15 mg/kg (900 mg) IV q12h", "900 mg", "get 900 mg through a drip into a vein every 12 hours"),
])
def test_a_weight_based_dose_keeps_its_per_day_or_per_dose(text, dose, plain):
    sig = parse_sig(" " + text)
    assert sig.dose_text() == dose and sig.plain == plain


def test_a_change_verb_of_another_clause_is_not_the_drugs():
    """"Continue ibuprofen 100 mg q6h PRN; may alternate with acetaminophen 240 mg q6h PRN": acetaminophen is not
    continued (the patient was not taking it)."""
    text = "Continue ibuprofen 100 mg q6h PRN; may alternate with acetaminophen 240 mg q6h PRN."
    assert detect_change(text, drug_start=text.index("ibuprofen"))[0] == "continue"
    assert detect_change(text, drug_start=text.index("acetaminophen")) is None
    assert detect_change("Lisinopril 10 mg daily, continue.", drug_start=0)[0] == "continue"


def test_a_hold_parameter_is_not_a_stop():
    text = "Hold lisinopril if systolic BP below 100."
    assert detect_change(text, drug_start=text.index("lisinopril")) is None
    text = "Hold metoprolol for HR < 55."
    assert detect_change(text, drug_start=text.index("metoprolol")) is None
    text = "Hold warfarin for 2 days."
    assert detect_change(text, drug_start=text.index("warfarin"))[0] == "stop"


def test_a_written_dose_schedule_is_said_step_by_step():
    sig = parse_sig(": 40 mg daily x 3 days, then 30 mg daily x 3 days, then 20 mg daily x 3 days, then stop.")
    assert sig.dose_text() == "40 mg" and sig.duration == "for 3 days"
    assert sig.plain == ("take 40 mg once a day for 3 days, then 30 mg once a day for 3 days, "
                         "then 20 mg once a day for 3 days, then stop")
    assert sig.evidence["taper"].text == "30 mg daily x 3 days, then 20 mg daily x 3 days, then stop"
    # a taper without a schedule says no "take, then"; a wean of what the text leaves out is not this drug's
    assert parse_sig(" taper pack").plain == "lower the dose slowly, as your doctor told you"
    assert parse_sig(" and will wean off the ").taper is None
    assert parse_sig(" 10 units at bedtime until prednisone is finished.").duration == "until prednisone is finished"
