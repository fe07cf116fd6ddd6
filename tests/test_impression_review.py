"""Impression regressions from the UI review: when the model draft fails the findings checks, what replaces it
(a repaired draft, a retrieved impression or the findings sentences) carries every abnormal finding stated in
the findings, verbatim if needed ("Right lower lobe opacity"); the failed-check message quotes what the model
wrote; no warning points at a face ("see the JSON", "the window"). Findings written for these tests; the end
to end cases run the committed int8 pack."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
committed = pytest.mark.skipif(not any((ROOT / "models" / "trained").glob("impression-*/manifest.json")),
                               reason="no committed impression pack")

# the model drafts "Right lower lobe pneumonia." (fails: invents pneumonia, leaves out the effusion)
REPAIRED = ("The cardiac silhouette is enlarged. Right lower lobe opacity. There is a moderate right pleural effusion. "
            "No pneumothorax. Degenerative changes of the spine.")
RETRIEVED = ("Heart size is normal. There is a right lower lobe opacity. There is a small left pleural effusion. "
             "No pneumothorax.")
EXTRACTIVE = "Lungs are clear. Right lower lobe opacity. Left apical pneumothorax. Heart size normal."
FACE_WORDS = re.compile(r"(?i)\bjson\b|\bwindow\b|\bcli\b|--format|\bpane\b|\btab\b|\bbutton\b|see the")


def test_prune_draft_removes_only_the_sentences_that_disagree():
    from medassist.tasks.impression import check_impression, prune_draft

    normal = "The lungs are clear. No pleural effusion or pneumothorax. Heart size is normal."
    out, removed = prune_draft(normal, "1. No acute cardiopulmonary findings. 2. Mild cardiomegaly.")
    assert out == "No acute cardiopulmonary findings." and removed == ["Mild cardiomegaly."]
    assert check_impression(normal, out) == []
    out, removed = prune_draft(normal, "No acute disease. Interval development of the chest.")
    assert out == "No acute disease." and removed == ["Interval development of the chest."]
    # a wrong side is removed, nothing is rewritten; a draft with nothing left is not pruned
    f = "Small left pleural effusion. No pneumothorax."
    out, removed = prune_draft(f, "Small left pleural effusion. Right pleural effusion.")
    assert out == "Small left pleural effusion." and removed == ["Right pleural effusion."]
    assert prune_draft(normal, "Mild cardiomegaly.") == ("Mild cardiomegaly.", [])
    # a sentence left that points back at a removed one says nothing of its own: the draft is not pruned
    cabg = ("Status post median sternotomy and CABG. Stable cardiomegaly. Mild pulmonary vascular congestion. No focal "
            "consolidation.")
    draft = ("Moderate increase in size of the cardiac silhouette. Unclear whether this is secondary to cardiomegaly or "
             "pericardial effusion. Pulmonary vascular congestion.")
    assert prune_draft(cabg, draft) == (draft, [])
    out, removed = prune_draft(cabg, "Widened mediastinum. Pulmonary vascular congestion.")
    assert out == "Pulmonary vascular congestion." and removed == ["Widened mediastinum."]


@committed
def test_a_pruned_model_draft_says_what_was_removed():
    from medassist.tasks.impression import ImpressionModel, find_impression_pack

    m = ImpressionModel.from_folder(find_impression_pack(), threads=1)
    normal = "The lungs are clear. No pleural effusion or pneumothorax. Heart size is normal."
    m.seq.generate = lambda src, **kw: type("G", (), {"text": "1. No acute disease. 2. Mild cardiomegaly.", "score": -1.0})()
    imp = m.generate(normal)
    assert imp.impression == "No acute disease."
    assert imp.provenance["source"] == "model" and imp.provenance["removed"] == ["Mild cardiomegaly."]
    assert imp.provenance["model_draft"] == "1. No acute disease. 2. Mild cardiomegaly."
    assert any('"Mild cardiomegaly."' in w and "removed" in w for w in imp.warnings)


@committed
def test_a_repaired_draft_says_a_finding_once():
    """The repair path (a draft whose only fault is a finding left out) drops a draft sentence that the appended
    findings sentence says in full, and its warning names the dropped words (session 28: "1. Stable cardiomegaly.
    2. Stable cardiomegaly with grossly unchanged rightward mediastinal shift.")."""
    from medassist.tasks.impression import ImpressionModel, check_impression, find_impression_pack

    m = ImpressionModel.from_folder(find_impression_pack(), threads=1)
    findings = "Stable cardiomegaly with grossly unchanged rightward mediastinal shift. Lungs clear. No effusion."
    draft = "1. Stable cardiomegaly. 2. No acute disease."
    assert all(p.startswith(("leaves out", "calls the study")) for p in check_impression(findings, draft))
    m.seq.generate = lambda src, **kw: type("G", (), {"text": draft, "score": -1.0})()
    imp = m.generate(findings)
    assert imp.impression == "Stable cardiomegaly with grossly unchanged rightward mediastinal shift."
    assert any('"Stable cardiomegaly."' in w and "dropped" in w for w in imp.warnings), imp.warnings


def test_carry_findings_appends_every_unstated_abnormal_finding_verbatim():
    from medassist.tasks.impression import carry_findings

    out, carried = carry_findings(REPAIRED, "Cardiomegaly. There is a moderate right pleural effusion.")
    # a lung opacity is carried; degenerative spine changes are incidental and not forced into an impression
    assert carried == ["opacity"]
    assert out == "1. Cardiomegaly. 2. There is a moderate right pleural effusion. 3. Right lower lobe opacity."
    # nothing to add: unchanged; a normal claim is dropped when a finding is appended
    assert carry_findings(REPAIRED, out) == (out, [])
    out2, carried2 = carry_findings(EXTRACTIVE, "No acute cardiopulmonary abnormality. Left apical pneumothorax.")
    assert carried2 == ["opacity"] and "no acute" not in out2.lower() and "Right lower lobe opacity." in out2


@committed
@pytest.mark.parametrize("findings", [REPAIRED, RETRIEVED, EXTRACTIVE])
def test_a_failed_model_draft_never_drops_a_stated_finding(findings):
    from medassist.tasks.impression import check_impression, impress

    imp = impress(findings)
    if imp.provenance["source"] == "model" and "model_draft" not in imp.provenance:
        pytest.skip("the model draft passed the checks for this findings text")
    assert "right lower lobe opacity" in imp.impression.lower(), imp.impression
    for prob in check_impression(findings, imp.impression):
        assert any(prob in w for w in imp.warnings)


@committed
@pytest.mark.parametrize("findings", [REPAIRED, RETRIEVED, EXTRACTIVE])
def test_the_failed_check_message_quotes_the_model_draft_and_names_no_face(findings):
    from medassist.tasks.impression import impress

    imp = impress(findings)
    draft = imp.provenance.get("model_draft")
    assert draft and draft.strip() != imp.impression.strip()
    failed = [w for w in imp.warnings if "failed the findings checks" in w or "left out" in w]
    assert failed, imp.warnings
    assert f'"{draft.strip()}"' in failed[0]
    assert f'"{imp.impression.strip()}"' not in " ".join(imp.warnings)  # the repaired text is not called the draft
    for w in imp.warnings + [imp.provenance.get("detail", "")]:
        assert not FACE_WORDS.search(w), w


def test_carry_findings_drops_only_the_normal_claim_clause():
    """'Mild stable cardiomegaly, no acute disease.' keeps its finding when a stated pneumothorax is appended."""
    from medassist.tasks.impression import carry_findings

    out, carried = carry_findings("Large left pneumothorax. Mild stable cardiomegaly.",
                                  "Mild stable cardiomegaly, no acute disease.")
    assert carried == ["pneumothorax"]
    assert out == "1. Mild stable cardiomegaly. 2. Large left pneumothorax."
    assert carry_findings("Large left pneumothorax.", "No acute cardiopulmonary abnormality.")[0] == "Large left pneumothorax."


@pytest.mark.parametrize("claim", ["No evidence of acute disease.", "No radiographic evidence of active disease."])
def test_an_appended_finding_drops_a_no_evidence_of_acute_disease_claim(claim):
    """A retrieved impression 'Hyperexpanded lungs. No evidence of acute disease.' with a stated pneumonia appended
    must not keep the claim the appended finding contradicts; the claim alone is a normal call the checks see."""
    from medassist.tasks.impression import carry_findings, check_impression

    findings = "Lungs are hyperexpanded. Patchy airspace disease is present in the right middle lobe."
    out, carried = carry_findings(findings, f"Hyperexpanded lungs. {claim}")
    assert carried and "evidence" not in out.lower(), out
    assert out.startswith("1. Hyperexpanded lungs. 2. Patchy airspace disease"), out
    assert any(p.startswith("calls the study normal") for p in check_impression(findings, claim))


@committed
def test_a_stable_cardiomegaly_after_cabg_is_not_drafted_as_a_pericardial_effusion():
    """The shipped pack's draft for these findings said no more than the cardiomegaly and called the rest normal; a
    retrieved impression pruned of three sentences was chosen instead, leaving 'Unclear whether this is secondary to
    cardiomegaly or pericardial effusion.' Now the draft is repaired with the congestion the findings state."""
    from medassist.tasks.impression import ImpressionModel, find_impression_pack, check_impression

    m = ImpressionModel.from_folder(find_impression_pack(), threads=1)
    findings = ("Status post median sternotomy and CABG. Stable cardiomegaly. Mild pulmonary vascular congestion. No "
                "focal consolidation.")
    imp = m.generate(findings)
    low = imp.impression.lower()
    assert "pericardial" not in low and "unclear whether this" not in low, imp.impression
    assert "congestion" in low and "without acute" not in low, imp.impression
    # a stable cardiomegaly may be left out (2.1.0's draft said "mild", a size the findings do not give, and a
    # retrieved impression was repaired instead), but never silently: the radiologist is told
    assert "cardiomegaly" in low or any("cardiomegaly" in w and "does not name" in w for w in imp.warnings), imp.warnings
    assert check_impression(findings, imp.impression) == []


@committed
def test_a_retrieved_impression_of_which_nothing_is_left_is_not_called_retrieved():
    """A retrieved impression whose every sentence is removed (its normal claim; what the appended findings sentence
    says in full) leaves the findings sentences quoted: the provenance and the warning say so, not "the impression
    of a similar training report" (left out in session 29)."""
    from medassist.tasks.impression import ImpressionModel, _keeps_words_of, find_impression_pack

    m = ImpressionModel.from_folder(find_impression_pack(), threads=1)
    findings = ("Heart size upper limits of normal. Low lung volumes with mild bronchovascular crowding and right basilar "
                "airspace disease. No pneumothorax or effusions.")
    m.seq.generate = lambda src, **kw: type("G", (), {"text": "No acute cardiopulmonary process.", "score": -1.0})()
    m.index.payloads = ["1. Pulmonary hypoinflation. Otherwise, no acute cardiopulmonary process."] + m.index.payloads[1:]
    m.index.top = lambda text, k, exclude=None: [(0, 0.9)]
    m.index.nearest = lambda text, exclude=None: (0, 0.9)
    imp = m.generate(findings)
    assert "right basilar airspace disease" in imp.impression and "hypoinflation" not in imp.impression.lower()
    assert imp.provenance["source"] == "extractive" and "Pulmonary hypoinflation" in imp.provenance["detail"]
    assert imp.provenance["carried"] == ["consolidation/pneumonia"]
    assert any("quotes the abnormal findings sentences" in w for w in imp.warnings)
    assert not any("similar training report" in w for w in imp.warnings)
    # a sentence of the retrieved impression, whole or less a clause, still speaks in the final one
    assert _keeps_words_of("1. Cardiomegaly. 2. Small left effusion.", "Cardiomegaly without acute disease.")
    assert not _keeps_words_of("1. Small left effusion.", "Cardiomegaly without acute disease.")
