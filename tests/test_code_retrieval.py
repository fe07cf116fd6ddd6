"""Embedding-retrieval candidates for the ICD-10-CM coder (opt-in): a tiny index built by the real recipe
(models/coder_index/build.py) with the built MiniLM embedder, looked up by onnxruntime."""
from __future__ import annotations

import json
import shutil

import numpy as np
import pytest
from runtime_fixtures import BUILT_EMBEDDER, flip_byte

from medassist.cli import main as cli_main
from medassist.errors import ModelPackError
from medassist.ingest import document_from_text
from medassist.runtime.packs import ModelPack
from script_modules import load_script

TINY_CODES = ["R42", "R10.9", "N39.0", "E11.9", "I10", "J18.9", "K35.80", "R50.9"]
# "dizzy" is not a word of R42's terms ("Dizziness and giddiness"): only a paraphrase links them
PARAPHRASE = "Type 2 diabetes mellitus.\nThe patient feels dizzy.\n"


def _recipe():
    return load_script("models/coder_index/build.py", "coder_index_build")


@pytest.fixture(scope="module")
def embedder():
    if not (BUILT_EMBEDDER / "manifest.json").is_file():
        pytest.skip("models/packs/minilm-embedder is not built (run `make models`)")
    from medassist.runtime.embedder import Embedder

    return Embedder(ModelPack.load(BUILT_EMBEDDER), provider="cpu", threads=1)


@pytest.fixture(scope="module")
def index_dir(embedder, tmp_path_factory):
    out = tmp_path_factory.mktemp("idx") / "coder-index"
    return _recipe().build_index(TINY_CODES, out, embedder=embedder, source="test: a handful of codes")


@pytest.fixture(scope="module")
def retriever(index_dir, embedder):
    from medassist.tasks.coding_retrieval import Retriever

    return Retriever(pack=ModelPack.load(index_dir), embedder=embedder, threads=1)


@pytest.fixture(scope="module")
def coder(retriever):
    from medassist.tasks.code import Coder

    c = Coder()
    c.retriever = retriever
    return c


def test_index_graph_returns_the_cosine_top_k(index_dir, retriever, embedder):
    import onnx
    from onnx import numpy_helper

    model = onnx.load(str(index_dir / "index.onnx"))
    init = {i.name: numpy_helper.to_array(i) for i in model.graph.initializer}
    assert init["index_int8"].dtype == np.int8 and init["index_int8"].shape == (len(TINY_CODES), 384)
    mat = init["index_int8"].astype(np.float32) * init["index_scale"][:, None]
    codes = json.loads((index_dir / "codes.json").read_text())["codes"]
    assert codes == TINY_CODES
    q = embedder.embed(["abdominal pain", "fever and chills"])
    want = q @ mat.T
    got = retriever.search(["abdominal pain", "fever and chills"], k=3)
    for row, sims in zip(got, want):
        order = np.argsort(-sims)[:3]
        assert [c for c, _ in row] == [codes[i] for i in order]
        np.testing.assert_allclose([s for _, s in row], sims[order], rtol=1e-4, atol=1e-5)
    assert got[0][0][0] == "R10.9" and got[1][0][0] == "R50.9"


def test_paraphrase_gives_a_retrieval_candidate_below_lexical_ones(coder):
    from medassist.tasks.code import code_document

    doc = document_from_text(PARAPHRASE)
    plain = code_document(doc, coder=coder)
    assert "R42" not in {c.code for c in plain.codes}  # no lexical route to it
    res = code_document(doc, coder=coder, retrieval=True)
    codes = [c.code for c in res.codes]
    assert codes[: len(plain.codes)] == [c.code for c in plain.codes]  # the scored list is untouched
    r42 = res.codes[codes.index("R42")]
    assert r42.sources == ["retrieval"] and r42.suggested is False and r42.score == 0.0
    assert r42.similarity >= 0.5
    (ev,) = r42.evidence
    assert ev.text == "The patient feels dizzy." == doc.text[ev.start:ev.end]
    d = r42.to_dict()
    assert d["source"] == "retrieval" and d["suggested"] is False and d["evidence"][0]["text"] == ev.text
    assert any("retrieval only" in w for w in d["warnings"])
    # below every scored candidate, and no code twice
    first = codes.index("R42")
    assert all("retrieval" not in c.sources for c in res.codes[:first])
    assert all("retrieval" in c.sources for c in res.codes[first:])
    assert len(codes) == len(set(codes))
    assert "E11.9" in codes[:first]  # the lexical code keeps its place and is not repeated below


def test_negated_or_family_or_medication_sentence_gives_nothing(retriever):
    from medassist.tasks.coding_retrieval import retrieve

    assert {c.code for c in retrieve(document_from_text("The patient feels dizzy."), retriever)} == {"R42"}
    for text in ("The patient denies feeling dizzy.", "No dizziness.", "Her mother feels dizzy.",
                 "Possible dizziness.", "MEDICATIONS:\nMeclizine for feeling dizzy.\n"):
        assert retrieve(document_from_text(text), retriever) == [], text


def test_listed_codes_are_not_repeated_and_floor_applies(retriever):
    from medassist.tasks.coding_retrieval import retrieve

    doc = document_from_text("Her belly hurts and she feels dizzy.")
    got = {c.code: c.similarity for c in retrieve(doc, retriever)}
    assert "R10.9" in got or "R42" in got
    assert not ({"R10.9", "R42"} & {c.code for c in retrieve(doc, retriever, exclude={"R10.9", "R42"})})
    assert retrieve(doc, retriever, floor=0.99) == []


@pytest.mark.parametrize("victim", ["index.onnx", "codes.json"])
def test_tampered_index_is_refused_naming_the_file(index_dir, embedder, tmp_path, victim):
    from medassist.tasks.coding_retrieval import Retriever

    bad = tmp_path / "coder-index"
    shutil.copytree(index_dir, bad)
    flip_byte(bad / victim)
    with pytest.raises(ModelPackError) as err:
        Retriever(pack=ModelPack.load(bad, verify=False), embedder=embedder)
    assert victim in str(err.value)


def test_cli_retrieval_flag_uses_the_installed_index(index_dir, home, tmp_path, capsys, monkeypatch):
    from medassist.tasks import coding_retrieval

    monkeypatch.setattr(coding_retrieval, "_retriever", None)  # load the index found now
    shutil.copytree(index_dir, home / "packs" / "coder-index")  # user packs come first in the search order
    note = tmp_path / "note.txt"
    note.write_text(PARAPHRASE, encoding="utf-8")
    assert cli_main(["code", str(note), "--format", "json", "--no-history"]) == 0
    off = json.loads(capsys.readouterr().out)
    off = off[0] if isinstance(off, list) else off
    assert not any(c.get("source") == "retrieval" for c in off["codes"])
    assert cli_main(["code", str(note), "--retrieval", "--format", "json", "--no-history"]) == 0
    on = json.loads(capsys.readouterr().out)
    on = on[0] if isinstance(on, list) else on
    ret = [c for c in on["codes"] if c.get("source") == "retrieval"]
    assert [c["code"] for c in ret][:1] == ["R42"] and not any(c["suggested"] for c in ret)
    text = note.read_text(encoding="utf-8")
    assert all(text[e["start"]:e["end"]] == e["text"] for c in ret for e in c["evidence"])
    assert coding_retrieval.get_retriever().pack.path == home / "packs" / "coder-index"
    assert cli_main(["code", str(note), "--retrieval", "--no-history"]) == 0
    out = capsys.readouterr().out
    assert "Similar by meaning only" in out and "R42" in out.split("Similar by meaning only")[1]
    assert "R42" not in out.split("Similar by meaning only")[0]
