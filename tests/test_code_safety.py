"""Clinical safety of the coder's suggested set (QA findings C1-C9, C11), from short hand-written sentences.

Each test names the finding it guards. A code "suggested" is what a coder would be invited to bill.
"""
from __future__ import annotations

import json
import re

import pytest

from medassist.ingest import document_from_text
from medassist.tasks import coding_safety
from medassist.tasks.code import CodeSuggestion, code_document, get_coder
from medassist.document import Span


@pytest.fixture(scope="module")
def coder():
    return get_coder()


def suggested(coder, text):
    res = code_document(document_from_text(text), coder=coder)
    return {c.code: c for c in res.codes if c.suggested}, {c.code: c for c in res.codes}


def assert_codes(coder, text, want, never):
    """Every code of ``want`` is suggested for ``text`` and none of ``never``."""
    sug, _ = suggested(coder, text)
    assert want <= set(sug) and not never & set(sug), (text, sorted(sug))


# ---------------------------------------------------------------- C1: negation covers the whole list
@pytest.mark.parametrize("text,code", [
    ("No fever, chills, cough which has resolved, or weight loss.", "R63.4"),
    ("Patient denies chest pain while walking, shortness of breath, or palpitations.", "R00.2"),
])
def test_c1_every_item_of_a_negated_list_is_negated(coder, text, code):
    sug, listed = suggested(coder, text)
    assert code not in sug, (text, sug[code])
    assert listed[code].status == "negated"


# ---------------------------------------------------------------- C3: tests and negative results are not diagnoses
def test_c3_unremarkable_test_list_gives_no_hiv_disease(coder):
    sug, listed = suggested(coder, "HIV, ANA, Anti-cardiolipin Antibody titer, B12, and cholesterol studies were unremarkable.")
    assert "B20" not in sug
    assert listed["B20"].status == "negated"


def test_c3_hiv_test_name_alone_is_not_hiv_disease(coder):
    sug, listed = suggested(coder, "An HIV test was sent today.")
    assert "B20" not in sug
    sug, _ = suggested(coder, "He is HIV positive on antiretroviral therapy.")
    assert "B20" in sug


# ---------------------------------------------------------------- C4 / C8: family and past history
def test_c4_uncertain_family_mention_is_not_suggested(coder):
    sug, listed = suggested(coder, "He does not know whether his father had any history of prostate cancer.")
    assert not [c for c in sug if c.startswith(("Z80", "C61"))], sorted(sug)


def test_c4_unspecified_family_history_dropped_next_to_a_specific_one(coder):
    doc = document_from_text("Family history of colon cancer and cancer.")
    ev = [Span.of(doc.text, 18, 30)]
    codes = [CodeSuggestion("Z80.9", "Family history of malignant neoplasm, unspecified", 0.9, True, "family", True, list(ev)),
             CodeSuggestion("Z80.0", "Family history of malignant neoplasm of digestive organs", 0.8, True, "family", True, list(ev))]
    coding_safety.refine(codes, doc)
    by = {c.code: c for c in codes}
    assert by["Z80.0"].suggested and not by["Z80.9"].suggested
    assert any("Z80.0" in w for w in by["Z80.9"].warnings)


def test_c4_relative_stroke_is_family_history_not_the_patients_stroke(coder):
    sug, _ = suggested(coder, "His father had a stroke.")
    assert "Z82.3" in sug and "I63.9" not in sug


def test_c8_history_of_nephrolithiasis_is_z87_442_not_n20_0(coder):
    text = ("CHIEF COMPLAINT: Urinary retention.\n\nPAST MEDICAL HISTORY:\n1.  Hypertension.,2.  History of "
            "nephrolithiasis.,3.  Gout.\n\nPLAN: Flomax.\n")
    sug, listed = suggested(coder, text)
    assert "N20.0" not in sug
    assert "Z87.442" in sug and sug["Z87.442"].status == "historical", sorted(sug)


def test_c8_acute_illness_of_an_earlier_hospital_stay_is_historical(coder):
    text = ("He has had recurrent urinary retention since his kidney transplant. Most recently, he was hospitalized "
            "on 02/04/08 for acute renal insufficiency, which was probably secondary to dehydration.")
    sug, listed = suggested(coder, text)
    assert not [c for c in sug if c.startswith("N17")], sorted(sug)
    assert all(c.status == "historical" for k, c in listed.items() if k.startswith("N17"))


def test_c8_past_pulmonary_embolism_is_historical_not_family(coder):
    sug, listed = suggested(coder, "Past history of pulmonary embolism in 2015.")
    assert "Z86.711" in sug and sug["Z86.711"].status == "historical"
    assert not [c for c in sug if c.startswith(("I26", "Z82", "Z83"))]


def test_c4_c8_family_line_then_own_past_history(coder):
    text = ("HISTORY OF PRESENT ILLNESS:\nKnee pain after a fall.\n"
            "Family history: mother had breast cancer; father had a stroke and colon cancer.\n"
            "Past history of pulmonary embolism in 2015, treated, no recurrence.\n")
    res = code_document(document_from_text(text), coder=coder)
    codes = [c.code for c in res.codes]
    assert len(codes) == len(set(codes)), "a code is listed once"
    sug = {c.code: c for c in res.codes if c.suggested}
    assert {"Z80.0", "Z82.3"} <= set(sug), sorted(sug)
    assert not [c for c in sug if c.startswith(("C18", "I63", "C50", "I26"))], sorted(sug)
    pe = [c for c in res.codes if c.code in ("I26.99", "Z86.711")]
    assert pe and all(c.status == "historical" for c in pe)


# ---------------------------------------------------------------- C2 / C9: evidence must mention the condition
@pytest.mark.parametrize("text,code", [
    ("She has nasal congestion from the fall allergies.", "W19.XXXA"),
    ("Right knee shows a little effusion.", "J90"),
    ("He gets tired with physical exertion.", "R06.00"),
    ("Good skin and mucous coloration.", "R23.1"),
    ("Preop Medifast induced weight loss in anticipation of elective bypass surgery.", "R63.4"),
    ("Right lower quadrant incision site scar well healed.", "L90.5"),
    ("Old granulomatous disease of the lung.", "R69"),
    ("He underwent transurethral resection of the prostate.", "C67.9"),
    ("He has had recurrent urinary retention.", "N39.0"),
    ("A large bladder stone was removed.", "N20.0"),
    ("She is doing well on allopurinol for her gout.", "E79.0"),
])
def test_c2_c9_evidence_that_is_not_a_mention_is_not_suggested(coder, text, code):
    sug, listed = suggested(coder, text)
    assert code not in sug, (text, sug[code].evidence)


def test_c2_type2_diabetes_is_not_evidence_for_hypertension(coder):
    text = "She has type 2 diabetes on insulin. Type 2 diabetes with hyperglycemia."
    sug, listed = suggested(coder, text)
    assert "I10" not in sug
    if "I10" in listed and listed["I10"].score >= coder.threshold:  # above the threshold: it says why not
        assert listed["I10"].warnings
    # whatever the scorer makes of it, "Type 2 diabetes" is no evidence for hypertension
    doc = document_from_text(text)
    i = text.index("Type 2 diabetes")
    assert coding_safety.evidence_problem("I10", doc, Span.of(text, i, i + len("Type 2 diabetes"))) is not None


def test_c2_knee_effusion_keeps_the_knee_code(coder):
    sug, listed = suggested(coder, "Right knee shows a little effusion.")
    assert "M25.461" in sug
    assert any("pleural" in w for w in listed["J90"].warnings)


def test_c2_review_of_systems_heading_is_not_a_mention(coder):
    doc = document_from_text("REVIEW OF SYSTEMS\n• Gastrointestinal: Denies hematochezia, melena.\n")
    i = doc.text.index("Gastrointestinal")
    why = coding_safety.evidence_problem("K92.2", doc, Span.of(doc.text, i, i + len("Gastrointestinal")))
    assert why is not None
    j = doc.text.index("hematochezia")
    assert coding_safety.evidence_problem("K62.5", doc, Span.of(doc.text, j, j + 12)) is None or True  # no crash
    assert coding_safety.is_heading(doc.text, i, i + len("Gastrointestinal"))
    assert not coding_safety.is_heading(doc.text, j, j + 12)


@pytest.mark.parametrize("code,text,word", [
    ("R52", "Clear liquids at 2 ounces per hour, this was tolerated well.", "per hour"),
    ("I33.0", "Echo showed some mitral regurgitation.", "mitral regurgitation"),
    ("I38", "Echo showed some mitral regurgitation.", "mitral regurgitation"),
    ("R31.9", "He was seen by urology for urinary retention.", "urinary retention"),
    ("I10", "She has type 2 diabetes.", "type 2 diabetes"),
    ("E11.9", "Type II dyslipidemia on statins.", "dyslipidemia"),
    ("M25.561", "Seen for left knee pain.", "left knee"),
])
def test_c2_c7_rule_level_evidence_checks(code, text, word):
    doc = document_from_text(text)
    i = doc.text.index(word)
    assert coding_safety.evidence_problem(code, doc, Span.of(doc.text, i, i + len(word))) is not None


@pytest.mark.parametrize("code,text,word", [
    ("I25.9", "Hypercholesterolaemia, ischaemic heart disease, recurrent nephritic colic.", "heart disease"),
    ("N18.6", "A 52-year-old man with end-stage renal failure on dialysis.", "end-stage"),
    ("I85.00", "Upper endoscopy shows varices in esophagus grade II/IV.", "varices"),
    ("I25.10", "Ischemic heart disease due to coronary artery disease.", "disease due to coronary"),
])
def test_c2_a_code_word_just_beside_the_mention_completes_it(code, text, word):
    """A learned mention may be part of the term that names the condition: the code's required words may stand
    next to it ('ischaemic' before 'heart disease'), within two words and not across punctuation."""
    doc = document_from_text(text)
    i = doc.text.index(word)
    assert coding_safety.evidence_problem(code, doc, Span.of(doc.text, i, i + len(word))) is None


@pytest.mark.parametrize("code,text,word", [
    ("I25.9", "Chronic ischemic changes of the brain; heart disease was not studied.", "heart disease"),
    ("N18.6", "End-stage liver disease; renal function normal.", "End-stage"),
    ("I85.00", "Prostatic varices, esophagus normal.", "varices"),
    ("R06.00", "Chest pain on exertion.", "exertion"),
])
def test_c2_a_code_word_across_punctuation_or_far_away_does_not(code, text, word):
    doc = document_from_text(text)
    i = doc.text.index(word)
    assert coding_safety.evidence_problem(code, doc, Span.of(doc.text, i, i + len(word))) is not None


def test_c9_blood_type_and_illness_are_never_suggested():
    doc = document_from_text("Blood group was A, Rh positive. Old granulomatous disease.")
    a = doc.text.index("Blood group was A, Rh positive")
    b = doc.text.index("disease")
    codes = [CodeSuggestion("Z67.10", "Type A blood, Rh positive", 0.9, True, "affirmed", True, [Span.of(doc.text, a, a + 30)]),
             CodeSuggestion("R69", "Illness, unspecified", 0.9, True, "affirmed", True, [Span.of(doc.text, b, b + 7)])]
    coding_safety.check_evidence(codes, doc)
    assert not any(c.suggested for c in codes)
    assert all(c.warnings for c in codes)


# ---------------------------------------------------------------- C7: regurgitation is not endocarditis
def test_c7_mitral_regurgitation_is_i34_only(coder):
    sug, _ = suggested(coder, "Echocardiogram: decreased ejection fraction of 45%. Mitral regurgitation is present.")
    assert "I34.0" in sug
    assert not [c for c in sug if c.startswith(("I33", "I38"))], sorted(sug)


# ---------------------------------------------------------------- C6 / C5: the most specific supported code
def test_c6_type2_diabetes_with_hyperglycemia_is_e11_65_alone(coder):
    sug, listed = suggested(coder, "Type 2 diabetes with hyperglycemia, A1c 9.1%.")
    assert "E11.65" in sug
    assert "E11.9" not in sug and "R73.9" not in sug, sorted(sug)


@pytest.mark.parametrize("text, want, never", [
    ("ASSESSMENT: Type 2 diabetes mellitus with diabetic polyneuropathy and hyperglycemia, on insulin.",
     {"E11.42", "E11.65"}, {"E11.9", "R73.9"}),
    ("ASSESSMENT: Type 2 DM with peripheral neuropathy, uncontrolled.", {"E11.42", "E11.65"}, {"E11.9"}),
    ("ASSESSMENT: Poorly controlled type 2 diabetes with diabetic nephropathy.", {"E11.21", "E11.65"}, {"E11.9"}),
    # no hyperglycemia said of the diabetes: one that follows surgery, one denied, a well-controlled one
    ("ASSESSMENT: Type 2 diabetes with diabetic nephropathy. Stress hyperglycemia after surgery.", {"E11.21"}, {"E11.65"}),
    ("ASSESSMENT: Type 2 diabetes with diabetic nephropathy, well controlled. No hyperglycemia.", {"E11.21"}, {"E11.65"}),
    # the hyperglycemia of a ketoacidosis is part of it: E10.10, not E10.65 in its place
    ("ASSESSMENT: Type 1 diabetes with ketoacidosis and hyperglycemia.", {"E10.10"}, {"E10.65", "E10.9"}),
])
def test_c6_diabetes_with_a_complication_and_hyperglycemia_has_both_codes(coder, text, want, never):
    """Guideline I.C.4.a: as many codes of the diabetes category as describe its complications. "with diabetic
    polyneuropathy and hyperglycemia" gave E11.42 only (E11.65 replaced only E11.9); "with ketoacidosis and
    hyperglycemia" gave E10.65 and lost the ketoacidosis."""
    sug, _ = suggested(coder, text)
    assert want <= set(sug) and not never & set(sug), sorted(sug)


def test_c6_heart_failure_and_hypertension_is_i11_0(coder):
    sug, listed = suggested(coder, "She has congestive heart failure and hypertension.")
    assert "I11.0" in sug and "I10" not in sug, sorted(sug)
    assert [c for c in sug if c.startswith("I50")]
    assert any("I11.0" in w for w in listed["I10"].warnings)


@pytest.mark.parametrize("text,specific,vague", [
    ("Morbid obesity. Obesity.", "E66.01", "E66.9"),
    ("Obstructive sleep apnea. Sleep apnea.", "G47.33", "G47.30"),
])
def test_c6_unspecified_sibling_dropped_when_specific_code_suggested(coder, text, specific, vague):
    sug, listed = suggested(coder, text)
    if specific in sug:
        assert vague not in sug, sorted(sug)
    else:  # the scorer left the specific one out: then the vague one may stand, but never both
        assert not (specific in sug and vague in sug)
    assert specific in sug or vague in sug


def test_c5_treated_chronic_conditions_in_pmh_are_current(coder):
    pmh = "PAST MEDICAL HISTORY:\nSignificant for type 2 diabetes, hypertension, asthma.\n"
    sug, listed = suggested(coder, pmh + "\nMEDICATIONS:\nHumulin, lisinopril, Proventil.\n")
    for code in ("E11.9", "I10", "J45.909"):
        assert code in sug and sug[code].status == "affirmed", (code, sorted(sug))
    assert "treated now (humulin)" in listed["E11.9"].sources
    # without a treatment named, a condition that can resolve (asthma) stays historical; a lifelong one
    # (diabetes, hypertension: 'history of diabetes' means the patient has diabetes) is current
    sug, listed = suggested(coder, pmh)
    assert "J45.909" not in sug and listed["J45.909"].status == "historical"
    assert "E11.9" in sug and "current (a lifelong chronic condition)" in listed["E11.9"].sources
    # dementia and benign prostatic hyperplasia do not resolve either
    sug, listed = suggested(coder, "An 81-year-old man with a history of benign prostatic hyperplasia and "
                                   "Alzheimer's disease, admitted for a fall.")
    bph = [c for c in listed.values() if c.code.startswith("N40")]
    assert bph and all(c.status == "affirmed" for c in bph), sorted(listed)


def test_c5_assessment_diagnosis_suggested_and_throat_redness_is_not_a_skin_condition(coder):
    text = ("OBJECTIVE:\nHEENT: Her throat was mildly erythematous without exudate. Nasal mucosa was erythematous "
            "and swollen.\n\nASSESSMENT:\nAllergic rhinitis.\n\nPLAN:\nZyrtec daily.\n")
    sug, listed = suggested(coder, text)
    assert "J30.9" in sug, sorted(sug)
    assert "L53.9" not in sug


def test_c5_problem_line_of_the_assessment_is_suggested(coder):
    text = ("HISTORY OF PRESENT ILLNESS\nShe had an episode of gout of her right big toe 2 months ago.\n\n"
            "ASSESSMENT AND PLAN\n\nGout.\n- Continue allopurinol 100 mg once daily. This was refilled today.\n")
    sug, listed = suggested(coder, text)
    assert [c for c in sug if c.startswith(("M10", "M1A"))], sorted(sug)
    assert "E79.0" not in sug


@pytest.mark.parametrize("text,items", [
    ("Assessment: 1. Acute MI. 2. HTN. 3. T2DM.", {"I21.9": "Acute MI", "I10": "HTN", "E11.9": "T2DM"}),
    ("A/P: CAP, UTI, AKI.", {"J18.9": "CAP", "N39.0": "UTI", "N17.9": "AKI"}),
    ("IMPRESSION:\n- HFrEF\n- CKD stage 3\n- COPD, stable", {"I50.20": "HFrEF", "N18.30": "CKD stage 3", "J44.9": "COPD"}),
])
def test_c5_abbreviation_items_of_the_assessment_are_suggested(coder, text, items):
    """US notes list problems as abbreviations, which the CodiEsp-trained scorer ranks low: an assessment item that
    is an abbreviation (with at most a modifier or stage) is suggested, its evidence the item."""
    sug, listed = suggested(coder, text)
    for code, item in items.items():
        assert code in sug, (code, sorted(sug), listed.get(code))
        assert sug[code].evidence[0].text == item


@pytest.mark.parametrize("text,code", [
    ("Assessment:\n1. Cradle cap.", "J18.9"),  # CAP inside another diagnosis' name
    ("Assessment: MI ruled out. No evidence of PE.", "I21.9"),
    ("Assessment: MI ruled out. No evidence of PE.", "I26.99"),
    ("Assessment: possible UTI.", "N39.0"),
    ("Assessment: HTN in her mother.", "I10"),
    ("History of present illness: HTN, T2DM.", "E11.9"),  # not an assessment: the scorer decides (low)
])
def test_c5_abbreviation_items_not_promoted_when_the_item_says_more_or_is_not_affirmed(coder, text, code):
    sug, listed = suggested(coder, text)
    assert code not in sug or "a problem of the assessment" not in " ".join(sug[code].warnings), (text, sug[code])


@pytest.mark.parametrize("text,codes", [
    ("History of MI in 2019.", {"I25.2"}),
    ("Hx of MI, s/p CABG 2015.", {"I25.2"}),
    ("h/o CVA and DVT.", {"Z86.73", "Z86.718"}),
    ("History of MI and HTN.", {"I25.2", "I10"}),  # hypertension is lifelong: current
])
def test_c8_history_of_an_abbreviation_gives_the_history_code(coder, text, codes):
    sug, listed = suggested(coder, text)
    assert codes <= set(sug), (text, sorted(sug))
    assert all(sug[c].status == ("affirmed" if c == "I10" else "historical") for c in codes)
    assert not any(c.startswith(("I21", "I22", "I63", "I82")) for c in sug)  # never the acute condition


@pytest.mark.parametrize("text", ["No history of MI.", "Family history of MI.", "History of possible TIA.",
                                  "Mother has history of HTN.", "No h/o CVA or DVT."])
def test_c8_history_of_an_abbreviation_negated_uncertain_or_family_is_not_suggested(coder, text):
    sug, _ = suggested(coder, text)
    assert not {"I25.2", "Z86.73", "Z86.718", "Z86.73", "I10"} & set(sug), (text, sorted(sug))
    assert not any(c.startswith(("I21", "I22", "I63", "I82", "G45")) for c in sug)


def test_c6_insulin_named_gives_z79_4_with_the_drug_as_evidence(coder):
    sug, listed = suggested(coder, "She has type 2 diabetes on insulin.")
    assert "Z79.4" in sug and sug["Z79.4"].evidence[0].text == "insulin"
    sug, listed = suggested(coder, "She has type 2 diabetes. She is not on insulin.")
    assert "Z79.4" not in sug


# ---------------------------------------------------------------- C11: output hygiene
def test_c11_no_nested_evidence(coder):
    doc = document_from_text("Seen for left knee pain after a fall on ice yesterday.")
    res = code_document(doc, coder=coder)
    for c in res.codes:
        for a in c.evidence:
            for b in c.evidence:
                assert a is b or not (b.start <= a.start and a.end <= b.end), (c.code, a, b)


def test_c11_threshold_is_rounded_in_every_output(coder, tmp_path):
    """A pack whose threshold carries float noise (0.24000000000000002) is shown rounded everywhere."""
    from medassist.tasks.code import Coder

    scorer = json.loads(coder.pack.file("scorer.json").read_text(encoding="utf-8"))
    scorer["threshold"] = 0.1 + 0.14000000000000001  # 0.24000000000000002
    (tmp_path / "scorer.json").write_text(json.dumps(scorer), encoding="utf-8")

    class NoisyPack:
        name, version = coder.pack.name, "noisy"

        def file(self, name):
            return tmp_path / name if name == "scorer.json" else coder.pack.file(name)

        def info(self):
            return {"name": self.name, "version": self.version}

    noisy = Coder(pack=NoisyPack())
    assert noisy.threshold == 0.24
    res = code_document(document_from_text("Patient has type 2 diabetes mellitus."), coder=noisy)
    assert json.dumps(res.to_dict()["threshold"]) == "0.24"


def test_safety_rules_are_valid_data():
    r = coding_safety.rules()
    assert "J90" in r.codes and r.rule_for("J90").get("sentence_requires") is not None
    # the longest prefix wins over "C" for what it says ...
    assert r.rule_for("C67.9")["evidence_requires"] is r.codes["C67"]["evidence_requires"]
    assert r.rule_for("C67.9")["why:evidence_requires"] == r.codes["C67"]["why"]
    # ... and what it does not say comes from "C", with "C"'s why: a liver cancer's mention needs a tumour word
    assert r.rule_for("C22.0")["not_around"] is r.codes["C22"]["not_around"]
    assert r.rule_for("C22.0")["evidence_requires"] is r.codes["C"]["evidence_requires"]
    assert r.rule_for("C22.0")["why:evidence_requires"] == r.codes["C"]["why"] != r.codes["C22"]["why"]
    assert r.rule_for("K40.20") == r.rule_for("K40.90") and r.rule_for("K40.20")  # 'K40.2|K40.9': one rule, two prefixes
    assert r.rule_for("I71.40").get("not_around") is not None and r.rule_for("I72.9").get("not_around") is not None
    from medassist import icd10
    for rule in r.combinations:
        assert icd10.lookup(rule["add"]) is not None and icd10.lookup(rule["add"]).billable
    for rule in r.specific_for:
        assert icd10.lookup(rule["to"]) is not None and icd10.lookup(rule["to"]).billable


def test_every_lazily_compiled_rule_pattern_compiles_and_a_bad_one_names_itself():
    """The per-code patterns compile when a note first needs them (start-up): each one must compile, and they
    search as re does."""
    with open(coding_safety.resource_path("icd10cm/safety_rules.json"), encoding="utf-8") as fh:
        fresh = coding_safety.SafetyRules(json.load(fh))
    pats = fresh.patterns()
    assert len(pats) > 300 and all(p._rx is None for p in pats)  # nothing compiled at load
    for p in pats:
        assert isinstance(p.compile(), re.Pattern), p
    lazy = coding_safety.LazyPattern(r"\bshort(?:ness)? of breath\b")
    assert lazy.search("Shortness of breath on exertion").group(0) == "Shortness of breath"
    assert [m.start() for m in lazy.finditer("sob; short of breath", 0, 20)] == [5]
    assert lazy.search("breath short") is None
    bad = coding_safety.LazyPattern("(unclosed")
    with pytest.raises(re.error):
        bad.search("x")
    assert "(unclosed" in repr(bad)


# ---------------------------------------------------------------- the QA notes themselves (shared data sets)
def _shared_csv(shared_data, rel: str, what: str, as_dicts: bool):
    import csv

    csv.field_size_limit(10**9)
    path = shared_data / rel
    if not path.is_file():
        pytest.skip(f"{what} not available")
    with open(path, newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh) if as_dicts else csv.reader(fh))


def _mtsamples(shared_data, row):
    import re

    s = _shared_csv(shared_data, "mtsamples-subset/mtsamples_first400.csv", "MTSamples subset", False)[row][4]
    # the transcription; ",HEADING:" -> sections on their own lines (as the QA did)
    s = re.sub(r",\s*([A-Z][A-Z /&]+:)", r"\n\n\1", s)
    s = re.sub(r"^([A-Z][A-Z /&]+:)\s*,?\s*", r"\1\n", s, flags=re.M)
    s = re.sub(r"(:)\s*,\s*", r"\1\n", s)
    return s.strip() + "\n"


def _aci(shared_data, row):
    return _shared_csv(shared_data, "aci-bench/train.csv", "ACI-Bench", True)[row]["note"]


@pytest.mark.parametrize("source,row,must,never", [
    ("aci", 0, {"I11.0", "I34.0"}, {"I10", "I33.0", "I38", "W19.XXXA", "F32.9"}),
    ("mts", 21, {"E66.01"}, {"E66.9", "R63.4"}),
    ("mts", 26, set(), {"R69", "Z67.10", "C67.9", "C61", "N40.0"}),
    # ("Significant for mother with an unknown type of cancer, possibly colon cancer ...": the mother's cancer is stated,
    # its type is not - Z80.9; the father's prostate cancer is not known - no Z80.42, no Z80.0)
    ("mts", 31, {"R33.9", "Z80.9"}, {"R31.9", "L90.5", "N39.0", "Z87.440", "E79.0", "Z80.42", "Z80.0"}),
    ("mts", 12, set(), {"B20", "T14.90XA", "R69", "I77.6"}),
    # round 2 (coder review)
    ("mts", 340, set(), {"F32.A", "F32.9"}),             # "depression of the anterior table" (a depressed fracture)
    ("mts", 398, set(), {"I34.0", "I25.10"}),            # tricuspid regurgitation; a coronary catheterization
    ("mts", 307, {"D25.9"}, {"R52"}),                    # pelvic pain is not pain NOS
    ("aci", 65, set(), {"S93.402A"}),                    # a muscular sprain of the back, not the left ankle
    ("aci", 57, {"E11.9", "I25.10", "I34.0"}, set()),    # 'history of ... diabetes mellitus' is current diabetes
    ("aci", 62, {"I50.9", "E11.9"}, {"R60.9", "R06.00", "R06.01"}),  # edema, dyspnea, orthopnea of heart failure
])
def test_qa_notes_suggested_set(coder, shared_data, source, row, must, never):
    text = _aci(shared_data, row) if source == "aci" else _mtsamples(shared_data, row)
    sug, _ = suggested(coder, text)
    assert must <= set(sug), sorted(sug)
    assert not (never & set(sug)), sorted(never & set(sug))


# ---------------------------------------------------------------- round 2 (coder review): numbers, nesting, billability
def test_r2_stage_must_agree_with_the_note(coder):
    text = "ASSESSMENT:\n1. Chronic kidney disease stage 3.\n"
    sug, listed = suggested(coder, text)
    assert "N18.30" in sug, sorted(sug)
    assert not {"N18.4", "N18.5", "N18.6", "N18.9", "N18.31", "N18.32"} & set(sug), sorted(sug)


@pytest.mark.parametrize("code,sentence,ok", [
    ("N18.4", "He has chronic kidney disease stage 3 who presented with 4 days of cough.", False),
    ("N18.5", "He has chronic kidney disease stage 3 who presented with 4 days of cough.", False),
    ("N18.30", "He has chronic kidney disease stage 3 who presented with 4 days of cough.", True),
    ("N18.4", "Chronic kidney disease, stage IV.", True),
    ("N18.5", "She has chronic kidney disease.", False),       # a staged code needs a stage in the note
    ("L89.153", "Pressure ulcer of the sacrum, stage 2.", False),
    ("L89.152", "Pressure ulcer of the sacrum, stage 2.", True),
    ("T21.21XA", "First-degree burn of the chest wall.", False),
    ("E10.9", "1. Type 2 diabetes mellitus.", False),         # the list number is not the type
    ("E11.9", "1. Type 2 diabetes mellitus.", True),
    ("I34.0", "There is mild tricuspid valve regurgitation.", False),
    ("S93.402A", "I believe this is more of a muscular sprain of the back.", False),
])
def test_r2_number_and_qualifier_agreement_rule_level(code, sentence, ok):
    doc = document_from_text(sentence)
    word = {"N18": "chronic kidney disease", "L89": "Pressure ulcer", "T21": "burn", "E10": "diabetes", "E11": "diabetes",
            "I34": "regurgitation", "S93": "sprain"}[code[:3]]
    i = sentence.lower().index(word.lower())
    why = coding_safety.evidence_problem(code, doc, Span.of(sentence, i, i + len(word)))
    assert (why is None) == ok, (code, sentence, why)


@pytest.mark.parametrize("code,sentence,word,ok", [
    ("S37.009A", "3. Acute kidney injury on chronic kidney disease, resolved.", "kidney injury", False),
    ("T14.90XA", "Acute kidney injury on chronic kidney disease, resolved.", "injury", False),
    ("S37.009A", "Blunt trauma to the flank with a kidney injury on CT.", "kidney injury", True),
    ("S93.402A", "She twisted her left ankle: ankle sprain.", "sprain", True),
    ("R52", "A spinal anesthesia was given for postoperative pain control.", "pain", False),
    ("R52", "1. Chronic pelvic pain.", "pain", False),
    ("R52", "He has pain all over his body.", "pain", True),
    ("I25.10", "A Judkins catheter was placed in the right coronary artery.", "coronary artery", False),
    ("I25.10", "He has coronary artery disease.", "coronary artery disease", True),
    ("F32.A", "The depression of the anterior table of the frontal sinus was noted.", "depression", False),
    ("F32.A", "Her depression is better on sertraline.", "depression", True),
    ("N28.89", "Contrast was seen in the left kidney and ureter.", "kidney", False),
    ("R21", "ALLERGIES:\nSulfa drugs (rash).", "rash", False),
    ("N18.9", "Acute renal failure, in the context of a chronic liver disease.",
     "renal failure, in the context of a chronic liver disease", False),
    ("C96.6", "Biopsy confirmed Langerhans cell histiocytosis of the skull.", "Langerhans cell histiocytosis", True),
    ("C96.5", "Histiocytosis X of the bones.", "Histiocytosis X", True),
    ("C96.9", "Reactive lymphoid hyperplasia of the node.", "lymphoid hyperplasia", False),
    ("R01.1", "Systolic BP 88 mmHg and diastolic 63.", "Systolic", False),
    ("R01.1", "A soft systolic murmur at the left sternal border.", "systolic", True),
    ("R59.0", "Bilateral inguinal lymph node dissection was performed.", "lymph", False),
    ("R59.9", "The 5 lymph nodes removed were all benign.", "lymph", False),
    ("R59.0", "CT confirmed large pulmonary and inguinal lymph nodes.", "lymph", True),
    ("N50.811", "A 2 to 3 mm nodule in his right testicle.", "right testicle", False),
    ("N50.811", "He has had right testicular pain for a week.", "right testicular", True),
    ("Q97.3", "Karyotype: 46,XY, a normal male karyotype.", "46,XY", False),
    ("K31.7", "Inflammation of a hyperplastic polyp of the rectum.", "polyp", False),
    ("K31.7", "Gastroscopy showed a polyp in the gastric antrum.", "polyp", True),
    ("H02.9", "The upper eyelid was everted for the examination.", "upper eyelid", False),
    ("N44.2", "Left undescended testis.", "testis", False),
    ("I16.1", "A hypertensive patient, with no history of ulcer, presented to the emergency department.",
     "hypertensive patient, with no history of ulcer, presented to the emergency", False),
    ("I16.9", "Admitted for a hypertensive crisis with a blood pressure of 220/120.", "crisis", True),
    ("R14.0", "She reports abdominal discomfort after meals.", "abdominal discomfort", False),
    ("D44.6", "Dissection of the carotid bifurcation.", "carotid bifurcation", False),
    ("K01.0", "Extraction of the lower canine.", "lower canine", False),
    ("R52", "CHIEF COMPLAINT: Itchy scalp pain.", "pain", False),
    ("R52", "She reports incisional pain at the port sites.", "pain", False),
    ("R52", "She can continue to take Tylenol for the pain.", "pain", False),  # the pain named before
    ("R52", "The pain persisted despite multiple pain medications.", "pain", False),
    ("R46.3", "An anticholinergic at night to prevent bladder overactivity.", "overactivity", False),
    ("B06.9", "Blood type AB negative, rubella immune, VDRL nonreactive.", "rubella", False),
    ("B06.9", "A maculopapular rash; serology confirmed rubella.", "rubella", True),
    ("Q23.1", "Status post aortic valve replacement with St. Jude mechanical valve.", "aortic valve", False),
    ("B99.9", "He must have the testicle removed due to the infection.", "infection", False),
    ("B99.9", "He has had a chronic infection, not yet identified, for months.", "infection", True),
    ("I67.1", "Thromboendarterectomy of the right internal carotid artery.", "carotid artery", False),
    ("I67.1", "A 7 mm aneurysm of the left internal carotid artery.", "aneurysm", True),
    ("Q23.1", "Congenital aortic insufficiency of a bicuspid aortic valve.", "aortic insufficiency", True),
    ("L90.5", "Three lesions within the small bowel, the largest with a white scar on the surface.", "scar", False),
    ("N44.2", "Ultrasound showed a simple cyst of the left testis.", "testis", True),
    # a body site alone is no mention of a condition its sentence does not name (coding_safety.names_only_a_site)
    ("M89.072", "Exam of the left ankle: ecchymosis over the lateral malleolus.", "left ankle", False),
    ("Z85.3", "Mammography of the left breast was normal.", "left breast", False),
    ("N20.0", "The right kidney measured 11 cm.", "kidney", False),
    ("J90", "The left pleural cavity was entered.", "pleural", False),
    # ... it is one when its sentence names the condition (the testis cyst above) or a generic condition noun stands
    # beside the site, in British spelling too; a code whose description names nothing but sites keeps it
    ("J81.1", "Chest X-ray showed pulmonary oedema.", "pulmonary", True),
    ("J81.0", "Chest X-ray showed acute pulmonary oedema.", "pulmonary", True),
    ("J81.0", "Chest X-ray showed pulmonary oedema.", "pulmonary", False),  # acute needs 'acute' said: NOS is J81.1
    ("N28.9", "He has kidney disease.", "kidney", True),
    ("Z82.49", "Her father had heart disease.", "heart disease", True),
    ("M25.572", "She reports left ankle pain.", "left ankle", True),
    ("E07.9", "The thyroid was enlarged and nodular.", "thyroid", True),
])
def test_r2_injury_pain_and_other_words_rule_level(code, sentence, word, ok):
    why = _evidence_problem(code, sentence, word)
    assert (why is None) == ok, (code, sentence, why)


def _evidence_problem(code, sentence, word):
    """coding_safety.evidence_problem of ``word`` (its first occurrence) as the evidence of ``code`` in ``sentence``."""
    i = sentence.index(word)
    return coding_safety.evidence_problem(code, document_from_text(sentence), Span.of(sentence, i, i + len(word)))


def test_a_body_site_alone_is_no_mention_and_the_check_says_so():
    assert _evidence_problem("M89.072", "Exam of the left ankle: ecchymosis.", "left ankle") == (
        "'left ankle' names a body site, and its sentence not the condition")


def test_site_words_are_the_neoplasm_tables_sites_not_its_conditions():
    sites = coding_safety.site_words()
    for w in ("ankle", "kidney", "breast", "pleural", "testis", "renal"):
        assert coding_safety.stem(w) in sites, w
    for w in ("scar", "disease", "malignant", "metastatic", "coli", "hemorrhoidal"):
        assert coding_safety.stem(w) not in sites, w


def test_r2_nested_unspecified_mention_is_not_a_second_condition():
    """'chronic kidney' inside 'chronic kidney disease stage 3' (N18.30) is not also N28.9."""
    text = "He has chronic kidney disease stage 3."
    a = text.index("chronic kidney disease stage 3")
    n18 = CodeSuggestion("N18.30", "Chronic kidney disease, stage 3 unspecified", 0.97, True, "affirmed", True,
                         [Span.of(text, a, a + len("chronic kidney disease stage 3"))])
    n28 = CodeSuggestion("N28.9", "Disorder of kidney and ureter, unspecified", 0.95, True, "affirmed", True,
                         [Span.of(text, a, a + len("chronic kidney"))])
    i12 = CodeSuggestion("I12.9", "Hypertensive chronic kidney disease with stage 1 through stage 4 chronic kidney "
                         "disease, or unspecified chronic kidney disease", 0.95, True, "affirmed", True,
                         [Span.of(text, a, a + len("chronic kidney"))])
    coding_safety.covered_mentions([n18, n28, i12])
    assert not n28.suggested and any("part of the mention" in w for w in n28.warnings)
    assert n18.suggested and i12.suggested  # I12.9 asks for the N18 code (use additional code)
    # an unspecified code goes whatever its score ('aneurysm' in 'aortic aneurysm'); a specific one scored higher stays
    t2 = "Abdominal aortic aneurysm, stable. HIV positive."
    a2, h2 = t2.index("aortic aneurysm"), t2.index("HIV positive")
    i71 = CodeSuggestion("I71.40", "Abdominal aortic aneurysm, without rupture, unspecified", 0.8, True, "affirmed",
                         True, [Span.of(t2, a2, a2 + len("aortic aneurysm"))])
    i72 = CodeSuggestion("I72.9", "Aneurysm of unspecified site", 0.97, True, "affirmed", True,
                         [Span.of(t2, a2 + 7, a2 + len("aortic aneurysm"))])
    z21 = CodeSuggestion("Z21", "Asymptomatic human immunodeficiency virus [HIV] infection status", 0.8, True,
                         "affirmed", True, [Span.of(t2, h2, h2 + len("HIV positive"))])
    b20 = CodeSuggestion("B20", "Human immunodeficiency virus [HIV] disease", 0.97, True, "affirmed", True,
                         [Span.of(t2, h2, h2 + 3)])
    coding_safety.covered_mentions([i71, i72, z21, b20])
    assert i71.suggested and not i72.suggested
    assert b20.suggested and z21.suggested


def _sug(code, description, text, words, score=0.9):
    a = text.index(words)
    return CodeSuggestion(code, description, score, True, "affirmed", True, [Span.of(text, a, a + len(words))])


def test_r2_one_item_of_a_coordination_is_a_condition_of_its_own():
    """'carcinoma of the mouth floor' in 'carcinoma of the mouth floor and tongue' is a second cancer (C04.9 beside
    C02.9), and 'chronic obstructive pulmonary disease' in '... heart failure, and chronic obstructive pulmonary
    disease' a second condition; a nested item the outer code's Excludes1 names ('chills' of 'chills and a fever',
    R68.83 is chills without fever) and an inverted term ('infection, viral') are not."""
    t = "Operated in 1985 for squamous cell carcinoma of the mouth floor and tongue."
    c02 = _sug("C02.9", "Malignant neoplasm of tongue, unspecified", t, "carcinoma of the mouth floor and tongue")
    c04 = _sug("C04.9", "Malignant neoplasm of floor of mouth, unspecified", t, "carcinoma of the mouth floor", 0.8)
    t2 = "History of congestive heart failure, and chronic obstructive pulmonary disease."
    i27 = _sug("I27.9", "Pulmonary heart disease, unspecified", t2,
               "congestive heart failure, and chronic obstructive pulmonary disease")
    j44 = _sug("J44.9", "Chronic obstructive pulmonary disease, unspecified", t2,
               "chronic obstructive pulmonary disease", 0.8)
    coding_safety.covered_mentions([c02, c04, i27, j44])
    assert c02.suggested and c04.suggested, c04.warnings
    assert j44.suggested, j44.warnings
    t3 = "He had chills and a fever of 99.7 degrees."
    r50 = _sug("R50.9", "Fever, unspecified", t3, "chills and a fever")
    r68 = _sug("R68.83", "Chills (without fever)", t3, "chills", 0.8)
    t4 = "Diagnosed with an infection, viral."
    b34 = _sug("B34.9", "Viral infection, unspecified", t4, "infection, viral")
    b99 = _sug("B99.9", "Unspecified infectious disease", t4, "infection", 0.95)
    coding_safety.covered_mentions([r50, r68, b34, b99])
    assert r50.suggested and not r68.suggested
    assert b34.suggested and not b99.suggested
    t5 = "Squamous cell carcinoma of the tongue and mouth floor carcinoma, and nodes."
    outer = Span.of(t5, t5.index("tongue"), t5.index(","))
    middle = Span.of(t5, t5.index("mouth floor"), t5.index("mouth floor") + len("mouth floor"))
    assert coding_safety._conjunct(middle, outer)  # 'and' before it, more words after it
    assert not coding_safety._conjunct(Span.of(t5, outer.start, outer.start + 6), Span.of(t5, 0, outer.start + 6))


def test_r2_a_more_specific_code_needs_words_of_its_own():
    """The more specific code of a category replaces the plainer one only where its evidence says more: "Crohn's"
    (a learned guess of the small intestine, K50.00) beside "Crohn's disease" (K50.90) is not; "nausea and
    vomiting" says the vomiting R11.2 adds to R11.0, and "lower limb edema" is a span of its own."""
    t = "Within his personal history, he had been diagnosed with Crohn's disease six years earlier."
    k50 = _sug("K50.90", "Crohn's disease, unspecified, without complications", t, "Crohn's disease")
    k5000 = _sug("K50.00", "Crohn's disease of small intestine without complications", t, "Crohn's")
    t2 = "She had nausea and vomiting for two days."
    r110 = _sug("R11.0", "Nausea", t2, "nausea and vomiting")
    r112 = _sug("R11.2", "Nausea with vomiting, unspecified", t2, "nausea and vomiting", 0.8)
    t3 = "Marked lower limb edema. The edema improved."
    r609 = _sug("R60.9", "Edema, unspecified", t3, "edema")
    r609.evidence = [Span.of(t3, t3.rindex("edema"), len(t3) - 1)]
    r600 = _sug("R60.0", "Localized edema", t3, "lower limb edema", 0.8)
    for text, codes in ((t, [k50, k5000]), (t2, [r110, r112]), (t3, [r609, r600])):
        coding_safety.refine(codes, document_from_text(text))
    assert k50.suggested and not k5000.suggested, k5000.warnings
    assert r112.suggested and not r110.suggested
    assert r600.suggested and not r609.suggested


def test_r2_header_code_becomes_its_billable_default_and_acute_cough(coder):
    res = code_document(document_from_text("CHIEF COMPLAINT: Productive cough for 4 days.\n"), coder=coder)
    sug = {c.code: c for c in res.codes if c.suggested}
    assert all(c.billable for c in sug.values()), sorted(sug)
    assert "R05" not in {c.code for c in res.codes}
    assert "R05.1" in sug, sorted(sug)
    from medassist.tasks.code import billable_defaults

    r05 = CodeSuggestion("R05", "Cough", 0.9, True, "affirmed", False, [])
    out = billable_defaults([r05])
    assert [c.code for c in out] == ["R05.9"] and out[0].billable
    # the default is the child 'not specified as recurrent', never the recurrent one
    cdiff = CodeSuggestion("A04.7", "Enterocolitis due to Clostridium difficile", 0.9, True, "affirmed", False, [])
    assert [c.code for c in billable_defaults([cdiff])] == ["A04.72"]
    # a header listed next to its own default child: one candidate, the higher score
    r059 = CodeSuggestion("R05.9", "Cough, unspecified", 0.2, False, "affirmed", True, [])
    out = billable_defaults([CodeSuggestion("R05", "Cough", 0.9, True, "affirmed", False, []), r059])
    assert [(c.code, c.score, c.suggested) for c in out] == [("R05.9", 0.9, True)]


def test_r2_symptoms_of_a_pneumonia_are_integral(coder):
    sug, listed = suggested(coder, "ASSESSMENT:\nCommunity-acquired pneumonia with cough and fever for 3 days.\n")
    assert "J18.9" in sug and not {"R50.9", "R05.1", "R05.9"} & set(sug), sorted(sug)


@pytest.mark.parametrize("text", ["03", "03/02/2026", "not a real person", "real", "2 days", "the patient"])
def test_r2_numbers_dates_and_common_words_are_never_evidence(text):
    assert coding_safety.is_junk_evidence(text)
    assert not coding_safety.is_junk_evidence("real pain in the knee")


def test_r2_list_number_is_not_part_of_a_mention(coder):
    from medassist.tasks.coding_lexicon import is_list_marker

    text = "PAST MEDICAL HISTORY:\n1. Type 2 diabetes mellitus.\n2. Essential hypertension.\n"
    res = code_document(document_from_text(text), coder=coder)
    for c in res.codes:
        for e in c.evidence:
            assert not is_list_marker(text, e.start, e.start + 1), (c.code, e.text)
    assert "E10.9" not in {c.code for c in res.codes if c.suggested}


@pytest.mark.parametrize("text,never", [
    ("The depression of the anterior table of the frontal sinus was noted.", {"F32.A", "F32.9"}),
    ("A spinal anesthesia was given for postoperative pain control.", {"R52"}),
    ("PREOPERATIVE DIAGNOSES: 1. Chronic pelvic pain. 2. Endometriosis.", {"R52"}),
    ("ALLERGIES: Sulfa drugs (rash).", {"R21"}),
    ("A Judkins catheter was placed in the right coronary artery.", {"I25.10"}),
    ("ASSESSMENT:\n1. Primary osteoarthritis of the left knee.\n", {"M19.09", "M19.90", "M17.9", "M25.562"}),
])
def test_r2_words_that_are_not_the_condition(coder, text, never):
    sug, _ = suggested(coder, text)
    assert not (never & set(sug)), sorted(never & set(sug))


def test_r2_hypertension_diabetes_and_ckd_combinations(coder):
    sug, _ = suggested(coder, "He has type 2 diabetes, hypertension and chronic kidney disease stage 5.")
    assert {"E11.22", "I12.0", "N18.5"} <= set(sug), sorted(sug)
    assert not {"I10", "I12.9", "E11.9"} & set(sug), sorted(sug)


def test_r2_history_of_lifelong_condition_is_current_and_old_mi_is_coded(coder):
    sug, _ = suggested(coder, "Patient reports history of hypertension and diabetes mellitus. "
                              "He has a history of myocardial infarction in 2019.")
    assert {"E11.9", "I25.2"} <= set(sug), sorted(sug)
    assert not [c for c in sug if c.startswith("I21")], sorted(sug)


def test_r2_flagship_sample_suggested_set(coder):
    from medassist.config import resource_path

    text = resource_path("samples/discharge_summary.txt").read_text(encoding="utf-8")
    sug, _ = suggested(coder, text)
    assert {"N18.30", "N17.9", "J18.9", "E11.65", "E11.22", "I12.9", "I25.2", "Z80.0"} <= set(sug), sorted(sug)
    assert not {"N18.4", "N18.5", "N28.9", "S37.009A", "R05", "R05.9", "R50.9", "E10.9"} & set(sug), sorted(sug)
    assert all(c.billable for c in sug.values())


def test_r2_status_follows_the_mentions_left_after_the_check():
    """The affirmed mention was the knee effusion (rejected for J90): the one left is the mother's."""
    text = "Right knee shows a little effusion. Her mother had a pleural effusion."
    doc = document_from_text(text)
    a = text.index("effusion")
    b = text.index("pleural effusion")
    j90 = CodeSuggestion("J90", "Pleural effusion, not elsewhere classified", 0.9, True, "affirmed", True,
                         [Span.of(text, a, a + len("effusion")), Span.of(text, b, b + len("pleural effusion"))])
    coding_safety.check_evidence([j90], doc)
    assert [e.text for e in j90.evidence] == ["pleural effusion"]
    assert j90.status == "family" and not j90.suggested


def test_r2_relative_with_arthritis_is_family_history_of_arthritis(coder):
    sug, listed = suggested(coder, "FAMILY HISTORY:\nHer mother has rheumatoid arthritis.\n")
    assert "Z82.61" in sug and "M06.9" not in sug, sorted(sug)


def test_r2_a_relatives_clause_after_a_comma_does_not_reach_back(coder):
    """'She has hypertension and diabetes under treatment, her mother had breast cancer': the patient's own."""
    sug, listed = suggested(coder, "She has a history of hypertension and diabetes mellitus 2 under treatment, her mother "
                                   "had breast cancer, her father coronary disease and her sister a brain tumor.")
    assert {"I10", "E11.9", "Z80.3", "Z82.49"} <= set(sug), sorted(sug)  # Z82.49: the father's coronary disease
    assert listed["I10"].status == "affirmed" and "Z83.3" not in sug, sorted(sug)


@pytest.mark.parametrize("text,want,never", [
    ("ASSESSMENT:\n1. Obesity, BMI 32. Discussed diet.\n", {"E66.9", "Z68.32"}, set()),
    ("Vitals: BMI 32.\n", set(), {"Z68.32"}),                       # a BMI alone is not reported (I.B.14)
    ("ALLERGIES: Penicillin (hives).\n", {"Z88.0"}, set()),
    ("ALLERGIES: Sulfa drugs (rash).\n", {"Z88.2"}, {"R21"}),
    ("He is not allergic to penicillin.\n", set(), {"Z88.0"}),
    ("2. Elevated blood pressure without a diagnosis of hypertension. Recheck in 4 weeks.\n", {"R03.0"}, {"I10"}),
    ("History of CAD status post prior RCA stent in 2018.\n", {"Z95.5"}, set()),
])
def test_r2_status_codes_the_note_states(coder, text, want, never):
    sug, _ = suggested(coder, text)
    assert want <= set(sug), sorted(sug)
    assert not (never & set(sug)), sorted(sug)
    for code in want - {"E66.9"}:
        e = sug[code].evidence[0]
        assert text[e.start:e.end] == e.text and "ALLERGIES" not in e.text


# ---------------------------------------------------------------- r3: how long a problem lasted, chronic, drug use
@pytest.mark.parametrize("text,code", [
    ("A 42-year-old woman presented with a 10-day history of headache and gait instability.", "R51.9"),
    ("A 38-year-old male with a 3-year history of Crohn's disease was admitted with abdominal pain.", "K50.90"),
    ("A 45-year-old man with a history of chronic pancreatitis was admitted.", "K86.1"),
    ("A 73-year-old woman with a history of hypercholesterolemia and hypertension.", "E78.00"),
])
def test_r3_a_current_problem_with_its_duration_or_a_chronic_one_is_current(coder, text, code):
    sug, listed = suggested(coder, text)
    assert code in listed and listed[code].status == "affirmed", (code, listed.get(code))
    assert code in sug, sorted(sug)


def test_r3_history_of_diabetes_treated_with_metformin_is_current_drug_use(coder):
    sug, _ = suggested(coder, "The patient had a history of type 2 diabetes treated with metformin.")
    assert {"E11.9", "Z79.84"} <= set(sug), sorted(sug)


def test_r3_gestational_diabetes_is_not_type_2_diabetes(coder):
    sug, listed = suggested(coder, "History of MI in 2019. History of gestational diabetes treated with insulin.")
    assert not [c for c in sug if c.startswith(("E10", "E11", "Z79"))], sorted(sug)
    assert not [c for c in sug if c.startswith("I21")], sorted(sug)


def test_r3_a_lateral_code_needs_the_side_in_the_note(coder):
    sug, listed = suggested(coder, "Fundus examination showed a serous retinal detachment.")
    assert not [c for c in sug if c.startswith(("H33.21", "H33.22"))], sorted(sug)
    sug, _ = suggested(coder, "Left eye: fundus examination showed a serous retinal detachment.")
    assert "H33.22" in sug, sorted(sug)
    assert coding_safety._side_unsaid("H33.22", "Retinal detachment.", 0, 19,
                                      coding_safety._Sentences(document_from_text("Retinal detachment."))) is not None


def test_r3_neither_nor_negates(coder):
    sug, listed = suggested(coder, "Peripheral anomalies were not found, neither signs of traction nor retinal detachment.")
    assert not [c for c in sug if c.startswith("H33")], sorted(sug)


def test_a_below_threshold_note_is_only_on_codes_below_the_threshold():
    """A code promoted from the assessment and then given a higher score (N18.30 takes N18.9's) must not say
    'suggested below the threshold' next to a score above it."""
    from pathlib import Path

    from medassist.ingest import document_from_text
    from medassist.tasks.code import Coder, code_document

    coder = Coder()
    text = (Path(__file__).resolve().parents[1] / "resources" / "samples" / "discharge_summary.txt").read_text(encoding="utf-8")
    res = code_document(document_from_text(text), coder=coder)
    ckd = next(c for c in res.codes if c.code == "N18.30")
    assert ckd.suggested and ckd.score >= coder.threshold
    assert any(w.startswith("suggested: ") for w in ckd.warnings)
    for c in res.codes:
        if any(w.startswith("suggested below the threshold") for w in c.warnings):
            assert c.score < coder.threshold, (c.code, c.score)


def test_lifelong_condition_stays_current_when_its_affirmed_evidence_is_rejected(coder):
    """'history of DM treated with metformin': DM is current (lifelong, and treated now). The affirmed mention
    extract found was the drug ('Insulin was started'), which is not a mention of diabetes; the check that drops it
    re-reads the remaining 'history of DM' and must apply the same lifelong/treated rule, not call it past."""
    text = ("The patient had a history of DM treated with metformin (850 mg/8h) and glibenclamide. "
            "Insulin was started in the intensive care unit.")
    sug, listed = suggested(coder, text)
    assert "E11.9" in sug and listed["E11.9"].status == "affirmed"
    assert not any("remaining mentions are historical" in w for w in listed["E11.9"].warnings)
    # a condition that does resolve keeps its past status when only its historical mention is left
    sug, listed = suggested(coder, "She had a history of pneumonia in 2015. Chest X-ray today is clear.")
    assert not any(c.startswith("J18") for c in sug)


# ---------------------------------------------------------------- US notes: abbreviations, present tense, problem lists
US_NOTE = """CHIEF COMPLAINT: Shortness of breath.

HISTORY OF PRESENT ILLNESS: 72-year-old woman with known CHF, COPD and CKD stage 3b presents with 3 days of worsening dyspnea. She has HTN and T2DM, both poorly controlled. SpO2 95% on RA.

PAST MEDICAL HISTORY: HTN, HLD, T2DM, GERD, OSA on CPAP. S/p CABG in 2015. History of DVT.

PROBLEM LIST:
1. Atrial fibrillation
2. Hypothyroidism

ASSESSMENT AND PLAN:
1. Acute on chronic diastolic heart failure.
2. COPD, stable.
"""


def test_us_note_abbreviations_and_problem_list_are_coded(coder):
    sug, listed = suggested(coder, US_NOTE)
    want = {
        "N18.32": "CKD stage 3b",  # the staged abbreviation, not N18.30 / N18.9
        "E78.5": "HLD",  # a past-history list of abbreviations: lifelong, current
        "G47.33": "OSA",  # "on CPAP": treated now
        "I50.33": "Acute on chronic diastolic heart failure",  # the whole line, not I50.32 for its last four words
        "I13.0": "HTN",  # hypertension + heart failure + CKD stage 3b: the combination code
        "E11.22": "T2DM",  # diabetes "with" CKD is presumed linked
        "I48.91": "Atrial fibrillation",  # the problem list is current
        "E03.9": "Hypothyroidism",
    }
    for code, text in want.items():
        assert code in sug, (code, listed.get(code))
        assert any(text in e.text for e in sug[code].evidence), (code, sug[code].evidence)
        assert sug[code].status == "affirmed"
    assert not set(sug) & {"N18.30", "N18.9", "I50.32", "I10", "K21.9"}, sorted(sug)  # GERD: past history, untreated
    assert not [c for c in sug if c.startswith("M06")], "RA in 'on RA' (room air) is not rheumatoid arthritis"
    assert any("named by its abbreviation ('HLD')" in w for w in sug["E78.5"].warnings)


def test_present_tense_past_history_is_current_and_headache_of_migraine_is_integral(coder):
    note = ("CHIEF COMPLAINT: Cough.\n\nPAST MEDICAL HISTORY: He has gastroesophageal reflux disease. "
            "She currently has migraine headaches. Pneumonia in 2015.\n\nASSESSMENT: Acute bronchitis.\n")
    sug, listed = suggested(coder, note)
    assert {"K21.9", "G43.909", "J20.9"} <= set(sug), sorted(sug)
    assert sug["K21.9"].status == "affirmed" and sug["G43.909"].status == "affirmed"
    assert "J18.9" not in sug and listed["J18.9"].status == "historical"  # "in 2015": past
    assert "R51.9" not in sug and any("integral to the suggested G43" in w for w in listed["R51.9"].warnings)


def test_us_note_dialysis_status_list_evidence_and_organ_words(coder):
    note = ("CHIEF COMPLAINT: Penile discharge.\n\n"
            "HISTORY OF PRESENT ILLNESS: 67-year-old man with stomach pain after meals and some regurgitation "
            "with gas after meals. Urinalysis shows a urinary tract infection.\n\n"
            "PAST MEDICAL HISTORY: Significant for end-stage renal disease on dialysis, hypertension, peripheral "
            "vascular disease, coronary artery disease, and hyperlipidemia.\n\n"
            "PHYSICAL EXAMINATION: No evidence of infection in his perineal area.\n\n"
            "IMPRESSION: Pale glans. I think it is due to chronic ischemic changes.\n")
    sug, listed = suggested(coder, note)
    # N18.6's note: use additional code for dialysis status; the evidence is what the note says
    assert "Z99.2" in sug and sug["Z99.2"].evidence[0].text == "on dialysis"
    # a list item's words, not words borrowed across the comma before it
    assert "I25.10" in sug and sug["I25.10"].evidence[0].text == "coronary artery disease", listed.get("I25.10")
    assert listed["I73.9"].status == "affirmed"  # a lifelong condition of the past history is current
    assert "I34.0" not in sug  # regurgitation with gas is not mitral insufficiency
    assert "I25.9" not in sug  # ischemic changes of the glans are not ischemic heart disease
    assert "R52" not in sug  # stomach pain has a site
    assert "N39.0" in sug and "B99.9" not in sug  # the UTI's own word; the other "infection" is negated


def test_lexicon_word_alignment_prefers_the_item_without_a_comma():
    from medassist.tasks.coding_lexicon import lexicon

    t = "peripheral vascular disease, coronary artery disease, congestive heart failure"
    got = {term.text: t[min(a for a, _ in w):max(b for _, b in w)] for term, w in lexicon().match(t, 0, len(t))}
    assert got["Coronary (artery) disease"] == "coronary artery disease"
    assert got["Congestive heart failure NOS"] == "congestive heart failure"


@pytest.mark.parametrize("text,never", [
    # abbreviations that are not a current condition
    ("HPI: Infant with cradle cap. Otherwise well.", "J18.9"),
    ("HPI: Chest pain. MI ruled out by serial troponins.", "I21.9"),
    ("HPI: Dyspnea, ? PE, CT angiogram ordered.", "I26.99"),
    ("FAMILY HISTORY: Her mother has HTN and T2DM.", "I10"),
    ("HPI: 40-year-old with cough. SpO2 97% on RA.", "M06.9"),
    ("HPI: He had a PE in 2010, treated with warfarin for 6 months.", "I26.99"),
    ("HPI: Fever and cough. CKD stage 3 and hepatitis B are followed elsewhere.", "N18.32"),
    # procedure words, sites, and words that name another thing
    ("PROCEDURE: A Veress needle was inserted. A pneumoperitoneum was created. The trocar was placed.", "K66.8"),
    ("PROCEDURE: Saline was injected for an artificial erection test, which showed a persistent chordee.", "N48.30"),
    ("RECTAL: Examination benign. GENITALIA: Normal.", "N40.0"),
    ("HPI: He also had an ear infection two weeks ago.", "B99.9"),
    ("PLAN: Tylenol with codeine for pain. Return in 1 week.", "R52"),
    ("SOCIAL HISTORY: He drinks occasional alcohol, 5 to 6 drinks a week. Nonsmoker.", "F10.10"),
    ("HPI: Hematuria that began while he was sleeping last night.", "R26.2"),
    ("PROCEDURE: A mediastinal chest tube and bilateral pleural Blake drains were placed.\n\nDIAGNOSIS: Esophageal rupture.", "J90"),
    ("HPI: This is a 67-year-old male with pain, left scrotum, for two weeks.", "R52"),
    ("DIAGNOSIS: Right buccal space infection and abscess of tooth #3.", "B99.9"),
    ("INDICATION: Morbid obesity, BMI 51. He has been overweight for many years.", "E66.3"),
    ("ECHO: Abnormal left ventricular relaxation and elevated left atrial pressures.", "I48.91"),
    ("SOCIAL HISTORY: The patient is a nonsmoker. Denies any alcohol use.", "F17.200"),
    ("HPI: He has a family and desired infertility; he requests a vasectomy.", "N97.9"),
    ("FINDINGS: Trilobar enlargement of the prostate with prostatic varices of the median lobe.", "I85.00"),
    ("PROCEDURE: Profound hypothermic circulatory arrest time equals 23 minutes.", "I46.9"),
    ("PATHOLOGY: Well differentiated adenocarcinoma in 1 of 25 chips of prostatic tissue.", "N40.1"),
    ("DIAGNOSIS: Right index finger stenosing tenosynovitis (trigger finger).", "D49.0"),
    ("PREOPERATIVE DIAGNOSIS: Vitreous hemorrhage, right eye.", "R58"),
    ("RESULTS: MRI brain, 03/04/2021: The MRI reveals a pituitary lesion with compression of the optic chiasm.", "G93.5"),
    ("ASSESSMENT: History of aortic aneurysm repair.", "I71.40"),
    ("HPI: Second opinion on the right index finger hyperextension injury sustained during a motor vehicle accident "
     "in 03/2021.", "T14.90XA"),  # the site is named: an S code, not 'injury, unspecified'
    ("ASSESSMENT: History of aortic aneurysm repair.", "I72.9"),
    ("HPI: In addition to the abdominal pain, he complains of constipation and episodic severe diarrhea.", "R10.0"),
    ("HPI: Risks and benefits were discussed. Potential complications include:\n1. Infection.\n2. Bleeding.\n", "B99.9"),
])
def test_words_that_name_no_current_condition(coder, text, never):
    sug, listed = suggested(coder, text)
    assert never not in sug, (text, sug[never].evidence, sug[never].warnings)


def test_operative_narrative_is_not_coded_the_postoperative_diagnosis_is(coder):
    text = ("DESCRIPTION OF PROCEDURE: The external oblique fascia was incised. There was a moderate amount of scar "
            "tissue noted, which was incised.\n\nPOSTOPERATIVE DIAGNOSIS: Left inguinal hernia.")
    sug, listed = suggested(coder, text)
    assert "L90.5" not in sug and "K40.90" in sug, sorted(sug)
    assert any("description of the procedure" in w for w in listed["L90.5"].warnings)


@pytest.mark.parametrize("text, code, coded", [
    # an operative note that states no diagnosis elsewhere: its title tells what was operated on
    ("PROCEDURE PERFORMED: Umbilical hernia repair.\n\nPROCEDURE: The patient was placed supine. The hernia sac was "
     "dissected free and the fascia closed. The wound was closed.", "K42.9", True),
    ("PROCEDURE: , Excision of sebaceous cyst, left shoulder.\n\nDESCRIPTION OF PROCEDURE: The cyst was excised "
     "with an elliptical incision.", "L72.3", True),
    # ... but not when a postoperative diagnosis or an indication says it (the title may name the planned operation)
    ("PROCEDURE PERFORMED: Umbilical hernia repair.\n\nPOSTOPERATIVE DIAGNOSIS: Incisional hernia.", "K42.9", False),
    ("PROCEDURE: Umbilical hernia repair.\n\nINDICATIONS: Reducible ventral hernia.\n\nDESCRIPTION OF PROCEDURE: "
     "The sac was opened.", "K42.9", False),
    # nor the narrative after the title, nor a title that names no operation
    ("PROCEDURE: Umbilical hernia repair.\n\nDESCRIPTION OF PROCEDURE: There was a moderate amount of scar tissue "
     "noted, which was incised.", "L90.5", False),
    ("PROCEDURE: Profound hypothermic circulatory arrest time equals 23 minutes.", "I46.9", False),
    ("PROCEDURES:\nCystoscopy: Blockage of the urethra by a markedly enlarged prostate.", "N40.0", False),
])
def test_an_operation_title_is_the_diagnosis_of_a_note_that_states_none(coder, text, code, coded):
    sug, listed = suggested(coder, text)
    assert (code in sug) is coded, (code, sorted(sug), listed.get(code) and listed[code].warnings)


def test_primary_care_problem_list(coder):
    note = ("ASSESSMENT AND PLAN:\n1. Vitamin D deficiency.\n2. Tobacco use disorder, smokes 1 pack per day.\n"
            "3. BPH with LUTS on tamsulosin.\n4. Atrial fibrillation on apixaban.\n5. Hyperlipidemia, on atorvastatin.\n")
    sug, listed = suggested(coder, note)
    for code in ("E55.9", "F17.210", "N40.1", "I48.91", "Z79.01", "E78.5"):
        assert code in sug, (code, listed.get(code))
    # the same three words are not also 'Vitamin A deficiency' or 'other vitamins' / 'vitamin deficiency NOS'
    assert not {"E50.9", "E56.8", "E56.9", "F17.200"} & set(sug), sorted(sug)
    assert sug["Z79.01"].evidence[0].text == "apixaban"


def test_everyday_us_terms_and_redundant_unspecified_codes(coder):
    note = ("CHIEF COMPLAINT: Low back pain.\n\nHPI: He injured his lower back lifting boxes. Back pain since.\n\n"
            "ASSESSMENT AND PLAN:\n1. Annual visit.\n2. Lumbar strain.\n3. Hypertension.\n")
    sug, listed = suggested(coder, note)
    assert {"Z00.00", "S39.012A", "I10"} <= set(sug), sorted(sug)
    # the strain's symptom and the unspecified back pain are not coded beside it
    assert not {"M54.50", "M54.9"} & set(sug), sorted(sug)
    assert any("integral to the suggested S39.012A" in w for w in listed["M54.50"].warnings)


def test_a_condition_named_exactly_once_and_loosely_elsewhere_is_one_code(coder):
    note = ("ASSESSMENT:\n• Iron deficiency anemia\nShe was diagnosed with iron deficiency anemia in 2019. "
            "Her anemia is improving on oral iron.\n")
    sug, listed = suggested(coder, note)
    assert "D50.9" in sug and sug["D50.9"].evidence[0].text.lower() == "iron deficiency anemia"
    assert "D64.9" not in sug and "E61.1" not in sug, sorted(sug)  # the same anemia, the same iron deficiency


def test_injuries_get_the_named_side_and_their_symptoms_are_integral(coder):
    note = ("CHIEF COMPLAINT: Right wrist pain.\n\nHPI: She fell on an outstretched hand. Trauma to the right wrist.\n\n"
            "ASSESSMENT:\n1. Right wrist Colles fracture.\n2. Right knee MCL strain.\n3. Pituitary adenoma.\n")
    sug, listed = suggested(coder, note)
    assert {"S52.531A", "S83.411A", "D35.2"} <= set(sug), sorted(sug)
    assert not {"S52.539A", "S83.419A", "M25.531", "T14.90XA"} & set(sug), sorted(sug)
    assert any("names the right side" in w for w in listed["S52.539A"].warnings)


def test_more_us_assessment_wordings(coder):
    note = ("ASSESSMENT:\n1. Right medial epicondylitis.\n2. IgA deficiency.\n3. Stage III non-small cell lung cancer.\n"
            "4. Right non-healing diabetic foot ulcer.\n5. Diabetic neuropathy with polyneuropathy of both feet.\n"
            "6. Acute nephrolithiasis with right flank pain and nausea; kidney stone on CT.\n")
    sug, listed = suggested(coder, note)
    assert {"M77.01", "D80.2", "C34.90", "E11.621"} <= set(sug), sorted(sug)
    assert not {"M77.00", "D49.1", "E11.9"} & set(sug), sorted(sug)  # the side; malignant, not unspecified behaviour
    if "N20.0" in sug:
        assert not [c for c in sug if c.startswith(("R10", "R11"))], sorted(sug)  # a stone's routine symptoms


def test_an_assessment_line_makes_a_past_condition_current(coder):
    note = ("HPI: 61-year-old man with a past medical history significant for kidney stones, who presents with back "
            "pain and blood in the urine.\n\nASSESSMENT AND PLAN:\nKidney stones.\n• Medical Reasoning: a stone on CT.\n")
    sug, listed = suggested(coder, note)
    assert "N20.0" in sug and sug["N20.0"].status == "affirmed", listed.get("N20.0")
    assert "Z87.442" not in sug  # no personal-history code for the stone he has now


@pytest.mark.parametrize("text,code", [
    ("Splenic infarction.", "D73.5"),  # 'Infarction of spleen'
    ("Vesical tumor in the dome.", "D49.4"),  # neoplasm table, unspecified behaviour, bladder
    ("Tumor located in the lower pole of the right kidney.", "D49.51"),  # words between the site and the tumor
    ("Bowel obstruction.", "K56.609"),  # 'Intestinal obstruction'
    ("Pulmonary disease.", "J98.4"),  # 'Lung disease NOS'
    ("Brain tumour.", "D49.6"),  # British spelling, 'cerebrum, cerebral' of the neoplasm table
    ("Hepatic steatosis on ultrasound.", "K76.0"),
    ("Leucopenia of 2,100 per microlitre.", "D72.819"),  # British spellings
    ("Macroscopic haematuria.", "R31"),
    ("Ischaemic stroke of the left middle cerebral artery.", "I63"),
    ("Hypoalbuminaemia of 2.1 g/dl.", "E88.09"),  # the Index's word, not the tabular's
    ("Hyponatremia of 121 mmol/l.", "E87.1"),  # 'Hypo-osmolality and hyponatremia'
    ("She reports urinary urgency.", "R39.15"),  # the Index's words for 'Urgency of urination'
    ("Coagulopathy of liver disease.", "D68.9"),
    ("Abdominal distention after meals.", "R14.0"),  # the US spelling of 'distension'
    ("Hyporeflexia in both legs.", "R29.2"),
    ("A neck mass of 3 cm.", "R22.1"),
    ("Bilateral cryptorchidism.", "Q53.9"),
    ("Hydatid cyst of the liver.", "B67.8"),
    ("Bladder overactivity despite oxybutynin.", "N32.81"),
    ("Pericardial tamponade.", "I31.4"),
    ("Status post aortic valve replacement.", "Z95.2"),
    ("Cellulitis of the right foot.", "L03.115"),  # a limb's cellulitis by its side, not L03.90
    ("Left leg cellulitis.", "L03.116"),
])
def test_lexicon_reads_an_organ_by_its_noun_or_adjective(text, code):
    from medassist.tasks.coding_lexicon import lexicon

    assert any(term.code.startswith(code) for term, _ in lexicon().match(text, 0, len(text))), text


@pytest.mark.parametrize("text,code", [
    ("The tumor was difficult to remove because of its large size and its firm adherence to the brainstem and the "
     "facial nerve.", "D49.2"),  # the tumour is not a nerve tumour: too many words between
    ("Renal cysts.", "Q61.00"),  # an acquired cyst of the kidney; the congenital code needs the word
    ("Adipose tissue. The tumor was resected.", "D49.2"),  # not across a sentence
    ("He reported nausea without vomiting for two days.", "R11.2"),  # 'without' says the vomiting is absent
    ("Vomiting w/o nausea since yesterday.", "R11.2"),
])
def test_lexicon_does_not_join_words_that_name_two_things(text, code):
    from medassist.tasks.coding_lexicon import lexicon

    got = {term.code for term, _ in lexicon().match(text, 0, len(text))}
    assert code not in got, (text, sorted(got))


@pytest.mark.parametrize("text,plain,other", [
    ("Esophagitis.", "K20.90", "K20.80"),  # 'Other esophagitis without bleeding'
    ("Epilepsy.", "G40.909", "G40.802"),  # 'Other epilepsy, not intractable, without status epilepticus'
    ("Leukemia.", "C95.90", "C94.80"),  # 'Other specified leukemias not having achieved remission'
    ("Ectopic pregnancy.", "O00.90", "O00.80"),  # 'Other ectopic pregnancy without intrauterine pregnancy'
    ("Rubella.", "B06.9", "B06.89"),  # 'Rubella with other complications' (the words end at 'with')
])
def test_a_name_without_other_words_is_not_the_other_code(text, plain, other):
    # 'other' is no word of the matcher: a tabular term whose only telling word it is had the words of its plain
    # sibling, and a bare name matched both
    from medassist.tasks.coding_lexicon import lexicon

    got = {term.code for term, _ in lexicon().match(text, 0, len(text))}
    assert plain in got and other not in got, (text, sorted(got))


@pytest.mark.parametrize("text,code", [
    ("Pathological fracture.", "M84.48XA"),  # 'Pathological fracture, other site': the mandible is such a site
    ("Sprain of the lateral ligament of the right ankle.", "S93.491A"),  # 'Sprain of other ligament of right ankle'
    ("Anemia of chronic disease.", "D63.8"),  # the category's own term (D63) is no rival of 'other chronic diseases'
])
def test_an_other_site_or_a_category_term_keeps_the_other_code(text, code):
    from medassist.tasks.coding_lexicon import lexicon

    got = {term.code for term, _ in lexicon().match(text, 0, len(text))}
    assert code in got, (text, sorted(got))


def test_word_equivalents_resource_is_valid_and_symmetric(tmp_path, monkeypatch):
    from medassist.tasks import coding_lexicon

    same = coding_lexicon.word_equivalents()
    assert "kidney" in same["renal"] and "renal" in same["kidney"]
    assert all(w in same[alt] for w, alts in same.items() for alt in alts)  # every group reads both ways
    (tmp_path / "icd10cm").mkdir()
    (tmp_path / "icd10cm" / "word_equivalents.json").write_text('{"groups": [["kidney", ""]]}', encoding="utf-8")
    monkeypatch.setattr(coding_lexicon, "resource_path", lambda name: str(tmp_path / name))
    coding_lexicon.word_equivalents.cache_clear()
    try:
        with pytest.raises(ValueError, match="word_equivalents.json"):
            coding_lexicon.word_equivalents()
    finally:
        monkeypatch.undo()
        coding_lexicon.word_equivalents.cache_clear()


def test_tumor_site_and_hernia_site_in_a_urology_and_surgery_note(coder):
    note = ("PREOPERATIVE DIAGNOSES:\n1. Bladder tumor.\n2. Right inguinal hernia.\n3. Right renal cyst.\n\n"
            "FINDINGS: The hernia sac held omentum and bowel.\n")
    sug, listed = suggested(coder, note)
    assert {"D49.4", "K40.90", "N28.1"} <= set(sug), sorted(sug)
    assert not {"K46.9", "Q61.00", "D49.9"} & set(sug), sorted(sug)  # the site is given; acquired cyst


def test_possibility_of_a_diagnosis_is_uncertain(coder):
    sug, listed = suggested(coder, "HPI: Visual loss. Neurology raised the possibility of an optic neuritis.")
    assert "H46.9" not in sug and listed["H46.9"].status == "uncertain", listed.get("H46.9")


@pytest.mark.parametrize("text,want", [
    ("CHIEF COMPLAINT: Annual exam.\n\nHPI: 58-year-old woman. She has HTN, well controlled.\n", True),
    ("HPI: 45-year-old man who is here today for his annual physical. He feels well.\n", True),
    ("HPI: She had her annual exam last month. Today she has a cough for 3 days.\n", False),  # not this visit's reason
    ("HPI: She missed her annual exam. No annual physical this year.\n", False),
])
def test_the_reason_for_an_annual_exam_visit_is_coded(coder, text, want):
    sug, listed = suggested(coder, text)
    assert ("Z00.00" in sug) is want, (text, listed.get("Z00.00"))
    if want:
        assert any("reason for the visit" in w for w in sug["Z00.00"].warnings)


def test_amputation_status_from_the_past_history_not_from_the_operation(coder):
    sug, listed = suggested(coder, "PAST MEDICAL HISTORY: Hypertension. Left below-knee amputation. High cholesterol.\n")
    assert {"Z89.512", "E78.00"} <= set(sug), sorted(sug)
    assert sug["Z89.512"].evidence[0].text == "Left below-knee amputation"
    sug, listed = suggested(coder, "PROCEDURE: Left below-knee amputation.\n\nDESCRIPTION OF PROCEDURE: The leg was "
                                   "prepped. A below-knee amputation was performed.\n")
    assert not [c for c in sug if c.startswith("Z89")], sorted(sug)  # the operation makes it; it is not yet a status


@pytest.mark.parametrize("line,want,never", [
    ("Brain tumor.", "D49.6", "D49.9"),  # the neoplasm table's site, not 'tumor NOS'
    ("Vesical tumor.", "D49.4", "D49.9"),
    ("Pancreatic cancer.", "C25.9", "C80.1"),  # not 'malignant neoplasm, unspecified site'
    ("COPD exacerbation.", "J44.1", "J44.9"),
    ("Asthma exacerbation.", "J45.901", "J45.909"),
    ("COPD, stable, no exacerbation this year.", "J44.9", "J44.1"),
    # an exacerbation that is over (treated last week, resolved) is no exacerbation of this visit
    ("COPD, stable, recent exacerbation resolved.", "J44.9", "J44.1"),
    ("COPD. Seen in the ED last week for a COPD exacerbation, treated with prednisone, now completed.", "J44.9",
     "J44.1"),
    ("COPD, back to baseline after an exacerbation in October.", "J44.9", "J44.1"),
    ("Asthma, well controlled since her exacerbation last month.", "J45.909", "J45.901"),
    ("COPD with acute exacerbation, second this month. The previous exacerbation resolved on steroids.", "J44.1",
     "J44.9"),  # (a current one beside an earlier one)
    ("Acute COPD exacerbation, not resolved after 3 days of prednisone.", "J44.1", "J44.9"),
    ("Pulmonary disease.", None, "J44.9"),  # no obstruction named: no COPD
    # a meniscus tear: which meniscus, which kind of tear, which knee (Index: Tear, meniscus, medial / lateral)
    ("Tear of medial meniscus, right knee, initial encounter.", "S83.241A", "S83.206A"),
    ("Complex tear of the medial meniscus of the right knee.", "S83.231A", "S83.241A"),
    ("Bucket-handle tear of the lateral meniscus, left knee.", "S83.252A", "S83.282A"),
    ("Bucket-handle tear of the lateral meniscus, left knee.", "S83.252A", "M23.207"),  # not an old tear
    ("Left knee lateral meniscus tear.", "S83.282A", "S83.252A"),
    ("Tear of the right knee meniscus.", "S83.206A", "S83.241A"),  # no meniscus named: unspecified
    ("Chronic rhinitis.", "J31.0", "J30.9"),
    # a rheumatoid arthritis the note calls 'of multiple sites' is M05.79, though the HPI names the swollen hands;
    # 'without organ involvement' is no organ involvement
    ("Rheumatoid arthritis with rheumatoid factor of multiple sites without organ involvement, active.", "M05.79",
     "M05.9"),
    ("Seropositive rheumatoid arthritis of multiple sites, with swelling of both hands.", "M05.79", "M05.741"),
    ("Seropositive rheumatoid arthritis of both hands.", "M05.741", "M05.79"),
    # a lumbar disc at L5-S1 alone is the lumbosacral region; with a lumbar level too, the lumbar region
    ("Lumbar disc herniation with radiculopathy, L5-S1.", "M51.17", "M51.16"),
    ("Lumbar disc herniation at L5-S1.", "M51.27", "M51.26"),
    ("Lumbar disc herniations at L4-5 and L5-S1 with radiculopathy.", "M51.16", "M51.17"),
])
def test_an_assessment_line_gets_the_code_of_its_site_and_state(coder, line, want, never):
    sug, listed = suggested(coder, f"ASSESSMENT:\n1. {line}\n")
    assert want is None or want in sug, (line, sorted(sug), listed.get(want))
    assert never not in sug, (line, sorted(sug))


def test_signs_of_an_injury_and_symptoms_of_esophagitis_are_integral(coder):
    note = ("CHIEF COMPLAINT: Left ankle pain.\n\nPHYSICAL EXAM: Left ankle: ecchymosis over the lateral malleolus. Edema "
            "is present.\n\nASSESSMENT: Left ankle sprain.\n")
    sug, listed = suggested(coder, note)
    assert "S93.402A" in sug and not {"R60.9", "R60.0", "R52", "M25.572"} & set(sug), sorted(sug)
    note = ("CHIEF COMPLAINT: Difficulty swallowing.\n\nHPI: Dysphagia for weeks; the pain radiates to his chest. He has "
            "epigastric pain.\n\nASSESSMENT: Acute esophagitis.\n")
    sug, listed = suggested(coder, note)
    assert any(c.startswith("K20") for c in sug), sorted(sug)
    assert not {"R13.10", "R10.13", "R07.9", "R52"} & set(sug), sorted(sug)
    assert any("routine symptoms of esophagitis" in w for w in listed["R13.10"].warnings)


def test_transcribed_diagnosis_lines_run_together_with_commas(coder):
    """MTSamples-style 'PREOPERATIVE DIAGNOSIS:, Voluntary sterility.,' lines: the line is the diagnosis."""
    note = ("PREOPERATIVE DIAGNOSES:,1.  Voluntary sterility.,2.  Phimosis.,3.  Left canal cholesteatoma.,"
            "4.  Recurrent bladder tumor.,5.  Radiation cystitis.,PROCEDURE PERFORMED:,  Vasectomy.,")
    sug, listed = suggested(coder, note)
    assert {"Z30.2", "N47.1", "H60.42", "D49.4", "N30.40"} <= set(sug), sorted(sug)
    assert not {"N97.9", "N46.9", "H71.92", "H60.40"} & set(sug), sorted(sug)  # no infertility; the ear canal's side
    assert all("," not in e.text for c in sug.values() for e in c.evidence[:1]), [c.evidence[0].text for c in sug.values()]


def test_a_sign_found_only_in_the_exam_or_review_of_systems_is_not_coded_when_the_assessment_skips_it(coder):
    exam = ("REVIEW OF SYSTEMS: Endorses fatigue. Denies fever.\n\nPHYSICAL EXAM: Heart: 2/6 systolic ejection murmur. "
            "Skin: erythema of the left forearm.\n\n")
    sug, listed = suggested(coder, "HPI: Follow-up of hypertension. He has a cough for 3 days.\n\n" + exam
                            + "ASSESSMENT AND PLAN:\n1. Hypertension. Continue lisinopril.\n")
    assert "I10" in sug and "R05.1" in sug, sorted(sug)  # the HPI's symptom stays
    assert not {"R01.1", "R53.83", "L53.9"} & set(sug), sorted(sug)
    assert any("outpatient guideline IV.J" in w for w in listed["R01.1"].warnings)
    sug, listed = suggested(coder, exam)  # an exam alone, no assessment: what it finds is all there is
    assert "R01.1" in sug, sorted(sug)


@pytest.mark.parametrize("line,want,never", [
    ("Ovarian cancer.", "C56.9", "C80.1"),  # the neoplasm table's 'C56.-' category
    ("Alcohol abuse.", "F10.10", "F10.19"),  # a header's default is 'uncomplicated', not 'with unspecified disorder'
    ("Nicotine dependence.", "F17.200", "F17.209"),
    ("Transitional cell carcinoma of the urinary bladder.", "C67.9", "C65.9"),  # not the renal pelvis
])
def test_header_defaults_and_cancer_sites(coder, line, want, never):
    sug, listed = suggested(coder, f"ASSESSMENT:\n1. {line}\n")
    assert want in sug and never not in sug, (line, sorted(sug))


def test_default_billable_of_substance_headers():
    from medassist.tasks.coding_lexicon import default_billable

    assert [default_billable(h) for h in ("F10.1", "F11.2", "F17.21", "F10.92", "E11.31", "N18")] == [
        "F10.10", "F11.20", "F17.210", "F10.929", "E11.319", "N18.9"]


def test_an_orthopedic_note_with_its_risk_list_and_a_right_hand_dominant_patient(coder):
    note = ("HPI: 36-year-old right-hand-dominant female who presents for the evaluation of right foot pain.\n\n"
            "ASSESSMENT: Right foot pain, consistent with a Lisfranc fracture.\n\n"
            "PLAN: There is always a risk of amputation, heart attack, stroke, blood clots, pulmonary embolism, and "
            "death. We will proceed with surgery.\n")
    sug, listed = suggested(coder, note)
    assert not {"M79.641", "I26.99", "R99", "I63.9", "I21.9"} & set(sug), sorted(sug)
    assert listed["I26.99"].status == "hypothetical"


def test_heart_disease_named_exactly_and_loosely(coder):
    note = ("HPI: In terms of his heart disease, he had a heart attack in 2018 and a stent in the right coronary "
            "artery.\n\nFAMILY HISTORY: Father: heart failure.\n\nASSESSMENT:\n1. Coronary artery disease.\n")
    sug, listed = suggested(coder, note)
    assert "I25.10" in sug and "Z82.49" in sug, sorted(sug)
    assert not {"I51.9", "I25.9"} & set(sug), sorted(sug)  # the same heart disease


def test_a_term_takes_the_occurrence_of_its_word_that_makes_it_whole(coder):
    from medassist.tasks.coding_lexicon import lexicon

    t = "He has difficulty walking, high cholesterol, and high blood pressure."
    got = {term.text: t[min(a for a, _ in w):max(b for _, b in w)] for term, w in lexicon().match(t, 0, len(t))}
    assert got["high blood pressure"] == "high blood pressure" and got["high cholesterol"] == "high cholesterol"
    sug, listed = suggested(coder, "PAST MEDICAL HISTORY: " + t + "\n")
    assert {"I10", "E78.00"} <= set(sug), sorted(sug)


def test_a_transcribed_one_line_note_keeps_its_impression_diagnosis(coder):
    note = ("PROCEDURE: Cystoscopy, no tumor or foreign body.  Significant atrophic vaginitis is noted.,IMPRESSION: , "
            "Atrophic vaginitis with overactive bladder with urge incontinence.,PLAN: , Vaginal estrogen.")
    sug, listed = suggested(coder, note)
    assert "N32.81" in sug and "T19.1XXA" not in sug, sorted(sug)  # 'foreign body ... bladder' spans two sentences


def test_a_delivery_laceration_is_not_a_disorder_of_the_vagina(coder):
    note = ("SUMMARY: Vacuum-assisted vaginal delivery. A vaginal inspection revealed a third-degree midline "
            "laceration as well as a right vaginal side wall laceration, repaired.\n")
    sug, listed = suggested(coder, note)
    assert "N89.8" not in sug, sorted(sug)


@pytest.mark.parametrize("text,want,never", [
    ("ASSESSMENT:\n1. Type 2 diabetes with diabetic neuropathy.\n", "E11.40", "E11.42"),  # Index: with neuropathy
    ("ASSESSMENT:\n1. Type 2 diabetes with peripheral neuropathy.\n", "E11.42", "E11.40"),  # with polyneuropathy
    ("ASSESSMENT:\n1. Lung cancer.\n2. Painful swallowing.\n", "R13.10", "R52"),  # odynophagia, not pain NOS
])
def test_the_index_entry_the_wording_points_to(coder, text, want, never):
    sug, listed = suggested(coder, text)
    assert want in sug and never not in sug, (text, sorted(sug))


def test_an_accident_of_a_named_kind_is_not_also_exposure_to_other_factors():
    text = "Injured in a motor vehicle accident."  # (with the injury it caused: an external cause alone is none)
    doc = document_from_text(text)
    a = text.index("motor vehicle accident")
    v89 = CodeSuggestion("V89.2XXA", "Person injured in unspecified motor-vehicle accident, traffic, initial encounter",
                         0.9, True, "affirmed", True, [Span.of(text, a, a + len("motor vehicle accident"))])
    x58 = CodeSuggestion("X58.XXXA", "Exposure to other specified factors, initial encounter", 0.9, True, "affirmed",
                         True, [Span.of(text, a + len("motor vehicle "), a + len("motor vehicle accident"))])
    inj = CodeSuggestion("S13.4XXA", "Sprain of ligaments of cervical spine, initial encounter", 0.9, True, "affirmed",
                         True, [Span.of(text, 0, len("Injured"))])
    coding_safety.refine([inj, v89, x58], doc)
    assert v89.suggested and not x58.suggested
    assert any("coded by its kind" in w for w in x58.warnings)


def test_conditions_written_after_a_no_known_allergies_line_are_not_allergy_reactions(coder):
    # a case report: "No known allergies." is one line; the history below it is no allergy list
    note = ("A 35-year-old woman with recurrent urinary infections.\nNo known allergies.\nNo diabetes.\n"
            "Ex-smoker.\nPhysical examination: Morbid obesity.\n")
    sug, listed = suggested(coder, note)
    assert "E66.01" in sug and "Z87.891" in sug, sorted(sug)
    assert "E11.9" not in sug and (listed["E11.9"].status == "negated" if "E11.9" in listed else True)


@pytest.mark.parametrize("text", ["He came with a renoureteral crisis on the right.", "Left nephritic colic."])
def test_renal_colic_as_translated_case_reports_word_it(coder, text):
    sug, listed = suggested(coder, text)
    assert "N23" in sug, sorted(sug)


def test_two_items_of_a_diagnosis_list_are_not_joined_into_one_term(coder):
    note = ("PREOPERATIVE DIAGNOSES: Bilateral inguinal hernias, cerebral palsy, asthma, seizure disorder, "
            "developmental delay, and gastroesophageal reflux disease.\n")
    sug, listed = suggested(coder, note)
    assert "F89" not in listed and {"G40.909", "G80.9"} <= set(sug), sorted(sug)
    # the inverted form of one condition still matches
    from medassist.tasks.coding_lexicon import lexicon
    for text, code in [("Severe osteoarthritis, right knee.", "M17"), ("Fracture, left wrist.", "S62.1"),
                       ("Carcinoma, left nasal cavity.", "C30.0")]:
        got = {t.code for t, _ in lexicon().match(text, 0, len(text))}
        assert any(c.startswith(code) for c in got), (text, got)


def test_a_reaction_a_drug_causes_is_an_intolerance_not_a_current_symptom(coder):
    note = ("HISTORY OF PRESENT ILLNESS\nMs. Gutierrez is seen for right index finger pain. She also notes "
            "methylprednisolone causes her to itch.\n\nALLERGIES\nMethylprednisolone causes itching.\n\n"
            "ASSESSMENT AND PLAN\nRight index finger pain.\n")
    sug, listed = suggested(coder, note)
    assert "L29.9" not in sug, sorted(sug)
    text = "Metformin causes diarrhea. Itching caused by the rash. Codeine gave him severe nausea."
    doc = document_from_text(text)
    why = {w: coding_safety.drug_reaction(code, text, text.index(w), 0)
           for w, code in [("diarrhea", "R19.7"), ("Itching", "L29.9"), ("nausea", "R11.0")]}
    assert why["diarrhea"] and "Metformin" in why["diarrhea"] and why["nausea"] and why["Itching"] is None
    assert coding_safety.drug_reaction("Z88.0", text, text.index("diarrhea"), 0) is None  # the allergy code stays
    assert doc.text == text


@pytest.mark.parametrize("text,want,never", [
    ("ASSESSMENT: Suicide attempt.", "T14.91XA", None),  # T14.91 is no unspecified injury: it needs no injury word
    ("ASSESSMENT: Hematoma of the left thigh.", None, "T14.8XXA"),  # a named site is coded by that site
    ("He returned with a very large hematoma to his left neck.", None, "T14.8XXA"),
    ("Status post blunt trauma to the nose 9 months ago.", None, "T14.90XA"),
])
def test_injury_of_unspecified_site_only_when_no_site_is_named(coder, text, want, never):
    sug, listed = suggested(coder, text)
    assert (want is None or want in sug) and (never is None or never not in sug), (text, sorted(sug))


@pytest.mark.parametrize("text,want", [
    ("ASSESSMENT: Elevated alkaline phosphatase.", "R74.8"),  # tabular: abnormal level of alkaline phosphatase
    ("ASSESSMENT: Elevated PSA.", "R97.20"),  # the description's "[PSA]" is bracketed, so it never matched
    ("ASSESSMENT: Low vitamin D.", "E55.9"),
    ("ASSESSMENT:\n1. Transaminitis.\n2. Elevated A1c.", "R74.01"),
    ("ASSESSMENT:\n1. Transaminitis.\n2. Elevated A1c.", "R73.09"),
    ("ASSESSMENT: Elevated AST and ALT, likely fatty liver.", "R74.01"),  # the finding is coded, the cause is not
])
def test_abnormal_lab_findings_named_in_the_assessment(coder, text, want):
    sug, listed = suggested(coder, text)
    assert want in sug, (text, sorted(sug))
    if "likely" in text:
        assert "K76.0" not in sug


def test_an_elevated_psa_that_led_to_the_prostate_cancer_is_not_coded_beside_it(coder):
    note = ("HISTORY: A 72-year-old male who presented with elevated PSA and a prostate biopsy with Gleason 6 "
            "cancer on the right apex.\nASSESSMENT: Prostate cancer.\n")
    sug, listed = suggested(coder, note)
    assert "C61" in sug and "R97.20" not in sug, sorted(sug)
    sug, listed = suggested(coder, "ASSESSMENT: Elevated PSA. Prostate biopsy was negative.\n")
    assert "R97.20" in sug and "C61" not in sug, sorted(sug)


def test_a_risk_list_with_long_semicolon_items_and_terms_across_semicolons(coder):
    note = ("He accepts all treatment-associated risks to include but not be limited to bleeding requiring "
            "transfusion; infection; sepsis; heart attack; stroke; bladder neck contractures; need to convert to an "
            "open procedure; urinary fistulae; impotence; incontinence; small-bowel obstruction; abdominal hernia.\n")
    sug, listed = suggested(coder, note)
    assert not {"R32", "K46.9", "N39.3", "K56.609"} & set(sug), sorted(sug)
    from medassist.tasks.coding_lexicon import lexicon
    t = "Urinary fistulae; impotence; incontinence."
    assert "R32" not in {term.code for term, _ in lexicon().match(t, 0, len(t))}


@pytest.mark.parametrize("text,never", [
    ("CYSTOSCOPY: There was a periureteral diverticulum, lateral to the left ureteral opening.", "K57.90"),
    ("He had cystoscopy. He had a retained staple removed and a diverticulum identified.", "K57.90"),
    ("ECHO: The aortic valve is trileaflet. Normal morphology of aortic valve and mitral valve.", "I35.0"),
    ("ASSESSMENT: Status post aortic valve replacement with a mechanical valve.", "I35.0"),
])
def test_a_bare_organ_word_is_not_its_commonest_disease(coder, text, never):
    sug, listed = suggested(coder, text)
    assert never not in sug, (text, sorted(sug))


def test_diverticulosis_and_aortic_stenosis_are_still_coded(coder):
    sug, _ = suggested(coder, "ASSESSMENT:\n1. Sigmoid diverticulosis.\n2. Mild aortic valve stenosis.\n")
    assert "K57.30" in sug and "I35.0" in sug, sorted(sug)


def test_pain_with_no_site_in_the_sentence_of_a_diagnosis_is_that_diagnosis_pain(coder):
    sug, _ = suggested(coder, "PREOPERATIVE DIAGNOSIS: Chronic venous hypertension with painful varicosities, "
                              "lower extremities, bilaterally.\n")
    assert "R52" not in sug and any(c.startswith("I8") for c in sug), sorted(sug)
    # pain told in a sentence of its own beside an unrelated diagnosis is still pain
    sug, _ = suggested(coder, "ASSESSMENT:\n1. Type 2 diabetes.\n2. Generalized pain for two weeks.\n")
    assert "E11.9" in sug and "R52" in sug, sorted(sug)


@pytest.mark.parametrize("text,want,never", [
    ("PREOPERATIVE DIAGNOSES:\n1. Hallux abductovalgus deformity, right foot.\n2. Tailor bunion deformity, right foot.\n",
     {"M20.11", "M21.621"}, {"M21.611"}),  # a tailor's bunion is a bunionette, not a bunion
    ("PREOPERATIVE DIAGNOSIS AND INDICATIONS: Acute non-ST-elevation MI.\n", {"I21.4"}, set()),
    ("PREOPERATIVE DIAGNOSIS: Stenosing tendinosis, right thumb (trigger finger).\n", {"M65.311"}, {"M65.30"}),
    ("PREOPERATIVE DIAGNOSES:\n1. Hyperpyrexia/leukocytosis.\n2. Acute pancreatitis.\n", {"R50.9", "D72.829"}, set()),
])
def test_a_problem_line_gets_the_term_that_names_it_most_exactly(coder, text, want, never):
    sug, _ = suggested(coder, text)
    assert want <= set(sug) and not never & set(sug), (text, sorted(sug))


def test_a_stent_tried_during_the_procedure_is_no_stent_status_and_angina_is_part_of_the_mi(coder):
    note = ("PREOPERATIVE DIAGNOSIS: Acute non-ST-elevation MI.\nPOSTOPERATIVE DIAGNOSIS: The patient presented with "
            "an acute non-ST-elevation MI. Despite medical therapy, she continued to have intermittent angina.\n"
            "PROCEDURE IN DETAIL: We attempted to advance a 2.5 x 24 mm bare metal stent, but could not advance it "
            "beyond the proximal LAD. The stent was removed.\n")
    sug, _ = suggested(coder, note)
    assert "I21.4" in sug and "Z95.5" not in sug and "I20.9" not in sug, sorted(sug)
    sug, _ = suggested(coder, "PAST MEDICAL HISTORY: Coronary artery disease, status post RCA stent in 2018.\n")
    assert "Z95.5" in sug, sorted(sug)


def test_external_causes_need_the_injury_they_caused(coder):
    sug, listed = suggested(coder, "HPI: He has been swimming at the pool a lot this summer and fall.\n"
                                   "ASSESSMENT: Hypertension.\n")
    assert not [c for c in sug if c.startswith("W")], sorted(sug)
    sug, _ = suggested(coder, "HPI: She describes that her hip will sometimes catch, causing her to fall on occasion.\n"
                              "ASSESSMENT: Right hip pain.\n")
    assert "W19.XXXA" not in sug and "M25.551" in sug, sorted(sug)
    # a suggested injury takes the external cause the history words, even when the scorer ranks it low
    sug, _ = suggested(coder, "HPI: She fell from a ladder.\nASSESSMENT: Closed fracture of the left distal radius.\n")
    assert "S52.502A" in sug and "W11.XXXA" in sug, sorted(sug)
    sug, _ = suggested(coder, "HPI: She stays active.\nASSESSMENT: Right ankle sprain.\n")
    assert "S93.401A" in sug and not [c for c in sug if c.startswith("Y93")], sorted(sug)  # no activity code
    sug, _ = suggested(coder, "He fell asleep at the wheel.")
    assert "Z99.3" not in sug, sorted(sug)
    sug, _ = suggested(coder, "CHIEF COMPLAINT: Tick bite.\n")  # a bite's external cause may be the visit's only code
    assert "W57.XXXA" in sug, sorted(sug)


def test_symptoms_of_an_acute_pharyngitis_are_part_of_it(coder):
    note = ("ASSESSMENT AND PLAN\n1. Sore throat.\n- Medical Reasoning: The patient has experienced sore throat, fever, "
            "chills, profuse sweating, and difficulty swallowing for 4 days.\n")
    sug, _ = suggested(coder, note)
    assert "J02.9" in sug and not {"R50.9", "R68.83", "R61", "R13.10"} & set(sug), sorted(sug)
    sug, _ = suggested(coder, "PREOPERATIVE DIAGNOSIS: Obstructive adenotonsillar hypertrophy.\n")
    assert "J35.3" in sug, sorted(sug)


@pytest.mark.parametrize("text,want,never", [
    ("ASSESSMENT:\n1. Non-healing ulcer, right foot\n2. Diabetes\n", {"E11.621", "L97.519"}, {"E11.9", "L97.509"}),
    ("ASSESSMENT:\nHistory of coronary artery bypass graft.\n", {"Z95.1"}, set()),
    ("HPI: She slipped and fell on ice yesterday.\nASSESSMENT: Lateral ligament complex sprain, Right ankle.\n",
     {"S93.491A", "W00.0XXA"}, set()),
    ("ASSESSMENT:\n1. Mitral regurgitation.\n2. Systolic ejection murmur.\n", {"I34.0"}, {"R01.1"}),
])
def test_primary_care_problem_lists(coder, text, want, never):
    sug, _ = suggested(coder, text)
    assert want <= set(sug) and not never & set(sug), (text, sorted(sug))


def test_the_side_code_may_sit_under_a_sibling_subcategory():
    # L97.509 'of other part of unspecified foot' has its right-foot code under L97.51, not under L97.50
    assert coding_safety._sibling_for_side("L97.509", "right") == "L97.519"
    assert coding_safety._sibling_for_side("S52.509A", "left") == "S52.502A"


def test_one_side_is_the_unilateral_code_and_both_sides_the_bilateral_one():
    """Codes that name no side but one or both: 'Right undescended testicle' is Q53.10 (unilateral), bilateral
    Q53.20; 'bilateral sensorineural hearing loss' H90.3; a one-sided hearing loss has its side's own code."""
    assert coding_safety._sibling_for_side("Q53.9", "right") == "Q53.10"
    assert coding_safety._sibling_for_side("Q53.9", "bilateral") == "Q53.20"
    assert coding_safety._sibling_for_side("H90.5", "bilateral") == "H90.3"
    assert coding_safety._sibling_for_side("S52.539A", "right") == "S52.531A"  # a code of a 7th character
    assert coding_safety._sibling_for_side("G56.00", "bilateral") == "G56.03"  # 'bilateral upper limbs'
    assert coding_safety._sibling_for_side("R10.20", "bilateral") == "R10.23"  # 'pain bilateral' (no 'side')
    assert coding_safety._sibling_for_side("M25.569", "bilateral") is None  # knee pain has no bilateral code
    t = "PREOPERATIVE DIAGNOSIS: Right undescended testicle."
    q53 = _sug("Q53.9", "Undescended testicle, unspecified", t, "undescended testicle")
    t2 = "Bilateral sensorineural hearing loss."
    h90 = _sug("H90.5", "Unspecified sensorineural hearing loss", t2, "sensorineural hearing loss")
    for text, c, want in ((t, q53, "Q53.10"), (t2, h90, "H90.3")):
        codes = [c]
        doc = document_from_text(text)
        coding_safety.name_the_side(codes, doc, coding_safety._Sentences(doc))
        assert not c.suggested and [x.code for x in codes if x.suggested] == [want], [x.code for x in codes]
    # no bilateral code, and the mention itself says both sides: the right and the left codes
    t3 = "ASSESSMENT: Bilateral knee pain.\nPLAN: Physical therapy."
    m25 = _sug("M25.569", "Pain in unspecified knee", t3, "knee pain")
    t4 = "Bilateral lower extremity edema. Knee pain after a fall."
    m25b = _sug("M25.569", "Pain in unspecified knee", t4, "Knee pain")
    for text, c, want in ((t3, m25, ["M25.561", "M25.562"]), (t4, m25b, ["M25.569"])):
        codes = [c]
        doc = document_from_text(text)
        coding_safety.name_the_side(codes, doc, coding_safety._Sentences(doc))
        assert [x.code for x in codes if x.suggested] == want, [x.code for x in codes]


def test_a_recent_stemi_named_as_the_reason_for_the_visit(coder):
    sug, _ = suggested(coder, "CHIEF COMPLAINT\n\nHospital follow-up after an anterior STEMI.\n")
    assert "I21.09" in sug, sorted(sug)
    sug, _ = suggested(coder, "CHIEF COMPLAINT\n\nFollow-up after a stress test.\n")
    assert not [c for c in sug if c.startswith("I21")], sorted(sug)


@pytest.mark.parametrize("text,word,code,ok", [
    ("In the week prior to admission she had frequent and severe cough attacks.", "attacks", "G45.9", False),
    ("Her first panic-like attack included tremors and paresthesias.", "attack", "G45.9", False),
    ("He suffered an episode interpreted as a transient ischaemic attack.", "attack", "G45.9", True),
    ("Drainage fluid cultures grew Staphylococcus haemolyticus.", "Staphylococcus", "B95.61", False),
    ("Staphylococcus epidermis was isolated in several blood cultures.", "Staphylococcus", "B95.61", False),
    ("Cultures grew Staphylococcus aureus.", "Staphylococcus aureus", "B95.61", True),
    ("The left testicle was normal.", "left testicle", "N50.9", False),
    ("A 2 cm nodule of the left testicle.", "nodule of the left testicle", "N50.9", True),
    ("There were hemorrhages in the posterior pole of both eyes.", "hemorrhages", "R58", False),  # retinal: H35.6-
    ("Hemorrhage of the right eye revealed a flame-shaped lesion.", "Hemorrhage", "R58", False),
    ("Marked pleomorphism and a focus of intratumoral necrosis.", "necrosis", "I96", False),
    ("Biopsy ruled out tumor necrosis.", "necrosis", "I96", False),
    ("Dry gangrene of the left second toe.", "gangrene", "I96", True),
])
def test_a_word_of_the_code_is_not_its_condition(text, word, code, ok):
    # (learned n-grams give these codes from the organ or the word alone: 'attack', 'Staphylococcus', 'left testicle')
    doc = document_from_text(text)
    i = text.index(word)
    why = coding_safety.evidence_problem(code, doc, Span.of(text, i, i + len(word)))
    assert (why is None) == ok, (text, why)


def test_tia_and_staphylococcus_aureus_still_coded(coder):
    sug, _ = suggested(coder, "ASSESSMENT:\n1. Transient ischemic attack.\n2. Cellulitis of the left leg, cultures "
                              "grew methicillin-sensitive Staphylococcus aureus.\n")
    assert "G45.9" in sug and "B95.61" in sug, sorted(sug)


def test_an_unspecified_code_beside_a_specified_one_of_its_subcategory(coder):
    note = ("PREOPERATIVE DIAGNOSIS: Squamous cell carcinoma of the scalp.\nINDICATIONS: An 81-year-old male with a "
            "7 cm lesion of the scalp which is biopsy-positive for skin malignancy, specifically, squamous cell "
            "carcinoma.\n")
    sug, _ = suggested(coder, note)
    assert "C44.42" in sug and "C44.40" not in sug, sorted(sug)
    sug, _ = suggested(coder, "OPERATIVE DIAGNOSES: Chronic sinusitis with deviated nasal septum and hypertrophied "
                              "turbinates.\n")
    assert "J34.3" in sug, sorted(sug)


@pytest.mark.parametrize("text,want", [
    ("PAST MEDICAL HISTORY: History of melanoma, excised in 2015.\n", "Z85.820"),  # was Z85.9 'unspecified'
    ("PAST MEDICAL HISTORY: Thyroid cancer in 2010, status post thyroidectomy.\n", "Z85.850"),
    ("ASSESSMENT AND PLAN\n\nStatus post cataract surgery.\n- Doing well.\n", "Z98.49"),
    ("ASSESSMENT: Basal cell carcinoma.\n", "C44.91"),  # the Index sends it to the skin; notes omit 'of skin'
])
def test_history_of_a_named_cancer_and_status_after_surgery(coder, text, want):
    sug, _ = suggested(coder, text)
    assert want in sug, (text, sorted(sug))


@pytest.mark.parametrize("text,want", [
    ("ASSESSMENT: Gait instability.\n", "R26.81"),  # Index: Gait, unsteady / Unsteadiness on feet
    ("Repeated episodes of confusional syndrome of metabolic cause.\n", "F05"),  # Index: Syndrome, confusional F05
])
def test_index_wordings_of_unsteadiness_and_confusion(coder, text, want):
    sug, listed = suggested(coder, text)
    assert want in listed and "lexicon" in listed[want].sources, (text, sorted(listed)[:10])


@pytest.mark.parametrize("text,want,not_wanted", [
    # US wordings the tabular list does not give (resources/icd10cm/abbreviations.json), the side and the stage
    # taken from the mention
    ("PREOPERATIVE DIAGNOSIS: Aortic stenosis.\n", "I35.0", ()),  # the tabular says 'Nonrheumatic aortic (valve) stenosis'
    ("ASSESSMENT: 1. Left flank pain.\n", "R10.A2", ("R10.9", "R52")),
    ("ASSESSMENT: 1. Right pelvic pain. 2. Right ovarian mass.\n", "R10.21", ("R52",)),
    ("PREOPERATIVE DIAGNOSIS: Abnormal uterine bleeding.\n", "N93.9", ()),
    ("PREOPERATIVE DIAGNOSIS: Right cubital tunnel syndrome.\n", "G56.21", ()),
    ("PREOPERATIVE DIAGNOSIS: Severe degenerative joint disease of the right knee.\n", "M17.11", ("M19.90",)),
    ("PREOPERATIVE DIAGNOSIS: Rotator cuff tear, left.\n", "M75.102", ()),
    ("PREOPERATIVE DIAGNOSIS: Epiretinal membrane, right eye.\n", "H35.371", ()),
    ("PREOPERATIVE DIAGNOSIS: Stage IV necrotic sacral decubitus.\n", "L89.154", ("L89.159",)),
    ("ASSESSMENT: Stage 3 pressure ulcer of the sacrum.\n", "L89.153", ("L89.893",)),  # 'sacral region'
    ("PREOPERATIVE DIAGNOSIS: Carious teeth #2 and #19 and left mandibular dental abscess.\n", "K04.7", ()),
    ("DIAGNOSIS: Incomplete abortion.\n", "O03.4", ()),
    ("PREOPERATIVE DIAGNOSIS: Bilateral inguinal hernia.\n", "K40.20", ("K40.90",)),  # one condition, both sides
    ("PREOPERATIVE DIAGNOSIS: A 10-1/2 week pregnancy, spontaneous, incomplete abortion.\n", "O03.4", ("O03.9",)),
    ("PREOPERATIVE DIAGNOSIS: Degenerative arthritis of left knee.\n", "M17.12", ("M25.562",)),
    ("ASSESSMENT: Right hip degenerative joint disease.\n", "M16.11", ()),
    ("PREOPERATIVE DIAGNOSIS: Massive intraventricular hemorrhage with hydrocephalus.\n", "I61.5", ()),
    ("PREOPERATIVE DIAGNOSIS: Desires vasectomy.\n", "Z30.2", ("Z98.52",)),  # the reason for the visit, no status yet
    ("PREOPERATIVE DIAGNOSIS: Secondary capsular membrane, right eye.\n", "H26.491", ("H26.9",)),
    ("PREOPERATIVE DIAGNOSIS: Hallux limitus deformity of the right foot.\n", "M20.5X1", ()),
    ("PREOPERATIVE DIAGNOSIS: Thrombosed arteriovenous shunt left forearm.\n", "T82.868A", ("I77.0", "I82.90")),
    ("PREOPERATIVE DIAGNOSIS: Varicose veins of both legs.\n", "I83.93", ("I83.91", "I83.92")),  # 'bilateral ... extremities'
    ("HPI: He has had painful varicose veins for years.\nPREOPERATIVE DIAGNOSIS: Varicose veins of the left lower extremity.\n",
     "I83.812", ("I83.92", "R52")),
    ("PREOPERATIVE DIAGNOSIS: Malignant pleural effusion, left, with dyspnea.\n", "J91.0", ("J90",)),  # Excludes1, one mention
    ("PREOPERATIVE DIAGNOSIS: Acute lymphocytic leukemia in remission.\n", "C91.01", ("C91.10", "C95.00", "C95.91")),
    ("ASSESSMENT: Endstage renal disease. Hypertension.\n", "I12.0", ("I10", "N28.9")),
    ("PREOPERATIVE DIAGNOSIS: Right ureteropelvic junction obstruction.\n", "Q62.11", ("Q62.39",)),
    ("PREOPERATIVE DIAGNOSIS: Complex Regional Pain Syndrome Type I.\nHPI: Severe burning pain since the fracture.\n", "G90.50", ("R52",)),
    ("ASSESSMENT: Overactive bladder with urgency and frequency.\n", "N32.81", ("R39.15", "R35.0")),
    ("PREOPERATIVE DIAGNOSIS: Prostate cancer, Gleason score 4+3 with 85% burden and 8/12 cores positive.\n"
     "POSTOPERATIVE DIAGNOSIS: Prostate cancer, Gleason score 4+3.\nHPI: Gleason 4+3 disease.\n", "C61", ()),
    ("CHIEF COMPLAINT: Right upper arm pain.\nASSESSMENT: Right proximal humerus fracture.\n", "S42.201A", ("M79.621",)),
    ("CHIEF COMPLAINT: Left wrist and hand pain.\nASSESSMENT: Left carpal tunnel syndrome.\n", "G56.02", ("M25.532", "M79.642")),
    ("HPI: Pain and swelling in the right index finger.\nASSESSMENT: Trigger finger of the right index finger.\n",
     "M65.321", ("M79.644",)),
    ("ASSESSMENT: 1. Right knee posterior cruciate ligament strain.\n", "S83.521A", ()),
    ("ASSESSMENT: 1. Transient tics.\n", "F95.0", ()),
    ("ASSESSMENT: Non-cardiac chest pain.\n", "R07.89", ("R07.9",)),
    ("ASSESSMENT: Pituitary adenoma. Bitemporal hemianopia.\n", "H53.47", ()),
    ("PREOPERATIVE DIAGNOSIS: Shunt malfunction.  The patient with a ventriculoatrial shunt.\n", "T85.01XA", ()),
    ("PREOPERATIVE DIAGNOSIS: Blocked ventriculoperitoneal shunt.\n", "T85.09XA", ()),
    ("ASSESSMENT: Chronic back pain.\n", "M54.9", ("M54.50",)),  # Index: Pain, back; no region named
    # one specific word that names one code alone, as the diagnosis line gives it
    ("PREOPERATIVE DIAGNOSIS: , Empyema of the chest, left.\n", "J86.9", ()),
    ("PREOPERATIVE DIAGNOSES:,1.  Severe menometrorrhagia unresponsive to medical therapy.,2.  Anemia.\n", "N92.1", ()),
    ("PREOPERATIVE DIAGNOSES:,1.  Uterine procidentia grade II-III.\n", "N81.2", ("N81.3",)),
    ("PREOPERATIVE DIAGNOSIS: Septic left total knee arthroplasty.\nHPI: Worsening left knee pain and swelling.\n",
     "T84.54XA", ("M25.562",)),
    ("ASSESSMENT: Infected right hip prosthesis.\n", "T84.51XA", ()),
    ("CC: Right leg pain.\nASSESSMENT: Right leg contusion.\n", "S80.11XA", ("M79.604",)),
    ("PREOPERATIVE DIAGNOSIS: , Recurrent right inguinal hernia, as well as phimosis.\n", "K40.91", ("K40.90",)),
    ("PREOPERATIVE DIAGNOSIS: Right inguinal hernia.\nThe risk of recurrence was discussed.\n", "K40.90", ("K40.91",)),
    ("PREOPERATIVE DIAGNOSIS: Bilateral progressive conductive hearing losses with probable otosclerosis.\n", "H90.0", ()),
    ("PREOPERATIVE DIAGNOSIS: , Right undescended testis (ectopic position).\n", "Q53.01", ("Q53.10",)),
    ("PREOPERATIVE DIAGNOSIS: , Sacro-iliitis (720.2), lumbo-sacral segmental dysfunction (739.3).\n", "M46.1", ()),
    ("HPI: She has abdominal pain. The pain is essentially in the lower abdomen.\n", "R10.30", ("R10.9",)),
    ("HPI: Six months later she presented abdominal pain and hypogastric mass effect.\n", "R10.9", ("R10.30",)),
    ("ASSESSMENT: Right shoulder rotator cuff tear.\nHPI: Right shoulder pain for months.\n", "M75.101", ("M25.511",)),
    ("PREOPERATIVE DIAGNOSIS: , Infected right hip bipolar arthroplasty, status post excision and placement of antibiotic "
     "spacer.\n", "T84.51XA", ()),
    ("CHIEF COMPLAINT: Back pain.\nHPI: Pain in the lumbar region for 3 days.\n", "M54.50", ("M54.9",)),
    ("CHIEF COMPLAINT: Bilateral knee pain.\nASSESSMENT: 1. Patellofemoral pain syndrome, bilateral.\n", "M22.2X1",
     ("M25.561", "M25.562")),
    ("PREOPERATIVE DIAGNOSES,1.  Uncontrolled open angle glaucoma, left eye.,2.  Conjunctival scarring, left eye.\n",
     "H40.10X0", ("H40.10",)),  # a header that needs its 7th character takes the default one (stage unspecified)
])
def test_us_wordings_sides_and_stages_of_diagnosis_lines(coder, text, want, not_wanted):
    sug, _ = suggested(coder, text)
    assert want in sug and not set(not_wanted) & set(sug), (text, sorted(sug))


@pytest.mark.parametrize("text,code", [
    ("ASSESSMENT: 1. Squamous cell carcinoma of the scalp.\n", "C80.1"),  # 'carcinoma' alone names no site
    ("ASSESSMENT: Thrombosed left forearm loop fistula graft.\n", "M25.18"),
])
def test_a_general_word_of_the_assessment_is_no_code_of_its_own(coder, text, code):
    sug, _ = suggested(coder, text)
    assert code not in sug, sorted(sug)


def test_urge_incontinence_stays_beside_an_overactive_bladder(coder):
    """N32.81 asks for its incontinence to be coded too ('use additional code'): not integral like urgency."""
    sug, _ = suggested(coder, "ASSESSMENT: Overactive bladder with urge incontinence.\n")
    assert {"N32.81", "N39.41"} <= set(sug), sorted(sug)


def test_a_unilateral_code_stays_for_a_one_sided_mention_beside_a_bilateral_one(coder):
    """"Bilateral inguinal hernia" alone is K40.20; a hernia of one side named on its own keeps K40.90."""
    sug, _ = suggested(coder, "ASSESSMENT: 1. Bilateral inguinal hernia. 2. Right femoral hernia. 3. Left inguinal hernia.\n")
    assert {"K40.20", "K40.90"} <= set(sug), sorted(sug)


def test_a_routine_circumcision_and_a_rising_psa_after_treatment(coder):
    sug, _ = suggested(coder, "PROCEDURE: Newborn circumcision.\nINDICATIONS: Parental preference.\n")
    assert "Z41.2" in sug, sorted(sug)  # the reason for the visit, no disease
    sug, _ = suggested(coder, "PREOPERATIVE DIAGNOSIS: Phimosis.\nPROCEDURE: Circumcision.\n")
    assert "N47.1" in sug and "Z41.2" not in sug, sorted(sug)
    note = ("HPI: He returns 21 months after prostate fossa irradiation for recurrent Gleason 8 adenocarcinoma of the "
            "prostate. The PSA has been slowly rising in recent months.\n")
    sug, _ = suggested(coder, note)
    assert "C61" in sug and "R97.21" in sug, sorted(sug)  # C61: use additional code R97.21 (not integral, as R97.20)


@pytest.mark.parametrize("text,want,never", [
    ("HPI: The patient's history includes positive for HIV.\nASSESSMENT: Hypogonadism.\n", {"Z21"}, {"B20"}),
    ("HPI: HIV positive on antiretroviral therapy.\n", {"B20"}, {"Z21"}),  # treated HIV disease
    ("HPI: She has type 2 diabetes and is HIV positive, not on treatment.\nASSESSMENT: Type 2 diabetes.\n",
     {"Z21"}, {"B20"}),  # B20 alone was suggested: the status replaces it
    ("ASSESSMENT: AIDS with Pneumocystis pneumonia.\n", {"B20", "B59"}, {"J18.9"}),
    ("ASSESSMENT\n\n- Neck pain in the setting of arthritis and disc degeneration\n", {"M54.2"}, set()),
    ("CHIEF COMPLAINT: Left-sided back pain.\nASSESSMENT AND PLAN\n1. Kidney stone.\n", {"N20.0"}, {"M54.50"}),
])
def test_hiv_status_pneumocystis_neck_pain_and_the_pain_of_a_stone(coder, text, want, never):
    sug, _ = suggested(coder, text)
    assert want <= set(sug) and not never & set(sug), (text, sorted(sug))


def test_a_skin_cancer_of_the_face_is_not_the_ill_defined_site(coder):
    sug, _ = suggested(coder, "ASSESSMENT: Basal cell carcinoma of the left cheek.\n")
    assert "C76.0" not in sug and "C44.319" in sug, sorted(sug)  # (C44.91 until session 22: now by its site)
    sug, _ = suggested(coder, "ASSESSMENT: Carcinoma of the cheek.\n")  # the Neoplasm Table's cheek NEC stays
    assert "C76.0" in sug, sorted(sug)


@pytest.mark.parametrize("text,code", [
    ("Family history is negative for hypertension and stroke.", "Z82.3"),
    ("Serology was negative for hepatitis B and C virus.", "B19.20"),
    ("In 2003 a biopsy was negative for adenocarcinoma of the prostate.", "C61"),
])
def test_c1_a_test_negative_for_a_condition_gives_no_code(coder, text, code):
    sug, _ = suggested(coder, text)
    assert code not in sug, (text, sorted(sug))


def test_safety_rules_define_each_code_prefix_once():
    """A prefix written in two 'codes' rules ("I71" and "I71|I72") keeps only the later one: the earlier rule's
    checks would silently never run."""
    with open(coding_safety.resource_path("icd10cm/safety_rules.json"), encoding="utf-8") as fh:
        codes = json.load(fh)["codes"]
    seen: dict[str, str] = {}
    for key in codes:
        for prefix in key.split("|"):
            assert prefix not in seen, (prefix, seen.get(prefix), key)
            seen[prefix] = key


@pytest.mark.parametrize("text,code,never", [
    ("The physical examination revealed a right hemiparesis 4/5.", "G81.91", "G81.90"),
    ("Left hemiplegia since the stroke in March.", "G81.94", "G81.90"),
])
def test_hemiplegia_of_one_side_is_coded_by_dominance_defaults(coder, text, code, never):
    """Guideline I.C.6.a: dominance not documented, the right side is dominant and the left nondominant."""
    sug, _ = suggested(coder, text)
    assert code in sug and never not in sug, (text, sorted(sug))


@pytest.mark.parametrize("text,want,never", [
    ("PREOPERATIVE DIAGNOSIS: Left testicular torsion.\n\nHISTORY: He woke with severe left testicular pain and "
     "scrotal swelling.\n", {"N44.00"}, {"N50.812", "N50.82"}),
    ("POSTOPERATIVE DIAGNOSES:\n1. Left testicular torsion.\n2. Left testicular abscess.\n", {"N44.00", "N45.4"},
     {"N50.9"}),
])
def test_testicular_pain_is_integral_to_a_torsion_and_an_abscess_is_n45_4(coder, text, want, never):
    sug, _ = suggested(coder, text)
    assert want <= set(sug) and not never & set(sug), (text, sorted(sug))


def test_a_valve_replaced_in_the_operation_described_is_no_status_code(coder):
    sug, _ = suggested(coder, "PROCEDURE: Aortic valve replacement with a 23 mm bioprosthesis.\n"
                              "INDICATION: Severe aortic stenosis.\n")
    assert "Z95.2" not in sug and "I35.0" in sug, sorted(sug)
    sug, _ = suggested(coder, "HISTORY: Status post aortic valve replacement in 2015, on warfarin.\n")
    assert "Z95.2" in sug, sorted(sug)


@pytest.mark.parametrize("text,want,never", [
    ("SOCIAL HISTORY: Current smoker since teens.\n", {"F17.200"}, {"Z87.891"}),
    ("SOCIAL HISTORY: He smokes 1 pack a day.\n", {"F17.210"}, {"Z87.891"}),
    ("SOCIAL HISTORY: Former smoker, quit in 2010.\n", {"Z87.891"}, {"F17.200", "F17.210"}),
    ("A 77-year-old man, ex-smoker of 60 cigarettes/day, with a history of hypertension.", {"Z87.891"}, {"F17.210"}),
    ("SOCIAL HISTORY: No history of smoking. Her mother is a smoker.\n", set(), {"Z87.891", "F17.200"}),
    ("PLAN: He agrees to quit smoking before his next visit.\n", set(), {"Z87.891"}),
    ("SOCIAL HISTORY: She quit smoking in 2010.\n", {"Z87.891"}, {"F17.200", "F17.210"}),
    ("SOCIAL HISTORY: He stopped smoking 5 years ago.\n", {"Z87.891"}, {"F17.200", "F17.210"}),
    ("SOCIAL HISTORY: She smoked cigarettes until 2010.\n", {"Z87.891"}, {"F17.200", "F17.210"}),
    ("HPI: He was well until 3 days ago when he developed chest pain.\n", {"R07.9"}, {"Z87.891"}),
])
def test_tobacco_status_from_the_social_history(coder, text, want, never):
    """A current smoker is nicotine dependence (the Index: 'Smoker - see Dependence, drug, nicotine'), F17.210 when
    cigarettes or packs are named; a former smoker is Z87.891, never beside a current F17.2-."""
    sug, _ = suggested(coder, text)
    assert want <= set(sug) and not never & set(sug), (text, sorted(sug))


@pytest.mark.parametrize("code,text,word,ok", [
    # words the coder pack learned for a code (a test's name, a drug, a lobe) are no mention of the condition
    ("A23.9", "The Rose Bengal test was requested.", "Rose", False),
    ("G40.909", "Carbamazepine was reduced.", "Carbamazepine", False),
    ("I71.40", "A retinal macroaneurysm was observed in the upper temporal arch.", "aneurysm", False),
    ("R91.8", "A biopsy of the right upper lobe was performed.", "right upper lobe", False),
    ("I86.4", "The bleeding required hospitalization.", "required hospitalization", False),
    ("K83.1", "Stasis ulcers of the lower extremities.", "Stasis", False),
    # words the scorer tied to a code in US notes (found by reading their suggestions), and a true mention of each
    ("F50.9", "He does admit to occasionally drinking wine and eating burgers.", "eating", False),
    ("F50.9", "She has an eating disorder and sees a therapist.", "eating disorder", True),
    ("Q62.5", "A 4.7-French ureteral double J-stent was placed.", "ureteral double", False),
    ("Q62.5", "Ultrasound showed a duplex kidney with a duplicated ureter.", "duplicated ureter", True),
    ("T30.0", "Intact placenta. Third degree midline tear.", "Third degree", False),
    ("T30.0", "He sustained third degree burns in a house fire.", "third degree burns", True),
    ("K40.30", "PREOPERATIVE DIAGNOSIS: Right inguinal hernia.", "Right inguinal hernia", False),
    ("K40.30", "He has an incarcerated right inguinal hernia.", "right inguinal hernia", True),
    ("K40.40", "A right inguinal hernia was found at surgery.", "right inguinal hernia", False),
    ("G83.14", "He experiences numbness most noticeable in the left thumb and index finger.", "thumb", False),
    ("G83.14", "He has a left leg monoplegia after the spinal cord infarct.", "monoplegia", True),
    ("A68.9", "He had recurrent UTIs and Enterococcus in the urine with fevers.", "recurrent UTIs and Enterococcus in the urine with fevers", False),
    ("N15.9", "Solitary left kidney with chronic renal insufficiency.", "renal insufficiency", False),
    ("N15.9", "She was treated for a kidney infection last week.", "kidney infection", True),
    ("R29.6", "She twisted her knee when she stumbled and caught herself from falling yesterday.", "falling", False),
    ("R29.6", "She has had repeated falls at home this winter.", "repeated falls", True),
    ("E23.0", "Bruce Ward is a 52-year-old male with a pituitary lesion.", "pituitary", False),
    ("E23.0", "Panhypopituitarism after pituitary surgery, on hydrocortisone.", "Panhypopituitarism", True),
    # a second reading of the US notes' suggestions
    ("I26.99", "Placement of a Gore-Tex shunt between the ascending aorta and pulmonary artery.", "pulmonary artery", False),
    ("I26.99", "CT angiogram showed a pulmonary embolism in the right lower lobe artery.", "pulmonary embolism", True),
    ("M54.50", "The patient reports some nausea when he is sitting in the back of the car.", "back", False),
    ("M54.9", "He was able to ambulate back to his house after the incident but with pain.", "back to his house after the incident but with pain", False),
    ("M54.50", "She has had low back pain for two weeks.", "low back pain", True),
    ("M54.9", "Initially the pain would only happen when she took a step back.", "pain would only happen when she took a step back", False),
    ("K22.70", "A 47-year-old male with a history of chronic esophageal stricture.", "esophageal stricture", False),
    ("K22.70", "Biopsies confirmed Barrett's esophagus without dysplasia.", "Barrett's esophagus", True),
    ("K83.1", "This is for cholelithiasis prior to her Lap-Banding procedure.", "cholelithiasis", False),
    ("K83.1", "MRCP showed a distal common bile duct stricture with obstruction.", "common bile duct stricture", True),
    ("R20.0", "The skin and vas were anesthetized with local anesthesia.", "skin and vas were anesthetized with local anesthesia", False),
    ("R20.0", "He reports numbness and anesthesia of the skin over the lateral thigh.", "anesthesia of the skin", True),
    ("K76.6", "Report your blood pressures to me via the patient portal.", "portal", False),
    ("J17", "He has Parkinson's disease, presented with urinary retention and pneumonia.", "disease, presented with urinary retention and pneumonia", False),
    ("J17", "Pneumonia in Q fever, treated with doxycycline.", "Pneumonia in Q fever", True),
    # what the shipped pack (learned from train + dev) adds on the US notes
    ("I51.7", "Normal left ventricular systolic function, ejection fraction 60%.", "left ventricular", False),
    ("I51.7", "Chest x-ray shows cardiomegaly.", "cardiomegaly", True),
    ("I72.2", "Repair of the aneurysm from T10 to the bifurcation of the aorta, re-implanting the celiac, superior "
              "mesenteric artery and right renal artery.", "aneurysm from T10 to the bifurcation of the aorta", False),
    ("I72.2", "CT showed a 2 cm right renal artery aneurysm.", "renal artery aneurysm", True),
    ("I82.90", "The venous outflow was good.", "venous", False),
    ("I82.90", "A thrombus was found in the left popliteal vein.", "thrombus", True),
    ("Z79.52", "We ligated the ureters with the RP-45 vascular load.", "RP", False),
    ("Z79.52", "Long-term use of systemic steroids for her arthritis.", "systemic steroids", True),
    ("R19.7", "He was transfused 2 units of packed red blood cells.", "red blood", False),
    ("R19.7", "She reports watery diarrhea for three days.", "diarrhea", True),
    ("G06.2", "Empyema. Left thoracotomy and decortication.", "Empyema", False),
    ("G06.2", "MRI showed a subdural empyema over the left convexity.", "subdural empyema", True),
    ("S23.163A", "PREOPERATIVE DIAGNOSIS: T11 compression fracture with intractable pain.", "T11", False),
    ("N48.9", "The penis was prepped and draped in the usual sterile fashion.", "penis", False),
    ("J34.89", "PREOPERATIVE DIAGNOSIS: Squamous cell carcinoma, left nasal cavity.", "left nasal", False),
    ("J34.89", "He has chronic nasal obstruction on the left.", "nasal obstruction", True),
    ("J34.89", "She reports rhinorrhea and sneezing.", "rhinorrhea", True),  # Index: Rhinorrhea J34.89
    ("A53.9", "She is rubella immune, VDRL nonreactive, hepatitis B surface antigen negative.", "rubella", False),
    ("A53.9", "He was treated for latent syphilis with penicillin.", "syphilis", True),
    ("B15.9", "CHIEF COMPLAINT: Hepatitis C.", "Hepatitis", False),
    ("B15.9", "He had hepatitis A as a child.", "hepatitis A", True),
    ("B19.10", "CHIEF COMPLAINT: Hepatitis C.", "Hepatitis", False),
    ("B20", "Positive for HCV antibodies.", "HCV", False),
    ("K75.9", "CHIEF COMPLAINT: Hepatitis C.", "Hepatitis", False),
    ("K75.9", "Elevated transaminases from hepatitis of unclear cause.", "hepatitis", True),
    ("B18.2", "She has chronic hepatitis B.", "chronic hepatitis", False),
    ("B18.2", "Chronic hepatitis of unknown cause.", "Chronic hepatitis", False),
    ("B18.2", "Chronic hepatitis secondary to HCV infection.", "Chronic hepatitis", True),
    ("B19.20", "Serology: hepatitis B surface antigen positive.", "hepatitis B", False),
    ("B19.20", "Hepatitis-C related cirrhosis.", "Hepatitis-C", True),
    ("K73.9", "Chronic hepatitis secondary to HCV infection.", "Chronic hepatitis", False),
    ("K73.9", "Chronic hepatitis, HBsAg positive.", "Chronic hepatitis", False),
    ("K73.9", "Chronic hepatitis of unknown cause.", "Chronic hepatitis", True),
    ("Z87.891", "PROCEDURE PERFORMED: Ex-plantation of inflatable penile prosthesis.", "Ex", False),
    ("Z87.891", "He is a former smoker, quit in 2010.", "former smoker", True),
    # CodiEsp dev suggestions that are not a mention of the code
    ("H02.402", "The examination revealed a hard erythematous swelling of the left upper eyelid.", "left upper eyelid", False),
    ("H02.402", "She has ptosis of the left upper eyelid.", "ptosis of the left upper eyelid", True),
    ("H33.22", "Fundus examination showed retinal hemorrhages in the left eye.", "retinal", False),
    ("H33.22", "OCT showed a serous retinal detachment in the left eye.", "serous retinal detachment", True),
    ("K63.9", "A patient with Crohn's disease, with multiple complications from sprouts and who required intestinal resection.",
     "disease, with multiple complications from sprouts and who required intestinal", False),
    ("M54.9", "Epigastric pain radiating to the back, with vomiting.", "pain radiating to the back", False),
    ("R60.9", "Only a cotton exudate was observed in reabsorption below the left fovea.", "fovea", False),
    ("R60.9", "She has bilateral leg swelling and edema of the ankles.", "edema", True),
    ("K76.6", "Cirrhosis with portal hypertension and varices.", "portal hypertension", True),
    ("C76.3", "The pelvic lymph nodes demonstrated metastatic adenocarcinoma.", "pelvic lymph nodes demonstrated metastatic adenocarcinoma", False),
    # session 12, the US notes' diagnosis lines read one by one
    ("R57.9", "We are unable to do the ureteroscopy or the shock-wave lithotripsy when the patient is anticoagulated.", "shock", False),
    ("R57.9", "Three sessions of extracorporeal shock wave lithotripsy are programmed.", "shock", False),
    ("R57.9", "He was in septic shock on arrival.", "shock", True),
    ("K21.9", "Bilateral vesicoureteral reflux with right reflux nephropathy after Deflux injection.", "reflux", False),
    ("K21.9", "Acid reflux for years, worse at night.", "reflux", True),
    ("L53.9", "POSTOPERATIVE DIAGNOSES: 1.  Urethral narrowing. 2.  Mild posterior wall erythema.", "erythema", False),
    ("L53.9", "Physical examination revealed cutaneous erythema in the neck, armpits, chest and buttocks.", "erythema", True),
    ("L90.5", "There were two much smaller lesions also with a small white scar, with very little palpable mass.", "scar", False),
    ("R60.9", "There was marked adherence between the bladder and the giant uterus and mass with edema and inflammation.", "edema", False),
    ("R60.9", "The distal edema of the limb had not decreased and there was no clinical colonization.", "edema", True),
    ("I35.1", "Status post aortic valve replacement with St. Jude mechanical valve.", "valve replacement", False),
    ("I35.1", "Echocardiogram showed moderate aortic insufficiency.", "aortic insufficiency", True),
    ("I34.0", "DOPPLER: Mild mitral and tricuspid regurgitation.", "mitral and tricuspid regurgitation", True),
    ("I34.0", "Normal morphology of aortic valve, mitral valve, tricuspid valve, and pulmonary valve.", "mitral valve", False),
    ("I10", "PREOPERATIVE DIAGNOSIS: Chronic venous hypertension with painful varicosities.", "hypertension", False),
    ("I10", "A final diagnosis of myopia and ocular hypertension due to acute angle closure was made.", "hypertension", False),
    ("I10", "She has a history of hypertension and venous insufficiency.", "hypertension", True),
    ("I60.9", "The procedure was done under a subarachnoid block anesthetic in the supine position.", "subarachnoid", False),
    ("Z98.52", "PREOPERATIVE DIAGNOSIS: Desires vasectomy.", "vasectomy", False),
    ("Z98.52", "He describes a vasectomy 10 years ago and a failed vasectomy reversal.", "vasectomy", True),
    ("M19.90", "MRI shows disc pathology as well as facet arthrosis.", "arthrosis", False),
    ("I61.5", "The patient is a 2-month-old infant, born premature with intraventricular hemorrhage.", "intraventricular hemorrhage", False),
    ("M20.5X9", "PREOPERATIVE DIAGNOSIS: Hallux limitus deformity of the right foot.", "Hallux limitus", True),  # hallux: a toe
    ("I87.1", "When the cavity was encountered it was due to some compression and dissection of some of the fibrinous "
              "deposit in the upper lobe.", "compression", False),
    ("C44.42", "PREOPERATIVE DIAGNOSES: 1. Squamous cell carcinoma of the head and neck.", "Squamous cell carcinoma of the head and neck", False),
    ("F32.A", "The patient also had a right subtemporal depression, which was full preoperatively.", "depression", False),
    ("L90.5", "Examination of the specimen revealed scar tissue at the junction of the bone and cartilage.", "scar", False),
    ("I82.90", "A #4 Fogarty was used to extract thrombus from the graft until the arterial plug was removed.", "thrombus", False),
    ("I82.90", "This was complicated by shunt thrombosis requiring a balloon.", "thrombosis", False),
    ("I82.90", "Ultrasound showed a thrombosis of the left femoral vein.", "thrombosis", True),
    ("I77.0", "PREOPERATIVE DIAGNOSIS: Thrombosed arteriovenous shunt left forearm.", "arteriovenous", False),
    ("I77.0", "2.  Placement of left wrist primary submental arteriovenous fistula.", "arteriovenous fistula", False),
    ("T14.90XA", "However, there was a dissection injury to the left medial crura.", "injury", False),  # during the operation
    ("L90.5", "Next the vas was amputated above and below the scar tissue.", "scar", False),
    ("F32.A", "PATIENT INSTRUCTIONS: Patient completed benign prostatic hypertrophy questionnaire.", "questionnaire", False),
    ("I77.0", "CT angiography showed an acquired arteriovenous fistula of the left thigh after the stab wound.",
     "arteriovenous fistula", True),
    ("I34.0", "DOPPLER: 1.  Trace mitral regurgitation.", "mitral regurgitation", False),  # physiologic
    ("C91.10", "PREOPERATIVE DIAGNOSIS: Acute lymphocytic leukemia in remission.", "lymphocytic leukemia", False),
    ("R52", 'Over the past week, the patient has developed 6/10 pain in the "inside" of his right elbow.', "pain", False),
    ("N18.6", "ASSESSMENT: Endstage renal disease.", "Endstage renal disease", True),
    ("R63.4", "She inquired about the impact on weight loss of chromium, CLA, and amino acids.", "weight loss", False),
    ("R63.4", "I reviewed the weight loss study with the patient.", "weight loss", False),
    ("R63.4", "The patient was referred to the Nutrition Unit for weight loss of 16 kilos in the last 6 months.", "weight loss", True),
    ("R53.1", "The patient also experiences weakness in his left hand.", "weakness", False),
    ("R53.1", "She reports generalized weakness and fatigue for a month.", "weakness", True),
    ("M25.562", "At the time of the injury, she also heard a pop in her left knee.", "left knee", False),
    ("M25.569", "He denies chest pain while doing exercises in physical therapy for his knee.",
     "pain while doing exercises in physical therapy for his knee", False),
    ("N42.0", "The cystoscopy showed a large bladder calculus, short but obstructing prostate.",
     "calculus, short but obstructing prostate", False),
    ("N42.0", "Transrectal ultrasound showed prostatic calculi.", "prostatic calculi", True),
    ("T85.01XA", "PREOPERATIVE DIAGNOSIS: Dialysis shunt malfunction.", "shunt malfunction", False),
    ("R53.1", "Endorses right leg weakness and drop foot.", "weakness", False),
    ("K80.50", "This is for cholelithiasis prior to her Lap-Banding procedure.", "cholelithiasis", False),
    ("K80.50", "MRCP showed choledocholithiasis with a dilated common bile duct.", "choledocholithiasis", True),
    ("T30.0", "The fallopian tubes were again traced to their fimbriated ends to confirm the burn points on the tubes.", "burn", False),
    ("T30.0", "She has a second degree burn from hot water.", "burn", True),
    ("N47.1", "ASSESSMENT: Satisfactory course after circumcision for severe phimosis.", "phimosis", False),
    ("N32.89", "A study confirmed bladder calculi and a large bladder stone that was extracted by cystolithotomy.",
     "large bladder", False),
    ("N32.89", "Cystoscopy showed significant bladder clots, which were evacuated.", "bladder clots", True),
    ("T14.8XXA", "After removal of the needles, the area was compressed.  There was a small hematoma that was not growing.",
     "hematoma", False),
])
def test_c2_rules_found_by_reading_suggestions(coder, code, text, word, ok):
    """Words the coder pack learned or the scorer tied to a code (found reading the suggestions on the US notes and
    CodiEsp dev as a coder would) are no mention of the condition; a true mention of each passes."""
    doc = document_from_text(text)
    i = doc.text.index(word)
    why = coding_safety.evidence_problem(code, doc, Span.of(doc.text, i, i + len(word)), learned=coder.learned_synonyms)
    assert (why is None) == ok, (code, text, why)


def test_a_side_word_of_another_list_item_gives_no_side(coder):
    """'right foot pain, right ankle soreness and swelling, and left ankle soreness': the left is the ankle's; the
    term 'Pain in left foot' took it across two commas (M79.672 beside M79.671)."""
    text = ("REVIEW OF SYSTEMS\n\nMusculoskeletal: Reports right foot pain, right ankle soreness and swelling, and left "
            "ankle soreness and instability.")
    from medassist.tasks.coding_lexicon import lexicon
    found = {term.code for term, _ in lexicon().match(text, 0, len(text))}
    assert "M79.671" in found and "M79.672" not in found, sorted(found)
    _, listed = suggested(coder, text)
    assert "M79.672" not in listed or listed["M79.672"].score < listed["M79.671"].score
    t = "Pain in both wrists, loss of strength in the hands, with greater intensity in the right."
    assert "M25.531" in {term.code for term, _ in lexicon().match(t, 0, len(t))}  # both sides include the right
    t = "Foot pain, left."  # the inverted form of one item keeps its side
    assert "M79.672" in {term.code for term, _ in lexicon().match(t, 0, len(t))}


def test_pain_and_a_bulge_are_integral_to_a_hernia(coder):
    """Guideline I.B.5: 'this bulge and pain for six days' with an indirect inguinal hernia gave R52 beside K40.90."""
    text = ("HISTORY OF PRESENT ILLNESS: She presented with complaints of a bulge in the left groin. She noticed this "
            "bulge and pain for approximately six days.\nASSESSMENT: Left indirect inguinal hernia.")
    sug, listed = suggested(coder, text)
    assert "K40.90" in sug, sorted(sug)
    assert not {c for c in sug if c.startswith(("R52", "R10.3", "R19.0"))}, sorted(sug)


# ---------------------------------------------------------------- session 13: the ranked list
def test_a_code_whose_evidence_names_no_such_condition_is_ranked_lower(coder, monkeypatch):
    """check_evidence rejects every span of M54.9 ('pain radiating to the back' is the epigastric pain) and of R52
    (pain of a named site): they stay listed for review at half their score, below what they outranked, with a
    warning that says why; the suggested codes and R69 (never suggested, but its mention is real) keep theirs."""
    text = "Epigastric pain radiating to the back, with vomiting. Only a cotton exudate was seen below the left fovea."
    # (the scorer's scores: the list ranker, which takes over a code lowered below the threshold, is tested apart)
    monkeypatch.setattr(coder, "ranker", None)
    monkeypatch.setattr(coding_safety, "UNMENTIONED_SCORE", 1.0)
    before = code_document(document_from_text(text), coder=coder).codes
    monkeypatch.setattr(coding_safety, "UNMENTIONED_SCORE", 0.5)
    after = code_document(document_from_text(text), coder=coder).codes
    # (the training notes' alternatives, listed below a code at a share of its score, follow it, and the listed-only
    # candidates below every scored code: left out here)
    old = {c.code: c for c in before if c.sources != ["alternative"] and "listed only" not in c.sources}
    new = {c.code: c for c in after if c.sources != ["alternative"] and "listed only" not in c.sources}
    assert [c.code for c in before if c.suggested] == [c.code for c in after if c.suggested]
    lowered = {k for k in new if any(w.startswith("ranked lower") for w in new[k].warnings)}
    assert {"M54.9", "R52"} <= lowered
    for k in new:
        assert new[k].score == pytest.approx(old[k].score * (0.5 if k in lowered else 1.0)), k
        assert not (new[k].suggested and k in lowered)
    assert "R69" in new and "R69" not in lowered
    assert [c.score for c in after] == sorted((c.score for c in after), reverse=True)
    assert [c.code for c in after].index("M54.9") > [c.code for c in after].index("R11.0")
    assert "radiating to the back' is the abdominal pain" in " ".join(new["M54.9"].warnings)
    assert any(re.fullmatch(r"ranked lower \(score x0\.5\): '[^']+' does not name the condition", w) for w in new["H53.8"].warnings)


@pytest.mark.parametrize("text,want,not_want", [
    ("Ultrasound showed a live fetus of 19.6 weeks of gestation.", "Z3A.19", ()),
    ("She is a 28-year-old G2P1 at 39 weeks' gestation presenting in labor.", "Z3A.39", ("Z3A.38",)),
    ("Cesarean section at 36+2 weeks of gestation for fetal distress.", "Z3A.36", ()),
    ("A 31-year-old woman, pregnant at 32 weeks, was admitted.", "Z3A.32", ()),
    ("Pregnancy of 6 weeks confirmed by ultrasound.", "Z3A.01", ()),  # under 8 weeks
    ("PREOPERATIVE DIAGNOSIS:,  Term pregnancy at 40 and 3/7th weeks.", "Z3A.40", ("Z3A.03",)),
    # a newborn's own weeks are coded on the baby's record (P07.-), not as the mother's Z3A
    ("The patient is a 2-month-old infant born at 28 weeks of gestation.", None, ("Z3A.28",)),
    # a gestational age that is no patient's
    ("A minimum gestational age of 24 to 26 weeks was established to consider extrauterine life.", None, ("Z3A.24", "Z3A.26")),
    ("She denies being pregnant. Knee pain for 6 weeks.", None, ("Z3A.06", "Z3A.01")),
])
def test_weeks_of_gestation_are_the_weeks_the_note_states(coder, text, want, not_want):
    """Z3A is the weeks the note states for the current pregnancy, ranked first of the Z3A codes whatever week the
    learned tables liked ('gestation' alone gave Z3A.38 first), with the stated words as its evidence."""
    res = code_document(document_from_text(text), coder=coder).codes
    z3a = [c for c in res if c.code.startswith("Z3A")]
    listed = {c.code: c for c in z3a}
    for k in not_want:
        assert k not in listed or not listed[k].suggested and (not z3a or z3a[0].code != k), (k, [c.code for c in z3a])
    if want:
        assert z3a and z3a[0].code == want, [(c.code, c.score) for c in z3a[:3]]
        assert "weeks" in z3a[0].evidence[0].text or "wk" in z3a[0].evidence[0].text
        # below it: a scored Z3A code by its score, a listed-only one (code.list_tail) by its place
        assert all(c.score < z3a[0].score or "listed only" in c.sources for c in z3a[1:])
        assert all(c.score <= z3a[0].score for c in z3a[1:])


def test_weeks_of_gestation_go_with_the_obstetric_code(coder):
    """With an obstetric diagnosis suggested, the stated week is suggested beside it (Z3A goes with the O code on the
    mother's record); the I10 the learned tables give for gestational hypertension is not (O13, guideline I.C.15)."""
    sug, listed = suggested(coder, "ASSESSMENT: Gestational hypertension at 34 weeks of gestation.")
    assert "O13.3" in sug and "Z3A.34" in sug and "I10" not in sug, sorted(sug)  # (34 weeks: third trimester)

    assert not [k for k in sug if k.startswith("Z3A") and k != "Z3A.34"]
    # a delivery note's list (MTSamples): "39 plus weeks", not Z3A.01 from a "1/2"
    sug, _ = suggested(coder, "PREOPERATIVE DIAGNOSES,1.  Intrauterine pregnancy at 39 plus weeks gestation.,"
                              "2.  Gestational hypertension.,3.  Thick meconium.,4.  Failed vacuum attempted delivery.")
    assert {"O13.9", "Z3A.39"} <= set(sug) and "I10" not in sug, sorted(sug)
    # Z3A Excludes1 a pregnancy with abortive outcome: the week is listed first, not suggested
    sug, listed = suggested(coder, "PREOPERATIVE DIAGNOSIS: A 10-1/2 week pregnancy, spontaneous, incomplete abortion.")
    assert "O03.4" in sug and not [k for k in sug if k.startswith("Z3A")], sorted(sug)
    assert max((c for c in listed.values() if c.code.startswith("Z3A")), key=lambda c: c.score).code == "Z3A.10"
    # the infection of the urinary tract in pregnancy is the O code (O23.42 at 20 weeks), not also N39.0
    sug, listed = suggested(coder, "ASSESSMENT: 1. Intrauterine pregnancy at 20 weeks. 2. Urinary tract infection in pregnancy.")
    assert {"O23.42", "Z3A.20"} <= set(sug) and "N39.0" not in sug and "N39.0" in listed, sorted(sug)
    sug, _ = suggested(coder, "ASSESSMENT: Urinary tract infection.")
    assert "N39.0" in sug
    sug, _ = suggested(coder, "ASSESSMENT: Preeclampsia.")
    assert "O14.90" in sug
    sug, _ = suggested(coder, "He has had hypertension for years, on lisinopril.")
    assert "I10" in sug


@pytest.mark.parametrize("text,want,gone", [
    ("ASSESSMENT: Gestational hypertension at 34 weeks of gestation.", "O13.3", "O13.9"),
    ("ASSESSMENT: Severe preeclampsia at 32 weeks of gestation.", "O14.13", "O14.10"),
    ("ASSESSMENT: 1. Intrauterine pregnancy at 20 weeks. 2. Preeclampsia.", "O14.92", "O14.90"),
    # weeks in two trimesters: which one the code is for is not said
    ("ASSESSMENT: Gestational hypertension. Seen at 12 weeks of gestation and again at 30 weeks of gestation.", "O13.9", None),
    # a delivery: the code may be the 'complicating childbirth' one, a coder's choice
    ("ASSESSMENT: Gestational hypertension at 39 weeks of gestation. Spontaneous vaginal delivery.", "O13.9", None),
])
def test_an_unspecified_trimester_takes_the_trimester_of_the_stated_weeks(coder, text, want, gone):
    """ICD-10-CM I.C.15.a.3: the trimester is the one of the weeks the note states (third from 28 weeks)."""
    sug, listed = suggested(coder, text)
    assert want in sug, sorted(sug)
    if gone:
        assert gone not in sug and any(w.startswith(f"not suggested: replaced by {want}") for w in listed[gone].warnings)
        assert "trimester" in " ".join(sug[want].warnings)
    else:
        assert not [k for k in sug if k[:3] == want[:3] and k != want], sorted(sug)


def test_hypertension_of_a_pregnant_patient_is_the_pregnancy_code(coder):
    """Guideline I.C.15.a.1: a condition of a pregnant patient complicates the pregnancy unless the provider says
    otherwise. Chronic hypertension in a note that states the current weeks of gestation is O10.0- (by trimester;
    complicating childbirth in a delivery note, as MTSamples' repeat cesarean mts-379), with its Z3A; not I10."""
    sug, listed = suggested(coder, "PREOPERATIVE DIAGNOSES:,1.  Intrauterine pregnancy at 39 weeks.,2.  History of previous "
                                   "cesarean section x2.  The patient desires a repeat section.,3.  Chronic hypertension.")
    assert {"O10.02", "Z3A.39"} <= set(sug) and "I10" not in sug, sorted(sug)
    assert any(w.startswith("not suggested: replaced by O10.02") for w in listed["I10"].warnings)
    sug, _ = suggested(coder, "ASSESSMENT: 1. Intrauterine pregnancy at 30 weeks. 2. Chronic hypertension, on labetalol.")
    assert {"O10.013", "Z3A.30"} <= set(sug) and "I10" not in sug, sorted(sug)
    # hypertension not called pre-existing: the Index's 'Hypertension, complicating pregnancy' O16 (third trimester)
    sug, _ = suggested(coder, "ASSESSMENT: 1. Intrauterine pregnancy at 30 weeks. 2. Hypertension.")
    assert {"O16.3", "Z3A.30"} <= set(sug) and "I10" not in sug and not [k for k in sug if k.startswith("O10")], sorted(sug)
    # no pregnancy stated: I10; a newborn's weeks are no pregnancy of the patient
    for text in ("ASSESSMENT: 1. Hypertension. 2. Knee pain for 6 weeks.",
                 "ASSESSMENT: Hypertension. The patient's infant was born at 36 weeks of gestation."):
        sug, _ = suggested(coder, text)
        assert "I10" in sug and not [k for k in sug if k.startswith("O10")], (text, sorted(sug))


def test_a_rule_that_gives_a_code_its_evidence_drops_the_note_on_the_spans_it_replaced():
    """CodiEsp dev (shipped pack): Z3A.23 had been held back as 'the evidence is not a mention' ('450'); the weeks rule
    gives it '23 weeks gestation' and suggests it: the note on the old span must not stay beside the suggestion."""
    doc = document_from_text("A fetus of 450 g. Macroscopic age of 23 weeks gestation.")
    z = CodeSuggestion(code="Z3A.23", description="23 weeks gestation of pregnancy", score=0.9, suggested=False,
                       status="affirmed", billable=True, evidence=[Span.of(doc.text, 11, 14)],
                       warnings=["not suggested: the evidence is not a mention of this condition ('450' is a number)"])
    codes = [z]
    coding_safety._promote(codes, "Z3A.23", None, 0.9, [Span.of(doc.text, 37, 55)], "the note states the weeks")
    assert z.suggested and [e.text for e in z.evidence] == ["23 weeks gestation"]
    assert z.warnings == ["the note states the weeks"]


def test_an_index_rule_also_orders_the_codes_listed_below_the_threshold(coder):
    """'Smoker' with no cigarettes named anywhere is F17.200 (Index: Smoker - see Dependence, drug, nicotine): below the
    threshold too, F17.200 takes the place F17.210 had in the ranking, and says why; cigarettes keep F17.210 first."""
    from medassist.ingest import document_from_text

    res = coder.code(document_from_text("SOCIAL HISTORY: Smoker.\nASSESSMENT: Hypertension.\n", source="n.txt"))
    order = [c.code for c in res.codes]
    assert order.index("F17.200") < order.index("F17.210"), order
    f17 = next(c for c in res.codes if c.code == "F17.200")
    assert any(w.startswith("ranked in the place of F17.210") for w in f17.warnings), f17.warnings
    res = coder.code(document_from_text("SOCIAL HISTORY: Smoker of 20 cigarettes a day.\n", source="n.txt"))
    order = [c.code for c in res.codes]
    assert order.index("F17.210") < order.index("F17.200"), order
    assert not any("ranked in the place" in w for c in res.codes for w in c.warnings)


@pytest.mark.parametrize("text,want,never", [
    # the diabetes type wherever the note writes it, words or roman numerals
    ("ASSESSMENT: Type 1 diabetes.\n", {"E10.9"}, {"E11.9"}),
    ("ASSESSMENT: Diabetes mellitus type 1.\n", {"E10.9"}, {"E11.9"}),
    ("HPI: A woman with a history of Diabetes Mellitus type I and carpal tunnel syndrome.\n", {"E10.9"}, {"E11.9"}),
    ("ASSESSMENT: Diabetes type II.\n", {"E11.9"}, {"E10.9"}),
    ("HPI: Type 2 diabetic on metformin.\n", {"E11.9"}, {"E10.9"}),
    # 'with' links diabetes to what follows (I.A.15); E16.2 Excludes1 diabetes with hypoglycemia
    ("ASSESSMENT: Type 2 diabetes with hypoglycemia.\n", {"E11.649"}, {"E11.9", "E16.2"}),
    ("ASSESSMENT: Diabetes mellitus type 1 with hypoglycemia.\n", {"E10.649"}, {"E11.649", "E10.9", "E16.2"}),
    ("ASSESSMENT: Type 2 diabetes with diabetic nephropathy.\n", {"E11.21"}, {"E11.9", "N28.9"}),
    ("ASSESSMENT: Hypertensive heart disease with heart failure.\n", {"I11.0", "I50.9"}, {"I11.9"}),
    ("ASSESSMENT: Hypertensive heart disease without heart failure.\n", {"I11.9"}, {"I11.0"}),
    ("ASSESSMENT: Sepsis due to E. coli urinary tract infection.\n", {"A41.51", "N39.0"}, {"A41.9"}),
    ("ASSESSMENT: Migraine without aura.\n", {"G43.009"}, {"G43.909", "G43.109"}),
    ("ASSESSMENT: Migraine with aura.\n", {"G43.109"}, {"G43.909", "G43.009"}),
    # COVID-19: U07.1 first, with its pneumonia; a positive test of the patient is a confirmed case, whose fever,
    # cough and 'infection' are part of it; someone else's test is not the patient's
    ("ASSESSMENT: Pneumonia due to COVID-19.\n", {"U07.1", "J12.82"}, {"J18.9"}),
    ("ASSESSMENT: COVID-19 infection.\n", {"U07.1"}, {"B99.9", "B34.2"}),
    ("HPI: Tested positive for SARS-CoV-2 yesterday; fever and cough.\n", {"U07.1"}, {"R50.9", "R05.9", "R05.1"}),
    ("HPI: Her husband tested positive for COVID-19. She has a cough.\n", {"R05.9"}, {"U07.1"}),
    ("HPI: COVID PCR negative. Fever and cough.\n", {"R50.9"}, {"U07.1"}),
    ("ASSESSMENT: Abnormal mammogram, left breast; biopsy scheduled.\n", {"R92.8"}, set()),
    # an adult BMI code needs its BMI stated ('body mass index of 41' is Z68.41, never 'BMI 19.9 or less')
    ("HPI: She presents to the bariatric surgery service with a body mass index of 41 with obesity related "
     "comorbidities.\nASSESSMENT: Morbid obesity.\n", {"E66.01", "Z68.41"}, {"Z68.1", "Z98.84"}),
    ("ASSESSMENT: Underweight, BMI 17.\n", {"R63.6", "Z68.1"}, set()),
    ("HPI: Body mass index was calculated.\n", set(), {"Z68.1"}),
    # bariatric surgery status: an operation the patient has had, not one she is referred for or denies
    ("HPI: Status post gastric bypass in 2015.\n", {"Z98.84"}, set()),
    ("HPI: She had a sleeve gastrectomy 3 years ago.\n", {"Z98.84"}, set()),
    ("HPI: She never had gastric bypass.\n", set(), {"Z98.84"}),
    ("HPI: She is interested in gastric bypass.\n", set(), {"Z98.84"}),
    ("HPI: Her mother had gastric bypass.\n", set(), {"Z98.84"}),
    # an artificial knee or hip joint the patient has had (Z96.64-/Z96.65-, by side), also as a past surgical or
    # medical history item said without 's/p'; not the operation of this note, a planned one, or a failed or
    # infected prosthesis (its complication code says it)
    ("PMH: History of left knee replacement.\n\nASSESSMENT: Hypertension.\n", {"I10", "Z96.652"}, {"Z96.659"}),
    ("PSH: Right TKA 2019.\n\nASSESSMENT: Hypertension.\n", {"Z96.651"}, {"Z96.659"}),
    ("PSH: Bilateral total knee replacements.\n\nASSESSMENT: Hypertension.\n", {"Z96.653"}, {"Z96.659"}),
    ("PSH: Appendectomy. Left THA.\n\nASSESSMENT: Hypertension.\n", {"Z96.642"}, {"Z96.649"}),
    ("HPI: She underwent a right total hip arthroplasty in 2012.\n", {"Z96.641"}, set()),
    ("PSH: Knee replacement.\n\nASSESSMENT: Hypertension.\n", {"Z96.659"}, set()),
    ("ASSESSMENT: Right knee osteoarthritis. Scheduled for right total knee arthroplasty next month.\n", {"M17.11"},
     {"Z96.651", "Z96.659"}),
    ("PROCEDURE: Right total knee arthroplasty.\n\nPREOPERATIVE DIAGNOSIS: Osteoarthritis, right knee.\n", set(),
     {"Z96.651", "Z96.659"}),
    ("HPI: History of right TKA with periprosthetic fracture.\n", set(), {"Z96.651"}),
    # an operation's status codes from a past surgical history item said without 's/p' (session 40 left out
    # "PSH: Splenectomy."): the spleen, a kidney, the uterus, a breast by side, part of a lung, a bypass graft
    ("PSH: Splenectomy after trauma in 1995.\n\nASSESSMENT: Hypertension.\n", {"I10", "Z90.81"}, set()),
    ("PSH: Left nephrectomy for renal cell carcinoma.\n\nASSESSMENT: Hypertension.\n", {"Z90.5", "Z85.528"}, set()),
    ("PSH: Total abdominal hysterectomy.\n\nASSESSMENT: Hypertension.\n", {"Z90.710"}, set()),
    ("PSH: Supracervical hysterectomy.\n\nASSESSMENT: Hypertension.\n", set(), {"Z90.710"}),
    ("PSH: Left mastectomy 2018.\n\nASSESSMENT: Hypertension.\n", {"Z90.12"}, {"Z90.11", "Z90.10"}),
    ("PSH: CABG x3 in 2010.\n\nASSESSMENT: Hypertension.\n", {"Z95.1"}, set()),
    ("HPI: He had a right upper lobectomy for lung cancer in 2016.\n", {"Z90.2", "Z85.118"}, set()),
    ("PSH: Thyroid lobectomy.\n\nASSESSMENT: Hypertension.\n", set(), {"Z90.2"}),
    ("PROCEDURE: Laparoscopic splenectomy.\n\nPREOPERATIVE DIAGNOSIS: ITP.\n", set(), {"Z90.81"}),
    ("ASSESSMENT: Coronary artery disease. Candidate for coronary artery bypass grafting.\n", {"I25.10"}, {"Z95.1"}),
    # counseling the note documents (Z71.6 tobacco, Z71.41 alcohol, Z71.3 diet), not one declined, planned or given
    # to someone else
    ("ASSESSMENT: Tobacco use disorder. Counseled on cessation for 5 minutes.\n", {"F17.200", "Z71.6"}, set()),
    ("ASSESSMENT: Current smoker, 1 pack per day. Smoking cessation counseling provided.\n", {"F17.210", "Z71.6"}, set()),
    ("ASSESSMENT: Current smoker. Not interested in cessation counseling.\n", set(), {"Z71.6"}),
    ("ASSESSMENT: Smoking cessation counseling for her husband.\n", set(), {"Z71.6"}),
    ("ASSESSMENT: Alcohol use disorder. Counseled on alcohol cessation.\n", {"Z71.41"}, set()),
    ("ASSESSMENT: Obesity. Dietary counseling provided.\n", {"E66.9", "Z71.3"}, set()),
    ("ASSESSMENT: Obesity. Will refer for nutrition counseling.\n", {"E66.9"}, {"Z71.3"}),
    # a typed fall visit of an 82-year-old: the fracture said with its cause ("due to a fall at home"), an ankle, an
    # intertrochanteric or subtrochanteric fracture (displaced by default), anemia of CKD, a supratherapeutic INR on
    # warfarin taken as prescribed, a past breast cancer in a past-history list with its mastectomy
    ("ASSESSMENT: Displaced fracture of the right femoral neck, closed, due to a fall at home.\n",
     {"S72.001A", "W19.XXXA"}, {"S12.9XXA"}),
    ("ASSESSMENT: Left ankle fracture.\n", {"S82.892A"}, {"S82.899A"}),
    ("ASSESSMENT: Left ankle sprain. No ankle fracture on x-ray.\n", {"S93.402A"}, {"S82.892A", "S82.899A"}),
    ("ASSESSMENT: Right intertrochanteric fracture.\n", {"S72.141A"}, set()),
    ("ASSESSMENT: Left subtrochanteric fracture.\n", {"S72.22XA"}, set()),
    ("ASSESSMENT: CKD stage 4 with anemia of chronic kidney disease.\n", {"N18.4", "D63.1"}, {"D64.9"}),
    ("ASSESSMENT: Anemia. CKD stage 3.\n", {"D64.9"}, {"D63.1"}),
    ("ASSESSMENT: Supratherapeutic INR on warfarin. Hold warfarin.\n", {"R79.1", "T45.515A"}, set()),
    ("ASSESSMENT: Elevated INR on warfarin after taking extra doses by mistake.\n", {"R79.1"}, {"T45.515A"}),
    ("PMH: Gout, glaucoma both eyes, history of breast cancer (left mastectomy 2010, no recurrence).\n\n"
     "ASSESSMENT: Hypertension.\n", {"Z85.3", "Z90.12"}, {"Z85.9", "Z85.828"}),
    # intractable chronic or menstrual migraine (G43.709 was given for 'intractable'), a chronic migraine with
    # status migrainosus (G43.011 was the episodic code)
    ("ASSESSMENT: Chronic migraine without aura, intractable.\n", {"G43.719"}, {"G43.709"}),
    ("ASSESSMENT: Chronic migraine without aura, not intractable.\n", {"G43.709"}, {"G43.719"}),
    ("ASSESSMENT: Chronic migraine without aura, intractable, with status migrainosus.\n", {"G43.711"}, {"G43.011"}),
    ("ASSESSMENT: Menstrual migraine, intractable.\n", {"G43.839"}, {"G43.829"}),
    # the weeks of a routine prenatal visit (Z34 with Z3A) and of a condition said with words before its weeks; not
    # the weeks a past delivery came at
    ("ASSESSMENT: Pregnancy at 12 weeks, routine prenatal visit, first pregnancy.\n", {"Z34.01", "Z3A.12"}, set()),
    ("ASSESSMENT: Preeclampsia without severe features at 35 weeks.\n", {"O14.03", "Z3A.35"}, {"O14.00"}),
    ("ASSESSMENT: Preeclampsia, resolved after delivery at 37 weeks.\n", set(), {"Z3A.37"}),
    # a seropositive or seronegative rheumatoid arthritis of a named site and side (M05.7-, M06.0-); one with
    # organ involvement keeps its own code
    ("ASSESSMENT: Seropositive rheumatoid arthritis of both hands.\n", {"M05.741", "M05.742"}, {"M05.9", "M05.749"}),
    ("ASSESSMENT: Seronegative rheumatoid arthritis of the left knee.\n", {"M06.062"}, {"M06.00"}),
    ("ASSESSMENT: Seropositive rheumatoid arthritis.\n", {"M05.9"}, set()),
    ("ASSESSMENT: Seropositive rheumatoid arthritis of the right wrist with rheumatoid lung disease.\n", {"M05.131"},
     {"M05.731"}),
    # a cytopenia of cancer chemotherapy with the drug's adverse effect code, also when said 'after' chemotherapy
    ("ASSESSMENT: Neutropenic fever after chemotherapy.\n", {"D70.1", "R50.81", "T45.1X5A"}, set()),
    ("ASSESSMENT: Pancytopenia due to chemotherapy.\n", {"D61.810", "T45.1X5A"}, set()),
    # chest pain the assessment calls noncardiac or pleuritic (R07.89, R07.81), not R07.9
    ("ASSESSMENT: Chest pain, noncardiac.\n", {"R07.89"}, {"R07.9"}),
    ("ASSESSMENT: Pleuritic chest pain.\n", {"R07.81"}, {"R07.9", "R07.89"}),
    ("ASSESSMENT: Chest pain.\n", {"R07.9"}, {"R07.89"}),
    ("ASSESSMENT: Deep vein thrombosis of the left femoral vein.\n", {"I82.412"}, {"I82.402"}),
    ("ASSESSMENT: Type 2 diabetes with diabetic retinopathy.\n", {"E11.319"}, {"E11.9"}),
    # gout by site and side (Index: Gout, idiopathic, by site); another site keeps M10.9, both sides give each side's
    # code (no code says both: guideline I.B.13)
    ("ASSESSMENT: Acute gout flare of the right great toe.\n", {"M10.071"}, {"M10.9"}),
    ("ASSESSMENT: Right knee gout.\n", {"M10.061"}, {"M10.9"}),
    ("ASSESSMENT: Gout. Right knee pain.\n", {"M10.9"}, {"M10.061"}),
    ("ASSESSMENT: Gout of both knees.\n", {"M10.061", "M10.062"}, {"M10.9", "M10.069"}),
    ("ASSESSMENT:\n1. Gout of the feet.\n", {"M10.071", "M10.072"}, {"M10.9", "M10.079"}),
    ("HPI: Gouty arthritis of the left first MTP joint.\n", set(), {"M06.9"}),  # not rheumatoid
    # pseudogout and calcium pyrophosphate deposition disease are chondrocalcinosis, by site and side (M11.2-, the
    # sites of M06.8-; session 31: "Pseudogout of the right knee" was M11.20, "Meniere disease, left ear" nothing)
    ("ASSESSMENT:\n1. Pseudogout of the right knee.\n", {"M11.261"}, {"M11.20"}),
    ("ASSESSMENT:\n1. Chondrocalcinosis of the left wrist.\n", {"M11.232"}, {"M11.20"}),
    ("ASSESSMENT:\n1. CPPD of both knees.\n", {"M11.261", "M11.262"}, {"M11.20", "M11.269"}),
    ("ASSESSMENT:\n1. Calcium pyrophosphate deposition disease.\n", {"M11.20"}, set()),
    ("ASSESSMENT:\n1. Pseudogout. Right knee pain.\n", {"M11.20"}, {"M11.261"}),
    ("ASSESSMENT:\n1. Meniere disease, left ear.\n", {"H81.02"}, {"H81.09"}),
    ("ASSESSMENT:\n1. Bilateral Meniere disease.\n", {"H81.03"}, {"H81.09"}),
    # a thrombosed external hemorrhoid is K64.5 alone (external hemorrhoids NOS are the skin tags' K64.4)
    ("ASSESSMENT:\n1. Hemorrhoids, external, thrombosed.\n", {"K64.5"}, {"K64.4"}),
    ("ASSESSMENT:\n1. External hemorrhoids.\n", {"K64.4"}, {"K64.5"}),
    # a problem line that places the gout in a joint of the foot is that gout (the joint is where in the limb, not
    # more of a condition); podagra is gout of the great toe (session 28: both were M10.9 at most, listed)
    ("ASSESSMENT:\n1. Gout of the left first metatarsophalangeal joint.\n", {"M10.072"}, {"M10.9"}),
    ("ASSESSMENT:\n1. Gout, right first MTP joint.\n", {"M10.071"}, {"M10.9"}),
    ("ASSESSMENT:\n1. Podagra of the right foot.\n", {"M10.071"}, {"M10.9"}),
    # primary osteoarthritis by site and side (M19.0-; the knee, hip, thumb base and spine have their own categories,
    # post-traumatic or secondary is not primary); "osteoarthritis of" is no 'arthritis of' a cause
    ("ASSESSMENT:\n1. Osteoarthritis of the right ankle.\n", {"M19.071"}, {"M19.90"}),
    ("ASSESSMENT:\n1. Osteoarthritis of the left shoulder.\n", {"M19.012"}, {"M19.90"}),
    ("ASSESSMENT:\n1. Osteoarthritis of the right first MTP joint.\n", {"M19.071"}, {"M19.90"}),
    ("ASSESSMENT:\n1. Osteoarthritis of the right knee.\n", {"M17.11"}, {"M19.071", "M19.90"}),
    ("ASSESSMENT:\n1. Osteoarthritis of the right thumb carpometacarpal joint.\n", {"M18.11"}, {"M19.041", "M19.90", "M18.9"}),
    # both sides, or the joint in the plural with no side: each side's code where no code says both (I.B.13)
    ("ASSESSMENT:\n1. Osteoarthritis of the hands.\n", {"M19.041", "M19.042"}, {"M19.049", "M19.90"}),
    ("ASSESSMENT:\n1. Osteoarthritis of both wrists.\n", {"M19.031", "M19.032"}, {"M19.039", "M19.90"}),
    ("ASSESSMENT:\n1. Bilateral hand osteoarthritis.\n", {"M19.041", "M19.042"}, {"M19.90"}),
    ("ASSESSMENT:\n1. Osteoarthritis of the right hand and fingers.\n", {"M19.041"}, {"M19.042"}),  # one hand
    ("ASSESSMENT:\n1. Rheumatoid arthritis of both hands.\n", {"M06.841", "M06.842"}, {"M06.9", "M06.849"}),
    ("ASSESSMENT:\n1. No osteoarthritis of the hands.\n", set(), {"M19.041", "M19.042", "M19.90"}),
    # post-traumatic and secondary by site (Index: Arthritis, post-traumatic: see Osteoarthritis, post-traumatic);
    # with no joint named the unspecified site, not 'other specified site'
    ("ASSESSMENT:\n1. Post-traumatic osteoarthritis of the left ankle.\n", {"M19.172"}, {"M19.19", "M19.072"}),
    ("ASSESSMENT:\n1. Posttraumatic arthritis of the right wrist.\n", {"M19.131"}, {"M19.90", "M06.9"}),
    ("ASSESSMENT:\n1. Post-traumatic osteoarthritis.\n", {"M19.92"}, {"M19.19"}),
    ("ASSESSMENT:\n1. Secondary osteoarthritis of the left elbow.\n", {"M19.222"}, {"M19.29", "M19.022"}),
    # the thumb base (first carpometacarpal joint) is M18, by kind and side; another CMC joint is the hand
    ("ASSESSMENT:\n1. Osteoarthritis of the left thumb base.\n", {"M18.12"}, {"M19.90", "M18.9"}),
    ("ASSESSMENT:\n1. Bilateral thumb CMC osteoarthritis.\n", {"M18.0"}, {"M19.90", "M18.11", "M18.12"}),
    ("ASSESSMENT:\n1. Post-traumatic osteoarthritis of the left first CMC joint.\n", {"M18.32"}, {"M19.142", "M18.12"}),
    ("ASSESSMENT:\n1. Secondary osteoarthritis of the left thumb.\n", {"M18.52"}, {"M19.29", "M18.12"}),
    ("ASSESSMENT:\n1. Osteoarthritis of the first carpometacarpal joint.\n", {"M18.9"}, {"M18.10", "M19.90"}),
    ("ASSESSMENT:\n1. Osteoarthritis of the second carpometacarpal joint.\n", {"M19.049"}, {"M18.9"}),
    # degenerative joint disease is osteoarthritis (Index: Disease, joint, degenerative: see Osteoarthritis)
    ("ASSESSMENT:\n1. Degenerative joint disease of the left wrist.\n", {"M19.032"}, {"M19.90"}),
    ("ASSESSMENT:\n1. DJD of the right shoulder.\n", {"M19.011"}, {"M19.90"}),
    ("ASSESSMENT:\n1. Degenerative joint disease in his left first MPJ.\n", {"M19.072"}, {"M19.90"}),
    ("PAST MEDICAL HISTORY:\n1. Hypertension.\n2. DJD.\n", {"M19.90"}, set()),
    ("ASSESSMENT:\n1. Degenerative arthritis of both knees.\n", {"M17.0"}, {"M17.11", "M19.90"}),
    ("ASSESSMENT:\n1. Knee DJD, left.\n", {"M17.12"}, {"M17.9", "M17.11"}),
    ("ASSESSMENT:\n1. Hip osteoarthritis, right.\n", {"M16.11"}, {"M16.9", "M16.12"}),
    # a bleeding ulcer, diverticulum or varix is its 'with hemorrhage' code, which holds the bleed, its hematemesis
    # and its melena (K92.2 Excludes1); an ulcer 'without bleeding' is not one
    ("ASSESSMENT:\n1. Upper GI bleed from a duodenal ulcer.\n", {"K26.4"}, {"K92.2", "K26.9"}),
    ("ASSESSMENT:\n1. Melena from a bleeding gastric ulcer.\n", {"K25.4"}, {"K92.1", "K92.2"}),
    ("ASSESSMENT:\n1. GI bleed.\n2. Duodenal ulcer without bleeding.\n", {"K92.2", "K26.9"}, {"K26.4"}),
    ("ASSESSMENT:\n1. Perforated duodenal ulcer without bleeding.\n", {"K26.5"}, {"K26.6", "K26.4"}),
    ("ASSESSMENT:\n1. Duodenal ulcer without evidence of bleeding.\n", {"K26.9"}, {"K26.4"}),
    ("ASSESSMENT:\n1. Gastric ulcer with evidence of recent bleeding.\n", {"K25.4"}, {"K25.9"}),
    ("ASSESSMENT:\n1. Diverticulosis of the colon with bleeding.\n", {"K57.31"}, {"K57.30", "K92.2"}),
    ("ASSESSMENT:\n1. Hematemesis from esophageal varices.\n", {"I85.01"}, {"I85.00", "K92.0"}),
    # the spine's osteoarthritis or degenerative joint disease is spondylosis, by region (Index: Osteoarthritis,
    # spine: see Spondylosis)
    ("ASSESSMENT:\n1. DJD of the lumbar spine.\n", {"M47.816"}, {"M19.90"}),
    ("ASSESSMENT:\n1. Osteoarthritis of the lumbar spine.\n", {"M47.816"}, {"M19.90"}),
    ("ASSESSMENT:\n1. Degenerative joint disease of the cervical spine.\n", {"M47.812"}, {"M19.90"}),
    ("ASSESSMENT: RA on methotrexate.\n", {"M06.9"}, set()),
    ("ASSESSMENT: COPD with pneumonia.\n", {"J44.0", "J18.9"}, {"J44.9"}),
    ("ASSESSMENT: Peripheral arterial disease.\n", {"I73.9"}, set()),
    ("ASSESSMENT: Left carotid artery stenosis.\n", {"I65.22"}, set()),
    ("ASSESSMENT: Type 2 diabetes without retinopathy.\n", {"E11.9"}, {"E11.319"}),
    # major depression: the episode, the severity, psychotic features, remission; F32.A is depression NOS only
    ("ASSESSMENT: Major depressive disorder.\n", {"F32.9"}, {"F32.A"}),
    ("ASSESSMENT: Depression.\n", {"F32.A"}, {"F32.9"}),
    ("ASSESSMENT: Major depressive disorder, single episode, severe.\n", {"F32.2"}, {"F32.9", "F32.A"}),
    ("ASSESSMENT: Major depressive disorder, severe with psychotic features.\n", {"F32.3"}, {"F29", "F32.A", "F32.2"}),
    ("ASSESSMENT: Major depressive disorder, recurrent, moderate.\n", {"F33.1"}, {"F32.1"}),
    ("ASSESSMENT: Major depressive disorder, recurrent, severe without psychotic features.\n", {"F33.2"}, {"F33.3", "F33.9"}),
    ("ASSESSMENT: Recurrent major depression, in partial remission.\n", {"F33.41"}, {"F32.9", "F32.4"}),
    ("ASSESSMENT: Major depressive disorder. Severe knee pain.\n", {"F32.9"}, {"F32.2"}),
    ("ASSESSMENT: Right popliteal DVT.\n", {"I82.431"}, {"I82.401"}),
    ("ASSESSMENT: DVT extending from the left femoral to the popliteal vein.\n", {"I82.402"}, {"I82.412", "I82.432"}),
    ("ASSESSMENT:\n1. Left hip fracture.\n2. Fall from ladder.\n", {"S72.002A", "W11.XXXA"}, {"W19.XXXA"}),
    # a term that itself says 'without' matches a note that says it the same way
    ("ASSESSMENT: Concussion without loss of consciousness.\n", {"S06.0X0A"}, {"S06.0X9A", "S06.0XAA"}),
    ("ASSESSMENT: Nausea without vomiting.\n", {"R11.0"}, {"R11.2", "R11.10"}),
    # Index: Bite, <site> - see Bite, open: a dog bite of a site is its open bite
    ("ASSESSMENT: Dog bite to left forearm.\n", {"S51.852A", "W54.0XXA"}, {"S51.859A", "W57.XXXA"}),
    ("HPI: No dog bites.\n", set(), {"W54.0XXA"}),
    # an exposure to COVID-19 is Z20.822, not the disease (guideline I.C.1.g.1.e)
    ("ASSESSMENT: Exposure to COVID-19.\n", {"Z20.822"}, {"U07.1"}),
    ("PLAN: She had contact with a coworker who tested positive for COVID-19.\n", {"Z20.822"}, {"U07.1"}),
    ("HPI: She reports no known exposure to COVID.\n", set(), {"Z20.822", "U07.1"}),
    ("HPI: The patient who tested positive for COVID-19 last week has a cough.\n", {"U07.1"}, {"Z20.822"}),
    ("ASSESSMENT: Menopausal hot flashes.\n", {"N95.1"}, {"R23.2"}),
    ("ASSESSMENT: Hot flashes.\n", {"R23.2"}, set()),
    # substance use is not abuse: F12.10 / F14.10 need the abuse (or a use disorder) named (guideline I.C.5.b.3)
    ("HPI: He is a regular marijuana smoker.\n", set(), {"F12.10", "F12.90"}),
    ("ASSESSMENT: Cannabis abuse.\n", {"F12.10"}, set()),
    ("ASSESSMENT: Cocaine use disorder, mild.\n", {"F14.10"}, set()),
    # streptococcal pharyngitis (strep throat, a positive strep test), not with a negative one
    ("ASSESSMENT: Strep pharyngitis.\n", {"J02.0"}, {"J02.9"}),
    ("ASSESSMENT: Pharyngitis. Rapid strep test positive.\n", {"J02.0"}, {"J02.9"}),
    ("HPI: Sore throat. Rapid strep negative.\nASSESSMENT: Pharyngitis.\n", {"J02.9"}, {"J02.0"}),
    # cellulitis by limb and side (Index: Cellulitis, lower / upper limb; toes and fingers have codes of their own)
    ("ASSESSMENT: Cellulitis of left lower leg.\n", {"L03.116"}, {"L03.90", "L03.115"}),
    ("ASSESSMENT: Cellulitis of the right foot.\n", {"L03.115"}, {"L03.90"}),
    ("ASSESSMENT: Cellulitis of right forearm.\n", {"L03.113"}, {"L03.90", "L03.115"}),
    ("ASSESSMENT: Cellulitis of the left great toe.\n", {"L03.032"}, {"L03.116"}),
    # an upper respiratory infection is J06.9, its 'viral' part of it
    ("ASSESSMENT: Viral upper respiratory infection.\n", {"J06.9"}, {"J98.8", "B34.9"}),
    ("ASSESSMENT: Closed fracture of left distal radius.\n", {"S52.502A"}, {"S52.509A"}),
    # diabetic ketoacidosis: E1x.10 by the type the note gives (type 2 when it gives none); a past DKA is no current one
    ("ASSESSMENT: DKA.\n", {"E11.10"}, {"E10.10"}),
    ("ASSESSMENT: Diabetic ketoacidosis, type 1 diabetes.\n", {"E10.10"}, {"E10.9", "E11.10"}),
    ("ASSESSMENT: Type 1 diabetes mellitus with DKA.\n", {"E10.10"}, {"E10.9"}),
    ("ASSESSMENT: Type 2 diabetes. History of DKA in 2019.\n", {"E11.9"}, {"E11.10"}),
    ("HPI: No history of DKA.\n", set(), {"E11.10", "E11.9"}),
    # two codes of one mention (Other / Unspecified ectopic pregnancy) no longer drop each other
    ("ASSESSMENT: Ectopic pregnancy.\n", {"O00.90"}, {"O00.80"}),
    ("ASSESSMENT: Chronic pain.\n", {"G89.29"}, {"R52"}),
    ("ASSESSMENT: Chronic pain syndrome.\n", {"G89.4"}, {"G89.29"}),
    ("ASSESSMENT: Croup.\n", {"J05.0"}, set()),
    # bursitis by site and side (Index: Bursitis, hip / knee / elbow / shoulder; trochanteric, prepatellar, olecranon)
    ("ASSESSMENT: Bursitis of right hip.\n", {"M70.71"}, {"M71.9", "M70.61"}),
    ("ASSESSMENT: Trochanteric bursitis, left hip.\n", {"M70.62"}, {"M70.72", "M71.9"}),
    ("ASSESSMENT: Right knee prepatellar bursitis.\n", {"M70.41"}, {"M70.51"}),
    ("ASSESSMENT: Bursitis of the left shoulder.\n", {"M75.52"}, {"M71.9"}),
    # herpes zoster is B02.9, not herpes simplex or chickenpox; its eye disease needs the eye
    ("ASSESSMENT: Herpes zoster.\n", {"B02.9"}, {"B00.9", "B01.9", "B02.39"}),
    ("ASSESSMENT: Shingles.\n", {"B02.9"}, {"B01.9"}),
    ("ASSESSMENT: Chickenpox.\n", {"B01.9"}, {"B02.9"}),
    ("PLAN: Shingrix vaccine today.\n", set(), {"B02.9", "B00.9"}),
    ("ASSESSMENT: De Quervain tenosynovitis.\n", {"M65.4"}, set()),
    # gestational diabetes by its control
    ("ASSESSMENT: Gestational diabetes.\n", {"O24.419"}, {"E11.9"}),
    ("ASSESSMENT: Gestational diabetes, diet controlled.\n", {"O24.410"}, {"O24.419"}),
    ("ASSESSMENT: Gestational diabetes on insulin.\n", {"O24.414"}, {"O24.419"}),
    # both eyes / both ears: the bilateral code where there is one (its description names no eye or ear)
    ("ASSESSMENT: Allergic conjunctivitis of both eyes.\n", {"H10.13"}, {"H10.11", "H10.12", "H10.9"}),
    ("ASSESSMENT: Bilateral acute otitis media.\n", {"H66.93"}, {"H66.91", "H66.92"}),
    ("ASSESSMENT: Bilateral knee pain.\n", {"M25.561", "M25.562"}, set()),
    # Index defaults a note need not write: a laceration without foreign body (of a finger, without damage to the
    # nail), a fracture of a metatarsal bone; and a term that says a word is absent needs the note to say so
    ("ASSESSMENT: Laceration of left index finger.\n", {"S61.211A"}, {"S61.221A"}),
    ("ASSESSMENT: Laceration of right forearm.\n", {"S51.811A"}, {"S51.821A"}),
    ("ASSESSMENT: Laceration of left forearm with foreign body.\n", {"S51.822A"}, {"S51.812A"}),
    ("ASSESSMENT: Closed fracture of right fifth metatarsal.\n", {"S92.351A"}, {"S92.353A"}),
    ("ASSESSMENT: Concussion with brief loss of consciousness.\n", set(), {"S06.0X0A"}),
    ("ASSESSMENT: Concussion, no LOC.\n", {"S06.0X0A"}, {"S06.0X9A"}),
    ("ASSESSMENT: Concussion.\n", {"S06.0XAA"}, {"S06.0X9A"}),  # Concussion NOS: LOC status unknown
    # pulmonary edema NOS is J81.1 (its inclusion term); acute (flash) J81.0
    ("ASSESSMENT: Pulmonary edema.\n", {"J81.1"}, {"J81.0"}),
    ("ASSESSMENT: Flash pulmonary edema.\n", {"J81.0"}, {"J81.1"}),
    # a hernia's code needs its site named
    ("ASSESSMENT: Ventral hernia.\n", {"K43.9"}, {"K40.90"}),
    ("ASSESSMENT: Right inguinal hernia.\n", {"K40.90"}, {"K43.9"}),
    ("ASSESSMENT: Whiplash injury.\n", {"S13.4XXA"}, {"T14.90XA"}),
    ("ASSESSMENT: Foreign body in right eye.\n", {"T15.91XA"}, set()),
    ("ASSESSMENT: Bee sting.\n", {"T63.441A"}, set()),
    ("ASSESSMENT: Ear pain, right.\n", {"H92.01"}, set()),
    ("ASSESSMENT: Edema of lower extremities.\n", {"R60.0"}, {"R60.9"}),
    ("ASSESSMENT: Generalized edema.\n", {"R60.1"}, {"R60.0"}),
    ("ASSESSMENT: Abnormal EKG.\n", {"R94.31"}, set()),
    ("ASSESSMENT: Insomnia due to anxiety.\n", {"F51.05"}, set()),
    ("ASSESSMENT: Encounter for screening mammogram.\n", {"Z12.31"}, {"Z13.9"}),
    # the reason for this visit, not a visit planned
    ("HPI: He comes in for his annual physical.\n", {"Z00.00"}, set()),
    ("ASSESSMENT AND PLAN: Hypertension. Return for annual exam in one year.\n", {"I10"}, {"Z00.00"}),
    # an AV block's degree is the note's (a learned 'AV block' -> complete block was suggested for second degree)
    ("ASSESSMENT: Second degree AV block.\n", {"I44.1"}, {"I44.2"}),
    ("ASSESSMENT: First degree AV block.\n", {"I44.0"}, {"I44.2"}),
    ("ASSESSMENT: Complete heart block.\n", {"I44.2"}, {"I44.1"}),
    ("ASSESSMENT: AV block.\n", {"I44.30"}, {"I44.2"}),
    # asymptomatic HIV infection is the status Z21, not HIV disease (guideline I.C.1.a.2.d)
    ("ASSESSMENT: Asymptomatic HIV infection.\n", {"Z21"}, {"B20", "B99.9"}),
    ("ASSESSMENT: HIV infection on antiretroviral therapy.\n", {"B20"}, {"Z21", "B99.9"}),
    # a range of stages: I12.9 is hypertensive CKD of stage 1 to 4
    ("ASSESSMENT: Hypertensive chronic kidney disease stage 4.\n", {"I12.9", "N18.4"}, set()),
    ("ASSESSMENT: MRSA infection.\n", {"A49.02"}, {"B99.9"}),
    ("ASSESSMENT: History of colon polyps.\n", {"Z86.0100"}, {"K63.5"}),
    # one code where the classification combines two: lumbago with sciatica, disc disorder with radiculopathy,
    # hemiplegia as the sequela of a past infarction
    ("ASSESSMENT: Chronic low back pain with right-sided sciatica.\n", {"M54.41"}, {"M54.50", "M54.31"}),
    ("ASSESSMENT: Lumbar disc herniation with radiculopathy.\n", {"M51.16"}, {"M51.26", "M54.16"}),
    ("ASSESSMENT: Right S1 radiculopathy.\n", {"M54.17"}, {"M54.10"}),
    ("ASSESSMENT: Hemiplegia following cerebral infarction affecting right dominant side.\n", {"I69.351"},
     {"G81.91", "I63.9", "I69.359"}),
    ("ASSESSMENT: Acute ischemic stroke with left hemiparesis.\n", {"I63.9", "G81.94"}, {"I69.354"}),
    ("ASSESSMENT: Dementia with behavioral disturbance.\n", {"F03.918"}, {"F03.90"}),
    # problem-list abbreviations
    ("ASSESSMENT:\n1. PAD.\n2. SVT.\n3. LBBB.\n", {"I73.9", "I47.10", "I44.7"}, set()),
    ("ASSESSMENT:\n1. RBBB.\n", {"I45.10"}, set()),  # its R is the side
    ("ASSESSMENT:\n1. LBP.\n", {"M54.50"}, {"M54.9"}),  # low back pain, said in three letters
    ("ASSESSMENT:\n1. s/p CABG.\n2. N/V.\n", {"Z95.1", "R11.2"}, set()),
    ("ASSESSMENT:\n1. HepB.\n", {"B19.10"}, set()),
    ("ASSESSMENT:\n1. OCD.\n2. ALS.\n", {"F42.9", "G12.21"}, set()),
    # gynecology, dermatology, oncology wordings
    ("ASSESSMENT: Vaginal candidiasis.\n", {"B37.31"}, {"B37.81"}),  # not candidal esophagitis
    ("ASSESSMENT: Bacterial vaginosis.\n", {"N76.0"}, set()),
    ("ASSESSMENT: Endometriosis.\n", {"N80.9"}, {"N80.8"}),
    ("ASSESSMENT: Breast mass, left.\n", {"N63.20"}, {"N63.0"}),
    ("ASSESSMENT: Plantar wart.\n", {"B07.0"}, set()),
    ("ASSESSMENT: Genital warts.\n", {"A63.0"}, {"B07.9"}),
    ("ASSESSMENT: Prostatitis.\n", {"N41.9"}, {"N41.0"}),
    ("ASSESSMENT: Metastatic breast cancer to bone.\n", {"C79.51"}, {"C41.9", "C79.9"}),
    ("ASSESSMENT: Lymphoma.\n", {"C85.90"}, {"C85.99", "C83.30"}),
    ("ASSESSMENT: Lymphoma of the stomach.\n", {"C85.99"}, {"C85.90"}),
    ("ASSESSMENT: Neutropenic fever.\n", {"D70.9", "R50.81"}, {"R50.9"}),
    ("ASSESSMENT: Type 1 diabetes. Diabetic retinopathy.\n", {"E10.319"}, {"E11.319"}),
    # pediatric and psychiatric wordings
    ("ASSESSMENT: RSV bronchiolitis.\n", {"J21.0"}, {"J21.9"}),
    ("HPI: 3-day-old newborn with jaundice.\n", {"P59.9"}, {"R17"}),
    ("ASSESSMENT:\n1. Teething.\n2. Head lice.\n3. Pinworms.\n", {"K00.7", "B85.0", "B80"}, set()),
    ("ASSESSMENT: Nursemaid's elbow, right.\n", {"S53.031A"}, {"S53.033A"}),
    ("ASSESSMENT: Overdose of acetaminophen.\n", {"T39.1X1A"}, set()),
    ("ASSESSMENT: Bipolar I disorder, current episode manic.\n", {"F31.10"}, {"F30.9", "F31.9"}),
    ("ASSESSMENT: Alcohol intoxication.\n", {"F10.929"}, {"F10.10", "F10.20"}),
    # abnormal findings: the words the Index files them under
    ("ASSESSMENT: Thrombocytosis.\n", {"D75.839"}, {"D47.3"}),  # not essential thrombocythemia, a neoplasm
    ("ASSESSMENT: Essential thrombocythemia.\n", {"D47.3"}, set()),
    ("ASSESSMENT: Hematuria, microscopic.\n", {"R31.29"}, {"R31.9", "R31.0"}),
    ("PREOPERATIVE DIAGNOSIS: Microscopic hematuria.\n", {"R31.29"}, {"R31.0"}),  # not gross (a learned R31.0)
    ("ASSESSMENT: Gross hematuria.\n", {"R31.0"}, {"R31.9"}),
    ("ASSESSMENT: Elevated TSH.\n", {"R94.6"}, set()),
    ("ASSESSMENT: Lactic acidosis.\n", {"E87.29"}, {"E87.20"}),
    # hospital discharge diagnoses
    ("DISCHARGE DIAGNOSES:\n1. Acute hypoxic respiratory failure.\n", {"J96.01"}, {"J96.00", "J96.90"}),
    ("ASSESSMENT: Hypercapnic respiratory failure.\n", {"J96.92"}, {"J96.90"}),
    ("ASSESSMENT: Acute on chronic hypoxic respiratory failure.\n", {"J96.21"}, {"J96.01"}),
    ("ASSESSMENT: Generalized weakness.\n", {"R53.1"}, {"M62.81"}),
    ("ASSESSMENT: Acute blood loss anemia.\n", {"D62"}, {"D64.9"}),
    ("ASSESSMENT: Thrombocytopenia, drug induced.\n", {"D69.59"}, {"D69.6"}),
    ("ASSESSMENT: Pancreatitis, alcoholic.\n", {"K85.20"}, {"K85.90", "K86.1"}),
    ("ASSESSMENT: Acute pancreatitis. No known causes were found, including alcoholism.\n", {"K85.90"}, {"K85.20"}),
    ("ASSESSMENT: Acute pancreatitis due to heavy alcohol use.\n", {"K85.20", "F10.10"}, {"F10.90"}),  # highest only
    ("ASSESSMENT: Alcohol dependence. Alcohol abuse.\n", {"F10.20"}, {"F10.10"}),
    ("ASSESSMENT: C. diff colitis.\n", {"A04.72"}, {"K52.9"}),
    ("ASSESSMENT: Aspiration pneumonitis.\n", {"J69.0"}, set()),
    ("ASSESSMENT: Demand ischemia.\n", {"I24.89"}, set()),
    ("ASSESSMENT: Urosepsis.\n", set(), {"N39.0", "A41.9"}),  # no code: the provider is queried (I.C.1.d.1.a.ii)
    # a differential is what is still being considered: never coded (outpatient rules)
    ("ASSESSMENT: Chest pain.\nDIFFERENTIAL DIAGNOSIS:\n1. Pulmonary embolism.\n2. Pneumonia.\n", {"R07.9"}, {"I26.99", "J18.9"}),
    ("MEDICAL DECISION MAKING: The differential entertained on this patient includes upper respiratory infection, "
     "gastroenteritis, urinary tract infection and dehydration.\n", set(), {"J06.9", "K52.9", "N39.0", "E86.0"}),
    # a deficit in the sentence of a past stroke is its sequela, current, whatever the history's scope (I.C.9.d)
    ("History of stroke with residual left hemiparesis.\n", {"I69.354"}, {"Z86.73", "G81.94", "I63.9"}),
    ("Left hemiparesis after a stroke in 2019.\n", {"I69.354"}, {"Z86.73", "G81.94", "I63.9"}),
    ("History of CVA in 2019 with dysphagia.\n", {"I69.391"}, {"Z86.73", "I63.9"}),
    ("Acute stroke with left hemiparesis.\n", {"I63.9", "G81.94"}, {"I69.354", "Z86.73"}),
    # everyday wordings of office visits (abbreviations.json), and Index defaults of a fracture's bone
    ("ASSESSMENT AND PLAN:\n1. Cerumen impaction, bilateral.\n", {"H61.23"}, {"H61.21", "H61.22", "H61.20"}),
    ("ASSESSMENT AND PLAN:\n1. Skin tag.\n2. Ingrown toenail of right great toe.\n", {"L91.8", "L60.0"}, set()),
    ("ASSESSMENT AND PLAN:\n1. ADHD, combined type.\n", {"F90.2"}, {"F90.9"}),
    ("ASSESSMENT AND PLAN:\n1. Seasonal allergic rhinitis.\n", {"J30.2"}, {"J30.9"}),
    ("ASSESSMENT AND PLAN:\n1. Strain of lumbar muscles.\n", {"S39.012A"}, set()),
    ("ASSESSMENT AND PLAN:\n1. Rotator cuff tendinitis, left shoulder.\n", {"M75.82"}, {"M77.9", "M75.80"}),
    ("ASSESSMENT AND PLAN:\n1. Closed fracture of the left fifth metacarpal.\n2. Fracture of the right second "
     "metatarsal.\n", {"S62.307A", "S92.321A"}, {"T14.8XXA", "S92.301A"}),
    # a valve of one's own is no prosthetic valve; pancytopenia is chemotherapy-induced only when the note says so
    ("ASSESSMENT AND PLAN:\n1. Mitral valve prolapse.\n", {"I34.1"}, {"Z95.2", "I34.0"}),
    ("ASSESSMENT AND PLAN:\n1. Status post mechanical mitral valve replacement.\n", {"Z95.2"}, {"I34.1"}),
    ("ASSESSMENT AND PLAN:\n1. Pancytopenia.\n", {"D61.818"}, {"D61.810"}),
    ("ASSESSMENT AND PLAN:\n1. Pancytopenia due to chemotherapy.\n", {"D61.810"}, {"D61.818"}),
    ("ASSESSMENT AND PLAN:\n1. Type 2 diabetes with diabetic polyneuropathy.\n", {"E11.42"}, {"E11.9", "G62.9"}),
    ("ASSESSMENT AND PLAN:\n1. Superficial thrombophlebitis.\n", {"I80.9"}, set()),
    # what is screened for is looked for, not found: the screening code, never the condition
    ("ASSESSMENT AND PLAN:\n1. Screening for colon cancer.\n", {"Z12.11"}, {"C18.9", "C80.1"}),
    ("ASSESSMENT AND PLAN:\n1. Screening for diabetes.\n", {"Z13.1"}, {"E11.9", "Z13.9"}),
    ("PLAN: Screening colonoscopy next month. Screening for diabetes with an A1c.\n", set(), {"C18.9", "E11.9"}),
    ("ASSESSMENT AND PLAN:\n1. Anemia in pregnancy.\n", {"O99.019"}, {"Z33.1"}),
    ("ASSESSMENT AND PLAN:\n1. History of falls.\n2. Chest wall pain.\n3. Osteopenia.\n", {"Z91.81", "R07.89", "M85.80"},
     {"W19.XXXA", "R07.9"}),
    ("ASSESSMENT AND PLAN:\n1. Hammer toe, left.\n2. Morton's neuroma, right foot.\n3. Baker's cyst, left knee.\n"
     "4. Dupuytren's contracture.\n", {"M20.42", "G57.61", "M71.22", "M72.0"}, {"M25.562"}),
    ("ASSESSMENT AND PLAN:\n1. Encounter for IUD insertion.\n2. Routine prenatal care.\n3. Frostbite.\n",
     {"Z30.430", "Z34.90", "T33.90XA"}, set()),
    # the cause of an injury said in the injury's own words is coded beside it
    ("ASSESSMENT AND PLAN:\n1. Dog bite of left hand.\n", {"S61.452A", "W54.0XXA"}, {"S61.459A"}),
    # a fear, a risk, a prevention and another person's illness are not the patient's condition
    ("HPI: He is concerned about prostate cancer.\n", set(), {"C61"}),
    ("PLAN: Stroke risk reduction with aspirin. Counseled on weight loss for obesity prevention.\n", set(),
     {"I63.9", "E66.9"}),
    ("HPI: Her husband has Alzheimer's disease and she is his caregiver.\n", set(), {"G30.9", "F02.80", "Z82.0"}),
    ("HPI: Her son was recently diagnosed with diabetes.\n", set(), {"E11.9", "E10.9"}),
    ("ASSESSMENT: Hypertension, well controlled. Diabetes screening is up to date.\n", {"I10"}, {"E11.9"}),
    # an assessment line's problem is what comes before its semicolon; a screening line names no condition
    ("ASSESSMENT AND PLAN:\n1. Essential hypertension.\n2. Personal history of colonic polyps; surveillance colonoscopy "
     "due next year.\n3. Prediabetes screening: A1c ordered.\n", {"I10", "Z86.0100"}, {"R73.03", "K63.5"}),
    # metastases: the primary and the site of spread, never a primary cancer of the site of spread
    ("ASSESSMENT AND PLAN:\n1. Metastatic breast cancer to the liver.\n", {"C50.919", "C78.7"}, {"C22.9", "C79.9"}),
    ("ASSESSMENT: Colon cancer with metastatic disease in the lungs.\n", {"C18.9", "C78.00"}, {"C34.90", "J98.4"}),
    ("ASSESSMENT: Non-small cell lung cancer with brain metastases.\n", {"C34.90", "C79.31"}, {"C71.9"}),
    # a site rule of one category keeps the rules of its chapter: a liver cancer's mention needs a tumour word
    ("Treatment with phosphorus supplements and 25-hydroxyvitamin D (25-HCC) was started.\n", set(), {"C22.0"}),
    ("ASSESSMENT AND PLAN:\n1. Squamous cell carcinoma of the skin of the left cheek.\n", set(), {"C44.42"}),
    ("ASSESSMENT AND PLAN:\n1. Neutropenia due to chemotherapy.\n2. Anemia due to chemotherapy.\n", {"D70.1", "D64.81"},
     {"D70.9", "D64.9"}),
    ("ASSESSMENT AND PLAN:\n1. Gonorrhea.\n2. Pseudogout.\n3. Sjogren's syndrome.\n4. Scleroderma.\n5. Male hypogonadism.\n",
     {"A54.9", "M11.20", "M35.00", "M34.9", "E29.1"}, set()),
    # emergency department wordings ("ED DIAGNOSIS:" is an assessment section)
    ("ED DIAGNOSIS:\n1. Heat stroke.\n", {"T67.01XA"}, {"I63.9"}),
    ("ED DIAGNOSIS:\n1. Kidney stone with hydronephrosis.\n", {"N13.2"}, {"N13.30", "N20.0"}),
    ("ED DIAGNOSIS:\n1. Incarcerated inguinal hernia.\n2. Diverticulitis of sigmoid colon.\n", {"K40.30", "K57.32"},
     {"K40.90", "K57.92"}),
    ("ED DIAGNOSIS:\n1. Closed head injury.\n2. Corneal abrasion, right eye.\n3. Food poisoning.\n",
     {"S09.90XA", "S05.01XA", "A05.9"}, {"T14.90XA", "T14.8XXA", "T65.91XA"}),
    ("ED DIAGNOSIS:\n1. Subdural hematoma.\n", set(), {"T14.8XXA"}),
    ("FINAL DIAGNOSIS:\n1. Status epilepticus.\n2. Aortic dissection.\n3. Angioedema.\n4. Dental pain.\n",
     {"G40.901", "I71.00", "T78.3XXA", "K08.89"}, set()),
    # long-term drug therapy, status and allergy codes of a problem list
    ("ASSESSMENT AND PLAN:\n1. Long-term use of opioid analgesic.\n2. Latex allergy.\n", {"Z79.891", "Z91.040"},
     {"F11.90", "T78.40XA"}),
    ("ASSESSMENT AND PLAN:\n1. Long-term use of steroids.\n", set(), {"Z79.51"}),
    ("ASSESSMENT AND PLAN:\n1. Status post total knee replacement, right.\n2. Status post hysterectomy.\n"
     "3. Dependence on dialysis.\n4. Hospice care.\n", {"Z96.651", "Z90.710", "Z99.2", "Z51.5"}, set()),
    ("ASSESSMENT AND PLAN:\n1. Alzheimer's dementia.\n", {"G30.9", "F02.80"}, {"F03.90"}),
    ("ASSESSMENT AND PLAN:\n1. Malnutrition, moderate.\n2. Vision loss.\n3. Mild cognitive impairment.\n"
     "4. Gait abnormality.\n", {"E44.0", "H54.7", "G31.84", "R26.9"}, {"E46", "H54.3"}),
    # a drug the note says was taken for a while and stopped is no long-term use
    ("HPI: He had a DVT in 2018, treated with 6 months of apixaban, now off anticoagulation.\n", {"Z86.718"},
     {"Z79.01", "I82.409"}),
    ("HPI: He has atrial fibrillation and has been on apixaban for 3 months.\n", {"I48.91", "Z79.01"}, set()),
    # long-term anticoagulation said without the drug's name
    ("HPI: Patient with a history of DVT, on chronic anticoagulation.\n", {"Z86.718", "Z79.01"}, set()),
    ("ASSESSMENT: Atrial fibrillation, not on anticoagulation due to fall risk.\n", {"I48.91"}, {"Z79.01"}),
    # an earlier pregnancy's condition is history; a past dependence is in remission unless treated now
    ("HPI: She had gestational diabetes in her last pregnancy. Currently not pregnant.\n", {"Z86.32"}, {"O24.419", "E11.9"}),
    ("HPI: History of alcohol dependence.\n", {"F10.21"}, {"F10.20"}),
    ("PAST MEDICAL HISTORY: Opioid dependence, on methadone.\n", {"F11.20"}, {"F11.21"}),
    # pediatric and obstetric visit wordings; an item that is a worded term needs no score
    # (the well visit found cradle cap: 'with abnormal findings', Z00.121, guideline I.C.21.c.13)
    ("ASSESSMENT AND PLAN:\n1. Well child visit, 4 years old.\n2. Separation anxiety.\n3. Cradle cap.\n",
     {"Z00.121", "F93.0", "L21.0"}, {"F41.9", "Z00.129"}),
    ("ASSESSMENT AND PLAN:\n1. Diarrhea, infectious.\n2. Postpartum visit.\n3. Lactational mastitis.\n",
     {"A09", "Z39.2", "O91.23"}, {"R19.7", "N61.0"}),
    # cardiology / nephrology / neurology wordings
    ("ASSESSMENT AND PLAN:\n1. Hypertensive chronic kidney disease, stage 3a.\n", {"I12.9", "N18.31"}, {"N18.9"}),
    ("ASSESSMENT AND PLAN:\n1. Hypertension with heart failure and chronic kidney disease stage 4.\n",
     {"I13.0", "N18.4"}, {"N19", "N28.9", "I10"}),
    ("ASSESSMENT AND PLAN:\n1. Thoracic aortic aneurysm.\n", {"I71.20"}, {"I71.40", "I72.9"}),
    ("ASSESSMENT AND PLAN:\n1. Type 2 diabetes with gastroparesis.\n", {"E11.43", "K31.84"}, {"E11.9"}),
    ("ASSESSMENT AND PLAN:\n1. Ulnar neuropathy, left.\n2. Postherpetic neuralgia.\n", {"G56.22", "B02.29"},
     {"G62.9", "M79.2"}),
    ("ASSESSMENT AND PLAN:\n1. Pacemaker in place.\n2. Neurogenic bladder.\n3. Peripheral artery disease with "
     "claudication.\n", {"Z95.0", "N31.9", "I70.219"}, {"I73.9"}),
    # problem lines written "# Problem - plan" and "-Problem: plan" name the problem before the dash or colon; a plan's
    # label is no encounter code
    ("ASSESSMENT/PLAN:\n# Hypertension - stable on lisinopril, continue.\n# Hyperlipidemia - continue atorvastatin.\n"
     "# GERD - controlled on omeprazole.\n", {"I10", "E78.5", "K21.9"}, set()),
    ("Assessment:\n-Acute sinusitis: amoxicillin x 10 days\n-Allergic rhinitis: continue Flonase\n", {"J01.90", "J30.9"},
     {"J32.9"}),
    ("ASSESSMENT AND PLAN:\nKnee pain.\n\u2022 Patient Education and Counseling: We discussed the diagnosis.\n", set(),
     {"Z71.9"}),
    ("ASSESSMENT AND PLAN:\n1. Abnormal liver function tests.\n2. Fatty liver on ultrasound.\n", {"R94.5", "K76.0"},
     set()),
    # an emergency department note: the fracture the diagnosis line names (its 'closed' and small words apart), the fall
    # it describes rather than an unspecified fall, no unspecified injury or wrist pain beside it
    ("HISTORY OF PRESENT ILLNESS: She slipped on ice and fell onto her outstretched left hand, with left wrist pain and "
     "swelling.\nED COURSE: Hematoma block and closed reduction.\nED DIAGNOSIS:\n1. Closed displaced Colles fracture of "
     "the left radius.\n2. Fall on ice.\n", {"S52.532A", "W00.0XXA"}, {"W19.XXXA", "T14.8XXA", "M25.532"}),
    # a mood described is no mood disorder
    ("HPI: Mood has improved on sertraline.\nMENTAL STATUS EXAM: Mood 'okay'.\nASSESSMENT:\n1. Major depressive disorder, "
     "recurrent, moderate.\n", {"F33.1"}, {"F39", "F32.9"}),
    # a cardiology consultation: atrial fibrillation with rapid ventricular response is no ventricular fibrillation, and
    # its palpitations are part of it
    ("HPI: He was found to be in atrial fibrillation with rapid ventricular response. He reports palpitations for two "
     "weeks.\nASSESSMENT:\n1. New-onset atrial fibrillation with rapid ventricular response.\n", {"I48.91"},
     {"I49.01", "R00.2", "R00.0"}),
    # a pediatric visit: the runny nose of a URI; a prenatal visit: the preeclampsia of the first pregnancy is history
    ("HPI: Mild cough and runny nose.\nEXAM: Clear rhinorrhea.\nASSESSMENT:\n1. Viral upper respiratory infection.\n",
     {"J06.9"}, {"J34.89"}),
    ("HPI: 29-year-old G2P1 at 28 weeks gestation. Her first pregnancy was complicated by preeclampsia.\nASSESSMENT:\n"
     "1. Gestational diabetes mellitus, diet controlled.\n2. History of preeclampsia in prior pregnancy.\n",
     {"O24.410", "Z3A.28"}, {"O14.93", "O14.90"}),
    # oncology, gastroenterology and dermatology visits
    ("ASSESSMENT:\n1. Adenocarcinoma of the left lung, stage IIIA, on chemotherapy.\n2. Anemia due to antineoplastic "
     "chemotherapy.\n3. Chemotherapy-induced peripheral neuropathy.\n", {"C34.92", "D64.81", "G62.0"}, {"G62.9", "D64.9"}),
    ("ASSESSMENT:\n1. Iron deficiency anemia, likely secondary to chronic blood loss.\n2. Positive fecal immunochemical "
     "test.\n", {"D50.0", "R19.5"}, {"E61.1", "D50.9"}),
    ("ASSESSMENT:\n1. Atypical nevus of the back, rule out melanoma - shave biopsy performed.\n2. Actinic keratoses of "
     "the scalp - treated with cryotherapy.\n3. Seborrheic keratoses.\n", {"D22.5", "L57.0", "L82.1"},
     {"L21.9", "C43.59", "C43.9", "D22.9"}),
    # orthopedics and nephrology visits
    ("ASSESSMENT:\n1. Complete rotator cuff tear of the right shoulder, nontraumatic.\n", {"M75.121"}, {"M75.101"}),
    ("ASSESSMENT:\n1. Chronic kidney disease stage 4 due to type 2 diabetes with diabetic nephropathy.\n2. Secondary "
     "hyperparathyroidism of renal origin.\n", {"N18.4", "E11.22", "N25.81"}, {"E11.21", "E21.3", "E21.1"}),
    # geriatric and endocrinology visits: dementia and retinopathy by severity (and eye), falls, weight loss
    ("ASSESSMENT:\n1. Alzheimer's disease, late onset, with mild dementia.\n2. Recurrent falls.\n3. Unintentional "
     "weight loss.\n", {"G30.1", "F02.A0", "R29.6", "R63.4"}, {"F02.80", "F03.90"}),
    ("ASSESSMENT:\n1. Type 2 diabetes with mild nonproliferative diabetic retinopathy without macular edema, both eyes.\n"
     "2. Type 2 diabetes with diabetic nephropathy (microalbuminuria).\n", {"E11.3293", "E11.21"}, {"E11.319", "R80.9"}),
    ("ASSESSMENT:\n1. Type 1 diabetes with proliferative diabetic retinopathy of the right eye.\n", {"E10.3591"},
     {"E10.319"}),
    # rheumatology and pulmonology visits
    ("ASSESSMENT:\n1. Rheumatoid arthritis with rheumatoid factor of multiple sites, active.\n2. Osteoporosis, "
     "steroid-induced.\n", {"M05.79", "M81.8"}, {"M15.9", "M06.9", "M05.9", "M81.0"}),
    ("ASSESSMENT:\n1. Solitary pulmonary nodule, stable.\n2. Chronic respiratory failure with hypoxia, on home oxygen.\n",
     {"R91.1", "J96.11"}, {"R91.8"}),
    # an operative report, an ENT visit and an infectious disease consultation
    ("PREOPERATIVE DIAGNOSIS: Acute appendicitis.\nPOSTOPERATIVE DIAGNOSIS: Acute perforated appendicitis with localized "
     "peritonitis.\nPROCEDURE: Laparoscopic appendectomy.\n", {"K35.32"}, set()),
    ("HPI: Chronic nasal obstruction and loss of smell.\nASSESSMENT:\n1. Chronic pansinusitis.\n2. Nasal polyps.\n"
     "3. Deviated nasal septum.\n", {"J32.4", "J33.9", "J34.2"}, {"J32.9", "J34.89"}),
    ("HPI: Admitted with a right foot ulcer and fever. Blood cultures grew methicillin-resistant Staphylococcus aureus.\n"
     "ASSESSMENT:\n1. MRSA bacteremia.\n2. Type 2 diabetes mellitus.\n", {"R78.81", "B95.62"},
     {"A41.02", "B95.61", "R50.9"}),
    # hospital discharge summaries: a stroke by artery, side and mechanism, its deficits beside it (not I69: it is
    # acute), no weakness beside them; hypertension with heart failure and CKD is I13.0
    ("HOSPITAL COURSE: He presented with acute right-sided weakness and expressive aphasia. MRI showed an acute left "
     "middle cerebral artery infarct.\nDISCHARGE DIAGNOSES:\n1. Acute ischemic stroke of the left middle cerebral artery "
     "territory due to cardioembolism.\n2. Right hemiparesis.\n3. Aphasia.\n", {"I63.412", "G81.91", "R47.01"},
     {"I63.9", "R53.1", "I69.351", "I69.320"}),
    ("DIAGNOSES:\n1. Acute on chronic diastolic heart failure.\n2. Hypertensive heart and chronic kidney disease with "
     "heart failure and stage 3b chronic kidney disease.\n", {"I50.33", "I13.0", "N18.32"}, {"I11.0", "I12.9", "I10"}),
    # an addiction medicine visit: remission, DSM-5 severities, a use disorder of another substance, chronic hepatitis C
    ("HPI: Alcohol use disorder, mild, and uses cannabis daily.\nASSESSMENT:\n1. Opioid use disorder, severe, in early "
     "remission, on maintenance therapy.\n2. Alcohol use disorder, mild.\n3. Chronic hepatitis C.\n",
     {"F11.21", "F10.10", "B18.2"}, {"F11.20", "F12.10", "B19.20"}),
    # found where a ranking scorer (models/coder/train.py --trees rank) lifted them over the threshold: a mention that
    # ends in its own negation ('pain free'), a disease named like its bacterium, a wrist fracture named by its bone
    ("He seems to be back to normal and pain free now.", set(), {"R52"}),
    ("She is now pain-free after the injection.", set(), {"R52"}),
    ("ASSESSMENT:\n1. Acne vulgaris.\n", {"L70.0"}, {"B96.4", "B96.89", "L70.9"}),
    ("Urine culture grew Escherichia coli.", {"B96.20"}, set()),
    ("ASSESSMENT:\nRight wrist Colles fracture.\n", {"S52.531A"}, {"S62.101A", "S62.109A"}),
    ("ASSESSMENT:\nRight scaphoid fracture.\n", {"S62.001A"}, {"S62.101A", "T14.8XXA"}),
    ("POSTOPERATIVE DIAGNOSIS: Type 4 thoracoabdominal aneurysm.\n", {"I71.60"}, {"I72.9", "I25.3"}),
    ("He was indicated for anterior and posterior spinal fusion to correct the curvature.", set(), {"M43.20"}),
    ("OPERATION: Graft replacement of type 4 thoracoabdominal aneurysm from T10 to the bifurcation of the aorta, "
     "utilizing left heart bypass.\n", set(), {"I25.3"}),
    ("ASSESSMENT:\n1. Left ventricular aneurysm after an anterior myocardial infarction.\n", {"I25.3"}, set()),
    # an obstetric code needs a pregnancy in the note; an allergy coded by its kind; 'might be' is uncertain
    ("PREOPERATIVE DIAGNOSIS: Uterine fibroid.\nPROCEDURE: Total abdominal hysterectomy. A second degree laceration of "
     "the skin was repaired. During dissection, a laceration of the bladder inadvertently occurred.\n", {"D25.9"},
     {"O70.1", "O71.81", "O71.5", "O71.89"}),
    ("ASSESSMENT:\n1. Intrauterine pregnancy at 39 weeks, delivered.\n2. Second degree perineal laceration.\n",
     {"O70.1", "Z3A.39"}, {"T21.22XA", "R10.20"}),
    ("ASSESSMENT:\n1. Hypersensitivity pneumonitis from exposure to moldy hay, an allergic reaction in the lungs.\n",
     {"J67.9"}, {"T78.40XA", "X58.XXXA"}),
    ("We will try a daily medication since it looks like she might be having some allergies.", set(), {"T78.40XA"}),
    ("ASSESSMENT AND PLAN\n1. Ovarian cancer.\n- The typical approach to treating this stage of cancer is surgery "
     "followed by chemotherapy.\n2. Cancer of unknown primary ruled out.\n", {"C56.9"}, {"C80.1"}),
    ("ASSESSMENT:\n1. Acoustic neuroma, right. The tumor is adherent to the brainstem.\n", {"D33.3"},
     {"D49.9", "D49.6", "D49.2"}),
    # lupus is systemic lupus to a US clinician, and never also discoid; several lung nodules are not a solitary one
    ("ASSESSMENT:\n1. Lupus.\n", {"M32.9"}, {"L93.0"}),
    ("ASSESSMENT:\n1. Systemic lupus erythematosus.\n", {"M32.9"}, {"L93.0"}),
    ("ASSESSMENT:\n1. Discoid lupus erythematosus of the face.\n", {"L93.0"}, {"M32.9"}),
    ("ASSESSMENT:\n1. Multiple bilateral lung nodules.\n", {"R91.8"}, {"R91.1"}),
    ("ASSESSMENT:\n1. Pulmonary nodules, stable.\n", {"R91.8"}, {"R91.1"}),
    ("ASSESSMENT:\n1. Solitary pulmonary nodule.\n", {"R91.1"}, {"R91.8"}),
    # an ophthalmology and a hematology visit: the glaucoma stage, dry eye, anemia from blood loss
    ("ASSESSMENT:\n1. Primary open-angle glaucoma, both eyes, moderate stage.\n2. Severe dry eye.\n",
     {"H40.1132", "H04.129"}, {"H40.1130", "H40.10X0"}),
    ("ASSESSMENT:\n1. Open-angle glaucoma, mild.\n", {"H40.10X1"}, {"H40.10X0"}),
    ("ASSESSMENT:\n1. Iron deficiency anemia due to chronic blood loss.\n", {"D50.0"}, {"D50.9"}),
    ("ASSESSMENT:\n1. Iron deficiency anemia.\n", {"D50.9"}, {"D50.0"}),
    # a diabetic foot ulcer's additional code: site, side and depth from its sentence
    ("ASSESSMENT:\n1. Type 2 diabetes with diabetic foot ulcer, left heel, limited to breakdown of skin.\n",
     {"E11.621", "L97.421"}, {"L97.509", "E11.9"}),
    ("ASSESSMENT:\n1. Diabetic foot ulcer of the right great toe with fat layer exposed.\n2. Type 2 diabetes.\n",
     {"E11.621", "L97.512"}, {"L97.509", "L97.519"}),
    ("ASSESSMENT:\n1. Type 1 diabetes with a foot ulcer.\n", {"E10.621", "L97.509"}, set()),
    ("ASSESSMENT:\n1. Type 2 diabetes with skin ulcer of the left calf, fat layer exposed.\n", {"E11.622", "L97.222"},
     {"E11.9", "L98.499"}),
    ("ASSESSMENT:\n1. Type 2 diabetes with skin ulcer of the leg.\n", {"E11.622", "L97.909"}, {"E11.9", "L98.499"}),
    ("ASSESSMENT:\n1. Type 2 diabetes.\n2. Pressure ulcer of the sacrum, stage 2.\n", {"E11.9", "L89.152"},
     {"E11.622", "E11.621"}),
    ("ASSESSMENT:\n1. Type 2 diabetes mellitus without complications.\n", {"E11.9"}, {"L97.509"}),
    # oncology sites and receptor status, a first pregnancy, withdrawal, an annual exam that found something
    ("ASSESSMENT:\n1. Breast cancer, left, upper outer quadrant, estrogen receptor positive.\n", {"C50.412", "Z17.0"},
     {"C50.912", "C50.919", "Z17.1"}),
    ("ASSESSMENT:\n1. Right breast cancer, lower inner quadrant, triple negative.\n", {"C50.311", "Z17.421"},
     {"C50.911", "Z17.0", "Z17.1"}),
    ("ASSESSMENT:\n1. Non-small cell lung cancer of the right upper lobe.\n", {"C34.11"}, {"C34.91", "C34.90"}),
    ("ASSESSMENT:\n1. Supervision of normal first pregnancy, first trimester.\n", {"Z34.01"}, {"Z34.81"}),
    ("ASSESSMENT:\n1. Alcohol withdrawal.\n", {"F10.939"}, set()),
    ("ASSESSMENT:\n1. Closed fracture of the distal radius, left.\n", {"S52.502A"}, {"S52.92XA"}),
    ("ASSESSMENT:\n1. Routine adult physical exam with abnormal findings.\n", {"Z00.01"}, {"Z00.00"}),
    ("Routine physical and laboratory examination was irrelevant.", set(), {"Z00.00", "Z00.01"}),
    # a term's 'without' reaches every item of its list; acute cholecystitis with stones
    ("ASSESSMENT:\n1. Umbilical hernia without obstruction or gangrene.\n", {"K42.9"}, {"K42.1", "K42.0"}),
    ("ASSESSMENT:\n1. Inguinal hernia with obstruction, without gangrene.\n", {"K40.30"}, {"K40.40"}),
    ("ASSESSMENT:\n1. Cholecystitis, acute, with cholelithiasis.\n", {"K80.00"}, {"K80.10"}),
    ("ASSESSMENT:\n1. Chronic cholecystitis with cholelithiasis.\n", {"K80.10"}, {"K80.00"}),
    # an uncertain diagnosis written after its symptom, symptoms by their Index wording
    ("ASSESSMENT:\n1. Headache, probably tension type.\n", {"R51.9"}, {"G44.209"}),
    ("ASSESSMENT:\n1. Weight gain.\n2. Fatigue.\n", {"R63.5", "R53.83"}, set()),
    ("ASSESSMENT:\n1. Hematochezia.\n", {"K92.1"}, set()),
    ("ASSESSMENT:\n1. Lymphadenopathy of the neck.\n", {"R59.0"}, {"R59.9"}),
    ("ASSESSMENT:\n1. Generalized lymphadenopathy.\n", {"R59.1"}, {"R59.0"}),
    # musculoskeletal wordings: disc degeneration by region, hallux valgus of both feet, prescribed opioids
    ("ASSESSMENT:\n1. Degenerative disc disease of the lumbar spine.\n", {"M51.369"}, {"R69"}),
    ("ASSESSMENT:\n1. Hallux valgus, bilateral.\n", {"M20.11", "M20.12"}, {"M20.10"}),
    ("ASSESSMENT:\n1. Left medial meniscus tear.\n", {"S83.242A"}, {"S83.249A"}),
    ("ASSESSMENT:\n1. Chronic pain syndrome.\n2. Opioid use, on long-term opioid therapy.\n", {"G89.4", "Z79.891"},
     {"F11.90"}),
    # hospital discharge diagnoses: the sepsis a septic shock is coded after, by organism; ulcers that bleed; delirium
    ("DISCHARGE DIAGNOSES:\n1. Septic shock due to E. coli urinary tract infection.\n2. Acute kidney injury.\n",
     {"A41.51", "R65.21", "N39.0", "N17.9"}, {"A41.9"}),
    ("DISCHARGE DIAGNOSES:\n1. Septic shock due to MRSA bacteremia.\n", {"A41.02", "R65.21"}, {"A41.9"}),
    ("ASSESSMENT:\n1. Pneumonia. No signs of sepsis or septic shock.\n", {"J18.9"}, {"A41.9", "R65.21"}),
    ("DISCHARGE DIAGNOSES:\n1. Pseudomonas sepsis.\n", {"A41.52"}, {"A41.9"}),
    ("DISCHARGE DIAGNOSES:\n1. Sepsis due to pneumococcal pneumonia.\n", {"A40.3", "J13"}, {"A41.9", "J18.9"}),
    ("DISCHARGE DIAGNOSES:\n1. Upper gastrointestinal bleed due to duodenal ulcer.\n2. Acute blood loss anemia.\n",
     {"K26.4", "D62"}, {"K26.9"}),
    ("DISCHARGE DIAGNOSES:\n1. Bleeding gastric ulcer.\n2. Perforated duodenal ulcer.\n", {"K25.4", "K26.5"},
     {"K25.9", "K26.9"}),
    ("DISCHARGE DIAGNOSES:\n1. Delirium due to urinary tract infection.\n2. Dementia.\n", {"F05", "N39.0", "F03.90"},
     {"R41.0"}),
    # obesity of a pregnant patient: the obstetric code first, by trimester, and no incidental pregnant state
    ("ASSESSMENT:\n1. Obesity in pregnancy, second trimester.\n", {"O99.212", "E66.9"}, {"O99.210", "Z33.1"}),
    ("ASSESSMENT:\n1. Obesity in pregnancy.\n", {"O99.210", "E66.9"}, {"Z33.1"}),
    ("ASSESSMENT:\n1. Obesity.\n", {"E66.9"}, {"O99.210"}),
    # an eyelid code by the lid the sentence names
    ("ASSESSMENT:\n1. Hordeolum of the left upper eyelid.\n", {"H00.014"}, {"H00.016"}),
    ("ASSESSMENT:\n1. Dermatochalasis of both upper eyelids.\n", {"H02.831", "H02.834"}, {"H02.839", "H02.833"}),
    ("ASSESSMENT:\n1. Blepharitis of the right eye.\n", {"H01.003"}, {"H01.001", "H01.002"}),
    # a skin abscess by the site and side its sentence names
    ("ASSESSMENT:\n1. Skin abscess of the left thigh.\n", {"L02.416"}, {"L02.91", "L02.415"}),
    ("ASSESSMENT:\n1. Skin abscess, face.\n", {"L02.01"}, {"L02.91"}),
    ("ASSESSMENT:\n1. Skin abscess.\n", {"L02.91"}, set()),
    # ... written without 'skin', the site before or after the word (a facial space abscess of a tooth is no skin one)
    ("ASSESSMENT:\n1. Abscess of the right axilla.\n", {"L02.411"}, {"L02.91", "L02.412"}),
    ("ASSESSMENT:\n1. Right axillary abscess.\n", {"L02.411"}, {"L02.91", "L02.412"}),
    ("ASSESSMENT:\n1. Left thigh abscess, incised and drained.\n", {"L02.416"}, {"L02.91", "L02.415"}),
    ("ASSESSMENT:\n1. Left buttock abscess.\n", {"L02.31"}, {"L02.91"}),
    ("ASSESSMENT:\n1. Peritonsillar abscess.\n2. Perianal abscess.\n", {"J36", "K61.0"}, {"L02.91", "L02.01"}),
    ("drainage of the facial abscess from the necrotic teeth\n", set(), {"L02.01", "L02.91"}),
    # a line of more than 8 words whose small words make it long: the term says all of it
    ("ASSESSMENT:\n1. Varicose veins of the left lower extremity with pain.\n", {"I83.812"}, {"R52", "I83.90"}),
    ("ASSESSMENT:\n1. Adenocarcinoma of the left lower lobe of the lung.\n", {"C34.32"}, {"C34.90", "C34.30"}),
    # an everyday term for an "Other ..." code, the side written before it
    ("ASSESSMENT:\n1. Right knee medial meniscus tear.\n", {"S83.241A"}, {"S83.206A", "S83.209A"}),
    ("ASSESSMENT:\n1. Routine adult physical exam without abnormal findings.\n", {"Z00.00"}, {"Z00.01"}),
    # what a term says is not mentioned is nothing the note must write ("Internal hemorrhoids, without mention of
    # degree")
    ("ASSESSMENT:\n1. Internal hemorrhoids.\n", {"K64.8"}, {"K64.9"}),
    # a word the note says is not so is no term's word: "not in remission", "not displaced"
    ("ASSESSMENT:\n1. Multiple myeloma not in remission.\n", {"C90.00"}, {"C90.01"}),
    ("ASSESSMENT:\n1. Fracture of the right radius, not displaced.\n", {"S52.91XA"}, set()),
    ("ASSESSMENT:\n1. Closed displaced Colles fracture of the left radius.\n", {"S52.532A"}, {"S52.92XA"}),
    ("ASSESSMENT:\n1. Posttraumatic stress disorder, chronic.\n", {"F43.12"}, {"F43.10", "M84.30XA"}),
    ("ASSESSMENT:\n1. Cervical strain.\n2. Melanoma of the back.\n", {"S16.1XXA", "C43.59"}, {"C43.9"}),
    # poison ivy is allergic contact dermatitis due to plants; a lipoma by its region and side; a cold sore
    ("ASSESSMENT:\n1. Contact dermatitis due to poison ivy.\n", {"L23.7"}, {"L25.9", "L30.9"}),
    ("ASSESSMENT:\n1. Allergic contact dermatitis from poison oak on both arms.\n", {"L23.7"}, {"L23.9", "L30.9"}),
    ("ASSESSMENT:\n1. Lipoma of the back.\n2. Lipoma of the right thigh.\n", {"D17.1", "D17.23"},
     {"D17.9", "D17.20", "D17.24"}),
    ("ASSESSMENT:\n1. Left forearm lipoma.\n", {"D17.22"}, {"D17.9", "D17.20", "D17.21"}),
    # two mentions that two site rules of one code claim are two codes
    ("ASSESSMENT:\n1. Lipoma of the back.\n2. Lipoma of the right thigh.\n3. Left forearm lipoma.\n",
     {"D17.1", "D17.23", "D17.22"}, {"D17.9", "D17.20", "D17.24", "D17.21"}),
    ("ASSESSMENT:\n1. Skin abscess of the right axilla.\n2. Skin abscess of the left groin.\n", {"L02.411", "L02.214"},
     {"L02.91", "L02.412"}),
    ("ASSESSMENT:\n1. Cold sore.\n", {"B00.1"}, set()),
    # a prose assessment: each sentence a problem, a sentence of the plan none
    ("Assessment: Fall at home, initial encounter. Contusion of left hip.\n", {"S70.02XA", "W19.XXXA"}, {"S70.00XA"}),
    ("Assessment: Fall at home. Contusion of left hip. Return for annual exam in one year.\n", {"S70.02XA"}, {"Z00.00"}),
    ("ASSESSMENT:\n1. Gastrointestinal bleed.\n2. Alcohol withdrawal without complications.\n", {"K92.2", "F10.930"},
     {"F10.939"}),
    ("ASSESSMENT:\n1. Alcoholic cirrhosis with ascites.\n", {"K70.31"}, {"K70.30", "R18.8"}),
    ("ASSESSMENT:\n1. Alcoholic cirrhosis, no ascites.\n", {"K70.30"}, {"K70.31"}),
    ("ASSESSMENT:\n1. Subdural hematoma, nontraumatic.\n", {"I62.00"}, set()),
    # an acute illness of an earlier visit or treatment that the sentence says has ended is history; one that came
    # back is current
    ("HPI: He was seen in the ER last week for a kidney stone, which has since passed.\n", set(), {"N20.0"}),
    ("HPI: She was treated for a urinary tract infection last month, completed antibiotics, and is now "
     "asymptomatic.\n", set(), {"N39.0"}),
    ("HPI: She had a urinary tract infection last month. She now has dysuria and frequency again.\n"
     "ASSESSMENT:\n1. Urinary tract infection.\n", {"N39.0"}, set()),
    # "and is here for" is the patient's visit, past the family history the sentence opened with
    ("HPI: She has a family history of colon cancer in her brother and is here for screening colonoscopy.\n",
     {"Z80.0", "Z12.11"}, {"C18.9"}),
    # 'arthritis' written alone is M19.90 (Index: Arthritis); one of a kind, a cause, a joint with its own category or
    # the neck is not, nor one only an X-ray found that the assessment does not take up
    ("PAST MEDICAL HISTORY: Hypothyroidism and arthritis.\n", {"M19.90", "E03.9"}, set()),
    ("ASSESSMENT:\n1. Rheumatoid arthritis.\n2. Psoriatic arthritis.\n", set(), {"M19.90"}),
    ("ASSESSMENT:\n1. Neck pain in the setting of arthritis and disc degeneration.\n", set(), {"M19.90"}),
    ("RESULTS\n4 views of the right knee were taken. There is development of mild arthritis.\n\nASSESSMENT\n"
     "1. Right knee posterior cruciate ligament strain.\n", set(), {"M19.90"}),
    # a disc herniation by the level written (T8-T9 thoracic, L3-L4 lumbar, L5-S1 lumbosacral, C5-C6 cervical); a
    # degenerated disc is no herniation
    ("POSTOPERATIVE DIAGNOSIS: Herniated nucleus pulposus T8-T9.\n", {"M51.24"}, {"M51.9", "M51.26"}),
    ("ASSESSMENT:\n1. Foraminal disc herniation of left L3-L4.\n2. Disc herniation L5-S1.\n", {"M51.26", "M51.27"},
     {"M51.9"}),
    ("ASSESSMENT:\n1. C5-C6 disc herniation.\n", {"M50.20"}, {"M51.9", "M51.26"}),
    ("ASSESSMENT:\n1. Degenerative disc disease L4-L5.\n", {"M51.369"}, {"M51.26", "M51.27", "M51.9"}),
    ("ASSESSMENT:\n1. DDD L5-S1.\n2. HNP L5-S1.\n", {"M51.379", "M51.27"}, {"M51.9", "M51.369", "M51.26"}),
    ("ASSESSMENT:\n1. Disc herniation L4-L5 with degenerative disc disease.\n", {"M51.26", "M51.369"}, {"M51.9"}),
    ("ASSESSMENT:\n1. Spondylolisthesis, L4-L5.\n2. Hypertrophic cardiomyopathy.\n", {"M43.16", "I42.2"},
     {"M43.10", "I42.9"}),
    ("ASSESSMENT:\n1. Grade 1 spondylolisthesis L5-S1.\n2. Chondromalacia patella, right.\n", {"M43.17", "M22.41"},
     {"M43.10", "M94.28"}),
    ("ASSESSMENT:\n1. Bilateral flat feet.\n", {"M21.41", "M21.42"}, {"M21.40"}),
    # cervical dysplasia by its grade (CIN 3 / severe is carcinoma in situ, D06.9: N87 Excludes1); gynecology wordings
    ("ASSESSMENT:\n1. Cervical dysplasia, CIN 2.\n", {"N87.1"}, {"N87.9"}),
    ("ASSESSMENT:\n1. Cervical dysplasia, CIN 3.\n", {"D06.9"}, {"N87.9", "N87.1"}),
    ("ASSESSMENT:\n1. Abnormal Pap smear.\n2. Irregular menses.\n", {"R87.619", "N92.6"}, set()),
    ("ROS: Irregular menses.\nASSESSMENT:\n1. Migraine without aura.\n", {"G43.009"}, {"N92.6"}),
    # a term's 'not intractable' needs the note's 'not': an intractable migraine is G43.x19; a menstrual migraine needs
    # menstruation named
    ("ASSESSMENT:\n1. Migraine with aura, intractable.\n", {"G43.119"}, {"G43.109", "G43.829"}),
    ("ASSESSMENT:\n1. Intractable migraine without aura.\n", {"G43.019"}, {"G43.009", "G43.829"}),
    ("ASSESSMENT:\n1. Menstrual migraine.\n2. Macrocytic anemia.\n3. Genital herpes.\n", {"G43.829", "D53.9", "A60.00"},
     {"D64.9", "B00.9"}),
    # a sterilization the note's procedure is: the visit's reason, Z30.2; one considered for later is not
    ("PROCEDURE: Elective male sterilization via bilateral vasectomy.\nPREOPERATIVE DIAGNOSIS: Fertile male with "
     "completed family.\n", {"Z30.2"}, set()),
    ("HPI: She is considering permanent sterilization in the future.\n", set(), {"Z30.2"}),
    # a poisoning's intent as its sentence gives it (none given: accidental, I.C.19.e.5.b)
    ("ASSESSMENT:\n1. Overdose of acetaminophen, intentional.\n", {"T39.1X2A"}, {"T39.1X1A"}),
    ("ASSESSMENT:\n1. Accidental overdose of acetaminophen.\n", {"T39.1X1A"}, {"T39.1X2A"}),
    # everyday words for a sprain and an ear infection (middle ear unless the note says outer or inner)
    ("ASSESSMENT:\n1. Sprained left wrist.\n2. Twisted ankle, right.\n", {"S63.502A", "S93.401A"}, set()),
    ("ASSESSMENT:\n1. Ear infection, right.\n", {"H66.91"}, set()),
    ("ASSESSMENT:\n1. Outer ear infection, left.\n", {"H60.92"}, {"H66.92", "H66.90"}),
    # a routine prenatal visit: by the trimester of the weeks stated, and first or other pregnancy by the gravida
    ("HPI: 30-year-old G2P1 at 32 weeks gestation presents for routine prenatal visit. Pregnancy has been "
     "uncomplicated.\n", {"Z34.83"}, {"Z34.90", "Z34.93", "Z34.03"}),
    ("HPI: 24-year-old G1P0 at 10 weeks gestation presents for routine prenatal visit.\n", {"Z34.01"},
     {"Z34.90", "Z34.91", "Z34.81"}),
    # a low-risk pregnancy written as such, its weeks in the gravida-para shorthand; a high-risk one is O09.9-
    # (session 31: "Low risk pregnancy, first trimester" and "High risk pregnancy" gave nothing, "G2P1 at 22 weeks,
    # routine prenatal visit" Z34.80); "admitted with normal pregnancy and childbirth" is a delivery, no supervision
    ("ASSESSMENT:\n1. Low risk pregnancy, first trimester.\n", {"Z34.91"}, {"Z34.90", "Z33.1"}),
    ("ASSESSMENT:\n1. G2P1 at 22 weeks, routine prenatal visit.\n", {"Z34.82"}, {"Z34.80", "Z34.90"}),
    ("ASSESSMENT:\n1. G1P0 @ 30 weeks, low-risk pregnancy.\n", {"Z34.03"}, {"Z34.90", "Z34.00"}),
    ("The patient was admitted with normal pregnancy and childbirth.\n", set(), {"Z34.90"}),
    ("ASSESSMENT:\n1. High risk pregnancy at 30 weeks gestation.\n", {"O09.93", "Z3A.30"}, {"O09.90", "Z34.93"}),
    ("ASSESSMENT:\n1. Born at 32 weeks, G1P0 mother.\n", set(), {"Z3A.32"}),
    # shortness of breath is R06.02 (Index), a sore throat J02.9 (Index: Sore throat - see Pharyngitis)
    ("HPI: Patient reports shortness of breath on exertion.\n", {"R06.02"}, {"R06.00"}),
    ("ASSESSMENT:\n1. Sore throat.\n", {"J02.9"}, set()),
    # a lung mass, and the mass of the lung cancer it turned out to be; a lobe is the lung's
    ("ASSESSMENT:\n1. Lung mass.\n", {"R91.8"}, set()),
    ("CT showed a 3 cm left lung mass. Biopsy showed adenocarcinoma of the left upper lobe.\n"
     "ASSESSMENT: Adenocarcinoma of the left upper lobe.\n", {"C34.12"}, {"R91.8", "C34.90", "C34.10"}),
    ("ASSESSMENT:\n1. Right lower lobe squamous cell carcinoma.\n2. Papillary carcinoma of the thyroid.\n",
     {"C34.31", "C73"}, {"C34.30", "C34.90"}),
    # heart failure by type and acuity
    ("ASSESSMENT:\n1. Heart failure with reduced ejection fraction, chronic.\n", {"I50.22"}, {"I50.20", "I50.9"}),
    ("ASSESSMENT:\n1. Acute on chronic systolic heart failure.\n", {"I50.23"}, {"I50.20", "I50.21", "I50.22"}),
    ("ASSESSMENT:\n1. Chronic diastolic heart failure.\n", {"I50.32"}, {"I50.30", "I50.9"}),
    ("ASSESSMENT:\n1. HFpEF, compensated.\n", {"I50.30"}, {"I50.9", "I50.20"}),
    ("ASSESSMENT:\n1. Acute systolic heart failure.\n", {"I50.21"}, {"I50.23"}),
    ("He has a history of congestive heart failure with reduced ejection fraction, here for follow-up of his chronic "
     "problems.", {"I50.20"}, {"I50.22", "I50.9"}),
    # two site words inside one mention: the finger of the hand is the finger
    ("IMPRESSION\nRight hand index finger contusion at the tip of the finger.\n", {"S60.021A"},
     {"S60.221A", "S60.229A"}),
    # session 20: Index wordings (Asthma, exercise induced J45.990; Lupus, drug-induced M32.0; Hives L50.9)
    ("Assessment: Exercise-induced asthma.", {"J45.990"}, {"J45.909"}),
    ("She has exercise induced asthma and uses albuterol before running.", {"J45.990"}, {"J45.909"}),
    ("Assessment: Drug-induced lupus.", {"M32.0"}, {"M32.9"}),
    ("Assessment: Hives.", {"L50.9"}, set()),
    # a drug the sentence says was stopped is no long-term (current) use; one still taken is
    ("Assessment: Type 2 diabetes.\nMetformin was stopped last month.", {"E11.9"}, {"Z79.84"}),
    ("Assessment: Type 2 diabetes.\nNo longer taking metformin.", {"E11.9"}, {"Z79.84"}),
    ("Assessment: Atrial fibrillation.\nShe is off warfarin since the bleed.", {"I48.91"}, {"Z79.01"}),
    ("Assessment: Type 2 diabetes.\nShe stopped smoking and continues metformin.", {"E11.9", "Z79.84"}, set()),
    # 'Depression' of the past history is the major depressive disorder the assessment names: F32.9, not F32.A
    ("PAST MEDICAL HISTORY: Depression.\nASSESSMENT:\n1. Intentional ibuprofen overdose.\n2. Major depressive disorder "
     "with suicidal ideation.\n", {"F32.9", "T39.312A"}, {"F32.A"}),
    # a condition the sentence says is not diabetic is no diabetic complication (I.A.15 'unless ... unrelated')
    ("ASSESSMENT:\n1. Type 2 diabetes mellitus on metformin.\n2. Chronic kidney disease stage 3a from IgA nephropathy, "
     "not related to diabetes.\n3. Peripheral neuropathy due to prior chemotherapy, not diabetic.\n",
     {"E11.9", "N18.31", "N02.B9", "G62.0"}, {"E11.22", "E11.42", "E11.40"}),
    ("ASSESSMENT:\n1. Type 2 diabetes mellitus.\n2. Peripheral neuropathy, non-diabetic.\n", {"E11.9", "G62.9"}, {"E11.42"}),
    ("ASSESSMENT:\n1. Type 2 diabetes mellitus.\n2. Chronic kidney disease stage 3a.\n", {"E11.22", "N18.31"}, {"E11.9"}),
    # a chronic ulcer of the leg or foot by its place, side and depth (L97); with diabetes, E11.621 / E11.622
    ("ASSESSMENT:\n1. Chronic ulcer of the right calf with fat layer exposed.\n2. Left great toe ulcer.\n",
     {"L97.212", "L97.529"}, {"I96"}),
    ("ASSESSMENT:\n1. Type 2 diabetes with ulcer of the left heel limited to breakdown of skin.\n",
     {"E11.621", "L97.421"}, {"E11.9"}),
    ("ASSESSMENT:\n1. Non-pressure ulcer of the right heel with necrosis of muscle.\n", {"L97.413"}, {"I96"}),
    ("ASSESSMENT:\n1. Foot ulcer of the left heel, pressure related.\n", {"L89.629"}, {"L97.429", "L97.529"}),
    ("ASSESSMENT:\n1. Pressure ulcer of the right heel.\n2. Decubitus ulcer of the left great toe, stage 3.\n",
     {"L89.619", "L89.893"}, {"L89.611"}),
    ("ASSESSMENT:\n1. Chronic venous stasis ulcer of the right ankle with fat layer exposed.\n", {"I87.2", "L97.312"},
     {"I87.8"}),
    ("PHYSICAL EXAM:\nFeet: No ulcers or calluses.\nPAST MEDICAL HISTORY: Left foot ulcer in 2019, healed.\nASSESSMENT:\n"
     "1. Type 2 diabetes mellitus. High risk for foot ulcers; podiatry to prevent ulcers.\n", {"E11.9"},
     {"L97.529", "L97.509", "E11.621"}),
    # rheumatoid lung disease with the arthritis of its site is one code (M05.1-)
    ("ASSESSMENT:\n1. Rheumatoid lung disease with rheumatoid arthritis of the right wrist.\n", {"M05.131"},
     {"M06.831", "J98.4", "M05.9"}),
    ("ASSESSMENT:\n1. Rheumatoid arthritis with rheumatoid lung disease, right wrist involvement, RF positive.\n",
     {"M05.131"}, {"M05.9", "M05.731"}),
    ("ASSESSMENT:\n1. Seropositive rheumatoid arthritis of the right wrist, no lung involvement.\n", {"M05.731"},
     {"M05.131"}),
    # osteoporosis and a fracture from a minor fall is M80 (I.C.13.d.1); a high-energy injury keeps its S code
    ("HPI: 82-year-old who tripped over a rug at home and fell onto her outstretched right hand.\nPAST MEDICAL "
     "HISTORY: Osteoporosis.\nASSESSMENT:\n1. Closed displaced Colles fracture of the right radius.\n2. Osteoporosis.\n"
     "ED COURSE: Hematoma block with lidocaine, closed reduction.\n",
     {"M80.031A", "W18.09XA"}, {"S52.531A", "M81.0", "T14.8XXA", "W19.XXXA"}),
    ("PAST MEDICAL HISTORY: Osteoporosis.\nHPI: Restrained driver in a motor vehicle collision at highway speed.\n"
     "ASSESSMENT:\n1. Closed fracture of the right femoral shaft.\n2. Osteoporosis.\n", {"S72.301A", "M81.0"},
     {"M80.051A"}),
    ("PAST MEDICAL HISTORY: Osteoporosis.\nHPI: Mechanical fall at home.\nASSESSMENT:\n1. Compression fracture of L1."
     "\n2. Osteoporosis.\n", {"M80.08XA"}, {"M48.56XA", "M81.0"}),
    ("HPI: He tripped and fell in the parking lot, landing on his right hip.\nASSESSMENT: Right hip contusion.\n",
     {"S70.01XA", "W01.0XXA"}, {"W19.XXXA"}),
    ("HPI: She slipped and fell on the ice outside her home.\nASSESSMENT: Closed fracture of the left distal radius.\n",
     {"W00.0XXA"}, {"W01.0XXA"}),
    # allergic rhinitis by its kind; vaccines given at the visit (Z23); a well visit that finds an acute illness
    ("ASSESSMENT:\n1. Allergic rhinitis, seasonal.\n2. Allergic rhinitis due to cat dander.\n", {"J30.2", "J30.81"},
     {"J30.9"}),
    ("ASSESSMENT:\n1. Perennial allergic rhinitis, dust mite sensitized.\n", {"J30.89"}, {"J30.9", "J30.2"}),
    ("ASSESSMENT:\n1. Well child check, 2-year-old.\n2. Acute otitis media of the right ear.\n3. DTaP and MMR given "
     "today.\n", {"Z00.121", "H66.91", "Z23"}, {"Z00.129"}),
    ("ASSESSMENT:\n1. Well child check, 2-year-old, normal growth.\n", {"Z00.129"}, {"Z00.121", "Z23"}),
    ("ASSESSMENT:\n1. Annual physical exam, adult.\n2. Elevated blood pressure reading without diagnosis of "
     "hypertension.\n", {"Z00.01", "R03.0"}, {"Z00.00"}),
    ("ASSESSMENT:\n1. Annual physical exam, adult.\n2. Essential hypertension, well controlled.\n", {"Z00.00", "I10"},
     {"Z00.01"}),
    ("PLAN:\nFlu vaccine declined today. Tdap not given today, will return. Discussed HPV vaccine.\n", set(), {"Z23"}),
    # bipolar disorder by its current episode and severity; psychotic features are part of the code
    ("ASSESSMENT:\n1. Bipolar I disorder, most recent episode depressed, moderate.\n", {"F31.32"}, {"F31.9"}),
    ("ASSESSMENT:\n1. Bipolar disorder, current episode manic, severe with psychotic features.\n", {"F31.2"},
     {"F29", "F31.13", "F31.9"}),
    ("ASSESSMENT:\n1. Bipolar disorder, currently depressed, severe, no psychotic features.\n", {"F31.4"},
     {"F31.5", "F31.9"}),
    ("ASSESSMENT:\n1. Bipolar II disorder, stable on lamotrigine.\n", {"F31.81"}, {"F31.9"}),
    ("ASSESSMENT:\n1. Bipolar disorder, stable. No manic or depressive symptoms.\n", {"F31.9"},
     {"F31.10", "F31.30", "F31.0"}),
    # fever and a raised white count are part of acute appendicitis (I.B.5)
    ("INDICATIONS: 24-year-old man with 1 day of right lower quadrant pain, fever and leukocytosis.\n"
     "POSTOPERATIVE DIAGNOSIS: Acute appendicitis.\n", {"K35.80"}, {"R50.9", "D72.829", "R10.31"}),
    # esophageal varices in cirrhosis are secondary varices (I85.1-)
    ("ASSESSMENT:\n1. Alcoholic cirrhosis of the liver with ascites.\n2. Esophageal varices without bleeding, on "
     "nadolol.\n", {"K70.31", "I85.10"}, {"I85.00"}),
    ("ASSESSMENT:\n1. Esophageal varices without bleeding.\n", {"I85.00"}, {"I85.10"}),
    # epilepsy by its kind, intractability and status, as the sentence words them
    ("ASSESSMENT:\n1. Focal epilepsy with impairment of consciousness, refractory to three drugs.\n", {"G40.219"},
     {"G40.109", "G40.909"}),
    ("ASSESSMENT:\n1. Generalized epilepsy, well controlled on levetiracetam.\n", {"G40.309"}, {"G40.909"}),
    ("ASSESSMENT:\n1. Epilepsy with status epilepticus on admission.\n", {"G40.901"}, {"G40.909"}),
    ("ASSESSMENT:\n1. Seizure disorder, not intractable.\n", {"G40.909"}, {"G40.919"}),
    ("ASSESSMENT:\n1. Childhood absence epilepsy.\n", {"G40.A09"}, {"G40.309", "G40.909"}),
    ("ASSESSMENT:\n1. Hypercalcemia, primary hyperparathyroidism.\n", {"E21.0"}, {"E83.52"}),
    ("ASSESSMENT:\n1. Hypercalcemia of malignancy.\n2. Primary hyperparathyroidism.\n", {"E21.0", "E83.52"}, set()),
    ("ASSESSMENT:\n1. Obesity, BMI 34. Discussed weight loss.\n", {"E66.9", "Z68.34"}, {"R63.4"}),
    ("ASSESSMENT:\n1. Unintentional weight loss of 15 pounds over 3 months.\n", {"R63.4"}, set()),
    ("ASSESSMENT AND PLAN:\n1. Well child check, 12 months.\n2. Immunizations: MMR, varicella, hepatitis A and PCV "
     "given today. Tylenol 120 mg every 4 to 6 hours as needed for fever after vaccines.\n", {"Z00.129", "Z23"},
     {"R50.9", "B01.9", "B15.9"}),
    # the 'acute' of a COPD exacerbation is not the acuity of the respiratory failure the sentence calls chronic
    ("ASSESSMENT: 1. Acute exacerbation of COPD with chronic hypoxic respiratory failure. Increase O2 to 3 L.",
     {"J44.1", "J96.11"}, {"J96.01", "J96.00", "J96.21"}),
    ("ASSESSMENT: COPD exacerbation with chronic hypercapnic respiratory failure.", {"J44.1", "J96.12"}, {"J96.02"}),
    ("ASSESSMENT: Acute on chronic hypoxic respiratory failure due to COPD exacerbation.", {"J96.21"}, {"J96.11"}),
    ("ASSESSMENT: Acute hypoxic respiratory failure in a patient with chronic kidney disease.", {"J96.01"},
     {"J96.11"}),
    # return precautions name signs to watch for, not the patient's conditions
    ("ASSESSMENT: Community-acquired pneumonia.\nDISCHARGE INSTRUCTIONS: Return to the emergency department for fever "
     "over 101, shortness of breath, or confusion.", {"J18.9"}, {"R41.0", "R50.9", "R06.02"}),
    ("PLAN: Call 911 for chest pain or fainting.", set(), {"R07.9", "R55"}),
    ("HPI: She presented to the ED for confusion.\nASSESSMENT: Acute confusion.", {"R41.0"}, set()),
    # an allergy status is an allergy the patient has had: the reaction's time does not make it past
    ("ALLERGIES: Penicillin (rash as a child).\nASSESSMENT: Cellulitis of the left leg.", {"L03.116", "Z88.0"}, set()),
    ("PAST MEDICAL HISTORY: Hypertension. History of sulfa allergy (hives).", {"Z88.2"}, set()),
    ("ALLERGIES: No known drug allergies.\nFAMILY HISTORY: Mother is allergic to penicillin.", set(), {"Z88.0"}),
    # asthma by the severity its sentence gives, and one asthma though the history names it without its exacerbation
    ("HPI: 7-year-old with moderate persistent asthma and 2 days of wheezing.\nASSESSMENT: Moderate persistent asthma "
     "with acute exacerbation.", {"J45.41"}, {"J45.40", "J45.901", "J45.909"}),
    ("ASSESSMENT: Mild intermittent asthma, well controlled.", {"J45.20"}, {"J45.909"}),
    ("ASSESSMENT: Mild persistent asthma.", {"J45.30"}, {"J45.909"}),
    ("ASSESSMENT: Severe persistent asthma with status asthmaticus.", {"J45.52"}, {"J45.50", "J45.902"}),
    ("ASSESSMENT: Asthma exacerbation.", {"J45.901"}, {"J45.41"}),
    # food, latex and insect allergies a note lists are allergy status codes
    ("ALLERGIES: Peanuts (anaphylaxis). Carries EpiPen.", {"Z91.010"}, set()),
    ("ALLERGIES: Penicillin (hives), latex (rash), shellfish.", {"Z88.0", "Z91.040", "Z91.013"}, set()),
    ("PMH: Eczema. She has a tree nut allergy.", {"Z91.018"}, set()),
    ("ALLERGIES: No known allergies.\nSOCIAL HISTORY: Peanut butter sandwich for lunch; works as a beekeeper.", set(),
     {"Z91.010", "Z91.030"}),
    # a finding with its size after a negated one is a finding of its own; a polyp history by the polyps' kind
    ("HPI: EGD last month showed Barrett's esophagus without dysplasia and a 2 cm hiatal hernia.\nASSESSMENT: "
     "Barrett's esophagus without dysplasia.", {"K22.70", "K44.9"}, set()),
    ("HPI: EGD showed no esophagitis and no hiatal hernia.\nASSESSMENT: GERD.", {"K21.9"}, {"K44.9", "K21.00"}),
    ("ASSESSMENT: History of colon polyps (tubular adenomas). Surveillance colonoscopy in 3 years.", {"Z86.0101"},
     {"Z86.0100"}),
    ("ASSESSMENT: History of hyperplastic colon polyps.", {"Z86.0102"}, {"Z86.0100", "Z86.0101"}),
    # hypothyroidism of Hashimoto's thyroiditis is the thyroiditis' code (Index: Hypothyroidism, autoimmune E06.3)
    ("ASSESSMENT: Hypothyroidism due to Hashimoto's thyroiditis, undertreated.", {"E06.3"}, {"E03.9", "E06.9"}),
    ("ASSESSMENT: Chronic lymphocytic thyroiditis with hypothyroidism.", {"E06.3"}, {"E03.9"}),
    ("ASSESSMENT: Primary hypothyroidism, on levothyroxine.", {"E03.9"}, {"E06.3"}),
    # the acuity of a past stay is not this visit's: the assessment's chronic heart failure stands
    ("HPI: Heart failure with reduced ejection fraction. He was admitted last month for acute on chronic systolic "
     "heart failure and diuresed 6 kg.\nASSESSMENT AND PLAN:\n1. Chronic systolic heart failure, NYHA class III.\n",
     {"I50.22"}, {"I50.23", "I50.20"}),
    ("HPI: He was hospitalized in March for acute on chronic diastolic heart failure.\nASSESSMENT:\n1. Diastolic "
     "heart failure, stable.\n", {"I50.30"}, {"I50.33"}),
    ("HOSPITAL COURSE: He was admitted for acute on chronic systolic heart failure and diuresed 6 kg.\n"
     "DISCHARGE DIAGNOSES:\n1. Acute on chronic systolic heart failure.\n", {"I50.23"}, {"I50.22"}),
    # an ischemic cardiomyopathy is I25.5, not a cardiomyopathy of I42-I43 (I42 Excludes1); I25.9 says less
    ("HPI: 70-year-old with ischemic cardiomyopathy and atrial fibrillation.\n", {"I25.5"}, {"I42.9", "I43"}),
    ("HPI: Nonischemic cardiomyopathy, EF 35%.\n", {"I42.9"}, {"I25.5"}),
    ("ASSESSMENT:\n1. Coronary artery disease.\n2. Ischemic cardiomyopathy, EF 30%.\n3. Chronic ischemic heart "
     "disease.\n", {"I25.10", "I25.5"}, {"I25.9", "I42.9"}),
    ("ASSESSMENT:\n1. Chronic ischemic heart disease.\n2. Old myocardial infarction.\n", {"I25.9", "I25.2"}, set()),
    # a prenatal visit: return precautions to labor and delivery are no symptoms; a past cesarean is no delivery now,
    # so the stated weeks give the trimester; the diabetes of a gestational-diabetes note is the gestational one;
    # 'preeclampsia labs' look for preeclampsia
    ("HPI: 32-year-old G2P1001 at 30 weeks 2 days gestation. Her first pregnancy ended in a cesarean delivery for "
     "breech presentation in 2022.\nASSESSMENT AND PLAN:\n1. Gestational diabetes mellitus, diet controlled. Referred "
     "to diabetes education.\n2. Gestational hypertension without proteinuria. Preeclampsia labs today.\n"
     "FOLLOW-UP: Go to labor and delivery for headache, vision changes or right upper quadrant pain.\n",
     {"O24.410", "O13.3", "Z3A.30"}, {"E11.9", "O13.9", "O14.90", "O14.93", "R51.9", "R10.11", "H53.8"}),
    # a condition of a pregnant patient complicates the pregnancy (I.C.15.a.1): O99 first, the condition beside it
    ("HPI: 32-year-old at 30 weeks gestation.\nASSESSMENT:\n1. Hypothyroidism on levothyroxine.\n2. Asthma, mild "
     "intermittent.\n", {"O99.283", "E03.9", "O99.513", "J45.20", "Z3A.30"}, {"O99.280", "O99.519"}),
    ("HPI: 28-year-old G1P0 at 12 weeks gestation.\nASSESSMENT:\n1. Major depressive disorder, recurrent, moderate."
     "\n2. Iron deficiency anemia.\n3. Smoker, 5 cigarettes a day.\n",
     {"O99.341", "F33.1", "O99.011", "D50.9", "O99.331", "F17.210", "Z3A.12"}, {"O99.281"}),
    ("HPI: 30-year-old at 20 weeks. Hypothyroidism, incidental to the pregnancy.\n", {"E03.9"}, {"O99.282", "O99.280"}),
    ("HPI: 58-year-old man.\nASSESSMENT:\n1. Hypothyroidism on levothyroxine.\n", {"E03.9"}, {"O99.280"}),
    # a suture removal the plan sets for a later day is not this encounter's reason (Z48.02)
    ("ASSESSMENT AND PLAN:\n1. Laceration of the forehead, repaired. Suture removal in 5 days.\n", {"S01.81XA"},
     {"Z48.02"}),
    ("CHIEF COMPLAINT: Suture removal.\nASSESSMENT:\n1. Encounter for suture removal. Sutures removed from the left "
     "hand, wound healed.\n", {"Z48.02"}, set()),
    # allergy status to narcotics, other antibiotics and analgesics the allergy list names
    ("ALLERGIES: Codeine (nausea).\nASSESSMENT:\n1. Hypertension.\n", {"I10", "Z88.5"}, set()),
    ("ALLERGIES: Penicillin (rash), cephalexin (hives), aspirin.\nASSESSMENT:\n1. Hypertension.\n",
     {"Z88.0", "Z88.1", "Z88.6"}, set()),
    ("ALLERGIES: NKDA.\nMEDICATIONS: Aspirin 81 mg daily. Codeine as needed.\nASSESSMENT:\n1. Allergic rhinitis, on "
     "aspirin.\n", {"J30.9"}, {"Z88.5", "Z88.6"}),
    ("HPI: She denies any allergy to codeine.\nASSESSMENT:\n1. Hypertension.\n", {"I10"}, {"Z88.5"}),
    # an amputation the patient has had is an acquired-absence status (Z89.-), by site and side; not one planned,
    # denied or done in this note's operation
    ("HPI: He had a right below-knee amputation in 2021 for a diabetic foot infection.\n", {"Z89.511"}, {"Z89.519"}),
    ("HPI: 66-year-old man, status post left above-knee amputation.\n", {"Z89.612"}, set()),
    ("HPI: Left great toe amputation in 2020.\n", {"Z89.412"}, set()),
    ("HPI: Bilateral BKAs for peripheral arterial disease.\n", {"Z89.511", "Z89.512"}, set()),
    ("ASSESSMENT AND PLAN:\n1. Gangrene of the right foot. Plan right below-knee amputation tomorrow.\n", set(),
     {"Z89.511", "Z89.431"}),
    ("PROCEDURE: Right below-knee amputation.\nFINDINGS: Gangrene.\n", set(), {"Z89.511"}),
    ("HPI: No history of amputation.\n", set(), {"Z89.511", "Z89.519"}),
    # a well-child examination that finds overweight or eczema is the examination 'with abnormal findings'
    ("WELL CHILD VISIT\nGROWTH: BMI 17.6 (88th percentile).\nASSESSMENT AND PLAN:\n1. Well child check, 4 years.\n"
     "2. Atopic dermatitis, mild. Continue moisturizer.\n3. Overweight, BMI 88th percentile. Reduce milk to 16 oz a day.\n",
     {"Z00.121", "L20.9", "E66.3", "Z68.53"}, {"Z00.129"}),
    ("ASSESSMENT:\n1. Well child check, 4 years, normal growth and development.\n2. Immunizations given.\n",
     {"Z00.129", "Z23"}, {"Z00.121"}),
    # an assessment item "History of <cancer>" in full words is the history-of code, as an abbreviation was
    ("ASSESSMENT:\n1. History of squamous cell carcinoma of the skin, no recurrence.\n", {"Z85.828"},
     {"C44.92", "C44.42"}),
    ("ASSESSMENT:\n1. No history of squamous cell carcinoma of the skin.\n", set(), {"Z85.828"}),
    ("ASSESSMENT:\n1. Family history of squamous cell carcinoma of the skin.\n", set(), {"Z85.828"}),
    # a hospital progress note: 'Delirium precautions' guard against delirium; the confusion of an encephalopathy is
    # part of it; 'likely hypovolemic' hyponatremia is no hypovolemic shock
    ("ASSESSMENT AND PLAN:\n1. Acute metabolic encephalopathy due to UTI, improving. Delirium precautions, avoid "
     "sedatives.\n2. Hyponatremia, mild, likely hypovolemic. Encourage oral intake.\n", {"G93.41", "E87.1"},
     {"R41.0", "F05", "R57.1", "R57.9"}),
    ("ASSESSMENT:\n1. Hypovolemic shock due to GI bleeding.\n", {"R57.1", "K92.2"}, set()),
    # an oncology follow-up: the 'lumpectomy' of the breast cancer's sentence is no breast lump, so 'left breast'
    # names only a site there, and the lump the note names is denied
    ("HPI: 61-year-old woman with invasive ductal carcinoma of the left breast, ER positive, status post left "
     "lumpectomy and adjuvant radiation in 2023, now on anastrozole. No new breast lumps.\n",
     {"C50.912", "Z17.0"}, {"N63.20", "N63.0"}),
    ("HPI: She found a lump in the left breast last week. No nipple discharge.\n", {"N63.20"}, set()),
    # a gastroenterology consult: the polyps of the history are the adenomas (or hyperplastic polyps) the HPI names
    ("HPI: Colonoscopy in 2015 showed two tubular adenomas that were removed. Her brother had colon cancer at age 60.\n\n"
     "ASSESSMENT:\n1. Iron deficiency anemia.\n2. GERD.\n3. Personal history of colonic polyps.\n"
     "4. Family history of colon cancer.\n", {"Z86.0101", "Z80.0", "K21.9"},
     {"Z86.0100", "Z86.0102"}),
    ("HPI: Colonoscopy in 2015 showed hyperplastic polyps that were removed. Her brother had colon cancer at age 60.\n\n"
     "ASSESSMENT:\n1. Iron deficiency anemia.\n2. GERD.\n3. Personal history of colonic polyps.\n"
     "4. Family history of colon cancer.\n", {"Z86.0102"},
     {"Z86.0100", "Z86.0101"}),
    # an ENT consult: the 'rhinitis' of an allergic rhinitis or of a rhinosinusitis is no chronic rhinitis (J31.0)
    ("HPI: 45-year-old man with chronic rhinosinusitis with nasal polyps, deviated nasal septum to the left, and "
     "allergic rhinitis due to pollen.\n\nASSESSMENT:\n1. Chronic pansinusitis with nasal polyps.\n2. Allergic "
     "rhinitis due to pollen.\n", {"J32.4", "J30.1"}, {"J31.0"}),
    # a diabetic eye exam: each eye's retinopathy is its own code; the other eye's is no less specific form of it
    ("HPI: Type 2 diabetes on insulin, here for a diabetic eye exam.\n\nASSESSMENT:\n1. Moderate nonproliferative "
     "diabetic retinopathy with macular edema, right eye.\n2. Moderate nonproliferative diabetic retinopathy without "
     "macular edema, left eye.\n3. Age-related nuclear cataract, bilateral.\n", {"E11.3311", "E11.3392", "H25.13"},
     {"E11.319", "E11.311"}),
    ("ASSESSMENT: Depression.", {"F32.A"}, {"F32.9"}),
])
def test_the_code_a_coder_gives_common_assessment_wordings(coder, text, want, never):
    sug, _ = suggested(coder, text)
    assert want <= set(sug) and not never & set(sug), (text, sorted(sug))


def test_a_more_specific_code_shows_its_own_words_as_evidence(coder):
    """R06.00 came from the learned word 'exertion'; R06.02, which the rule puts in its place because the sentence
    says 'shortness of breath', shows those words, not 'exertion'. Words shared with the code's term stay."""
    text = "HISTORY OF PRESENT ILLNESS\nHe endorses shortness of breath with exertion.\n"
    sug, listed = suggested(coder, text)
    assert "R06.02" in sug and "R06.00" not in sug, listed
    assert [e.text for e in sug["R06.02"].evidence] == ["shortness of breath"]
    # evidence sharing words with a term of the code written in its sentence stays as it is
    doc = document_from_text("Follow up for chronic congestive heart failure with diastolic dysfunction.")
    sents = coding_safety._Sentences(doc)
    a = doc.text.index("congestive heart failure")
    span = Span.of(doc.text, a, a + len("congestive heart failure"))
    assert coding_safety._in_own_words("I50.32", [span], doc, sents) == [span]
    a = doc.text.index("dysfunction")
    other = Span.of(doc.text, a, a + len("dysfunction"))  # (and one that shares none is shown in the term's words)
    assert [e.text for e in coding_safety._in_own_words("I50.32", [other], doc, sents)] != ["dysfunction"]
    # a negated term of the code is no evidence of it
    doc = document_from_text("Denies shortness of breath at rest but gets winded on exertion.")
    sents = coding_safety._Sentences(doc)
    a = doc.text.index("exertion")
    span = Span.of(doc.text, a, a + len("exertion"))
    assert coding_safety._in_own_words("R06.02", [span], doc, sents) == [span]


# ---------------------------------------------------------------- injuries: the episode of care (7th character)
@pytest.mark.parametrize("text,want,never", [
    # a later encounter, as the note words it (guideline I.C.19.a), and the external cause follows its injury
    ("ASSESSMENT: Right clavicle fracture, subsequent encounter.\n", {"S42.001D"}, {"S42.001A"}),
    ("ASSESSMENT: Follow-up of left distal radius fracture, healing well in cast.\n", {"S52.502D"}, {"S52.502A"}),
    ("ASSESSMENT: Left wrist fracture, here for cast change.\n", {"S62.102D"}, {"S62.102A"}),
    ("ASSESSMENT:\n1. Follow up for right ankle sprain.\n2. Hypertension.\n", {"S93.401D", "I10"}, {"S93.401A"}),
    ("HPI: She fell from a ladder 6 weeks ago and had ORIF of the right distal radius fracture.\n"
     "ASSESSMENT: Right distal radius fracture status post ORIF, healing well.\n", {"S52.501D", "W11.XXXD"},
     {"S52.501A", "W11.XXXA"}),
    ("ASSESSMENT: Left hip fracture after fall at home, subsequent encounter.\n", {"S72.002D", "W19.XXXD"},
     {"S72.002A", "W19.XXXA"}),
    # a fracture that heals late, not at all or wrongly; an open one (not an open reduction of a closed one)
    ("ASSESSMENT: Nonunion of right scaphoid fracture.\n", {"S62.001K"}, {"S62.001A"}),
    ("ASSESSMENT: Malunion of left distal radius fracture.\n", {"S52.502P"}, {"S52.502A"}),
    ("ASSESSMENT: Open fracture of right tibial shaft.\n", {"S82.201B"}, {"S82.201A"}),
    # the first encounter stays A: no cue, a negated cue, an open reduction, an explicit initial encounter
    ("ASSESSMENT: Right distal radius fracture. No evidence of nonunion.\n", {"S52.501A"}, {"S52.501K"}),
    ("ASSESSMENT: Closed fracture of the left fifth metatarsal. Will treat with open reduction and internal "
     "fixation.\n", {"S92.352A"}, {"S92.352B"}),
    ("ASSESSMENT: Right ankle sprain, initial encounter.\n", {"S93.401A"}, {"S93.401D"}),
    ("ASSESSMENT: Left hip fracture after fall at home.\n", {"S72.002A", "W19.XXXA"}, set()),
    # a fracture as notes word it, the bone by its adjective: a femoral neck is the femur's, not the neck's (S12.9 is a
    # cervical vertebra), a calcaneal fracture the calcaneus's
    ("ASSESSMENT: Right femoral neck fracture.\n", {"S72.001A"}, {"S12.9XXA"}),
    ("ASSESSMENT: Right tibial shaft fracture.\n", {"S82.201A"}, set()),
    ("ASSESSMENT: Left calcaneal fracture.\n", {"S92.002A"}, set()),
    # osteoporosis with a current fracture is M80 by site and side, not M81 'without current pathological fracture'
    ("ASSESSMENT: Osteoporotic compression fracture of L1.\n", {"M80.08XA"}, {"M81.0"}),
    ("ASSESSMENT: Compression fracture of L1 vertebra due to osteoporosis.\n", {"M80.08XA"}, {"M81.0", "M48.50XA"}),
    ("ASSESSMENT:\n1. Left hip fracture due to osteoporosis.\n2. Hypertension.\n", {"M80.052A", "I10"},
     {"M81.0", "S72.002A"}),
    ("ASSESSMENT: Osteoporosis.\nHPI: She has a right distal radius fragility fracture after a fall from standing.\n",
     {"M80.031A"}, {"M81.0"}),
    ("ASSESSMENT: Osteoporosis. No fracture.\n", {"M81.0"}, {"M80.00XA", "M80.08XA"}),
    ("PMH: Osteoporosis with history of wrist fracture in 2015.\nASSESSMENT: Osteoporosis, continue alendronate.\n",
     {"M81.0"}, {"M80.031A", "M80.039A"}),
    ("HPI: She was assessed for osteoporosis two years ago; no family history of fracture.\nASSESSMENT: "
     "Osteoporosis.\n", {"M81.0"}, {"M80.00XA", "M80.08XA"}),
    # an emergency visit: the fragility fracture by site and side, the fall as the note tells it (not W19
    # 'unspecified fall'), the wrist pain part of the fracture
    ("CHIEF COMPLAINT: Right wrist pain after a fall.\nHPI: She slipped on ice outside her home this morning and fell "
     "onto her outstretched right hand.\nPAST MEDICAL HISTORY: Osteoporosis. Hypertension.\nASSESSMENT:\n1. Closed "
     "displaced Colles fracture of the right radius, fragility fracture.\n2. Osteoporosis.\n3. Hypertension.\n",
     {"M80.031A", "W00.0XXA", "I10"}, {"M81.0", "W19.XXXA", "M25.531", "S52.531A"}),
])
def test_an_injury_takes_the_episode_of_care_its_note_words(coder, text, want, never):
    assert_codes(coder, text, want, never)


def test_seventh_character_for_an_episode_follows_the_tabular_meanings():
    from medassist import icd10

    radius = icd10.seventh_characters("S52.502")
    assert coding_safety._seventh_for(radius, "routine", None) == "D"
    assert coding_safety._seventh_for(radius, "routine", "I") == "E"
    assert coding_safety._seventh_for(radius, "nonunion", "III") == "N"
    assert coding_safety._seventh_for(radius, "initial", "III") == "C"
    assert coding_safety._seventh_for(radius, "sequela", None) == "S"
    clavicle = icd10.seventh_characters("S42.001")  # open fractures without Gustilo types: B; later ones no type
    assert coding_safety._seventh_for(clavicle, "initial", "III") == "B"
    assert coding_safety._seventh_for(clavicle, "malunion", None) == "P"
    sprain = icd10.seventh_characters("S93.401")  # A / D / S: any later encounter is D
    assert coding_safety._seventh_for(sprain, "routine", None) == "D"
    assert coding_safety._seventh_for(sprain, "nonunion", None) == "D"
    assert coding_safety._seventh_for(icd10.seventh_characters("M48.50"), "nonunion", None) is None


# ---------------------------------------------------------------- common assessment wordings, session 22
@pytest.mark.parametrize("text,want,never", [
    # influenza identified as A or B is J10 (J11 is for a virus not identified); with pneumonia one J10.0- code
    ("ASSESSMENT: Influenza A.\n", {"J10.1"}, {"J11.1"}),
    ("ASSESSMENT: Influenza.\n", {"J11.1"}, {"J10.1"}),
    ("ASSESSMENT: Pneumonia due to influenza A.\n", {"J10.00"}, {"J18.9", "J11.1", "J10.1", "J11.00"}),
    # dependence with withdrawal is not 'uncomplicated'; withdrawal prophylaxis is no withdrawal
    ("ASSESSMENT: Alcohol dependence with withdrawal.\n", {"F10.239"}, {"F10.20"}),
    ("ASSESSMENT: Opioid dependence in withdrawal.\n", {"F11.23"}, {"F11.20"}),
    ("ASSESSMENT: Alcohol dependence. CIWA protocol for withdrawal prophylaxis.\n", {"F10.20"}, {"F10.239"}),
    # hypothyroidism after a thyroidectomy is postprocedural; radioiodine only talked about is not
    ("ASSESSMENT: Hypothyroidism after thyroidectomy.\n", {"E89.0"}, {"E03.9"}),
    ("ASSESSMENT: Hypothyroidism. Discussed radioactive iodine.\n", {"E03.9"}, {"E89.0"}),
    # a skin cancer by its site (and side); not the lung's, not a suspected one, not the learned mouth or gum
    ("ASSESSMENT: Basal cell carcinoma of the nose.\n", {"C44.311"}, {"C44.91"}),
    ("ASSESSMENT: Basal cell carcinoma of the right cheek.\n", {"C44.319"}, {"C44.91"}),
    ("ASSESSMENT: BCC on the upper back.\n", {"C44.519"}, {"C44.91"}),
    ("ASSESSMENT: Basal cell carcinoma.\n", {"C44.91"}, set()),
    ("ASSESSMENT: Squamous cell carcinoma of the left forearm.\n", {"C44.629"}, {"C44.92", "C44.621", "C02.9"}),
    ("ASSESSMENT: Squamous cell carcinoma of the right lower leg.\n", {"C44.722"}, {"C03.1", "C44.92"}),
    ("ASSESSMENT: SCC of the scalp.\n", {"C44.42"}, set()),
    ("ASSESSMENT: Squamous cell carcinoma of the lung.\n", {"C34.90"}, {"C44.92"}),
    ("ASSESSMENT: Rule out basal cell carcinoma of the nose.\n", set(), {"C44.311", "C44.91"}),
    # a bilateral code stands for both sides: no right and left code beside it; the hip as the knee
    ("ASSESSMENT: Primary osteoarthritis of both knees.\n", {"M17.0"}, {"M17.11", "M17.12"}),
    ("ASSESSMENT: Bilateral knee osteoarthritis.\n", {"M17.0"}, {"M17.11", "M17.12"}),
    ("ASSESSMENT: Right knee osteoarthritis. Bilateral hip osteoarthritis.\n", {"M17.11", "M16.0"}, {"M16.9"}),
    ("ASSESSMENT: Bilateral knee pain.\n", {"M25.561", "M25.562"}, set()),  # (no bilateral code: both sides)
    # the encounter for an immunization, not one declined or up to date
    ("ASSESSMENT: Encounter for flu vaccination.\n", {"Z23"}, set()),
    ("CHIEF COMPLAINT: Flu shot.\n", {"Z23"}, set()),
    ("ASSESSMENT: She declined the flu vaccine.\n", set(), {"Z23"}),
    ("IMMUNIZATIONS: Flu shot up to date.\nASSESSMENT: Hypertension.\n", {"I10"}, {"Z23"}),
    # a word the Index treats as one with a code's word names its condition: "fell" a fall, as the lexicon matches it
    ("HPI: She was playing volleyball yesterday and fell and landed on her arm.\nIMPRESSION: Right proximal humerus "
     "fracture.\n", {"S42.201A", "W19.XXXA"}, set()),
])
def test_session22_assessment_wordings(coder, text, want, never):
    assert_codes(coder, text, want, never)


def test_a_neoplasm_table_histology_level_is_no_site():
    """'Neoplasm, alveolar, ridge or process, carcinoma, lower' made the term 'carcinoma lower' (C03.1, the lower
    gum), which any 'carcinoma of the right lower leg' matched."""
    from medassist.tasks.coding_lexicon import lexicon

    text = "Squamous cell carcinoma of the right lower leg."
    assert "C03.1" not in {t.code for t, _ in lexicon().match(text, 0, len(text))}
    text = "Carcinoma of the lower alveolar ridge."
    assert "C03.1" in {t.code for t, _ in lexicon().match(text, 0, len(text))}


@pytest.mark.parametrize("text,want,never", [
    # a note that is a few diagnosis lines and nothing else is read as a problem list
    ("Cellulitis of right lower leg.\n", {"L03.115"}, {"L03.90"}),
    ("Pressure ulcer of sacrum, stage 3.\n", {"L89.153"}, set()),
    ("Left hip fracture after fall at home, subsequent encounter.\n", {"S72.002D", "W19.XXXD"}, set()),
    ("Hypertension.\nType 2 diabetes with hyperglycemia.\nCOPD.\n", {"I10", "E11.65", "J44.9"}, set()),
    # its negations and doubts hold as anywhere
    ("No chest pain. Denies shortness of breath.\n", set(), {"R07.9", "R06.02"}),
    ("Rule out pneumonia.\n", set(), {"J18.9"}),
])
def test_a_pasted_problem_list_is_coded_as_one(coder, text, want, never):
    assert_codes(coder, text, want, never)


def test_a_narrative_without_headings_is_no_problem_list():
    doc = document_from_text("A 54-year-old man presented with three days of fever and productive cough. Chest "
                             "radiograph showed a right lower lobe consolidation and he was treated for pneumonia.\n")
    assert not coding_safety._problem_list_only(doc)
    assert coding_safety._problem_list_only(document_from_text("Cellulitis of right lower leg.\nHypertension.\n"))
    assert not coding_safety._problem_list_only(document_from_text("ASSESSMENT: Hypertension.\n"))  # a section's


DISCHARGE = ("DISCHARGE DIAGNOSES:\n1. Acute on chronic diastolic congestive heart failure.\n2. Hypokalemia, resolved.\n"
             "HOSPITAL COURSE: Chest x-ray showed bilateral pleural effusions. He was diuresed with IV furosemide. "
             "Potassium was repleted.\n")


def test_a_resolved_discharge_diagnosis_is_coded_for_the_admission(coder):
    """'Hypokalemia, resolved' among the discharge diagnoses was a condition of the stay (treated: potassium
    repleted): coded for an inpatient encounter, not for an office visit, where 'resolved' means gone."""
    res = code_document(document_from_text(DISCHARGE), coder=coder, encounter="inpatient")
    sug = {c.code: c for c in res.codes if c.suggested}
    assert "E87.6" in sug and "I50.33" in sug, sorted(sug)
    assert any("resolved" in w for w in sug["E87.6"].warnings)
    res = code_document(document_from_text(DISCHARGE), coder=coder, encounter="outpatient")
    assert "E87.6" not in {c.code for c in res.codes if c.suggested}
    # not a past condition the history calls resolved
    res = code_document(document_from_text("PAST MEDICAL HISTORY: Hypokalemia, resolved.\nDISCHARGE DIAGNOSES:\n"
                                           "1. Community-acquired pneumonia.\n"), coder=coder, encounter="inpatient")
    assert "E87.6" not in {c.code for c in res.codes if c.suggested}


def test_a_pleural_effusion_of_heart_failure_is_part_of_it_unless_drained(coder):
    sug, _ = suggested(coder, DISCHARGE)
    assert "I50.33" in sug and "J90" not in sug, sorted(sug)
    sug, _ = suggested(coder, DISCHARGE.replace("He was diuresed", "He underwent a right thoracentesis and was diuresed"))
    assert "I50.33" in sug and "J90" in sug, sorted(sug)


PRENATAL = ("PRENATAL VISIT\nHPI: 29-year-old G2P1 at 32 weeks 4 days gestation presents for routine prenatal care. No "
            "vaginal bleeding or contractions.\nPAST OBSTETRIC HISTORY: Cesarean section in 2021 for breech "
            "presentation.\nASSESSMENT:\n1. Intrauterine pregnancy at 32 weeks.\n2. Gestational diabetes, diet "
            "controlled.\n3. Previous cesarean delivery, planning repeat cesarean.\n4. Anemia of pregnancy, on iron.\n")


@pytest.mark.parametrize("text,want,never", [
    # the trimester of the stated weeks (an earlier or a planned cesarean is no delivery now), the cesarean scar of a
    # previous delivery as this pregnancy's care, no normal-pregnancy supervision beside complications
    (PRENATAL, {"Z3A.32", "O24.410", "O34.219", "O99.013"}, {"O99.019", "Z34.80", "Z34.90", "Z34.83"}),
    ("ASSESSMENT:\n1. Intrauterine pregnancy at 20 weeks.\n2. Prior c-section, desires trial of labor.\n",
     {"O34.219", "Z3A.20"}, set()),
    ("PAST SURGICAL HISTORY: History of cesarean section.\nASSESSMENT: Hypertension.\n", {"I10"}, {"O34.219"}),
    # ear pain is the otitis media's symptom
    ("CHIEF COMPLAINT: Ear pain and fever.\nHPI: 3-year-old boy with 2 days of left ear pain and fever.\nASSESSMENT:\n"
     "1. Acute otitis media, left ear.\n", {"H66.92"}, {"H92.09", "H92.02"}),
])
def test_pregnancy_and_ear_wordings(coder, text, want, never):
    assert_codes(coder, text, want, never)


@pytest.mark.parametrize("text,want,never", [
    # coronary artery disease with angina is one combination code (I.C.9.b), no angina code beside it
    ("HPI: Stable exertional angina with walking two blocks.\nASSESSMENT:\n1. Coronary artery disease of native "
     "coronary artery with stable angina.\n", {"I25.118"}, {"I25.10", "I20.89", "I20.9"}),
    ("ASSESSMENT: Coronary artery disease with unstable angina.\n", {"I25.110"}, {"I25.10", "I20.0"}),
    ("ASSESSMENT: Coronary artery disease. No angina.\n", {"I25.10"}, {"I25.119", "I20.9"}),
    # long-term antiplatelet use with the condition it treats; not a loading dose during a procedure
    ("MEDICATIONS: Aspirin 81 mg daily, clopidogrel 75 mg daily.\nASSESSMENT: Coronary artery disease.\n",
     {"I25.10", "Z79.02"}, set()),
    ("PROCEDURE: The patient had been given 300 mg of Plavix orally during the procedure.\nASSESSMENT: Coronary "
     "artery disease.\n", {"I25.10"}, {"Z79.02"}),
])
def test_coronary_disease_wordings(coder, text, want, never):
    assert_codes(coder, text, want, never)


@pytest.mark.parametrize("text,want,never", [
    # one breast cancer in the note's words: not also the tables' guess at another quadrant; its hormone therapy
    ("HPI: 58-year-old woman with left breast cancer, estrogen receptor positive, now on anastrozole.\nASSESSMENT:\n"
     "1. Malignant neoplasm of upper-outer quadrant of left female breast, ER positive.\n",
     {"C50.412", "Z17.0", "Z79.811"}, {"C50.312", "C50.912"}),
    ("ASSESSMENT: Breast cancer of the right breast on tamoxifen.\n", {"Z79.810"}, {"Z79.811"}),
    # bisphosphonates with the osteoporosis they treat
    ("MEDICATIONS: Alendronate 70 mg weekly.\nASSESSMENT: Osteoporosis.\n", {"M81.0", "Z79.83"}, set()),
    ("MEDICATIONS: Alendronate 70 mg weekly, stopped last year.\nASSESSMENT: Osteoporosis.\n", {"M81.0"}, {"Z79.83"}),
])
def test_cancer_and_bone_drug_wordings(coder, text, want, never):
    assert_codes(coder, text, want, never)


@pytest.mark.parametrize("text,want,never", [
    # diabetic macular edema by the retinopathy's grade and the eye; the retinal edema part of it
    ("ASSESSMENT: Type 2 diabetes with moderate nonproliferative diabetic retinopathy with macular edema, bilateral.\n",
     {"E11.3313"}, {"E11.319", "H35.81", "E11.3393"}),
    ("ASSESSMENT: Type 2 diabetes with diabetic macular edema, both eyes, moderate nonproliferative retinopathy.\n",
     {"E11.3313"}, {"E11.3591", "H35.81"}),
    ("ASSESSMENT: Type 1 diabetes with proliferative diabetic retinopathy and macular edema of the left eye.\n",
     {"E10.3512"}, {"E10.9", "H35.81"}),
    ("ASSESSMENT: Type 2 diabetes. Diabetic macular edema.\n", {"E11.311"}, {"E11.9"}),
    ("ASSESSMENT: Moderate nonproliferative diabetic retinopathy without macular edema, right eye. Type 2 diabetes.\n",
     {"E11.3391"}, {"E11.3311"}),
    ("ASSESSMENT: Type 2 diabetes without retinopathy or macular edema.\n", {"E11.9"}, {"E11.311", "E11.319"}),
    # digestive wordings: reflux with esophagitis (and bleeding), without; recurrent C. difficile; the bleeding of a
    # colitis coded 'with rectal bleeding'; renal secondary hyperparathyroidism
    ("ASSESSMENT: GERD with esophagitis, without bleeding.\n", {"K21.00"}, {"K21.9", "K20.90"}),
    ("ASSESSMENT: GERD with esophagitis and bleeding.\n", {"K21.01"}, {"K21.00", "K21.9"}),
    ("ASSESSMENT: GERD without esophagitis.\n", {"K21.9"}, {"K21.00", "K20.90"}),
    ("ASSESSMENT: C. difficile colitis, recurrent.\n", {"A04.71"}, {"A04.72", "K52.9"}),
    ("ASSESSMENT: Ulcerative colitis, pancolitis, with rectal bleeding.\n", {"K51.011"}, {"K62.5"}),
    ("ASSESSMENT: Hyperparathyroidism secondary to CKD.\n", {"N25.81"}, {"E21.1"}),
])
def test_diabetic_eye_and_digestive_wordings(coder, text, want, never):
    assert_codes(coder, text, want, never)


@pytest.mark.parametrize("text,want,never", [
    # sepsis is coded as the sepsis, not also as the bacteremia; the organism once, unless another code asks for it
    ("ASSESSMENT: Sepsis due to MRSA bacteremia.\n", {"A41.02"}, {"R78.81", "A41.9", "B95.62"}),
    ("ASSESSMENT: Sepsis due to E. coli bacteremia.\n", {"A41.51"}, {"R78.81", "B96.20"}),
    ("ASSESSMENT: Sepsis due to E. coli urinary tract infection.\n", {"A41.51", "N39.0", "B96.20"}, set()),
    ("ASSESSMENT: MRSA bacteremia.\n", {"R78.81"}, {"A41.02"}),
])
def test_sepsis_and_its_organism(coder, text, want, never):
    assert_codes(coder, text, want, never)


@pytest.mark.parametrize("text,want,never", [
    # Alzheimer's disease by its onset, with the dementia its note asks for (behavior, agitation, none)
    ("ASSESSMENT: Alzheimer dementia, late onset, with behavioral disturbance.\n", {"G30.1", "F02.818"}, {"G30.9", "F02.80"}),
    ("ASSESSMENT: Alzheimer disease with dementia, agitation at night.\n", {"G30.9", "F02.811"}, {"F02.818", "F02.80"}),
    ("ASSESSMENT: Alzheimer disease with dementia.\n", {"G30.9", "F02.80"}, {"F02.811", "F02.818"}),
    ("ASSESSMENT: Alzheimer disease.\n", {"G30.9"}, {"F02.80"}),
    # one interstitial lung disease; a pacemaker the patient has, not one planned
    ("ASSESSMENT: Interstitial lung disease, idiopathic pulmonary fibrosis.\n", {"J84.112"}, {"J84.9", "J98.4"}),
    ("ASSESSMENT: Sick sinus syndrome status post pacemaker.\n", {"I49.5", "Z95.0"}, {"Z95.1"}),
    ("ASSESSMENT: Complete heart block, candidate for a permanent pacemaker.\n", {"I44.2"}, {"Z95.0"}),
])
def test_neuro_lung_and_device_wordings(coder, text, want, never):
    assert_codes(coder, text, want, never)


def test_a_tabular_range_note_names_every_code_of_the_range():
    """'code (B95-B97), to identify infectious agent' named only B95 (the range's dash was read as a category's)."""
    assert coding_safety._refers(["code (B95-B97), to identify infectious agent."], "B96.20")
    assert coding_safety._refers(["code to identify stage (N18.1-N18.6)"], "N18.4")
    assert not coding_safety._refers(["code to identify stage (N18.1-N18.6)"], "N19")
    assert coding_safety._refers(["(I12.-, I13.-)"], "I13.0") and not coding_safety._refers(["(I12.-)"], "I13.0")


def test_a_prenatal_visits_hypertension_is_the_pregnancys_not_childbirths(coder):
    """A prenatal note that tells of a previous cesarean was read as a delivery note: its chronic hypertension was
    O10.02 'complicating childbirth'. The pregnancy's code, by the stated trimester; a repeat cesarean done now is
    still childbirth."""
    prenatal = ("HPI: 29-year-old G2P1 at 32 weeks gestation.\nASSESSMENT:\n1. Chronic hypertension.\n2. Previous "
                "cesarean delivery, planning repeat cesarean.\n")
    assert_codes(coder, prenatal, {"O10.013", "O34.219", "Z3A.32"}, {"O10.02", "O10.019"})
    delivery = ("HPI: 31-year-old at 39 weeks gestation presented for repeat cesarean section.\nPROCEDURE: Repeat "
                "cesarean section.\nASSESSMENT: Chronic hypertension.\n")
    assert_codes(coder, delivery, {"O10.02", "Z3A.39"}, {"O10.013"})


def test_a_delivery_told_of_as_earlier_or_planned_is_no_delivery_now():
    assert not coding_safety._delivery_now("PAST OBSTETRIC HISTORY: Cesarean section in 2021 for breech.\n"
                                           "3. Previous cesarean delivery, planning repeat cesarean.\n")
    assert coding_safety._delivery_now("She delivered a healthy boy by cesarean section this morning.\n")
    assert coding_safety._delivery_now("POSTPARTUM DAY 1 after a spontaneous vaginal delivery.\n")


@pytest.mark.parametrize("text,want,never", [
    # long-term drug therapy codes of the 2024 Z79.6- and Z79.85 rows, with the disease the drug treats
    ("HPI: Seropositive rheumatoid arthritis on methotrexate 15 mg weekly.\nASSESSMENT: Rheumatoid arthritis with "
     "rheumatoid factor of multiple sites.\n", {"M05.79", "Z79.631"}, set()),
    ("HPI: Rheumatoid arthritis; methotrexate was stopped last year for liver enzymes.\nASSESSMENT: Rheumatoid "
     "arthritis.\n", set(), {"Z79.631"}),
    ("HPI: Long-standing rheumatoid arthritis that had required treatment with methotrexate and is currently treated "
     "with infliximab.\nASSESSMENT: Rheumatoid arthritis.\n", {"M06.9", "Z79.620"}, {"Z79.631"}),
    ("HPI: Crohn's disease of the ileum on azathioprine 100 mg daily.\nASSESSMENT: Crohn's disease of small intestine.\n",
     {"Z79.624"}, set()),
    ("HPI: Rheumatoid arthritis, on tofacitinib.\nASSESSMENT: Rheumatoid arthritis.\n", {"M06.9", "Z79.622"}, set()),
    ("HPI: Kidney transplant in 2019, on tacrolimus and mycophenolate.\nASSESSMENT: Kidney transplant status.\n",
     {"Z94.0", "Z79.621", "Z79.624"}, set()),
    ("HPI: Psoriasis; adalimumab was discontinued in May.\nASSESSMENT: Psoriasis vulgaris.\n", {"L40.0"}, {"Z79.620"}),
    ("MEDICATIONS: Rapamune 2 mg daily. CellCept 500 mg twice daily.\nASSESSMENT: Kidney transplant status.\n",
     {"Z94.0", "Z79.623", "Z79.624"}, set()),
    ("HPI: Type 2 diabetes on metformin and weekly semaglutide injections.\nASSESSMENT: Type 2 diabetes mellitus with "
     "hyperglycemia.\n", {"E11.65", "Z79.84", "Z79.85"}, set()),
    # Sjogren syndrome with its dry eyes is one code; BPH 'with LUTS' is not also R39.9; an adenoma is its site's D12
    ("ASSESSMENT: Sjogren syndrome with keratoconjunctivitis sicca and dry eyes.\n", {"M35.01"}, {"M35.00", "H04.123"}),
    ("ASSESSMENT:\n1. BPH with LUTS.\n2. Nocturia.\n", {"N40.1", "R35.1"}, {"R39.9"}),
    ("HPI: Colonoscopy showed a 12 mm tubular adenoma in the sigmoid colon.\nASSESSMENT: Colon polyp, tubular adenoma, "
     "sigmoid.\n", {"D12.5"}, {"K63.5"}),
    ("HPI: Colonoscopy showed a tubular adenoma in the sigmoid colon and a hyperplastic polyp of the rectum.\n"
     "ASSESSMENT:\n1. Tubular adenoma of the sigmoid colon.\n2. Hyperplastic colon polyp.\n", {"D12.5", "K63.5"}, set()),
])
def test_rheumatology_diabetes_drug_urology_and_colon_polyp_wordings(coder, text, want, never):
    assert_codes(coder, text, want, never)


@pytest.mark.parametrize("text,want,never", [
    # age-related macular degeneration by type, eye and stage (the 7th character): an abbreviation whose code carries
    # its 7th character was dropped by the lexicon ('breech presentation' O32.1XX0 too)
    ("ASSESSMENT:\n1. Exudative age-related macular degeneration, left eye, with active choroidal neovascularization.\n",
     {"H35.3221"}, {"H35.3220", "H35.3290"}),
    ("ASSESSMENT: Wet AMD of the right eye with inactive scar. Dry AMD, left eye.\n", {"H35.3213", "H35.3120"},
     {"L90.5"}),
    ("ASSESSMENT: Wet AMD, both eyes, with inactive choroidal neovascularization.\n", {"H35.3232"}, set()),
    # an age-related cataract by type and side
    ("ASSESSMENT:\n1. Nuclear senile cataract, bilateral.\n", {"H25.13"}, {"H25.9", "H26.9"}),
    ("ASSESSMENT: Posterior subcapsular cataract of the right eye.\n", {"H25.041"}, {"H25.9", "H26.9"}),
    # recurrent acute otitis media; Pneumocystis pneumonia is B59 alone; a treated latent tuberculosis is history
    ("ASSESSMENT: Recurrent acute suppurative otitis media, left ear.\n", {"H66.005"}, {"H66.002"}),
    ("HPI: HIV disease, CD4 180, admitted with Pneumocystis pneumonia.\nASSESSMENT:\n1. Pneumocystis jirovecii "
     "pneumonia.\n2. HIV disease.\n3. History of latent tuberculosis, treated.\n", {"B59", "B20", "Z86.15"},
     {"J17", "J18.9", "Z22.7"}),
    ("ASSESSMENT: Latent TB - start rifampin.\n", {"Z22.7"}, {"Z86.15"}),
])
def test_eye_ear_and_infection_wordings(coder, text, want, never):
    assert_codes(coder, text, want, never)


@pytest.mark.parametrize("text,want,never", [
    # a dementia with a behavioural disturbance by severity (the 2023 F01-F03 rows), its agitation part of it, and
    # not also an unspecified dementia of any severity
    ("ASSESSMENT:\n1. Alzheimer disease, late onset, with moderate dementia with agitation.\n",
     {"G30.1", "F02.B11"}, {"F02.811", "F03.B11", "F03.911", "R45.1"}),
    ("ASSESSMENT: Vascular dementia, severe, with psychotic disturbance (visual hallucinations).\n",
     {"F01.C2"}, {"F01.52", "R44.1", "F03.C2"}),
])
def test_dementia_severity_with_behavioural_disturbance(coder, text, want, never):
    assert_codes(coder, text, want, never)


def test_a_gloss_in_brackets_neither_lengthens_a_problem_line_nor_is_its_problem(coder):
    """"(visual hallucinations)" after a dementia's line says it again: the line is still the dementia's term; a term
    found only inside the brackets is not the line's problem ("Gastrostomy (gastrocutaneous fistula)" was M25.18, a
    fistula of a joint)."""
    assert_codes(coder, "ASSESSMENT:\n1. Vascular dementia, severe, with psychotic disturbance (visual hallucinations).\n",
                 {"F01.C2"}, {"F29", "H53.9"})
    assert_codes(coder, "ASSESSMENT:\n1. Gastrostomy (gastrocutaneous fistula).\n2. Hypertension.\n", {"I10"},
                 {"M25.18"})


@pytest.mark.parametrize("text,want,never", [
    # peripheral artery disease by leg (90 tabular rows of I70.2-I70.7 'unspecified extremity'), not also I73.9
    ("ASSESSMENT: Peripheral artery disease with claudication, right leg.\n", {"I70.211"}, {"I70.219", "I73.9"}),
    ("ASSESSMENT: Peripheral artery disease with claudication of both legs.\n", {"I70.213"}, {"I70.219", "I73.9"}),
    # an abdominal aortic aneurysm by its place against the renal arteries
    ("ASSESSMENT: Infrarenal abdominal aortic aneurysm of 4.8 cm without rupture.\n", {"I71.43"}, {"I71.40"}),
    # a venous stasis ulcer: with the varicose veins the note names, the varices with ulcer by side and site; its L97
    ("HPI: Varicose veins of the right leg.\nASSESSMENT:\n1. Venous stasis ulcer, right ankle, limited to breakdown of "
     "skin.\n", {"I83.013", "L97.311"}, {"I87.2", "I83.91", "I83.90"}),
    ("ASSESSMENT: Venous stasis ulcer of the left calf with fat layer exposed.\n", {"I87.2", "L97.222"}, set()),
    # beside a diabetic foot ulcer of the other foot, each ulcer keeps its own L97 code
    ("HPI: Type 2 diabetes.\nASSESSMENT:\n1. Diabetic foot ulcer, left heel, fat layer exposed.\n2. Venous stasis "
     "ulcer, right ankle, limited to breakdown of skin.\n", {"E11.621", "L97.422", "I87.2", "L97.311"}, set()),
    # a lung primary 'metastatic to the brain and liver' has no lung metastasis; 'metastases to both lungs' is one
    ("HPI: Adenocarcinoma of the upper lobe of the right lung, metastatic to the brain and liver.\nASSESSMENT:\n1. "
     "Primary lung adenocarcinoma, right upper lobe.\n2. Brain metastases.\n3. Liver metastases.\n",
     {"C34.11", "C79.31", "C78.7"}, {"C78.00", "C78.01"}),
    ("ASSESSMENT: Metastatic colon cancer with metastases to both lungs.\n", {"C18.9", "C78.00"}, {"C79.9", "C34.90"}),
])
def test_vascular_ulcer_and_metastasis_wordings(coder, text, want, never):
    assert_codes(coder, text, want, never)


@pytest.mark.parametrize("text,want,never", [
    # a cervical strain's neck pain is part of it; a forehead laceration is 'other part of head'
    ("HPI: Neck pain after a motor vehicle collision.\nASSESSMENT:\n1. Cervical strain.\n2. Laceration of forehead "
     "without foreign body, 3 cm, repaired.\n", {"S16.1XXA", "S01.81XA"}, {"M54.2"}),
    # a food allergy, and the anaphylaxis it caused once: allergy status and personal history, no current anaphylaxis
    ("HPI: History of anaphylaxis to peanuts; carries an epinephrine autoinjector.\nASSESSMENT: Peanut allergy with "
     "history of anaphylaxis.\n", {"Z91.010", "Z87.892"}, {"T78.01XA", "T78.2XXA"}),
    # electronic cigarettes are 'other tobacco product'
    ("ASSESSMENT: Nicotine dependence, electronic cigarettes.\n", {"F17.290"}, {"F17.210"}),
    ("HPI: Vapes nicotine daily.\nASSESSMENT: Nicotine dependence.\n", {"F17.290"}, {"F17.210", "F17.200"}),
    ("HPI: Smokes 1 pack per day.\nASSESSMENT: Nicotine dependence, cigarettes.\n", {"F17.210"}, {"F17.290"}),
])
def test_emergency_allergy_and_vaping_wordings(coder, text, want, never):
    assert_codes(coder, text, want, never)


@pytest.mark.parametrize("text,want,never", [
    # a vaccine named is no case of its disease; the visit's immunization is Z23
    ("HPI: Annual well-child check. Vaccines given today: DTaP, IPV, MMR, varicella, hepatitis A, influenza.\n"
     "ASSESSMENT:\n1. Encounter for routine child health examination without abnormal findings.\n2. Need for "
     "vaccination.\n", {"Z00.129", "Z23"}, {"B01.9", "J11.1", "B15.9", "B05.9", "B26.9"}),
    ("HPI: Received the shingles vaccine last year. She has had chickenpox as a child.\nASSESSMENT: Herpes zoster of "
     "the left T6 dermatome.\n", {"B02.9"}, {"B01.9"}),
    ("ASSESSMENT: Varicella in an unvaccinated 5-year-old.\n", {"B01.9"}, set()),
    # gynecology: menorrhagia by cycle, perimenopausal vasomotor symptoms (their hot flashes part of them), an IUD
    ("ASSESSMENT:\n1. Menorrhagia with regular cycle.\n2. Perimenopausal vasomotor symptoms.\n3. IUD in place.\n",
     {"N92.0", "N95.1", "Z97.5"}, {"R23.2"}),
    ("HPI: Hot flashes and night sweats.\nASSESSMENT: Perimenopausal vasomotor symptoms.\n", {"N95.1"}, {"R23.2", "R61"}),
    # a radiculopathy's back and radiating leg pain are part of it
    ("HPI: Chronic low back pain radiating to the left leg.\nASSESSMENT: Lumbar disc herniation with radiculopathy, "
     "L4-L5.\n", {"M51.16"}, {"M54.50", "M79.605", "M79.662"}),
])
def test_vaccine_gynecology_and_radiculopathy_wordings(coder, text, want, never):
    assert_codes(coder, text, want, never)


def test_a_long_term_drug_code_is_suggested_and_listed_below_the_condition_it_goes_with(coder):
    """A 'use additional code' long-term drug therapy code (Z79.-) is a secondary code: suggested, but listed after the
    condition its drug treats (score_cap in safety_rules.json companions), not at that condition's score."""
    from medassist.tasks.code import code_document

    res = code_document(document_from_text("ASSESSMENT:\n1. Persistent atrial fibrillation on apixaban.\n"
                                           "2. Rheumatoid arthritis on methotrexate.\n"), coder=coder)
    by = {c.code: c for c in res.codes}
    for z, base in (("Z79.01", "I48.19"), ("Z79.631", "M06.9")):
        assert by[z].suggested and by[base].suggested, sorted(c.code for c in res.codes if c.suggested)
        assert res.threshold <= by[z].score <= 0.35 < by[base].score
        assert res.codes.index(by[z]) > res.codes.index(by[base])


def test_a_venous_ulcer_takes_the_varicose_veins_of_its_own_leg_only(coder):
    """The varices with ulcer (I83.013) stand for the right leg's varicose veins; the left leg's stay their own code."""
    assert_codes(coder, "HPI: Varicose veins of both legs.\nASSESSMENT:\n1. Venous stasis ulcer, right ankle, limited to "
                 "breakdown of skin.\n2. Varicose veins of left lower extremity.\n", {"I83.013", "L97.311", "I83.92"},
                 {"I87.2", "I83.91", "I83.93"})


def test_hypertensive_heart_and_kidney_disease_is_one_code_beside_its_stage(coder):
    """A discharge summary's 'Hypertensive heart and chronic kidney disease with heart failure and ESRD' gave I13.2 and
    also I12.9 (stage 1-4!) and N18.9 beside N18.6."""
    assert_codes(coder, "DISCHARGE DIAGNOSES:\n1. Acute on chronic diastolic (congestive) heart failure.\n2. End-stage renal "
                 "disease on hemodialysis.\n3. Hypertensive heart and chronic kidney disease with heart failure and ESRD.\n",
                 {"I13.2", "N18.6", "Z99.2", "I50.33"}, {"I12.9", "I12.0", "N18.9", "I10", "I11.0"})


def test_a_reworded_item_stands_for_the_rows_the_tabular_wording_pairs():
    """specific_for's {"reworded": ...}: every code of the prefixes whose description matches 'from' gets a row to the
    code described with 'as' in its place (7th-character codes included), in place in the list; a pair written out
    as a row of its own is not made again."""
    from medassist.tasks.coding_safety import expand_reworded

    item = {"reworded": {"prefixes": ["H35.32"], "from": "stage unspecified$", "why": "stage: {as}",
                         "to": [{"as": "with inactive scar", "sentence_requires": "scar"}]}}
    before, after = {"code": "X", "to": "Y"}, {"code": "Z", "to": "W"}
    rows = expand_reworded([before, item, after], explicit={("H35.3290", "H35.3293")})
    assert rows[0] is before and rows[-1] is after
    made = {(r["code"], r["to"]) for r in rows[1:-1]}
    assert made == {("H35.3210", "H35.3213"), ("H35.3220", "H35.3223"), ("H35.3230", "H35.3233")}
    assert all(r["why"] == "stage: with inactive scar" and r["sentence_requires"] == "scar" for r in rows[1:-1])


def test_a_like_item_makes_rows_from_another_codes_rows_with_the_words_swapped():
    """specific_for's {"like": ...}: for each site, the explicit row of ``rows_of`` to that site's target, its sentence
    pattern with the condition's words replaced, to each entry's own target, in place, in site order."""
    from medassist.tasks.coding_safety import expand_like

    nose = {"code": "C44.91", "to": "C44.311", "sentence_requires": "(?:basal|bcc) of the nose", "why": "x"}
    lip = {"code": "C44.91", "to": "C44.01", "sentence_requires": "(?:basal|bcc) of the lip", "why": "x"}
    item = {"like": {"rows_of": "C44.91", "replace": [["(?:basal|bcc)", "(?:melanomas?)"]],
                     "sites": [["C44.311", "the nose", "C43.31", "D03.39"], ["C44.01", "the lip", "C43.0", "D03.0"]],
                     "codes": [{"code": "C43.9", "sentence_forbids": "in situ", "why": "on {site}: {to}"},
                               {"code": "D03.9", "why": "in situ on {site}: {to}"}]}}
    after = {"code": "Z", "to": "W"}
    rows = expand_like([nose, lip, item, after])
    assert rows[:2] == [nose, lip] and rows[-1] is after
    made = rows[2:-1]
    assert [(r["code"], r["to"]) for r in made] == [("C43.9", "C43.31"), ("D03.9", "D03.39"), ("C43.9", "C43.0"),
                                                    ("D03.9", "D03.0")]
    assert made[0]["sentence_requires"] == "(?:melanomas?) of the nose" and made[0]["sentence_forbids"] == "in situ"
    assert "sentence_forbids" not in made[1] and made[3]["why"] == "in situ on the lip: D03.0"


def test_a_by_site_item_stands_for_a_row_per_site_and_side():
    """specific_for's {"by_site": ...}: a row to family + site digit + side digit (1 right, 2 left, 9 none) for each
    code and site of the list, in place; a target that is no billable code is left out; the row's sentence pattern
    needs the site with that side, and the item's own condition of the whole sentence."""
    import re as _re

    from medassist.tasks.coding_safety import expand_by_site

    sites = {"joints": [["6", "knee", r"\bknees?\b"], ["0", "nowhere", r"\bnowhere\b"]]}
    item = {"by_site": {"codes": ["M06.9"], "family": "M06.8", "sites": "joints", "sentence_requires": r"\bsevere\b",
                        "sentence_forbids": "seropositive", "why": "the {site}"}}
    before, after = {"code": "X", "to": "Y"}, {"code": "Z", "to": "W"}
    rows = expand_by_site([before, item, after], sites)
    assert rows[0] is before and rows[-1] is after
    made = {r["to"]: r for r in rows[1:-1]}
    assert set(made) == {"M06.861", "M06.862", "M06.869"}  # (M06.80- is no code: 'nowhere' made none)
    assert made["M06.861"]["why"] == "the knee, right" and made["M06.869"]["why"] == "the knee"

    def holds(to, s):
        r = made[to]
        return bool(_re.search(r["sentence_requires"], s, _re.I)) and not _re.search(r["sentence_forbids"], s, _re.I)

    assert holds("M06.861", "Severe rheumatoid arthritis of the right knee.")
    assert holds("M06.861", "Severe rheumatoid arthritis, knee, right.")
    assert not holds("M06.861", "Rheumatoid arthritis of the right knee.")  # the item's own condition
    assert not holds("M06.861", "Severe rheumatoid arthritis of the left knee.")
    assert not holds("M06.861", "Severe seropositive rheumatoid arthritis of the right knee.")
    assert holds("M06.869", "Severe rheumatoid arthritis of the knee.")
    assert not holds("M06.869", "Severe rheumatoid arthritis of both knees.")


@pytest.mark.parametrize("text,want,never", [
    # an infection named by its organism is coded by it, never also as an unspecified infectious disease
    ("ASSESSMENT: Chronic hepatitis B infection, on entecavir.\n", {"B18.1"}, {"B99.9", "B19.10", "B18.2"}),
    ("ASSESSMENT: CMV infection.\n", set(), {"B99.9"}),
    # a hepatitis by the letter its sentence names, and a chronic hepatitis of no named kind is K73.9
    ("ASSESSMENT: Chronic hepatitis of unknown cause.\n", {"K73.9"}, {"B18.2", "B19.20", "B18.1"}),
    ("ASSESSMENT: Chronic hepatitis secondary to HCV infection.\n", {"B18.2"}, {"K73.9", "K75.9"}),
    # arthrosis by joint, the joint in the word itself (gonarthrosis, coxarthrosis, rhizarthrosis) or beside it
    ("ASSESSMENT: Left coxarthrosis.\n", {"M16.12"}, {"M19.90", "M16.10"}),
    ("ASSESSMENT: Gonarthrosis of the right knee.\n", {"M17.11"}, {"M25.561", "M19.90"}),
    ("ASSESSMENT: Bilateral gonarthrosis.\n", {"M17.0"}, {"M17.11", "M17.12"}),
    ("ASSESSMENT: Arthrosis of the right hip.\n", {"M16.11"}, {"M19.90"}),
    ("ASSESSMENT: Rhizarthrosis of the left thumb.\n", {"M18.12"}, set()),
    # a spread to the lymph nodes of a region (Neoplasm table: lymph, gland, by region), not an unspecified site
    ("ASSESSMENT: Metastases in mediastinal lymph nodes.\n", {"C77.1"}, {"C77.9", "C79.9"}),
    ("ASSESSMENT: Breast cancer with metastatic left axillary lymph nodes.\n", {"C50.912", "C77.3"}, {"C77.9", "C79.9"}),
    ("ASSESSMENT: Metastatic adenopathies in the retroperitoneum and para-aortic lymph nodes.\n", {"C77.2"},
     {"R59.9", "R59.0", "C77.9"}),
    ("ASSESSMENT: Lymph node metastases.\n", {"C77.9"}, set()),
    ("ASSESSMENT: No evidence of lymph node metastases.\n", set(), {"C77.9"}),
])
def test_infection_arthrosis_and_nodal_metastasis_wordings(coder, text, want, never):
    assert_codes(coder, text, want, never)


@pytest.mark.parametrize("text,want,never", [
    # a condition named alone is the Index's NOS code, not a code of one kind of it
    ("ASSESSMENT: Encephalitis.\n", {"G04.90"}, set()),
    ("ASSESSMENT: HSV encephalitis.\n", {"B00.4"}, {"G04.90"}),
    ("ASSESSMENT: Nephritis.\n", {"N05.9"}, {"N08", "N12"}),  # N08 is a manifestation (code first its disease)
    ("ASSESSMENT: Interstitial nephritis.\n", {"N12"}, {"N05.9"}),
    ("ASSESSMENT: Chronic bronchitis.\n", {"J42"}, {"J44.9"}),
    ("ASSESSMENT: COPD with chronic bronchitis.\n", {"J44.9"}, {"J42"}),  # J42 excludes the obstructive one
])
def test_a_condition_named_alone_is_its_index_default(coder, text, want, never):
    assert_codes(coder, text, want, never)


@pytest.mark.parametrize("text,want,never", [
    # an allergy to a named drug is its allergy status, not an allergy of no stated cause
    ("ASSESSMENT: Allergy to penicillin.\n", {"Z88.0"}, {"T78.40XA"}),
    ("ASSESSMENT: Allergic to sulfa.\n", {"Z88.2"}, {"T78.40XA"}),
    ("ASSESSMENT: Allergic reaction.\n", {"T78.40XA"}, {"Z88.0"}),
])
def test_an_allergy_to_a_named_drug_is_its_status(coder, text, want, never):
    assert_codes(coder, text, want, never)


@pytest.mark.parametrize("text,want,never", [
    # a melanoma by the skin site the sentence names (the site rules of the skin carcinomas), then its side
    ("ASSESSMENT: Malignant melanoma of the right thigh.\n", {"C43.71"}, {"C43.9", "C43.70"}),
    ("ASSESSMENT: Melanoma of the left upper arm.\n", {"C43.62"}, {"C43.9", "C43.60"}),
    ("ASSESSMENT: Melanoma of the left cheek.\n", {"C43.39"}, {"C43.9"}),
    ("ASSESSMENT: Melanoma of the nose.\n", {"C43.31"}, {"C43.9"}),
    ("ASSESSMENT: Melanoma in situ of the left forearm.\n", {"D03.62"}, {"D03.9", "C43.60", "C43.62", "C43.9"}),
    ("ASSESSMENT: Melanoma.\n", {"C43.9"}, set()),
    # hemorrhoids by grade (the Index's degree), chronic pancreatitis the note puts down to alcohol
    ("ASSESSMENT: Internal hemorrhoids, grade 3.\n", {"K64.2"}, {"K64.8", "K64.9"}),
    ("ASSESSMENT: Grade II internal hemorrhoids.\n", {"K64.1"}, {"K64.8", "K64.9"}),
    ("ASSESSMENT: Internal hemorrhoids.\n", {"K64.8"}, {"K64.1", "K64.2"}),
    ("ASSESSMENT: Chronic alcoholic pancreatitis.\n", {"K86.0"}, {"K86.1", "K85.20"}),
    ("ASSESSMENT: Chronic pancreatitis.\n", {"K86.1"}, {"K86.0"}),
    # a postpartum hemorrhage is O72.1 unless the sentence puts it in the third stage (a retained placenta)
    ("ASSESSMENT: Postpartum hemorrhage.\n", {"O72.1"}, {"O72.0", "R58"}),
    ("ASSESSMENT: Postpartum hemorrhage from a retained placenta.\n", {"O72.0"}, {"O72.1", "R58"}),
    ("ASSESSMENT: Third stage hemorrhage with retained placenta.\n", {"O72.0"}, {"O72.1", "R58"}),
])
def test_melanoma_hemorrhoid_pancreatitis_and_postpartum_hemorrhage_wordings(coder, text, want, never):
    assert_codes(coder, text, want, never)


@pytest.mark.parametrize("text,want,never", [
    # an anemia of a deficiency other than iron, and a deficiency of the vitamin the sentence names
    ("ASSESSMENT: B12 deficiency anemia.\n", {"D51.9"}, {"D50.9"}),
    ("ASSESSMENT: Vitamin B12 deficiency anemia due to pernicious anemia.\n", {"D51.0"},
     {"D50.9", "E53.8", "E50.9", "E56.9", "D51.9"}),
    ("ASSESSMENT: Folate deficiency anemia.\n", {"D52.9"}, {"D50.9"}),
    ("ASSESSMENT: Iron deficiency anemia.\n", {"D50.9"}, {"D51.9"}),
    ("ASSESSMENT: Vitamin A deficiency.\n", {"E50.9"}, {"E56.8", "E56.9"}),
    ("ASSESSMENT: Vitamin deficiency.\n", {"E56.9"}, {"E56.8", "E50.9"}),
    ("ASSESSMENT: Vitamin K deficiency.\n", {"E56.1"}, {"E56.8", "E56.9"}),
    # inflammatory bowel disease by the part of the bowel the sentence names, its complication kept
    ("ASSESSMENT: Crohn disease of the small intestine without complications.\n", {"K50.00"}, {"K50.90", "K63.9"}),
    ("ASSESSMENT: Crohn's disease of the colon with rectal bleeding.\n", {"K50.111"}, {"K50.911", "K50.90"}),
    ("ASSESSMENT: Crohn's disease of the ileum with intestinal obstruction.\n", {"K50.012"}, {"K50.912", "K50.00"}),
    ("ASSESSMENT: Crohn's colitis.\n", {"K50.10"}, {"K50.90", "K52.9"}),
    ("ASSESSMENT: Crohn's disease.\n", {"K50.90"}, {"K50.00", "K50.10"}),
    ("ASSESSMENT: Ulcerative colitis, left sided, in remission.\n", {"K51.50"}, {"K51.90", "K52.9"}),
    ("ASSESSMENT: Ulcerative colitis limited to the rectum.\n", {"K51.20"}, {"K51.90"}),
    ("ASSESSMENT: Colitis.\n", {"K52.9"}, set()),
    # cirrhosis the sentence puts down to alcohol is alcoholic cirrhosis, its ascites in the code
    ("ASSESSMENT: Cirrhosis of the liver due to alcohol with ascites.\n", {"K70.31"}, {"K74.60", "R18.8", "K70.30"}),
    ("ASSESSMENT: Cirrhosis, likely NASH, no alcohol use.\n", {"K74.60"}, {"K70.30"}),
])
def test_deficiency_anemia_vitamin_bowel_disease_and_cirrhosis_wordings(coder, text, want, never):
    assert_codes(coder, text, want, never)


@pytest.mark.parametrize("text,want,never", [
    # lymph nodes of one named region are localized, not also the generalized 'lymphadenopathy NOS'
    ("ASSESSMENT: Lymphadenopathy, cervical.\n", {"R59.0"}, {"R59.1", "R59.9"}),
    # a cholecystitis with gallstones is the one combination code
    ("ASSESSMENT: Acute cholecystitis with cholelithiasis.\n", {"K80.00"}, {"K81.0", "K80.20"}),
    # 'cervical' of a cancer is the cervix uteri (a cervical lymph node is the neck's)
    ("ASSESSMENT: Cervical cancer.\n", {"C53.9"}, {"C80.1"}),
    ("ASSESSMENT: Screening for cervical cancer.\n", {"Z12.4"}, {"C53.9"}),
    ("ASSESSMENT: Cervical lymph node metastases.\n", {"C77.0"}, {"C53.9"}),
    # elevated liver enzymes, hypertransaminasemia: the transaminases (R74.01)
    ("ASSESSMENT: Elevated liver enzymes.\n", {"R74.01"}, set()),
    ("ASSESSMENT: Hypertransaminasemia.\n", {"R74.01"}, set()),
])
def test_lymph_node_gallbladder_cervix_and_liver_enzyme_wordings(coder, text, want, never):
    assert_codes(coder, text, want, never)


@pytest.mark.parametrize("text,want,never", [
    # a subdural, epidural or subarachnoid bleed the sentence puts down to an injury is traumatic (S06.-), its
    # loss of consciousness as the sentence says (status unknown when it says nothing)
    ("ASSESSMENT: Traumatic subdural hematoma.\n", {"S06.5XAA"}, {"I62.00"}),
    ("ASSESSMENT: Subdural hematoma after a fall from standing.\n", {"S06.5XAA", "W19.XXXA"}, {"I62.00"}),
    ("ASSESSMENT: Acute subdural hematoma, traumatic, no loss of consciousness.\n", {"S06.5X0A"}, {"I62.01", "S06.5XAA"}),
    ("ASSESSMENT: Subdural hematoma after fall with loss of consciousness.\n", {"S06.5X9A"}, {"S06.5XAA"}),
    ("ASSESSMENT: Chronic subdural hematoma.\n", {"I62.03"}, {"I62.00", "S06.5XAA"}),
    ("ASSESSMENT: Subarachnoid hemorrhage, nontraumatic.\n", {"I60.9"}, {"S06.6XAA"}),
    ("ASSESSMENT: Spinal epidural hematoma.\n", set(), {"S06.4XAA"}),
    # a history Z code written in its own words is the code's meaning, not a past condition held back
    ("ASSESSMENT:\n1. Personal history of nicotine dependence.\n2. Hypertension.\n", {"Z87.891", "I10"}, {"F17.200"}),
    ("PAST MEDICAL HISTORY: Hypertension. History of falls.\n", {"Z91.81"}, {"W19.XXXA"}),
    ("PAST MEDICAL HISTORY: Hypertension. No history of falls.\n", set(), {"Z91.81"}),
    # a diabetic's hypoglycemia from insulin: diabetes with hypoglycemia, the insulin's adverse effect beside it
    ("ASSESSMENT: Hypoglycemia due to insulin in a type 1 diabetic.\n", {"E10.649", "T38.3X5A"}, {"E16.0", "E10.9"}),
    ("ASSESSMENT: Type 2 diabetes with hypoglycemia due to glipizide.\n", {"E11.649", "T38.3X5A"}, {"E16.0", "E11.9"}),
    # statuses and encounter wordings of a problem list
    ("ASSESSMENT: Noncompliance with medication regimen.\n", {"Z91.148"}, set()),
    ("ASSESSMENT: Gastrostomy tube in place.\n", {"Z93.1"}, set()),
    ("ASSESSMENT: Status post cholecystectomy.\n", {"Z90.49"}, set()),
    ("ASSESSMENT: Hyperosmolar hyperglycemic state.\n", {"E11.00"}, set()),
    # a condition of the last admission told of as 'at that time' is not this visit's
    ("HPI: He is known to us from his last admission. At that time, he was admitted with difficulty voiding and "
     "constipation. He presents today with hematuria.\nASSESSMENT: Hematuria.\n", {"R31.9"}, {"K59.00"}),
])
def test_intracranial_bleed_history_status_and_past_admission_wordings(coder, text, want, never):
    assert_codes(coder, text, want, never)


@pytest.mark.parametrize("text,want,never", [
    ("ASSESSMENT: Pertussis.\n", {"A37.90"}, set()),
    ("ASSESSMENT: Tdap given today.\n", set(), {"A37.90"}),
    ("ASSESSMENT: QT prolongation.\n", {"R94.31"}, {"I45.81"}),
    # an endocarditis with its organism is infective (I33.0), not 'valve unspecified'
    ("ASSESSMENT: Endocarditis of the mitral valve due to Staphylococcus aureus.\n", {"I33.0", "B95.61"}, {"I38"}),
    # a chlamydial infection by its site (A56.-), never also an unspecified infectious disease
    ("ASSESSMENT: Chlamydia trachomatis infection of the cervix.\n", {"A56.09"}, {"A74.9", "B99.9"}),
    ("ASSESSMENT: Chlamydial urethritis.\n", {"A56.01"}, {"N34.2"}),
])
def test_pertussis_qt_endocarditis_and_chlamydia_wordings(coder, text, want, never):
    assert_codes(coder, text, want, never)


@pytest.mark.parametrize("text,want,never", [
    # a disc or a spondylosis with the radiculopathy or myelopathy the sentence names is one code (M54.1 Excludes1)
    ("ASSESSMENT: Lumbar disc herniation at L4-L5 with radiculopathy.\n", {"M51.16"}, {"M51.26", "M54.16"}),
    ("ASSESSMENT: Lumbar disc herniation.\n", {"M51.26"}, {"M51.16"}),
    ("ASSESSMENT: Cervical radiculopathy from a herniated disc at C5-C6.\n", {"M50.10"}, {"M50.20", "M54.12", "M51.9"}),
    ("ASSESSMENT: Lumbar spondylosis with radiculopathy.\n", {"M47.26"}, {"M54.16", "M47.9"}),
    ("ASSESSMENT: Cervical spondylosis with myelopathy.\n", {"M47.12"}, {"M47.9", "G95.9"}),
    ("ASSESSMENT: Cervical spondylosis.\n", {"M47.812"}, {"M47.9"}),
    ("ASSESSMENT: Lumbar radiculopathy.\n", {"M54.16"}, {"M51.16", "M47.26"}),
    ("ASSESSMENT: Psoriatic arthritis.\n", {"L40.50"}, {"M19.90", "M06.9"}),
    ("ASSESSMENT: Medial meniscal tear, right knee.\n", {"S83.241A"}, {"M25.561"}),
    ("ASSESSMENT: Post-concussion syndrome.\n", {"F07.81"}, {"S06.0XAA"}),
    ("ASSESSMENT: Sialadenitis.\n", {"K11.20"}, set()),
])
def test_spine_radiculopathy_arthritis_and_head_injury_wordings(coder, text, want, never):
    assert_codes(coder, text, want, never)


@pytest.mark.parametrize("text,want,never", [
    # a rheumatoid arthritis by serology, or by the joint and side the sentence names (Index: M06.8-)
    ("ASSESSMENT: Seropositive rheumatoid arthritis.\n", {"M05.9"}, {"M06.9"}),
    ("ASSESSMENT: Seronegative rheumatoid arthritis.\n", {"M06.00"}, {"M06.9"}),
    ("ASSESSMENT: Rheumatoid arthritis of the right knee.\n", {"M06.861"}, {"M06.9", "M25.561"}),
    ("ASSESSMENT: Rheumatoid arthritis of the left wrist.\n", {"M06.832"}, {"M06.9"}),
    ("ASSESSMENT: Rheumatoid arthritis.\n", {"M06.9"}, {"M05.9", "M06.00"}),
    # an osteomyelitis by acuity, bone and side
    ("ASSESSMENT: Osteomyelitis of the right foot, chronic.\n", {"M86.671"}, {"M86.9", "M86.68"}),
    ("ASSESSMENT: Acute osteomyelitis of the left tibia.\n", {"M86.162"}, {"M86.9"}),
    ("ASSESSMENT: Chronic osteomyelitis of the right femur.\n", {"M86.651"}, {"M86.68", "M86.9"}),
    ("ASSESSMENT: Chronic osteomyelitis.\n", {"M86.60"}, {"M86.68"}),
    # a rotator cuff tear given as a percentage of the tendon is partial; impingement syndrome is the shoulder's
    ("ASSESSMENT: Sixty-percent rotator cuff tear, joint side, left shoulder.\n", {"M75.112"}, {"M75.102", "M75.122"}),
    ("ASSESSMENT: Full-thickness rotator cuff tear of the right shoulder.\n", {"M75.121"}, {"M75.101"}),
    ("ASSESSMENT: Impingement syndrome.\n", {"M75.40"}, set()),
    ("ASSESSMENT: Femoroacetabular impingement of the right hip.\n", {"M25.851"}, {"M75.40", "M75.41"}),
    ("ASSESSMENT: Penile mass.\n", {"N48.89"}, {"N48.9"}),
])
def test_rheumatoid_arthritis_osteomyelitis_and_shoulder_wordings(coder, text, want, never):
    assert_codes(coder, text, want, never)


@pytest.mark.parametrize("text,want,never", [
    ("ASSESSMENT: Ectopic pregnancy, right tubal.\n", {"O00.101"}, {"O00.90", "O00.109"}),
    ("ASSESSMENT: Female infertility.\n", {"N97.9"}, {"N46.9"}),
    ("ASSESSMENT: Male infertility.\n", {"N46.9"}, {"N97.9"}),
    ("ASSESSMENT: Kidney stone, right ureter.\n", {"N20.1"}, {"N20.0", "N20.2"}),
    ("ASSESSMENT: Kidney stones.\n", {"N20.0"}, {"N20.1"}),
    ("ASSESSMENT: Abnormal Pap smear, ASCUS.\n", {"R87.610"}, {"R87.619"}),
    ("ASSESSMENT: Pap smear with HSIL.\n", {"R87.613"}, set()),
    ("ASSESSMENT: Anal Pap smear with HSIL.\n", set(), {"R87.613"}),
    ("ASSESSMENT: Premature rupture of membranes at 37 weeks.\n", {"O42.92"}, {"O42.90"}),
])
def test_obstetric_gynecologic_and_urologic_wordings(coder, text, want, never):
    assert_codes(coder, text, want, never)


@pytest.mark.parametrize("text,want,never", [
    # encounter reasons a problem list words plainly; the 'screening' of a screening code is its meaning, not a cue
    ("ASSESSMENT: Sports physical.\n", {"Z02.5"}, set()),
    ("ASSESSMENT: Pre-operative examination.\n", {"Z01.818"}, set()),
    ("ASSESSMENT: Medication refill.\n", {"Z76.0"}, set()),
    ("ASSESSMENT: Routine infant health check, 6 months.\n", {"Z00.129"}, set()),
    ("ASSESSMENT: Lipid screening.\n", {"Z13.220"}, {"E78.5"}),
    ("ASSESSMENT: Diabetes screening.\n", {"Z13.1"}, {"E11.9"}),
    ("ASSESSMENT: HIV screening.\n", {"Z11.4"}, {"B20", "Z21"}),
    ("ASSESSMENT: Aftercare following right hip replacement.\n", {"Z47.1"}, set()),
    # an illness whose treatment is completed is past
    ("ASSESSMENT: Follow-up after completed treatment for pneumonia.\n", {"Z87.01"}, {"J18.9"}),
    ("ASSESSMENT: She completed a 7-day course of antibiotics for cellulitis.\n", set(), {"L03.90"}),
    ("ASSESSMENT: Pneumonia, on antibiotics.\n", {"J18.9"}, set()),
    # a child's body mass index by percentile (Z68.5-), an adult's of 70 or more Z68.45; a syndrome's own fatigue
    ("ASSESSMENT: Obesity in a child, BMI 97th percentile.\n", {"E66.9", "Z68.54"}, {"Z68.45"}),
    ("ASSESSMENT: Overweight, BMI at the 90th percentile.\n", {"E66.3", "Z68.53"}, set()),
    ("ASSESSMENT: Obesity, BMI 75.\n", {"E66.9", "Z68.45"}, {"Z68.54"}),
    ("ASSESSMENT: Chronic fatigue syndrome.\n", {"G93.32"}, {"R53.83", "R53.82"}),
])
def test_encounter_screening_and_completed_treatment_wordings(coder, text, want, never):
    assert_codes(coder, text, want, never)


@pytest.mark.parametrize("text,want,never", [
    # hospital discharge diagnoses
    ("ASSESSMENT: NSTEMI, type 2, due to demand ischemia.\n", {"I21.A1"}, {"I21.4", "I24.89"}),
    ("ASSESSMENT: NSTEMI.\n", {"I21.4"}, {"I21.A1"}),
    ("ASSESSMENT: Anemia of chronic disease.\n", {"D63.8"}, {"D63.0"}),
    ("ASSESSMENT: Coagulopathy due to warfarin, INR supratherapeutic.\n", {"D68.32", "T45.515A"}, {"D68.9"}),
    ("ASSESSMENT: Alcohol withdrawal with delirium tremens.\n", {"F10.231"}, {"R41.0", "F10.939"}),
    ("ASSESSMENT: Opioid withdrawal.\n", {"F11.93"}, set()),
    ("ASSESSMENT: Catheter-associated urinary tract infection.\n", {"T83.511A", "N39.0"}, set()),
    ("ASSESSMENT: Clostridium difficile diarrhea, recurrent.\n", {"A04.71"}, {"R19.7"}),
    # the NPIAP's 'pressure injury' and 'deep tissue injury' are the tabular's pressure ulcer and deep tissue damage
    ("ASSESSMENT: Pressure injury of the left heel, stage 2.\n", {"L89.622"}, set()),
    ("ASSESSMENT: Deep tissue pressure injury of the right heel.\n", {"L89.616"}, {"L89.611"}),
    ("ASSESSMENT: Deep tissue injury of the sacrum.\n", {"L89.156"}, {"L89.896"}),
])
def test_hospital_discharge_and_pressure_injury_wordings(coder, text, want, never):
    assert_codes(coder, text, want, never)


@pytest.mark.parametrize("text,want,never", [
    # skin, eye and sinus wordings
    ("ASSESSMENT: Seborrheic keratosis.\n", {"L82.1"}, {"L57.0"}),
    ("ASSESSMENT: Actinic keratosis.\n", {"L57.0"}, {"L82.1"}),
    ("ASSESSMENT: Epidermoid cyst of the scalp.\n", {"L72.0"}, {"K09.8"}),
    ("ASSESSMENT: Macular degeneration, dry, both eyes.\n", {"H35.3130"}, {"H35.30", "H35.3190"}),
    ("ASSESSMENT: Macular degeneration, wet, left eye.\n", {"H35.3220"}, {"H35.30", "H35.3290"}),
    ("ASSESSMENT: Acute maxillary sinusitis.\n", {"J01.00"}, {"J32.0"}),
    ("ASSESSMENT: Acute on chronic maxillary sinusitis.\n", {"J01.00", "J32.0"}, set()),
    # a malignancy whose name holds no tumour word
    ("ASSESSMENT: Waldenstrom macroglobulinemia.\n", {"C88.00"}, set()),
    ("ASSESSMENT: Mycosis fungoides.\n", {"C84.00"}, set()),
    ("ASSESSMENT: Hodgkin's disease.\n", {"C81.90"}, set()),
])
def test_skin_eye_sinus_and_blood_cancer_wordings(coder, text, want, never):
    assert_codes(coder, text, want, never)


@pytest.mark.parametrize("text,want,never", [
    # HIV stated as the patient's ('a patient with HIV') is the disease; seropositive alone the status Z21
    ("ASSESSMENT: Syphilis in a patient with HIV, treated with penicillin.\n", {"B20", "A53.9"}, {"Z21"}),
    ("ASSESSMENT: HIV seropositive, no treatment.\n", {"Z21"}, {"B20"}),
    ("ASSESSMENT: Serology for HIV negative.\n", set(), {"B20", "Z21"}),
    # HIV as a problem of its own (a list item, 'well controlled', 'on ART') is the disease; a test list is not
    ("ASSESSMENT: HIV.\n", {"B20"}, {"Z21"}),
    ("PAST MEDICAL HISTORY:\n1. HIV.\n2. Hypertension.\n", {"B20", "I10"}, set()),
    ("PMH: HIV, well controlled on ART.\n", {"B20"}, set()),
    ("LABS: HIV, HBV, HCV: negative.\n", set(), {"B20", "Z21"}),
    ("ASSESSMENT: Rule out HIV.\n", set(), {"B20"}),
    # pain with a site, or not painful, is no R52
    ("ASSESSMENT: The abdomen was nonpainful.\n", set(), {"R52"}),
    ("ASSESSMENT: Pain and swelling in the index finger for two days.\n", set(), {"R52"}),
    ("ASSESSMENT: Generalized pain.\n", {"R52"}, set()),
    # an injury of the head or face said as 'trauma'; a respiratory arrest; machine-translation artefacts
    ("ASSESSMENT: A 44-year-old male was admitted for facial trauma.\n", {"S09.93XA"}, {"T14.90XA"}),
    ("ASSESSMENT: Respiratory arrest requiring intubation.\n", {"R09.2"}, {"I46.9"}),
    ("ASSESSMENT: Cardiopulmonary arrest normal.\n", set(), {"I46.9"}),
    ("ASSESSMENT: Seizures 4.34; Hb 9.7.\n", set(), {"R56.9"}),
    ("ASSESSMENT: Seizures.\n", {"R56.9"}, set()),
    # a visual field's depression is no depressive disorder; a learned code on the lexicon term of another code of its
    # category is that code ('Gait instability' R26.81, not also R26.89), both sides of a bilateral mention stay
    ("ASSESSMENT: Campimetry showed a generalized depression of left visual field sensitivity.\n", set(), {"F32.A"}),
    ("ASSESSMENT: Gait instability.\n", {"R26.81"}, {"R26.89"}),
    ("ASSESSMENT: Pain in both knees.\n", {"M25.561", "M25.562"}, {"M25.569"}),
])
def test_hiv_pain_trauma_and_translation_artefact_wordings(coder, text, want, never):
    assert_codes(coder, text, want, never)


@pytest.mark.parametrize("text,want,never", [
    # from CodiEsp dev's wrong suggestions
    ("ASSESSMENT: History of benign prostatic hyperplasia. Ureteral obstruction with hydronephrosis.\n", {"N40.0"}, {"N40.1"}),
    ("ASSESSMENT: BPH with nocturia.\n", {"N40.1", "R35.1"}, {"N40.0"}),  # (N40.1: use additional code for the symptoms)
    ("ASSESSMENT: Prostatism.\n", {"N40.1"}, {"N40.0"}),
    ("ASSESSMENT: BPH.\n", {"N40.0"}, {"N40.1"}),
    ("FINDINGS: The prostatic urethra reveals mild lateral lobe obstruction.\nIMPRESSION: Mild benign prostatic hyperplasia.\n",
     {"N40.1"}, {"N40.0"}),
    ("ASSESSMENT: A pelvic x-ray confirmed a lithiasis of five centimeters in the lesser pelvis.\n", set(), {"N20.0"}),
    ("ASSESSMENT: Infertility, female partner of 30 years.\n", set(), {"N97.9"}),
    ("ASSESSMENT: Epigastric colic pain lasting minutes.\n", {"R10.13"}, {"R10.83"}),
    ("ASSESSMENT: Colic in an infant.\n", {"R10.83"}, set()),
    ("ASSESSMENT: Slow waves after hyperventilation.\n", set(), {"R06.4"}),
    ("ASSESSMENT: Hypertensive cardiomyopathy.\n", {"I11.9"}, {"I42.9"}),
    ("ASSESSMENT: Bifascicular block with right bundle branch block and left bundle branch hemiblock.\n", {"I45.2"},
     {"I44.7", "I45.10", "I44.60"}),
    ("ASSESSMENT: Complete left bundle branch block.\n", {"I44.7"}, set()),
    ("ASSESSMENT: Bilateral vision loss.\n", {"H54.3"}, {"H54.7"}),
    ("ASSESSMENT: Respiratory distress in the postoperative period.\n", {"R06.03"}, {"R06.4"}),
    ("ASSESSMENT: A 44-year-old male was admitted for facial trauma.\n", {"S09.93XA"}, {"T14.90XA"}),
    ("ASSESSMENT: Flattening cough was 18 mm Hg in both eyes.\n", set(), {"R05.9"}),
    ("ASSESSMENT: The cause of death in this case was a hemopericardium.\n", {"I31.2"}, {"R99"}),
    ("ASSESSMENT: Death of unknown cause.\n", {"R99"}, set()),
    ("ASSESSMENT: Ureteral tumor with obstructive uropathy. History of benign prostatic hyperplasia.\n", {"N40.0"}, {"N40.1"}),
])
def test_wordings_from_codiesp_dev_wrong_suggestions(coder, text, want, never):
    assert_codes(coder, text, want, never)


@pytest.mark.parametrize("text,want,never", [
    # gliomas are malignant by the Index, placed by the neoplasm table's nervous-system sites; a site the table writes
    # "NEC" ("brain NEC") is matched without it; the brain is not the cerebrum (C71.0)
    ("ASSESSMENT: Glioblastoma multiforme.\n", {"C71.9"}, {"L51.9"}),
    ("ASSESSMENT: Glioblastoma of the right temporal lobe.\n", {"C71.2"}, set()),
    ("ASSESSMENT: Astrocytoma of the cerebellum.\n", {"C71.6"}, set()),
    ("ASSESSMENT: Astrocytoma of the spinal cord.\n", {"C72.0"}, set()),
    ("ASSESSMENT: Glioma of the optic nerve of the left eye.\n", {"C72.32"}, set()),
    ("ASSESSMENT: Brain cancer.\n", {"C71.9"}, {"C71.0"}),
    # everyday words and abbreviations the tabular list does not give
    ("ASSESSMENT: SIADH.\n", {"E22.2"}, set()),
    ("ASSESSMENT: WPW syndrome.\n", {"I45.6"}, set()),
    ("ASSESSMENT: Hyperopia of both eyes.\n", {"H52.03"}, set()),
    ("ASSESSMENT: Small bowel invagination on CT.\n", {"K56.1"}, set()),
    ("ASSESSMENT: Nocturnal micturition 4-5 times a night.\n", {"R35.1"}, set()),
    ("ASSESSMENT: Chronic NSAID use.\n", {"Z79.1"}, set()),
    ("ASSESSMENT: Lumbar canal stenosis.\n", {"M48.061"}, set()),
    ("ASSESSMENT: VAP.\n", {"J95.851"}, set()),
    ("ASSESSMENT: Salmonella enteritidis in the stool culture.\n", {"A02.9"}, set()),
    ("ASSESSMENT: Long-standing ileocolic Crohn's disease.\n", {"K50.80"}, {"K50.90"}),
    # an esotropia or exotropia of one eye is monocular, by its side
    ("ASSESSMENT: Esotropia of the right eye.\n", {"H50.011"}, {"H50.00"}),
    ("ASSESSMENT: Left exotropia.\n", {"H50.112"}, {"H50.10"}),
    ("ASSESSMENT: Alternating esotropia.\n", {"H50.05"}, {"H50.011", "H50.012"}),
])
def test_coma_scale_glioma_and_lexicon_gap_wordings(coder, text, want, never):
    assert_codes(coder, text, want, never)


@pytest.mark.parametrize("text,want", [
    ("ASSESSMENT: Head injury. In the emergency department he presented a Glasgow coma scale score of 15.\n", "R40.2412"),
    ("ASSESSMENT: Glasgow coma scale 8 at the scene.\n", "R40.2431"),
    ("ASSESSMENT: Traumatic brain injury with a Glasgow coma scale score of 11 on admission.\n", "R40.2423"),
    ("ASSESSMENT: Comatose, GCS 3/15.\n", "R40.2430"),
    ("ASSESSMENT: Head injury. After 24 hours his Glasgow score was 6.\n", "R40.2434"),
])
def test_the_glasgow_coma_scale_code_is_the_stated_score_and_time(coder, text, want):
    """A Glasgow coma scale code (R40.24-) is the one of the score the note states and of when it was taken (its 7th
    character): the learned tables know the scale's words, not the number (a score of 15 in the emergency department
    was R40.2421, a 9-12 score in the field). It heads the coma scale codes of the list, and no other is suggested;
    the scale's own word 'coma' is no coma (R40.20)."""
    res = code_document(document_from_text(text, source="gcs.txt"), coder=coder)
    scale = [c for c in res.codes if c.code.startswith("R40.24")]
    assert scale and scale[0].code == want, [(c.code, round(c.score, 3)) for c in scale]
    assert not [c.code for c in scale[1:] if c.suggested]
    if "omatose" not in text:
        assert not any(c.code == "R40.20" and c.suggested for c in res.codes)


@pytest.mark.parametrize("text,want,never", [
    # transplant status by organ, not for a transplant awaited, done now, a donor, or one the sentence says is rejected
    ("ASSESSMENT: Lung transplant recipient.\n", {"Z94.2"}, set()),
    ("ASSESSMENT: History of kidney transplant.\n", {"Z94.0"}, set()),
    ("ASSESSMENT: Status post liver transplant.\n", {"Z94.4"}, {"Z94.0"}),
    ("ASSESSMENT: Status post kidney transplant, on tacrolimus for his kidney transplant.\n", {"Z94.0", "Z79.621"}, set()),
    ("ASSESSMENT: Kidney transplant rejection.\n", {"T86.11"}, {"Z94.0"}),
    ("ASSESSMENT: Kidney transplant donor.\n", set(), {"Z94.0", "T86.11"}),
    ("ASSESSMENT: He is on the waiting list for a liver transplant.\n", set(), {"Z94.4", "Z94.0"}),
    ("ASSESSMENT: Admitted for living donor kidney transplant.\n", set(), {"Z94.0"}),
    # Index wordings and everyday names found coding CodiEsp dev with the train-only twin
    ("ASSESSMENT: Persistent Clostridium difficile diarrhea.\n", {"A04.72"}, {"R19.7"}),
    ("ASSESSMENT: Lumbar instability.\n", {"M53.2X6"}, set()),
    ("ASSESSMENT: Devic's disease.\n", {"G36.0"}, set()),
    ("ASSESSMENT: Transverse myelitis.\n", {"G37.3"}, {"G04.91"}),
    ("ASSESSMENT: Ventricular pre-excitation.\n", {"I45.6"}, set()),
    ("ASSESSMENT: Stenosis of the right pyeloureteral junction.\n", {"Q62.11"}, set()),
    ("ASSESSMENT: Bladder stone.\n", {"N21.0"}, {"N20.0"}),
    ("ASSESSMENT: Distributive shock.\n", {"R57.8"}, {"R57.9"}),
    ("ASSESSMENT: Cerebral toxoplasmosis.\n", {"B58.2"}, {"B58.9"}),
    # a hemorrhage 'not elsewhere classified' (R58) is no second code beside the hemorrhage a code names; a cerebellar
    # hemorrhage put down to an injury is traumatic
    ("ASSESSMENT: Cerebellar hemorrhage.\n", {"I61.4"}, {"R58"}),
    ("ASSESSMENT: Traumatic cerebellar hemorrhage after a fall.\n", {"S06.37AA"}, {"I61.4", "R58"}),
    # a vertebral osteomyelitis or discitis by the spine's region or level; a meningioma in the skull or the spine
    ("ASSESSMENT: Osteomyelitis of the L4 vertebral body.\n", {"M46.26"}, {"M46.20"}),
    ("ASSESSMENT: Vertebral osteomyelitis of the thoracic spine at T8.\n", {"M46.24"}, {"M46.20"}),
    ("ASSESSMENT: Discitis at L5-S1.\n", {"M46.47"}, {"M46.40", "M46.46"}),
    ("ASSESSMENT: Vertebral osteomyelitis.\n", {"M46.20"}, {"M86.9"}),
    ("ASSESSMENT: Vertebral compression fracture of L2.\n", {"M48.56XA"}, {"M48.50XA"}),
    ("ASSESSMENT: Osteomyelitis of the right tibia.\n", set(), {"M46.20"}),
    ("ASSESSMENT: Meningioma of the left frontal lobe.\n", {"D32.0"}, {"D32.9"}),
    ("ASSESSMENT: Spinal meningioma at T6.\n", {"D32.1"}, {"D32.9"}),
    ("ASSESSMENT: Cervical and lumbar post-laminectomy syndrome.\n", {"M96.1"}, set()),
    ("ASSESSMENT: Right pelvic kidney.\n", {"Q63.2"}, set()),
    ("ASSESSMENT: Psoas abscess.\n", {"K68.12"}, set()),
    # a thrombophilia named by its cause is that code alone
    ("ASSESSMENT: Thrombophilia due to prothrombin gene mutation.\n", {"D68.52"}, {"D68.59"}),
    ("ASSESSMENT: Thrombophilia due to factor V Leiden.\n", {"D68.51"}, {"D68.59"}),
    ("ASSESSMENT: Protein S deficiency.\n", {"D68.59"}, set()),
    # the hyponatremia of SIADH is part of it (E87.1 Excludes1 E22.2)
    ("ASSESSMENT: Hyponatremia due to SIADH.\n", {"E22.2"}, {"E87.1"}),
    ("ASSESSMENT: Hyponatremia.\n", {"E87.1"}, {"E22.2"}),
    # a sarcoma of an organ the neoplasm table's connective-tissue list does not name is of that organ; bone sarcomas
    # are of the bone (Index: Osteosarcoma - see Neoplasm, bone, malignant)
    ("ASSESSMENT: Primary leiomyosarcoma of the right lung.\n", {"C34.91"}, {"C80.1"}),
    ("ASSESSMENT: Leiomyosarcoma of the uterus.\n", {"C55"}, set()),
    ("ASSESSMENT: Osteosarcoma of the left femur.\n", {"C40.22"}, set()),
    ("ASSESSMENT: Ewing sarcoma of the right humerus.\n", {"C40.01"}, set()),
    ("ASSESSMENT: Soft tissue sarcoma.\n", {"C49.9"}, set()),
    ("ASSESSMENT: Kaposi sarcoma of the skin.\n", {"C46.0"}, set()),
])
def test_transplant_status_and_more_lexicon_gap_wordings(coder, text, want, never):
    assert_codes(coder, text, want, never)


@pytest.mark.parametrize("text,want,never", [
    # hypertensive CKD / heart disease (I11-I13) needs a hypertension the note names: ICD-10-CM presumes the link,
    # not the hypertension (a CKD alone is N18.-; it was I12.9 from the learned tables' 'Chronic kidney')
    ("ASSESSMENT: Chronic kidney disease stage 4.\n", {"N18.4"}, {"I12.9", "I12.0", "I13.0", "I10"}),
    ("ASSESSMENT: End-stage renal disease on hemodialysis.\n", {"N18.6", "Z99.2"}, {"I12.0", "I13.2"}),
    ("ASSESSMENT: Hypertension. Chronic kidney disease stage 3b.\n", {"I12.9", "N18.32"}, {"I10"}),
    # a ruptured cerebral aneurysm is the subarachnoid hemorrhage it causes (I60.7 and its arteries), not an aneurysm
    # of unspecified site (I72.9); an unruptured one I67.1
    ("ASSESSMENT: Subarachnoid hemorrhage from ruptured aneurysm.\n", {"I60.7"}, {"I72.9", "I60.9", "I67.1"}),
    ("ASSESSMENT: Aneurysmal subarachnoid hemorrhage.\n", {"I60.7"}, {"I60.9"}),
    ("ASSESSMENT: Ruptured anterior communicating artery aneurysm.\n", {"I60.2"}, {"I72.9", "I67.1"}),
    ("ASSESSMENT: Unruptured cerebral aneurysm.\n", {"I67.1"}, {"I60.7", "I72.9"}),
    # bipolar disorder by its current episode and severity; the episode's 'unspecified' code is no more specific
    # than the severity the note gives (F31.10 had replaced F31.13: both say 'without psychotic features')
    ("ASSESSMENT: Bipolar I disorder, current episode manic, severe.\n", {"F31.13"}, {"F31.10", "F31.9", "F30.9"}),
    ("ASSESSMENT: Bipolar disorder, current episode manic.\n", {"F31.10"}, {"F31.13", "F31.9"}),
    ("ASSESSMENT: Bipolar disorder, current episode depressed, moderate.\n", {"F31.32"}, {"F31.9", "F31.30"}),
    ("ASSESSMENT: Bipolar I disorder, current episode depressed, severe, with psychotic features.\n", {"F31.5"},
     {"F31.4", "F31.9"}),
    ("ASSESSMENT: Bipolar II disorder.\n", {"F31.81"}, {"F31.9"}),
])
def test_hypertensive_ckd_ruptured_aneurysm_and_bipolar_episode_wordings(coder, text, want, never):
    assert_codes(coder, text, want, never)


@pytest.mark.parametrize("text,want,never", [
    # a hernia 'without obstruction' (or reducible, not incarcerated) is no hernia with obstruction: K40.30 was
    # suggested for "Inguinal hernia, right, without obstruction" (the rule read 'obstruction' alone)
    ("ASSESSMENT: Inguinal hernia, right, without obstruction.\n", {"K40.90"}, {"K40.30"}),
    ("ASSESSMENT: Incarcerated right inguinal hernia.\n", {"K40.30"}, {"K40.90"}),
    ("ASSESSMENT: Umbilical hernia, no incarceration.\n", {"K42.9"}, {"K42.0"}),
    ("ASSESSMENT: Reducible umbilical hernia.\n", {"K42.9"}, {"K42.0"}),
    ("ASSESSMENT: Nonincarcerated ventral hernia.\n", {"K43.9"}, {"K43.6"}),
    ("ASSESSMENT: Irreducible umbilical hernia.\n", {"K42.0"}, {"K42.9"}),
    # a peptic ulcer the sentence places is that site's code, not also a peptic ulcer of unspecified site (K27)
    ("ASSESSMENT: Peptic ulcer of the duodenum with bleeding.\n", {"K26.4"}, {"K27.4", "K27.9"}),
    ("ASSESSMENT: Bleeding gastric peptic ulcer.\n", {"K25.4"}, {"K27.4"}),
    ("ASSESSMENT: Peptic ulcer disease.\n", {"K27.9"}, set()),
    # varicose veins with an ulcer or inflammation are not 'asymptomatic varicose veins' (I83.9-): by side and the
    # ulcer's site, with its L97 code; a stasis dermatitis or venous stasis of their sentence is part of them
    ("ASSESSMENT: Varicose veins of the right leg with ulcer of the calf.\n", {"I83.012", "L97.219"},
     {"I83.91", "I83.019", "I83.90"}),
    ("ASSESSMENT: Varicose veins of the left leg with inflammation.\n", {"I83.12"}, {"I83.92"}),
    ("ASSESSMENT: Varicose veins with ulcer of the right ankle and stasis dermatitis.\n", {"I83.213", "L97.319"},
     {"I83.013", "I83.219", "I87.2", "L30.9", "I83.91"}),
    ("ASSESSMENT: Venous stasis ulcer of the left ankle with varicose veins.\n", {"I83.023", "L97.329"},
     {"I87.2", "I87.8", "I83.92"}),
    ("ASSESSMENT: Varicose veins, no ulcer.\n", {"I83.90"}, {"I83.009"}),
])
def test_hernia_obstruction_peptic_ulcer_site_and_varicose_veins_with_ulcer(coder, text, want, never):
    assert_codes(coder, text, want, never)


@pytest.mark.parametrize("text,want,never", [
    # a preterm (or false, threatened) labor is no delivery: its 'unspecified trimester' code takes the trimester of
    # the weeks, and the weeks a preterm labor is 'at' are the pregnancy's (O60.00 alone before)
    ("ASSESSMENT: Preterm labor at 33 weeks.\n", {"O60.03", "Z3A.33"}, {"O60.00"}),
    ("ASSESSMENT: Preterm labor at 25 weeks gestation.\n", {"O60.02", "Z3A.25"}, {"O60.00"}),
    ("ASSESSMENT: Preterm premature rupture of membranes at 30 weeks.\n", {"Z3A.30"}, set()),
    ("ASSESSMENT: Born at 33 weeks, now 2 months old.\n", set(), {"Z3A.33"}),
])
def test_a_preterm_labor_is_no_delivery_and_its_weeks_give_the_trimester(coder, text, want, never):
    assert_codes(coder, text, want, never)


@pytest.mark.parametrize("text,want,never", [
    # a leukemia, myeloma or lymphoma the note says is in remission or relapsed has that code (C92.00 'not having
    # achieved remission' was suggested for "Acute myeloid leukemia in remission"), only for its own kind
    ("ASSESSMENT: Acute myeloid leukemia in remission.\n", {"C92.01"}, {"C92.00", "C92.11"}),
    ("ASSESSMENT: Relapsed acute myeloid leukemia.\n", {"C92.02"}, {"C92.00", "C92.12"}),
    ("ASSESSMENT: Multiple myeloma in remission.\n", {"C90.01"}, {"C90.00"}),
    ("ASSESSMENT: Chronic myeloid leukemia in complete remission.\n", {"C92.11"}, {"C92.10", "C92.01"}),
    ("ASSESSMENT: Multiple myeloma not in remission.\n", {"C90.00"}, {"C90.01"}),
    # the wall of a STEMI, a neoplasm-related pain, a renovascular (secondary) hypertension without I10
    ("ASSESSMENT: STEMI of the inferior wall.\n", {"I21.19"}, {"I21.3"}),
    ("ASSESSMENT: Anterior wall myocardial infarction.\n", {"I21.09"}, {"I21.3"}),
    ("ASSESSMENT: Cancer-related pain.\n", {"G89.3"}, {"R52"}),
    ("ASSESSMENT: Renovascular hypertension.\n", {"I15.0"}, {"I10"}),
    ("ASSESSMENT: Secondary hypertension due to renal artery stenosis.\n", {"I15.0", "I70.1"}, {"I10", "I15.9"}),
])
def test_leukemia_remission_stemi_wall_cancer_pain_and_renovascular_hypertension(coder, text, want, never):
    assert_codes(coder, text, want, never)


@pytest.mark.parametrize("text,want,never", [
    # a drug's toxicity: an adverse effect of the drug properly taken when the sentence states no overdose, wrong use
    # or intent ("Digoxin toxicity" gave nothing), a poisoning in the intent's column when it does; lithium is the
    # medicine's row (T43.59-), not the metal's (T56.89-)
    ("ASSESSMENT: Digoxin toxicity.\n", {"T46.0X5A"}, {"T46.0X1A"}),
    ("ASSESSMENT: Lithium toxicity, accidental.\n", {"T43.591A"}, {"T43.595A", "T56.891A"}),
    ("ASSESSMENT: Acute kidney injury due to lithium toxicity.\n", {"N17.9", "T43.595A"}, {"T56.891A"}),
    ("ASSESSMENT: Intentional overdose with lithium toxicity.\n", {"T43.592A"}, {"T56.892A", "T43.595A"}),
    ("ASSESSMENT: Toxicity from lithium after intentional overdose.\n", {"T43.592A"}, {"T43.595A"}),
    ("ASSESSMENT: No digoxin toxicity.\n", set(), {"T46.0X5A", "T46.0X1A"}),
    ("ASSESSMENT: Iron deficiency anemia due to blood loss.\n", {"D50.0"}, {"T45.4X5A"}),
    # a tick's or an insect's bite is a superficial insect bite of the site, not an animal's open bite
    ("ASSESSMENT: Tick bite of right thigh.\n", {"S70.361A", "W57.XXXA"}, {"S71.151A"}),
    ("ASSESSMENT: Dog bite of right thigh.\n", {"S71.151A", "W54.0XXA"}, {"S70.361A"}),
    # chronic deep vein thrombosis, postmastectomy lymphedema, superficial thrombophlebitis by side
    ("ASSESSMENT: Chronic DVT of right lower extremity on anticoagulation.\n", {"I82.501"}, {"I82.401", "I82.409"}),
    ("ASSESSMENT: Chronic deep vein thrombosis of the left femoral vein.\n", {"I82.512"}, {"I82.412"}),
    ("ASSESSMENT: Acute on chronic DVT of the right leg.\n", {"I82.401"}, {"I82.501"}),
    ("ASSESSMENT: Lymphedema of left arm after mastectomy.\n", {"I97.2"}, {"I89.0"}),
    ("ASSESSMENT: Superficial thrombophlebitis of left leg.\n", {"I80.02"}, {"I80.9"}),
    # injuries by what the line says: several ribs, the direction of a dislocation, everyday words
    ("ASSESSMENT: Rib fractures, left, multiple.\n", {"S22.42XA"}, {"S22.32XA"}),
    ("ASSESSMENT: Fracture of one rib on the left.\n", {"S22.32XA"}, {"S22.42XA"}),
    ("ASSESSMENT: Dislocation of left shoulder, anterior.\n", {"S43.015A"}, {"S43.005A"}),
    ("ASSESSMENT: Strain of left hamstring.\n", {"S76.312A"}, set()),
    ("ASSESSMENT: Rotator cuff strain, right shoulder.\n", {"S46.011A"}, set()),
    ("ASSESSMENT: Achilles tendon rupture, right.\n", {"S86.011A"}, set()),
    ("ASSESSMENT: Nasal fracture, closed.\n", {"S02.2XXA"}, {"S02.5XXA"}),
    ("ASSESSMENT: Frostbite of toes of left foot.\n", {"T33.832A"}, {"T33.90XA"}),
    ("ASSESSMENT: Near drowning.\n", {"T75.1XXA"}, set()),
    # a pressure injury of the coccyx is one of the sacral region, and its stage the sentence's
    ("ASSESSMENT: Deep tissue pressure injury of the coccyx.\n", {"L89.156"}, {"L89.896", "L89.96", "L89.159"}),
    ("ASSESSMENT: Stage 2 pressure ulcer of coccyx.\n", {"L89.152"}, {"L89.892"}),
    # the newborn: breast milk jaundice, the liveborn status, a preterm newborn by completed weeks
    ("ASSESSMENT: Neonatal jaundice due to breastfeeding.\n", {"P59.3"}, {"P59.9"}),
    ("ASSESSMENT: Term newborn, delivered vaginally.\n", {"Z38.00"}, set()),
    ("ASSESSMENT: Premature infant born at 32 weeks.\n", {"P07.35"}, {"P07.30"}),
    ("ASSESSMENT: Preterm newborn, 26 weeks.\n", {"P07.25"}, {"P07.30"}),
    # the eye: a dry macular degeneration is no dry eye; a stye on the eyelid the line names
    ("ASSESSMENT: Age related macular degeneration, dry, right eye.\n", {"H35.3110"}, {"H04.121", "H04.129"}),
    ("ASSESSMENT: Stye of right upper eyelid.\n", {"H00.011"}, set()),
    ("ASSESSMENT: Right upper eyelid stye.\n", {"H00.011"}, set()),
])
def test_drug_toxicity_insect_bites_chronic_dvt_injuries_and_newborn_wordings(coder, text, want, never):
    assert_codes(coder, text, want, never)


@pytest.mark.parametrize("text,want,never", [
    # gallstones with the obstruction the sentence states ('with obstruction' codes), not when it says none
    ("ASSESSMENT: Choledocholithiasis with obstruction.\n", {"K80.51"}, {"K80.50"}),
    ("ASSESSMENT: Cholelithiasis without obstruction.\n", {"K80.20"}, {"K80.21"}),
    # acute appendicitis with a perforation (and an abscess), diverticulitis with an abscess
    ("ASSESSMENT: Acute appendicitis with perforation and peritonitis.\n", {"K35.32"}, {"K35.80"}),
    ("ASSESSMENT: Ruptured appendicitis with abscess.\n", {"K35.33"}, {"K35.32"}),
    ("ASSESSMENT: Acute appendicitis without perforation.\n", {"K35.80"}, {"K35.32"}),
    ("ASSESSMENT: Perforated appendicitis with generalized peritonitis.\n", {"K35.201"}, {"K35.32", "K35.80"}),
    ("ASSESSMENT: Diverticulitis of sigmoid colon with abscess.\n", {"K57.20"}, {"K57.32", "K57.80"}),
    ("ASSESSMENT: Diverticulitis without abscess or perforation.\n", {"K57.92"}, {"K57.80"}),
    # the liver: NASH; a cirrhosis is alcoholic only when its sentence names the alcohol; varices in cirrhosis
    ("ASSESSMENT: NASH with fibrosis.\n", {"K75.81"}, set()),
    ("ASSESSMENT: Cirrhosis of liver with ascites due to hepatitis C.\n", {"K74.60"}, {"K70.31", "K70.30"}),
    ("ASSESSMENT: Alcoholic cirrhosis with ascites.\n", {"K70.31"}, {"K74.60"}),
    ("ASSESSMENT: Esophageal varices without bleeding in cirrhosis.\n", {"I85.10"}, {"I85.00"}),
    ("ASSESSMENT: Esophageal varices. Portal hypertension data was good.\n", {"I85.00"}, {"I85.10"}),
    # diabetic gastroparesis (the 'with' convention), and H. pylori as the cause of a gastritis or ulcer
    ("ASSESSMENT: Gastroparesis due to type 1 diabetes.\n", {"E10.43", "K31.84"}, {"E10.9"}),
    ("ASSESSMENT:\n1. Diabetes type 2.\n2. Gastroparesis.\n", {"E11.43", "K31.84"}, {"E11.9"}),
    ("ASSESSMENT: Helicobacter pylori gastritis.\n", {"K29.70", "B96.81"}, set()),
    ("ASSESSMENT: Gastritis. H. pylori negative.\n", set(), {"B96.81"}),
    # the organism an infection's notes ask for (B95-B97; a bacteremia's too), named in that infection's sentence
    ("ASSESSMENT: MRSA bacteremia.\n", {"R78.81", "B95.62"}, set()),
    ("ASSESSMENT: MRSA cellulitis of the left leg.\n", {"L03.116", "B95.62"}, {"B95.61"}),
    ("ASSESSMENT: Osteomyelitis of the right foot due to MRSA.\n", {"M86.9", "B95.62"}, set()),
    ("ASSESSMENT: Group B strep bacteremia.\n", {"R78.81", "B95.1"}, set()),
    ("ASSESSMENT: Urinary tract infection. MRSA nasal colonization.\n", {"N39.0"}, {"B95.62"}),
    ("ASSESSMENT: Cellulitis of the left leg. MRSA screen negative.\n", {"L03.116"}, {"B95.62"}),
    # (the 'negative' of the next item reaches the site words of the mention, not its condition)
    ("ASSESSMENT: Cellulitis of the left leg, MRSA negative.\n", {"L03.116"}, {"B95.62"}),
    ("ASSESSMENT: Cellulitis of the left leg; cover for MRSA with vancomycin.\n", {"L03.116"}, {"B95.62"}),
    ("The result of the sickle cell disease test was also negative.\n", set(), {"D57.1"}),
    ("ASSESSMENT: MRSA pneumonia.\n", {"J15.212"}, {"B95.62"}),  # the code names the organism
])
def test_gallstone_obstruction_perforated_appendicitis_liver_and_gastroparesis_wordings(coder, text, want, never):
    assert_codes(coder, text, want, never)


@pytest.mark.parametrize("text,want,never", [
    # a subsequent MI within four weeks (I22), a pulmonary embolism with acute cor pulmonale, a chronic one
    ("ASSESSMENT: NSTEMI, subsequent episode within 4 weeks.\n", {"I22.2"}, {"I21.4"}),
    ("ASSESSMENT: Recurrent inferior wall STEMI within 4 weeks of prior MI.\n", {"I22.1"}, {"I21.19"}),
    ("ASSESSMENT: History of NSTEMI.\n", set(), {"I22.2"}),
    ("ASSESSMENT: Pulmonary embolism with acute cor pulmonale.\n", {"I26.09"}, {"I26.99"}),
    ("ASSESSMENT: Saddle pulmonary embolus with right heart strain.\n", {"I26.02"}, {"I26.92"}),
    ("ASSESSMENT: Chronic pulmonary embolism.\n", {"I27.82"}, {"I26.99"}),
    # a respiratory failure with both hypoxia and hypercapnia has both codes; a respiratory failure is no kidney's
    ("ASSESSMENT: Acute respiratory failure with hypoxia and hypercapnia.\n", {"J96.01", "J96.02"}, set()),
    ("ASSESSMENT: Acute on chronic respiratory failure with hypercapnia and hypoxemia.\n", {"J96.21", "J96.22"},
     {"J96.91", "N17.9"}),
    ("ASSESSMENT: Acute respiratory failure with hypoxia.\n", {"J96.01"}, {"J96.02"}),
    # a pneumonia by the organism the sentence names (its B95-B96 code is part of it), not a negative culture's
    ("ASSESSMENT: Pneumonia due to MRSA.\n", {"J15.212"}, {"J18.9", "B95.62"}),
    ("ASSESSMENT: Klebsiella pneumonia.\n", {"J15.0"}, {"J18.9"}),
    ("ASSESSMENT: Pneumonia due to Pseudomonas.\n", {"J15.1"}, {"B96.5"}),
    ("ASSESSMENT: Pneumonia, sputum culture negative for MRSA.\n", {"J18.9"}, {"J15.212"}),
    ("ASSESSMENT: Sepsis due to E. coli urinary tract infection.\n", {"A41.51", "N39.0", "B96.20"}, set()),
    # migraine with status migrainosus; thyrotoxic crisis; Hashimoto hypothyroidism; Alzheimer behavioral disturbance
    ("ASSESSMENT: Migraine without aura, not intractable, with status migrainosus.\n", {"G43.001"}, {"G43.009"}),
    ("ASSESSMENT: Graves disease with thyrotoxic crisis.\n", {"E05.01"}, {"E05.00", "E05.91"}),
    ("ASSESSMENT: Thyroid storm.\n", {"E05.91"}, set()),
    ("ASSESSMENT: Hypothyroidism due to Hashimoto thyroiditis.\n", {"E06.3"}, {"E03.9"}),
    ("ASSESSMENT: Alzheimer disease, late onset, with behavioral disturbance.\n", {"G30.1", "F02.818"}, set()),
    # a code of one side whose mention the note gives the other side (the learned tables' right MCA)
    ("ASSESSMENT: Acute ischemic stroke of left middle cerebral artery with right hemiparesis.\n", {"I63.512", "G81.91"},
     {"I63.511"}),
])
def test_subsequent_mi_embolism_respiratory_failure_pneumonia_organism_and_side_wordings(coder, text, want, never):
    assert_codes(coder, text, want, never)


@pytest.mark.parametrize("text,want,never", [
    # a cancer spread 'to' a site named after the primary's own 'of the lung': the primary and the secondary
    ("ASSESSMENT: Metastatic adenocarcinoma of the lung to the brain.\n", {"C34.90", "C79.31"}, {"C71.9"}),
    ("ASSESSMENT: Metastatic adenocarcinoma of the lung to the liver.\n", {"C34.90", "C78.7"}, {"C22.9"}),
    ("ASSESSMENT: Lung cancer with metastases to the brain and liver.\n", {"C34.90", "C79.31", "C78.7"}, {"C71.9"}),
    ("ASSESSMENT: Breast cancer. No metastases to the brain.\n", {"C50.919"}, {"C79.31"}),
    # a triple negative breast cancer is the combined receptor status, not ER negative alone
    ("ASSESSMENT: Triple negative breast cancer of the left breast.\n", {"C50.912", "Z17.421"}, {"Z17.1"}),
    ("ASSESSMENT: Breast cancer of left breast, ER negative.\n", {"C50.912", "Z17.1"}, {"Z17.421"}),
    # hematology, rheumatology, infections
    ("ASSESSMENT: Immune thrombocytopenic purpura.\n", {"D69.3"}, {"D69.2", "D69.6"}),
    ("ASSESSMENT: Systemic lupus erythematosus with nephritis.\n", {"M32.14"}, {"M32.9"}),
    ("ASSESSMENT: Long COVID.\n", {"U09.9"}, {"U07.1"}),
    ("ASSESSMENT: Norovirus gastroenteritis.\n", {"A08.11"}, {"K52.9"}),
    # substance use: withdrawal delirium, heroin, stimulants and sedatives by severity
    ("ASSESSMENT: Alcohol withdrawal with delirium.\n", {"F10.231"}, {"F10.939", "R41.0"}),
    ("ASSESSMENT: Opioid overdose, accidental, heroin.\n", {"T40.1X1A"}, {"T40.2X1A"}),
    ("ASSESSMENT: Accidental overdose of heroin and oxycodone.\n", {"T40.1X1A", "T40.2X1A"}, set()),
    ("ASSESSMENT: Methamphetamine use disorder, moderate.\n", {"F15.20"}, set()),
    ("ASSESSMENT: Mild stimulant use disorder.\n", {"F15.10"}, {"F15.20"}),
    ("ASSESSMENT: Benzodiazepine dependence.\n", {"F13.20"}, set()),
    ("ASSESSMENT: Panic disorder with agoraphobia.\n", {"F40.01"}, {"F41.0"}),
    # a sepsis 'with' an acute organ dysfunction is severe sepsis; one the sentence does not link is not
    ("ASSESSMENT: Sepsis due to E. coli with acute kidney injury.\n", {"A41.51", "R65.20", "N17.9"}, set()),
    ("ASSESSMENT: Sepsis with septic shock and acute kidney injury.\n", {"A41.9", "R65.21", "N17.9"}, {"R65.20"}),
    ("ASSESSMENT: Sepsis, acute kidney injury due to dehydration.\n", {"A41.9", "N17.9"}, {"R65.20"}),
    # a cellulitis with an abscess: both, the abscess by site and side
    ("ASSESSMENT: Cellulitis of right lower leg with abscess.\n", {"L03.115", "L02.415"}, {"L02.91"}),
    ("ASSESSMENT: Cellulitis and abscess of left thigh.\n", {"L03.116", "L02.416"}, set()),
    ("ASSESSMENT: Cellulitis of left arm.\n", {"L03.114"}, {"L02.414", "L02.91"}),
])
def test_metastasis_site_receptor_status_substance_use_severe_sepsis_and_abscess_wordings(coder, text, want, never):
    assert_codes(coder, text, want, never)


@pytest.mark.parametrize("text,want,never", [
    # a ketoacidosis 'without coma' is no coma (E1x.10); 'with coma' E1x.11; the type the line names
    ("ASSESSMENT: Type 1 diabetes with diabetic ketoacidosis without coma.\n", {"E10.10"}, {"E10.9", "E10.11"}),
    ("ASSESSMENT: Type 2 diabetes with ketoacidosis without coma.\n", {"E11.10"}, {"E11.9"}),
    ("ASSESSMENT: Type 1 diabetes with ketoacidosis with coma.\n", {"E10.11"}, {"E10.10"}),
    ("ASSESSMENT: Diabetic ketoacidosis, type 1.\n", {"E10.10"}, {"E11.10"}),
    ("ASSESSMENT: DKA.\n", {"E11.10"}, set()),
    # premature ventricular contractions, an ICD in place, Paget disease of bone, polycystic kidneys
    ("ASSESSMENT: Premature ventricular contractions.\n", {"I49.3"}, {"I49.49"}),
    ("ASSESSMENT: Implantable cardioverter-defibrillator in place.\n", {"Z95.810"}, set()),
    ("ASSESSMENT: Paget disease of bone.\n", {"M88.9"}, set()),
    ("ASSESSMENT: Polycystic kidney disease.\n", {"Q61.3"}, {"N28.9"}),
    # a preoperative examination is cardiovascular only when the heart is named; a follow-up after treatment
    ("ASSESSMENT: Preoperative examination.\n", {"Z01.818"}, {"Z01.810"}),
    ("ASSESSMENT: Preoperative cardiac clearance.\n", {"Z01.810"}, set()),
    ("ASSESSMENT: Follow-up after completed treatment for pneumonia.\n", {"Z09", "Z87.01"}, {"J18.9"}),
    ("ASSESSMENT: Follow-up after completed treatment for breast cancer, no recurrence.\n", {"Z08", "Z85.3"},
     {"C50.919", "Z09"}),
])
def test_ketoacidosis_coma_arrhythmia_device_status_preoperative_and_follow_up_wordings(coder, text, want, never):
    assert_codes(coder, text, want, never)


@pytest.mark.parametrize("text,want,never", [
    # a pregnancy's own condition 'at' its weeks gives the trimester and Z3A
    ("ASSESSMENT: Gestational hypertension, 32 weeks.\n", {"O13.3", "Z3A.32"}, {"O13.9"}),
    ("ASSESSMENT: Breech presentation at 37 weeks.\n", {"O32.1XX0", "Z3A.37"}, set()),
    ("ASSESSMENT: Cervical insufficiency, second trimester.\n", {"O34.32"}, set()),
    # pre-eclampsia by severity
    ("ASSESSMENT: Preeclampsia, severe, third trimester.\n", {"O14.13"}, {"O14.93"}),
    ("ASSESSMENT: Preeclampsia without severe features.\n", {"O14.00"}, {"O14.90", "O14.10"}),
    ("ASSESSMENT: Preeclampsia with HELLP syndrome.\n", {"O14.20"}, {"O14.90"}),
    # an intracerebral hemorrhage, by site; traumatic is S06.36-
    ("ASSESSMENT: Intracerebral hemorrhage.\n", {"I61.9"}, set()),
    ("ASSESSMENT: Intracerebral hemorrhage, left basal ganglia.\n", {"I61.0"}, {"I61.9"}),
    ("ASSESSMENT: Traumatic intracerebral hemorrhage after fall.\n", {"S06.36AA"}, {"I61.9"}),
    # a compression fracture is a collapsed vertebra by region; osteoporotic M80.08; no osteoporosis from 'L1'
    ("ASSESSMENT: Compression fracture of L1.\n", {"M48.56XA"}, {"M81.0"}),
    ("ASSESSMENT: Osteoporotic compression fracture of L1.\n", {"M80.08XA"}, {"M48.56XA", "M81.0"}),
    # pediatrics
    ("ASSESSMENT: Kawasaki disease.\n", {"M30.3"}, set()),
    ("ASSESSMENT: Diaper rash.\n", {"L22"}, {"R21"}),
])
def test_pregnancy_weeks_preeclampsia_intracerebral_hemorrhage_compression_fracture_wordings(coder, text, want, never):
    assert_codes(coder, text, want, never)


@pytest.mark.parametrize("text,want,never", [
    # the Index's code for a bare problem name, not a learned guess at more than its words say
    ("ASSESSMENT: Myocardial infarction.\n", {"I21.9"}, {"I25.2", "I21.3"}),
    ("ASSESSMENT: Old MI.\n", {"I25.2"}, {"I21.9"}),
    ("ASSESSMENT: Acute STEMI.\n", {"I21.3"}, set()),
    ("ASSESSMENT: Leukemia.\n", {"C95.90"}, {"C91.10", "C94.80"}),
    ("ASSESSMENT: Chronic lymphocytic leukemia.\n", {"C91.10"}, set()),
    ("ASSESSMENT: Hearing loss.\n", {"H91.90"}, {"H90.5"}),
    ("ASSESSMENT: Hyperparathyroidism.\n", {"E21.3"}, {"N25.81"}),
    ("ASSESSMENT:\n1. Hyperparathyroidism.\n2. End-stage renal disease on hemodialysis.\n", {"N25.81", "N18.6", "Z99.2"},
     set()),
    ("ASSESSMENT: Candidiasis.\n", {"B37.9"}, {"B37.0"}),
    ("ASSESSMENT: Oral thrush.\n", {"B37.0"}, set()),
    ("ASSESSMENT: Attention deficit hyperactivity disorder.\n", {"F90.9"}, {"F90.8"}),
    ("ASSESSMENT: Pressure ulcer.\n", {"L89.90"}, {"L89.899"}),
    ("ASSESSMENT: Ganglion cyst.\n", {"M67.40"}, {"M67.48"}),
    ("ASSESSMENT: Calcified granuloma in the right upper lobe.\n", set(), {"L92.9"}),
    ("ASSESSMENT: Wrist mass of tenosynovitis rather than a true ganglion cyst.\n", set(), {"M67.40", "M67.439"}),
    ("ASSESSMENT: Septic arthritis.\n", {"M00.9"}, {"R65.21"}),
    ("ASSESSMENT: Incontinence of feces.\n", {"R15.9"}, {"R32"}),
    ("ASSESSMENT: Celiac sprue.\n", {"K90.0"}, {"K90.1"}),
    ("ASSESSMENT: Aortic aneurysm.\n", {"I71.9"}, {"I72.9"}),
    ("ASSESSMENT: Coronary artery spasm.\n", {"I20.1"}, {"I73.9"}),
    ("ASSESSMENT: Tricuspid regurgitation.\n", {"I07.1"}, set()),
    # everyday names of conditions the tabular words otherwise ('Syncope and collapse', 'Adult osteomalacia')
    ("ASSESSMENT: Gallstones.\n", {"K80.20"}, set()),
    ("ASSESSMENT: Adrenal insufficiency.\n", {"E27.40"}, set()),
    ("ASSESSMENT: Primary adrenal insufficiency.\n", {"E27.1"}, {"E27.40"}),
    ("ASSESSMENT: Osteomalacia.\n", {"M83.9"}, set()),
    ("ASSESSMENT: Itching.\n", {"L29.9"}, set()),
    ("ASSESSMENT: Yeast infection.\n", {"B37.9"}, set()),
    ("ASSESSMENT: Acromegaly.\n", {"E22.0"}, set()),
    ("ASSESSMENT: Complex regional pain syndrome.\n", {"G90.50"}, {"R52"}),
    ("ASSESSMENT: Hiccups.\n", {"R06.6"}, set()),
    ("ASSESSMENT: Urinary frequency.\n", {"R35.0"}, set()),
    ("ASSESSMENT: Hyperbilirubinemia.\n", {"E80.7"}, {"E80.4"}),
    ("ASSESSMENT: Gilbert syndrome.\n", {"E80.4"}, set()),
    ("ASSESSMENT: Dermatomyositis.\n", {"M33.10"}, {"M33.13"}),
    ("ASSESSMENT: Juvenile idiopathic arthritis.\n", {"M08.90"}, {"M08.9A"}),
    ("ASSESSMENT: Renal artery thrombosis.\n", {"N28.0"}, {"I82.90"}),
    ("ASSESSMENT: Blindness.\n", set(), {"H53.11"}),
    ("ASSESSMENT: Odynophagia.\n", {"R13.10"}, {"R50.9"}),
    ("ASSESSMENT: Endometrial cancer.\n", {"C54.1"}, {"C80.1"}),
    ("ASSESSMENT: Avascular necrosis.\n", {"M87.9"}, set()),
    ("ASSESSMENT: Placental abruption at 34 weeks.\n", {"O45.93", "Z3A.34"}, {"O45.90"}),
    # symptoms in everyday words; a stress is no stress fracture, a joint pain no 'other specified joint'
    ("ASSESSMENT: Stress.\n", set(), {"M84.30XA"}),
    ("ASSESSMENT: Stress fracture of left foot.\n", {"M84.375A"}, set()),
    ("ASSESSMENT: Joint pain.\n", {"M25.50"}, {"M25.59"}),
    ("ASSESSMENT: Blood in stool.\n", {"K92.1"}, {"Z67.10"}),
    ("ASSESSMENT: Tingling in both feet.\n", {"R20.2"}, {"M84.30XA"}),
    ("ASSESSMENT: Elevated blood pressure without a diagnosis of hypertension.\n", {"R03.0"}, set()),
    ("ASSESSMENT: Hypertension, uncontrolled. The elevated blood pressure is consistent with it.\n", {"I10"},
     {"R03.0"}),
])
def test_index_default_for_a_bare_problem_name_and_everyday_names(coder, text, want, never):
    assert_codes(coder, text, want, never)


_REFERRED = ("CHIEF COMPLAINT\n\nEsophagitis.\n\nHISTORY OF PRESENT ILLNESS\n\nA 53-year-old woman is referred for {hpi} "
             "after four days of chest pain with dysphagia.\n\nASSESSMENT\n\n{assessment}\n")


@pytest.mark.parametrize("hpi,assessment,status", [
    # the reason for the visit is what she came with; the note calls it suspected everywhere else
    ("suspected esophagitis", "Non-cardiac chest pain. Possible esophagitis versus anxiety.", "uncertain"),
    # the note establishes it: the chief complaint stays a diagnosis
    ("suspected esophagitis", "Esophagitis, seen on EGD today.", "affirmed"),
    ("esophagitis", "Esophagitis.", "affirmed"),
])
def test_a_chief_complaint_the_note_calls_suspected_is_uncertain(coder, hpi, assessment, status):
    sug, every = suggested(coder, _REFERRED.format(hpi=hpi, assessment=assessment))
    assert every["K20.90"].status == status, [(e.text, e.start) for e in every["K20.90"].evidence]
    assert ("K20.90" in sug) == (status == "affirmed")


@pytest.mark.parametrize("text,want,never", [
    # an organ the note names as the site of metastases holds a secondary neoplasm, and the primary stays
    ("ASSESSMENT: Hepatocellular carcinoma with lung metastases.\n", {"C22.0", "C78.00"}, {"C34.90"}),
    ("ASSESSMENT: Metastatic breast cancer to the liver.\n", {"C50.919", "C78.7"}, {"C22.9"}),
    ("ASSESSMENT: Secondary liver cancer.\n", {"C78.7"}, {"C22.9"}),
    ("ASSESSMENT: Breast cancer with pleural metastases.\n", {"C50.919", "C78.2"}, {"C38.4"}),
    ("ASSESSMENT: Metastatic breast cancer to the pleura.\n", {"C50.919", "C78.2"}, {"C38.4"}),
    ("ASSESSMENT: Ovarian cancer with peritoneal carcinomatosis.\n", {"C56.9", "C78.6"}, {"C48.2", "C80.0"}),
    ("ASSESSMENT: Lung cancer with adrenal metastasis.\n", {"C34.90", "C79.70"}, {"C74.90"}),
    ("ASSESSMENT: Adrenocortical carcinoma.\n", {"C74.00"}, {"C80.1"}),
    # names the tabular list words otherwise (Index: Chondrosarcoma, Ewing's sarcoma - see Neoplasm, bone, malignant;
    # Seminoma C62.9-; Clonus R25.8; Pseudoxanthoma elasticum Q82.8; Urethrorrhagia N36.8)
    ("ASSESSMENT: Ewing sarcoma.\n", {"C41.9"}, set()),
    ("ASSESSMENT: Chondrosarcoma.\n", {"C41.9"}, set()),
    ("ASSESSMENT: Seminoma of the left testis.\n", {"C62.92"}, {"C62.90"}),
    ("ASSESSMENT: Focal segmental glomerulosclerosis.\n", {"N05.1"}, set()),
    ("ASSESSMENT: FSGS.\n", {"N05.1"}, set()),
    ("ASSESSMENT: Clonus.\n", {"R25.8"}, set()),
    ("ASSESSMENT: Pseudoxanthoma elasticum.\n", {"Q82.8"}, set()),
    ("ASSESSMENT: Urethrorrhagia.\n", {"N36.8"}, set()),
])
def test_secondary_sites_and_named_tumours(coder, text, want, never):
    assert_codes(coder, text, want, never)


def test_a_weaker_co_occurrence_does_not_decide_a_status(coder):
    # the sample discharge summary's only pains are "He denies chest pain" and "return ... if you have chest pain";
    # the learned tables also tie R52 to the word 'Attending', more weakly: that is no affirmed mention of a pain
    from medassist.config import resource_path

    text = open(resource_path("samples/discharge_summary.txt"), encoding="utf-8").read()
    _, every = suggested(coder, text)
    assert "R52" in every and every["R52"].status == "negated", (every["R52"].status, every["R52"].evidence)


@pytest.mark.parametrize("text,want,never", [
    # an organ removed, said as 'status post' / 's/p' (its side, its year), is the acquired absence status (Z90.-);
    # the operation of this visit or one planned is not
    ("ASSESSMENT: Status post right mastectomy.\n", {"Z90.11"}, {"Z90.10", "Z90.12"}),
    ("PMH: Breast cancer s/p bilateral mastectomy 2015.\n", {"Z85.3", "Z90.13"}, {"C50.919"}),
    ("PAST SURGICAL HISTORY: Status post splenectomy.\n", {"Z90.81"}, set()),
    ("PROCEDURE: Left mastectomy.\n", set(), {"Z90.12", "Z90.10"}),
    ("PLAN: Schedule right mastectomy.\n", set(), {"Z90.11", "Z90.10"}),
    # an ileus after an operation: the postprocedural disorder and the ileus (K91.89: use additional code)
    ("ASSESSMENT: Postoperative ileus.\n", {"K91.89", "K56.7"}, set()),
    ("ASSESSMENT: Paralytic ileus after surgery.\n", {"K91.89", "K56.0"}, set()),
    ("ASSESSMENT: Ileus.\n", {"K56.7"}, {"K91.89"}),
    ("HPI: No postoperative ileus.\n", set(), {"K91.89", "K56.7"}),
    # a surgical site infection (its depth when said); an infected joint prosthesis (its joint and side when said)
    ("ASSESSMENT: Surgical site infection.\n", {"T81.40XA"}, {"B99.9"}),
    ("ASSESSMENT: Deep incisional surgical site infection after hernia repair.\n", {"T81.42XA"}, {"T81.40XA"}),
    ("HPI: No signs of surgical site infection.\n", set(), {"T81.40XA"}),
    ("ASSESSMENT: Prosthetic joint infection of the right knee.\n", {"T84.53XA"}, {"T84.50XA", "T84.54XA"}),
    ("ASSESSMENT: Infected total knee arthroplasty, left.\n", {"T84.54XA"}, {"T84.50XA", "T84.53XA"}),
    ("ASSESSMENT: Periprosthetic joint infection.\n", {"T84.50XA"}, set()),
    # a heart failure written 'CHF' with its kind and course (I50.2- systolic, I50.3- diastolic, I50.4- both)
    ("ASSESSMENT: Acute on chronic diastolic CHF.\n", {"I50.33"}, {"I50.9", "I50.30"}),
    ("ASSESSMENT: Chronic diastolic CHF.\n", {"I50.32"}, {"I50.9"}),
    ("HPI: 70 yo with chronic systolic CHF presents with dyspnea.\n", {"I50.22"}, {"I50.9"}),
    ("ASSESSMENT: Acute on chronic HFrEF.\n", {"I50.23"}, {"I50.20"}),
    ("ASSESSMENT: Acute on chronic combined systolic and diastolic CHF.\n", {"I50.43"}, {"I50.9", "I50.23", "I50.33"}),
    ("ASSESSMENT: Acute on chronic CHF.\n", {"I50.9"}, set()),
])
def test_acquired_absence_postoperative_ileus_procedure_infections_and_chf_kinds(coder, text, want, never):
    assert_codes(coder, text, want, never)



@pytest.mark.parametrize("text,want,never", [
    # the organism of a sepsis (or septic shock) named in another sentence than the one the sepsis code came from
    ("ASSESSMENT:\n1. Septic shock due to E. coli urinary tract infection.\n2. Metabolic encephalopathy due to sepsis.\n",
     {"A41.51", "R65.21", "N39.0", "G93.41"}, {"A41.9"}),
    ("ASSESSMENT:\n1. Septic shock from Pseudomonas pneumonia.\n2. Acute kidney injury due to sepsis.\n",
     {"A41.52", "R65.21"}, {"A41.9"}),
    ("ASSESSMENT:\n1. E. coli urinary tract infection.\n2. Sepsis, source unclear.\n", {"A41.9"}, {"A41.51"}),
    ("ASSESSMENT: Sepsis due to Klebsiella pneumoniae pyelonephritis.\n", {"A41.59"}, {"A41.9"}),
    ("ASSESSMENT: Sepsis due to Serratia marcescens bacteremia.\n", {"A41.53"}, {"A41.9"}),
    # the hypotension of a shock is part of it
    ("HPI: Admitted with fever and hypotension.\nASSESSMENT: Septic shock due to pneumonia.\n", {"R65.21"}, {"I95.9"}),
    ("ASSESSMENT: Hypotension, likely from dehydration.\n", {"I95.9"}, set()),
    # an HIV infection the note calls asymptomatic is Z21; HIV disease or AIDS is B20
    ("ASSESSMENT: Asymptomatic HIV infection status, well controlled on Biktarvy.\n", {"Z21"}, {"B20"}),
    ("ASSESSMENT: HIV infection, asymptomatic, viral load undetectable.\n", {"Z21"}, {"B20"}),
    ("ASSESSMENT: HIV disease with oral thrush.\n", {"B20"}, {"Z21"}),
    # the rash and pain of a herpes zoster; the sleepiness of an obstructive sleep apnea
    ("HPI: Painful rash on the left chest for 3 days.\nASSESSMENT: Herpes zoster, left T5 dermatome.\n",
     {"B02.9"}, {"R21", "R52"}),
    ("ASSESSMENT: Severe obstructive sleep apnea. Excessive daytime sleepiness secondary to OSA.\n",
     {"G47.33"}, {"R40.0"}),
    ("ASSESSMENT: Somnolence after a seizure.\n", {"R40.0"}, set()),
    # planned weight loss is not abnormal weight loss; 'falls asleep' is no fall
    ("PLAN: Weight loss counseling. Start CPAP.\n", set(), {"R63.4"}),
    ("ASSESSMENT: Unintentional weight loss of 10 pounds.\n", {"R63.4"}, set()),
    ("HPI: She falls asleep while driving. She fractured her left wrist last week.\nASSESSMENT: Closed fracture of left distal radius.\n",
     set(), {"W19.XXXA"}),
])
def test_sepsis_organism_across_sentences_shock_hypotension_asymptomatic_hiv_and_integral_symptoms(coder, text, want,
                                                                                                 never):
    assert_codes(coder, text, want, never)



@pytest.mark.parametrize("text,want,never", [
    # type 1 diabetes: a bare 'diabetes' is no second type; insulin is no additional code of E10; a DKA's nausea,
    # vomiting and abdominal pain are part of it; a failed insulin pump is coded first, with the insulin underdosed
    ("HPI: Type 1 diabetes on an insulin pump, 2 days of nausea, vomiting and abdominal pain after her pump site "
     "failed.\nASSESSMENT: Type 1 diabetes mellitus with ketoacidosis without coma.\nPLAN: Diabetes educator consult.\n",
     {"E10.10", "T85.614A", "T38.3X6A"}, {"E11.9", "Z79.4", "R11.2", "R10.9"}),
    ("ASSESSMENT: Type 2 diabetes on insulin. Heart failure with pump failure.\n", {"Z79.4"}, {"T85.614A", "T38.3X6A"}),
    # 'alcohol cessation counseling' is no tobacco counseling
    ("HPI: Vapes nicotine daily.\nASSESSMENT: Nicotine dependence, electronic cigarettes. Alcohol abuse.\n"
     "PLAN: Alcohol cessation counseling.\n", {"F17.290"}, {"Z71.6"}),
    ("ASSESSMENT: Nicotine dependence, cigarettes.\nPLAN: Smoking cessation counseling.\n", {"F17.210", "Z71.6"}, set()),
    # the palm is the hand; the sole and heel the foot
    ("ASSESSMENT: Laceration without foreign body of left palm, initial encounter.\n", {"S61.412A"}, set()),
    # diabetes with peripheral arterial disease is E11.51 ('with'); atherosclerosis of the legs by side and stage
    ("ASSESSMENT: Type 2 diabetes. Peripheral arterial disease.\n", {"E11.51"}, {"E11.9", "I73.9"}),
    ("ASSESSMENT: Atherosclerosis of native arteries of right leg.\n", {"I70.201"}, {"I70.8"}),
    ("ASSESSMENT: Atherosclerosis of bilateral lower extremities with intermittent claudication.\n", {"I70.213"}, {"I70.8"}),
    ("ASSESSMENT: Type 1 diabetes. Atherosclerosis of native arteries of left leg with rest pain.\n",
     {"E10.51", "I70.222"}, {"M79.605", "E10.9"}),
    ("ASSESSMENT: Atherosclerosis of the aorta.\n", {"I70.0"}, {"I70.201"}),
    # a dialysis patient's missed sessions; the edema of a fluid overload
    ("ASSESSMENT: ESRD on hemodialysis. Fluid overload due to noncompliance with dialysis. Mild ankle edema.\n",
     {"N18.6", "Z99.2", "E87.70", "Z91.158"}, {"R60.0"}),
    ("ASSESSMENT: ESRD on hemodialysis. Noncompliance with hemodialysis because she cannot afford transportation.\n",
     {"Z91.151"}, {"Z91.158"}),
    # the patient's cancer, and a relative's of the same organ
    ("ASSESSMENT: Adenocarcinoma of the sigmoid colon. Family history of colon cancer in father.\n", {"C18.7", "Z80.0"}, set()),
    ("ASSESSMENT: Adenocarcinoma of the sigmoid colon. Denies family history of colon cancer.\n", {"C18.7"}, {"Z80.0"}),
])
def test_type_1_diabetes_pump_failure_pad_with_diabetes_dialysis_noncompliance_and_a_relatives_same_cancer(
        coder, text, want, never):
    assert_codes(coder, text, want, never)



@pytest.mark.parametrize("text,want,never", [
    # a transplant patient's immunosuppression: daily prednisone is long-term steroid use; the immunosuppressed state
    # due to medication is D84.821; a BK virus infection is a viral infection; an IgA nephropathy is no diabetic one
    ("HPI: Kidney transplant for IgA nephropathy. On tacrolimus 3 mg twice daily and prednisone 5 mg daily.\n"
     "ASSESSMENT:\n1. Kidney transplant status.\n2. BK virus infection.\n3. Post-transplant diabetes mellitus, on insulin.\n"
     "4. Immunosuppressed state due to medication.\n",
     {"Z94.0", "Z79.621", "Z79.52", "D84.821", "B34.9"}, {"E11.21", "B99.9", "D84.9"}),
    ("ASSESSMENT: Rheumatoid arthritis. Prednisone taper 40 mg for 5 days.\n", set(), {"Z79.52"}),
    ("ASSESSMENT: Rheumatoid arthritis. Despite removal of prednisone, she remains stiff.\n", set(), {"Z79.52"}),
    ("ASSESSMENT: Type 2 diabetes. Diabetic nephropathy.\n", {"E11.21"}, set()),
    # chronic pain syndrome needs its words; pollen rhinitis is the seasonal one
    ("HPI: 48-year-old man with chronic low back pain after L4-L5 laminectomy in 2019 (failed back surgery syndrome).\n"
     "ASSESSMENT: Postlaminectomy syndrome, lumbar region.\n", {"M96.1"}, {"G89.4"}),
    ("ASSESSMENT: Chronic pain syndrome.\n", {"G89.4"}, set()),
    ("ASSESSMENT: Seasonal allergic rhinitis due to pollen.\n", {"J30.1"}, {"J30.2"}),
])
def test_transplant_immunosuppression_viral_infection_named_nephropathy_chronic_pain_and_pollen_rhinitis(
        coder, text, want, never):
    assert_codes(coder, text, want, never)



@pytest.mark.parametrize("text,want,never", [
    # a stimulant's adverse effect; a decreased appetite is anorexia (R63.0)
    ("ASSESSMENT: ADHD, combined type, on methylphenidate. Decreased appetite due to stimulant.\n", {"R63.0", "T43.605A"},
     set()),
    # a dysphagia screen is no dysphagia; pain the sentence calls controlled is no problem
    ("HOSPITAL COURSE: Right MCA stroke. Dysphagia screen passed.\nDISCHARGE DIAGNOSES: Acute ischemic stroke.\n",
     set(), {"R13.10"}),
    ("HPI: Seen 2 weeks after surgery. Pain controlled with acetaminophen.\nASSESSMENT: Surgical site infection.\n",
     {"T81.40XA"}, {"R52"}),
    # the symptoms of a pulmonary embolism and of the leg's deep vein thrombosis are part of them
    ("HPI: 2 days of dyspnea and pleuritic chest pain. Right calf swollen and tender.\nIMPRESSION: Acute bilateral "
     "pulmonary embolism without acute cor pulmonale. Acute deep vein thrombosis of right popliteal vein.\n",
     {"I26.99", "I82.431"}, {"R07.81", "R06.00", "M79.661"}),
    # 'N days of' a symptom is no finished course of the drug in its sentence
    ("HPI: 63-year-old woman with metastatic breast cancer on letrozole presents with 2 days of dyspnea.\n"
     "ASSESSMENT: Malignant neoplasm of breast.\n", {"Z79.811"}, set()),
    ("HPI: Breast cancer. Completed 5 years of letrozole.\nASSESSMENT: Malignant neoplasm of breast.\n", set(), {"Z79.811"}),
    # the condition an operation weeks ago treated is gone; an admission months after surgery for another problem is not
    ("HPI: Seen 2 weeks after laparoscopic cholecystectomy for symptomatic cholelithiasis.\n"
     "ASSESSMENT: Aftercare following surgery for cholelithiasis.\n", set(), {"K80.20"}),
    ("HPI: She required hospitalization 10 months after surgery for lower limb edema.\n", {"R60.0"}, set()),
    # a breast cancer is the female code unless the note says the patient is male
    ("ASSESSMENT: Malignant neoplasm of breast with metastasis to bone.\n", {"C50.919", "C79.51"}, {"C50.929"}),
    ("HPI: 70-year-old man with a breast lump.\nASSESSMENT: Malignant neoplasm of breast.\n", {"C50.929"}, {"C50.919"}),
    # hypotension from the drugs a list names; the dizziness of an orthostatic hypotension; a bleeding ulcer's melena
    ("HPI: Dizziness on standing.\nASSESSMENT: Orthostatic hypotension due to medications (hydrochlorothiazide, "
     "tamsulosin).\n", {"I95.2", "T50.2X5A", "T44.6X5A"}, {"I95.1", "R42"}),
    ("ASSESSMENT: Hypertension. Medications reviewed (lisinopril, amlodipine).\n", {"I10"}, {"T46.4X5A", "T46.1X5A"}),
    ("HPI: Melena.\nDIAGNOSES: Acute upper gastrointestinal hemorrhage due to gastric ulcer.\n", {"K25.4"}, {"K92.1", "K92.2"}),
    ("ASSESSMENT: Mild neurocognitive disorder.\n", {"G31.84"}, {"R41.9"}),
    # an alcohol withdrawal delirium's hallucinations; an insomnia due to depression is F51.05 alone
    ("HPI: Shaking and hallucinations.\nASSESSMENT: Alcohol dependence with withdrawal delirium.\n", {"F10.231"}, {"R44.3"}),
    ("HPI: Mood low. Insomnia with early morning awakening.\nASSESSMENT: Major depressive disorder, recurrent, severe "
     "without psychotic features. Insomnia due to depression.\n", {"F33.2", "F51.05"}, {"G47.00"}),
    # an exacerbation the note puts down to not taking the medicines: the condition's own line, and the noncompliance
    ("ASSESSMENT: Acute on chronic systolic (congestive) heart failure, due to medication noncompliance.\n",
     {"I50.23", "Z91.148"}, {"I50.9"}),
    ("ASSESSMENT: Hypertensive urgency due to noncompliance with medications.\n", {"I16.0", "Z91.148"}, set()),
    ("ASSESSMENT: Hypertension. Discussed noncompliance with medications; he denies any.\n", {"I10"}, {"Z91.148"}),
    # a child's exposure to secondhand smoke
    ("ASSESSMENT: Moderate persistent asthma with acute exacerbation. Exposure to environmental tobacco smoke.\n",
     {"J45.41", "Z77.22"}, set()),
])
def test_stimulant_appetite_dysphagia_screen_controlled_pain_pe_symptoms_and_an_operations_reason(coder, text, want,
                                                                                                  never):
    assert_codes(coder, text, want, never)


HEART_FAILURE_VISIT = """CHIEF COMPLAINT: Shortness of breath.

HPI: 74-year-old woman with HFrEF (EF 30%), atrial fibrillation on apixaban, COPD on home oxygen 2 L, and obesity (BMI 36)
presents with 1 week of worsening dyspnea and leg swelling. She is a current smoker, 1 pack per day. She has a history
of a DVT in 2019.

PMH: Chronic systolic heart failure, persistent atrial fibrillation, COPD, obesity, DVT 2019, osteoporosis, depression.

MEDS: Apixaban 5 mg BID, furosemide 40 mg daily, carvedilol 12.5 mg BID, tiotropium, albuterol PRN, sertraline 50 mg
daily, alendronate 70 mg weekly.

ASSESSMENT/PLAN:
1. Acute on chronic systolic heart failure. Increase furosemide to 40 mg BID.
2. Persistent atrial fibrillation, rate controlled. Continue apixaban.
3. COPD, stable, on home oxygen.
4. Depression, stable on sertraline.
5. Osteoporosis on alendronate.
"""


def test_a_drug_name_is_no_mention_of_a_condition_it_treats_or_causes(coder):
    """The pack's learned near-synonyms held drug names ("sertraline" for hyponatremia E87.1, "levothyroxine" for
    hypothyroidism): a typed heart failure visit was given E87.1 with "sertraline" as its only evidence. A drug's name
    stays a word of the codes about the drug (long-term use: "metformin" for Z79.84)."""
    syn = coder.learned_synonyms
    assert "sertraline" not in syn.get("E87.1", ()) and "levothyroxine" not in syn.get("E03.9", ())
    assert "metformin" in syn.get("Z79.84", ())
    sug, listed = suggested(coder, HEART_FAILURE_VISIT)
    assert {"I50.23", "I48.19", "J44.9", "Z99.81", "Z79.01", "M81.0", "Z86.718"} <= set(sug), sorted(sug)
    assert "E87.1" not in sug, sorted(sug)


def test_a_companion_pattern_opened_by_lookbehinds_is_tried_after_a_space_with_the_same_matches():
    """The 'status post' / 's/p' / 'had' lookbehinds that open the status companions are tried only after a space
    (coding_safety._space_first, five times faster over a note); a lookbehind that does not end with a space keeps
    the pattern as written, and every companion finds what its written pattern finds."""
    sf = coding_safety._space_first
    assert sf("(?:(?<=had )|(?<=s/p ))x") == "(?<= )(?:(?<=had )|(?<=s/p ))x"
    assert sf("(?:(?<=had )|(?<=h/o))x") == "(?:(?<=had )|(?<=h/o))x"  # "h/o" ends with no space
    assert sf("(?:had|s/p )x") == "(?:had|s/p )x"
    gated = [r for r in coding_safety.rules().companions if r["note_matches"].pattern.startswith("(?<= )")]
    assert len(gated) >= 10
    text = ("PSH: status post left mastectomy 2015, s/p bilateral mastectomy, had a right total mastectomy; "
            "underwent sleeve gastrectomy.\nHistory of right mastectomy. Had his gastric bypass in 2010. "
            "Status post  left mastectomy.\tprior\tleft mastectomy")
    found = 0
    for r in gated:
        written = re.compile(r["note_matches"].pattern[len("(?<= )"):], re.IGNORECASE)
        got = [m.span() for m in r["note_matches"].finditer(text)]
        assert got == [m.span() for m in written.finditer(text)], r["add"]
        found += len(got)
    assert found >= 4
