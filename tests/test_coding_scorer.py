"""The coder's tree scorer: the vectorised numpy walk of the trees in scorer.json."""
from __future__ import annotations

import json

import numpy as np
import pytest

from medassist.ingest import document_from_text
from medassist.tasks import coding_model as cm
from medassist.tasks import coding_safety
from medassist.tasks.code import get_coder
from script_modules import load_script

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


def test_term_coverage_plain_and_idf_weighted():
    idf = {"chronic": 1.0, "kidney": 2.0, "disease": 1.0}
    terms = cm._weigh([("chronic", "kidney", "disease"), ("nephropathy",)], idf)
    plain, weighted = cm._coverage(terms, {"kidney", "disease", "stage"})
    assert plain == 2 / 3
    assert weighted == 3.0 / 4.0  # kidney (2) + disease (1) of chronic + kidney + disease (4)
    assert cm._coverage(terms, {"nephropathy"}) == (1.0, 1.0)
    assert cm._coverage(terms, {"stage"}) == (0.0, 0.0)
    # a word no training note used weighs as a rare one
    rare = cm._weigh([("kidney", "zzzword")], idf)
    assert cm._coverage(rare, {"zzzword"})[1] == cm.IDF_UNSEEN / (cm.IDF_UNSEEN + 2.0)


def test_note_features_of_real_candidates():
    """Every candidate carries the note features; they agree with the note and with the other candidates."""
    coder = get_coder()
    text = ("Right lower lobe pneumonia on chest X-ray. Type 2 diabetes mellitus with diabetic chronic kidney "
            "disease. She also has hypertension. Sputum culture grew no organism. Creatinine puts her at stage 4.")
    doc = document_from_text(text)
    cands = cm.extract(doc, coder.knowledge, coder.lexicon, coder.classify)
    by_code = {c.code: c for c in cands}
    assert {"J18.9", "E11.22"} <= set(by_code)
    for c in cands:
        f = c.feats
        assert set(cm.FEATURES) <= set(f)
        assert 0.0 <= f["dcov_ev"] <= f["dcov_doc"] <= 1.0 and 0.0 <= f["dcov_evw"] <= f["dcov_docw"] <= 1.0
        assert f["sib_n"] == sum(o.code[:3] == c.code[:3] for o in cands) - 1
        assert f["code_len"] == len(c.code.replace(".", "")) and f["n_ev"] == len(c.evidence)
    top = max(cands, key=lambda c: c.feats["s_max"])
    assert top.feats["rank_s"] == 0.0
    # N18.4 "Chronic kidney disease, stage 4 (severe)": its five words are in the note, three of them (chronic,
    # kidney, disease) in the sentence that names it
    n = by_code["N18.4"].feats
    assert n["dcov_doc"] == 1.0 and n["dcov_ev"] == 0.6 and n["dcov_evw"] < 1.0
    # J18.9 "Pneumonia, unspecified organism" has the Index's one-word term "pneumonia" (abbreviations.json): covered
    assert by_code["J18.9"].feats["dcov_ev"] == 1.0
    assert by_code["E11.22"].feats["dcov_doc"] == 1.0 and by_code["E11.22"].feats["dcov_ev"] == 1.0
    # a code none of whose words the note holds gets zero coverage
    far = [c for c in cands if c.feats["dcov_doc"] == 0.0]
    assert all(c.feats["dcov_ev"] == 0.0 for c in far)


def test_scorer_reads_only_the_features_it_was_trained_on():
    """A pack trained before the note features (its scorer lists the mention features only) scores as before:
    the coder builds each row from the scorer's own feature list."""
    coder = get_coder()
    old = cm.TreeScorer({"features": ["s_max", "d_max"], "init": 0.0, "trees": [
        {"left": [1, -1, -1], "right": [2, -1, -1], "feature": [1, 0, 0], "threshold": [0.5, 0, 0],
         "value": [0, -1.0, 1.0]}]})
    assert old.features == ["s_max", "d_max"]
    saved = coder.scorer, coder.ranker
    try:
        coder.scorer, coder.ranker = old, None  # (the ranker would score the listed codes: see below)
        res = coder.code(document_from_text("Chest X-ray showed right lower lobe pneumonia."))
    finally:
        coder.scorer, coder.ranker = saved
    # (a code whose evidence names no such condition is listed at coding_safety.UNMENTIONED_SCORE of its score)
    scored = [c for c in res.codes if c.sources != ["alternative"] and "listed only" not in c.sources]
    raw = {round(c.score / (coding_safety.UNMENTIONED_SCORE if any(w.startswith("ranked lower") for w in c.warnings)
                            else 1.0), 6) for c in scored}
    assert res.codes and raw <= {round(1 / (1 + np.exp(1.0)), 6), round(1 / (1 + np.exp(-1.0)), 6)}
    # the candidates past the scored ones are listed below them all, at most half the lowest score (code.list_tail)
    tail = [c for c in res.codes if "listed only" in c.sources]
    assert tail and res.codes[-len(tail):] == tail
    assert max(c.score for c in tail) <= 0.5 * min(c.score for c in res.codes[:-len(tail)])


_BUILD = """
import json, sys
from medassist.tasks.coding_model import build_knowledge
sents = ["Fever and cough for three days.", "Chest X-ray showed pneumonia of the right lower lobe.",
         "Type 2 diabetes mellitus with chronic kidney disease.", "She has essential hypertension."]
codes = [{"R50.9", "R05.9", "J18.9"}, {"J18.9", "J18.1"}, {"E11.22", "N18.9", "E11.9"}, {"I10"}]
examples = [(sents, codes, set().union(*codes)), (sents[1:], codes[1:], set().union(*codes[1:])),
            (sents[:2], codes[:2], set().union(*codes[:2]))]
sys.stdout.write(json.dumps(build_knowledge(examples, min_count=1, max_codes=2), sort_keys=True))
"""


def test_knowledge_tables_do_not_depend_on_the_hash_seed():
    """The recipe gives the same tables twice: codes tied on their count are kept and listed by code, not in the
    order a set of strings happens to iterate in (which changes with PYTHONHASHSEED)."""
    import os
    import subprocess
    import sys

    outs = set()
    for seed in ("1", "2", "3", "4"):
        env = dict(os.environ, PYTHONHASHSEED=seed)
        proc = subprocess.run([sys.executable, "-c", _BUILD], capture_output=True, text=True, env=env, check=True)
        outs.add(proc.stdout)
    assert len(outs) == 1
    sent = json.loads(outs.pop())["sent"]
    tied = sent["chest"][1]  # "chest" is in the sentence of two codes, each seen with it in 2 notes: a tie
    assert [c for c, _ in tied] == sorted(c for c, _ in tied)


def test_shipped_scorer_has_no_runaway_leaves_and_does_not_saturate_on_a_short_note():
    """A leaf fitted on a handful of rows gets a huge log-odds step; with one, a note unlike the training case
    reports (one line) scored 1.0 on every candidate. The recipe keeps >= 20 rows a leaf."""
    coder = get_coder()
    data = json.loads(coder.pack.file("scorer.json").read_text(encoding="utf-8"))
    leaves = [v for t in data["trees"] for v, left in zip(t["value"], t["left"]) if left < 0]
    assert max(abs(v) for v in leaves) < 5.0
    doc = document_from_text("ASSESSMENT: Community-acquired pneumonia with cough and fever for 3 days.")
    cands = cm.extract(doc, coder.knowledge, coder.lexicon, coder.classify)
    scores = coder.scorer.score(np.array([[c.feats[f] for f in data["features"]] for c in cands]))
    assert len(scores) > 10 and float(np.median(scores)) < 0.5
    top3 = [cands[int(k)].code for k in np.argsort(-scores)[:3]]
    assert "J18.9" in top3 and all(c.startswith(("J18", "R50", "R05")) for c in top3)  # pneumonia, fever, cough


def _recipe():
    return load_script("models/coder/train.py", "coder_train_recipe")


def test_the_learning_curve_folds_partition_the_notes_and_samples_nest_in_order():
    """train.py --hold-out K/N (bench/codiesp_curve.py): the N folds of a set of notes are disjoint, cover it, differ
    in size by at most one and do not depend on the order the notes come in; --train-notes takes a seeded sample in
    the notes' own order; a bad fold is refused."""
    import pytest

    recipe = _recipe()
    ids = [f"S{k:04d}-{k % 7}" for k in range(751)]
    folds = [recipe.hold_out(ids, f"{k}/6") for k in range(6)]
    assert sorted(i for f in folds for i in f) == sorted(ids)
    assert max(map(len, folds)) - min(map(len, folds)) <= 1
    assert recipe.hold_out(list(reversed(ids)), "2/6") == folds[2]
    assert folds[0] != folds[1] and folds[0] != sorted(ids)[:126]  # seeded, not the first notes
    rest = [i for i in ids if i not in set(folds[0])]
    sample = recipe.sample_notes(rest, 300)
    assert len(sample) == 300 and set(sample) <= set(rest) and sample == [i for i in rest if i in set(sample)]
    assert recipe.sample_notes(rest, 300) == sample and recipe.sample_notes(rest, None) == rest
    assert recipe.sample_notes(rest, 10_000) == rest
    for bad in ("6/6", "1", "a/b", "0/1"):
        with pytest.raises(SystemExit):
            recipe.hold_out(ids, bad)


def test_the_recipes_tree_exports_score_like_the_fitted_models():
    """train.py writes sklearn's trees (the shipped scorer) or LightGBM's (--trees lightgbm) as TreeScorer arrays:
    the numpy walk must give the fitted model's own probabilities (leaf values, learning rate, initial log-odds)."""
    import pytest

    recipe = _recipe()
    rng = np.random.default_rng(5)
    X = rng.normal(size=(600, len(cm.FEATURES)))
    y = (X[:, 0] + 0.5 * X[:, 3] * X[:, 1] + rng.normal(scale=0.5, size=600) > 0.3).astype(int)
    gbm = recipe.fit_sklearn(X, y, seed=1)
    got = cm.TreeScorer(recipe.export_trees(gbm)).score(X)
    assert np.allclose(got, gbm.predict_proba(X)[:, 1], atol=1e-9)
    pytest.importorskip("lightgbm")
    lgbm = recipe.fit_lightgbm(X, y, seed=1)
    data = recipe.export_lightgbm(lgbm)
    assert data["features"] == cm.FEATURES and len(data["trees"]) == 300
    got = cm.TreeScorer(data).score(X)
    assert np.allclose(got, lgbm.predict_proba(X)[:, 1], atol=1e-9)
    assert got.min() < 0.2 and got.max() > 0.8  # it learned the signal


def test_the_ranking_scorer_is_exported_as_calibrated_log_odds():
    """train.py --trees rank: LightGBM LambdaMART fitted one query a note (note_groups), its score turned into a
    probability by a Platt fit folded into the exported trees (slope in every leaf, intercept as the initial
    log-odds), so TreeScorer gives sigmoid(a * score + b) and one threshold still makes the suggested set."""
    import pytest

    pytest.importorskip("lightgbm")
    recipe = _recipe()
    meta = [(f"n{i // 12}", f"C{i % 12}", "affirmed") for i in range(600)]
    assert recipe.note_groups(meta) == [12] * 50
    assert recipe.note_groups([("a", "X", ""), ("a", "Y", ""), ("b", "X", ""), ("a", "Z", "")]) == [2, 1, 1]
    rng = np.random.default_rng(3)
    X = rng.normal(size=(600, len(cm.FEATURES)))
    y = (X[:, 2] - 0.6 * X[:, 4] + rng.normal(scale=0.6, size=600) > 0.8).astype(int)
    model = recipe.fit_lightgbm_rank(X, y, seed=1, groups=recipe.note_groups(meta))
    a, b = model.platt_
    assert a > 0
    data = recipe.export_lightgbm_rank(model)
    got = cm.TreeScorer(data).score(X)
    assert np.allclose(got, 1 / (1 + np.exp(-(a * model.predict(X) + b))), atol=1e-9)
    assert np.allclose(got, recipe.predict_calibrated(model, X), atol=1e-12)
    # the order within each note is the ranker's, and the probabilities are calibrated on average
    assert np.array_equal(np.argsort(-got[:12], kind="stable"), np.argsort(-model.predict(X[:12]), kind="stable"))
    assert abs(got.mean() - y.mean()) < 0.05
    assert got[y == 1].mean() > got[y == 0].mean() + 0.2


def test_a_seed_ensemble_scores_the_mean_log_odds_of_its_members():
    """train.py --seeds: one TreeScorer whose log-odds is the mean of the members' (leaf values / k, initial log-odds
    averaged), not the mean probability and not one member's."""
    recipe = _recipe()
    rng = np.random.default_rng(9)
    X = rng.normal(size=(500, len(cm.FEATURES)))
    y = (X[:, 1] - 0.7 * X[:, 2] + rng.normal(scale=0.8, size=500) > 0).astype(int)
    members = [recipe.export_trees(recipe.fit_sklearn(X, y, seed=s)) for s in (1, 2, 3)]
    probs = [cm.TreeScorer(m).score(X) for m in members]
    logit = np.mean([np.log(p / (1 - p)) for p in probs], axis=0)
    merged = recipe.average_scorers(members)
    assert len(merged["trees"]) == 3 * len(members[0]["trees"])
    got = cm.TreeScorer(merged).score(X)
    assert np.allclose(got, 1 / (1 + np.exp(-logit)), atol=1e-9)
    assert not np.allclose(got, probs[0], atol=1e-3)  # the seeds' models differ (subsample), so the mean is new
    assert recipe.average_scorers(members[:1]) is members[0]


def test_a_pack_names_how_many_candidates_a_note_keeps(tmp_path):
    """scorer.json "max_candidates": what the scorer was trained with; extract keeps that many and the coder lists no
    more of them (300 when a pack does not say: the packs before it)."""
    import hashlib
    import shutil

    from medassist.runtime.packs import ModelPack
    from medassist.tasks.code import Coder
    from medassist.tasks.coding_model import MAX_CANDIDATES as MAX_LISTED

    shipped = get_coder()
    text = ("Hypertension, type 2 diabetes with neuropathy, chronic kidney disease stage 3, heart failure, atrial "
            "fibrillation, COPD, obesity, depression, anemia, hypothyroidism, gout and osteoarthritis of the knee.")
    doc = document_from_text(text)
    full = cm.extract(doc, shipped.knowledge, shipped.lexicon, shipped.classify, max_candidates=10_000)
    assert len(full) > 40
    few = cm.extract(doc, shipped.knowledge, shipped.lexicon, shipped.classify, max_candidates=25)
    assert len(few) == 25
    folder = tmp_path / "coder"
    shutil.copytree(shipped.pack.path, folder)
    data = json.loads((folder / "scorer.json").read_text(encoding="utf-8"))
    assert shipped.max_candidates == data.get("max_candidates", MAX_LISTED)
    data["max_candidates"] = 25
    (folder / "scorer.json").write_text(json.dumps(data), encoding="utf-8")
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    for f in manifest["files"]:
        if f["path"] == "scorer.json":
            blob = (folder / "scorer.json").read_bytes()
            f["sha256"], f["size"] = hashlib.sha256(blob).hexdigest(), len(blob)
    (folder / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    coder = Coder(pack=ModelPack.load(folder))
    assert coder.max_candidates == 25
    res = coder.code(doc)
    learned = [c for c in res.codes if c.sources != ["alternative"] and "listed only" not in c.sources]
    assert 0 < len(learned) <= 25 + 10  # (safety may add a few combination / history / side codes)
    full_res = shipped.code(doc).codes
    assert len([c for c in full_res if "listed only" not in c.sources]) > len(learned)
    # the candidates past the 25 are still listed, below them, never suggested (code.list_tail): every candidate is
    tail = [c for c in res.codes if "listed only" in c.sources]
    assert len(tail) >= len(full) - 25 - 10 and not any(c.suggested for c in tail)
    assert res.codes[-len(tail):] == tail


def test_the_recipe_learns_the_codes_coders_chose_beside_a_listed_sibling():
    """learn_alternatives: where the coder listed N18.9 and the coders chose N18.30 (same category, not listed), N18.30
    is an alternative of N18.9, counted per note; a chosen code that was listed, or of another category, is none."""
    recipe = _recipe()
    meta = [("a", "N18.9", "affirmed"), ("a", "I10", "affirmed"), ("b", "N18.9", "affirmed"),
            ("c", "N18.9", "negated"), ("c", "N18.30", "affirmed"), ("d", "E11.9", "affirmed")]
    labels = {"a": {"N18.30", "I10", "E11.22"}, "b": {"N18.30", "N18.4"}, "c": {"N18.30"}, "d": {"E11.9"}}
    alts = recipe.learn_alternatives(meta, labels)
    assert alts == {"N18.9": [["N18.30", 2, 3], ["N18.4", 1, 3]]}


def test_alternatives_are_listed_below_their_code_never_suggested():
    from medassist.tasks.code import MAX_ALTERNATIVES, CodeSuggestion, add_alternatives
    from medassist.document import Span

    text = "Chronic kidney disease."
    ev = [Span.of(text, 0, 22)]
    n189 = CodeSuggestion("N18.9", "Chronic kidney disease, unspecified", 0.8, True, "affirmed", True, list(ev))
    i10 = CodeSuggestion("I10", "Essential (primary) hypertension", 0.5, False, "negated", True, [])
    table = {"N18.9": [["N18.30", 3, 10], ["N18.3", 2, 10], ["I10", 5, 10], ["N18.99", 1, 1]],
             "I10": [["N18.30", 4, 10]]}
    alts = add_alternatives([n189, i10], table)
    by = {a.code: a for a in alts}
    # N18.3 (a header now) is its default child N18.30, here already made; a listed code (I10) is never repeated;
    # a code outside the set (N18.99) is dropped
    assert set(by) == {"N18.30"}
    a = by["N18.30"]
    assert a.score == pytest.approx(max(0.8 * 3 / 15, 0.5 * 4 / 15)) and not a.suggested
    assert a.status == "affirmed" and a.evidence == ev and a.sources == ["alternative"]
    assert "an alternative to N18.9" in a.warnings[0] and "3 time(s)" in a.warnings[0]
    many = {"N18.9": [[f"N18.{k}", 1, 1] for k in (1, 2, 4, 5, 6)] + [[f"E11.{k}", 1, 1] for k in
                                                                         ("9", "8", "65", "69", "21", "22", "29", "36",
                                                                          "39", "40", "41", "42", "43", "44", "49",
                                                                          "51", "52", "59", "610", "618", "620")]}
    listed = add_alternatives([n189], many)
    assert len(listed) == MAX_ALTERNATIVES and all(x.score <= n189.score for x in listed)


def test_the_shipped_coder_lists_alternatives_from_its_pack():
    coder = get_coder()
    assert coder.alternatives, "the shipped pack has alternatives.json"
    res = coder.code(document_from_text("Abdominal pain for two days, no fever."))
    codes = [c.code for c in res.codes]
    alts = [c for c in res.codes if c.sources == ["alternative"]]
    assert alts and not any(c.suggested for c in alts)
    for a in alts:
        parent = a.warnings[0].split("an alternative to ")[1].split(":")[0]
        assert codes.index(parent) < codes.index(a.code)
    assert len(set(codes)) == len(codes)


def _pack_with_file(folder, name: str, blob: bytes, *, hashed: bool = True):
    """A copy of the shipped coder pack in ``folder`` whose file ``name`` holds ``blob``, its manifest's hash and size
    updated to match (``hashed``) or left as they were (the pack's own check then refuses it)."""
    import hashlib
    import shutil

    shutil.copytree(get_coder().pack.path, folder)
    (folder / name).write_bytes(blob)
    if hashed:
        manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
        for f in manifest["files"]:
            if f["path"] == name:
                f.update(sha256=hashlib.sha256(blob).hexdigest(), size=len(blob))
        (folder / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    return folder


def test_a_broken_alternatives_file_is_a_typed_pack_error(tmp_path):
    """alternatives.json changed after the pack was made is refused by the pack's hash check; one whose manifest
    agrees but that holds no JSON table is refused by the coder: both a ModelPackError naming the file or pack."""
    from medassist.errors import ModelPackError
    from medassist.runtime.packs import ModelPack
    from medassist.tasks.code import Coder

    bad = b'{"alternatives": [1, 2'
    stale = _pack_with_file(tmp_path / "stale" / "coder-codiesp", "alternatives.json", bad, hashed=False)
    with pytest.raises(ModelPackError, match="alternatives.json: size mismatch"):
        Coder(pack=ModelPack.load(stale, verify=False))
    pack_dir = _pack_with_file(tmp_path / "coder-codiesp", "alternatives.json", bad)
    with pytest.raises(ModelPackError) as err:
        Coder(pack=ModelPack.load(pack_dir))
    assert "unreadable coder pack file" in str(err.value) and str(pack_dir) in str(err.value)


def test_mention_tables_work_out_each_row_when_first_read():
    """Knowledge keeps the pack's rows and works out (count, log1p(count), ((code, p), ...)) for a gram on
    first read (start-up); the rows and the learned synonyms are those of the whole table worked out at once."""
    import math

    data = {"alpha": 2.0, "nmax": 2, "prior": {}, "n_docs": 3,
            "sent": {"renal colic": [6, [["N23", 4], ["N20.0", 2]]], "colic": [3, [["R10.83", 1], ["N23", 1]]],
                     "empty": [2, []]},
            "doc": {"renal": [8, [["N28.9", 2]]]}}
    know = cm.Knowledge(data)
    assert know.sent._rows == {}  # nothing worked out at load
    assert know.sent.get("renal colic") == (6, math.log1p(6), (("N23", 4 / 8), ("N20.0", 2 / 8)))
    assert know.sent["renal colic"] is know.sent.get("renal colic")  # once
    assert know.doc.get("renal") == (8, math.log1p(8), (("N28.9", 0.2),))
    assert know.sent.get("absent") is None and "absent" not in know.sent and "colic" in know.sent
    with pytest.raises(KeyError):
        know.sent["absent"]
    # the most likely code of each gram with codes; ties go to the first listed
    assert list(know.sent.top_codes()) == [("renal colic", 6, "N23", 0.5), ("colic", 3, "R10.83", 0.2)]
    syn = coding_safety.learned_synonyms(know, min_count=2, min_p=0.5)
    assert syn == {"N23": frozenset({"renal", "colic"})}


def test_lexicon_terms_of_a_code_are_its_terms_in_order():
    coder = get_coder()
    lex = coder.lexicon
    want = [t for t in lex.terms if t.code == "I10"]
    assert want and lex.terms_of("I10") == want and lex.terms_of("Z99.99X") == []
    assert lex.words_of("I10") == {t.words for t in want if t.words and t.source != "neoplasm-unspecified"}
    assert all(w in coding_safety.vocabulary("I10") or w in coding_safety.rules().weak or w.isdigit()
               for t in want for w in t.words)


def test_a_listed_code_takes_the_rankers_score_on_its_side_of_the_threshold():
    """order_listed: the list ranker orders what is listed below the threshold, never what is suggested. A suggested
    code keeps the scorer's score (also one promoted below the threshold), and so does a code the scorer put above the
    threshold that its context holds back; a code below takes the ranker's score and stays below, also once rounded
    for the output; a rule that lowered a code (x UNMENTIONED_SCORE) lowers the ranker's score alike, and a code a
    rule raised or made keeps it."""
    from medassist.tasks.code import CodeSuggestion, order_listed

    def code(name, score, suggested, ranked, status="affirmed"):
        return CodeSuggestion(name, name, score, suggested, status, True, ranked=ranked)

    sug = code("I10", 0.8, True, (0.8, 0.1))
    promoted = code("M19.90", 0.1, True, (0.1, 0.6))
    held = code("R50.9", 0.9, False, (0.9, 0.2), status="negated")  # above the threshold, negated
    held_up = code("R05.9", 0.5, False, (0.5, 0.7), status="negated")
    low = code("E11.9", 0.1, False, (0.1, 0.25))
    low_capped = code("N39.0", 0.05, False, (0.05, 0.9))
    halved = code("J18.9", 0.1, False, (0.2, 0.2))  # x0.5 by the evidence check
    raised = code("I50.9", 0.6, False, (0.2, 0.01))  # took a stronger code's score
    made = code("Z86.73", 0.4, False, None)
    order_listed([sug, promoted, held, held_up, low, low_capped, halved, raised, made], 0.3)
    assert sug.score == 0.8 and promoted.score == 0.1
    assert held.score == 0.9 and held_up.score == 0.5
    assert low.score == pytest.approx(0.25) and low_capped.score == pytest.approx(0.2999)
    assert round(low_capped.score, 4) < 0.3
    assert halved.score == pytest.approx(0.1)
    assert raised.score == 0.6 and made.score == 0.4


def test_the_shipped_ranker_orders_the_list_and_leaves_the_suggestions_alone():
    """The shipped pack's ranker.json (models/coder/train.py --ranker-only): the same note coded with and without it
    suggests the same codes with the same scores, and what the scorer put above the threshold keeps its score; the
    codes below it are ordered by the ranker (so the list differs) and stay below."""
    import copy

    coder = get_coder()
    assert coder.ranker is not None, "the shipped pack has ranker.json"
    assert coder.ranker.features == coder.scorer.features
    plain = copy.copy(coder)
    plain.ranker = None
    doc = document_from_text(
        "Assessment: 1. Community-acquired pneumonia of the right lower lobe. 2. Type 2 diabetes mellitus. "
        "3. Hypertension. He denies chest pain and has no nausea or vomiting. History of MI in 2019. "
        "Mother had breast cancer. Plan: ceftriaxone and azithromycin, chest X-ray in six weeks.")
    got, base = coder.code(doc), plain.code(doc)
    assert [(c.code, c.score) for c in got.suggested] == [(c.code, c.score) for c in base.suggested]
    assert {"J18.9", "E11.9", "I10"} <= {c.code for c in got.suggested}
    listed = {c.code: c for c in got.codes if not c.suggested and c.sources != ["alternative"]}
    before = {c.code: c for c in base.codes if not c.suggested and c.sources != ["alternative"]}
    assert set(listed) == set(before) and len(listed) > 20
    changed = [k for k in listed if listed[k].score != before[k].score]
    assert len(changed) > len(listed) // 2
    for k in listed:
        assert (listed[k].score >= got.threshold) == (before[k].score >= got.threshold), k
        if before[k].score >= got.threshold:
            assert listed[k].score == before[k].score, k
    assert [c.score for c in got.codes if c.sources != ["alternative"]] == sorted(
        (c.score for c in got.codes if c.sources != ["alternative"]), reverse=True)


def test_a_ranker_of_other_features_orders_by_its_own_and_a_broken_one_is_a_typed_pack_error(tmp_path):
    """A ranker reads its own feature list (an older scorer beside a newer ranker: each row built for each), and a
    ranker.json that is no tree table is refused with a ModelPackError naming the pack."""
    import copy

    from medassist.errors import ModelPackError
    from medassist.runtime.packs import ModelPack
    from medassist.tasks.code import Coder

    coder = get_coder()
    one = cm.TreeScorer({"features": ["d_max"], "init": 0.0, "trees": [
        {"left": [1, -1, -1], "right": [2, -1, -1], "feature": [0, 0, 0], "threshold": [0.5, 0, 0],
         "value": [0, -2.0, 2.0]}]})
    mixed = copy.copy(coder)
    mixed.ranker = one
    res = mixed.code(document_from_text("Chest X-ray showed right lower lobe pneumonia. No fever."))
    listed = [c for c in res.codes if not c.suggested and c.ranked is not None and c.score < res.threshold]
    low = 1 / (1 + np.exp(2.0))  # (x UNMENTIONED_SCORE where the evidence check lowered the code)
    assert listed and {round(c.score, 4) for c in listed} <= {round(low, 4), round(low * coding_safety.UNMENTIONED_SCORE, 4),
                                                            0.2999}
    assert round(low, 4) in {round(c.score, 4) for c in listed}

    pack_dir = _pack_with_file(tmp_path / "coder-codiesp", "ranker.json", b'{"features": ["d_max"], "init": 0.0}')
    with pytest.raises(ModelPackError) as err:
        Coder(pack=ModelPack.load(pack_dir))
    assert "unreadable coder pack file" in str(err.value) and str(pack_dir) in str(err.value)


def test_the_recipe_adds_one_file_to_a_pack_and_says_how(tmp_path):
    """train.py --alternatives-only / --ranker-only write one file into an existing pack: its manifest lists it with
    its hash, the recipe tells how it was made (a second run replaces that account, not the rest), and a folder
    holding no pack is refused."""
    import hashlib

    recipe = _recipe()
    (tmp_path / "manifest.json").write_text(json.dumps({"files": [{"path": "scorer.json", "sha256": "x", "size": 1}],
                                                        "recipe": "models/coder/train.py --final"}))
    recipe.write_pack_file(tmp_path, "ranker.json", {"trees": [1]}, "train.py --final --ranker-only --seed 13")
    recipe.write_pack_file(tmp_path, "alternatives.json", {"alternatives": {}}, "train.py --final --alternatives-only")
    recipe.write_pack_file(tmp_path, "ranker.json", {"trees": [2]}, "train.py --final --ranker-only --seed 14",
                           version="9.9.9")
    manifest = json.loads((tmp_path / "manifest.json").read_text())
    assert manifest["version"] == "9.9.9"
    files = {f["path"]: f for f in manifest["files"]}
    assert sorted(files) == ["alternatives.json", "ranker.json", "scorer.json"]
    blob = (tmp_path / "ranker.json").read_bytes()
    assert json.loads(blob) == {"trees": [2]} and files["ranker.json"]["sha256"] == hashlib.sha256(blob).hexdigest()
    said = manifest["recipe"]
    assert said.startswith("models/coder/train.py --final; ") and said.count("ranker.json: ") == 1
    assert "--seed 14" in said and "--seed 13" not in said and "alternatives.json: train.py --final" in said
    with pytest.raises(SystemExit, match="no pack"):
        recipe.write_pack_file(tmp_path / "none", "ranker.json", {}, "x")


def test_the_codiesp_benches_align_header_labels_and_fit_the_curve():
    """bench/codiesp.py: a gold label the April-2026 set made a header (R05 'cough') is matched by a suggested child
    (R05.1) once, other codes kept in order; bench/codiesp_curve.py fits MAP against log2(notes) by least squares."""
    import math

    bench = load_script("bench/codiesp.py", "bench_codiesp")
    gold = {"n1": {"r05", "j189"}, "n2": {"e119"}}
    headers = bench.header_labels(gold)
    assert headers == {"r05"}
    assert bench.align(["r051", "j189", "r059", "i10"], gold["n1"], headers) == ["r05", "j189", "i10"]
    assert bench.align(["r051", "e119"], gold["n2"], headers) == ["r051", "e119"]  # no header label in this note
    curve = load_script("bench/codiesp_curve.py", "bench_codiesp_curve")
    xs = [math.log2(n) for n in (250, 375, 500)]
    a, b = curve.fit_line(xs, [0.3 + 0.04 * x for x in xs])
    assert math.isclose(a, 0.3, abs_tol=1e-9) and math.isclose(b, 0.04, abs_tol=1e-9)
    assert curve.fit_line([1.0, 1.0], [0.5, 0.7]) == (0.6, 0.0)  # one size only: a flat line at the mean


def test_feature_rows_reads_each_candidate_in_the_scorers_order_and_a_missing_feature_is_zero():
    from types import SimpleNamespace

    from medassist.tasks.coding_model import feature_rows

    full = [SimpleNamespace(feats={"a": 1.0, "b": 2.5, "c": -1.0}), SimpleNamespace(feats={"a": 0.5, "b": 0.0, "c": 3.0})]
    X = feature_rows(full, ["c", "a", "b"])
    assert X.dtype == np.float64 and X.tolist() == [[-1.0, 1.0, 2.5], [3.0, 0.5, 0.0]]
    # a candidate that lacks a feature (a pack trained on more features than the extractor gives): 0 for it
    X = feature_rows(full + [SimpleNamespace(feats={"a": 7.0})], ["a", "b"])
    assert X.tolist() == [[1.0, 2.5], [0.5, 0.0], [7.0, 0.0]]
    assert feature_rows(full, ["b"]).tolist() == [[2.5], [0.0]]  # one feature
    assert feature_rows([], ["a", "b"]).shape == (0, 2)  # no candidate
