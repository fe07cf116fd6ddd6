"""The image-to-text pack interface (medassist.runtime.vision): a real tiny VisionEncoderDecoder ONNX pack
run by onnxruntime without torch.

- models/vision_tiny/pack: the committed tiny pack built by models/vision_tiny/recipe.py (trained for
  seconds on two synthetic image kinds): its drafts must be the sentences it was trained on, per image kind,
  through the pack, the registry, draft_report and the CLI.
- parity: a fresh random-init model exported with optimum in a session fixture; the torch-free greedy
  loop (merged decoder with past, and the no-past decoder) must give the same tokens as transformers'
  ``generate`` on the same pixels.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

np = pytest.importorskip("numpy")
pytest.importorskip("onnxruntime")
pydicom = pytest.importorskip("pydicom")

from medassist.errors import ModelPackError  # noqa: E402
from medassist.runtime import vision  # noqa: E402
from script_modules import load_script

ROOT = Path(__file__).resolve().parent.parent
PACK = ROOT / "models" / "vision_tiny" / "pack"


def _recipe():
    return load_script("models/vision_tiny/recipe.py", "vision_tiny_recipe")


recipe = _recipe()


@pytest.fixture(scope="module")
def captioner():
    if not (PACK / "manifest.json").is_file():
        pytest.skip("models/vision_tiny/pack not built")
    return vision.VisionCaptioner.load(PACK)


@pytest.mark.parametrize("kind", ["clear", "opacity"])
def test_tiny_pack_drafts_what_it_learned(captioner, kind):
    for seed in (101, 202, 303):  # unseen noise
        cap = captioner.generate(recipe.synthetic_image(kind, seed=seed))
        assert cap.text == recipe.SENTENCES[kind].replace(" .", ".")  # the WordPiece decoder joins "."
        assert cap.decoder == "decoder_model_merged.onnx"
        assert cap.steps == len(recipe.SENTENCES[kind].split()) + 1  # words + EOS


def test_preprocess_matches_vit_image_processor(captioner):
    transformers = pytest.importorskip("transformers")
    img = recipe.synthetic_image("opacity", seed=5)
    proc = transformers.ViTImageProcessor.from_pretrained(str(PACK))
    ref = proc(images=[np.stack([img] * 3, axis=-1)], return_tensors="np")["pixel_values"]
    ours = captioner.preprocess(img)
    assert ours.shape == ref.shape == (1, 3, 32, 32)
    assert np.allclose(ours, ref, atol=1e-5)


def _cr_chest(path: Path, kind: str) -> Path:
    from pydicom.dataset import Dataset, FileMetaDataset
    from pydicom.uid import ComputedRadiographyImageStorage, ExplicitVRLittleEndian, generate_uid

    ds = Dataset()
    ds.file_meta = FileMetaDataset()
    ds.file_meta.TransferSyntaxUID = ExplicitVRLittleEndian
    ds.file_meta.MediaStorageSOPClassUID = ds.SOPClassUID = ComputedRadiographyImageStorage
    ds.SOPInstanceUID = ds.file_meta.MediaStorageSOPInstanceUID = generate_uid()
    ds.StudyInstanceUID, ds.SeriesInstanceUID = generate_uid(), generate_uid()
    ds.Modality, ds.BodyPartExamined, ds.ViewPosition = "CR", "CHEST", "PA"
    ds.PatientID, ds.StudyDate = "TINY1", "20240301"
    img = recipe.synthetic_image(kind, seed=7)
    ds.Rows, ds.Columns = img.shape
    ds.SamplesPerPixel, ds.PhotometricInterpretation = 1, "MONOCHROME2"
    ds.BitsAllocated = ds.BitsStored = 8
    ds.HighBit, ds.PixelRepresentation = 7, 0
    ds.WindowCenter, ds.WindowWidth = 127.5, 256
    ds.PixelData = img.tobytes()
    ds.save_as(path, enforce_file_format=True)
    return path


def test_report_findings_from_the_key_image(captioner, tmp_path):
    from medassist.tasks.report import draft_report

    for kind in ("opacity", "clear"):
        src = _cr_chest(tmp_path / f"{kind}.dcm", kind)
        rep = draft_report(src, image_model=captioner)
        f = rep.section("findings")
        expected = {"opacity": "Right lower lobe opacity. Small right pleural effusion.", "clear": "The lungs are clear. No pleural effusion."}
        assert f.source == "model" and f.text == expected[kind]
        ev = f.evidence[0]
        assert ev["key_image"] and ev["sop_instance_uid"] == pydicom.dcmread(src).SOPInstanceUID and ev["frame"] == 0
        assert rep.image_model["installed"] and rep.image_model["name"] == "vision-tiny-test"
        assert rep.models[0]["sha256"] == captioner.info()["sha256"]
        assert not any("no image model" in n for n in rep.notes)
    # the radiologist's findings win over the model
    rep = draft_report(src, findings="Normal chest.", image_model=captioner)
    assert rep.section("findings").source == "user"


def test_registry_install_and_cli(tmp_path, home, capsys):
    from medassist.cli import main

    assert vision.find_captioner() is None  # nothing installed in a fresh home
    shutil.copytree(PACK, home / "packs" / "vision-tiny-test")
    c = vision.find_captioner()
    assert c is not None and c.info()["name"] == "vision-tiny-test"
    src = _cr_chest(tmp_path / "o.dcm", "opacity")
    assert main(["report", "--no-history", "--format", "json", str(src)]) == 0
    d = json.loads(capsys.readouterr().out)
    f = next(s for s in d["sections"] if s["name"] == "findings")
    assert f["provenance"]["source"] == "model" and f["text"].startswith("Right lower lobe opacity")
    assert d["image_model"]["installed"] is True


def test_bad_packs_are_typed_errors(tmp_path):
    bad = tmp_path / "tampered"
    shutil.copytree(PACK, bad)
    enc = bad / "encoder_model.onnx"
    data = bytearray(enc.read_bytes())
    data[-10] ^= 0xFF
    enc.write_bytes(bytes(data))
    with pytest.raises(ModelPackError) as e:
        vision.VisionCaptioner.load(bad)
    assert "encoder_model.onnx" in str(e.value)
    partial = tmp_path / "partial"
    partial.mkdir()
    shutil.copy(PACK / "encoder_model.onnx", partial)
    with pytest.raises(ModelPackError) as e:
        vision.VisionCaptioner.load(partial)
    assert "tokenizer.json" in str(e.value) and "decoder_model" in str(e.value) and "partial" in str(e.value)


def test_runs_without_torch(tmp_path):
    code = (
        "import sys, importlib.util\n"
        "sys.modules['torch'] = None  # any import of torch now fails\n"
        "from medassist.runtime.vision import VisionCaptioner\n"
        "import numpy as np\n"
        "c = VisionCaptioner.load(sys.argv[1])\n"
        "img = np.zeros((64, 64), np.uint8)\n"
        "print(c.generate(img).steps)\n"
    )
    r = subprocess.run([sys.executable, "-c", code, str(PACK)], capture_output=True, text=True, timeout=120, cwd=ROOT)
    assert r.returncode == 0, r.stderr
    assert int(r.stdout.strip()) >= 1


@pytest.fixture(scope="session")
def random_pack(tmp_path_factory):
    pytest.importorskip("torch")
    pytest.importorskip("optimum.exporters.onnx")
    out = tmp_path_factory.mktemp("vision") / "random"
    recipe.build(out, steps=0, seed=3, keep_hf=True)
    return out


def test_parity_with_transformers_generate(random_pack):
    import torch
    from transformers import VisionEncoderDecoderModel

    model = VisionEncoderDecoderModel.from_pretrained(str(random_pack.parent / (random_pack.name + "-hf"))).eval()
    merged = vision.VisionCaptioner.load(random_pack, prefer_merged=True)
    nopast = vision.VisionCaptioner.load(random_pack, prefer_merged=False)
    assert (merged.decoder_name, nopast.decoder_name) == ("decoder_model_merged.onnx", "decoder_model.onnx")
    for kind, seed in (("clear", 1), ("opacity", 2)):
        pv = merged.preprocess(recipe.synthetic_image(kind, seed=seed))
        with torch.no_grad():
            ref = model.generate(pixel_values=torch.tensor(pv), max_new_tokens=12, do_sample=False, num_beams=1)[0].tolist()
        ref = ref[1:]  # drop the decoder start token
        if ref and ref[-1] == merged.eos_id:
            ref = ref[:-1]
        a = merged.generate(None, max_new_tokens=12, pixel_values=pv).token_ids
        b = nopast.generate(None, max_new_tokens=12, pixel_values=pv).token_ids
        assert a == b == ref
