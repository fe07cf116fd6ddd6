"""Structured summaries: facts with exact evidence, medication/allergy recall on notes written here, lengths,
negation, every item on the ACI-Bench + MTSamples notes, the prose checker and the tiny-model prose path."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from medassist.document import Document
from medassist.ingest import document_from_text
from medassist.tasks.extract import extract_facts
from medassist.tasks.summarize import check_generated, summarize
from script_modules import load_script


NOTE_LIST = """CHIEF COMPLAINT
Shortness of breath.

HISTORY OF PRESENT ILLNESS
Ms. Rivera is a 71-year-old woman with heart failure and atrial fibrillation who presents with two weeks of
worsening dyspnea and ankle swelling. She denies chest pain. No fever.

CURRENT MEDICATIONS
1. Furosemide 40 mg by mouth daily.
2. Metoprolol succinate 50 mg PO BID.
3. Eliquis 5 mg twice a day.
4. Atorvastatin 80 mg at bedtime.
5. Zorbatrex 10 mg daily.
- Albuterol inhaler 2 puffs every 4 hours as needed.

ALLERGIES
Penicillin causes hives.
Sulfa drugs - rash.
Latex.

VITALS
Blood pressure 162/94, heart rate 112, temperature 98.6, oxygen saturation 89% on room air.

RESULTS
Potassium 5.9. Sodium 139. BNP 1250. Chest x-ray demonstrates bilateral pleural effusions.

ASSESSMENT AND PLAN
1. Acute on chronic heart failure.
2. Atrial fibrillation with rapid ventricular response.
3. No evidence of pneumonia.
We will increase furosemide to 80 mg IV twice daily. We will repeat a basic metabolic panel in the morning.
Cardiology consult requested. Follow up in clinic in 2 weeks after discharge.
"""

NOTE_TRANSCRIPT = (
    "HISTORY OF PRESENT ILLNESS:,  This 58-year-old male has right knee pain.,PAST SURGICAL HISTORY:,  Appendectomy.,"
    "MEDICATIONS: , Crestor 20 mg p.o. daily, hydrochlorothiazide 25 mg p.o. daily, Restasis twice a day and "
    "ibuprofen as needed.,ALLERGIES TO MEDICATIONS: , Bactrim which causes a rash.  He also reports an allergy.,"
    "PROCEDURE PERFORMED: , Right knee arthroscopy.,PLAN: , He will start physical therapy and return in six weeks.,"
)

NOTE_PROSE = """MEDICATIONS
She takes Lipitor, Norvasc, and metformin 500 mg twice daily.

ALLERGIES
No known drug allergies.

ASSESSMENT
Type 2 diabetes.
"""


def _check_all_spans(doc: Document, s) -> int:
    n = 0
    for it in s.items():
        assert it.evidence, f"item without evidence: {it.text!r}"
        for sp in it.evidence:
            assert doc.text[sp.start:sp.end] == sp.text
            n += 1
        for sp in (it.fields.get("spans") or {}).values():
            assert doc.text[sp["start"]:sp["end"]] == sp["text"]
        if not it.composed:
            assert any(sp.text == it.text for sp in it.evidence)
        else:
            for key, part in (it.fields.get("spans") or {}).items():
                assert key == "change" or part["text"] in it.text
    return n


def test_medication_list_with_sig_fields():
    doc = document_from_text(NOTE_LIST)
    facts = extract_facts(doc)
    listed = [m for m in facts.medications if m.listed]
    assert [m.name for m in listed] == ["Furosemide", "Metoprolol succinate", "Eliquis", "Atorvastatin", "Zorbatrex", "Albuterol"] or \
        [m.name for m in listed][:3] == ["Furosemide", "Metoprolol", "Eliquis"]
    by = {m.name.split()[0]: m for m in listed}
    assert (by["Furosemide"].dose, by["Furosemide"].route, by["Furosemide"].frequency) == ("40 mg", "by mouth", "daily")
    assert by["Metoprolol"].dose == "50 mg" and by["Metoprolol"].route == "PO" and by["Metoprolol"].frequency == "BID"
    assert by["Eliquis"].generic == "apixaban" and by["Eliquis"].frequency == "twice a day"
    assert by["Atorvastatin"].frequency == "at bedtime"
    # a name the lexicon does not know is kept (flagged), never dropped
    assert by["Zorbatrex"].in_lexicon is False and by["Zorbatrex"].dose == "10 mg"
    for m in listed:
        assert doc.text[m.name_span.start:m.name_span.end] == m.name


def test_allergies_with_reactions_and_nka():
    doc = document_from_text(NOTE_LIST)
    al = {a.substance.lower(): a for a in extract_facts(doc).allergies}
    assert al["penicillin"].reaction == "hives"
    assert al["sulfa drugs"].reaction == "rash"
    assert "latex" in al
    prose = extract_facts(document_from_text(NOTE_PROSE))
    assert prose.no_known_allergies is not None and prose.no_known_allergies.text == "No known drug allergies"
    assert prose.allergies == []


def test_a_no_known_allergies_line_in_a_narrative_lists_no_allergy():
    # the lines after it are history and exam, not reactions ("No diabetes", "Morbid obesity")
    text = ("A 35-year-old woman with recurrent urinary infections.\nOn atenolol.\nNo known allergies.\n"
            "No diabetes.\nDo not smoke or drink.\nPhysical location: Morbid obesity.\n")
    facts = extract_facts(document_from_text(text))
    assert facts.allergies == [] and facts.no_known_allergies.text == "No known allergies"
    assert [m.name.lower() for m in facts.medications] == ["atenolol"]


def test_prose_medication_list_and_transcription_format():
    names = [m.name for m in extract_facts(document_from_text(NOTE_PROSE)).medications if m.listed]
    assert names == ["Lipitor", "Norvasc", "metformin"]
    doc = document_from_text(NOTE_TRANSCRIPT)
    f = extract_facts(doc)
    meds = {m.name: m for m in f.medications if m.listed}
    assert set(meds) == {"Crestor", "hydrochlorothiazide", "Restasis", "ibuprofen"}
    assert meds["Crestor"].dose == "20 mg" and meds["Crestor"].route == "p.o."
    assert meds["Restasis"].frequency == "twice a day" and meds["ibuprofen"].frequency == "as needed"
    # the ALLERGIES header embedded in the medications section is found, with its reaction
    assert [(a.substance, a.reaction) for a in f.allergies] == [("Bactrim", "rash")]
    assert [p.text for p in f.procedures if p.status == "performed"] == ["Right knee arthroscopy"]


def test_abnormal_results_and_negated_problems():
    doc = document_from_text(NOTE_LIST)
    s = summarize(doc, "detailed", use_embeddings=False)
    res = {r.fields.get("name"): r for r in s.key_results}
    assert res["potassium"].fields["flag"] == "high" and res["potassium"].text.startswith("Potassium 5.9")
    assert "sodium" not in res  # 139 is normal
    assert res["blood pressure"].fields["flag"] == "high" and res["heart rate"].fields["flag"] == "high"
    assert res["oxygen saturation"].fields["flag"] == "low"
    assert "temperature" not in res
    problems = [p.text for p in s.problems]
    assert "Acute on chronic heart failure" in problems
    assert not any("pneumonia" in p.lower() for p in problems)  # negated in the note
    assert any("Follow up in clinic in 2 weeks" in f.text for f in s.follow_up)
    assert any("increase furosemide to 80 mg IV twice daily" in p.text for p in s.plan)


def test_lengths_cut_everything_but_medications_and_allergies():
    doc = document_from_text(NOTE_LIST)
    short, std, det = (summarize(doc, n, use_embeddings=False) for n in ("short", "standard", "detailed"))
    from medassist.tasks.summarize import LIMITS

    assert len(short.plan) <= LIMITS["short"]["plan"] and len(short.key_results) <= LIMITS["short"]["results"]
    assert LIMITS["short"]["results"] < LIMITS["standard"]["results"] and len(det.key_results) >= len(short.key_results)
    assert len(short.items()) < len(std.items()) <= len(det.items())
    listed = lambda s: [m.text for m in s.medications if m.fields.get("listed")]
    assert listed(short) == listed(std) == listed(det) and len(listed(short)) == 6
    assert [a.text for a in short.allergies] == [a.text for a in det.allergies]
    assert short.synopsis.text.startswith("Ms. Rivera is a 71-year-old woman")
    with pytest.raises(Exception):
        summarize(doc, "tiny")


def test_summary_is_deterministic_and_serialisable():
    doc = document_from_text(NOTE_LIST)
    a = summarize(doc, use_embeddings=False).to_dict()
    b = summarize(doc, use_embeddings=False).to_dict()
    a.pop("elapsed_ms"), b.pop("elapsed_ms")
    assert a == b
    json.dumps(a)
    assert _check_all_spans(doc, summarize(doc, "detailed", use_embeddings=False)) > 20


def test_embedding_selection_when_the_pack_is_installed():
    from medassist.errors import ModelPackError

    try:
        from medassist.runtime.embedder import get_embedder

        get_embedder()
    except ModelPackError:
        pytest.skip("embedder pack not built")
    # one undivided plan with more sentences than the short summary keeps: the embedder chooses
    plan = "\n".join(f"We will adjust the dose of diuretic number {i} to her weight." for i in range(6))
    doc = document_from_text("HISTORY OF PRESENT ILLNESS:\nMs. Rivera is a 71-year-old woman with heart failure.\n\nPLAN:\n" + plan + "\n")
    s = summarize(doc, "short")
    assert s.selection == "embedding-mmr" and s.models and s.models[0]["name"] == "minilm-embedder"
    _check_all_spans(doc, s)
    # MMR keeps the plan diverse: no two identical plan sentences
    assert len({p.text for p in s.plan}) == len(s.plan)


def _notes(shared_data: Path) -> list[str]:
    out = []
    for split in ("train", "valid"):
        with open(shared_data / "aci-bench" / f"{split}.csv", newline="", encoding="utf-8") as f:
            out += [r["note"] for r in csv.DictReader(f)]
    with open(shared_data / "mtsamples-subset" / "mtsamples_first400.csv", newline="", encoding="utf-8") as f:
        out += [r[4] for r in csv.reader(f) if len(r) > 4 and r[4].strip()]
    return out


def test_every_item_on_aci_bench_and_mtsamples_has_exact_evidence(shared_data):
    notes = _notes(shared_data)
    assert len(notes) > 450
    spans = meds = 0
    for text in notes:
        doc = document_from_text(text)
        s = summarize(doc, "detailed", use_embeddings=False)
        spans += _check_all_spans(doc, s)
        meds += len(s.medications)
    assert spans > 2000 and meds > 150


def test_medication_sections_are_fully_recalled_on_the_data(shared_data):
    mod = load_script("bench/summaries.py", "bench_summaries")
    stats = mod.main(["--no-embed"])
    assert stats["evidence_bad"] == 0
    assert stats["med_named"] > 150 and stats["med_recalled"] == stats["med_named"]
    assert stats["all_named"] > 10 and stats["all_recalled"] == stats["all_named"]
    # "The patient denies latex allergy." is no allergy (2 such sentences in the data)
    assert stats["all_denied"] >= 2 and stats["all_denied_shown"] == 0
    assert stats["nka_recalled"] == stats["nka_named"]
    # the prose checker rarely cries wolf on text that is the note's own words
    assert stats["checker_false_flags"] <= 0.01 * stats["notes"]


# ------------------------------------------------------------------------------------------------ prose checker
def test_checker_flags_invented_numbers_drugs_sides_and_negations():
    doc = document_from_text(NOTE_LIST)
    ok = "71-year-old woman with heart failure on furosemide 40 mg daily; potassium 5.9; bilateral pleural effusions; denies chest pain."
    assert check_generated(ok, doc) == []
    bad = "She takes warfarin 7.5 mg. Potassium 6.1. Left pleural effusion. No ankle swelling."
    flags = {(f.kind, f.text) for f in check_generated(bad, doc)}
    assert ("drug", "warfarin") in flags
    assert ("number", "7.5") in flags and ("number", "6.1") in flags
    assert any(k == "laterality" for k, _ in flags)
    assert any(k == "negation" and "ankle" in t.lower() for k, t in flags)


def _recipe():
    return load_script("models/impression/recipe.py", "impression_recipe_s")


def test_prose_path_with_a_tiny_seq2seq_pack_flags_what_it_invents(tmp_path):
    """A tiny seq2seq pack trained here to always write an unsafe sentence: the prose path runs it with
    onnxruntime and the checker flags the invented drug and dose."""
    pytest.importorskip("torch")
    r = _recipe()
    cfg = r.Config(d_model=32, heads=2, enc_layers=1, dec_layers=1, ff=64, vocab=150, epochs=30, batch=8, warmup=5,
                   max_tgt=24, dropout=0.0, retrieval=False, threads=1, lr=3e-3)
    src = [f"Problems: heart failure {i}" for i in range(8)]
    tgt = ["Patient takes warfarin 75 mg daily."] * 8
    tok = r.build_tokenizer(src + tgt, cfg.vocab)
    model, _ = r.train_model(cfg, tok, src, tgt, log=lambda *_: None)
    out = tmp_path / "prose-tiny"
    paths = r.export_onnx(model, cfg, tmp_path / "fp32")
    r.write_pack(out, cfg, paths, tok, None, {}, [], {}, "none (fp32)")
    man = json.loads((out / "manifest.json").read_text())
    assert man["task"] == "impression"  # the recipe's pack; used here as a generic seq2seq pack

    from medassist.tasks.summarize import abstractive_summary

    doc = document_from_text(NOTE_PROSE)
    s = summarize(doc, use_embeddings=False)
    ab = abstractive_summary(doc, s, pack=out)
    assert "warfarin" in ab["text"].lower()
    kinds = {(f["kind"], f["text"].lower()) for f in ab["flags"]}
    assert ("drug", "warfarin") in kinds and ("number", "75") in kinds
    assert s.to_dict()["abstract"]["unsupported"] >= 2


def test_genai_missing_is_reported_cleanly(tmp_path):
    from medassist.errors import ModelPackError
    from medassist.runtime.genai import GenAIGenerator, genai_status

    st = genai_status()
    if st["installed"]:
        pytest.skip("onnxruntime-genai is installed here")
    assert "not installed" in st["detail"]
    (tmp_path / "genai_config.json").write_text("{}")
    with pytest.raises(ModelPackError) as exc:
        GenAIGenerator(tmp_path)
    assert "not installed" in str(exc.value)
    from medassist.tasks.summarize import abstractive_summary

    doc = document_from_text(NOTE_PROSE)
    with pytest.raises(ModelPackError):
        abstractive_summary(doc, summarize(doc, use_embeddings=False), pack=tmp_path)


def test_cli_summarize_jsonl_and_text(tmp_path, capsys):
    from medassist.cli import main

    a = tmp_path / "a.txt"
    a.write_text(NOTE_LIST, encoding="utf-8")
    empty = tmp_path / "b.txt"
    empty.write_text("   \n", encoding="utf-8")
    rc = main(["summarize", str(a), str(empty), "--format", "jsonl", "--no-history", "--length", "short", "--no-embeddings"])
    lines = [json.loads(x) for x in capsys.readouterr().out.strip().splitlines()]
    assert rc == 2 and lines[0]["file"] == str(a) and lines[0]["length"] == "short"
    assert lines[0]["medications"] and "error" in lines[1]
    rc = main(["summarize", str(a), "--no-history", "--no-embeddings"])
    out = capsys.readouterr().out
    assert rc == 0 and "Medications:" in out and "Furosemide 40 mg by mouth daily" in out
    # asking for prose with no prose pack installed keeps the extractive summary and says why
    rc = main(["summarize", str(a), "--no-history", "--no-embeddings", "--abstractive", "--format", "json"])
    d = json.loads(capsys.readouterr().out)
    assert rc == 0 and d["medications"] and "abstract" not in d
    assert any("no prose draft" in w for w in d["warnings"])


def test_a_past_history_item_the_assessment_names_again_is_an_active_problem():
    """'Osteoporosis' in the past history and again as item 2 of the assessment was a past problem only, so the
    standard summary's active problems left out a diagnosis the assessment lists."""
    text = ("HPI: 72-year-old woman with a fall.\nPAST MEDICAL HISTORY: Osteoporosis. Hypertension.\n"
            "ASSESSMENT:\n1. Closed Colles fracture of the right radius.\n2. Osteoporosis.\n3. Hypertension.\n")
    doc = document_from_text(text)
    problems = {p.text: p for p in extract_facts(doc).problems}
    assert problems["Osteoporosis"].status == "affirmed" and problems["Osteoporosis"].section == "assessment"
    assert [e.text for e in problems["Osteoporosis"].evidence] == ["Osteoporosis", "Osteoporosis"]
    assert problems["Osteoporosis"].evidence[0].start > text.index("ASSESSMENT")  # the assessment's words first
    active = [i.text for i in summarize(doc).problems]
    assert "Osteoporosis" in active and "Hypertension" in active
    # a past-history item the assessment does not name stays in the past
    doc = document_from_text("PAST MEDICAL HISTORY: Osteoporosis. Hypertension.\nASSESSMENT:\n1. Hypertension.\n")
    assert {p.text: p.status for p in extract_facts(doc).problems}.get("Osteoporosis") == "historical"


def test_checker_accepts_the_notes_own_clauses_and_reads_each_line_alone():
    """A clause copied from the note says what the note says ("If his pain does not improve ..., I will recommend a
    cortisone injection"); a negation the note does not make is still flagged, and 'Allergies: Denied' does not
    reach the next line."""
    doc = document_from_text("ASSESSMENT AND PLAN\nPlantar fasciitis. If his pain does not improve with the orthotics, "
                             "I will recommend a cortisone injection. He is not seen by cardiology routinely.\n"
                             "ALLERGIES: Denied.\nLABS: Potassium 5.9.\n")
    ok = ("Plan: If his pain does not improve with the orthotics, I will recommend a cortisone injection; "
          "He is not seen by cardiology routinely\nAllergies: Denied\nResults: Potassium 5.9")
    assert check_generated(ok, doc) == []
    flags = {(f.kind, f.text) for f in check_generated("He will not need a cortisone injection. No plantar fasciitis.", doc)}
    assert ("negation", "No plantar") in flags
    assert ("drug", "cortisone") in flags
