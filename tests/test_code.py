"""The ICD-10-CM coder: suggestions, context, evidence, validation, CLI output."""
from __future__ import annotations

import csv
import io
import json

import pytest

from medassist import icd10
from medassist.cli import main as cli_main
from medassist.ingest import document_from_text
from medassist.tasks.code import CodeSuggestion, code_document, get_coder, validate


@pytest.fixture(scope="module")
def coder():
    return get_coder()


def run(coder, text):
    doc = document_from_text(text)
    return doc, code_document(doc, coder=coder)


def codes_for(result, *prefixes, affirmed_only=False):
    return [c for c in result.codes
            if c.code.startswith(prefixes) and (not affirmed_only or (c.status == "affirmed"))]


def test_type2_diabetes_is_suggested_with_evidence(coder):
    doc, res = run(coder, "Patient has type 2 diabetes mellitus.")
    e119 = [c for c in res.codes if c.code == "E11.9"]
    assert e119, [c.code for c in res.codes]
    c = e119[0]
    assert c.suggested and c.status == "affirmed" and c.billable
    assert c.evidence and all(doc.text[e.start:e.end] == e.text for e in c.evidence)
    assert "diabetes" in c.evidence[0].text.lower()
    assert res.codes == sorted(res.codes, key=lambda x: -x.score)


@pytest.mark.parametrize("text,prefixes", [
    ("The patient denies chest pain.", ("R07",)),
    ("No history of diabetes.", ("E08", "E09", "E10", "E11", "E13")),
    ("Rule out pneumonia.", ("J12", "J13", "J14", "J15", "J16", "J17", "J18")),
    ("Family history of breast cancer.", ("C50",)),
    ("History of MI in 2019.", ("I21", "I22")),
])
@pytest.mark.parametrize("encounter", ["outpatient", "inpatient"])
def test_non_affirmed_conditions_are_never_affirmed_current_codes(coder, text, prefixes, encounter):
    res = code_document(document_from_text(text), coder=coder, encounter=encounter)
    for c in codes_for(res, *prefixes):
        assert c.status != "affirmed", (text, c)
        # an inpatient encounter codes a diagnosis still uncertain ("rule out") as established, labelled so
        assert not c.suggested or (encounter == "inpatient" and c.status == "uncertain"), (text, c)


def test_every_candidate_is_listed_and_the_faint_ones_below_every_scored_code(coder):
    """The ranked list holds every candidate (the issue): those past the scored ones and the faint ones (a word that
    training notes used beside a code, or similar training notes, too weakly to score) are listed below every scored
    code, never suggested, at most half its lowest score, ordered; their evidence is a word of the note or none, and a
    code with no word of the note is not affirmed."""
    from medassist.tasks import coding_model as cm
    from medassist.tasks.code import TAIL_SCORE

    text = ("Assessment: 1. Type 2 diabetes mellitus with chronic kidney disease stage 3. 2. Rule out pneumonia. "
            "The patient denies chest pain. Family history of breast cancer.")
    doc, res = run(coder, text)
    tail = [c for c in res.codes if "listed only" in c.sources]
    scored = res.codes[:len(res.codes) - len(tail)]
    assert len(tail) > 20 and res.codes[-len(tail):] == tail and not any("listed only" in c.sources for c in scored)
    assert not any(c.suggested for c in tail)
    assert max(c.score for c in tail) <= TAIL_SCORE * min(c.score for c in scored)
    assert [c.score for c in tail] == sorted((c.score for c in tail), reverse=True)
    assert len({c.code for c in res.codes}) == len(res.codes) and all(icd10.lookup(c.code) for c in tail)
    # every candidate the note's words gave is listed, scored or not
    faint: list = []
    every = {c.code for c in cm.extract(doc, coder.knowledge, coder.lexicon, coder.classify, tail=faint)}
    assert len(faint) > 20 and not every & {c.code for c in faint}
    every |= {c.code for c in faint}
    listed = {c.code for c in res.codes}
    # (a header the tables learned, R05 or N63, is listed as its default billable code, R05.9 or N63.0)
    assert {k for k in every if (e := icd10.lookup(k)) is not None and e.billable} <= listed
    for c in tail:
        assert all(doc.text[e.start:e.end] == e.text and e.text.strip() and not e.text.strip().isdigit()
                   for e in c.evidence), c
        assert c.evidence or c.status != "affirmed", c
        assert any(w.startswith("listed only") for w in c.warnings)
    # a faint pneumonia or chest pain code is no more affirmed than the note's own (the rule-out, the denial)
    assert not [c for c in tail if c.code.startswith(("J12", "J13", "J14", "J15", "J16", "J17", "J18", "R07"))
                and c.status == "affirmed" and not c.evidence]


def test_a_listed_only_code_never_gives_a_word_prefix_as_its_evidence(coder):
    """A faint candidate's one word is never the prefix of a hyphenated word ("re" of "re-formed"), which names
    nothing; the code is still listed, with no evidence, and so is not affirmed."""
    text = ("PROCEDURE PERFORMED: Umbilical hernia repair.\n\nPROCEDURE: The fascia was closed and the umbilicus "
            "was then re-formed using 4-0 Vicryl. The patient was sent to the recovery room in stable condition.")
    doc, res = run(coder, text)
    tail = [c for c in res.codes if "listed only" in c.sources]
    assert tail
    at = text.index("re-formed")
    assert not [c for c in tail for e in c.evidence if e.start == at and e.text == "re"]
    assert [c for c in tail if not c.evidence and c.status != "affirmed"]


@pytest.mark.parametrize("text,first,history", [
    ("Family history of breast cancer. Assessment: Primary osteoarthritis of the right knee.", "M17.11", "Z80.3"),
    ("Former smoker. Assessment: Community-acquired pneumonia.", "J18.9", "Z87.891"),
    ("PAST MEDICAL HISTORY: Prostate cancer, treated with prostatectomy in 2012.\nASSESSMENT: Acute cystitis.",
     "N30.00", "Z85.46"),
])
def test_a_history_code_is_listed_after_the_current_conditions(coder, text, first, history):
    """A suggested family or personal history code (Z80-Z87) comes after the current conditions suggested beside
    it (guideline I.C.21.c.4: an additional code), still suggested; the list stays ordered by score."""
    from medassist.tasks.code import HISTORY_AFTER

    _, res = run(coder, text)
    sug = [c.code for c in res.suggested]
    assert first in sug and history in sug and sug.index(first) < sug.index(history), sug
    assert [c.score for c in res.codes] == sorted((c.score for c in res.codes), reverse=True)
    h = next(c for c in res.codes if c.code == history)
    assert h.score <= min(c.score for c in res.suggested if not c.code.startswith("Z8"))
    # alone, a history code keeps its place and its score
    _, alone = run(coder, "Family history of colon cancer.")
    z = next(c for c in alone.codes if c.code == "Z80.0")
    assert z.suggested and alone.suggested[0] is z and z.score > 0.5 and HISTORY_AFTER not in z.warnings


def test_inpatient_encounter_suggests_uncertain_diagnoses_labelled_and_nothing_else_changes(coder):
    from medassist.errors import TaskError
    from medassist.tasks.code import INPATIENT_UNCERTAIN

    doc = document_from_text("Assessment: probable community-acquired pneumonia. Denies chest pain. "
                             "Family history of breast cancer. History of MI in 2019. Essential hypertension.")
    out = code_document(doc, coder=coder)
    inp = code_document(doc, coder=coder, encounter="inpatient")
    assert (out.encounter, inp.encounter) == ("outpatient", "inpatient")
    assert out.to_dict()["encounter"] == "outpatient"
    o, i = {c.code: c for c in out.codes}, {c.code: c for c in inp.codes}
    assert o["J18.9"].status == i["J18.9"].status == "uncertain"
    assert not o["J18.9"].suggested and i["J18.9"].suggested
    assert INPATIENT_UNCERTAIN in i["J18.9"].warnings and INPATIENT_UNCERTAIN not in o["J18.9"].warnings
    # the same ranked list; only uncertain codes change, and every one that does says why
    assert [(c.code, c.score, c.status) for c in out.codes] == [(c.code, c.score, c.status) for c in inp.codes]
    changed = [k for k in i if i[k].suggested != o[k].suggested]
    assert changed and all(i[k].status == "uncertain" and i[k].suggested for k in changed)
    assert all(INPATIENT_UNCERTAIN in i[k].warnings for k in changed)
    assert o["I10"].suggested and i["I10"].suggested
    assert not any(c.suggested for c in inp.codes if c.code.startswith(("R07", "C50", "I21", "I22")))
    with pytest.raises(TaskError, match="unknown encounter 'emergency'"):
        code_document(doc, coder=coder, encounter="emergency")


def test_mentioned_scope_suggests_every_condition_named_with_its_status_and_why(coder):
    """--suggest mentioned (abstraction, CodiEsp's labelling): the negated, uncertain and integral mentions the coded
    scope holds back are suggested, still labelled with their status and a warning saying why the coded scope does
    not report them; the ranked list, scores and statuses are the same; the same words are never two codes of one
    category; an unknown scope is refused."""
    from medassist.errors import TaskError
    from medassist.tasks.code import MENTIONED_NOTICE

    doc = document_from_text("HPI: 58-year-old man with 2 days of productive cough and fever. He denies chest pain. "
                             "No history of diabetes.\nASSESSMENT: Community-acquired pneumonia. Rule out pulmonary "
                             "embolism.")
    out = code_document(doc, coder=coder)
    men = code_document(doc, coder=coder, scope="mentioned")
    assert (out.scope, men.scope, men.to_dict()["scope"]) == ("coded", "mentioned", "mentioned")
    assert men.notices[0] == MENTIONED_NOTICE and MENTIONED_NOTICE not in out.notices
    assert [(c.code, c.score, c.status) for c in out.codes] == [(c.code, c.score, c.status) for c in men.codes]
    o, m = {c.code: c for c in out.codes}, {c.code: c for c in men.codes}
    for code, status in (("R07.9", "negated"), ("E11.9", "negated"), ("I26.99", "uncertain"), ("R50.9", "affirmed")):
        assert not o[code].suggested and m[code].suggested and m[code].status == status, code
        assert m[code].warnings[0].startswith("suggested as a mention (--suggest mentioned); the coded scope does "
                                              "not report it: "), m[code].warnings
        assert not any(w.startswith("not suggested: ") for w in m[code].warnings)
    assert "the note's mention is negated" in m["R07.9"].warnings[0]
    assert "integral to the suggested J18.9" in m["R50.9"].warnings[0]  # the reason the coded scope gave
    assert o["J18.9"].suggested and m["J18.9"].suggested  # what the coded scope suggests stays suggested
    # every code it adds scored at or above the threshold and has evidence; nothing below the threshold joins
    added = [k for k in m if m[k].suggested and not o[k].suggested]
    assert all(m[k].score >= men.threshold and m[k].evidence for k in added)
    assert not any(m[k].suggested for k in m if m[k].score < men.threshold and not o[k].suggested)
    cough = [c for c in men.codes if c.suggested and c.code.startswith("R05")]
    # R05.1 'acute cough' and R05.9 name the same word: the specific code is the one suggested
    assert [c.code for c in cough] == ["R05.1"], [(c.code, c.evidence) for c in cough]
    with pytest.raises(TaskError, match="unknown scope 'all'"):
        code_document(doc, coder=coder, scope="all")
    # a code whose words the checks found to name no such condition is no mention in either scope
    pcos = code_document(document_from_text("ASSESSMENT:\n1. Polycystic ovarian syndrome.\n"), coder=coder,
                         scope="mentioned")
    sug = {c.code for c in pcos.codes if c.suggested}
    assert "E28.2" in sug and not any(c.startswith("Q61") for c in sug), sorted(sug)


def test_family_and_history_give_z_codes_not_condition_codes(coder):
    _, res = run(coder, "Family history of breast cancer.")
    by_code = {c.code: c for c in res.codes}
    assert "Z80.3" in by_code and by_code["Z80.3"].status == "family"
    assert by_code["Z80.3"].evidence[0].text.lower() == "breast cancer"
    assert not any(c.suggested for c in res.codes if c.code.startswith("C50"))
    _, res = run(coder, "History of MI in 2019.")
    by_code = {c.code: c for c in res.codes}
    assert "I25.2" in by_code and by_code["I25.2"].status == "historical"
    assert all(not c.suggested for c in res.codes if c.code.startswith(("I21", "I22")))


def test_negated_mention_is_listed_with_status(coder):
    _, res = run(coder, "The patient denies chest pain. He has fever.")
    statuses = {c.code: c.status for c in res.codes}
    chest = [c for c in res.codes if c.code.startswith("R07")]
    assert chest and all(c.status == "negated" for c in chest)
    assert statuses.get("R50.9") == "affirmed"


def test_every_listed_code_is_in_the_code_set(coder, shared_data):
    note = shared_data / "codiesp/dev/text_files_en"
    files = sorted(note.glob("*.txt"))[:5]
    if not files:
        pytest.skip("no CodiEsp dev notes")
    for f in files:
        doc = document_from_text(f.read_text(encoding="utf-8"), source=f.name)
        res = code_document(doc, coder=coder)
        assert res.codes
        for c in res.codes:
            assert icd10.lookup(c.code) is not None
            for e in c.evidence:
                assert doc.text[e.start:e.end] == e.text
            if c.suggested:
                assert c.evidence
                assert c.status == "affirmed" or (c.code.startswith("Z8") or c.code == "I25.2")


def test_excludes1_warning_on_constructed_pair():
    ev = []
    pair = [CodeSuggestion("E11.9", "Type 2", 0.9, True, "affirmed", True, ev, []),
            CodeSuggestion("E10.9", "Type 1", 0.8, True, "affirmed", True, ev, []),
            CodeSuggestion("S72.001", "hip", 0.7, True, "affirmed", False, ev, []),
            CodeSuggestion("E11", "header", 0.6, True, "affirmed", False, ev, [])]
    validate(pair)
    assert any("Excludes1" in w and "E10.9" in w for w in pair[0].warnings)
    assert any("Excludes1" in w and "E11.9" in w for w in pair[1].warnings)
    assert any("7th character" in w for w in pair[2].warnings)
    assert any("not billable" in w and "E11." in w for w in pair[3].warnings)
    assert any("use additional code" in w for w in pair[0].warnings)


def test_cli_jsonl_schema(tmp_path, capsys):
    a = tmp_path / "a.txt"
    a.write_text("Patient has type 2 diabetes mellitus and essential hypertension.\n", encoding="utf-8")
    missing = tmp_path / "missing.txt"
    rc = cli_main(["code", str(a), str(missing), "--format", "jsonl", "--no-history"])
    lines = [json.loads(x) for x in capsys.readouterr().out.splitlines()]
    assert rc == 2 and len(lines) == 2
    ok, err = lines
    assert set(ok) >= {"file", "codes", "elapsed_ms"} and ok["file"] == str(a)
    assert err["file"] == str(missing) and "error" in err
    keys = {"code", "description", "score", "suggested", "status", "billable", "evidence", "warnings"}
    assert ok["codes"] and all(set(c) == keys for c in ok["codes"])
    sug = {c["code"] for c in ok["codes"] if c["suggested"]}
    assert {"E11.9", "I10"} <= sug
    text = a.read_text(encoding="utf-8")
    for c in ok["codes"]:
        for e in c["evidence"]:
            assert text[e["start"]:e["end"]] == e["text"]


def test_cli_csv_and_text(tmp_path, capsys):
    a = tmp_path / "a.txt"
    a.write_text("Patient has type 2 diabetes mellitus. She denies chest pain.\n", encoding="utf-8")
    assert cli_main(["code", str(a), "--format", "csv", "--no-history"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert rows and set(rows[0]) == {"file", "code", "description", "score", "suggested", "status", "billable",
                                     "evidence_text", "warnings"}
    e119 = [r for r in rows if r["code"] == "E11.9"]
    assert e119 and e119[0]["suggested"] == "true" and "diabetes" in e119[0]["evidence_text"]
    assert cli_main(["code", str(a), "--no-history"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Suggested ICD-10-CM codes") and "E11.9" in out.split("Other candidates")[0]


def test_cli_jobs_batch_gives_the_same_output_history_and_errors_in_order(tmp_path, capsys):
    """``--jobs 2``: the notes are coded by two worker processes; what is printed, the errors and the history
    records are those of one process, in the same order."""
    notes = {
        "a.txt": "Type 2 diabetes mellitus with diabetic chronic kidney disease stage 3. Denies chest pain.\n",
        "b.txt": "ASSESSMENT: Community-acquired pneumonia with cough and fever for 3 days.\n",
        "c.txt": "Family history of breast cancer. Essential hypertension, on lisinopril.\n",
    }
    for name, text in notes.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    (tmp_path / "d.pdf").write_bytes(b"%PDF-1.4 broken")  # a bad file in the middle of the batch
    (tmp_path / "e.txt").write_text("Rule out pneumonia.\n", encoding="utf-8")
    outs = []
    for jobs in ("1", "2"):
        rc = cli_main(["code", str(tmp_path), "--format", "jsonl", "--no-history", "--jobs", jobs])
        lines = [json.loads(x) for x in capsys.readouterr().out.splitlines()]
        assert rc == 2  # one input failed, the others were coded
        for rec in lines:
            rec.pop("elapsed_ms", None)
        outs.append(lines)
    one, two = outs
    assert [r["file"] for r in two] == [str(tmp_path / n) for n in ("a.txt", "b.txt", "c.txt", "d.pdf", "e.txt")]
    assert two == one
    assert "error" in two[3] and "d.pdf" in two[3]["error"] and two[3]["error_type"] == "IngestError"
    assert {"J18.9"} <= {c["code"] for c in two[1]["codes"] if c["suggested"]}
    # recorded in the encrypted history in input order, failures not recorded
    assert cli_main(["code", str(tmp_path), "--format", "jsonl", "--jobs", "2"]) == 2
    capsys.readouterr()
    assert cli_main(["history", "list", "--format", "json"]) == 0
    runs = json.loads(capsys.readouterr().out)
    names = [json.dumps(r) for r in runs]
    order = [next(k for k, s in enumerate(names) if n in s) for n in ("a.txt", "b.txt", "c.txt", "e.txt")]
    assert len(runs) == 4 and sorted(order, reverse=True) == order  # newest first


def test_cli_encounter_flag_and_setting(tmp_path, capsys):
    """``--encounter inpatient`` (or the coding_encounter setting) suggests "rule out pneumonia" as established,
    status uncertain, in one process and in a batch; the flag wins over the setting; a bad value is refused."""
    from medassist.config import Settings

    (tmp_path / "a.txt").write_text("Rule out pneumonia.\n", encoding="utf-8")
    (tmp_path / "b.txt").write_text("Probable urinary tract infection. Denies chest pain.\n", encoding="utf-8")

    def suggested(*extra):
        assert cli_main(["code", str(tmp_path), "--format", "jsonl", "--no-history", *extra]) == 0
        recs = [json.loads(x) for x in capsys.readouterr().out.splitlines()]
        return [{(c["code"], c["status"]) for c in r["codes"] if c["suggested"]} for r in recs]

    assert ("J18.9", "uncertain") not in suggested()[0]
    inpatient = suggested("--encounter", "inpatient")
    assert ("J18.9", "uncertain") in inpatient[0] and ("N39.0", "uncertain") in inpatient[1]
    assert all(st != "affirmed" for code, st in inpatient[1] if code.startswith("R07"))
    assert suggested("--encounter", "inpatient", "--jobs", "2") == inpatient
    s = Settings.load()
    s.coding_encounter = "inpatient"
    s.save()
    assert suggested() == inpatient
    assert ("J18.9", "uncertain") not in suggested("--encounter", "outpatient")[0]
    with pytest.raises(SystemExit) as exc:
        cli_main(["code", "x.txt", "--encounter", "emergency"])
    assert exc.value.code == 2 and "invalid choice: 'emergency'" in capsys.readouterr().err


def test_cli_suggest_flag_and_setting(tmp_path, capsys):
    """``--suggest mentioned`` (or the coding_suggest setting) suggests "denies chest pain" as a negated mention, in
    one process and in a batch, and says so in the record and the text; the flag wins over the setting."""
    from medassist.config import Settings

    (tmp_path / "a.txt").write_text("Denies chest pain. Essential hypertension.\n", encoding="utf-8")
    (tmp_path / "b.txt").write_text("No history of diabetes. Family history of breast cancer.\n", encoding="utf-8")

    def records(*extra):
        assert cli_main(["code", str(tmp_path), "--format", "jsonl", "--no-history", *extra]) == 0
        return [json.loads(x) for x in capsys.readouterr().out.splitlines()]

    def suggested(recs):
        return [{(c["code"], c["status"]) for c in r["codes"] if c["suggested"]} for r in recs]

    coded = records()
    assert ("R07.9", "negated") not in suggested(coded)[0] and ("I10", "affirmed") in suggested(coded)[0]
    assert all("suggest" not in r for r in coded)
    men = records("--suggest", "mentioned")
    assert ("R07.9", "negated") in suggested(men)[0] and ("I10", "affirmed") in suggested(men)[0]
    assert any(st == "negated" and code.startswith("E11") for code, st in suggested(men)[1])
    assert all(r["suggest"] == "mentioned" and "--suggest mentioned" in r["notices"][0] for r in men)
    assert suggested(records("--suggest", "mentioned", "--jobs", "2")) == suggested(men)
    s = Settings.load()
    s.coding_suggest = "mentioned"
    s.save()
    assert suggested(records()) == suggested(men)
    assert suggested(records("--suggest", "coded")) == suggested(coded)
    assert cli_main(["code", str(tmp_path / "a.txt"), "--no-history"]) == 0
    text = capsys.readouterr().out
    assert "Suggested ICD-10-CM codes for every condition mentioned" in text and "negated" in text


def test_hospital_stay_note_coded_as_outpatient_gets_a_notice(coder, tmp_path, capsys):
    from medassist.tasks.code import encounter_notice

    text = ("HOSPITAL COURSE:\nAdmitted with probable pneumonia, treated with ceftriaxone.\n\n"
            "DISCHARGE DIAGNOSES:\n1. Probable community-acquired pneumonia.\n")
    doc = document_from_text(text)
    out = code_document(doc, coder=coder)
    assert len(out.notices) == 1 and "hospital course" in out.notices[0] and "--encounter inpatient" in out.notices[0]
    assert not code_document(doc, coder=coder, encounter="inpatient").notices  # already inpatient: nothing to say
    assert not code_document(document_from_text("Assessment: probable pneumonia."), coder=coder).notices
    assert encounter_notice(doc, "inpatient") is None
    # an office visit's instructions are no hospital stay; discharge instructions are
    office = "ASSESSMENT\nRight ankle sprain.\n\nINSTRUCTIONS\n\nThe patient will follow up in 2 weeks.\n"
    assert encounter_notice(document_from_text(office), "outpatient") is None
    assert "discharge instructions" in encounter_notice(
        document_from_text(office.replace("\nINSTRUCTIONS", "\nDISCHARGE INSTRUCTIONS")), "outpatient")
    ed = "EMERGENCY DEPARTMENT COURSE:\nGiven fluids, improved.\n\nASSESSMENT\nGastroenteritis.\n"
    assert encounter_notice(document_from_text(ed), "outpatient") is None
    (tmp_path / "d.txt").write_text(text, encoding="utf-8")
    assert cli_main(["code", str(tmp_path / "d.txt"), "--no-history"]) == 0
    assert capsys.readouterr().out.startswith("Note: this note has the sections of a hospital stay")
    assert cli_main(["code", str(tmp_path / "d.txt"), "--no-history", "--format", "jsonl"]) == 0
    assert json.loads(capsys.readouterr().out)["notices"] == out.notices


def test_cli_jobs_rejects_a_bad_value(capsys):
    with pytest.raises(SystemExit) as exc:
        cli_main(["code", "x.txt", "--jobs", "two"])
    assert exc.value.code == 2 and "--jobs takes a whole number" in capsys.readouterr().err


def test_batch_worker_that_dies_gives_a_typed_error_naming_the_note(tmp_path):
    """Workers killed mid-batch (out of memory, say): each note they did not code fails with a TaskError naming
    the file and saying how to go on, and the run goes on (exit code 2 from run_task, as for any failed input)."""
    import os
    import signal
    import time

    from medassist.cli import expand_inputs
    from medassist.commands.code import Batch
    from medassist.errors import TaskError

    for k in range(3):
        (tmp_path / f"n{k}.txt").write_text("Essential hypertension.\n", encoding="utf-8")
    items = expand_inputs([str(tmp_path)])
    batch = Batch(items, 2)
    try:
        pids = batch.warm()
        assert len(pids) == 2
        for pid in pids:
            os.kill(pid, signal.SIGKILL)
        time.sleep(0.5)
        for item in items:
            with pytest.raises(TaskError) as exc:
                batch.result(item)
            assert item.name in str(exc.value) and "--jobs 1" in str(exc.value)
    finally:
        batch.close()


_TABULAR_PLACE = {"C4A": "C43z", "C7A": "C75z", "C7B": "C75zz"}  # (letter categories sit inside their number range)


def _classifiable(z: str) -> list[tuple[str, str]]:
    """The 'Conditions classifiable to C15-C26, ...' ranges of a Z80 / Z85 code or its nearest ancestor that has them."""
    import re

    for code in [z] + list(reversed(icd10.ancestors(z))):
        e = icd10.lookup(code)
        for t in (e.inclusion_terms or ()) if e else ():
            m = re.search(r"classifiable (?:elsewhere in|to) (.+)$", t)
            if m:
                out = []
                for part in re.split(r"[,;]\s*", m.group(1).strip()):
                    a, _, b = part.strip().rstrip("-").rstrip(".").partition("-")
                    out.append((a, b or a))
                return out
    return []


def test_cancer_history_codes_follow_the_tabular_list():
    """Every neoplasm row of history_codes.json (a past or a relative's cancer) gives a Z85 / Z80 code whose tabular
    note 'Conditions classifiable to ...' (its own, or its category's) takes that condition; the catch-all 'C' row
    is the unspecified code."""
    from medassist.tasks.code import _history_rules

    def place(c: str) -> str:
        return _TABULAR_PLACE.get(c[:3], c[:3]) + c[3:]

    rules = _history_rules()
    checked = 0
    for status, prefix in (("historical", "Z85"), ("family", "Z80")):
        for cond, z in rules[status].items():
            if not cond.startswith("C"):
                continue
            assert icd10.is_billable(z) and z.startswith(prefix), (status, cond, z)
            if cond == "C":
                assert z == prefix + ".9"
                continue
            ranges = _classifiable(z)
            if not ranges:  # Z85.29 has no note: C38 (heart, mediastinum, pleura) and C39 by its description
                assert cond in ("C38", "C39") and "other respiratory and intrathoracic" in icd10.lookup(z).description
                continue
            p = place(cond)
            assert any(place(a) <= p <= place(b) + "~" for a, b in ranges), (status, cond, z, ranges)
            checked += 1
    assert checked > 150


@pytest.mark.parametrize("text,codes", [
    ("FAMILY HISTORY\nMaternal grandfather: pancreatic cancer.\nMother: melanoma.\n", ("Z80.8", "Z80.0")),
    ("FAMILY HISTORY\nHis father had colon cancer and his mother had melanoma.\n", ("Z80.0", "Z80.8")),
    ("FAMILY HISTORY\nHer sister has non-Hodgkin lymphoma. Her brother had kidney cancer.\n", ("Z80.7", "Z80.51")),
    ("PAST MEDICAL HISTORY\nHistory of melanoma of the back, excised in 2015.\n", ("Z85.820",)),
    ("PAST MEDICAL HISTORY\nHistory of multiple myeloma, treated in 2018.\n", ("Z85.79",)),
])
def test_a_relatives_or_past_cancer_is_coded_by_its_site(coder, text, codes):
    _, res = run(coder, text)
    by_code = {c.code: c for c in res.codes}
    for code in codes:
        assert code in by_code, (code, sorted(by_code)[:30])
    assert not any(c.suggested for c in res.codes if c.code in ("Z80.9", "Z85.9")), [c.code for c in res.codes if c.suggested]


@pytest.mark.parametrize("text,code,history", [
    ("PAST MEDICAL HISTORY\nHistory of multiple myeloma, in remission after a transplant in 2018.\n", "C90.01", "Z85.79"),
    ("ASSESSMENT\nAcute myeloid leukemia.\n", "C92.00", None),
])
def test_a_past_cancer_in_remission_is_the_remission_code_and_a_leukemia_its_type(coder, text, code, history):
    """A myeloma or leukemia said to be in remission is coded in remission (C90.01), not as a personal history
    (Z85.79); 'Acute myeloid leukemia' is C92.00, not the chronic myeloid leukemia (C92.10) or the myeloproliferative
    disease (D47.1) a model learned from its last two words."""
    _, res = run(coder, text)
    sug = {c.code: c for c in res.codes if c.suggested}
    assert code in sug and sug[code].status == "affirmed", sorted(sug)
    assert history not in sug and not {"C92.10", "D47.1"} & set(sug), sorted(sug)


def test_a_cancer_named_by_its_abbreviation_is_coded_and_a_joined_one_is_not(coder):
    """A malignant neoplasm's mention needs a tumour word, or the code's own everyday abbreviation standing alone:
    'CML', 'CLL', 'HCC' in a problem list are the cancers; '25-HCC' (25-hydroxycholecalciferol) is no liver cancer."""
    _, res = run(coder, "ASSESSMENT AND PLAN\n1. CML, on imatinib.\n2. HCC, on surveillance.\n3. CLL, stable.\n")
    sug = {c.code for c in res.codes if c.suggested}
    assert {"C92.10", "C22.0", "C91.10"} <= sug, sorted(sug)
    _, res = run(coder, "ASSESSMENT AND PLAN\n1. Vitamin D deficiency: 25-HCC was low, started on ergocalciferol.\n")
    assert "C22.0" not in {c.code for c in res.codes if c.suggested}


def test_a_relatives_condition_takes_the_family_code_the_tabular_list_classifies_it_under():
    """family_code: a row of history_codes.json, else the Z80-Z84 code whose 'Conditions classifiable to' note takes
    the condition's category (a header's 'other' child); checked for the first code of every category."""
    from medassist.tasks.code import _history_rules, family_code

    table = _history_rules()["family"]
    seen = {}
    for code in icd10.iter_codes(billable_only=True):
        if code[:3] in seen or code[0] in "STUVWXYZ":
            continue
        z = family_code(code, table)
        seen[code[:3]] = z
        if z is None or any(code.startswith(p) for p in table):
            continue
        assert z.startswith(("Z80", "Z81", "Z82", "Z83", "Z84")) and icd10.is_billable(z), (code, z)
        ranges = _classifiable(z)
        assert any(a[:3] <= code[:3] <= b[:3] for a, b in ranges), (code, z, ranges)
    assert seen["E07"] == "Z83.49" and seen["K58"] == "Z83.79" and seen["L40"] == "Z84.0" and seen["F84"] == "Z81.8"
    assert seen["G40"] == "Z82.0" and seen["N28"] == "Z84.19" and seen["M10"] == "Z82.61"
    assert sum(z is not None for z in seen.values()) > 800  # (none for infections, symptoms R, pregnancy O, perinatal P)
    # a relative's passing illness is a sick contact, not a family history
    assert family_code("J06.9", table, "upper respiratory infection") is None
    assert family_code("K85.90", table, "pancreatitis") is None and family_code("B20", table, "HIV") == "Z83.0"


def test_family_history_section_codes_each_relatives_condition(coder):
    _, res = run(coder, "FAMILY HISTORY\nHer sister has irritable bowel syndrome. Her father had glaucoma.\n"
                        "SICK CONTACTS\nMom has some upper respiratory infection.\n")
    by_code = {c.code: c for c in res.codes}
    assert {"Z83.79", "Z83.511"} <= set(by_code), sorted(by_code)[:30]
    assert by_code["Z83.79"].status == "family" and by_code["Z83.511"].status == "family"
    assert "Z83.6" not in by_code


@pytest.mark.parametrize("text,code,current", [
    ("BRIEF HISTORY: The patient had stones x2, had recurrent episode of sepsis, stent was placed. "
     "POSTOPERATIVE DIAGNOSIS: Left distal ureteral stone.", "A41.9", False),
    ("HPI\nHe had several episodes of acute pancreatitis. He presents for a cholecystectomy.\n", "K85.90", False),
    ("HPI\nShe had an episode of pneumonia this morning with fever.\n", "J18.9", True),
])
def test_an_earlier_episode_of_an_acute_illness_is_not_current(coder, text, code, current):
    _, res = run(coder, text)
    sug = {c.code for c in res.codes if c.suggested}
    assert (code in sug) == current, sorted(sug)


def test_the_pain_of_an_osteoarthritis_is_part_of_it(coder):
    """Guideline I.B.5: 'Left hip degenerative arthritis' with the pain that brought her to the operation is M16.12
    alone; pain of another joint stays its own code."""
    _, res = run(coder, "HISTORY OF PRESENT ILLNESS\nShe has had left hip degenerative arthritis since 2000. Because "
                        "of the increased amount of pain, she has elected to undergo a total hip arthroplasty.\n"
                        "ASSESSMENT\nLeft hip degenerative arthritis.\n")
    sug = {c.code for c in res.codes if c.suggested}
    assert "M16.12" in sug and not {"R52", "M25.552"} & sug, sorted(sug)
    _, res = run(coder, "ASSESSMENT\n1. Osteoarthritis of the right knee.\n2. Left shoulder pain.\n")
    assert {"M17.11", "M25.512"} <= {c.code for c in res.codes if c.suggested}


def test_neck_pain_due_to_a_cervical_disc_disorder_is_the_disc_code():
    """M54.2's Excludes1 note: cervicalgia due to an intervertebral cervical disc disorder (M50.-) is that code."""
    from medassist.tasks.code import get_coder

    _, res = run(get_coder(), "ASSESSMENT\n• Neck pain in the setting of arthritis and cervical disc degeneration\n")
    sug = {c.code: c for c in res.codes if c.suggested}
    assert any(k.startswith("M50.3") for k in sug) and "M54.2" not in sug, sorted(sug)
    m54 = next(c for c in res.codes if c.code == "M54.2")
    assert any("integral to the suggested M50.3" in w for w in m54.warnings)


def test_every_relatives_condition_the_family_history_section_names_is_suggested(coder):
    """A FAMILY HISTORY section lists relatives' conditions for the coder: each named in the code's own terms gets its
    family-history code, however the CodiEsp-trained scorer rates family mentions; a negated one does not, nor two
    items of a comma list read as one term."""
    _, res = run(coder, "FAMILY HISTORY\nFH: DM, HTN, CAD.\nMother with breast cancer at 45.\nNo family history of "
                        "colon cancer.\nFather had a stroke at 70.\nSister with lupus.\nBrother with depression.\n")
    sug = {c.code: c for c in res.codes if c.suggested}
    assert {"Z83.3", "Z82.49", "Z80.3", "Z82.3", "Z82.69", "Z81.8"} <= set(sug), sorted(sug)
    assert "Z80.0" not in sug and all(c.status == "family" for c in sug.values())
    assert any("family history section" in w for w in sug["Z80.3"].warnings)
    # the section decides: the same words outside it are no family-history line
    from medassist.tasks.code import family_section_mention

    for text, expect in (("FAMILY HISTORY\nSister with lupus.\n", True), ("HPI\nSister with lupus.\n", False)):
        doc, res = run(coder, text)
        m32 = next(c for c in res.codes if c.code == "M32.9")
        assert family_section_mention(m32, doc) is expect
