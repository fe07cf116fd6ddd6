"""Sectionizer and sentence splitter: rules round-trip, header forms, sentence rules, and exact offsets
on every note of the shared corpora (MTSamples subset, ACI-Bench train+valid, CodiEsp English)."""

from __future__ import annotations

import csv
import json
import re

import pytest

from medassist.config import resource_path
from medassist.ingest import document_from_text
from medassist.text.sections import SectionRules, sectionize
from medassist.text.sentences import split_sentences

csv.field_size_limit(1 << 30)


def _titles(text):
    return [(s.name, s.title) for s in sectionize(text)]


def _sents(text):
    doc = document_from_text(text)
    return [doc.text[x.start : x.end] for x in doc.sentences]


# ------------------------------------------------------------------------------------------ rules as data
def test_rules_round_trip_json():
    raw = json.loads(resource_path("sections.json").read_text(encoding="utf-8"))
    rules = SectionRules.from_json(resource_path("sections.json"))
    again = SectionRules.from_json(rules.to_json())
    assert again.to_dict() == rules.to_dict()
    assert rules.to_dict()["sections"] == [
        {k: v for k, v in d.items() if v not in ([], False)} for d in raw["sections"]
    ]
    names = {r.name for r in rules.rules}
    for required in (
        "chief_complaint hpi pmh psh social_history family_history medications allergies ros physical_exam "
        "vitals labs imaging assessment plan assessment_plan hospital_course discharge_diagnoses "
        "discharge_medications discharge_instructions follow_up findings impression procedures"
    ).split():
        assert required in names


def test_custom_rules_change_behaviour():
    rules = SectionRules.from_dict({"sections": [{"name": "tumor_board", "headers": ["tumour board"]}]})
    secs = sectionize("intro\nTUMOUR BOARD: discuss.\nPLAN: none", rules)
    assert [(s.name, s.title) for s in secs] == [("preamble", ""), ("tumor_board", "TUMOUR BOARD")]
    with pytest.raises(ValueError, match="unknown keys"):
        SectionRules.from_dict({"sections": [{"name": "x", "headers": [], "colour": 1}]})


# ------------------------------------------------------------------------------------------ header forms
def test_header_forms():
    text = (
        "Seen today in clinic.\n"
        "CHIEF COMPLAINT: chest pain\n"
        "History of Present Illness\n"
        "Two days of pain.\n"
        "PMH:\n- HTN\n"
        "  past surgical history:  appendectomy\n"
        "Meds: aspirin\n"
        "NKDA\n"
        "A/P: Chest pain.\n"
        "1. Assessment and Plan: see above\n"
        "## Follow-up\nIn 2 weeks.\n"
    )
    assert _titles(text) == [
        ("preamble", ""),
        ("chief_complaint", "CHIEF COMPLAINT"),
        ("hpi", "History of Present Illness"),
        ("pmh", "PMH"),
        ("psh", "past surgical history"),
        ("medications", "Meds"),
        ("allergies", "NKDA"),
        ("assessment_plan", "A/P"),
        ("assessment_plan", "Assessment and Plan"),
        ("follow_up", "Follow-up"),
    ]
    secs = sectionize(text)
    nkda = secs[6]
    assert nkda.body_start == nkda.start  # an inline header is content too
    assert text[secs[1].body_start : secs[1].end] == " chest pain\n"


def test_current_illness_ends_the_background_section():
    # case reports translated from Spanish ("Enfermedad actual"): what follows is the presenting episode, so a
    # complaint there is current, not past history under "Background"
    from medassist.text.context import classify

    text = ("Background: hypertension and a cholecystectomy.\n"
            "Current illness: he comes to the emergency department with a 3-month history of eye pain.\n")
    assert [n for n, _ in _titles(text)] == ["pmh", "hpi"]
    i = text.index("eye pain")
    assert classify(text, i, i + len("eye pain")).status == "affirmed"
    j = text.index("hypertension")
    assert classify(text, j, j + len("hypertension")).status == "historical"


def test_crlf_text_sectionized_directly_keeps_offsets():
    text = "CHIEF COMPLAINT\r\nCough.\r\nPLAN\r\nRest."
    secs = sectionize(text)
    assert [(s.name, s.title) for s in secs] == [("chief_complaint", "CHIEF COMPLAINT"), ("plan", "PLAN")]
    sents = split_sentences(text, secs)
    assert [text[x.start : x.end] for x in sents] == ["Cough.", "Rest."]


def test_not_headers():
    # a header word inside prose, a bullet item, a mid-sentence word, lower-case abbreviations, lab values
    text = (
        "Plan to return next week.\n"
        "- Examination: no tenderness.\n"
        "The history of diabetes is long.\n"
        "pe: this is not a header\n"
        "P: 4.4 mg/dL and K: 5.37 mmol/L.\n"
        "Exam was normal.\n"
    )
    assert _titles(text) == [("preamble", "")]


def test_run_together_transcription_headers():
    text = "SUBJECTIVE:,  She has cough.,MEDICATIONS: , Allegra.,ALLERGIES: , None.,Vitals:  BP 120/80."
    assert [n for n, _ in _titles(text)] == ["subjective", "medications", "allergies"]
    assert _sents(text) == ["She has cough.", "Allegra.", "None.", "Vitals:  BP 120/80."]


def test_run_together_abbreviation_headers():
    # (MTSamples: "PMH:, Migraine Headache.,FHX: , Unremarkable.,SHX: ,Divorced.,ROS:, Irregular menses.,EXAM: ,...");
    # an abbreviation is a header only as written, in capitals and with its colon
    text = "CC: headache.,PMH:, Migraine.,FHX: , Unremarkable.,SHX: ,Divorced.,ROS:, Irregular menses.,EXAM: ,BP 118/66."
    assert [n for n, _ in _titles(text)] == ["chief_complaint", "pmh", "family_history", "social_history", "ros",
                                             "physical_exam"]
    assert [n for n, _ in _titles("CC: cough.,She had ros: none.,Her PE: fine.")] == ["chief_complaint"]


def test_header_with_full_stop_needs_text_below_and_inline_merges():
    text = "CHIEF COMPLAINT\n\nFollow-up.\n\nPROCEDURE.\nStent placed.\nALLERGIES\nNKDA.\nHPI: well.\nNKDA."
    assert [n for n, _ in _titles(text)] == ["chief_complaint", "procedures", "allergies", "hpi", "allergies"]


def test_inline_statement_line_ends_at_its_line_and_the_interrupted_section_goes_on():
    # a case report's history: "No known allergies." is one statement, the history goes on below it
    text = ("Medical history: Hypercholesterolemia.\nNo known allergies.\nNo diabetes.\nMorbid obesity.\n"
            "PLAN: diet.")
    secs = sectionize(text)
    assert [(s.name, s.title) for s in secs] == [("pmh", "Medical history"), ("allergies", "No known allergies"),
                                                 ("pmh", ""), ("plan", "PLAN")]
    assert text[secs[1].start:secs[1].end] == "No known allergies.\n"
    assert text[secs[2].body_start:secs[2].end] == "No diabetes.\nMorbid obesity.\n"
    for a, b in zip(secs, secs[1:]):
        assert a.end == b.start
    # at the top of a note the lines below it are the preamble's
    assert [s.name for s in sectionize("NKDA\nCough for two days.")] == ["allergies", "preamble"]
    # the last line of a note, or a line right before the next header, keeps its section as before
    assert [s.name for s in sectionize("HPI: cough.\nNKDA")] == ["hpi", "allergies"]
    assert [s.name for s in sectionize("HPI: cough.\nNKDA\nPLAN: rest")] == ["hpi", "allergies", "plan"]


def test_longest_header_wins_and_sections_tile_the_text():
    text = "ASSESSMENT AND PLAN\nCough.\nASSESSMENT: cough\nPLAN: rest"
    secs = sectionize(text)
    assert [s.name for s in secs] == ["assessment_plan", "assessment", "plan"]
    assert secs[0].start == 0 and secs[-1].end == len(text)
    for a, b in zip(secs, secs[1:]):
        assert a.end == b.start


# ------------------------------------------------------------------------------------------ sentences
@pytest.mark.parametrize(
    "text,expected",
    [
        ("Seen by Dr. Smith today. He is well.", ["Seen by Dr. Smith today.", "He is well."]),
        ("Take 2.5 mg p.o. b.i.d. with food. Return in 2 weeks.", ["Take 2.5 mg p.o. b.i.d. with food.", "Return in 2 weeks."]),
        ("Avoid NSAIDs, e.g. Ibuprofen. Use Tylenol.", ["Avoid NSAIDs, e.g. Ibuprofen.", "Use Tylenol."]),
        ("Fever? Yes! Cough. 3 days.", ["Fever?", "Yes!", "Cough.", "3 days."]),
        ("He said \"I feel fine.\" She agreed.", ["He said \"I feel fine.\"", "She agreed."]),
        ("1. Hypertension. Continue lisinopril.\n2. Diabetes.", ["1. Hypertension.", "Continue lisinopril.", "2. Diabetes."]),
        ("- fever\n- chills\n• night sweats", ["- fever", "- chills", "• night sweats"]),
        ("The patient was seen in the\nclinic today and is\nwell. She left.", ["The patient was seen in the\nclinic today and is\nwell.", "She left."]),
        ("Blood pressure 120/80\nHeart rate 72", ["Blood pressure 120/80", "Heart rate 72"]),
        (
            "The patient is a 64-year-old man who was referred to the clinic by\nDr. Jones for chest pain. He is well.",
            ["The patient is a 64-year-old man who was referred to the clinic by\nDr. Jones for chest pain.", "He is well."],
        ),
        ("Denies fever,\nchills or sweats.", ["Denies fever,\nchills or sweats."]),
        # CodiEsp: a line is a sentence even when machine translation dropped its full stop
        ("Treated with cisplatin, with improvement,\nOne month later he relapsed", ["Treated with cisplatin, with improvement", "One month later he relapsed"]),
        ("Line one.\nLine two.\n\n\nLine three", ["Line one.", "Line two.", "Line three"]),
        ("ENT:  Denies runny nose.  ,EYES:  No discharge.", ["ENT:  Denies runny nose.", "EYES:  No discharge."]),
        ("vs. placebo the drug worked. Good.", ["vs. placebo the drug worked.", "Good."]),
        # a question mark standing alone queries the next term; after a word it still ends a question
        ("Dyspnea, ? PE, CT angiogram ordered. Stable.", ["Dyspnea, ? PE, CT angiogram ordered.", "Stable."]),
        ("Any chest pain? No.", ["Any chest pain?", "No."]),
        ("...", []),
    ],
)
def test_sentence_rules(text, expected):
    assert _sents(text) == expected


def test_sentences_never_cross_sections_and_skip_headers():
    text = "HPI: Cough for 3 days\nPLAN: Rest. Fluids"
    doc = document_from_text(text)
    got = [(x.section, doc.text[x.start : x.end]) for x in doc.sentences]
    assert got == [("hpi", "Cough for 3 days"), ("plan", "Rest."), ("plan", "Fluids")]


def test_split_without_sections():
    text = "One. Two."
    assert [(s.start, s.end, s.section) for s in split_sentences(text)] == [(0, 4, "preamble"), (5, 9, "preamble")]


# ------------------------------------------------------------------------------------------ corpora
GOLD_HEADER = re.compile(r"^[ \t]*([A-Z][A-Z &/\-]*[A-Z])[ \t]*:?[ \t]*$")


def _corpus_notes(data):
    notes = []
    mts = data / "mtsamples-subset" / "mtsamples_first400.csv"
    if mts.exists():
        with open(mts, newline="", encoding="utf-8") as f:
            notes += [("mtsamples", row[4]) for row in csv.reader(f) if len(row) > 4 and row[4].strip()]
    for part in ("train", "valid"):
        p = data / "aci-bench" / f"{part}.csv"
        if p.exists():
            with open(p, newline="", encoding="utf-8") as f:
                notes += [("aci-bench", r["note"]) for r in csv.DictReader(f)]
    for part in ("train", "dev", "background"):
        d = data / "codiesp" / part / "text_files_en"
        if d.is_dir():
            notes += [(f"codiesp-{part}", p.read_text(encoding="utf-8")) for p in sorted(d.glob("*.txt"))]
    return notes


@pytest.fixture(scope="module")
def corpus(shared_data):
    notes = _corpus_notes(shared_data)
    if not notes:
        pytest.skip("no notes under shared data")
    return notes


def test_offsets_exact_on_every_corpus_note(corpus):
    counts: dict[str, int] = {}
    for name, note in corpus:
        doc = document_from_text(note, source=name)
        t = doc.text
        prev = 0
        for s in doc.sections:
            assert prev <= s.start <= s.body_start <= s.end <= len(t), (name, s)
            assert t[s.start : s.start + len(s.title)] == s.title
            prev = s.end
        prev = 0
        for x in doc.sentences:
            assert prev <= x.start < x.end <= len(t), (name, x)
            span = doc.span(x.start, x.end)
            assert span.text == t[x.start : x.end] == span.text.strip()
            sec = doc.section_at(x.start)
            assert sec is not None and sec.name == x.section and sec.body_start <= x.start and x.end <= sec.end
            prev = x.end
        # nothing but white space and punctuation is left outside sentences and headers
        covered = bytearray(len(t))
        for x in doc.sentences:
            covered[x.start : x.end] = b"\1" * (x.end - x.start)
        for s in doc.sections:
            covered[s.start : s.body_start] = b"\1" * (s.body_start - s.start)
        left = "".join(ch for ch, c in zip(t, covered) if not c)
        assert not any(ch.isalnum() for ch in left), (name, left[:200])
        counts[name] = counts.get(name, 0) + 1
    assert counts.get("aci-bench") == 87 and counts.get("mtsamples") == 397
    assert counts.get("codiesp-train") == 500 and counts.get("codiesp-dev") == 250


def test_codiesp_one_sentence_a_line(corpus):
    lines = crossing = 0
    for name, note in corpus:
        if not name.startswith("codiesp-t") and name != "codiesp-dev":
            continue
        doc = document_from_text(note)
        lines += sum(1 for ln in doc.text.split("\n") if ln.strip())
        crossing += sum(1 for x in doc.sentences if "\n" in doc.text[x.start : x.end])
    assert lines > 10000
    assert crossing / lines < 0.001  # a line break ends the sentence (3 wrapped lines in 12.8k)


ACI_NAMES = {
    "CHIEF COMPLAINT": "chief_complaint", "CC": "chief_complaint", "HISTORY OF PRESENT ILLNESS": "hpi", "HPI": "hpi",
    "REVIEW OF SYSTEMS": "ros", "PHYSICAL EXAM": "physical_exam", "PHYSICAL EXAMINATION": "physical_exam",
    "EXAM": "physical_exam", "RESULTS": "labs", "PLAN": "plan", "ASSESSMENT": "assessment",
    "ASSESSMENT AND PLAN": "assessment_plan", "SOCIAL HISTORY": "social_history", "FAMILY HISTORY": "family_history",
    "VITALS": "vitals", "VITALS REVIEWED": "vitals", "MEDICATIONS": "medications", "CURRENT MEDICATIONS": "medications",
    "MEDICAL HISTORY": "pmh", "PAST HISTORY": "pmh", "PAST MEDICAL HISTORY": "pmh", "SURGICAL HISTORY": "psh",
    "PAST SURGICAL HISTORY": "psh", "ALLERGIES": "allergies", "IMPRESSION": "impression",
}


def test_aci_bench_headers_recall_precision(corpus):
    tp = fn = fp = mapped = 0
    for name, note in corpus:
        if name != "aci-bench":
            continue
        doc = document_from_text(note)
        gold, pos = set(), 0
        for line in doc.text.split("\n"):
            m = GOLD_HEADER.match(line)
            if m:
                gold.add(pos + m.start(1))
            pos += len(line) + 1
        found = {s.start for s in doc.sections if s.name != "preamble"}
        for sec in doc.sections:
            if sec.start in gold and sec.title.upper() in ACI_NAMES:
                assert sec.name == ACI_NAMES[sec.title.upper()], sec
                mapped += 1
        tp += len(gold & found)
        fn += len(gold - found)
        fp += len(found - gold)
    recall, precision = tp / (tp + fn), tp / (tp + fp)
    assert tp > 700 and mapped > 650
    assert recall >= 0.99, recall  # measured 0.996 (missed: "MSK:" x2, "HIV")
    assert precision >= 0.98, precision  # measured 0.988 (extras are real mixed-case headers: "Labs:", "Impression:")


def test_radiology_report_sections():
    text = (
        "INDICATION: Cough.\nTECHNIQUE: PA and lateral views.\nCOMPARISON: None.\n"
        "FINDINGS: The lungs are clear. No pleural effusion.\nIMPRESSION: No acute cardiopulmonary process."
    )
    doc = document_from_text(text, kind="findings")
    assert [s.name for s in doc.sections] == ["indications", "technique", "comparison", "findings", "impression"]
    f = doc.sections_named("findings")[0]
    assert [doc.text[x.start : x.end] for x in doc.sentences_in(f)] == ["The lungs are clear.", "No pleural effusion."]


def test_a_plan_item_numbered_next_is_no_header():
    """'2. Labs: CBC today' after '1. ...' of a plan is an item of the plan (it was a 'labs' section, its orders read as
    results); an outline whose numbered headers follow other sections stays cut at each."""
    doc = document_from_text("PLAN:\n1. Anemia. Iron daily.\n2. Labs: CBC and ferritin today.\n3. Follow-up: 4 weeks.\n")
    assert [s.name for s in doc.sections] == ["plan"]
    doc = document_from_text("1. HISTORY: Cough for 3 days.\n2. EXAM: Lungs clear.\n3. PLAN: Rest.\n")
    assert [s.name for s in doc.sections if s.name != "preamble"] == ["hpi", "physical_exam", "plan"]
    doc = document_from_text("ASSESSMENT:\n1. Hypertension.\n\nLABS: Sodium 131.\n")
    assert [s.name for s in doc.sections] == ["assessment", "labs"]
