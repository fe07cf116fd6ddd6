"""The torch-free decode loop (medassist.runtime.seq2seq) against the torch model it was exported from."""

from __future__ import annotations


import pytest
from script_modules import load_script


def _recipe():
    return load_script("models/impression/recipe.py", "impression_recipe")


@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    pytest.importorskip("torch")
    r = _recipe()
    cfg = r.Config(d_model=32, heads=2, enc_layers=1, dec_layers=1, ff=64, vocab=120, epochs=25, batch=8, warmup=5,
                   max_tgt=24, dropout=0.0, retrieval=False, threads=1, lr=3e-3)
    src = [f"the {w} lung is clear and the heart is normal" for w in ("left", "right", "upper", "lower")] * 4
    tgt = [f"no acute {w} disease." for w in ("left", "right", "upper", "lower")] * 4
    tok = r.build_tokenizer(src + tgt, cfg.vocab)
    model, _ = r.train_model(cfg, tok, src, tgt, log=lambda *_: None)
    out = tmp_path_factory.mktemp("tiny_s2s")
    paths = r.export_onnx(model, cfg, out)
    tok.save(str(out / "tokenizer.json"))
    return r, cfg, model, tok, paths, out, src


def test_onnx_greedy_matches_torch_greedy(tiny):
    from medassist.runtime.seq2seq import Seq2SeqOnnx

    r, cfg, model, tok, paths, out, src = tiny
    seq = Seq2SeqOnnx(paths["encoder"], paths["decoder"], out / "tokenizer.json", max_src=cfg.max_src, max_new_tokens=cfg.max_tgt - 1)
    texts = sorted(set(src))
    torch_out = r.greedy_torch(model, tok, texts, cfg)
    onnx_out = [seq.generate(t, num_beams=1).text for t in texts]
    assert onnx_out == torch_out
    # the tiny model learned the mapping, so the loop really decodes (not an empty/constant output)
    assert len(set(onnx_out)) > 1


def test_beam_search_is_deterministic_and_no_worse_than_greedy(tiny):
    from medassist.runtime.seq2seq import Seq2SeqOnnx

    r, cfg, model, tok, paths, out, src = tiny
    seq = Seq2SeqOnnx(paths["encoder"], paths["decoder"], out / "tokenizer.json", max_new_tokens=cfg.max_tgt - 1)
    g = seq.generate(src[0], num_beams=1)
    b1 = seq.generate(src[0], num_beams=3)
    b2 = seq.generate(src[0], num_beams=3)
    assert b1.text == b2.text and b1.token_ids == b2.token_ids
    assert b1.score >= g.score - 1e-4
    assert seq.generate(src[0], num_beams=2, max_new_tokens=2).token_ids.__len__() <= 2


def test_ensemble_averages_its_members_step_by_step(tiny, tmp_path):
    """EnsembleSeq2Seq: a model with itself decodes exactly as the model; two models trained with other seeds give
    at each step the mean of their log-probabilities, and beam search over that mean decodes."""
    import dataclasses

    import numpy as np

    from medassist.runtime.seq2seq import EnsembleSeq2Seq, Seq2SeqOnnx

    r, cfg, model, tok, paths, out, src = tiny
    model_b, _ = r.train_model(dataclasses.replace(cfg, seed=14), tok, src,
                               [f"no acute {w} disease." for w in ("left", "right", "upper", "lower")] * 4,
                               log=lambda *_: None)
    paths_b = r.export_onnx(model_b, cfg, tmp_path)
    kw = {"max_new_tokens": cfg.max_tgt - 1}
    a = Seq2SeqOnnx(paths["encoder"], paths["decoder"], out / "tokenizer.json", **kw)
    b = Seq2SeqOnnx(paths_b["encoder"], paths_b["decoder"], out / "tokenizer.json", **kw)
    for beams in (1, 3):
        ga, gaa = a.generate(src[1], num_beams=beams), EnsembleSeq2Seq([a, a]).generate(src[1], num_beams=beams)
        assert (gaa.text, gaa.token_ids) == (ga.text, ga.token_ids) and abs(gaa.score - ga.score) < 1e-5
    ens = EnsembleSeq2Seq([a, b])
    prefixes = [[a.bos_id, 5], [a.bos_id, 7]]
    hs, ms = ens.encode(src[2])
    la, lb = a._step(prefixes, hs[0], ms[0]), b._step(prefixes, hs[1], ms[1])
    assert not np.allclose(la, lb, atol=1e-3)  # two different models
    assert np.allclose(ens._step(prefixes, hs, ms), (la + lb) / 2, atol=1e-6)
    g = ens.generate(src[2], num_beams=3)
    assert g.token_ids and g.text == tok.decode(g.token_ids)


def test_missing_files_raise_model_pack_error(tmp_path):
    from medassist.errors import ModelPackError
    from medassist.runtime.seq2seq import Seq2SeqOnnx

    with pytest.raises(ModelPackError) as exc:
        Seq2SeqOnnx(tmp_path / "encoder.onnx", tmp_path / "decoder.onnx", tmp_path / "tokenizer.json")
    assert "encoder.onnx" in str(exc.value)


def test_no_repeat_ngram_ban():
    import numpy as np

    from medassist.runtime.seq2seq import _ban

    row = np.zeros(10, dtype=np.float32)
    _ban(row, [1, 5, 6, 7, 5], 2)  # "5 6" seen; last token 5 -> 6 banned
    assert row[6] < -1e8 and row[7] == 0


@pytest.fixture(scope="module")
def tiny_states(tmp_path_factory):
    """A tiny model whose encoder reads the frozen int8 MiniLM token states (the minilm-embedder pack)."""
    pytest.importorskip("torch")
    from medassist.runtime.registry import find_pack

    if find_pack("minilm-embedder", verify=False) is None:
        pytest.skip("the minilm-embedder pack is not built (make builds it)")
    r = _recipe()
    cfg = r.Config(d_model=32, heads=2, enc_layers=1, dec_layers=1, ff=64, vocab=120, epochs=25, batch=8, warmup=5,
                   max_tgt=24, dropout=0.0, retrieval=False, threads=1, lr=3e-3, source_encoder="minilm-embedder")
    src = [f"the {w} lung is clear and the heart is normal" for w in ("left", "right", "upper", "lower")] * 4
    tgt = [f"no acute {w} disease." for w in ("left", "right", "upper", "lower")] * 4
    tok = r.build_tokenizer(src + tgt, cfg.vocab)
    states = r.source_states(cfg, src, log=lambda *_: None)
    model, _ = r.train_model(cfg, tok, src, tgt, log=lambda *_: None, src_states=states)
    out = tmp_path_factory.mktemp("tiny_states")
    paths = r.export_onnx(model, cfg, out)
    tok.save(str(out / "tokenizer.json"))
    return r, cfg, model, tok, paths, out, src, states


def test_source_encoder_states_feed_the_exported_encoder(tiny_states):
    """The recipe trains on the states SourceEncoder computes, and the ONNX loop fed by SourceEncoder decodes exactly
    as the torch model fed the recipe's states; the exported encoder takes states, not token ids."""
    import numpy as np
    import onnxruntime as ort

    from medassist.runtime.registry import find_pack
    from medassist.runtime.seq2seq import Seq2SeqOnnx, SourceEncoder

    r, cfg, model, tok, paths, out, src, states = tiny_states
    assert cfg.source_dim == 384 and len(cfg.source_sha256) == 64
    enc_inputs = [i.name for i in ort.InferenceSession(str(paths["encoder"])).get_inputs()]
    assert enc_inputs == ["encoder_states", "attention_mask"]
    source = SourceEncoder(find_pack("minilm-embedder"))
    assert source.model_sha256 == cfg.source_sha256
    st, mask = source.states(src[0])
    assert st.shape == (1, len(states[0]), 384) and np.array_equal(st[0], states[0]) and mask.sum() == len(states[0])
    assert source.states(src[0])[0] is st  # the last text's states are kept (ensemble members share one run)
    seq = Seq2SeqOnnx(paths["encoder"], paths["decoder"], out / "tokenizer.json", max_new_tokens=cfg.max_tgt - 1,
                      source=source)
    texts = sorted(set(src))
    torch_out = r.greedy_torch(model, tok, texts, cfg, states=r.source_states(cfg, texts, log=lambda *_: None))
    onnx_out = [seq.generate(t, num_beams=1).text for t in texts]
    assert onnx_out == torch_out and len(set(onnx_out)) > 1
