"""The coder's tree scorer: the vectorised numpy walk of the trees in scorer.json."""
from __future__ import annotations

import json

import numpy as np

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


def test_shipped_pack_scores_real_candidates_like_a_plain_tree_walk():
    """The vectorised walk agrees with walking each tree of scorer.json node by node on a real note."""
    coder = get_coder()
    data = json.loads(coder.pack.file("scorer.json").read_text(encoding="utf-8"))
    doc = document_from_text("Type 2 diabetes mellitus with chronic kidney disease stage 3. Denies chest pain. "
                             "Hypertension treated with lisinopril. Chest X-ray showed right lower lobe pneumonia.")
    cands = cm.extract(doc, coder.knowledge, coder.lexicon, coder.classify)
    X = np.array([[c.feats[f] for f in data["features"]] for c in cands])
    assert len(X) > 20

    def walk(x):
        z = data["init"]
        for t in data["trees"]:
            n = 0
            while t["left"][n] >= 0:
                n = t["left"][n] if x[t["feature"][n]] <= t["threshold"][n] else t["right"][n]
            z += t["value"][n]
        return 1.0 / (1.0 + np.exp(-z))

    assert np.allclose(coder.scorer.score(X), [walk(x) for x in X], atol=1e-12)
