"""Report drafts on real sample files: template choice and technique prefill, with the expected values read
by hand off each file's tags (see the comment on each case), plus comparison, impression fallback, SR/PDF
export and the CLI."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

pydicom = pytest.importorskip("pydicom")

from medassist.cli import EXIT_SOME_FAILED, main  # noqa: E402
from medassist.errors import IngestError, ModelPackError  # noqa: E402
from medassist.tasks.report import choose_template, draft_report, load_templates  # noqa: E402
from medassist.tasks.report_tags import collect_headers  # noqa: E402


def sample(name: str) -> Path:
    """A sample file from pydicom / pydicom-data (no download) or deid-data."""
    if name.startswith("deid:"):
        try:
            import deid_data
        except ImportError:
            pytest.skip("deid-data not installed")
        p = Path(deid_data.__file__).parent / "data" / name[5:]
    else:
        from pydicom.data import get_testdata_file

        found = get_testdata_file(name, download=False)
        p = Path(found) if found else Path("/nonexistent")
    if not p.exists():
        pytest.skip(f"{name} not installed")
    return p


# (file, template id, substrings the technique must contain, substrings the exam must contain)
CASES = [
    # CR, BodyPartExamined CHEST, ViewPosition PA, KVP 150, Exposure 2 (mAs), ExposureTime 8, StudyDate 20040826
    ("RG1_UNCR.dcm", "chest_radiograph", ["1 image", "view PA", "150 kVp", "Exposure 2 mAs", "Exposure time 8 ms"], ["THORAX", "view: PA", "2004-08-26"]),
    # the same chest in JPEG 2000 lossless: identical header values
    ("RG1_J2KR.dcm", "chest_radiograph", ["view PA", "150 kVp", "Exposure 2 mAs"], ["THORAX"]),
    # CR, BodyPartExamined EXTREMITY, ViewPosition AP, no KVP/Exposure tags
    ("RG3_UNCR.dcm", "extremity_radiograph", ["1 image", "view AP"], ["Non-ossifying fibroma of distal tibia", "2004-08-26"]),
    # DX, BodyPartExamined CHEST, SeriesDescription "Thorax LAT", ViewPosition AP
    ("deid:animals/cat.dcm", "chest_radiograph", ["view AP"], ["Medium Soft Tissue 20-55 lb", "2020-02-09"]),
    # CT, BodyPartExamined HEAD, StudyDescription "CT BRAIN WO IVCON", SliceThickness 4.8, KVP 120,
    # XRayTubeCurrent 150, Exposure 300, no ContrastBolusAgent
    ("deid:humans/ctbrain1.dcm", "ct_head", ["Slice thickness 4.8 mm", "120 kVp", "Tube current 150 mA", "Exposure 300 mAs", "Contrast: none recorded"], ["CT BRAIN WO IVCON", "2023-01-01"]),
    # CT, BodyPartExamined HEAD, SliceThickness 5.00, KVP 120, XRayTubeCurrent 230, Exposure 460
    ("J2K_pixelrep_mismatch.dcm", "ct_head", ["Slice thickness 5 mm", "120 kVp", "Tube current 230 mA", "Exposure 460 mAs"], ["2019-10-19"]),
    # CT, BodyPartExamined PANCREAS, StudyDescription Pancreas -> abdomen/pelvis
    ("explicit_VR-UN.dcm", "ct_abdomen_pelvis", ["1 image in 1 series", "Pancreas"], ["Pancreas", "2015-11-24"]),
    # CT without body part (StudyDescription "e+1", junk: not shown as the exam): generic; SliceThickness 5,
    # KVP 120, 170 mA, 170 mAs, ContrastBolusAgent ISOVUE300/100, ContrastBolusRoute IV
    ("CT_small.dcm", "generic", ["Slice thickness 5 mm", "120 kVp", "Tube current 170 mA", "Exposure 170 mAs", "Contrast: ISOVUE300/100 (IV)"], ["CT. Date: 2004-01-19."]),
    # MR without body part: generic; ScanningSequence SE, TR 4000, TE 240, SliceThickness 0.8
    ("MR_small.dcm", "generic", ["Sequence: not named in the header (series 1; SE, TR 4000 ms, TE 240 ms)", "Slice thickness 0.8 mm"], ["2004-08-26"]),
    # MR shoulder (no MSK MR template): generic; ProtocolName T1W/SE/1024, 1.5 T, TR 350, TE 27, 6 mm
    ("MR2_UNCR.dcm", "generic", ["Field strength 1.5 T", "T1W/SE/1024 (SE, TR 350 ms, TE 27 ms)", "Slice thickness 6 mm"], ["SHOULDER"]),
    # multi-frame MR, BodyPartExamined HEAD, NumberOfFrames 10, MagneticFieldStrength 3, one unnamed series
    # (number 301, ImageType ORIGINAL\PRIMARY\T1): not "multisequence", no series number as a sequence name
    ("emri_small.dcm", "mr_brain", ["MR of the brain: 1 image in 1 series (10 frames)", "Field strength 3 T", "Sequence: not named in the header (series 301; T1)", "Contrast: none recorded"], ["MR brain", "2000-01-01"]),
    # MR abdomen: generic; *fl3d1 GR, TR 5.53 -> 5.5, TE 2.81 -> 2.8, 1.4939999 T -> 1.5, 11 ml Omniscan
    ("MR-SIEMENS-DICOM-WithOverlays.dcm", "generic", ["Field strength 1.5 T", "GR, *fl3d1, TR 5.5 ms, TE 2.8 ms", "Slice thickness 4 mm", "Contrast: 11 ml Omniscan"], ["abdomen^liver"]),
    # US, StudyDescription "US KIDNEY" -> abdominal ultrasound
    ("deid:ultrasounds/GREYSCALE_IMAGE.dcm", "us_abdomen", ["1 image in 1 series"], ["US KIDNEY", "2017-03-02"]),
    # US obstetric, TransducerType CURVED LINEAR: generic
    ("OBXXXX1A.dcm", "generic", ["Transducer: CURVED LINEAR"], ["2011-05-25"]),
    # multi-frame US (30 frames, YBR): generic, one cine clip
    ("examples_ybr_color.dcm", "generic", ["1 image in 1 series (30 frames)", "1 cine clip (30 frames)"], ["2016-05-03"]),
]


@pytest.mark.parametrize("name,template_id,technique,exam", CASES, ids=[c[0] for c in CASES])
def test_template_and_technique_on_samples(name, template_id, technique, exam):
    rep = draft_report(sample(name), image_model=None)
    d = rep.to_dict()
    assert d["template_id"] == template_id, d["template"]
    tech = rep.section("technique")
    for s in technique:
        assert s in tech.text, (s, tech.text)
    for s in exam:
        assert s in rep.section("exam").text, (s, rep.section("exam").text)
    assert tech.source == "tag"
    # every tag evidence item is a real value of the file
    ds = pydicom.dcmread(sample(name), stop_before_pixels=True)
    for ev in tech.evidence + rep.section("exam").evidence:
        value = ds[ev["keyword"]].value
        value = "\\".join(str(v) for v in value) if isinstance(value, (list, pydicom.multival.MultiValue)) else str(value)
        assert value.strip() == ev["value"]
    assert [s["name"] for s in d["sections"]] == ["exam", "clinical_information", "comparison", "technique", "findings", "impression"]
    assert d["study"]["study_instance_uid"] == str(ds.StudyInstanceUID)
    assert d["study"]["patient_id"] == str(ds.get("PatientID", ""))
    assert d["study"]["accession_number"] == str(ds.get("AccessionNumber", ""))


def test_every_template_is_complete_and_chosen_by_its_rules():
    ts = {t.id: t for t in load_templates()}
    assert {"chest_radiograph", "ct_head", "ct_chest", "ct_abdomen_pelvis", "mr_brain", "us_abdomen", "extremity_radiograph", "generic"} <= set(ts)
    for t in ts.values():
        assert [s["name"] for s in t.sections] == ["exam", "clinical_information", "comparison", "technique", "findings", "impression"]
        assert t.findings and all(f["normal"].endswith(".") for f in t.findings)
        assert t.normal_impression


def _ds(**tags):
    from pydicom.dataset import Dataset

    ds = Dataset()
    ds.StudyInstanceUID = "1.2.3.4"
    ds.SeriesInstanceUID = "1.2.3.4.1"
    ds.SOPInstanceUID = "1.2.3.4.1.1"
    ds.SOPClassUID = "1.2.840.10008.5.1.4.1.1.2"
    ds.Rows = ds.Columns = 8
    for k, v in tags.items():
        setattr(ds, k, v)
    return ds


@pytest.mark.parametrize(
    "tags,expected",
    [
        ({"Modality": "CT", "StudyDescription": "CT CHEST W CONTRAST"}, "ct_chest"),
        ({"Modality": "CT", "ProtocolName": "ABD_PELVIS_ROUTINE"}, "ct_abdomen_pelvis"),
        ({"Modality": "CT", "ProtocolName": "ABDOMEN PELVIS"}, "ct_abdomen_pelvis"),
        ({"Modality": "MR", "SeriesDescription": "t2_tse_tra BRAIN"}, "mr_brain"),
        ({"Modality": "DX", "StudyDescription": "XR HAND 3 VIEWS"}, "extremity_radiograph"),
        ({"Modality": "CR", "ViewPosition": "PA"}, "generic"),  # a PA view alone does not make a chest
        ({"Modality": "US", "StudyDescription": "US RUQ"}, "us_abdomen"),
        ({"Modality": "MR", "StudyDescription": "CHEST"}, "generic"),  # no MR chest template
        ({"Modality": "NM", "StudyDescription": "WHOLE BODY BONE"}, "generic"),
    ],
)
def test_choice_rules(tags, expected):
    assert choose_template(collect_headers(_ds(**tags))).template.id == expected


def test_multi_series_ct_chest_counts_and_contrast(tmp_path):
    from pydicom.uid import ExplicitVRLittleEndian, generate_uid

    study = generate_uid()
    paths = []
    for si, (desc, thick, n) in enumerate([("Lung 1.25mm", "1.25", 3), ("Mediastinum 5mm", "5", 2)], start=1):
        series = generate_uid()
        for k in range(n):
            ds = _ds(Modality="CT", BodyPartExamined="CHEST", SeriesDescription=desc, SliceThickness=thick, KVP="100",
                     ContrastBolusAgent="Omnipaque 350", SeriesNumber=si, InstanceNumber=k + 1, PatientID="P1", StudyDate="20240102")
            ds.StudyInstanceUID, ds.SeriesInstanceUID, ds.SOPInstanceUID = study, series, generate_uid()
            ds.file_meta = pydicom.dataset.FileMetaDataset()
            ds.file_meta.TransferSyntaxUID = ExplicitVRLittleEndian
            ds.file_meta.MediaStorageSOPClassUID = ds.SOPClassUID
            ds.file_meta.MediaStorageSOPInstanceUID = ds.SOPInstanceUID
            p = tmp_path / f"s{si}_{k}.dcm"
            ds.save_as(p, enforce_file_format=True)
            paths.append(p)
    rep = draft_report(tmp_path, image_model=None)
    assert rep.template.template.id == "ct_chest"
    t = rep.section("technique").text
    assert "5 images in 2 series" in t
    assert "Lung 1.25mm (3 images); Mediastinum 5mm (2 images)" in t
    assert "Slice thickness 1.25, 5 mm" in t
    assert "Contrast: Omnipaque 350." in t
    assert len(rep.series) == 2 and [len(s["instances"]) for s in rep.series] == [3, 2]


class _Priors:
    """A history double: the two methods draft_report relies on (the real store is tested below)."""

    def __init__(self, rows):
        self.rows = rows
        self.asked = []

    def prior_studies(self, patient_id):
        self.asked.append(patient_id)
        return self.rows


def test_comparison_from_history_and_none():
    rg1 = sample("RG1_UNCR.dcm")
    none = draft_report(rg1, image_model=None).section("comparison")
    assert none.text == "None available." and none.source == "history"
    h = _Priors([
        {"study_uid": "1.3.6.1.4.1.5962.1.2.9.20040826185059.5457", "study_date": "20040826", "description": "THORAX"},  # itself
        {"study_uid": "9.9.1", "study_date": "20010304", "description": "CR CHEST"},
        {"study_uid": "9.9.2", "study_date": "20030506", "description": None, "modality": "CT"},
    ])
    c = draft_report(rg1, history=h, image_model=None).section("comparison")
    assert h.asked == ["9RG1"]
    assert c.text == "CT of 2003-05-06; CR CHEST of 2001-03-04."
    assert [e["study_uid"] for e in c.evidence] == ["9.9.2", "9.9.1"]


def test_comparison_from_the_encrypted_store():
    store = pytest.importorskip("medassist.store.db")
    from medassist.ingest.dicom import load_study

    h = store.open_history(key="11" * 32)
    try:
        prior = load_study([sample("RG1_UNCR.dcm")]).studies[0]
        h.record_run(task="report", source=prior, result={}, params={}, models=[], elapsed_ms=1.0)
        # the same patient (9RG1) comes back with another study: the first is the comparison
        ds = pydicom.dcmread(sample("RG1_UNCR.dcm"), stop_before_pixels=True)
        ds.StudyInstanceUID = "1.2.3.999"
        ds.StudyDate = "20050101"
        c = draft_report(ds, history=h, image_model=None).section("comparison")
    finally:
        h.close()
    assert c.text == "THORAX of 2004-08-26."
    assert c.evidence[0]["study_uid"] == "1.3.6.1.4.1.5962.1.2.9.20040826185059.5457"


def test_findings_user_and_impression_fallback(monkeypatch):
    import medassist.tasks.impression as imp

    def unavailable(text):
        raise ModelPackError("no impression model pack installed")

    monkeypatch.setattr(imp, "impress", unavailable)
    rg1 = sample("RG1_UNCR.dcm")
    rep = draft_report(rg1, image_model=None)
    f, i = rep.section("findings"), rep.section("impression")
    assert f.source == "template" and "Lungs: The lungs are clear. [unreviewed default]" in f.text
    assert [it["id"] for it in f.items][:2] == ["lines_tubes", "lungs"] and f.items[1]["options"]
    assert i.source == "template" and i.text == "No acute cardiopulmonary abnormality. [unreviewed default]"
    rep2 = draft_report(rg1, findings="Right lower lobe consolidation.", image_model=None)
    assert rep2.section("findings").source == "user"
    assert rep2.section("findings").text == "Right lower lobe consolidation."
    i2 = rep2.section("impression")  # the model is unavailable: the abnormal findings, verbatim
    assert i2.source == "findings (extractive)" and i2.text == "Right lower lobe consolidation."
    assert "no impression model pack installed" in i2.note


def test_impression_from_the_model_when_present():
    rep = draft_report(sample("RG1_UNCR.dcm"), findings="Heart size normal. Lungs clear. No effusion.", image_model=None)
    i = rep.section("impression")
    if "model_draft" not in i.extra:
        pytest.skip(f"impression model not installed here: {i.note}")
    draft = i.extra["model_draft"]
    assert draft["text"] and draft["model"]["name"]
    assert rep.models and rep.models[0] == draft["model"]
    if draft["used"]:  # passed the check against the findings: it is the impression
        assert i.source == "model" and i.text == draft["cleaned"] and "XXXX" not in i.text
    else:  # normal findings: the fallback is the template's normal impression, with a warning
        assert i.source == "findings (extractive)" and i.text == "No acute cardiopulmonary abnormality."
        assert any("model draft was not used" in w for w in rep.warnings)


def test_no_image_model_note():
    rep = draft_report(sample("CT_small.dcm"))
    assert rep.image_model == {"installed": False, "message": rep.notes[0]}
    assert "no image model installed" in rep.notes[0] and "medassist models import" in rep.notes[0]


def test_sr_export_reads_back(tmp_path):
    from medassist.tasks.report_export import BASIC_TEXT_SR, write_sr

    src = sample("deid:humans/ctbrain1.dcm")
    rep = draft_report(src, findings="Small left frontal subdural hematoma, 4 mm.", image_model=None)
    out = write_sr(rep, tmp_path / "sr.dcm")
    sr = pydicom.dcmread(out)
    orig = pydicom.dcmread(src, stop_before_pixels=True)
    assert sr.SOPClassUID == BASIC_TEXT_SR and sr.Modality == "SR"
    assert sr.StudyInstanceUID == orig.StudyInstanceUID and sr.PatientID == orig.PatientID
    assert sr.AccessionNumber == orig.AccessionNumber
    ev = sr.CurrentRequestedProcedureEvidenceSequence[0]
    assert ev.StudyInstanceUID == orig.StudyInstanceUID
    ref = ev.ReferencedSeriesSequence[0]
    assert ref.SeriesInstanceUID == orig.SeriesInstanceUID
    assert ref.ReferencedSOPSequence[0].ReferencedSOPInstanceUID == orig.SOPInstanceUID
    assert sr.SeriesInstanceUID != orig.SeriesInstanceUID
    texts = {}
    for container in sr.ContentSequence:
        for item in container.ContentSequence:
            texts.setdefault(container.ConceptNameCodeSequence[0].CodeMeaning, []).append(item.TextValue)
    assert texts["Findings"] == ["Small left frontal subdural hematoma, 4 mm."]
    assert texts["Impressions"] == [rep.section("impression").text]
    assert any("Slice thickness 4.8 mm" in t for t in texts["Current Procedure Descriptions"])
    assert sr.CompletionFlag == "PARTIAL" and sr.VerificationFlag == "UNVERIFIED"


def test_pdf_export(tmp_path):
    from pypdf import PdfReader

    from medassist.tasks.report_export import write_pdf

    rep = draft_report(sample("RG1_UNCR.dcm"), image_model=None)
    out = write_pdf(rep, tmp_path / "r.pdf")
    text = PdfReader(out).pages[0].extract_text()
    assert "Chest radiograph" in text and "The lungs are clear." in text and "150 kVp" in text


def test_bad_input_is_a_typed_error(tmp_path):
    bad = tmp_path / "note.dcm"
    bad.write_text("not dicom at all")
    with pytest.raises(IngestError) as e:
        draft_report(bad)
    assert "note.dcm" in str(e.value)
    with pytest.raises(IngestError):
        draft_report(sample("rtplan.dcm"))  # no image: nothing to report on


def test_cli_json_jsonl_sr(tmp_path, capsys):
    rg1, ct = sample("RG1_UNCR.dcm"), sample("CT_small.dcm")
    assert main(["report", "--no-history", "--format", "json", str(rg1), "--findings", "Lungs clear."]) == 0
    d = json.loads(capsys.readouterr().out)
    assert d["template_id"] == "chest_radiograph"
    assert d["study"]["study_instance_uid"] == "1.3.6.1.4.1.5962.1.2.9.20040826185059.5457"
    assert d["study"]["accession_number"] == "exam Number" and d["study"]["patient_id"] == "9RG1"
    assert {s["name"]: s["provenance"]["source"] for s in d["sections"]}["findings"] == "user"
    findings_file = tmp_path / "f.txt"
    findings_file.write_text("Lungs: Left basal atelectasis.\n")
    rc = main(["report", "--no-history", "--format", "jsonl", str(rg1), str(tmp_path / "missing.dcm"), str(ct), "--findings", str(findings_file)])
    assert rc == EXIT_SOME_FAILED
    lines = [json.loads(x) for x in capsys.readouterr().out.splitlines()]
    assert [("error" in x) for x in lines] == [False, True, False]
    assert lines[0]["sections"][4]["text"] == "Lungs: Left basal atelectasis."
    assert lines[2]["template_id"] == "generic"
    out = tmp_path / "r.dcm"
    assert main(["report", "--no-history", "--format", "sr", "-o", str(out), str(ct)]) == 0
    assert pydicom.dcmread(out).StudyInstanceUID == "1.3.6.1.4.1.5962.1.2.1.20040119072730.12322"
    assert main(["report", "--no-history", "--format", "text", "--no-identifiers", str(rg1)]) == 0
    text = capsys.readouterr().out
    assert "TECHNIQUE:" in text and "RG1" not in text.split("Study UID")[0]


def test_cli_pdf_and_sr_folder(tmp_path, capsys):
    rg1, ct = sample("RG1_UNCR.dcm"), sample("CT_small.dcm")
    pdf = tmp_path / "r.pdf"
    assert main(["report", "--no-history", "--format", "pdf", "-o", str(pdf), str(rg1)]) == 0
    assert pdf.read_bytes()[:5] == b"%PDF-"
    outdir = tmp_path / "srs"
    assert main(["report", "--no-history", "--format", "sr", "-o", str(outdir), str(rg1), str(ct)]) == 0
    uids = sorted(pydicom.dcmread(p).StudyInstanceUID for p in outdir.glob("*.dcm"))
    assert uids == sorted(["1.3.6.1.4.1.5962.1.2.9.20040826185059.5457", "1.3.6.1.4.1.5962.1.2.1.20040119072730.12322"])
    assert "wrote" in capsys.readouterr().out
    assert main(["report", "--no-history", "--format", "sr", str(ct)]) != 0  # sr needs -o


def test_sparse_header_from_shared_data(shared_data):
    # JPEG-LS 16-bit test image: no Modality, no dates, no study UID -> generic, said plainly
    p = shared_data / "dicom" / "pydicom-data-github-extra" / "JLSL_16_15_1_1F.dcm"
    if not p.exists():
        pytest.skip("file not in shared data")
    rep = draft_report(p, image_model=None)
    assert rep.template.template.id == "generic"
    assert rep.section("exam").text == "Imaging study (modality not recorded). Date: not recorded."
    assert rep.section("technique").text == "Imaging study: 1 image in 1 series."
