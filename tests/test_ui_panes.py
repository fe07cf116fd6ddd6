"""The task panes show every part of the engine's results a clinician must see (pytest-qt, offscreen): drugs
given in hospital apart from the medicines to take, return precautions, the letter's fact-check warnings,
the report's provenance, [unreviewed default] tags and the impression model's failed check, and each code's
evidence, context and coding notes. Every result comes from the real engine on the project's samples."""

from __future__ import annotations

import copy
import dataclasses
from pathlib import Path

import pytest

pytest.importorskip("pytestqt")

from PySide6.QtCore import Qt, QUrl  # noqa: E402

from medassist.ingest import load_document  # noqa: E402
from ui.panes import CodesPane, LetterPane, ReportPane, SummaryPane  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "resources" / "samples"


def tree_parts(pane: SummaryPane) -> dict[str, list[str]]:
    """What the summary tree shows: heading text -> the lines under it."""
    out = {}
    for i in range(pane.tree.topLevelItemCount()):
        head = pane.tree.topLevelItem(i)
        assert not head.isHidden()
        out[head.text(0)] = [head.child(j).text(0) for j in range(head.childCount())]
    return out


def heading(parts: dict[str, list[str]], *words: str) -> str:
    found = [h for h in parts if all(w.lower() in h.lower() for w in words)]
    assert len(found) == 1, (words, list(parts))
    return found[0]


@pytest.fixture(scope="module")
def discharge_doc():
    return load_document(SAMPLES / "discharge_summary.txt")


@pytest.fixture(scope="module")
def discharge_summary(discharge_doc):
    from medassist.tasks.summarize import summarize

    return summarize(discharge_doc)


def show(qtbot, pane):
    qtbot.addWidget(pane)
    pane.resize(760, 900)
    pane.show()
    return pane


# ------------------------------------------------------------------------------------------ summary
def test_hospital_only_drugs_are_apart_from_the_medicines_to_take(qtbot, discharge_doc, discharge_summary):
    pane = show(qtbot, SummaryPane())
    pane.set_result(discharge_summary)
    parts = tree_parts(pane)
    meds = parts[heading(parts, "medications", "discharge")]
    hosp_head = heading(parts, "hospital")
    hosp = parts[hosp_head]
    assert "not for home" in hosp_head.lower()
    # the note: "He was treated with IV ceftriaxone and azithromycin" (hospital course), not on the discharge list
    for drug in ("ceftriaxone", "azithromycin"):
        assert any(drug in line.lower() for line in hosp), hosp
        assert not any(drug in line.lower() for line in meds), meds
    assert any(line.startswith("Cefuroxime 500 mg") for line in meds)
    assert any(line.startswith("STOP") and "Ibuprofen" in line for line in meds)
    # a hospital drug's line leads to the note's words (with the route written before it: "IV ceftriaxone")
    spans = []
    pane.evidenceClicked.connect(lambda a, b: spans.append((a, b)))
    hosp_item = pane.tree.topLevelItem(list(parts).index(hosp_head)).child(0)
    pane.tree.itemClicked.emit(hosp_item, 0)
    assert spans and discharge_doc.text[spans[0][0]:spans[0][1]].lower() in (
        "ceftriaxone", "azithromycin", "iv ceftriaxone", "iv azithromycin")
    # the export says the same
    blocks = dict(pane.blocks())
    assert any("ceftriaxone" in x for x in blocks[hosp_head])
    assert not any("ceftriaxone" in x.lower() for x in blocks[heading(parts, "medications", "discharge")])


def test_return_precautions_are_shown_and_exported(qtbot, discharge_summary):
    pane = show(qtbot, SummaryPane())
    pane.set_result(discharge_summary)
    parts = tree_parts(pane)
    prec = parts[heading(parts, "return precautions")]
    assert any(line.startswith("Return to the emergency department if you have chest pain") for line in prec)
    assert any("Return to the emergency department" in x for x in dict(pane.blocks())[heading(parts, "return precautions")])
    # the key results carry their flags, the allergy its reaction
    results = parts[heading(parts, "key results")]
    assert any("Creatinine peaked at 1.9 mg/dL" in r and "[high]" in r for r in results)


def test_a_listed_inpatient_drug_is_never_shown_as_one_to_take(qtbot):
    """A discharge list naming an inpatient-only drug (IV ceftriaxone, propofol): the engine sets
    setting="inpatient"; the pane puts it under the hospital part, also for a stored result that still
    carries it in `medications` (an older run reopened from the history)."""
    from medassist.ingest.notes import document_from_text
    from medassist.tasks.summarize import summarize

    text = ("DISCHARGE MEDICATIONS:\n1. Metoprolol 25 mg PO BID.\n2. Ceftriaxone 1 g IV daily.\n"
            "3. Propofol 50 mg IV.\n")
    d = summarize(document_from_text(text, source="listed.txt")).to_dict()
    inpatient = [m["text"] for m in d["hospital_medications"]]
    assert any("Ceftriaxone" in t for t in inpatient)
    stored = copy.deepcopy(d)
    stored["medications"] += stored["hospital_medications"]
    stored["hospital_medications"] = []
    for result in (d, stored):
        pane = show(qtbot, SummaryPane())
        pane.set_result(result)
        parts = tree_parts(pane)
        meds = parts[heading(parts, "medications", "discharge")]
        hosp = parts[heading(parts, "hospital")]
        assert [m for m in meds if "Metoprolol" in m] and not [m for m in meds if "Ceftriaxone" in m or "Propofol" in m]
        assert [h for h in hosp if "Ceftriaxone" in h] and [h for h in hosp if "Propofol" in h]


def test_a_resolved_diagnosis_is_marked_once_in_the_pane(qtbot):
    """The pane marks a problem's status ("Hypokalemia  (resolved)") unless its words say it already
    ("Acute kidney injury, resolved" is not followed by a second "(resolved)")."""
    from medassist.ingest.notes import document_from_text
    from medassist.tasks.summarize import summarize

    text = ("DISCHARGE DIAGNOSES:\n1. Community-acquired pneumonia.\n2. Acute kidney injury, resolved.\n"
            "3. Hypokalemia: resolved with oral replacement.\n")
    pane = show(qtbot, SummaryPane())
    pane.set_result(summarize(document_from_text(text, source="resolved.txt"), use_embeddings=False))
    parts = tree_parts(pane)
    problems = [line.split("  [")[0] for line in parts[heading(parts, "problems")]]
    assert problems[0].startswith("Community-acquired pneumonia")
    assert any(p.startswith("Acute kidney injury, resolved") and "(resolved)" not in p for p in problems), problems
    assert any(p.startswith("Hypokalemia  (resolved)") for p in problems), problems


def test_summary_warnings_are_above_the_draft(qtbot):
    from medassist.ingest.notes import document_from_text
    from medassist.tasks.summarize import summarize

    # no medication list: the engine warns that medicines are those mentioned in the text
    s = summarize(document_from_text("Assessment: knee pain. Plan: start ibuprofen 400 mg PO TID. Recheck in 2 weeks.\n",
                                     source="short.txt"))
    assert s.warnings
    pane = show(qtbot, SummaryPane())
    pane.set_result(s)
    assert pane.checks.isVisible()
    for w in s.warnings:
        assert w in pane.checks.text()


# ------------------------------------------------------------------------------------------ letter
def test_letter_fact_check_warning_is_shown_with_the_letter(qtbot, discharge_doc):
    """A letter whose text says a dose the note does not (as a model rewrite could): the engine's fact
    check names it, and the pane shows it above the letter, not in a tooltip."""
    from medassist.tasks.letter import write_letter
    from medassist.tasks.letter_check import check_letter

    good = write_letter(discharge_doc)
    pane = show(qtbot, LetterPane())
    pane.set_result(good)
    assert pane.checks.isVisible() and pane.checks.level == "ok" and "passed" in pane.checks.text()
    assert "Reading level: grade" in pane.info.text()

    assert "take 500 mg by mouth" in good.text
    bad_text = good.text.replace("take 500 mg by mouth", "take 750 mg by mouth", 1)
    warnings, missing = check_letter(bad_text, discharge_doc, good.facts)
    assert any("750" in w for w in warnings)
    bad = dataclasses.replace(good, text=bad_text, warnings=warnings, missing=missing)
    pane.set_result(bad)
    assert pane.checks.isVisible() and pane.checks.level == "warn"
    assert "'750'" in pane.checks.text() and "not in the note" in pane.checks.text()
    assert pane.text() == bad_text
    # a past run from the history (a dict seen through attributes) shows the same check
    from ui.main_window import _Obj

    pane2 = show(qtbot, LetterPane())
    pane2.set_result(_Obj(bad.to_dict()))
    assert "'750'" in pane2.checks.text()

    # a letter that drops the allergy line: the check names the fact left out
    no_allergy = good.text.replace("- You are allergic to Penicillin (hives).\n", "")
    assert no_allergy != good.text
    warnings, missing = check_letter(no_allergy, discharge_doc, good.facts)
    pane.set_result(dataclasses.replace(good, text=no_allergy, warnings=warnings, missing=missing))
    assert pane.checks.level == "warn" and "Left out of the letter (allergy): Penicillin" in pane.checks.text()


def test_a_drug_given_in_hospital_is_rightly_left_out_of_the_letter(qtbot):
    from medassist.ingest.notes import document_from_text
    from medassist.tasks.letter import write_letter

    doc = document_from_text("ASSESSMENT: Esophageal stricture with food impaction.\nPLAN: IV Protonix 40 mg q.12h. "
                             "Clear liquid diet for 24 hours. She should take Prevacid SoluTab 30 mg b.i.d. on discharge.\n",
                             source="stricture.txt")
    letter = write_letter(doc)
    # left out on purpose (not a missing fact): the pane says so without raising a warning
    assert [m["text"] for m in letter.to_dict()["left_out"] if m.get("status") == "in_hospital"] == ["Protonix"]
    assert not [m for m in letter.missing if m.get("text") == "Protonix"]
    pane = show(qtbot, LetterPane())
    pane.set_result(letter)
    assert not [ln for ln in pane.text().splitlines() if ln.startswith("- Take Protonix")]
    assert "Given in hospital only, so not a medicine to take in the letter: Protonix" in pane.checks.text()
    assert pane.checks.level == ("warn" if letter.warnings else "ok")


# ------------------------------------------------------------------------------------------ report
def _rg1():
    pydicom = pytest.importorskip("pydicom")
    from pydicom.data import get_testdata_file

    p = get_testdata_file("RG1_UNCR.dcm")  # CR chest PA: the chest radiograph template (impression model)
    if p is None:
        pytest.skip("pydicom test file RG1_UNCR.dcm not installed")
    return p, pydicom


def test_report_impression_warning_and_provenance_next_to_the_draft(qtbot):
    from medassist.tasks.impression import find_impression_pack
    from medassist.tasks.report import draft_report

    try:
        find_impression_pack()
    except Exception as exc:  # noqa: BLE001 - the pack is built, not committed
        pytest.skip(f"impression pack not installed: {exc}")
    path, _ = _rg1()
    findings = "Heart size is mildly enlarged. There is a small left pleural effusion. No pneumothorax."
    rep = draft_report(path, findings=findings, image_model=None)
    imp = rep.to_dict()["sections"][-1]
    assert imp["name"] == "impression" and imp["model_draft"]["check"] and rep.warnings
    pane = show(qtbot, ReportPane())
    pane.set_result(rep)
    assert pane.checks.isVisible() and "model draft was not used" in pane.checks.text()
    prov = pane.provenance.text()
    assert pane.provenance.isVisible()
    assert "Impression" in prov and "abnormal findings, verbatim" in prov and "failed the check" in prov
    assert "your findings, as typed" in prov and "from the DICOM header" in prov
    for reason in imp["model_draft"]["check"]:
        assert reason.split(":")[0] in prov


def test_report_template_defaults_are_tagged_and_painted(qtbot):
    from medassist.tasks.report import draft_report

    rep = draft_report(SAMPLES / "ct_phantom", image_model=None)
    pane = show(qtbot, ReportPane())
    pane.set_result(rep)
    assert "template normal default — NOT reviewed" in pane.provenance.text()
    assert "[unreviewed default]" in pane.checks.text()
    doc = pane.editor.document()
    painted = 0
    for i in range(doc.blockCount()):
        block = doc.findBlockByNumber(i)
        k = block.text().find("[unreviewed default]")
        if k >= 0:
            fmts = block.layout().formats()
            assert any(f.start <= k < f.start + f.length and f.format.fontWeight() > 50 for f in fmts), block.text()
            painted += 1
    assert painted >= 2  # each findings line and the impression

    # the template's pick list: one submenu per organ, its normal sentence and its listed findings
    items = next(s for s in rep.to_dict()["sections"] if s["name"] == "findings")["items"]
    menus = {a.text(): a.menu() for a in pane.pick_menu.actions()}
    assert pane.pick.isEnabled() and set(menus) == {it["label"] for it in items}
    pleura = next(it for it in items if it["options"])
    choices = [a.text() for a in menus[pleura["label"]].actions()]
    assert choices == ["Normal: " + pleura["normal"], *pleura["options"]]
    menus[pleura["label"]].actions()[1].trigger()
    line = next(ln for ln in pane.text().splitlines() if ln.startswith(pleura["label"] + ":"))
    assert line == f"{pleura['label']}: {pleura['options'][0]}"
    assert pane.save_edit.isEnabled()
    edited = pane.edited_report()
    assert edited.section("findings").source == "user" and pleura["options"][0] in edited.section("findings").text


def test_draft_from_findings_runs_the_report_task_with_them(qtbot):
    """The findings box drafts the report again in the tasks pool (not on the GUI thread), with the findings."""
    import threading

    from medassist.ingest.dicom import load_study
    from ui.main_window import MainWindow, run_report

    path, _ = _rg1()
    seen = []

    def task(study, job, history=None, findings=None):
        seen.append((findings, threading.current_thread() is threading.main_thread()))
        return run_report(study, job, history, findings)

    w = MainWindow(tasks={"report": task}, run_tasks=False, use_env_passphrase=False)
    qtbot.addWidget(w)
    study = load_study([str(path)]).studies[0]
    tab = w.open_study(study, "RG1")
    tab.report.set_busy(False)
    tab.report.findings.setPlainText("Small right pleural effusion.")
    w.show()
    qtbot.waitExposed(w)
    qtbot.mouseClick(tab.report.redraft, Qt.LeftButton)
    qtbot.waitUntil(lambda: tab.report.result is not None or tab.report.banner.state == "failed", timeout=120_000)
    assert tab.report.banner.state == "draft", tab.report.banner.text()
    assert seen == [("Small right pleural effusion.", False)]
    assert "Small right pleural effusion." in tab.report.text()
    assert "your findings, as typed" in tab.report.provenance.text()
    w.shutdown()


# ------------------------------------------------------------------------------------------ codes
def test_code_detail_shows_every_evidence_span_context_and_coding_notes(qtbot, discharge_doc):
    from medassist.tasks.code import code_document

    result = code_document(discharge_doc)
    pane = show(qtbot, CodesPane())
    pane.set_result(result)
    codes = pane.codes
    noted = [i for i in pane.rows if codes[i].get("warnings")]
    if not noted:
        pytest.skip("no suggested code carries a coding note on this sample")
    i = noted[0]
    r = pane.rows.index(i)
    notes_col = pane.COLUMNS.index("Notes")
    assert pane.table.item(r, notes_col).text()
    pane.table.setCurrentCell(r, 0)
    detail = pane.detail.toPlainText()
    for w in codes[i]["warnings"]:
        assert w in detail
    for e in codes[i]["evidence"]:
        assert e["text"] in detail
    # an evidence link selects its span in the note
    spans = []
    pane.evidenceClicked.connect(lambda a, b: spans.append((a, b)))
    e0 = codes[i]["evidence"][-1]
    pane.detail.anchorClicked.emit(QUrl(f"ev:{e0['start']}-{e0['end']}"))
    assert discharge_doc.text[spans[-1][0]:spans[-1][1]] == e0["text"]
    # a negated candidate (shown with "Show candidates below the threshold") names its context and cue
    pane.show_all.setChecked(True)
    neg = next((k for k in pane.rows if codes[k].get("status") == "negated" and codes[k].get("cue")), None)
    if neg is not None:
        pane.table.setCurrentCell(pane.rows.index(neg), 0)
        assert "negated" in pane.detail.toPlainText() and codes[neg]["cue"]["text"] in pane.detail.toPlainText()
    assert "ICD-10-CM" in pane.provenance.text() and "outpatient rules" in pane.provenance.text()
    assert "sections of a hospital stay" in pane.checks.text()  # the discharge summary, coded as outpatient
    pane.set_result({**result.to_dict(), "encounter": "inpatient"})
    assert "inpatient rules: uncertain diagnoses coded as established" in pane.provenance.text()
    assert "every condition mentioned" not in pane.provenance.text()
    from ui.panes import code_note_tags

    assert code_note_tags({"warnings": ["suggested as a mention (--suggest mentioned); the coded scope does not report "
                                        "it: the note's mention is negated"], "billable": True}) == "as a mention"
    pane.set_result({**result.to_dict(), "scope": "mentioned"})
    assert "every condition mentioned suggested, whatever its status" in pane.provenance.text()


# ------------------------------------------------------------------------------------------ theme
def test_mentions_and_legend_follow_the_theme(qtbot):
    from PySide6.QtGui import QTextCursor
    from PySide6.QtWidgets import QApplication

    from ui.panes import DARK_MENTION_COLORS, MENTION_STYLES
    from ui.tabs import NoteTab
    from ui.theme import apply_theme

    app = QApplication.instance()
    tab = NoteTab("t", "He denies chest pain. History of asthma.")
    qtbot.addWidget(tab)

    def color_at(offset: int) -> str:
        cur = QTextCursor(tab.note_view.document())
        cur.setPosition(offset + 1)
        return cur.charFormat().foreground().color().name()

    try:
        apply_theme(app, "light")
        tab.style_mentions([{"code": "R07.9", "status": "negated", "suggested": False,
                             "evidence": [{"start": 10, "end": 20, "text": "chest pain"}]}])
        assert color_at(10) == MENTION_STYLES["negated"]["color"]
        apply_theme(app, "dark")
        tab.restyle()
        assert color_at(10) == DARK_MENTION_COLORS["negated"]
        assert DARK_MENTION_COLORS["historical"] in tab.legend.text()
        assert tab.note_view.mentions == [(10, 20, "negated", tab.note_view.mentions[0][3])]
    finally:
        apply_theme(app, "light")


def test_a_listed_only_code_styles_no_mention(qtbot):
    """A faint candidate listed below every scored code (code.list_tail) has a word beside it, not a mention of the
    condition: 'Family history' is not styled as a relative's condition; the scored code's mention still is."""
    from ui.tabs import NoteTab

    text = "Family history of colon cancer. He denies chest pain."
    tab = NoteTab("t", text)
    qtbot.addWidget(tab)
    tab.style_mentions([
        {"code": "Z80.0", "status": "family", "suggested": True, "sources": ["history rule"],
         "evidence": [{"start": 18, "end": 30, "text": "colon cancer"}]},
        {"code": "Z84.89", "status": "family", "suggested": False, "sources": ["learned", "listed only"],
         "evidence": [{"start": 0, "end": 14, "text": "Family history"}]},
        {"code": "R07.2", "status": "negated", "suggested": False, "sources": ["listed only"],
         "evidence": [{"start": 42, "end": 52, "text": "chest pain"}]},
    ])
    assert [(a, b, s) for a, b, s, _ in tab.note_view.mentions] == [(18, 30, "family")]
