"""Safety of impression drafts (clinical QA cases I1-I4): the findings post-check and what the task outputs.

The findings texts are written here (not the QA files); the end-to-end cases run the committed int8 pack."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
committed = pytest.mark.skipif(not any((ROOT / "models" / "trained").glob("impression-*/manifest.json")),
                               reason="no committed impression pack")

RIB = "Nondisplaced fracture of the left 7th rib laterally. No pneumothorax. The lungs are clear."
EFF = "Moderate left pleural effusion with left lower lobe atelectasis. Right lung clear. No pneumothorax. Cardiomegaly."
PTX = "Large right pneumothorax with leftward mediastinal shift. The left lung is clear. Normal heart size."
LINES = ("The endotracheal tube tip lies 1 cm above the carina. A left subclavian central venous catheter ends in the right "
         "atrium. Diffuse bilateral airspace opacities and small bilateral pleural effusions consistent with pulmonary edema.")
CAVITY = ("Hyperinflated lungs with bullous emphysema. Irregular opacity at the right apex which may represent a cavitary "
          "lesion. No pneumothorax. Heart size normal.")
MASS = "There is a 4 cm spiculated mass in the left upper lobe. No pleural effusion. Normal heart size."
REDACTED = ("The cardiac silhouette is not enlarged. There is interval increase in opacity at the right cardiophrenic XXXX. "
            "No pleural effusion or pneumothorax.")
NORMAL = ("The heart size and pulmonary vascularity appear within normal limits. The lungs are free of focal airspace "
          "disease. No pleural effusion or pneumothorax is seen.")


def _numbers(s: str) -> set[str]:
    return set(re.findall(r"\d+(?:\.\d+)?", re.sub(r"(?:^|\s)\d\.(?=\s)", " ", s)))


# ----- the checker alone (no model) -----

def test_check_flags_side_and_bone_changes():
    from medassist.tasks.impression import check_impression

    probs = check_impression(RIB, "Mildly displaced fracture of the mid right clavicle.")
    assert any("fracture: side right" in p for p in probs)
    assert any("clavicle" in p for p in probs)
    assert check_impression(RIB, "Nondisplaced left 7th rib fracture.") == []
    probs = check_impression(EFF, "1. Right pleural effusion with adjacent atelectasis. 2. Cardiomegaly.")
    assert any(p.startswith("pleural effusion: side right") for p in probs)
    assert any("size" in p and "moderate" in p for p in probs)  # the size word was lost too


def test_a_pericardial_effusion_is_not_the_pleural_effusion_of_the_findings():
    """A retrieved 'cardiomegaly versus pericardial effusion' for an enlarged heart with a small left pleural effusion
    leaves that pleural effusion out: 'pericardial effusion' (or a joint effusion) is no pleural effusion."""
    from medassist.tasks.impression import check_impression

    findings = "The heart is mildly enlarged. There is a small left pleural effusion. No pneumothorax."
    probs = check_impression(findings, "Mildly enlarged cardiac silhouette; cardiomegaly versus pericardial effusion.")
    assert any(p.startswith("leaves out pleural effusion") for p in probs), probs
    assert check_impression(findings, "1. Mild cardiomegaly. 2. Small left pleural effusion.") == []


def test_a_nodule_moved_to_the_midlung_or_called_calcified_is_flagged():
    """A retrieved impression for a left lower lobe nodule that puts it in 'the left midlung zone' and says it 'may
    contain calcium' names a place and a calcification the findings do not."""
    from medassist.tasks.impression import check_impression

    findings = "Heart size is normal. There is a 1.5 cm nodule in the left lower lobe. No consolidation."
    probs = check_impression(findings, "1.5 cm nodule in the left midlung zone. May contain calcium although this "
                                       "cannot be stated with certainty.")
    assert any("midlung" in p for p in probs) and any("calcification" in p for p in probs), probs
    assert check_impression(findings, "1.5 cm left lower lobe nodule.") == []


def test_a_widened_mediastinum_is_never_called_a_normal_study():
    """A widened mediastinum (an aortic injury or dissection until shown otherwise) must be carried over; 'no
    mediastinal widening' is no finding."""
    from medassist.tasks.impression import check_impression

    probs = check_impression("Widened mediastinum. Heart size normal. Lungs clear.", "No acute findings.")
    assert any(p.startswith("leaves out widened mediastinum") for p in probs), probs
    assert check_impression("The mediastinum appears widened. Lungs clear.", "Widened mediastinum.") == []
    assert check_impression("There is no mediastinal widening. The lungs are clear.", "No acute findings.") == []


@pytest.mark.parametrize("findings,draft,problem", [
    # a collapsed lung or lobe is atelectasis; a hydropneumothorax is a pneumothorax; tuberculosis is not invented
    ("Complete collapse of the left lung. Trachea deviated to the left.",
     "1. Large left hydropneumothorax, with complete collapse of the left lung. 2. Tuberculosis should be excluded.",
     "states pneumothorax"),
    ("Complete collapse of the left lung. Trachea deviated to the left.", "No acute cardiopulmonary disease.",
     "leaves out atelectasis"),
    ("Right middle lobe collapse. No effusion.", "No pneumothorax or pleural effusion.", "leaves out atelectasis"),
    ("Left lower lobe atelectasis.", "Left lower lobe atelectasis. Tuberculosis should be excluded.",
     "states tuberculosis"),
    # subcutaneous emphysema is an acute finding of its own, not the chronic emphysema that may go unsaid
    ("Extensive subcutaneous emphysema in the left chest wall. Small left pneumothorax.", "Small left pneumothorax.",
     "leaves out subcutaneous emphysema"),
    # a foreign body in the airway must be said; a bullet fragment in the soft tissues need not
    ("Foreign body projecting over the right main bronchus. Lungs clear.", "No acute cardiopulmonary abnormality.",
     "leaves out foreign body"),
    ("Again seen is a paraspinal foreign body which may represent a bullet fragment. The lungs are clear.",
     "Negative chest.", None),
    # low lung volumes may not be invented, whichever way round the findings word them
    ("The right hemidiaphragm is markedly elevated. Lungs clear.", "Hypoinflation with no active disease.",
     "states low lung volumes"),
    ("Hyperinflated lungs with flattened diaphragm. No consolidation.", "Low lung volumes, no acute findings.",
     "states low lung volumes"),
    ("Lung volumes are low. No focal infiltrates.", "Hypoinflation with no visible active disease.", None),
    # a side the findings give nowhere is invented; a new finding is an interval change to carry over
    ("Port-a-catheter tip in the cavoatrial junction. Lungs clear.", "Left venous catheter in SVC.",
     "tube/line: side left but the findings give no side"),
    ("The streaky opacities in the lung bases may represent atelectasis.", "Right basilar atelectasis.",
     "atelectasis: side right"),
    ("Scattered bilateral nodular opacities up to 8 mm, new since prior.", "No acute cardiopulmonary abnormality.",
     "leaves out interval change"),
    # a heart or an arch on the other side is said, not passed over as clear lungs
    ("Dextrocardia. Lungs clear.", "Clear lungs.", "leaves out dextrocardia/situs"),
    ("Right-sided aortic arch. Lungs clear. Heart normal.", "No acute cardiopulmonary abnormality.",
     "leaves out dextrocardia/situs"),
    # a mass is not a nodule, nor a nodule a mass
    ("New right upper lobe mass measuring 3 cm. No effusion.", "Right upper lobe lung nodules.", "calls the mass"),
    ("There is a 9 mm nodule in the right upper lobe.", "Right upper lobe mass.", "calls the nodule"),
    # a pericardial effusion is never invented ("Large pericardial effusion." was drafted for a normal chest), but is
    # the differential of an enlarged cardiac silhouette, and carried when the findings suspect it
    ("Clear lungs. No pleural effusion or pneumothorax. Cardiomediastinal silhouette within normal limits.",
     "Large pericardial effusion.", "states pericardial effusion"),
    ("The cardiac silhouette is mildly enlarged. No pleural effusion.",
     "Mildly enlarged cardiac silhouette; cardiomegaly versus pericardial effusion.", None),
    ("The cardiac silhouette is mildly enlarged. No pleural effusion.", "Cardiomegaly and pericardial effusion.",
     "states pericardial effusion"),
    ("The heart is enlarged. There may be a pericardial effusion. Lungs clear.", "Cardiomegaly.",
     "leaves out pericardial effusion"),
    ("Prominent pericardial fat pads. Lungs clear. Heart normal.", "No acute disease.", None),
    # nor a lung nodule an enlarged lymph node
    ("In the left midlung zone there has been development of a small lung nodule.",
     "1. Left paraspinal/retrocrural adenopathy.", "calls the nodule of the findings an adenopathy"),
    ("Right hilar lymphadenopathy.", "Right hilar mass.", "calls the adenopathy of the findings a mass"),
    ("There is a 9 mm nodule in the right upper lobe.", "9 mm right upper lobe nodule.", None),
    # a dictated "clear of" that lost its "of" denies the list after it, as "clear of" does; a finding in a sentence
    # of its own, or past "there is", is no part of it
    ("Low lung volumes. Lungs are clear airspace disease. No pneumothorax.", "1. No acute cardiopulmonary abnormality.",
     None),
    ("Lungs are clear focal airspace disease, effusion, or pneumothorax.", "Right pleural effusion.",
     "states pleural effusion"),
    ("Lungs are clear there is a small left effusion.", "No acute disease.", "leaves out pleural effusion"),
    ("The lungs are clear. Airspace disease in the right base.", "Clear lungs.", "leaves out consolidation"),
    # enlarged lymph nodes named with their station between are an adenopathy, never passed over
    ("Enlarged right hilar lymph nodes. The lungs are clear.", "No acute cardiopulmonary abnormality.",
     "leaves out nodule/mass"),
    ("The mediastinal lymph nodes are enlarged. No effusion.", "Clear lungs.", "leaves out nodule/mass"),
    ("Enlarged right hilar lymph nodes. The lungs are clear.", "Right hilar adenopathy.", None),
    # a round or measured opacity is a nodule or a mass to carry ("There is a round opacity measuring 2 cm in diameter
    # within the posterior mediastinum." was drafted "No acute cardiopulmonary abnormality."); a calcified one is a
    # granuloma a radiologist may leave out
    ("There is a round opacity measuring 2 cm in diameter within the posterior mediastinum. Lungs clear.",
     "No acute cardiopulmonary abnormality.", "leaves out nodule/mass"),
    ("There is a 1 cm focal opacity in the right lung apex. No effusion.", "No acute disease.",
     "leaves out nodule/mass"),
    ("An ovoid density projects over the left hilum. No effusion.", "Clear lungs.", "leaves out nodule/mass"),
    ("There are small round calcific densities in both lungs, old granulomatous disease. No effusion.",
     "No acute cardiopulmonary abnormality.", None),
    ("Rounded calcified density in the left lung base. Lungs otherwise clear.", "No acute disease.", None),
    ("There is a 1 cm focal opacity in the right lung apex. No effusion.", "1 cm right apical opacity.",
     None),
    # bronchitis, bronchial wall thickening and bronchiectasis are carried ("Bilateral lower lobe bronchial thickening
    # consistent with bronchitis." was drafted "No acute cardiopulmonary abnormalities")
    ("Normal cardiac contours. No pleural effusion. Bilateral lower lobe bronchial thickening consistent with bronchitis.",
     "1. No acute cardiopulmonary abnormalities", "leaves out airway disease"),
    ("Stable right middle lobe bronchiectasis. No consolidation.", "No acute disease.", "leaves out airway disease"),
    ("Increased peribronchial cuffing. Heart normal.", "1. Peribronchial cuffing, possible viral bronchiolitis.",
     None),
    ("Heart normal. Lungs clear.", "Bronchitis.", "states airway disease"),
    # where a line's tip lies is the findings' ("Left PICC with tip in the superior vena cava." was drafted "Left PICC
    # tip at cavoatrial junction."), and a finding more prominent than on the prior study is an interval change
    ("Heart normal. Lungs clear. Left PICC with tip in the superior vena cava.", "Left PICC tip at cavoatrial junction.",
     "names the cavoatrial junction"),
    ("Heart normal. Lungs clear. Left PICC with tip in the superior vena cava.", "Left PICC with tip in the SVC.", None),
    ("Right IJ catheter tip at the caval atrial junction. Lungs clear.", "Right IJ catheter tip at the cavoatrial junction.",
     None),
    ("Some vague nodular opacities in the right upper lung zone. These are more prominent than on the previous study.",
     "No change.", "leaves out interval change"),
    # a lung abscess is a lesion to carry ("Right lower lobe air-fluid level consistent with abscess." was drafted
    # "No acute cardiopulmonary inability."), and a cardiac failure is the edema concept, never invented ("Diffuse
    # reticulonodular interstitial opacities consistent with pulmonary fibrosis." was drafted "Moderate congestive
    # cardiac failure.")
    ("Heart size normal. Right lower lobe air-fluid level consistent with abscess. No pneumothorax.",
     "No acute cardiopulmonary abnormality.", "leaves out lesion/cavity"),
    ("Heart size normal. Diffuse reticulonodular interstitial opacities consistent with pulmonary fibrosis.",
     "Moderate congestive cardiac failure.", "states edema"),
    ("Moderate bilateral interstitial edema with cardiomegaly and bilateral effusions.",
     "Moderate congestive cardiac failure with bilateral pleural effusions and cardiomegaly.", None),
    # nor an organ outside the chest the findings never name (a retrieved "... metastatic disease in a patient with
    # thyroid cancer" passed for a 2.5 cm opacity)
    ("Heart size normal. There is a 2.5 cm rounded opacity in the left upper lobe. No effusion.",
     "Rounded opacity in the left upper lobe which may represent metastatic disease in a patient with thyroid cancer.",
     "names the thyroid"),
    ("There is prominence of the superior mediastinum which may be due to the known thyroid mass.",
     "Prominent superior mediastinum, possibly the thyroid mass.", None),
    # an operation the findings never name is invented ("Postoperative chest." drafted for hypoinflated lungs,
    # "postsurgical changes with colonic interposition" for a PICC and effusions); sternotomy wires are one
    ("Lungs are moderately hypoinflated. Heart size normal. No focal consolidation.",
     "Postoperative chest. Hypoinflation with no acute cardiopulmonary disease.", "states surgery"),
    ("Right PICC tip at the SVC. Small bilateral effusions.",
     "1. Stable postsurgical changes. 2. Small bilateral pleural effusions.", "states surgery"),
    ("Intact median sternotomy wires. Heart size normal. Lungs clear.", "Postoperative chest without acute disease.",
     None),
    ("Status post left upper lobectomy. No effusion.", "Postsurgical changes of left upper lobectomy.", None),
    # a hemothorax or an empyema is a kind of pleural fluid the findings must name
    ("Small left pleural effusion with mild mediastinal shift.", "Small left pleural effusion/hemothorax.",
     "states hemothorax/empyema"),
    ("Loculated right pleural fluid collection compatible with empyema.", "Small right pleural effusion.",
     "leaves out hemothorax/empyema"),
    ("Loculated right pleural fluid collection compatible with empyema.", "Right empyema.", None),
    # a finding that may be left out may still not be put on one side only when the findings give both
    ("Mild cardiomegaly. Small bilateral pleural effusions with bibasilar atelectasis.",
     "Cardiomegaly with small bilateral pleural effusions and left basilar atelectasis.",
     "atelectasis: side left only"),
    ("Mild cardiomegaly. Small bilateral pleural effusions with bibasilar atelectasis.",
     "Cardiomegaly with small bilateral pleural effusions and bibasilar atelectasis.", None),
    # a minor finding need not be sized, but not given a size the findings contradict
    ("The lungs are moderately hypoinflated. Heart size normal. No effusion.", "Mild hypoinflation.",
     "low lung volumes: size small but the findings say moderate"),
    ("The lungs are moderately hypoinflated. Heart size normal. No effusion.", "Hypoinflation.", None),
    ("Stable mild thoracic levoscoliosis. Stable cardiomegaly.", "1. Stable cardiomegaly. 2. Moderate levoscoliosis.",
     "scoliosis/kyphosis: size moderate"),
    # an organ outside the chest the findings never name is an invented history
    ("Multiple bilateral pulmonary nodules concerning for metastatic disease.",
     "Primary lung carcinoma with metastatic nodules versus metastatic disease from known brain tumor.", "names the brain"),
])
def test_rare_critical_findings_are_carried_and_never_invented(findings, draft, problem):
    from medassist.tasks.impression import check_impression

    probs = check_impression(findings, draft)
    if problem is None:
        assert probs == [], probs
    else:
        assert any(p.startswith(problem) for p in probs), probs


@pytest.mark.parametrize("findings,draft,flagged", [
    ("Right lower lobe opacity concerning for pneumonia. Heart size normal.", "Right lower lobe pneumonia.", True),
    ("Right lower lobe opacity concerning for pneumonia. Heart size normal.", "Probable right lower lobe pneumonia.", False),
    ("Left basilar opacity may represent atelectasis or pneumonia.", "Left basilar atelectasis.", True),
    ("Left basilar opacity may represent atelectasis or pneumonia.",
     "Left basilar opacity, atelectasis versus pneumonia.", False),
    ("Right lower lobe pneumonia. No effusion.", "Right lower lobe pneumonia.", False),
    ("Right lower lobe pneumonia. No effusion.", "Possible right lower lobe pneumonia.", False),  # (hedging is allowed)
])
def test_a_finding_the_findings_only_suspect_is_not_stated_as_certain(findings, draft, flagged):
    """'opacity concerning for pneumonia' may be drafted 'probable pneumonia', not 'pneumonia': an impression may
    hedge what the findings state, never firm up what they only suspect."""
    from medassist.tasks.impression import check_impression

    probs = check_impression(findings, draft)
    assert any("as certain, which the findings only suspect" in p for p in probs) == flagged, probs


def test_check_flags_invented_numbers_downgraded_size_and_dropped_findings():
    from medassist.tasks.impression import check_impression

    probs = check_impression(PTX, "1. Small 3.3 mm right-sided pneumothorax.")
    assert "number 3.3 is not in the findings" in probs
    assert any(p.startswith("pneumothorax: size small but the findings say large") for p in probs)
    assert any("leaves out mediastinal shift" in p for p in probs)
    probs = check_impression(LINES, "Small bilateral pleural effusions with patchy bilateral airspace disease.")
    assert {"leaves out tube/line, which the findings state", "leaves out edema, which the findings state"} <= set(probs)
    probs = check_impression(CAVITY, "Negative for acute abnormality.")
    assert any("leaves out lesion/cavity" in p for p in probs)
    assert any(p.startswith("calls the study normal/negative") and "lesion/cavity" in p for p in probs)
    # invented abnormality, invented comparison
    assert any(p.startswith("states pneumothorax") for p in check_impression(NORMAL, "Small left pneumothorax."))
    assert any("prior" in p for p in check_impression(NORMAL, "Stable chest. No acute disease."))


EMPH = ("The lungs are hyperexpanded, consistent with emphysema. The heart is normal size. There is no pleural "
        "effusion, pneumothorax, or focal airspace disease.")


def test_chronic_findings_may_be_left_out_but_not_denied_resized_or_called_normal():
    from medassist.tasks.impression import check_impression, unstated_chronic

    # "no acute disease" is true of stable emphysema: the draft stands, and the note names what it left out
    assert check_impression(EMPH, "No acute cardiopulmonary abnormality.") == []
    assert unstated_chronic(EMPH, "No acute cardiopulmonary abnormality.") == ["emphysema/copd"]
    assert unstated_chronic(EMPH, "Emphysema. No acute cardiopulmonary abnormality.") == []
    assert any(p.startswith("calls the study normal although the findings state emphysema")
               for p in check_impression(EMPH, "Normal chest."))
    assert any(p.startswith("denies emphysema") for p in check_impression(EMPH, "No emphysema. No acute disease."))
    assert any(p.startswith("emphysema/copd: size large")
               for p in check_impression("Mild hyperinflation. No effusion.", "Severe emphysema."))
    # never invented
    assert any(p.startswith("states emphysema") for p in check_impression(
        "The lungs are clear. No pleural effusion.", "Emphysema. No acute disease."))


def test_minor_or_stable_findings_may_be_left_out_but_lobar_collapse_and_new_lines_may_not():
    from medassist.tasks.impression import check_impression, unstated_chronic

    no_acute = "No acute cardiopulmonary abnormality."
    for f, concept in [
        ("Minimal subsegmental atelectasis at the left base. No pneumothorax.", "atelectasis"),
        ("Low lung volumes causing bibasilar atelectasis. No effusion.", "atelectasis"),
        ("There is stable cardiomegaly. No focal consolidation.", "cardiomegaly"),
        ("Stable left subclavian port catheter tip in the mid SVC. Lungs are clear.", "tube/line"),
    ]:
        assert check_impression(f, no_acute) == [], f
        assert unstated_chronic(f, no_acute) == [concept], f
        assert any(p.startswith("calls the study normal although") for p in check_impression(f, "Normal chest.")), f
    # lobar collapse, cardiomegaly not called stable, and a line whose position is the point: still critical
    for f in ("Complete collapse of the right lower lobe. No effusion.".replace("collapse", "atelectasis"),
              "Cardiomegaly. No focal consolidation.",
              "Left internal jugular catheter tip at the cavoatrial junction. Lungs are clear."):
        assert any(p.startswith("leaves out") for p in check_impression(f, no_acute)), f
    # a removed line is not a finding
    removed = "There has been interval removal of the right central venous catheter. Lungs are clear."
    assert check_impression(removed, no_acute) == [] and unstated_chronic(removed, no_acute) == []


def test_a_bilateral_finding_is_not_reported_on_one_side_and_synonymous_places_pass():
    from medassist.tasks.impression import check_impression

    f = ("Consolidation is developing in the left lower lobe. A patchy infiltrate is also present in the right lower "
         "lobe. Heart size is normal.")
    assert any("only, but the findings give it on both sides" in p for p in check_impression(f, "Left lower lobe infiltrate."))
    assert check_impression(f, "Bilateral lower lobe pneumonia.") == []
    assert check_impression(f, "Bibasilar pneumonia.") == []  # bibasilar = both lower lobes
    assert any("names the upper lobe" in p for p in check_impression(f, "Bilateral upper lobe pneumonia."))


def test_stable_fractures_and_findings_not_demonstrated():
    from medassist.tasks.impression import check_impression, unstated_chronic

    stable = "There are stable fractures of several left ribs. Lungs are clear. No pneumothorax."
    assert check_impression(stable, "No acute cardiopulmonary process.") == []
    assert unstated_chronic(stable, "No acute cardiopulmonary process.") == ["fracture"]
    assert any(p.startswith("leaves out fracture") for p in check_impression(
        "Acute fracture of the left 7th rib. No pneumothorax.", "No acute cardiopulmonary process."))
    assert check_impression("The lungs are clear. First rib fracture not well demonstrated on this study.",
                            "No acute cardiopulmonary process.") == []


def test_clear_of_negates_the_list_that_follows():
    from medassist.tasks.impression import check_impression, mentions

    f = ("The cardiomediastinal silhouette and pulmonary vasculature are within normal limits in size. The lungs are "
         "clear of focal airspace disease, pneumothorax, or pleural effusion. There are no acute bony findings.")
    assert mentions(f) == ()
    assert check_impression(f, "No acute cardiopulmonary findings.") == []
    f2 = "Lungs are mildly hypoinflated but grossly clear of focal airspace disease, pneumothorax, or pleural effusion."
    assert check_impression(f2, "No acute findings.") == []


@committed
def test_emphysema_alone_keeps_a_no_acute_draft_with_a_note():
    from medassist.tasks.impression import impress

    imp = impress(EMPH)
    low = imp.impression.lower()
    assert "normal chest" not in low and "no emphysema" not in low
    if "emphysema" not in low and "hyperexpan" not in low and "hyperinfl" not in low and "copd" not in low:
        assert any("emphysema/copd (chronic" in w for w in imp.warnings), imp.warnings


def test_check_accepts_consistent_wording():
    from medassist.tasks.impression import check_impression

    assert check_impression(NORMAL, "No acute cardiopulmonary abnormality.") == []
    assert check_impression("Small bilateral pleural effusions. No pneumothorax.", "Small bilateral effusions.") == []
    assert check_impression(MASS, "4 cm spiculated left upper lobe mass, suspicious for malignancy.") == []
    # "not enlarged" is not cardiomegaly
    assert check_impression("The cardiac silhouette is not enlarged. Lungs clear.", "Normal chest.") == []


def test_clean_draft_drops_a_bare_study_name():
    """A retrieved impression of a combined report ('1. Chest. 2. Cardiomegaly ... 4. KUB.') loses the study names,
    not what they head; 'Normal chest.' is a statement, not a name."""
    from medassist.tasks.impression import clean_draft

    draft = "1. Chest. 2. Cardiomegaly with possible pericardial effusion. 3. No pulmonary edema. 4. KUB."
    assert clean_draft("x", draft) == "1. Cardiomegaly with possible pericardial effusion. 2. No pulmonary edema."
    assert clean_draft("x", "PA and lateral chest. No acute disease.") == "No acute disease."
    assert clean_draft("x", "Normal chest.") == "Normal chest."


def test_clean_draft_drops_a_title_left_alone_and_an_opening_otherwise():
    """'Dr. XXXX was notified' leaves 'Dr.' once the redacted sentence goes (it was printed as '1. Dr. 2. ...'); a
    retrieved 'Otherwise, clear.' says what is true besides nothing (it was printed as '1. Otherwise, clear. 2. Some
    prominent perihilar opacities.'). An 'otherwise' after a finding stays."""
    from medassist.tasks.impression import clean_draft, prune_draft

    assert clean_draft("x", "1. Cardiomegaly. 2. Otherwise clear lungs. 3. Dr. XXXX was notified.") == \
        "1. Cardiomegaly. 2. Otherwise clear lungs."
    assert clean_draft("x", "Otherwise, clear.") == ""
    assert clean_draft("x", "1. Otherwise no change. 2. Cardiomegaly.") == "Cardiomegaly."
    # the rest of a sentence that was removed goes with it
    findings = "Heart normal. Small left pleural effusion."
    pruned, removed = prune_draft(findings, "1. Right upper lobe mass. 2. Otherwise, clear. 3. Small left pleural effusion.")
    assert pruned == "Small left pleural effusion." and removed == ["Right upper lobe mass.", "Otherwise, clear."]


def test_clean_draft_removes_redacted_sentences_and_invented_workup():
    from medassist.tasks.impression import clean_draft

    draft = "XXXX right upper lobe mass, suspicious for neoplasm. CT of the chest would be helpful. No effusion."
    assert clean_draft(MASS, draft) == "No effusion."
    assert clean_draft("Nodule. Recommend CT for further evaluation.", "Nodule. Recommend CT.") == "Nodule. Recommend CT."


def test_clean_draft_says_a_repeated_sentence_once_and_renumbers_what_is_left():
    """A draft that repeats a sentence word for word (IU val: "1. No acute cardiopulmonary disease. 2. No acute
    cardiopulmonary disease.") says it once; a numbered list that lost a sentence (repeated, XXXX) is renumbered, and
    one sentence left is not numbered; a list that lost nothing keeps its numbers."""
    from medassist.tasks.impression import clean_draft

    normal = "The heart is normal in size. The lungs are clear."
    assert clean_draft(normal, "1. No acute cardiopulmonary disease. 2. No acute cardiopulmonary disease.") == (
        "No acute cardiopulmonary disease.")
    assert clean_draft(normal, "No acute disease. No acute disease.") == "No acute disease."
    assert clean_draft(MASS, "1. Right upper lobe mass. 2. XXXX opacity. 3. No effusion.") == (
        "1. Right upper lobe mass. 2. No effusion.")
    assert clean_draft(MASS, "1. Right upper lobe mass. 2. No effusion. 3. Right upper lobe mass.") == (
        "1. Right upper lobe mass. 2. No effusion.")
    assert clean_draft(MASS, "1. Right upper lobe mass.") == "1. Right upper lobe mass."
    assert clean_draft(MASS, "1. Right upper lobe mass. 2. No effusion.") == "1. Right upper lobe mass. 2. No effusion."


def test_extractive_fallback_quotes_abnormal_sentences_and_hides_xxxx():
    from medassist.tasks.impression import extractive_impression

    text, warnings = extractive_impression(LINES)
    assert text.startswith("1. The endotracheal tube tip lies 1 cm above the carina. 2. Left subclavian")
    assert "3. Diffuse bilateral airspace opacities" in text
    text, warnings = extractive_impression(REDACTED)
    assert "XXXX" not in text and "interval increase" in text.lower() and "[redacted word]" in text
    assert any("XXXX" in w for w in warnings)
    assert extractive_impression(NORMAL)[0] == "No acute cardiopulmonary abnormality."


@pytest.mark.parametrize("sentence,expected", [
    # quoted findings read as an impression: only the existential frame goes, every finding word stays
    ("There is a 9 mm right lower lobe pulmonary nodule, not seen on prior exams.",
     "9 mm right lower lobe pulmonary nodule, not seen on prior exams."),
    ("There are low lung volumes causing bibasilar atelectasis", "Low lung volumes causing bibasilar atelectasis."),
    ("Calcified right hilar granuloma is seen.", "Calcified right hilar granuloma."),
    ("There is a small right pleural effusion but no pneumothorax.", "Small right pleural effusion but no pneumothorax."),
    # "is seen in", a bare "noted", an opening "also" or article: not how a radiologist words an impression
    ("Patchy opacities are demonstrated in the left lung base.", "Patchy opacities in the left lung base."),
    ("Left midlung opacity noted, not visualized on prior.", "Left midlung opacity, not visualized on prior."),
    ("There is also a 5 mm nodule in the right upper lung.", "5 mm nodule in the right upper lung."),
    ("A minimally displaced fracture is present on the right 4th rib.", "Minimally displaced fracture on the right 4th rib."),
    ("Feeding tube noted with tip distal to the gastroesophageal junction.",
     "Feeding tube with tip distal to the gastroesophageal junction."),
    # a negation, "again" (an interval statement), how well it is seen, and a bare frame stay as written
    ("There is no pneumothorax.", "There is no pneumothorax."),
    ("Small right effusion is again noted.", "Small right effusion is again noted."),
    ("Left apical opacity best seen on the lateral view.", "Left apical opacity best seen on the lateral view."),
    ("The nodule is not well visualized on the lateral view.", "The nodule is not well visualized on the lateral view."),
    ("Left upper lobe mass, more readily demonstrated on the prior CT.",
     "Left upper lobe mass, more readily demonstrated on the prior CT."),
    ("Is seen.", "Is seen."),
])
def test_quoted_sentences_in_impression_form(sentence, expected):
    from medassist.tasks.impression import _as_impression, check_impression

    assert _as_impression(sentence) == expected
    if "no pneumothorax" not in sentence and sentence != "Is seen.":
        assert not check_impression(sentence, expected)  # the same findings, side, size and numbers


def test_extractive_impression_drops_the_frame_and_keeps_the_evidence():
    from medassist.tasks.impression import extractive_impression, quoted_spans

    findings = "Heart size is normal. There is a large right pleural effusion. No pneumothorax."
    text, _ = extractive_impression(findings)
    assert text == "Large right pleural effusion."
    ev = quoted_spans(findings, text)
    assert [e.text for e in ev] == ["There is a large right pleural effusion."]


@pytest.mark.parametrize("findings,expected", [
    # a sentence that speaks of the one before it is quoted with it, or it would not say what it speaks of
    ("The lungs are clear. Compared to prior exam, there is prominence of the mediastinal contour near the right hilum. "
     "This may represent the ascending aorta or mediastinal lymphadenopathy. No pleural effusion.",
     "Compared to prior exam, there is prominence of the mediastinal contour near the right hilum. This may represent "
     "the ascending aorta or mediastinal lymphadenopathy."),
    # ... across a negative sentence between them, to the sentence that names a finding
    ("Heart size is normal. There is asymmetric opacity in the left suprahilar chest. No discrete correlate is seen on "
     "the lateral view. Findings may reflect focal airspace disease or adenopathy.",
     "Asymmetric opacity in the left suprahilar chest. No discrete correlate on the lateral view. Findings may reflect "
     "focal airspace disease or adenopathy."),
    # a sentence after it that gives its size goes with it
    ("Heart size is normal. In the left midlung zone, there has been development of a small lung nodule. This measures "
     "approximately 8 mm in diameter. No pleural effusion.",
     "In the left midlung zone, there has been development of a small lung nodule. This measures approximately 8 mm in "
     "diameter."),
])
def test_extractive_impression_quotes_what_a_sentence_speaks_of(findings, expected):
    from medassist.tasks.impression import check_impression, extractive_impression, quoted_spans

    text, _ = extractive_impression(findings)
    assert text == expected
    quoted = [e.text for e in quoted_spans(findings, text)]
    assert len(quoted) == len(expected.split(". ")) and "No pleural effusion." not in quoted
    assert not [p for p in check_impression(findings, text) if not p.startswith("leaves out")]


# ----- the committed pack end to end -----

@committed
@pytest.mark.parametrize("findings,must,must_not", [
    (RIB, ["left", "rib", "fracture"], ["right", "clavicle"]),
    (EFF, ["left", "moderate", "effusion", "cardiomegaly", "atelectasis"], ["right pleural"]),
    (PTX, ["large", "pneumothorax", "shift"], ["small"]),
    (LINES, ["endotracheal", "carina", "catheter", "edema"], []),
    (CAVITY, ["cavitary", "emphysema"], ["negative for", "no acute"]),
    (MASS, ["4 cm", "spiculated", "mass"], ["ct ", "helpful"]),
    (REDACTED, ["interval increase"], ["no acute"]),
    ("Heart size normal. Right lower lobe air-fluid level consistent with abscess. No pneumothorax.",
     ["right lower lobe", "abscess"], ["no acute", "inability"]),
    ("Heart size normal. Lungs are clear. There is a 2.5 cm rounded opacity in the left upper lobe. No effusion.",
     ["2.5 cm", "opacity", "left upper lobe"], ["no acute"]),
])
def test_impress_keeps_side_size_and_critical_findings(findings, must, must_not):
    from medassist.tasks.impression import check_impression, impress

    imp = impress(findings)
    low = imp.impression.lower()
    assert all(w in low for w in must), imp.impression
    assert not any(w in low for w in must_not), imp.impression
    assert "xxxx" not in low
    assert _numbers(imp.impression) <= _numbers(findings)
    assert imp.provenance["source"] in {"model", "retrieved", "extractive"}
    # what is printed passes the checks, or the leftover problem is in the warnings
    for p in check_impression(findings, imp.impression):
        assert any(p in w for w in imp.warnings)
    if imp.provenance["source"] != "model":
        assert imp.provenance.get("model_draft") is not None


@committed
def test_normal_findings_keep_the_model_draft():
    from medassist.tasks.impression import impress

    imp = impress(NORMAL)
    assert imp.provenance["source"] == "model" and not imp.warnings
    assert "effusion" not in imp.impression.lower() or "no " in imp.impression.lower()


@committed
def test_cli_text_output_shows_warnings_and_provenance(tmp_path, capsys):
    from medassist.cli import main

    f = tmp_path / "ptx.txt"
    f.write_text(PTX, encoding="utf-8")
    rc = main(["impression", str(f), "--no-history"])
    out = capsys.readouterr().out
    assert rc == 0
    first = out.strip().splitlines()[0]
    assert "pneumothorax" in first.lower() and "large" in first.lower()
    assert "\nSOURCE: " in out and "MODEL: impression-" in out
    if "extractive" in out or "retrieved" in out:
        assert "WARNINGS:" in out and "model draft (not used):" in out


def test_check_flags_denial_and_normal_claim_next_to_stated_findings():
    from medassist.tasks.impression import check_impression

    probs = check_impression(EFF, "1. Moderate left pleural effusion. 2. No pleural effusion. 3. Cardiomegaly. 4. Left atelectasis.")
    assert "denies pleural effusion, which the findings state" in probs
    probs = check_impression(CAVITY, "1. Emphysema. 2. No acute cardiopulmonary abnormality. 3. Possible cavitary lesion.")
    assert any(p.startswith("calls the study normal/negative") for p in probs)


def test_recipe_can_drop_xxxx_sentences_from_training_targets():
    import sys

    sys.path.insert(0, str(ROOT / "models" / "impression"))
    import recipe

    exs = [recipe.Example("a", "f", "1. XXXX right upper lobe mass. 2. No effusion."),
           recipe.Example("b", "f", "Heart size XXXX."), recipe.Example("c", "f", "No acute disease.")]
    out = recipe.drop_xxxx_sentences(exs)
    assert [(e.id, e.impression) for e in out] == [("a", "No effusion."), ("c", "No acute disease.")]
    two = recipe.drop_xxxx_sentences([recipe.Example("d", "f", "1. Cardiomegaly. 2. XXXX opacity. 3. Small effusion.")])
    assert two[0].impression == "1. Cardiomegaly. 2. Small effusion."


@committed
def test_quoted_findings_sentences_carry_evidence_spans():
    from medassist.tasks.impression import _as_impression, impress

    imp = impress(LINES)
    d = imp.to_dict()
    if imp.provenance["source"] == "extractive" or "appended" in " ".join(imp.warnings):
        assert d["evidence"], d
    for ev in d["evidence"]:
        assert d["findings"][ev["start"]:ev["end"]] == ev["text"]
        assert ev["text"].rstrip(".") in d["impression"] or _as_impression(ev["text"]).rstrip(".") in d["impression"]


def test_normal_study_is_worded_as_the_most_similar_reports_word_it():
    from medassist.tasks.impression import TfidfIndex, normal_wording

    template = "The heart is normal in size. The mediastinum is unremarkable. The lungs are clear."
    other = "Heart size and pulmonary vascularity within normal limits. No focal airspace consolidation."
    docs = [template, template + " No effusion.", template, other, other, template]
    imps = ["No active disease.", "No active disease.", "No acute cardiopulmonary abnormality.",
            "No acute cardiopulmonary abnormality.", "No acute cardiopulmonary abnormality.",
            "No active disease. Mild cardiomegaly."]  # the last states a finding: never a normal wording
    index = TfidfIndex(docs, imps)
    got = normal_wording(template, "No acute cardiopulmonary abnormality.", index, 5, 0.7)
    assert got == ("No active disease.", 2)
    # the other template's radiologist words it the other way
    assert normal_wording(other, "No active disease.", index, 5, 0.7)[0] == "No acute cardiopulmonary abnormality."
    # nothing to choose: abnormal findings, an abnormal draft, or no report close enough
    assert normal_wording(template + " Small right pleural effusion.", "No active disease.", index, 5, 0.7) is None
    assert normal_wording(template, "Mild cardiomegaly.", index, 5, 0.7) is None
    assert normal_wording(template, "Low lung volumes. No acute disease.", index, 5, 0.7) is None  # says more
    assert normal_wording("Lateral view only, limited study of the thoracic spine.", "No acute disease.", index, 5, 0.7) is None
    assert normal_wording(template, "No active disease.", index, 0, 0.7) is None


@committed
@pytest.mark.parametrize("findings", [
    "Heart size is normal. There is a 1.5 cm nodule in the left lower lobe. No consolidation.",
    "The heart is mildly enlarged. There is a small left pleural effusion. No pneumothorax.",
    "Endotracheal tube tip 2 cm above the carina. Nasogastric tube in the stomach. Bibasilar atelectasis.",
])
def test_what_was_done_to_a_draft_is_said_in_whole_words(findings):
    """The warning that tells the radiologist what replaced or repaired the model draft names what was appended or
    removed: never an empty list ('the findings sentences about  appended')."""
    from medassist.tasks.impression import impress

    imp = impress(findings)
    for w in imp.warnings + [imp.provenance.get("detail", "")]:
        assert "about  " not in w and "about appended" not in w and ", ," not in w, w


def test_vascular_congestion_is_not_drafted_as_pulmonary_edema():
    """'Pulmonary vascular congestion.' was drafted 'Abnormal pulmonary edema.' and passed: one concept to the
    checks, two grades to a radiologist. Either way round is flagged; 'CHF' names either."""
    from medassist.tasks.impression import check_impression

    findings = "Stable cardiomegaly. Small bilateral pleural effusions. Pulmonary vascular congestion."
    probs = check_impression(findings, "1. Cardiomegaly and small bilateral pleural effusions. 2. Pulmonary edema.")
    assert any("vascular congestion of the findings pulmonary edema" in p for p in probs), probs
    assert not any("edema" in p or "congestion" in p for p in check_impression(
        findings, "Cardiomegaly, small bilateral pleural effusions and pulmonary vascular congestion."))
    assert not any("congestion" in p for p in check_impression(findings, "Cardiomegaly and effusions, CHF."))
    edema = "Cardiomegaly with interstitial pulmonary edema and small bilateral effusions."
    assert any("pulmonary edema of the findings vascular congestion" in p
               for p in check_impression(edema, "Cardiomegaly, vascular congestion and small bilateral effusions."))


def test_an_invented_valve_prosthesis_or_enlarged_heart_is_flagged():
    """A retrieved impression for 'Mild pulmonary vascular congestion. Heart size upper limits of normal.' read
    'Question mild pulmonary vascular congestion in a patient with prosthetic aortic valve.' and '1. Moderate
    increase in size of the cardiac silhouette. 2. Pulmonary vascular congestion.': neither was a finding."""
    from medassist.tasks.impression import check_impression

    findings = "Mild pulmonary vascular congestion. No edema. Heart size upper limits of normal."
    probs = check_impression(findings, "Mild pulmonary vascular congestion in a patient with prosthetic aortic valve.")
    assert any("pacemaker/device" in p for p in probs), probs
    probs = check_impression(findings, "1. Moderate increase in size of the cardiac silhouette. 2. Pulmonary vascular "
                                       "congestion.")
    assert any("cardiomegaly" in p for p in probs), probs
    assert check_impression(findings, "Mild pulmonary vascular congestion.") == []
    sternotomy = "Status post median sternotomy and CABG. Lungs clear. No effusion."
    assert not any("pacemaker/device" in p for p in check_impression(sternotomy, "Status post CABG. No acute disease."))


def test_a_new_or_unexplained_lung_opacity_is_not_a_normal_chest():
    """'Left midlung opacity noted, not visualized on prior.' was drafted 'No acute cardiopulmonary abnormality.':
    'not visualized on prior' is a new finding (not a negated one), and a lung opacity the findings place is no normal
    chest. A dependent atelectasis, a nipple shadow or a scar explains an opacity; a draft naming a lung finding passes."""
    from medassist.tasks.impression import check_impression

    new = "Left midlung opacity noted, not visualized on prior. Heart size within normal limits. No pleural effusions."
    probs = check_impression(new, "No acute cardiopulmonary abnormality.")
    assert any("interval change" in p for p in probs), probs
    streaky = "Heart size is enlarged. There are streaky bibasilar opacities. No pneumothorax."
    probs = check_impression(streaky, "Cardiomegaly without acute pulmonary abnormality.")
    assert any("lung opacity" in p for p in probs), probs
    assert not any("lung opacity" in p for p in check_impression(
        streaky, "Cardiomegaly with streaky bibasilar opacities, likely atelectasis."))
    for benign in ("Opacities in the left lower lobe are most consistent with dependent atelectasis. No pneumothorax.",
                   "Bilateral nipple shadows overlie the lung bases. No pneumothorax.",
                   "Calcified granuloma in the right upper lobe. No pneumothorax."):
        assert not any("lung opacity" in p for p in check_impression(benign, "No acute cardiopulmonary abnormality.")), benign


def test_a_large_hiatal_hernia_is_carried_a_small_one_need_not_be():
    from medassist.tasks.impression import check_impression

    large = "The lungs are free of focal airspace disease. No pleural effusion. Large hiatal hernia is present."
    probs = check_impression(large, "1. No evidence of active disease.")
    assert any("hernia" in p for p in probs), probs
    assert check_impression(large, "1. Large hiatal hernia. 2. Clear lungs.") == []
    small = "The lungs are free of focal airspace disease. No pleural effusion. Small hiatal hernia."
    assert not any("hernia" in p for p in check_impression(small, "No evidence of active disease."))


@pytest.mark.parametrize("sentence,expected", [
    ("Cardiomegaly without acute disease.", "Cardiomegaly."),
    ("Cardiomegaly without acute cardiopulmonary abnormality identified.", "Cardiomegaly."),
    ("Stable cardiomegaly without evidence of acute cardiopulmonary disease, low lung volumes.",
     "Stable cardiomegaly, low lung volumes."),
    ("Mild stable cardiomegaly, no acute disease.", "Mild stable cardiomegaly."),
    ("Without acute disease.", ""),
    ("No acute cardiopulmonary abnormality.", ""),
    # a 'without' that denies one finding, not the whole study, stays
    ("Healed rib fracture without acute bony abnormality.", "Healed rib fracture without acute bony abnormality."),
    ("Cardiomegaly without pleural effusion.", "Cardiomegaly without pleural effusion."),
    # the word that linked the claim to what came before goes with it (a repaired draft read "1. Otherwise. 2. ...")
    ("Otherwise, no acute cardiopulmonary abnormality.", ""),
    ("2. However, no acute findings.", ""),
    ("Cardiomegaly, otherwise no acute disease.", "Cardiomegaly."),
    ("Small effusion, however no pneumothorax.", "Small effusion, however no pneumothorax."),
    # 'without focal cardiopulmonary disease' denies the whole chest as 'without acute disease' does; 'without focal
    # consolidation' denies one finding and stays
    ("Low lung volumes with bronchovascular crowding without focal cardiopulmonary disease.",
     "Low lung volumes with bronchovascular crowding."),
    ("Cardiomegaly without focal consolidation.", "Cardiomegaly without focal consolidation."),
])
def test_a_without_acute_disease_clause_goes_where_findings_are_appended(sentence, expected):
    from medassist.tasks.impression import _without_normal_claim

    assert _without_normal_claim(sentence) == expected


def test_an_appended_finding_never_follows_without_acute_disease():
    """A retrieved "Cardiomegaly without acute disease." repaired with the findings' effusion and congestion said
    "1. Cardiomegaly without acute disease. 2. Small left pleural effusion ..." (session 27)."""
    from medassist.tasks.impression import carry_findings, check_impression

    findings = ("Heart size is mildly enlarged. There is a small left pleural effusion with adjacent basilar atelectasis. "
                "No pneumothorax.")
    text, carried = carry_findings(findings, "Cardiomegaly without acute disease.")
    assert "pleural effusion" in carried
    assert "without acute" not in text.lower() and text.startswith("1. Cardiomegaly. 2. Small left pleural effusion")
    assert not check_impression(findings, text)


def test_an_appended_lung_finding_never_follows_a_clause_denying_it():
    """A retrieved "Cardiomegaly without lung infiltrates." repaired with the findings' bibasilar opacities read
    "1. Cardiomegaly without lung infiltrates. 2. Streaky bibasilar opacities." (session 29). The clause goes where a
    lung finding is appended, and stays beside one of the pleura."""
    from medassist.tasks.impression import carry_findings

    findings = "Heart size is enlarged. There are streaky bibasilar opacities. No pleural fluid. No pneumothorax."
    text, carried = carry_findings(findings, "Cardiomegaly without lung infiltrates.")
    assert carried == ["opacity"] and text == "1. Cardiomegaly. 2. Streaky bibasilar opacities."
    # nor after a sentence calling the lungs clear (a retrieved "Left base atelectasis. Lungs otherwise clear." whose
    # first sentence, on the wrong side, was removed)
    text, _ = carry_findings(findings, "Cardiomegaly. Lungs otherwise clear.")
    assert text == "1. Cardiomegaly. 2. Streaky bibasilar opacities."
    effusion = "Heart size is enlarged. Small left pleural effusion. Lungs clear."
    assert carry_findings(effusion, "Cardiomegaly without lung infiltrates.")[0] == (
        "1. Cardiomegaly without lung infiltrates. 2. Small left pleural effusion.")


def test_a_finding_that_has_resolved_is_not_drafted_as_present():
    """"Interval resolution of the left lower lobe consolidation" was read as a consolidation: a retrieved "Left lower
    lobe infiltrate." passed the checks (session 27)."""
    from medassist.tasks.impression import check_impression

    findings = "Interval resolution of the left lower lobe consolidation. No new opacity. No effusion."
    assert any("states consolidation" in p for p in check_impression(findings, "Left lower lobe infiltrate."))
    assert not check_impression(findings, "Interval resolution of left lower lobe consolidation.")
    assert not check_impression(findings, "No acute cardiopulmonary abnormality.")


def test_a_finding_named_after_a_negated_clause_is_not_denied():
    """"No acute cardiopulmonary abnormality, findings compatible with emphysema." was read as denying the emphysema
    (the 'no' reached across the comma), so a right draft failed (session 27)."""
    from medassist.tasks.impression import check_impression

    findings = "Hyperinflated lungs with flattened diaphragms consistent with COPD. No acute infiltrate."
    assert not check_impression(findings, "No acute cardiopulmonary abnormality, findings compatible with emphysema.")
    assert any("denies" in p for p in check_impression(findings, "No acute abnormality, no emphysema."))


def test_an_appended_findings_sentence_replaces_the_draft_sentence_it_says_in_full():
    """A retrieved "Small left pleural effusion." repaired with the findings' mediastinal shift read "1. Small left
    pleural effusion. 2. Small left pleural effusion with mild mediastinal shift." (session 28): the first sentence is
    dropped, and the warning says so. A draft sentence that says more, or another side, stays."""
    from medassist.tasks.impression import _said_by, carry_findings, check_impression

    findings = "Stable cardiomegaly. Small left pleural effusion with mild mediastinal shift. No pneumothorax."
    text, carried = carry_findings(findings, "Small left pleural effusion.")
    assert carried == ["mediastinal shift"]
    assert text == "Small left pleural effusion with mild mediastinal shift."
    assert not check_impression(findings, text)
    added = ["Small left pleural effusion with mild mediastinal shift."]
    assert _said_by("Small left pleural effusion.", added)
    assert not _said_by("Small right pleural effusion.", added)
    assert not _said_by("Small left pleural effusion. Cardiomegaly.", added)
    assert not _said_by("No acute disease.", added)  # no finding of its own: not a repeat (the claim is cut elsewhere)



def test_an_old_calcified_density_is_not_carried_into_a_replacement_impression():
    """"Multiple scattered round calcific densities XXXX represent old granulomatous disease." was appended to a
    retrieved impression as a lung opacity (session 28); a new or unexplained opacity still is."""
    from medassist.tasks.impression import carry_findings

    old = "Stable cardiomegaly. Multiple scattered round calcific densities XXXX represent old granulomatous disease."
    assert carry_findings(old, "Stable cardiomegaly.") == ("Stable cardiomegaly.", [])
    new = "Stable cardiomegaly. Patchy opacity in the left lung base. No effusion."
    text, carried = carry_findings(new, "Stable cardiomegaly.")
    assert carried == ["opacity"] and text == "1. Stable cardiomegaly. 2. Patchy opacity in the left lung base."


def test_a_lung_resection_may_go_unsaid_with_a_note_but_is_no_normal_chest():
    """A pneumonectomy or lobectomy is chronic: an impression of "No acute disease." stands and the radiologist is told
    (radiologists write it both ways in IU), but "Normal chest." is wrong and a resection may not be invented."""
    from medassist.tasks.impression import check_impression, unstated_chronic

    findings = "Status post right pneumonectomy with expected postoperative changes. Left lung clear."
    assert not check_impression(findings, "No acute cardiopulmonary disease.")
    assert unstated_chronic(findings, "No acute cardiopulmonary disease.") == ["lung resection"]
    assert any(p.startswith("calls the study normal") for p in check_impression(findings, "Normal chest."))
    assert any(p.startswith("states lung resection") for p in
               check_impression("Lungs clear. Heart size normal.", "Status post left upper lobectomy."))
