"""The onnxruntime session factory: provider choice, fallback reporting, threads from settings, caching."""

from __future__ import annotations

import logging

import numpy as np
import onnxruntime as ort
import pytest
from runtime_fixtures import embedding_table, write_tiny_onnx

from medassist.config import Settings
from medassist.errors import ModelPackError
from medassist.runtime import session as rs


@pytest.fixture
def tiny_onnx(tmp_path):
    rs.clear_cache()
    yield write_tiny_onnx(tmp_path / "tiny.onnx")
    rs.clear_cache()


def test_auto_uses_the_best_available_and_runs(tiny_onnx):
    sess = rs.create_session(tiny_onnx, provider="auto")
    info = rs.session_info(sess)
    assert info.requested == "auto" and info.fallback is None
    assert info.chosen[0] == [p for p in rs.PREFERENCE if p in ort.get_available_providers()][0]
    assert rs.session_providers(sess) == info.attached and info.provider == info.attached[0]
    ids = np.array([[4, 5, 0]], dtype=np.int64)
    mask = np.array([[1, 1, 0]], dtype=np.int64)
    (hidden,) = sess.run(None, {"input_ids": ids, "attention_mask": mask})
    table = embedding_table()
    np.testing.assert_allclose(hidden[0], np.stack([table[4], table[5], np.zeros(4)]), rtol=1e-6)


def test_preference_order_is_cuda_directml_cpu():
    offered = ["AzureExecutionProvider", "CPUExecutionProvider", "DmlExecutionProvider", "CUDAExecutionProvider"]
    assert rs.choose_providers("auto", offered).chosen == [
        "CUDAExecutionProvider",
        "DmlExecutionProvider",
        "CPUExecutionProvider",
    ]
    assert rs.choose_providers("directml", offered).chosen == ["DmlExecutionProvider", "CPUExecutionProvider"]
    assert rs.choose_providers("cpu", offered).chosen == ["CPUExecutionProvider"]
    assert rs.choose_providers("auto", ["CPUExecutionProvider"]).chosen == ["CPUExecutionProvider"]


@pytest.mark.skipif("CUDAExecutionProvider" in ort.get_available_providers(), reason="this machine has CUDA")
def test_unavailable_provider_falls_back_to_cpu_and_says_so(tiny_onnx, caplog):
    with caplog.at_level(logging.WARNING, logger="medassist.runtime"):
        sess = rs.create_session(tiny_onnx, provider="CUDAExecutionProvider")
    assert sess.get_providers() == ["CPUExecutionProvider"]
    info = rs.session_info(sess)
    assert info.requested == "CUDAExecutionProvider" and info.provider == "CPUExecutionProvider"
    assert "CUDAExecutionProvider is not available" in info.fallback
    assert "CUDAExecutionProvider is not available" in caplog.text
    with pytest.raises(rs.ExecutionProviderError, match="CUDAExecutionProvider is not available"):
        rs.create_session(tiny_onnx, provider="cuda", strict=True)


@pytest.mark.skipif("CUDAExecutionProvider" in ort.get_available_providers(), reason="this machine has CUDA")
def test_provider_and_threads_come_from_settings(tiny_onnx, home):
    Settings(execution_provider="cuda", intra_op_threads=1).save()
    sess = rs.create_session(tiny_onnx)
    assert rs.session_info(sess).requested == "CUDAExecutionProvider"
    assert rs.session_info(sess).fallback and sess.get_providers() == ["CPUExecutionProvider"]
    assert sess.get_session_options().intra_op_num_threads == 1


def test_sessions_are_cached_until_the_file_changes(tiny_onnx):
    a = rs.create_session(tiny_onnx, provider="cpu", threads=1)
    assert rs.create_session(tiny_onnx, provider="cpu", threads=1) is a
    assert rs.create_session(tiny_onnx, provider="cpu", threads=2) is not a
    write_tiny_onnx(tiny_onnx, table=np.ones((12, 4), dtype=np.float32))
    b = rs.create_session(tiny_onnx, provider="cpu", threads=1)
    assert b is not a
    (hidden,) = b.run(None, {"input_ids": np.array([[4]]), "attention_mask": np.array([[1]])})
    assert hidden.tolist() == [[[1.0, 1.0, 1.0, 1.0]]]


def test_bad_onnx_files_raise_model_pack_error(tmp_path):
    with pytest.raises(ModelPackError, match="ONNX file not found"):
        rs.create_session(tmp_path / "missing.onnx", provider="cpu")
    junk = tmp_path / "junk.onnx"
    junk.write_bytes(b"this is not a protobuf")
    with pytest.raises(ModelPackError, match="junk.onnx: onnxruntime could not load the model"):
        rs.create_session(junk, provider="cpu")
