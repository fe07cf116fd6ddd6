"""The coder's tree scorer: the numpy walk of scorer.json and its ONNX form (scorer.onnx), which the app runs."""
from __future__ import annotations

import json

import numpy as np
import pytest

from medassist.ingest import document_from_text
from medassist.tasks import coding_model as cm
from medassist.tasks.code import get_coder

# two depth-2 trees over two features; leaves hold log-odds contributions
TREES = {
    "features": ["a", "b"], "init": -1.0, "trees": [
        {"left": [1, -1, 3, -1, -1], "right": [2, -1, 4, -1, -1], "feature": [0, 0, 1, 0, 0],
         "threshold": [0.5, 0, 2.0, 0, 0], "value": [0, 0.25, 0, 1.5, -0.5]},
        {"left": [1, -1, -1], "right": [2, -1, -1], "feature": [1, 0, 0], "threshold": [0.0, 0, 0],
         "value": [0, -2.0, 0.75]},
    ]}


def _expected(a, b):
    z = -1.0 + (0.25 if a <= 0.5 else (1.5 if b <= 2.0 else -0.5)) + (-2.0 if b <= 0.0 else 0.75)
    return 1.0 / (1.0 + np.exp(-z))


ROWS = [(0.2, -1.0), (0.5, 0.0), (0.9, 1.0), (0.9, 2.0), (0.9, 2.5), (3.0, -4.0)]


def test_tree_scorer_walks_each_tree_to_its_leaf():
    got = cm.TreeScorer(TREES).score(np.array(ROWS))
    assert np.allclose(got, [_expected(a, b) for a, b in ROWS])
    assert cm.TreeScorer(TREES).score(np.zeros((0, 2))).shape == (0,)


def test_onnx_form_of_the_trees_scores_the_same(tmp_path):
    pytest.importorskip("onnx")
    path = tmp_path / "scorer.onnx"
    path.write_bytes(cm.trees_to_onnx(TREES))
    got = cm.OnnxTreeScorer(path, TREES, threads=1).score(ROWS)
    assert np.allclose(got, [_expected(a, b) for a, b in ROWS], atol=1e-6)


def test_shipped_pack_onnx_scorer_matches_its_trees():
    """The app scores with scorer.onnx; it must agree with the trees in scorer.json on real candidates."""
    coder = get_coder()
    assert isinstance(coder.scorer, cm.OnnxTreeScorer)
    data = json.loads(coder.pack.file("scorer.json").read_text(encoding="utf-8"))
    doc = document_from_text("Type 2 diabetes mellitus with chronic kidney disease stage 3. Denies chest pain. "
                             "Hypertension treated with lisinopril. Chest X-ray showed right lower lobe pneumonia.")
    cands = cm.extract(doc, coder.knowledge, coder.lexicon, coder.classify)
    X = np.array([[c.feats[f] for f in data["features"]] for c in cands])
    assert len(X) > 20
    assert np.allclose(coder.scorer.score(X), cm.TreeScorer(data).score(X), atol=1e-5)
