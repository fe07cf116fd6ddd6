"""The text embedder: pooling/normalisation/padding on a tiny real ONNX pack, golden vectors of the built
int8 MiniLM pack against its fp32 twin, and no torch / Qt at run time."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import numpy as np
import pytest
from runtime_fixtures import VOCAB, copy_built_embedder, embedding_table, make_tiny_pack

from medassist.errors import ModelPackError
from medassist.runtime import registry
from medassist.runtime.embedder import Embedder, get_embedder
from medassist.runtime.packs import ModelPack

CLINICAL = [
    "Patient presents with chest pain radiating to the left arm.",
    "No known drug allergies.",
    "Blood pressure 142/88, heart rate 96, afebrile.",
    "Assessment: community-acquired pneumonia, right lower lobe.",
    "Start amoxicillin 500 mg by mouth three times daily for 7 days.",
    "History of type 2 diabetes mellitus on metformin.",
    "Denies shortness of breath, nausea or vomiting.",
    "CT of the head without contrast shows no acute intracranial abnormality.",
    "Follow up with cardiology in two weeks.",
    "Mother had breast cancer at age 52.",
]
# Measured once (onnxruntime 1.31.1, AVX2 CPU) for CLINICAL[0] embedded on its own with the int8 model.
GOLDEN_INT8_FIRST3 = [0.058899, 0.107506, 0.009537]


def _expected(words: list[str]) -> np.ndarray:
    """Mean of the token vectors of [CLS] words [SEP], L2-normalised (what the tiny model + pooling must give)."""
    table = embedding_table()
    idx = [VOCAB.index("[CLS]")] + [VOCAB.index(w) if w in VOCAB else VOCAB.index("[UNK]") for w in words] + [VOCAB.index("[SEP]")]
    v = table[idx].mean(axis=0)
    return v / np.linalg.norm(v)


@pytest.fixture
def tiny(tmp_path):
    return Embedder(ModelPack.load(make_tiny_pack(tmp_path / "tiny", max_length=6)), provider="cpu", threads=1)


def test_mean_pooling_and_normalisation(tiny):
    v = tiny.embed(["Chest pain", "no fever"])
    assert v.shape == (2, 4) and v.dtype == np.float32
    np.testing.assert_allclose(v[0], _expected(["chest", "pain"]), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(v[1], _expected(["no", "fever"]), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(np.linalg.norm(v, axis=1), 1.0, rtol=1e-6)


def test_padding_does_not_leak_and_order_is_kept(tiny):
    texts = ["cough", "patient denies chest pain", "fever", "the patient"]
    batched = tiny.embed(texts, batch_size=16)
    one_by_one = np.stack([tiny.embed([t], batch_size=1)[0] for t in texts])
    np.testing.assert_allclose(batched, one_by_one, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(batched[1], _expected(["patient", "denies", "chest", "pain"]), rtol=1e-5, atol=1e-6)


def test_truncation_at_max_length(tiny):
    # max_length 6 = [CLS] + 4 words + [SEP]: words past the fourth are dropped
    v = tiny.embed(["chest pain no fever cough cough cough"])[0]
    np.testing.assert_allclose(v, _expected(["chest", "pain", "no", "fever"]), rtol=1e-5, atol=1e-6)


def test_input_checks(tiny):
    assert tiny.embed([]).shape == (0, 4)
    with pytest.raises(TypeError, match="list of strings"):
        tiny.embed("chest pain")
    with pytest.raises(TypeError, match=r"texts\[1\] is int"):
        tiny.embed(["chest", 3])


def test_get_embedder_finds_imported_pack_and_reports_missing(tmp_path):
    registry.import_to_home(make_tiny_pack(tmp_path / "tiny"))
    emb = get_embedder("tiny-embedder")
    assert emb.pack.name == "tiny-embedder" and get_embedder("tiny-embedder") is emb
    assert emb.embed(["cough"]).shape == (1, 4)
    with pytest.raises(ModelPackError, match="model pack 'no-such-pack' not found .*medassist models import"):
        get_embedder("no-such-pack")


@pytest.fixture(scope="module")
def minilm(tmp_path_factory):
    folder = copy_built_embedder(tmp_path_factory.mktemp("packs") / "minilm-embedder")
    pack = ModelPack.load(folder)
    return Embedder(pack, threads=1), Embedder(pack, variant="reference", threads=1)


def test_int8_agrees_with_fp32_on_clinical_sentences(minilm):
    int8, fp32 = minilm
    a, b = int8.embed(CLINICAL), fp32.embed(CLINICAL)
    assert a.shape == (10, 384)
    cos = (a * b).sum(axis=1)
    assert cos.min() >= 0.98, cos
    # and the embeddings mean something: the pneumonia sentence is nearer to a paraphrase than to allergies
    q = int8.embed(["Chest X-ray consistent with pneumonia in the right lower lobe."])[0]
    assert q @ a[3] > q @ a[1] + 0.2


def test_int8_golden_vector(minilm):
    int8, _ = minilm
    v = int8.embed([CLINICAL[0]])[0]
    np.testing.assert_allclose(v[:3], GOLDEN_INT8_FIRST3, atol=1e-3)
    # Dynamic int8 quantises activations per batch, so batch-mates move a vector a little — never far.
    batched = int8.embed(CLINICAL, batch_size=16)[0]
    assert float(v @ batched) >= 0.98


def test_embedder_runs_without_torch_or_qt(tmp_path):
    copy_built_embedder(tmp_path / "home" / "packs" / "minilm-embedder", with_reference=False)
    code = textwrap.dedent(
        """
        import sys
        import medassist.cli, medassist.runtime.embedder as e
        v = e.get_embedder().embed(["No known drug allergies."])
        assert v.shape == (1, 384)
        bad = sorted(m for m in sys.modules if m.split(".")[0] in ("torch", "PySide6", "shiboken6", "transformers", "optimum", "ui"))
        print("LOADED:", bad)
        """
    )
    env = {"MEDASSIST_HOME": str(tmp_path / "home"), "PATH": "/usr/bin:/bin", "HF_HUB_OFFLINE": "1"}
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=120)
    assert res.returncode == 0, res.stderr
    assert "LOADED: []" in res.stdout, res.stdout
