"""Candidate generation and features for the ICD-10-CM coder, and the scorer that ranks them.

Knowledge (learned from CodiEsp train by models/coder/train.py, shipped as JSON in the coder pack):
  * ``sent``: mention n-gram -> codes seen evidenced in the same sentence (count of sentences with the
    n-gram, and per code the count where the code's evidence lies there);
  * ``doc``: the same at document level;
  * ``prior``: how often each code was assigned.
The tabular lexicon (medassist.tasks.coding_lexicon) adds codes no training note used.
Each candidate's features (FEATURES): its mentions (MENTION_FEATURES: table probabilities, lexicon matches, context
status, prior, kNN vote) and how the note states it among the other candidates (NOTE_FEATURES, _note_features).
The scorer is a small gradient-boosted tree ensemble stored as arrays in JSON and evaluated with numpy.
"""
from __future__ import annotations

import bisect
import math
import re
from dataclasses import dataclass, field
from functools import lru_cache

from medassist import icd10

from .coding_lexicon import term_words
from .coding_text import grams, sentence_spans, tokenize

MENTION_FEATURES = [
    "s_max", "s_second", "s_nsent", "d_max", "lex_len", "lex_desc", "lex_count", "gram_len", "gram_logn",
    "log_prior", "seen", "neg", "unc", "hist", "fam", "hyp", "header", "chap_r", "knn", "knn_any",
]
# how the note states it, among the other candidates (added 2026-12-05; a scorer lists the features it was trained
# on, so a pack trained before reads only the mention features). None depends on the note's length or on where in
# the note a mention lies: learned on long case reports, such features misjudged one-line notes.
NOTE_FEATURES = [
    "n_ev", "ev_top", "code_len", "chap", "sib_n", "rank_s", "dcov_doc", "dcov_docw", "dcov_ev", "dcov_evw", "dcov_cat",
]
FEATURES = MENTION_FEATURES + NOTE_FEATURES
KNN_K = 20
KNN_TERMS = 80
STATUSES = ("affirmed", "negated", "uncertain", "historical", "family", "hypothetical")
ALPHA = 2.0  # smoothing of the n-gram -> code probabilities: k / (n + ALPHA)
NMAX = 3  # longest mention n-gram


def product_code(code: str) -> str | None:
    """A code as written in a data set ("s71.101", "e11.9", "t81.4xx") -> the code MedAssist suggests
    (billable where the set allows: 7th character "A" appended where required), or None if absent."""
    c = icd10.normalize(code)
    e = icd10.lookup(c)
    if e is None:
        stripped = c.rstrip("X").rstrip(".")
        e = icd10.lookup(stripped)
        if e is None:
            return None
        c = e.code
    if e.seventh_required:
        return icd10.with_seventh(e.code, "A") if "A" in e.seventh_chars else e.code
    return e.code


def eval_key(code: str) -> str:
    """Comparison key between MedAssist codes and CodiEsp labels: no dot, no 7th character,
    no trailing placeholder X (CodiEsp writes injury codes without their 7th character)."""
    c = icd10.normalize(code)
    cs = icd10.codeset()
    if len(c.replace(".", "")) == 7 and cs.split_seventh(c):
        c = c.replace(".", "")[:6]
    return c.replace(".", "").rstrip("X")


@dataclass
class Candidate:
    code: str
    feats: dict = field(default_factory=dict)
    evidence: list = field(default_factory=list)  # [(start, end, strength)]
    status: str = "affirmed"
    cue: object = None
    sources: set = field(default_factory=set)
    applied: tuple = ()  # every context status that applied to the deciding mention (family + uncertain ...)
    terms: list = field(default_factory=list)  # [(start, end)] of the code's lexicon terms in the note


class GramTable:
    """A mention table of the pack, gram -> (count, log1p(count), ((code, p), ...)) with p = k / (count +
    alpha), each row worked out the first time a note has its gram (a note reads a few hundred of the ~15,000:
    precomputing them all was a fifth of a second of every cold start)."""

    __slots__ = ("_raw", "_alpha", "_rows")

    def __init__(self, raw: dict, alpha: float):
        self._raw = raw  # gram -> [count, [[code, k], ...]] as knowledge.json has it
        self._alpha = alpha
        self._rows: dict = {}

    def get(self, gram: str, default=None):
        row = self._rows.get(gram)
        if row is None:
            got = self._raw.get(gram)
            if got is None:
                return default
            ng, codes = got
            row = self._rows[gram] = (ng, math.log1p(ng), tuple((c, k / (ng + self._alpha)) for c, k in codes))
        return row

    def __getitem__(self, gram: str):
        row = self.get(gram)
        if row is None:
            raise KeyError(gram)
        return row

    def __contains__(self, gram: str) -> bool:
        return gram in self._raw

    def top_codes(self):
        """(gram, count, code, p) for each gram with codes: its most likely code (the first on ties), without
        working out the whole row."""
        alpha = self._alpha
        for g, (ng, codes) in self._raw.items():
            if codes:
                code, k = max(codes, key=lambda ck: ck[1])
                yield g, ng, code, k / (ng + alpha)


class Knowledge:
    def __init__(self, data: dict):
        # probabilities precomputed once: gram -> (count, log1p(count), ((code, p), ...))
        alpha = float(data.get("alpha", 2.0))
        self.nmax = int(data.get("nmax", 3))
        self.sent = GramTable(data["sent"], alpha)
        self.doc = GramTable(data["doc"], alpha)
        self.prior: dict = data["prior"]
        self.n_docs: int = int(data.get("n_docs", 1))
        knn = data.get("knn") or {}
        self.idf: dict = knn.get("idf", {})
        self.unigram_idf: dict = {g: w for g, w in self.idf.items() if " " not in g}
        self.term_cache: dict = {}  # code -> its weighted terms (coding_model._weighted_terms)
        self.knn_codes: list = [set(c) for c in knn.get("codes", [])]
        self.inverted: dict = {}
        for j, (terms, weights) in enumerate(knn.get("vectors", [])):
            for t, w in zip(terms, weights):
                self.inverted.setdefault(t, []).append((j, w))

    def neighbours(self, text: str) -> dict[str, float]:
        """kNN vote: for each code, the similarity-weighted share of the K nearest training notes with it."""
        if not self.inverted:
            return {}
        vec = doc_vector(text, self.idf)
        sims: dict[int, float] = {}
        for t, q in vec.items():
            for j, w in self.inverted.get(t, ()):
                sims[j] = sims.get(j, 0.0) + q * w
        top = sorted(sims.items(), key=lambda kv: -kv[1])[:KNN_K]
        total = sum(s for _, s in top) or 1.0
        votes: dict[str, float] = {}
        for j, s in top:
            for c in self.knn_codes[j]:
                votes[c] = votes.get(c, 0.0) + s / total
        return votes


def doc_vector(text: str, idf: dict, keep: int | None = None) -> dict[str, float]:
    """Sublinear tf-idf over content uni- and bi-grams, L2-normalised (terms absent from idf dropped)."""
    tf: dict[str, int] = {}
    for g, _, _ in grams(tokenize(text), 2):
        if g in idf:
            tf[g] = tf.get(g, 0) + 1
    vec = {g: (1.0 + math.log(n)) * idf[g] for g, n in tf.items()}
    if keep is not None and len(vec) > keep:
        vec = dict(sorted(vec.items(), key=lambda kv: -kv[1])[:keep])
    norm = math.sqrt(sum(v * v for v in vec.values())) or 1.0
    return {g: v / norm for g, v in vec.items()}


def build_knowledge(examples, min_count: int = 2, max_codes: int = 25) -> dict:
    """examples: iterable of (sentences: list[str], sentence_codes: list[set[str]], doc_codes: set[str]).
    Returns the JSON-able knowledge dict."""
    from collections import Counter, defaultdict

    sg, sgc = Counter(), defaultdict(Counter)
    dg, dgc = Counter(), defaultdict(Counter)
    prior = Counter()
    n = 0
    texts, code_sets = [], []
    for sents, sent_codes, doc_codes in examples:
        n += 1
        texts.append("\n".join(sents))
        code_sets.append(sorted(doc_codes))
        prior.update(doc_codes)
        doc_grams = set()
        for s, codes in zip(sents, sent_codes):
            gs = {g for g, _, _ in grams(tokenize(s), NMAX)}
            doc_grams |= gs
            for g in gs:
                sg[g] += 1
                for c in codes:
                    sgc[g][c] += 1
        for g in doc_grams:
            dg[g] += 1
            for c in doc_codes:
                dgc[g][c] += 1

    def table(cnt, cc, min_k):
        out = {}
        for g, codes in cc.items():
            ng = cnt[g]
            keep = [(c, k) for c, k in codes.items()
                    if k >= min_k and (k >= 2 or ng >= min_count) and k / (ng + ALPHA) >= 0.04]
            if keep:
                keep.sort(key=lambda x: (-x[1], x[0]))  # ties by code: the same table whatever the hash seed
                out[g] = [ng, [[c, k] for c, k in keep[:max_codes]]]
        return out

    # kNN: tf-idf vectors of the training notes (uni/bi-grams seen in >= 2 notes, top terms per note)
    df = Counter()
    for t in texts:
        df.update({g for g, _, _ in grams(tokenize(t), 2)})
    idf = {g: round(math.log(n / d), 4) for g, d in df.items() if d >= 2}
    vectors = []
    for t in texts:
        v = doc_vector(t, idf, keep=KNN_TERMS)
        vectors.append([list(v), [round(x, 4) for x in v.values()]])
    used = {g for terms, _ in vectors for g in terms}
    knn = {"idf": {g: w for g, w in idf.items() if g in used}, "vectors": vectors, "codes": code_sets}
    return {"sent": table(sg, sgc, 1), "doc": table(dg, dgc, 2), "prior": dict(prior), "n_docs": n, "knn": knn,
            "alpha": ALPHA, "nmax": NMAX}


_LAST_WORD = re.compile(r"[A-Za-z0-9][A-Za-z0-9'-]*\W*$")
_FREE = re.compile(r"free", re.I)
_OF_SITE = re.compile(r"\w\s+(?:of|in|on|at)\s", re.I)  # "<condition> of/in/on/at <site>"
_NEXT_ITEM = re.compile(r"\s*[,;]\s*\w")  # the mention's clause ends, and another item follows


def _status_of(doc, start, end, classify):
    """Context of a mention, judged at its head (last word): a learned n-gram such as "history of
    diabetes" carries its own cue words, which must still govern the condition word."""
    if classify is None:
        return "affirmed", None, ()
    whole = (start, end)
    m = _LAST_WORD.search(doc.text, start, end)
    if m is not None and m.start() > start and _FREE.fullmatch(m.group().rstrip()):
        m = _LAST_WORD.search(doc.text, start, m.start())  # "pain free": judged at 'pain', which 'free' negates
    if m is not None and m.start() > start:
        start = m.start()
        end = start + len(m.group().rstrip()) if m.group().rstrip() else end
        end = min(end, len(doc.text))
    try:
        ctx = classify(doc, start, end)
        cue = getattr(ctx, "cue", None)
        if (start > whole[0] and cue is not None and cue.start >= whole[1]
                and getattr(ctx, "status", "affirmed") != "affirmed" and _OF_SITE.search(doc.text, whole[0], start)
                and _NEXT_ITEM.match(doc.text, whole[1], cue.start)):
            # a cue of the next item of a list must reach back to a condition said at a site: in "Cellulitis of
            # the left leg, MRSA negative" the 'negative' of MRSA reaches 'left leg', not the cellulitis (the
            # head of "sickle cell disease test was negative" is its last word; "anomalies of the kidney and
            # urinary tract have been reported" is one clause)
            outer = classify(doc, *whole)
            if getattr(outer, "status", None) == "affirmed":
                ctx = outer
    except Exception:  # a context failure must not lose the code; it is listed as affirmed
        return "affirmed", None, ()
    st = getattr(ctx, "status", "affirmed")
    return (st if st in STATUSES else "affirmed"), getattr(ctx, "cue", None), tuple(getattr(ctx, "applied", ()) or ())


#: the candidates a note keeps (the strongest mentions), each listed, ranked: 100 until 2026-12-05 (the issue asks for every
#: candidate; CodiEsp dev MAP 0.5576 -> 0.5593 from gold codes ranked 101-300). A pack's scorer.json may say otherwise
#: ("max_candidates", what its scorer was trained with; models/coder/train.py --max-candidates): 600 with a pack
#: retrained for it, three seeds averaged, gave MAP 0.5768 but moved 42 US suggestions, more for the worse (2026-12-06).
MAX_CANDIDATES = 300


def extract(doc, know: Knowledge, lexicon, classify=None, max_candidates: int = MAX_CANDIDATES,
            tail: list | None = None):
    """Candidates with features for one Document. ``classify(doc, start, end)`` gives context status.

    ``tail``: a list that receives, with their features, the candidates the scored list leaves out: those ranked
    past ``max_candidates`` and the faint ones (a code of the training notes beside one of this note's words at under
    0.08, or of its similar notes at under 0.25). Each has the status of its strongest mention. The coder lists them
    below every scored code (``code.list_tail``), never suggested. The scorer learned from the scored list only."""
    text = doc.text
    cands: dict[str, Candidate] = {}
    per_sent_best: dict[str, list[float]] = {}
    doc_best: dict[str, float] = {}

    def cand(code, into=cands):
        c = into.get(code)
        if c is None:
            c = into[code] = Candidate(code)
            c.feats = dict.fromkeys(MENTION_FEATURES, 0.0)  # NOTE_FEATURES: _note_features
        return c

    sent_table, doc_table = know.sent, know.doc
    sentences = sentence_spans(doc)
    sent_words: list[set] = []
    doc_seen: set = set()
    for s, e in sentences:
        toks = tokenize(text[s:e], s)
        sent_words.append({t.norm for t in toks})
        best_here: dict[str, tuple] = {}
        for g, i, j in grams(toks, know.nmax):
            row = sent_table.get(g)
            if row is not None:
                ng, logn, codes = row
                for code, p in codes:
                    prev = best_here.get(code)
                    if prev is None or p > prev[0]:
                        best_here[code] = (p, i, j, logn)
            drow = doc_table.get(g) if g not in doc_seen else None
            if drow is not None:
                doc_seen.add(g)  # a later occurrence gives the same p, and the first span is kept on ties
                for code, p in drow[2]:
                    prev = doc_best.get(code)
                    if prev is None or p > prev[0]:
                        doc_best[code] = (p, toks[i].start, toks[j - 1].end)
        for code, (p, i, j, logn) in best_here.items():
            per_sent_best.setdefault(code, []).append(p)
            c = cand(code)
            c.evidence.append((toks[i].start, toks[j - 1].end, p))
            c.sources.add("learned")
            if p > c.feats["s_max"]:
                c.feats["s_max"] = p
                c.feats["gram_len"] = j - i
                c.feats["gram_logn"] = logn
        for term, spans in lexicon.match_cached(text, s, e, toks):
            c = cand(term.code)
            a = min(x[0] for x in spans)
            b = max(x[1] for x in spans)
            c.sources.add("lexicon")
            c.feats["lex_count"] += 1
            if len(term.words) > c.feats["lex_len"]:
                c.feats["lex_len"] = len(term.words)
            if term.source == "desc":
                c.feats["lex_desc"] = 1.0
            c.evidence.append((a, b, 0.3 + 0.1 * len(term.words)))
            c.terms.append((a, b))
    faint: dict[str, Candidate] = {}
    for code, (p, a, b) in doc_best.items():
        if p >= 0.08 or code in cands:
            c = cand(code)
            c.feats["d_max"] = p
            if not c.evidence:
                c.evidence.append((a, b, p * 0.5))
        elif tail is not None:
            c = cand(code, faint)
            c.feats["d_max"] = p
            c.evidence.append((a, b, p * 0.5))
    for code, v in know.neighbours(text).items():
        if v >= 0.25 or code in cands:
            c = cand(code)
            c.feats["knn"] = v
            if v >= 0.25:
                c.sources.add("similar notes")
        elif tail is not None:
            cand(code, faint).feats["knn"] = v

    # keep the strongest candidates before the (costlier) context step
    prior = know.prior

    def pre(c):
        f = c.feats
        return (max(f["s_max"], f["d_max"] * 0.8, 0.15 * f["lex_len"], f["knn"] * 0.8)
                + 0.02 * math.log1p(prior.get(c.code, 0)))

    ranked = sorted(cands.values(), key=pre, reverse=True)
    rest = ranked[max_candidates:] if tail is not None else []
    ranked = ranked[:max_candidates]
    from .coding_safety import called_chronic, treated_now

    low = text.lower()
    treated_cache: dict[str, str | None] = {}

    def chronic_now(code):
        if code not in treated_cache:
            treated_cache[code] = treated_now(code, low)
        return treated_cache[code]

    cs = icd10.codeset()
    out = []
    status_cache: dict[tuple[int, int], tuple[str, object]] = {}

    def status_at(a, b):
        if (a, b) not in status_cache:
            status_cache[(a, b)] = _status_of(doc, a, b, classify)
        return status_cache[(a, b)]
    complaint = [(x.start, x.end) for x in getattr(doc, "sections", None) or () if x.name == "chief_complaint"]

    def code_features(c):
        f = c.feats
        bests = sorted(per_sent_best.get(c.code, []), reverse=True)
        f["s_second"] = bests[1] if len(bests) > 1 else 0.0
        f["s_nsent"] = float(sum(1 for p in bests if p >= 0.15))
        n_prior = know.prior.get(c.code, 0)
        f["log_prior"] = math.log1p(n_prior)
        f["seen"] = 1.0 if n_prior else 0.0
        raw = cs.raw(c.code)
        f["header"] = 0.0 if (raw is None or raw["b"]) else 1.0
        f["chap_r"] = 1.0 if c.code.startswith("R") else 0.0
        f["knn_any"] = 1.0 if f["knn"] > 0 else 0.0
        c.evidence.sort(key=lambda x: -x[2])

    def set_status(c, f):
        for st, name in (("negated", "neg"), ("uncertain", "unc"), ("historical", "hist"), ("family", "fam"),
                         ("hypothetical", "hyp")):
            f[name] = 1.0 if c.status == st else 0.0

    for c in ranked:
        f = c.feats
        code_features(c)
        # status: affirmed if any evidence mention is affirmed, else the status of the best mention
        statuses = []
        top = c.evidence[0][2] if c.evidence else 0.0
        # the mentions shown as evidence decide (code.py shows the same ones); weaker co-occurrences do not
        # (each mention once: a span the n-gram tables and the lexicon both found is one mention; a mention found
        # only past the first three is one as strong as they are, not a weaker co-occurrence such as 'Attending')
        strong = list({(a, b): (a, b, p) for k, (a, b, p) in enumerate(c.evidence)
                       if p >= (0.5 if k < 3 else 0.75) * top}.values())[:3]
        for a, b, _ in strong:
            statuses.append(status_at(a, b))
        aff = [x for x in statuses if x[0] == "affirmed"]
        if aff and complaint and any(x[0] == "uncertain" for x in statuses) and all(
                any(lo <= a and b <= hi for lo, hi in complaint)
                for (a, b, _), x in zip(strong, statuses) if x[0] == "affirmed"):
            # "CHIEF COMPLAINT: Esophagitis." and "referred for suspected esophagitis": the reason for the visit
            # is what the patient came with, not a diagnosis; the note's own wording elsewhere governs
            aff = []
            statuses = [x for x in statuses if x[0] == "uncertain"]
        c.status, c.cue, c.applied = aff[0] if aff else (statuses[0] if statuses else ("affirmed", None, ()))
        if c.status == "historical" and chronic_now(c.code):
            # a chronic condition listed as past history that the note treats now is a current condition
            c.status, c.cue = "affirmed", None
            why = chronic_now(c.code)
            c.sources.add(f"current ({why})" if " " in why else f"treated now ({why})")
        elif c.status == "historical" and strong and called_chronic(low, [(a, b) for a, b, _ in strong]):
            # "history of chronic pancreatitis": the note itself calls the condition chronic
            c.status, c.cue = "affirmed", None
            c.sources.add("current (the note calls it chronic)")
        set_status(c, f)
        out.append(c)
    _note_features(doc, out, know, lexicon, sentences, sent_words)
    if tail is not None:
        rest += [c for code, c in faint.items() if code not in cands]
        # one order in every process (rank_s breaks its ties by it; the faint codes come in the order of sets)
        rest.sort(key=lambda c: (-round(pre(c), 9), c.code))
        for c in rest:
            code_features(c)
            if c.evidence:  # its strongest mention (a co-occurring word: no more is worth the context step)
                c.status, c.cue, c.applied = status_at(*c.evidence[0][:2])
            set_status(c, c.feats)
        # among themselves: the scored list keeps the features it was scored with
        _note_features(doc, rest, know, lexicon, sentences, sent_words)
        tail.extend(rest)
    return out


IDF_UNSEEN = 8.0  # idf of a word no training note used (rarer than any the notes did)


@lru_cache(maxsize=20000)
def _description_words(code: str) -> tuple[str, ...]:
    e = icd10.lookup(code)
    return term_words(e.description) if e is not None else ()


def _weighted_terms(know: "Knowledge", lexicon, code: str) -> tuple:
    """The code's terms (index terms and its description) as (words, idf weights, total weight), cached."""
    got = know.term_cache.get(code)
    if got is None:
        terms = set(lexicon.words_of(code))
        if _description_words(code):
            terms.add(_description_words(code))
        got = know.term_cache[code] = _weigh(terms, know.unigram_idf)
    return got


def _weigh(terms, idf: dict) -> tuple:
    out = []
    for ws in terms:
        weights = {w: idf.get(w, IDF_UNSEEN) for w in ws}
        out.append((frozenset(ws), weights, sum(weights.values()) or 1.0))
    return tuple(out)


def _coverage(weighted, words: set) -> tuple[float, float]:
    """Best share of a term's words found in ``words``: plain, and weighted by idf."""
    best = best_w = 0.0
    for ws, weights, total in weighted:
        hit = ws & words
        if hit:
            best = max(best, len(hit) / len(ws))
            best_w = max(best_w, sum(map(weights.__getitem__, hit)) / total)
    return best, best_w


def _note_features(doc, cands: list[Candidate], know: Knowledge, lexicon, sentences, sent_words) -> None:
    """Features of a candidate among the others and in the note (in place): how many evidence spans it has and
    how strong the best is, how specific the code is and its chapter, how many codes of its category are
    candidates, its rank by the mention table, and how much of its description / index terms (and its
    category's) the note and its evidence sentences contain, plain and weighted by idf.
    ``sentences``/``sent_words``: the note's sentence spans and the word set of each."""
    starts = [s for s, _ in sentences]
    doc_words = set().union(*sent_words)
    by_prefix: dict[str, int] = {}
    for c in cands:
        by_prefix[c.code[:3]] = by_prefix.get(c.code[:3], 0) + 1
    rank_s = {id(c): r for r, c in enumerate(sorted(cands, key=lambda c: -c.feats["s_max"]))}
    unions: dict[tuple, set] = {}
    categories: dict[str, float] = {}
    for c in cands:
        f = c.feats
        f["n_ev"] = float(len(c.evidence))
        f["ev_top"] = c.evidence[0][2] if c.evidence else 0.0
        f["code_len"] = float(len(c.code.replace(".", "")))
        f["chap"] = float(ord(c.code[0]) - ord("A"))
        f["sib_n"] = float(by_prefix[c.code[:3]] - 1)
        f["rank_s"] = float(min(rank_s[id(c)], 50))
        terms = _weighted_terms(know, lexicon, c.code)
        f["dcov_doc"], f["dcov_docw"] = _coverage(terms, doc_words)
        f["dcov_ev"] = f["dcov_evw"] = 0.0
        if f["dcov_doc"]:  # the evidence sentences are part of the note: nothing of the term there otherwise
            where = tuple(sorted({bisect.bisect_right(starts, a) - 1 for a, _, _ in c.evidence[:3]} - {-1}))
            if where not in unions:
                unions[where] = set().union(*(sent_words[k] for k in where))
            f["dcov_ev"], f["dcov_evw"] = _coverage(terms, unions[where])
        cat = c.code[:3]
        if cat not in categories:
            words = _description_words(cat)
            categories[cat] = _coverage(_weigh((words,), know.unigram_idf), doc_words)[1] if words else 0.0
        f["dcov_cat"] = categories[cat]


def feature_rows(cands, names: list[str]):
    """The candidates' features in the order ``names`` gives, as a float64 array (n, len(names)); a feature a
    candidate lacks is 0. (One C-level getter a candidate: 30 features of ~500 candidates a note were a tenth of
    its scoring time read one dict.get at a time.)"""
    import operator

    import numpy as np

    if len(names) > 1:
        get = operator.itemgetter(*names)
        try:
            return np.array([get(c.feats) for c in cands], dtype=np.float64).reshape(len(cands), len(names))
        except KeyError:
            pass
    return np.array([[c.feats.get(f, 0.0) for f in names] for c in cands], dtype=np.float64).reshape(
        len(cands), len(names))


class TreeScorer:
    """Gradient-boosted regression trees (log-odds) stored as flat arrays in JSON."""

    def __init__(self, data: dict):
        import numpy as np

        self.features = data["features"]
        self.init = float(data["init"])
        trees = data["trees"]
        width = max(len(t["left"]) for t in trees)

        def pad(key, fill, dtype):
            out = np.full((len(trees), width), fill, dtype=dtype)
            for n, t in enumerate(trees):
                out[n, : len(t[key])] = t[key]
            return out

        left = pad("left", -1, np.int64)
        right = pad("right", -1, np.int64)
        leaf = left < 0
        # one flat node array over all trees (node k of tree t at t * width + k); a leaf points to itself so
        # every row can step the same number of times
        idx = np.arange(len(trees) * width).reshape(left.shape)
        base = (np.arange(len(trees)) * width)[:, None]
        # node k's children at 2k (left) and 2k + 1 (right): one gather a step instead of two and a where; int32
        # indices (a few thousand nodes) halve the memory each step reads
        self.children = np.stack([np.where(leaf, idx, left + base).ravel(), np.where(leaf, idx, right + base).ravel()],
                                 axis=1).ravel().astype(np.int32)
        self.feature = pad("feature", 0, np.int32).ravel()
        self.threshold = pad("threshold", 0.0, np.float64).ravel()
        self.value = pad("value", 0.0, np.float64).ravel()
        self.roots = base[:, 0].astype(np.int32)
        self.depth = int(data.get("max_depth", 0)) or self._depth(trees)

    @staticmethod
    def _depth(trees) -> int:
        best = 0
        for t in trees:
            stack = [(0, 0)]
            while stack:
                node, d = stack.pop()
                if t["left"][node] < 0:
                    best = max(best, d)
                else:
                    stack.append((t["left"][node], d + 1))
                    stack.append((t["right"][node], d + 1))
        return best

    def score(self, rows):
        """rows: (n, n_features) array -> probabilities (n,)."""
        import numpy as np

        X = np.asarray(rows, dtype=np.float64)
        n_rows, n_feats = X.shape
        if n_rows == 0:
            return np.zeros(0)
        by_feature = np.ascontiguousarray(X.T).ravel()  # feature f of row r at f * n_rows + r
        col = np.arange(n_rows, dtype=np.int32)[:, None]
        feature = self.feature * np.int32(n_rows)
        node = np.broadcast_to(self.roots, (n_rows, len(self.roots)))
        for _ in range(self.depth):
            go_right = by_feature.take(feature.take(node) + col) > self.threshold.take(node)
            node = self.children.take(node * 2 + go_right)
        z = self.init + self.value.take(node).sum(axis=1)
        return 1.0 / (1.0 + np.exp(-z))
