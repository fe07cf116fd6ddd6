"""ConText-style assertion status: cues, scopes, terminators, pseudo cues, sections, precedence, rules file."""

from __future__ import annotations

import json

import pytest

from medassist.config import resource_path
from medassist.ingest import document_from_text
from medassist.text.context import Context, ContextRule, ContextRules, classify


def status(text: str, mention: str, nth: int = 0):
    i = -1
    for _ in range(nth + 1):
        i = text.index(mention, i + 1)
    return classify(text, i, i + len(mention))


@pytest.mark.parametrize(
    "text,mention,expected,cue",
    [
        # the required cases
        ("Patient denies chest pain.", "chest pain", "negated", "denies"),
        ("No history of diabetes.", "diabetes", "negated", "No history of"),
        ("Will rule out pneumonia.", "pneumonia", "uncertain", "rule out"),
        ("Family history of breast cancer.", "breast cancer", "family", "Family history"),
        ("History of MI in 2019.", "MI", "historical", "History of"),
        ("Patient has hypertension.", "hypertension", "affirmed", None),
        ("Mother has diabetes.", "diabetes", "family", "Mother"),
        # negation
        ("She is without edema.", "edema", "negated", "without"),
        ("CT negative for pulmonary embolism.", "pulmonary embolism", "negated", "negative for"),
        ("There is no evidence of metastatic disease.", "metastatic disease", "negated", "no evidence of"),
        ("Pulmonary embolism was ruled out.", "Pulmonary embolism", "negated", "was ruled out"),
        ("Strep test is negative.", "Strep", "negated", "is negative"),
        ("Lungs free of wheezes.", "wheezes", "negated", "free of"),
        ("Denies fever, chills, or night sweats.", "night sweats", "negated", "Denies"),
        ("Absence of ascites.", "ascites", "negated", "Absence of"),
        ("Rapid strep negative.", "strep", "negated", "negative"),
        ("A bulging tenosynovitis rather than a true ganglion cyst.", "ganglion cyst", "negated", "rather than"),
        # uncertainty
        ("Not sure if it is pneumonia.", "pneumonia", "uncertain", "Not sure if"),
        ("Possible early appendicitis.", "appendicitis", "uncertain", "Possible"),
        ("CXR: ?pneumonia in the right base.", "pneumonia", "uncertain", "?"),
        ("R/O sepsis.", "sepsis", "uncertain", "R/O"),
        ("Cannot exclude a small fracture.", "fracture", "uncertain", "Cannot exclude"),
        ("Concern for cellulitis.", "cellulitis", "uncertain", "Concern for"),
        ("He may have gout.", "gout", "uncertain", "may have"),
        ("Questionable infiltrate.", "infiltrate", "uncertain", "Questionable"),
        ("Malignancy cannot be ruled out.", "Malignancy", "uncertain", "cannot be ruled out"),
        # 'resolved' ends a condition; 'not resolved' does not, nor does the end of an exacerbation end the disease
        ("Cellulitis, resolved.", "Cellulitis", "negated", "resolved"),
        ("Cellulitis, not resolved after 5 days of cephalexin.", "Cellulitis", "affirmed", None),
        ("Cellulitis, partially resolved.", "Cellulitis", "affirmed", None),
        ("COPD, stable, recent exacerbation resolved.", "COPD", "affirmed", None),
        ("Asthma flare has resolved.", "Asthma", "affirmed", None),
        # history
        ("Status post appendectomy.", "appendectomy", "historical", "Status post"),
        ("He is s/p CABG.", "CABG", "historical", "s/p"),
        ("Prior stroke with no residual deficit.", "stroke", "historical", "Prior"),
        ("She had a stroke in 2015.", "stroke", "historical", "in 2015"),
        ("Pneumonia 5 years ago.", "Pneumonia", "historical", "years ago"),
        ("A woman with a past medical history significant for CHF who presents today.", "CHF", "historical", "past medical history significant for"),
        # hypothetical
        ("Return if you develop fever.", "fever", "hypothetical", "Return if"),
        ("Call us if you have chest pain.", "chest pain", "hypothetical", "if you have"),
        ("In case of bleeding, stop the aspirin.", "bleeding", "hypothetical", "In case of"),
        ("Should you notice swelling, call.", "swelling", "hypothetical", "Should you"),
        # instructions and consent: what might happen is not what the patient has
        ("Seek immediate medical attention for shortness of breath, chest pain, or fever.", "fever", "hypothetical", "Seek immediate medical attention for"),
        ("The risks include but not limited to continued pain, swelling, infection.", "infection", "hypothetical", "risks include"),
        ("Risks of surgery such as bleeding and infection were discussed.", "infection", "hypothetical", "Risks of"),
        ("Antibiotics to prevent infection.", "infection", "hypothetical", "to prevent"),
        # the whole phrase negates; a relative alone makes it the family's
        ("No family history of colon cancer.", "colon cancer", "negated", "No family history of"),
        # pseudo cues are not cues
        ("No change in the pulmonary nodule.", "pulmonary nodule", "affirmed", None),
        ("Gram negative rods in sepsis.", "sepsis", "affirmed", None),
        ("Walks without difficulty; has knee pain.", "knee pain", "affirmed", None),
        ("Her mother and maternal aunt both had breast cancer.", "breast cancer", "family", "aunt"),
        # a relative far away in the sentence, or a reporting verb in between, does not reach the patient's problem
        ("His mother drove him to the emergency room today because of severe chest pain.", "chest pain", "affirmed", None),
        ("His wife states he has fever.", "fever", "affirmed", None),
        # how long a current problem has lasted is not past history; a hyphenated "non-" negates one word
        ("She presented with a 3-month history of bilateral eye pain.", "eye pain", "affirmed", None),
        ("A 38-year-old with a 3-year history of Crohn's disease.", "Crohn's disease", "affirmed", None),
        ("A three-week history of general malaise.", "malaise", "affirmed", None),
        ("He has a history of stroke and a 2-week history of cough.", "stroke", "historical", "history of"),
        # what a patient presents with is the presenting complaint; a date still makes it past
        ("He presented to the emergency department with a history of gastrointestinal bleeding.", "gastrointestinal bleeding", "affirmed", None),
        ("A woman was studied for presenting a history of abdominal pain.", "abdominal pain", "affirmed", None),
        ("She presented with a history of myocardial infarction in 2019.", "myocardial infarction", "historical", "in 2019"),
        ("She presented with hematuria and a history of myocardial infarction.", "myocardial infarction", "historical", "history of"),
        # a negation does not reach into the presenting complaint, nor into a new clause with a test's result
        ("A man with no relevant past medical history, presented to the emergency department with a history of "
         "gastrointestinal bleeding.", "gastrointestinal bleeding", "affirmed", None),
        ("Fever without affecting the general condition, and the chest X-ray shows a large mediastinal mass.",
         "mediastinal mass", "affirmed", None),
        ("No fever, and the chest X-ray shows no consolidation.", "consolidation", "negated", "no"),
        ("No cough, fever or chills.", "chills", "negated", "No"),
        ("Examination revealed non-painful hepatomegaly.", "hepatomegaly", "affirmed", None),
        ("Non-tender abdomen, no masses.", "masses", "negated", "no"),
        # a negation before "presented" stays in its own clause
        ("No prior use of gastrolesive drugs, presented to the emergency department with melena.", "melena", "affirmed", None),
        ("A man with no toxic habits or history of interest, comes to the clinic with a mass after perineal trauma.", "perineal trauma", "affirmed", None),
        ("No fever or weight loss, was admitted for hematuria.", "hematuria", "affirmed", None),
        ("No fever or weight loss.", "weight loss", "negated", "No"),
        # "without known allergies, with a history of ..." and "no history of interest" do not negate what follows
        ("A woman, without known drug allergies, with a history of myocardial infarction.", "myocardial infarction", "historical", "history of"),
        ("A woman, without known drug allergies, with a history of hypertension.", "drug allergies", "negated", "without"),
        ("A patient with no history of interest was diagnosed with ileal Crohn's disease.", "Crohn's disease", "affirmed", None),
        ("A man with no history of interest was studied for abdominal pain.", "abdominal pain", "affirmed", None),
        # a new finding after a negated one (CodiEsp case reports, 2026-12-05): the negation stops there ...
        ("A left testicle with no abnormalities and an epididymis cyst in the head.", "epididymis cyst", "affirmed", None),
        ("Auscultation without apparent murmur, with paresis of the left arm.", "paresis", "affirmed", None),
        ("Without any urological history, he began with hematuria after catheterization.", "hematuria", "affirmed", None),
        ("A man without known allergies diagnosed with gastric adenocarcinoma.", "gastric adenocarcinoma", "affirmed", None),
        ("No peritoneal irritation and the CT showed portal vein thrombosis.", "portal vein thrombosis", "affirmed", None),
        ("Treatment did not improve his symptoms, presenting syncope almost daily.", "syncope", "affirmed", None),
        ("She was free of it for a year, when she returned with a jaw fistula.", "jaw fistula", "affirmed", None),
        ("Advised not to drink and, 24 hours later, complained of asthenia.", "asthenia", "affirmed", None),
        ("No relevant history during pregnancy, had been operated on for glaucoma.", "glaucoma", "affirmed", None),
        ("He had no family history of interest and personal history of controlled arterial hypertension.", "arterial hypertension", "historical", "history of"),
        ("No allergies or toxic habits, was hypertensive and had hypothyroidism.", "hypothyroidism", "affirmed", None),
        ("Without an evident response, it was necessary to start radiotherapy, finding an adenopathy.", "adenopathy", "affirmed", None),
        ("The patient did not improve and starts to present ocular proptosis.", "ocular proptosis", "affirmed", None),
        ("Hepatitis without complications whose diagnosis was acute viral hepatitis.", "acute viral hepatitis", "affirmed", None),
        ("No risk factors for TBC and the urine culture was positive for tuberculosis.", "tuberculosis", "affirmed", None),
        ("The biopsy was not performed and it was assumed that amyloidosis caused the nephrotic syndrome.", "nephrotic syndrome", "affirmed", None),
        # ... but a list under the negation stays negated
        ("No family history of sudden death or personal history of syncope.", "syncope", "negated", "No family history of"),
        ("She has no cough, and has no fever.", "fever", "negated", "no"),
        ("No purulent exudate, perforation, abscesses, fistulas or peritonitis.", "peritonitis", "negated", "No"),
        ("No pneumothorax and the heart size is normal.", "pneumothorax", "negated", "No"),
        ("Denies fever, chills, and a cough.", "cough", "negated", "Denies"),
        ("No fever, chills or night sweats.", "night sweats", "negated", "No"),
        ("He denies chest pain and shortness of breath.", "shortness of breath", "negated", "denies"),
        ("No pneumothorax and no pleural effusion.", "pleural effusion", "negated", "no"),
        # a differential is a list of possibilities; a CBC 'with differential' is a lab test
        ("The differential entertained on this patient includes upper respiratory infection, gastroenteritis.",
         "gastroenteritis", "uncertain", "differential entertained"),
        ("Differential diagnosis: sarcoidosis, lymphoma.", "lymphoma", "uncertain", None),  # a section of its own
        ("The differential diagnosis is sarcoidosis or lymphoma.", "lymphoma", "uncertain", "differential diagnosis is"),
        ("CBC with differential was significant for leukocytosis.", "leukocytosis", "affirmed", None),
        # what the patient fears, screens for or prevents, and another person's condition, are not the patient's
        ("He is concerned about prostate cancer.", "prostate cancer", "hypothetical", "concerned about"),
        ("She is worried that she has diabetes.", "diabetes", "hypothetical", "worried that"),
        ("Stroke risk reduction with aspirin.", "Stroke", "hypothetical", "risk reduction"),
        ("DVT prophylaxis with enoxaparin.", "DVT", "hypothetical", "prophylaxis"),
        ("Diabetes screening is up to date.", "Diabetes", "hypothetical", "screening is up to date"),
        ("Screening for colon cancer.", "colon cancer", "hypothetical", "Screening for"),
        ("Her husband has Alzheimer's disease and she is his caregiver.", "Alzheimer's disease", "hypothetical", "Her husband"),
        ("She has hypertension; she is concerned about her weight.", "hypertension", "affirmed", None),
        ("Abdominal pain. Appendicitis has been excluded by CT.", "Appendicitis", "negated", "has been excluded"),
        ("Prediabetes screening: A1c ordered.", "Prediabetes", "hypothetical", "screening"),
        # a negative work-up list ends at the positive result after it
        ("Negative values were recorded for VDRL, toxoplasmosis and hepatitis B and positive for hepatitis C.",
         "toxoplasmosis", "negated", "Negative values were recorded for"),
        ("Negative values were recorded for VDRL, toxoplasmosis and hepatitis B and positive for hepatitis C.",
         "hepatitis C", "affirmed", None),
        # a negated clause ends where a new assertion begins
        ("Troponin was mildly elevated without a rise, consistent with demand ischemia.", "demand ischemia", "affirmed",
         None),
        ("There is no infiltrate, likely atelectasis.", "atelectasis", "uncertain", "likely"),
        ("No fever, chills or rigors.", "rigors", "negated", "No"),
        ("Appendicitis has not been excluded.", "Appendicitis", "uncertain", "not been excluded"),
        # a relative's diagnosis ('was diagnosed' ends other cues, not this one)
        ("Her son was recently diagnosed with diabetes.", "diabetes", "family", "son was recently diagnosed with"),
        ("A paternal uncle was also diagnosed with stage 5 chronic kidney disease.", "chronic kidney disease", "family",
         "uncle was also diagnosed with"),
        ("He was diagnosed with diabetes in 2015 and takes metformin.", "diabetes", "historical", "in 2015"),
        # a radiologist's hedge
        ("Left basilar opacity may represent atelectasis or pneumonia.", "pneumonia", "uncertain", "may represent"),
        ("The density could reflect scarring.", "scarring", "uncertain", "could reflect"),
        ("Left basilar opacity may represent atelectasis or pneumonia.", "opacity", "affirmed", None),
        # a new assertion after a negated clause also when 'findings' introduce it
        ("No acute cardiopulmonary abnormality, findings compatible with emphysema.", "emphysema", "affirmed", None),
        ("No acute abnormality, the findings are consistent with chronic bronchitis.", "chronic bronchitis", "affirmed",
         None),
        # a condition that resolved during the stay is the encounter's (coded), not negated; the radiology checks
        # read 'resolution of' themselves (resources/impression_checks.json resolved_before)
        ("On day 12, resolution of acute renal failure was observed.", "acute renal failure", "affirmed", None),
    ],
)
def test_cases(text, mention, expected, cue):
    c = status(text, mention)
    assert c.status == expected, (text, c)
    if cue is None:
        assert c.cue is None
    else:
        assert c.cue is not None and c.cue.text == cue
        assert text[c.cue.start : c.cue.end] == c.cue.text


def test_terminator_ends_scope():
    t = "No fever but has cough."
    assert status(t, "fever").status == "negated"
    assert status(t, "cough").status == "affirmed"
    t = "Denies chest pain, however reports dyspnea."
    assert status(t, "dyspnea").status == "affirmed"
    assert status(t, "chest pain").status == "negated"


def test_scope_stays_in_the_sentence():
    t = "He denies fever. Cough for two days."
    assert status(t, "fever").status == "negated"
    assert status(t, "Cough").status == "affirmed"


def test_backward_cue_does_not_reach_forward():
    t = "Pneumonia was ruled out and treated for sinusitis."
    assert status(t, "Pneumonia").status == "negated"
    assert status(t, "sinusitis").status == "affirmed"


def test_max_scope_caps_the_cue():
    # "prior" reaches 4 words only
    t = "Prior imaging of the chest and abdomen showed a mass."
    assert status(t, "imaging").status == "historical"
    assert status(t, "mass").status == "affirmed"


@pytest.mark.parametrize("text,mention,expected", [
    # a capped cue reaches every item of a comma list of short items ...
    ("There is always a risk of amputation, heart attack, stroke, blood clots, pulmonary embolism, and death.",
     "pulmonary embolism", "hypothetical"),
    ("There is always a risk of amputation, heart attack, stroke, blood clots, pulmonary embolism, and death.",
     "death", "hypothetical"),
    # ... not a clause after the list, and not past a one-word cue's word
    ("She is at risk of falls, and she has diabetes and hypertension.", "hypertension", "affirmed"),
    ("A non-painful, progressive left malar tumor.", "malar tumor", "affirmed"),
    ("A 77-year-old, non-allergic, ex-smoker male.", "ex-smoker", "affirmed"),
])
def test_a_capped_scope_reaches_the_items_of_a_comma_list(text, mention, expected):
    assert status(text, mention).status == expected, (text, status(text, mention))


@pytest.mark.parametrize("text,mention,expected", [
    # 'presented' ends other cues' scope ("No fever; presented with cough"); after 'did not' it is the negation's verb
    ("The infant has not presented infections since birth.", "infections", "negated"),
    ("During her stay she did not present vomiting or pruritus or constipation.", "constipation", "negated"),
    ("Patient didn't present fever, but had cough.", "fever", "negated"),
    ("Patient didn't present fever, but had cough.", "cough", "affirmed"),
    # not where 'present to' is going somewhere, nor an affirmed 'presented'
    ("She did not present to the clinic with chest pain.", "chest pain", "affirmed"),
    ("The patient presented fever and cough.", "fever", "affirmed"),
])
def test_did_not_present_is_a_negation(text, mention, expected):
    assert status(text, mention).status == expected, (text, status(text, mention))


def test_precedence():
    # negated beats historical; family beats negated; hypothetical beats uncertain
    assert status("No history of asthma.", "asthma").status == "negated"
    c = status("History of possible asthma.", "asthma")
    assert c.status == "uncertain" and c.applied == ["uncertain", "historical"]
    assert status("Her father denied any cancer.", "cancer").status == "family"
    assert status("If possible pneumonia develops, call.", "pneumonia").status == "hypothetical"


def test_sections_give_status():
    note = (
        "PAST MEDICAL HISTORY:\nHypertension. No diabetes.\n\n"
        "FAMILY HISTORY:\nColon cancer.\n\n"
        "HPI: Cough for 3 days.\n"
    )
    doc = document_from_text(note)
    c = status(doc.text, "Hypertension")
    assert (c.status, c.cue, c.section) == ("historical", None, "pmh")
    assert status(doc.text, "diabetes").status == "negated"  # a cue with precedence beats the section
    c = classify(doc, doc.text.index("Colon"), doc.text.index("Colon") + len("Colon cancer"))
    assert (c.status, c.section) == ("family", "family_history")
    c = classify(doc, doc.text.index("Cough"), doc.text.index("Cough") + 5)
    assert (c.status, c.section) == ("affirmed", "hpi")


def test_document_and_text_agree_and_to_dict():
    t = "ROS: Denies chest pain.\nPLAN: Possible stress test."
    doc = document_from_text(t)
    for m in ("chest pain", "stress test"):
        i = t.index(m)
        assert classify(doc, i, i + len(m)) == classify(t, i, i + len(m))
    i = t.index("chest pain")
    d = classify(doc, i, i + 10).to_dict()
    assert d["status"] == "negated" and d["cue"] == {"start": 5, "end": 11, "text": "Denies"} and d["section"] == "ros"
    assert json.loads(json.dumps(d)) == d


def test_mention_in_a_header_line_or_out_of_range():
    t = "FAMILY HISTORY\nNone."
    c = classify(t, 0, 6)
    assert isinstance(c, Context)
    with pytest.raises(ValueError):
        classify(t, 5, 100)


def test_rules_round_trip_and_validation():
    raw = json.loads(resource_path("context_rules.json").read_text(encoding="utf-8"))
    rules = ContextRules.from_json(resource_path("context_rules.json"))
    assert ContextRules.from_json(rules.to_json()).to_dict() == rules.to_dict()
    assert [r.to_dict() for r in rules.rules] == [
        {k: r[k] for k in ("pattern", "literal", "category", "direction", "max_scope", "clause_only", "forward_only")
         if k in r}
        for r in raw["context_rules"]
    ]
    with pytest.raises(ValueError, match="direction"):
        ContextRule.from_dict({"literal": "x", "category": "NEGATED_EXISTENCE", "direction": "SIDEWAYS"})
    with pytest.raises(ValueError, match="category"):
        ContextRule.from_dict({"literal": "x", "category": "MAYBE", "direction": "FORWARD"})


def test_custom_rules_are_used():
    rules = ContextRules.from_dict(
        {"context_rules": [{"literal": "nope", "category": "NEGATED_EXISTENCE", "direction": "BACKWARD"}]}
    )
    t = "Fever nope. No cough."
    assert classify(t, 0, 5, rules=rules).status == "negated"
    assert classify(t, t.index("cough"), t.index("cough") + 5, rules=rules).status == "affirmed"


def test_every_literal_rule_is_found_in_any_case():
    rules = ContextRules.default()
    for r in rules.rules:
        if r.pattern is not None:
            continue
        for form in (r.literal, r.literal.upper(), r.literal.title()):
            text = f"Zq {form.replace(' ', '  ')} zq."
            cues = rules.cues(text, 0, len(text))
            got = [(c.start, c.end, c.rule.literal) for c in cues]
            assert (3, 3 + len(form) + form.count(" "), r.literal) in got, (form, got)


def test_literal_needs_word_boundaries():
    rules = ContextRules.default()
    for text in ("Knowledge of nothing.", "Nonspecific findings.", "Ifosfamide given.", "Butter."):
        assert [c.rule.literal for c in rules.cues(text, 0, len(text))] == [], text


def test_clause_only_cues_do_not_reach_past_a_comma():
    """'X within normal limits' and 'X not well demonstrated' negate the words just before them, never a problem
    named earlier in the sentence ('hypertension, blood pressure is within normal limits')."""
    from medassist.text.context import ContextRule, classify

    def status(t, w):
        i = t.index(w)
        return classify(t, i, i + len(w)).status

    assert status("Patient with hypertension, blood pressure is within normal limits.", "hypertension") == "affirmed"
    assert status("Pulmonary vascular engorgement appears within limits of normal.", "engorgement") == "negated"
    assert status("Lung cancer, metastases not demonstrated.", "cancer") == "affirmed"
    assert status("Lung cancer, metastases not demonstrated.", "metastases") == "negated"
    rule = ContextRule.from_dict({"literal": "x", "category": "NEGATED_EXISTENCE", "direction": "BACKWARD",
                                  "clause_only": True})
    assert rule.clause_only and rule.to_dict()["clause_only"] is True


# ---------------------------------------------------------------- present tense in the past medical history
@pytest.mark.parametrize("line,mention,expected,cue", [
    ("He has gastroesophageal reflux disease.", "gastroesophageal reflux disease", "affirmed", "He has"),
    ("She currently has migraine headaches.", "migraine", "affirmed", "She currently has"),
    ("Asthma, currently on inhalers.", "Asthma", "affirmed", "currently on"),
    ("Hypertension, well controlled.", "Hypertension", "affirmed", "well controlled"),
    ("Osteoarthritis of the right knee, ongoing.", "Osteoarthritis", "affirmed", "ongoing"),
    ("Active hepatitis C.", "hepatitis C", "affirmed", "Active"),
    ("Obstructive sleep apnea on CPAP.", "sleep apnea", "affirmed", "on CPAP"),
    # past events stay past: the section's status, or an explicit cue
    ("Pneumonia.", "Pneumonia", "historical", None),
    ("He has had a myocardial infarction.", "myocardial infarction", "historical", None),
    ("He has been treated for tuberculosis.", "tuberculosis", "historical", None),
    ("He has a history of myocardial infarction.", "myocardial infarction", "historical", "history of"),
    ("Patient has a remote history of DVT.", "DVT", "historical", "history of"),
    ("Pneumonia in 2015. He has asthma.", "Pneumonia", "historical", "in 2015"),
    ("GERD, appendicitis, OSA on CPAP.", "GERD", "historical", None),  # a treatment belongs to its own item
    # a negation still wins
    ("He has no diabetes.", "diabetes", "negated", "no"),
])
def test_a_present_tense_statement_in_the_past_history_is_current(line, mention, expected, cue):
    doc = document_from_text(f"CHIEF COMPLAINT: Cough.\n\nPAST MEDICAL HISTORY: {line}\n")
    i = doc.text.index(mention)
    c = classify(doc, i, i + len(mention))
    assert c.section == "pmh"
    assert c.status == expected, (line, c)
    assert (c.cue.text if c.cue else None) == cue, (line, c)


def test_a_present_tense_cue_changes_nothing_outside_the_past_history():
    # affirmed without a cue where no section status is overridden; never above a negation or a relative
    for text, mention, expected in (("HPI: Active hepatitis C.", "hepatitis C", "affirmed"),
                                    ("HPI: He has no chest pain.", "chest pain", "negated"),
                                    ("FAMILY HISTORY: She has a sister who has breast cancer.", "breast cancer", "family")):
        doc = document_from_text(text + "\n")
        i = doc.text.index(mention)
        c = classify(doc, i, i + len(mention))
        assert c.status == expected, (text, c)
        if expected == "affirmed":
            assert c.cue is None and c.applied == []


def test_section_exceptions_may_name_a_category():
    base = {"section_categories": {"pmh": "HISTORICAL"},
            "context_rules": [{"literal": "still has", "category": "CURRENT", "direction": "FORWARD"}]}
    t = "PAST MEDICAL HISTORY: He still has gout.\n"
    i = t.index("gout")
    without = ContextRules.from_dict(base)
    with_cat = ContextRules.from_dict({**base, "section_exceptions": {"pmh": ["CURRENT"]}})
    assert classify(t, i, i + 4, rules=without).status == "historical"
    assert classify(t, i, i + 4, rules=with_cat).status == "affirmed"
    assert ContextRules.from_json(with_cat.to_json()).section_exceptions == {"pmh": ["CURRENT"]}


def test_a_problem_list_is_current_not_past_history():
    doc = document_from_text("PROBLEM LIST:\n1. Atrial fibrillation\n2. Hypothyroidism\n\n"
                             "PAST MEDICAL HISTORY:\nAppendicitis.\n")
    for m, want in (("Atrial fibrillation", ("problem_list", "affirmed")), ("Appendicitis", ("pmh", "historical"))):
        i = doc.text.index(m)
        c = classify(doc, i, i + len(m))
        assert (c.section, c.status) == want


@pytest.mark.parametrize("text,mention,expected", [
    # a list introduced by a line ending with a colon: its items are sentences of their own
    ("Potential complications include, but are not limited to:\n1. Infection.\n2. Bleeding.\n3. Impotence.", "Impotence", "hypothetical"),
    ("Possible complications include:,1.  Neuropathy.,2.  Retinopathy.", "Retinopathy", "hypothetical"),
    ("Possible complications include:\n1. Neuropathy.\n\nHe has diabetes.", "diabetes", "affirmed"),  # the list has ended
    ("Complications of his diabetes include:\n1. Neuropathy.", "Neuropathy", "affirmed"),  # his, not a risk
    # risk discussions inside a sentence
    ("Risk of anesthesia, bleeding, infection, pain, MI, DVT, PE were discussed.", "PE", "hypothetical"),
    ("Risk of anesthesia, bleeding, infection, pain, MI, DVT, PE were discussed.", "bleeding", "hypothetical"),
    ("He is at risk of falls and was treated for sepsis, pneumonia and a stroke last month.", "stroke", "affirmed"),
    ("He is at risk of falls.", "falls", "hypothetical"),
    # "risk for" is the same risk ("high risk for PE" gave an affirmed pulmonary embolism)
    ("He cannot be taken off Coumadin due to the swelling and high risk for PE.", "PE", "hypothetical"),
    ("She is at increased risk for stroke.", "stroke", "hypothetical"),
    ("Risk for anesthesia, bleeding, infection, DVT, and PE were discussed.", "DVT", "hypothetical"),
    ("She is at risk for falls, and she has diabetes and hypertension.", "hypertension", "affirmed"),
    # "pain free": the word before "free" is absent ("back to normal and pain free now" gave R52)
    ("He seems to be back to normal and pain free now.", "pain", "negated"),
    ("She has been chest pain-free since the stent.", "chest pain", "negated"),
    ("Seizure-free for 2 years on levetiracetam.", "Seizure", "negated"),
    ("There is moderate free fluid in the pelvis.", "free fluid", "affirmed"),
    ("Free air under the diaphragm.", "Free air", "affirmed"),
    ("Tension-free hernia repair with mesh.", "hernia", "affirmed"),
    ("She is symptom free at rest but has angina on exertion.", "angina", "affirmed"),
    # "perhaps" / "maybe" are hedges like "possibly", within their clause
    ("It was thought to be perhaps necrotic lung tissue, perhaps a deposit related to tuberculosis in the cavity.",
     "tuberculosis", "uncertain"),
    ("Maybe a viral infection.", "viral infection", "uncertain"),
    ("Perhaps he will need surgery. He has a hernia.", "hernia", "affirmed"),
    ("The risk of the procedure discussed include infection, bleeding, allergic reaction, dural puncture, headache, "
     "nerve injuries, spinal cord injury.", "headache", "hypothetical"),
    ("The risk of the procedure discussed include infection, bleeding, dural puncture.", "dural puncture", "hypothetical"),
    ("The risk of the procedure was low. She has a headache.", "headache", "affirmed"),
    ("Nature of the procedure including risks and complications of bleeding, infection, alteration of voice were offered.", "infection", "hypothetical"),
    ("All risks as well as complications were discussed, which include, but are not limited to infection, deep vein thrombosis, pulmonary embolism.", "pulmonary embolism", "hypothetical"),
    ("He accepts all treatment-associated risks to include but not be limited to bleeding, infection, sepsis, stroke.", "stroke", "hypothetical"),
    ("We have discussed bleeding, infection, injury to the rectum.", "injury to the rectum", "hypothetical"),
    ("Preoperative antibiotics were given for prophylaxis against surgical infection.", "infection", "hypothetical"),
    ("The patient developed complications including sepsis and pneumonia.", "sepsis", "affirmed"),
    ("His medications include but are not limited to aspirin. He has diabetes.", "diabetes", "affirmed"),
    # a semicolon list goes on; a clause after a semicolon does not
    ("He accepts the risks to include bleeding requiring transfusion; infection; sepsis; heart attack; stroke.", "stroke", "hypothetical"),
    ("Denies fever; chills; night sweats.", "night sweats", "negated"),
    ("No fever; he has a cough.", "cough", "affirmed"),
    ("No fever; blood pressure was high; hypertension noted.", "hypertension", "affirmed"),
])
def test_lists_of_risks_are_hypothetical(text, mention, expected):
    doc = document_from_text(text)
    i = doc.text.index(mention)
    c = classify(doc, i, i + len(mention))
    assert c.status == expected, (text, c)


@pytest.mark.parametrize("text,mention,expected", [
    # a cue after "and" opens the next item: it does not reach back ("renal stone and possibly infected stent")
    ("Right lower pole renal stone and possibly infected stent.", "renal stone", "affirmed"),
    ("Right lower pole renal stone and possibly infected stent.", "infected stent", "uncertain"),
    ("Pneumonia and likely sepsis.", "Pneumonia", "affirmed"),
    ("Pneumonia, possibly viral.", "Pneumonia", "affirmed"),
    ("Fever possibly.", "Fever", "uncertain"),
    # what a procedure may spare is not a condition of the patient
    ("The risks are infection and meatal stenosis.  The benefits are ease of care and cleanliness and fewer urinary "
     "tract infections.", "urinary tract infections", "hypothetical"),
    ("The benefit of the surgery was discussed. He has a hernia.", "hernia", "affirmed"),
    # work-up targets and a hedged clinical impression (guideline IV.H: 'consistent with' is uncertain)
    ("We will plan for EGD and colonoscopy to assess for potential sources of anemia or GI bleed.", "GI bleed", "uncertain"),
    ("The patient's symptoms seem consistent with hypersensitivity pneumonitis.", "hypersensitivity pneumonitis", "uncertain"),
    ("Biopsy compatible with adenocarcinoma.", "adenocarcinoma", "affirmed"),  # a pathology result stands
    # the signs listed in parentheses after the doubted diagnosis are stated, not doubted
    ("Admitted for symptoms compatible with sepsis (fever, hypoglycemia, malaise).", "sepsis", "uncertain"),
    ("Admitted for symptoms compatible with sepsis (fever, hypoglycemia, malaise).", "hypoglycemia", "affirmed"),
    ("Rule out (pneumonia).", "pneumonia", "uncertain"),
])
def test_coordinated_cues_benefits_work_up_targets_and_hedged_impressions(text, mention, expected):
    assert status(text, mention).status == expected, (text, status(text, mention))


@pytest.mark.parametrize("text,mention,expected", [
    # 'negative for' reads forward also after 'was' / 'were' / 'is' (the backward 'was negative' took the cue)
    ("Serology was negative for hepatitis B and C virus.", "hepatitis B", "negated"),
    ("Cultures were negative for tuberculosis.", "tuberculosis", "negated"),
    ("The biopsy is negative for adenocarcinoma of the prostate.", "adenocarcinoma", "negated"),
    ("Stool studies were negative for Clostridium difficile.", "Clostridium difficile", "negated"),
    # ... and the backward cue still reads back, also before a titre
    ("Hepatitis B serology was negative.", "Hepatitis B", "negated"),
    ("Serology for Toxoplasma, cytomegalovirus and Brucella was negative for 1/512.", "Brucella", "negated"),
    ("The neck was negative. She has hypertension.", "hypertension", "affirmed"),
])
def test_negative_for_reads_forward_after_a_verb(text, mention, expected):
    assert status(text, mention).status == expected, (text, status(text, mention))


def test_list_intros_round_trip_and_validation():
    rules = ContextRules.default()
    assert rules.list_intros and ContextRules.from_json(rules.to_json()).to_dict() == rules.to_dict()
    with pytest.raises(ValueError, match="list intro"):
        ContextRules.from_dict({"context_rules": [], "list_intros": [{"pattern": "x:", "category": "MAYBE"}]})


@pytest.mark.parametrize("text,mention,expected", [
    ("Elevated AST and ALT, likely fatty liver.", "Elevated AST", "affirmed"),  # the finding is certain
    ("Elevated AST and ALT, likely fatty liver.", "fatty liver", "uncertain"),  # its cause is not
    ("Headache, most likely migraine.", "Headache", "affirmed"),
    ("Left testicular torsion, possibly detorsion.", "testicular torsion", "affirmed"),
    ("Chest pain, unlikely cardiac.", "Chest pain", "affirmed"),
    ("Pneumonia, likely.", "Pneumonia", "uncertain"),  # the cue ends the clause: it doubts what precedes
    ("Opacity likely pneumonia.", "Opacity", "uncertain"),  # no comma: as before
])
def test_a_cue_opening_a_clause_after_a_comma_names_the_cause(text, mention, expected):
    assert status(text, mention).status == expected


@pytest.mark.parametrize("text,mention,expected", [
    ("She also has a 9-year-old brother who is diagnosed with autism.", "autism", "family"),
    ("Her mother, who is 60, has diabetes.", "diabetes", "family"),  # the relative's verb after the clause
    ("Her mother, who has diabetes, lives with the patient who has asthma.", "asthma", "affirmed"),
    ("Several relatives who died due to heart disease.", "heart disease", "family"),
    ("Congenital anomalies of the kidney and urinary tract have been reported in the literature.", "anomalies",
     "hypothetical"),  # a general statement, not this patient
    ("Pressure was held for five minutes to eliminate any hemorrhage from punctured vessels.", "hemorrhage",
     "hypothetical"),
    ("Antibiotics were given to reduce the risk of infection.", "infection", "hypothetical"),
    ("Ice to reduce swelling.", "swelling", "affirmed"),  # the swelling is there
])
def test_relative_clauses_of_a_relative_and_statements_about_the_literature(text, mention, expected):
    assert status(text, mention).status == expected


def test_a_mention_whose_last_word_is_a_backward_cue_is_its_target():
    """A learned mention can hold its own negation ('pain-free', 'pain free'): the backward cue at its end governs
    the words before it; 'free range of motion' after another clause negates nothing."""
    for text, mention in (("She is now pain-free.", "pain-free"), ("Her knee is pain free since May.", "pain free")):
        i = text.index(mention)
        ctx = classify(text, i, i + len(mention))
        assert ctx.status == "negated" and ctx.cue is not None and "free" in ctx.cue.text, (text, ctx)
    text = "Pain in the left knee, free range of motion."
    i = text.index("Pain in the left knee")
    assert classify(text, i, i + len("Pain in the left knee")).status == "affirmed"
