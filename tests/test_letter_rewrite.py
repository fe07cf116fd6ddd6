"""The optional model rewrite of a letter (medassist.tasks.letter_rewrite) with a tiny real seq2seq ONNX pack
trained here: it learned smooth, faithful rewrites of one note's letter sections and corrupted rewrites (a
flipped side, a changed number, an invented dose, a dropped medicine) of another note's. The fact check must
use the first and refuse the second, keeping the template letter."""

from __future__ import annotations

import importlib.util
import json
import shutil
from pathlib import Path

import pytest

from medassist.errors import ModelPackError
from medassist.ingest import document_from_text
from medassist.tasks.letter import write_letter
from script_modules import load_script


NOTE_GOOD = """HISTORY OF PRESENT ILLNESS

Mary Jones is a 62-year-old woman seen for right knee pain after a fall.

MEDICATIONS

Ibuprofen 400 mg PO q8h PRN.

ASSESSMENT AND PLAN

1. Right knee sprain.
Continue ibuprofen 400 mg PO q8h PRN knee pain.

Follow up in 2 weeks. She should call the clinic if she develops fever.
"""

NOTE_BAD = """HISTORY OF PRESENT ILLNESS

Peter Brown is a 70-year-old man with atrial fibrillation and left ankle swelling.

MEDICATIONS

Warfarin 5 mg PO daily.

ASSESSMENT AND PLAN

1. Atrial fibrillation.
Continue warfarin 5 mg PO daily.

2. Left ankle swelling.

Follow up in 4 weeks. He should call the clinic if he develops bleeding while taking warfarin.
"""

#: what the tiny model learns to write for each prose section of the two letters
GOOD = {
    "diagnoses": "You have a right knee sprain, which is a stretched or torn ligament (the band that holds a joint), "
                 "and knee pain.",
    "follow_up": "Please come back to see us in 2 weeks.",
    "warnings": "Call us if you develop fever, and get help right away if you feel much worse.",
}
BAD = {
    "diagnoses": "You have atrial fibrillation, an irregular, often fast heartbeat, and right ankle swelling.",  # side
    "follow_up": "Please come back to see us in 6 weeks.",  # number changed
    "warnings": "Call us if you develop bleeding, and take 10 mg more if you feel much worse.",  # dose, drug dropped
}


def _recipe():
    return load_script("models/impression/recipe.py", "impression_recipe_lr")


def _prompts(note: str) -> dict[str, str]:
    from medassist.tasks.letter_rewrite import VERBATIM_SECTIONS, section_prompt

    letter = write_letter(document_from_text(note))
    return {s.key: section_prompt([ln.text for ln in s.lines]) for s in letter.sections if s.key not in VERBATIM_SECTIONS}


@pytest.fixture(scope="module")
def pack(tmp_path_factory):
    """A seq2seq pack (encoder + decoder ONNX, tokenizer.json, generation.json) that learned the two mappings."""
    pytest.importorskip("torch")
    r = _recipe()
    good, bad = _prompts(NOTE_GOOD), _prompts(NOTE_BAD)
    assert set(good) == set(GOOD) and set(bad) == set(BAD)  # the letters have the sections the targets are for
    src = [good[k] for k in GOOD] + [bad[k] for k in BAD]
    tgt = [GOOD[k] for k in GOOD] + [BAD[k] for k in BAD]
    cfg = r.Config(d_model=64, heads=2, enc_layers=1, dec_layers=1, ff=128, vocab=400, epochs=120, batch=6, warmup=10,
                   max_tgt=64, dropout=0.0, retrieval=False, threads=1, lr=3e-3, label_smoothing=0.0)
    tok = r.build_tokenizer((src + tgt) * 3, cfg.vocab)
    model, _ = r.train_model(cfg, tok, src * 4, tgt * 4, log=lambda *_: None)
    root = tmp_path_factory.mktemp("letter_rewrite")
    paths = r.export_onnx(model, cfg, root / "fp32")
    out = r.write_pack(root / "letter-tiny", cfg, paths, tok, None, {}, [], {}, "none (fp32)")
    return out


def _install(pack: Path, task: str = "letter-seq2seq") -> Path:
    """Import the pack into this test's $MEDASSIST_HOME/packs under ``task``."""
    from medassist.runtime.registry import user_packs_dir

    dest = user_packs_dir() / "letter-tiny"
    shutil.copytree(pack, dest)
    man = json.loads((dest / "manifest.json").read_text())
    man["task"] = task
    (dest / "manifest.json").write_text(json.dumps(man))
    return dest


# ------------------------------------------------------------------------------------------------ used / refused
def test_a_faithful_rewrite_is_used_and_its_readability_computed(pack):
    from medassist.tasks.letter_rewrite import rewrite_letter

    doc = document_from_text(NOTE_GOOD)
    letter = write_letter(doc)
    template_text = letter.text
    rw = rewrite_letter(letter, doc, pack=pack)
    assert rw.reasons == [] and rw.used is True and letter.rewrite is rw
    for text in GOOD.values():  # the model's own sentences, one paragraph per prose section
        assert text in rw.text
    # headings and the medicine lines are kept verbatim; the template letter itself is not replaced
    assert "What we found:\nYou have a right knee sprain" in rw.text
    assert "- How to take it: take 400 mg by mouth every 8 hours as needed for knee pain." in rw.text
    assert letter.text == template_text
    assert rw.readability and rw.readability["words"] != letter.readability["words"]
    assert rw.readability["flesch_kincaid_grade"] is not None
    d = letter.to_dict()["rewrite"]
    assert d["used"] is True and d["text"] == rw.text and d["model"] == "letter-tiny" and d["reasons"] == []
    # the exporters take the rewrite once it passed
    blocks = dict((h, lines) for h, lines in letter.paragraphs() if h)
    assert blocks["Your next visit"] == [GOOD["follow_up"]]


def test_a_rewrite_that_changes_facts_is_refused_with_reasons(pack):
    from medassist.tasks.letter_rewrite import rewrite_letter

    doc = document_from_text(NOTE_BAD)
    letter = write_letter(doc)
    template = letter.to_dict()
    rw = rewrite_letter(letter, doc, pack=pack)
    assert rw.used is False and BAD["follow_up"] in rw.text  # the refused text is kept for the record
    why = "\n".join(rw.reasons)
    assert "side 'Left ankle'" in why and "laterality 'right ankle'" in why  # flipped side
    assert "number '4'" in why and "number '6' in the letter is not in the note" in why  # changed number
    assert "adds the number '10'" in why  # invented dose (the note has a "1." list number: see the report)
    assert "medicine 'warfarin'" in why  # a medicine the template letter named is dropped
    # the template letter stays the letter: text, checks and the export are unchanged
    after = letter.to_dict()
    assert {k: v for k, v in after.items() if k != "rewrite"} == {k: v for k, v in template.items() if k != "rewrite"}
    assert after["rewrite"]["used"] is False and after["rewrite"]["readability"] is None
    assert all(not h or lines[0].startswith("- ") for h, lines in letter.paragraphs() if h and lines)


@pytest.mark.parametrize("corrupt, reason", [
    (lambda t: t.replace("2 weeks", "3 weeks"), "number '3' in the letter is not in the note"),
    (lambda t: t.replace("2 weeks", "20 weeks"), "adds the number '20'"),
    (lambda t: t.replace("right knee", "left knee"), "side 'Right knee'"),
    (lambda t: t.replace("fever", "fever after 800 mg of ibuprofen"), "adds the medicine 'ibuprofen'"),
    (lambda t: t.replace("get help right away if you feel much worse", "rest"),
     "'When to get help': the rewrite keeps only 38% of the section's words"),
    (lambda t: "", "'What we found': the model wrote nothing for this section"),
    (lambda t: t.replace("knee pain", "pain"), "'What we found': the rewrite loses diagnosis 'knee pain'"),
])
def test_each_single_change_to_a_good_rewrite_is_refused(pack, corrupt, reason):
    """The real model's faithful output with one fact changed: refused for that reason alone."""
    from medassist.tasks.letter_rewrite import load_generator, rewrite_letter

    gen, _ = load_generator(pack)
    doc = document_from_text(NOTE_GOOD)
    letter = write_letter(doc)
    rw = rewrite_letter(letter, doc, generate=lambda p: corrupt(gen(p)))
    assert rw.used is False and any(reason in r for r in rw.reasons), rw.reasons


# ------------------------------------------------------------------------------------------------ packs, CLI, default
def test_no_pack_is_a_clear_error_and_the_cli_keeps_the_plain_letters(tmp_path, capsys):
    from medassist.cli import main
    from medassist.tasks.letter_rewrite import find_rewrite_pack, rewrite_letter

    doc = document_from_text(NOTE_GOOD)
    letter = write_letter(doc)
    assert find_rewrite_pack() is None
    with pytest.raises(ModelPackError) as exc:
        rewrite_letter(letter, doc)
    assert "letter-llm" in str(exc.value) and "medassist models import" in str(exc.value)
    assert letter.rewrite is None

    a, b = tmp_path / "a.txt", tmp_path / "b.txt"
    a.write_text(NOTE_GOOD)
    b.write_text(NOTE_BAD)
    rc = main(["letter", str(a), str(b), "--no-history", "--rewrite", "--format", "jsonl"])
    out, err = capsys.readouterr()
    rows = [json.loads(x) for x in out.splitlines()]
    assert rc == ModelPackError.exit_code == 3 and "no letter rewrite pack installed" in err
    assert [Path(r["file"]).name for r in rows] == ["a.txt", "b.txt"]
    for r in rows:  # every plain letter is there, saying why it has no rewrite
        assert r["text"].startswith("Your visit today") and r["rewrite"]["used"] is False
        assert "letter-seq2seq" in r["rewrite"]["reasons"][0]


def test_installed_pack_is_found_and_the_cli_shows_the_rewrite(pack, tmp_path, capsys):
    from medassist.cli import main
    from medassist.tasks.letter_rewrite import find_rewrite_pack

    dest = _install(pack)
    assert find_rewrite_pack() == dest
    a, b = tmp_path / "a.txt", tmp_path / "b.txt"
    a.write_text(NOTE_GOOD)
    b.write_text(NOTE_BAD)
    assert main(["letter", str(a), "--no-history", "--rewrite", "--format", "json"]) == 0
    d = json.loads(capsys.readouterr().out)
    assert d["rewrite"]["used"] is True and d["rewrite"]["model"] == "letter-tiny"
    assert main(["letter", str(b), "--no-history", "--rewrite"]) == 0
    text = capsys.readouterr().out
    assert text.startswith("Your visit today") and "- Please come back in 4 weeks." in text  # the template letter
    assert "Model rewrite (letter-tiny): NOT used" in text and BAD["follow_up"] in text


def test_a_summary_seq2seq_pack_is_not_taken_for_letters(pack):
    from medassist.tasks.letter_rewrite import find_rewrite_pack

    _install(pack, task="summary-seq2seq")
    assert find_rewrite_pack() is None


def test_off_by_default(tmp_path, capsys):
    from medassist.cli import main
    from medassist.config import Settings

    assert Settings().letter_rewrite is False
    doc = document_from_text(NOTE_GOOD)
    letter = write_letter(doc)
    assert letter.rewrite is None and letter.to_dict()["rewrite"] is None
    a = tmp_path / "a.txt"
    a.write_text(NOTE_GOOD)
    assert main(["letter", str(a), "--no-history", "--format", "json"]) == 0  # no pack needed without --rewrite
    d = json.loads(capsys.readouterr().out)
    assert d["rewrite"] is None and d["text"] == letter.text


# ------------------------------------------------------------------------------------------------ the UI pane
@pytest.mark.skipif(importlib.util.find_spec("pytestqt") is None, reason="pytest-qt is not installed")
def test_letter_pane_shows_a_used_rewrite_and_says_when_one_was_refused(pack, qtbot):
    from medassist.tasks.letter_rewrite import rewrite_letter
    from ui.main_window import _Obj
    from ui.panes import LetterPane

    pane = LetterPane()
    qtbot.addWidget(pane)
    pane.show()

    doc = document_from_text(NOTE_GOOD)
    good = write_letter(doc)
    rewrite_letter(good, doc, pack=pack)
    pane.set_result(good)
    assert pane.text() == good.rewrite.text != good.text  # the rewrite is shown, and said to be
    assert "Showing the model rewrite (letter-tiny): it passed the fact check" in pane.info.text()
    assert f"{good.rewrite.readability['words']} words" in pane.info.text()  # its own readability
    assert dict(pane.blocks())["Your next visit"] == [GOOD["follow_up"]]  # and it is what gets exported

    doc = document_from_text(NOTE_BAD)
    bad = write_letter(doc)
    rewrite_letter(bad, doc, pack=pack)
    for result in (bad, _Obj(bad.to_dict())):  # a live result and a past run from the history
        pane.set_result(result)
        assert pane.text() == bad.text and BAD["follow_up"] not in pane.text()  # the template letter
        info = pane.info.text()
        assert "Model rewrite not used, the template letter is shown: 'What we found': the side 'Left ankle'" in info
        assert f"(+{len(bad.rewrite.reasons) - 1} more)" in info

    plain = write_letter(document_from_text(NOTE_GOOD))  # no rewrite asked for: nothing said about one
    pane.set_result(plain)
    assert pane.text() == plain.text and "rewrite" not in pane.info.text()
