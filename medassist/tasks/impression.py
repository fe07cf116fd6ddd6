"""Radiology findings -> impression.

``impress(findings_text)`` runs the committed trained pack (task "impression"): a small transformer
encoder-decoder trained here on IU X-ray (recipe: ``models/impression/recipe.py``). The model is
retrieval-augmented: its input is the findings plus the impression of the most similar training findings
(TF-IDF nearest neighbour, :class:`TfidfIndex`, the same code the recipe and ``bench/impression.py`` use).
Decoding is torch-free (:mod:`medassist.runtime.seq2seq`).

Every impression is a draft for the radiologist: ``Impression.evidence`` is empty because a generated
sentence has no span in the findings; ``Impression.neighbour`` says which training impression was fed in.
"""

from __future__ import annotations

import math
import re
import time
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Sequence

from ..errors import ModelPackError, TaskError

PACK_TASK = "impression"

_TOKEN = re.compile(r"[a-z0-9]+")


def _terms(text: str) -> list[str]:
    toks = [t for t in _TOKEN.findall(text.lower()) if t != "xxxx"]
    return toks + [f"{a} {b}" for a, b in zip(toks, toks[1:])]


class TfidfIndex:
    """A small TF-IDF (unigrams + bigrams, sublinear tf, smoothed idf, L2-normalised) cosine index with an
    inverted file. Pure Python + numpy; deterministic. ``payloads[i]`` is returned for document ``i``."""

    def __init__(self, docs: Sequence[str], payloads: Sequence[str]):
        if len(docs) != len(payloads):
            raise ValueError("docs and payloads differ in length")
        import numpy as np

        self.n = len(docs)
        self.payloads = list(payloads)
        counts = []
        df: dict[str, int] = {}
        for d in docs:
            c: dict[str, int] = {}
            for t in _terms(d):
                c[t] = c.get(t, 0) + 1
            counts.append(c)
            for t in c:
                df[t] = df.get(t, 0) + 1
        self.idf = {t: math.log((1 + self.n) / (1 + k)) + 1.0 for t, k in df.items()}
        postings: dict[str, list[tuple[int, float]]] = {}
        for i, c in enumerate(counts):
            w = {t: (1.0 + math.log(k)) * self.idf[t] for t, k in c.items()}
            norm = math.sqrt(sum(v * v for v in w.values())) or 1.0
            for t, v in w.items():
                postings.setdefault(t, []).append((i, v / norm))
        self._post = {
            t: (np.fromiter((i for i, _ in p), dtype=np.int64, count=len(p)), np.fromiter((v for _, v in p), dtype=np.float32, count=len(p)))
            for t, p in postings.items()
        }

    def scores(self, text: str):
        import numpy as np

        c: dict[str, int] = {}
        for t in _terms(text):
            if t in self.idf:
                c[t] = c.get(t, 0) + 1
        w = {t: (1.0 + math.log(k)) * self.idf[t] for t, k in c.items()}
        norm = math.sqrt(sum(v * v for v in w.values())) or 1.0
        s = np.zeros(self.n, dtype=np.float32)
        for t, v in w.items():
            idx, vals = self._post[t]
            s[idx] += vals * (v / norm)
        return s

    def top(self, text: str, k: int, exclude: int | None = None) -> list[tuple[int, float]]:
        """The ``k`` most similar documents with distinct payloads, best first."""
        import numpy as np

        s = self.scores(text)
        if exclude is not None:
            s[exclude] = -1.0
        out, seen = [], set()
        for i in np.argsort(-s, kind="stable")[: max(k * 4, k)]:
            key = self.payloads[int(i)].strip().lower()
            if key in seen:
                continue
            seen.add(key)
            out.append((int(i), float(s[int(i)])))
            if len(out) == k:
                break
        return out

    def nearest(self, text: str, exclude: int | None = None) -> tuple[int, float]:
        """Index and cosine of the most similar document (ties: lowest index); ``exclude`` leaves one out."""
        import numpy as np

        s = self.scores(text)
        if exclude is not None:
            s[exclude] = -1.0
        i = int(np.argmax(s))
        return i, float(s[i])


def _lcs_f(a: list[str], b: list[str]) -> float:
    """LCS-based F-measure of two token lists (ROUGE-L style, no stemming)."""
    if not a or not b:
        return 0.0
    prev = [0] * (len(b) + 1)
    for x in a:
        cur = [0]
        for j, y in enumerate(b):
            cur.append(prev[j] + 1 if x == y else max(prev[j + 1], cur[j]))
        prev = cur
    lcs = prev[-1]
    if lcs == 0:
        return 0.0
    p, r = lcs / len(a), lcs / len(b)
    return 2 * p * r / (p + r)


def consensus(cands: list[str], weights: list[float]) -> int:
    """Minimum-Bayes-risk choice: the candidate with the highest weighted LCS agreement with the others."""
    toks = [_TOKEN.findall(c.lower()) for c in cands]
    best, best_s = 0, -1.0
    for i in range(len(cands)):
        sc = sum(weights[j] * _lcs_f(toks[i], toks[j]) for j in range(len(cands)) if j != i)
        if sc > best_s + 1e-12:
            best, best_s = i, sc
    return best


@lru_cache(maxsize=1)
def _checks() -> dict:
    """The check lexicon (resources/impression_checks.json), regexes compiled."""
    import json

    from ..config import resource_path

    path = resource_path("impression_checks.json")
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ModelPackError(f"impression check lexicon unreadable: {exc}", path=path) from exc
    comp = {k: {n: re.compile(rx) for n, rx in raw[k].items()}
            for k in ("critical", "chronic_findings", "minor", "sides", "anatomy", "sizes")}
    comp["recommendation"] = re.compile(raw["recommendation"])
    comp["prior"] = re.compile(raw["prior"])
    comp["normal_claim"] = re.compile(raw["normal_claim"])
    comp["normal_claim_strict"] = re.compile(raw["normal_claim_strict"])
    comp["normal_claim_without"] = re.compile(raw["normal_claim_without"], re.I)  # (cut from the sentence as written)
    comp["resolved_before"] = re.compile(raw["resolved_before"])
    comp["chronic"] = re.compile(raw["chronic"])
    comp["chronic_ok"] = frozenset(raw["chronic_ok"])
    comp["carry_minor"] = frozenset(raw.get("carry_minor", ()))
    comp["anatomy_same"] = [tuple(g) for g in raw.get("anatomy_same", [])]
    comp["omissible_when"] = {n: re.compile(rx) for n, rx in raw.get("omissible_when", {}).items()}
    comp["device_removed"] = re.compile(raw["device_removed"])
    comp["disclaimer"] = re.compile(raw["disclaimer"])
    comp["differential_of"] = {n: frozenset(v) for n, v in raw.get("differential_of", {}).items()}
    comp["normal_impression"] = raw["normal_impression"]
    return comp


#: critical abnormal concepts (name -> regex over lower-cased text), from resources/impression_checks.json
def _concepts() -> dict[str, re.Pattern]:
    return _checks()["critical"]


_SENT = re.compile(r"(?<=[.!?])\s+|(?<=[a-z]\.)(?=[A-Z])|\n+")
_CLAUSE = re.compile(r"[,;:]|\s(?:with|and|but|while|whereas)\s")
_NUMBER_ONLY = re.compile(r"\d{1,2}[.)]")  # a list number that sentence_spans gives as a sentence of its own
_ITEM_NUMBER = r"(?:\d{1,2}[.)]\s*)?"  # a list number that may open a sentence ("2. Otherwise, clear.")
_LISTNUM = re.compile(r"(?:(?<=^)|(?<=\s))\d{1,2}[.)](?=\s|[A-Z])")
_NUM = re.compile(r"\d+(?:\.\d+)?")
_NEG_INSIDE = re.compile(r"\b(?:not|no|without)\b|n't")


def _spans(rx: re.Pattern, text: str, a: int, b: int) -> list[tuple[int, int]]:
    out, pos = [], a
    for m in rx.finditer(text, a, b):
        out.append((pos, m.start()))
        pos = m.end()
    out.append((pos, b))
    return [(x, y) for x, y in out if text[x:y].strip()]


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of each sentence (splits also "apex.There", a missing space after a full stop)."""
    return _spans(_SENT, text, 0, len(text))


def _sentences(text: str) -> list[str]:
    """The sentences of ``text`` without their list numbers ("1. No effusion." -> "No effusion.")."""
    return [_LISTNUM.sub("", text[a:b]).strip() for a, b in sentence_spans(text)]


@dataclass(frozen=True)
class Mention:
    """One affirmed (or uncertain) abnormal concept in a text, with the side and size words of its clause."""

    concept: str
    tier: str  # "critical" | "omissible" (chronic, or minor in its clause: may be left out, with a note) | "minor"
    start: int
    end: int
    sentence: tuple[int, int]
    sides: frozenset
    sides_sentence: frozenset
    sizes: frozenset
    certain: bool = True  # said as a fact, not suspected ("concerning for pneumonia", "may represent", "versus")


def _words(group: str, text: str) -> frozenset:
    return frozenset(n for n, rx in _checks()[group].items() if rx.search(text))


# which of a nodule, a mass or an enlarged lymph node a nodule/mass mention says (check_impression)
_NODULE_OR_MASS = re.compile(r"\b(?:(nodul)|(mass)|((?:lymph)?adenopath|lymph\s+nodes?|nodes?\b))")


def _nodule_kinds(low: str, a: int, b: int) -> set[str]:
    return {k for m in _NODULE_OR_MASS.finditer(low, a, b)
            for k, g in zip(("nodule", "mass", "adenopathy"), m.groups()) if g}


# minor findings that, large (massive, marked, severe, extensive), the impression must carry: a large hiatal hernia
# ("Large hiatal hernia is present." was drafted "No evidence of active disease."). Measured 2026-12-06 (session 22),
# train-only twins: hernia alone val 0.6877 (same), held-out 0.6428 -> 0.6448; every minor concept large (scoliosis,
# pleural thickening, interstitial, opacity, degenerative, calcification, aortic) 0.6863 / 0.6402, not kept
_LARGE_CARRIED = frozenset({"hernia"})
# the lung findings an impression may name an opacity by, where in the lung an opacity lies, and what makes it none
_LUNG_CONCEPTS = frozenset({"opacity", "consolidation/pneumonia", "atelectasis", "edema", "nodule/mass", "lesion/cavity",
                            "scarring/fibrosis", "interstitial disease", "granuloma", "calcification", "emphysema/copd"})
_LUNG_PLACE = re.compile(r"\blung|\blobe|\bbas(?:e|es|al|ilar)\b|bibasilar|\bperihilar|\bairspace|\bair space|\bapical|"
                         r"\bapex|midlung|\blingul|\bhil(?:um|ar)|\bparenchym")
_LUNGS_NORMAL = re.compile(r"\bwithout (?:(?:evidence|signs?) of )?(?:an? )?(?:acute|active)\b|\blungs? (?:are |is )?clear\b|"
                           r"\bclear lungs?\b")
_BENIGN_OPACITY = re.compile(r"\bnipple|\boverl(?:y|ie|ying)|\bartifact|\bsoft tissue|\bbreast|\bscar|\bgranulom|"
                             r"\bcalcifi|\bminimal\b|\bsubsegmental|\bmild\b|\bsmall\b|\bresolv|\bimprov|\bno\b")
# which grade an edema mention says (check_impression): edema, or the vascular congestion short of it
_EDEMA_GRADES = (("pulmonary edema", re.compile(r"\bedema\b")),
                 ("vascular congestion", re.compile(r"congest\w*|\bengorge\w*|venous hypertension")))

# words of a clause that make what it names a suspicion, not a finding: read over the whole clause, wider than the
# ConText scope of the same cues ("atelectasis or pneumonia", "differential"; ConText alone changes held-out drafts)
_SUSPECTED = re.compile(r"\b(?:may|might|could) (?:\w+ )?(?:represent|reflect|be|indicate)\b|\bconcerning for\b|"
                        r"\bsuspicious for\b|\bsuggest\w*\b|\bpossibl\w*|\bprobabl\w*|\bversus\b|\bvs\.?(?!\w)|"
                        r"\bcannot (?:be )?(?:exclude|rule)|\bquestionabl\w*|\bequivocal\b|\bdifferential\b|\bor\b")


# "Lungs are clear airspace disease.": a dictated "clear of" that lost its "of" (the lungs clear, and the finding
# right after denied), read as the ConText cue "clear of" reads it
_CLEAR_WITHOUT_OF = re.compile(r"\b(?:lungs?|lung fields?)\s+(?:are|is|appear|remain)\s+clear\s+(?=(?:focal|acute|"
                               r"airspace|air space|consolidation|infiltrat|pneumonia|edema|effusion|pneumothorax|"
                               r"nodule|mass|opacit))")
_CLEAR_SCOPE_ENDS = re.compile(r"[.;:]|\b(?:but|however|though|except|there|with|which)\b")


def _cleared(low: str, lo: int, start: int) -> bool:
    """The finding at ``start`` is in the list that a "clear" without its "of" denies (from ``lo``, its sentence)."""
    cue = None
    for m in _CLEAR_WITHOUT_OF.finditer(low, max(lo, start - 120)):
        if m.end() > start:
            break
        cue = m
    return cue is not None and not _CLEAR_SCOPE_ENDS.search(low, cue.end(), start)


@lru_cache(maxsize=512)
def mentions(text: str) -> tuple[Mention, ...]:
    """Affirmed abnormal mentions (ConText drops negated and hypothetical ones; uncertain ones count)."""
    from ..text.context import classify

    low = text.lower()
    out = []
    for sa, sb in sentence_spans(text):
        if _checks()["disclaimer"].search(low[sa:sb]):
            continue  # "please note that fractures may not be demonstrated": not a finding
        s_sides = _words("sides", low[sa:sb])
        for ca, cb in _spans(_CLAUSE, low, sa, sb):
            clause = low[ca:cb]
            for tier in ("critical", "chronic_findings", "minor"):
                for name, rx in _checks()[tier].items():
                    for m in rx.finditer(low, ca, cb):
                        status = classify(text, m.start(), m.end()).status
                        if _NEG_INSIDE.search(m.group(0)) or status in ("negated", "hypothetical") or \
                                _cleared(low, sa, m.start()):
                            continue
                        if _checks()["resolved_before"].search(low, ca, m.start()):
                            continue  # "interval resolution of the left lower lobe consolidation": gone
                        if name == "tube/line" and _checks()["device_removed"].search(clause):
                            continue  # "interval removal of the central venous catheter": no longer there
                        t = "omissible" if tier == "chronic_findings" else tier
                        if tier == "critical" and name in _checks()["chronic_ok"] and (
                                status == "historical" or _checks()["chronic"].search(clause)):
                            t = "minor"  # an old healed fracture, a consolidation on a previous scan: need not be repeated
                        elif tier == "critical" and name in _checks()["omissible_when"] and \
                                _checks()["omissible_when"][name].search(clause):
                            t = "omissible"  # subsegmental atelectasis, a stable line: "no acute disease" is right
                        if t == "minor" and name in _LARGE_CARRIED and "large" in _words("sizes", clause):
                            t = "critical"  # a large hiatal hernia: said in the impression
                        certain = status == "affirmed" and not _SUSPECTED.search(clause)
                        out.append(Mention(name, t, m.start(), m.end(), (sa, sb), _words("sides", clause), s_sides,
                                           _words("sizes", clause), certain))
    return tuple(out)


@lru_cache(maxsize=512)
def negated_concepts(text: str) -> frozenset:
    """Critical and chronic concepts the text explicitly negates ("no pleural effusion", "no emphysema")."""
    from ..text.context import classify

    low = text.lower()
    out = set()
    for name, rx in [*_checks()["critical"].items(), *_checks()["chronic_findings"].items()]:
        for m in rx.finditer(low):
            if _NEG_INSIDE.search(m.group(0)) or classify(text, m.start(), m.end()).status == "negated" or \
                    _cleared(low, 0, m.start()):
                out.add(name)
    return frozenset(out)


def affirmed_concepts(text: str) -> set[str]:
    """Critical abnormal concepts the text affirms ("no pleural effusion", "without pneumothorax" do not count)."""
    return {m.concept for m in mentions(text) if m.tier == "critical"}


def consistency(findings_concepts: set[str], impression: str) -> tuple[list[str], list[str]]:
    """(invented, dropped): critical concepts the impression affirms that the findings do not, and the reverse."""
    imp = affirmed_concepts(impression)
    return sorted(imp - findings_concepts), sorted(findings_concepts - imp)


def _expand_sides(s: set) -> set:
    s = set(s)
    if "bilateral" in s:
        s |= {"left", "right"}
    if {"left", "right"} <= s:
        s.add("bilateral")
    return s


def check_impression(findings: str, impression: str) -> list[str]:
    """Every way ``impression`` disagrees with ``findings`` (empty list: consistent). Checks: XXXX tokens; every
    number of the impression is in the findings; no abnormal concept invented (critical, chronic or minor); every
    critical concept of the findings carried over (an omissible one -- emphysema, subsegmental atelectasis, stable
    cardiomegaly -- may be left out, see ``unstated_chronic``, but not denied nor called a normal study); the side (left/right/bilateral) and the size word (tiny/small/moderate/
    large) of each concept as the findings give them; anatomy terms (rib, clavicle, lobe, ...) only as in the
    findings; no comparison with a prior study the findings do not mention."""
    problems: list[str] = []
    if "xxxx" in impression.lower():
        problems.append("holds a redacted word (XXXX)")
    f_low, i_low = findings.lower(), impression.lower()
    f_nums = set(_NUM.findall(findings))
    for n in _NUM.findall(_LISTNUM.sub(" ", impression)):
        if n not in f_nums:
            problems.append(f"number {n} is not in the findings")
    fm, im = mentions(findings), mentions(impression)
    f_con = {m.concept for m in fm}
    i_con = {m.concept for m in im}
    for c in sorted(i_con - f_con):
        if f_con & _checks()["differential_of"].get(c, frozenset()) and not any(m.certain for m in im if m.concept == c):
            continue  # suspected as what a stated finding may be: "cardiomegaly versus pericardial effusion"
        problems.append(f"states {c}, which the findings do not")
    for c in sorted({m.concept for m in fm if m.tier == "critical"} - i_con):
        problems.append(f"leaves out {c}, which the findings state")
    f_any = _expand_sides(set().union(*[m.sides_sentence for m in fm]))  # every side the findings give
    for c in sorted(i_con & f_con):
        f_said = [m.certain for m in fm if m.concept == c and m.tier == "critical"]
        if f_said and not any(f_said) and any(m.certain for m in im if m.concept == c and m.tier == "critical"):
            problems.append(f"states {c} as certain, which the findings only suspect")
        f_sides = _expand_sides(set().union(*[m.sides or m.sides_sentence for m in fm if m.concept == c]))
        i_sides = set().union(*[m.sides for m in im if m.concept == c])
        if not f_sides and not f_any and i_sides and c in _checks()["critical"]:
            # a side the findings give nowhere ("Port-a-catheter tip in the cavoatrial junction" drafted "Left venous
            # catheter in SVC")
            problems.append(f"{c}: side {'/'.join(sorted(i_sides))} but the findings give no side")
        elif f_sides and i_sides - f_sides:
            problems.append(f"{c}: side {'/'.join(sorted(i_sides))} but the findings say {'/'.join(sorted(f_sides - {'bilateral'} if len(f_sides) < 3 else {'bilateral'}))}")
        elif {"left", "right"} <= f_sides and i_sides and not {"left", "right"} <= _expand_sides(i_sides) and any(
                m.tier in ("critical", "omissible") for m in fm if m.concept == c):
            # "left lower lobe consolidation ... patchy infiltrate in the right lower lobe" -> "Left lower lobe
            # infiltrate." drops one side of a bilateral finding
            problems.append(f"{c}: side {'/'.join(sorted(i_sides))} only, but the findings give it on both sides")
        f_sz = set().union(*[m.sizes for m in fm if m.concept == c])
        i_sz = set().union(*[m.sizes for m in im if m.concept == c])
        if c in _checks()["critical"] or c in _checks()["chronic_findings"]:
            wrong = i_sz - f_sz or (not i_sz and f_sz & {"moderate", "large"})
        else:  # a minor finding need not be sized, but not given another size than the findings give it ("Mild
            wrong = f_sz and i_sz - f_sz  # hypoinflation." for "moderately hypoinflated" lungs)
        if wrong:
            problems.append(f"{c}: size {'/'.join(sorted(i_sz)) or 'not given'} but the findings say "
                            f"{'/'.join(sorted(f_sz)) or 'no size'}")
    f_crit = sorted({m.concept for m in fm if m.tier == "critical"})
    f_omissible = sorted({m.concept for m in fm if m.tier == "omissible"} - set(f_crit))
    for c in sorted(negated_concepts(impression) & set(f_crit + f_omissible)):
        problems.append(f"denies {c}, which the findings state")
    if f_crit and _checks()["normal_claim"].search(i_low):
        problems.append(f"calls the study normal/negative although the findings state {', '.join(f_crit)}")
    elif ((_checks()["normal_claim"].search(i_low) or _LUNGS_NORMAL.search(i_low)) and not i_con & _LUNG_CONCEPTS
          and any(m.concept == "opacity" and _LUNG_PLACE.search(f_low, *m.sentence)
                  and not _checks()["chronic"].search(f_low, *m.sentence) and not _BENIGN_OPACITY.search(f_low, *m.sentence)
                  and not any(o.sentence == m.sentence and o.tier == "omissible" for o in fm)  # dependent atelectasis
                  for m in fm)):
        # a lung opacity the findings place ("streaky bibasilar opacities", "left midlung opacity") is not a normal
        # chest: "Cardiomegaly without acute pulmonary abnormality." left it out
        problems.append("calls the lungs normal/negative although the findings state a lung opacity")
    elif f_omissible and _checks()["normal_claim_strict"].search(i_low):
        # "no acute disease" is true of a chronic or stable finding; "normal chest" is not
        problems.append(f"calls the study normal although the findings state {', '.join(f_omissible)}")
    anat = _checks()["anatomy"]
    for name, rx in anat.items():
        if rx.search(i_low) and not rx.search(f_low):
            # "bibasilar" for both lower lobes, "apical" for an upper lobe: the same place in other words
            same = [o for grp in _checks()["anatomy_same"] if name in grp for o in grp if o != name]
            if not any(anat[o].search(f_low) for o in same):
                problems.append(f"names the {name}, which the findings do not")
    # a mass is not a nodule, nor a nodule a mass, nor either an enlarged lymph node (one concept to the checks, three
    # findings to a radiologist: a new 3 cm right upper lobe mass drafted "Right upper lobe lung nodules"; a new 8 mm
    # lung nodule given the retrieved "Left paraspinal/retrocrural adenopathy.")
    f_nod = {w for m in fm if m.concept == "nodule/mass" for w in _nodule_kinds(f_low, m.start, m.end)}
    i_nod = {w for m in im if m.concept == "nodule/mass" for w in _nodule_kinds(i_low, m.start, m.end)}
    if f_nod and i_nod and not f_nod & i_nod:
        said = "/".join(sorted(i_nod))
        problems.append(f"calls the {'/'.join(sorted(f_nod))} of the findings {'an' if said[0] in 'aeiou' else 'a'} {said}")
    # pulmonary edema is not vascular congestion, nor congestion edema (one concept to the checks, two grades to a
    # radiologist: "Pulmonary vascular congestion." drafted "Abnormal pulmonary edema."); "CHF" names either
    f_ed = {k for m in fm if m.concept == "edema" for k, rx in _EDEMA_GRADES if rx.search(f_low, m.start, m.end)}
    i_ed = {k for m in im if m.concept == "edema" for k, rx in _EDEMA_GRADES if rx.search(i_low, m.start, m.end)}
    if f_ed and i_ed and not f_ed & i_ed:
        problems.append(f"calls the {'/'.join(sorted(f_ed))} of the findings {'/'.join(sorted(i_ed))}")
    if _checks()["prior"].search(i_low) and not _checks()["prior"].search(f_low):
        problems.append("compares with a prior study the findings do not mention")
    return problems


def unstated_chronic(findings: str, impression: str) -> list[str]:
    """Omissible findings the findings state and the impression leaves out -- chronic ones (emphysema,
    hyperinflation, bullae) and ones minor or stable in their clause (subsegmental atelectasis, stable cardiomegaly,
    a stable line): not a failed check (an impression of "No acute cardiopulmonary abnormality." is right for stable
    emphysema), but the reader is told, so the radiologist decides whether this impression should name them."""
    said = {m.concept for m in mentions(impression)} if impression else set()
    tiers: dict[str, set] = {}
    for m in mentions(findings):
        tiers.setdefault(m.tier, set()).add(m.concept)
    return sorted(tiers.get("omissible", set()) - said - tiers.get("critical", set()))


# a sentence that is only the name of a study (a header of the report it was copied from): "Chest.", "KUB."; or only a
# title whose name was redacted ("Dr. XXXX was notified" leaves "Dr.")
_NAME_ONLY = re.compile(r"(?:(?:two|2|pa|ap|portable|frontal|upright|supine|and|lateral|views?|of|the|single|view)\s+)*"
                        r"(?:chest|kub|abdomen|chest radiograph|chest x ray|chest xray|cxr|radiograph)"
                        r"(?:\s+(?:two|2|pa|ap|portable|frontal|and|lateral|views?|radiograph|x ray))*"
                        r"|dr|mr|mrs|ms")


def clean_draft(findings: str, impression: str) -> str:
    """The draft without sentences holding XXXX, without work-up recommendations the findings do not make, without a
    study's bare name ("Chest.", "KUB." of the report a retrieved impression comes from), and with
    a sentence repeated word for word said once ("1. No acute cardiopulmonary disease. 2. No acute cardiopulmonary
    disease." is "No acute cardiopulmonary disease."); a numbered list that lost a sentence is renumbered."""
    rec = _checks()["recommendation"]
    keep_rec = bool(rec.search(findings.lower()))
    out, said, number, dropped = [], set(), None, False
    for a, b in sentence_spans(impression):
        s = impression[a:b].strip()
        if _NUMBER_ONLY.fullmatch(s):  # a list number: kept with the sentence it numbers
            number = s
            continue
        key = " ".join(_TOKEN.findall(s.lower()))
        if ("xxxx" in s.lower() or (not keep_rec and rec.search(s.lower())) or (key and key in said)
                or _NAME_ONLY.fullmatch(key)  # (a study's name alone, "Chest." "KUB.", or "Dr." says nothing)
                or (not out and _OTHERWISE.match(s))):  # ("Otherwise, clear." first: besides nothing)
            number, dropped = None, True
            continue
        said.add(key)
        out.extend([number, s] if number else [s])
        number = None
    joined = " ".join(out)
    if dropped and any(_NUMBER_ONLY.fullmatch(x) for x in out):  # renumbered (one sentence left: no number)
        joined = _numbered([x for x in out if not _NUMBER_ONLY.fullmatch(x)])
    text = re.sub(r"(?:\s+\.)+(?=\s|$)", "", joined).strip()
    text = re.sub(r"\s*\d{1,2}[.)]$", "", text).strip()  # a dangling list number
    if not _LISTNUM.sub("", text).strip(" .,;"):
        return ""
    return text


def quoted_spans(findings: str, impression: str) -> list:
    """Evidence: the findings sentences the impression quotes, verbatim or in impression form (``_as_impression``;
    XXXX read as [redacted word])."""
    from ..document import Span

    out = []
    for a, b in sentence_spans(findings):
        raw = findings[a:b]
        a2 = a + len(raw) - len(raw.lstrip())
        b2 = b - (len(raw) - len(raw.rstrip()))
        sent = findings[a2:b2]
        shown = re.sub(r"(?i)x{4,}", "[redacted word]", sent)
        if len(sent.split()) >= 1 and (shown.rstrip(".") in impression or _as_impression(shown).rstrip(".") in impression):
            out.append(Span.of(findings, a2, b2))
    return out


def _numbered(sents: list[str]) -> str:
    sents = [s if s.endswith((".", "!", "?")) else s + "." for s in sents if s.strip(" .0123456789)")]
    if len(sents) == 1:
        return sents[0]
    return " ".join(f"{i}. {s}" for i, s in enumerate(sents, 1))


_THERE_IS = re.compile(r"^there\s+(?:is|are)\s+(?:(?:an?|the)\s+)?(?=\S)", re.I)
_SEEN_VERB = r"(?:seen|noted|present|identified|demonstrated|visualized|appreciated)"
# where in the chest a finding "is seen": the words that may follow the dropped verb
_SEEN_WHERE = (r"(?=\s+(?:in|at|on|within|over|overlying|along|throughout|involving|adjacent|near|with|without|"
               r"bilaterally)\b|\s*[,;.]|\s*$)")
_IS_SEEN = re.compile(r"\s+(?:is|are)\s+(?:also\s+)?" + _SEEN_VERB + _SEEN_WHERE, re.I)
# "Left midlung opacity noted, not visualized on prior.": the bare participle after the finding's noun
_NOTED = re.compile(r"(?<![^\s])(?!x{4}|[\w-]*ly\s|(?:not|well|poorly|best|clearly|better|be|been|being|is|are|was|were|again|"
                    r"previously|no|also)\s)([a-z][\w-]*)\s+(?:also\s+)?" + _SEEN_VERB + _SEEN_WHERE, re.I)
# an opening that only links the sentence to the one before it, or an article: not how an impression begins
_OPENING = re.compile(r"^(?:(?:also|additionally|furthermore),?\s+)?(?:an?\s+(?=\S))?", re.I)


def _as_impression(sentence: str) -> str:
    """A findings sentence in impression form: the existential frame dropped ("There is a small right effusion."
    -> "Small right effusion."; "Calcified granuloma is seen." -> "Calcified granuloma."; "Patchy opacities are
    demonstrated in the left lung base." -> "Patchy opacities in the left lung base."; "Left midlung opacity noted,
    not visualized on prior." -> "Left midlung opacity, not visualized on prior."), an opening "Also" or article
    dropped, every other word kept. "Again noted", "not visualized", "best seen" keep their words. Several sentences
    (a finding and the one that speaks of it) are put in that form each."""
    spans = sentence_spans(sentence)
    if len(spans) > 1:
        return " ".join(_as_impression(sentence[a:b]) for a, b in spans)
    s = sentence.strip()
    for rx, repl in ((_OPENING, ""), (_THERE_IS, ""), (_OPENING, "")):  # "There is also a ...": both
        t = rx.sub(repl, s, count=1)
        if t != s and t.strip(" .") and not re.match(r"(?i)(?:no|not|none|neither|nothing)\b", t):
            s = t[:1].upper() + t[1:]
    for rx, repl in ((_IS_SEEN, ""), (_NOTED, r"\1")):
        t = rx.sub(repl, s)
        if t.strip(" .") and re.search(r"[a-z]", t, re.I):
            s = t
    return s if s.endswith((".", "!", "?")) else s.rstrip(" ,;") + "."


def _with_antecedents(findings: str, spans) -> list[tuple[int, int]]:
    """The findings sentences ``spans``, in order, each one that points back at the sentence before it ("This may
    represent the ascending aorta or mediastinal lymphadenopathy.", "Findings may reflect focal airspace disease.")
    joined to that sentence: quoted alone it would not say what it speaks of. A sentence after one of them that gives
    its size ("This measures approximately 8 mm in diameter.") is joined to it too."""
    allspans = sentence_spans(findings)
    out: list[tuple[int, int]] = []
    said = {m.sentence[0] for m in mentions(findings)}  # the sentence spoken of names a finding
    for a, b in sorted(spans):
        k = next((j for j, sp in enumerate(allspans) if sp[0] <= a < sp[1]), None)
        if k and _POINTS_BACK.match(findings, allspans[k][0]):
            j = next((j for j in (k - 1, k - 2) if j >= 0 and allspans[j][0] in said), k - 1)
            a = allspans[j][0]
        nxt = next((sp for sp in allspans if sp[0] >= b), None)
        if nxt is not None and _POINTS_BACK.match(findings, nxt[0]) and _SIZE_GIVEN.search(findings, *nxt):
            b = nxt[1]
        if out and out[-1][1] >= a:
            out[-1] = (out[-1][0], max(b, out[-1][1]))  # the sentence before is quoted already: one item
            continue
        out.append((a, b))
    return out


_SIZE_GIVEN = re.compile(r"\d\s*(?:mm|cm|millimeters?|centimeters?)\b", re.I)


def missing_sentences(findings: str, concepts: set[str]) -> list[str]:
    """The findings sentences stating any of ``concepts``, each with the sentence it speaks of or that sizes it
    (``_with_antecedents``; XXXX shown as [redacted word]), in impression form (``_as_impression``: the "there is" /
    "is seen" frame and an opening "also" dropped, every finding word kept)."""
    spans = _with_antecedents(findings, {m.sentence for m in mentions(findings) if m.concept in concepts})
    return [_as_impression(re.sub(r"(?i)x{4,}", "[redacted word]", findings[a:b].strip())) for a, b in spans]


def _tidy(sentence: str) -> str:
    """A sentence with a clause cut out of it, without the space left before its punctuation."""
    return re.sub(r"\s+([,;.])", r"\1", sentence).strip()


def _without_normal_claim(sentence: str) -> str:
    """``sentence`` less its normal/negative-claim clauses ("Mild stable cardiomegaly, no acute disease." ->
    "Mild stable cardiomegaly."); "" when nothing else is left. Used where a finding is appended, which the claim
    would contradict."""
    if not sentence.strip(" ."):
        return ""
    cut = _checks()["normal_claim_without"].sub("", sentence)  # "Cardiomegaly without acute disease." -> "Cardiomegaly."
    if cut != sentence:
        sentence = _tidy(cut)
        if not sentence.strip(" .,;"):
            return ""
    if not _checks()["normal_claim"].search(sentence.lower()):
        return sentence
    parts = [x.strip() for x in re.split(r"[,;]", sentence.rstrip(" ."))]
    kept = [x for x in parts if x and not _checks()["normal_claim"].search(x.lower())]
    if all(_CONNECTIVE.fullmatch(x) for x in kept):  # "Otherwise, no acute disease." -> nothing, not "Otherwise."
        return ""
    return ", ".join(kept) + "."


# a clause that only links to the one after it: left alone once the normal claim it introduced is removed
_CONNECTIVE = re.compile(r"(?i)" + _ITEM_NUMBER + r"(?:otherwise|however|but|and|also|additionally|overall|again)")


def carry_findings(findings: str, impression: str) -> tuple[str, list[str]]:
    """(impression, concepts added): ``impression`` with the findings sentences of every critical abnormal
    concept, and of the minor ones that matter in an impression ("Right lower lobe opacity", check lexicon
    ``carry_minor``), it does not state appended from the findings and numbered; a normal/negative claim is dropped when
    something is appended. Incidental findings (degenerative spine, calcified granuloma, tortuous aorta) and
    chronic ones (emphysema) are not forced in. Used where the model draft failed the findings checks, so a
    repaired, retrieved or extractive impression never drops a stated finding."""
    stated = {m.concept for m in mentions(impression)} if impression else set()
    keep = _checks()["carry_minor"]
    carry = sorted({m.concept for m in mentions(findings)
                    if m.tier == "critical" or (m.concept in keep and not _OLD_DENSITY.search(findings, *m.sentence))}
                   - stated)
    if not carry:
        return impression, []
    have = _words_only(impression)
    add = [x for x in missing_sentences(findings, set(carry)) if _words_only(x) not in have]
    if not add:
        return impression, []
    return _appended(impression, add)[0], carry


def _appended(impression: str, added: list[str]) -> tuple[str, list[str]]:
    """(impression, dropped): ``impression`` with the findings sentences ``added`` after it, numbered; its
    normal/negative claims removed (an appended finding would contradict them) and each of its sentences that an added
    one says in full dropped (``_said_by``), those listed."""
    kept = [y for y in (_without_normal_claim(x) for x in _sentences(impression)) if y]
    if any(m.concept in _LUNG_CONCEPTS for a in added for m in mentions(a)):
        # "Cardiomegaly without lung infiltrates." beside an appended "Streaky bibasilar opacities.": the clause denies
        # what is appended
        kept = [y for y in (_tidy(_WITHOUT_LUNG_FINDING.sub("", x)) for x in kept)
                if y.strip(" .,;") and not _LUNGS_CLEAR.fullmatch(y)]  # "Lungs otherwise clear." before the opacity
    dropped = [y for y in kept if _said_by(y, added)]
    return _numbered([y for y in kept if y not in dropped] + added), dropped


# a clause that denies a lung finding ("without lung infiltrates", "with no focal consolidation")
_WITHOUT_LUNG_FINDING = re.compile(r"(?i),?\s*\b(?:without|with no|and no)\s+(?:(?:evidence|signs?) of\s+)?(?:any\s+)?"
                                   r"(?:(?:focal|acute|active|lung|pulmonary|airspace|air space|superimposed)\s+){0,2}"
                                   r"(?:infiltrates?|consolidations?|pneumonia|airspace disease|air space disease|"
                                   r"opacit(?:y|ies))\b")


# a sentence that only calls the lungs clear
_LUNGS_CLEAR = re.compile(r"(?i)\s*(?:(?:the\s+)?lungs?\s+(?:are\s+|is\s+)?(?:otherwise\s+)?(?:clear|normal)|"
                          r"(?:otherwise\s+)?clear\s+lungs?|otherwise\s+clear)(?:\s+bilaterally)?\s*\.?\s*")


def _said_by(sentence: str, added: list[str]) -> bool:
    """Whether an appended findings sentence says all that ``sentence`` of the draft says: every abnormal concept of
    it, on no other side ("Stable cardiomegaly." beside the appended "Stable cardiomegaly with mild mediastinal
    shift."), so the draft's sentence would only repeat it."""
    own = mentions(sentence)
    if not own:
        return False
    con = {m.concept for m in own}
    sides = set().union(*[m.sides for m in own])
    for a in added:
        theirs = mentions(a)
        if con <= {m.concept for m in theirs} and sides <= set().union(*[m.sides for m in theirs]):
            return True
    return False


# a minor opacity its own sentence calls calcified, granulomatous, chronic or old: an incidental finding, not one to
# carry into a replacement impression ("Multiple scattered round calcific densities represent old granulomatous
# disease.")
_OLD_DENSITY = re.compile(r"\bgranulom|\bcalci(?:fi|fic)|\bnipple|\bartifact|\bhealed\b|\bold\b|\bchronic\b")


#: problems of one sentence that removing that sentence fixes (the others -- "leaves out", "calls the study
#: normal" -- are about the whole impression)
_LOCAL_PROBLEM = ("holds a redacted word", "number ", "states ", "names the ", "compares with a prior", "denies ")


def prune_draft(findings: str, impression: str) -> tuple[str, list[str]]:
    """(impression, removed): the draft without each sentence that on its own invents something -- a finding, a
    number, a bone or lobe, a prior study -- or gets a side or a size wrong, or denies a stated finding. The
    rest of the draft is the model's own words; it is used only when it then passes every check."""
    kept, removed = [], []
    prev_removed = False
    for sent in _sentences(impression):
        if not sent.strip(" .") or re.fullmatch(r"\d{1,2}[.)]?", sent):
            continue  # a list number split off as a "sentence"
        probs = [p_ for p_ in check_impression(findings, sent)
                 if p_.startswith(_LOCAL_PROBLEM) or ": side " in p_ or ": size " in p_]
        if not probs and prev_removed and _ANAPHOR.match(sent):
            return impression, []  # it speaks of what a removed sentence said ("Unclear whether this is ..."): no draft
        if not probs and prev_removed and _OTHERWISE.match(sent):
            removed.append(sent)  # "Otherwise, clear." after a removed "Tip now projects over upper SVC.": the rest of
            continue  # what is gone
        (removed if probs else kept).append(sent)
        prev_removed = bool(probs)
    if not removed or not kept:
        return impression, []
    return _numbered(kept), removed


# a sentence that says what is true besides the one before it ("Otherwise, clear.")
_OTHERWISE = re.compile(_ITEM_NUMBER + r"otherwise\b", re.IGNORECASE)


# a sentence that begins by pointing back at the one before it: without that sentence it says nothing of its own
_ANAPHOR = re.compile(_ITEM_NUMBER + r"(?:(?:it\s+is\s+)?unclear\s+whether\s+)?(?:this|these|it|they|which|that|"
                      r"the\s+(?:latter|former|above|finding|findings|abnormality|opacity|lesion))\b", re.IGNORECASE)


# a findings sentence that speaks of the one before it: a draft's anaphor, or "Findings may reflect ...",
# "Appearance suggests ...", "The opacities ..."
_POINTS_BACK = re.compile(r"\s*(?:" + _ANAPHOR.pattern + r"|(?:the\s+)?(?:appearance|opacities|density)\b|"
                          r"(?:findings?|appearance)\s+(?:may|could|might|are|is|likely|most|suggests?|consistent)\b)",
                          re.I)


def _keeps_words_of(impression: str, source: str) -> bool:
    """Whether a sentence of ``impression`` is one of ``source``'s, whole or less a clause (punctuation and case
    aside): the retrieved impression still speaks in the final one."""
    have = _words_only(source)
    return any((n := _words_only(x)) and n in have for x in _sentences(impression)
               if not _NUMBER_ONLY.fullmatch(x))  # (a list number split off as a sentence of its own says nothing)


def _words_only(text: str) -> str:
    """``text`` lower-cased, its words (letters and digits) one space apart: sentences compared punctuation aside."""
    return " ".join(re.findall(r"[a-z0-9]+", text.lower()))


def _quoting_instead(model_text: str, problems: list[str]) -> str:
    """The warning of an impression that quotes the findings sentences because the model draft failed the checks."""
    return (f"the model draft {_quote(model_text)} failed the findings checks ({'; '.join(problems)}): the impression "
            "quotes the abnormal findings sentences instead")


def _quote(text: str, limit: int = 160) -> str:
    text = re.sub(r"\s+", " ", text).strip()
    return '"' + (text if len(text) <= limit else text[: limit - 3].rstrip() + "...") + '"'


def extractive_impression(findings: str) -> tuple[str, list[str]]:
    """(impression, warnings): the findings sentences that state a critical abnormality, each with the sentence it
    speaks of or that sizes it (``_with_antecedents``), quoted in impression form, numbered (XXXX shown as [redacted
    word], with a warning); the normal phrase when there are none."""
    fm = [m for m in mentions(findings) if m.tier == "critical"]
    spans = _with_antecedents(findings, {m.sentence for m in fm})
    sents, warnings = [], []
    for a, b in spans:
        s = findings[a:b].strip()
        if "xxxx" in s.lower():
            names = sorted({m.concept for m in fm if a <= m.sentence[0] < b})
            s = re.sub(r"(?i)x{4,}", "[redacted word]", s)
            warnings.append(f"a findings sentence about {', '.join(names)} holds a de-identification token (XXXX), "
                            "shown as [redacted word]: read the original report")
        sents.append(_as_impression(s))
    if not sents:
        return _checks()["normal_impression"], warnings
    if len(sents) == 1:
        return sents[0], warnings
    return " ".join(f"{i}. {s}" for i, s in enumerate(sents, 1)), warnings


def normal_wording(findings: str, draft: str, index: "TfidfIndex", k: int, min_sim: float) -> tuple[str, int] | None:
    """(impression, reports): for findings that state nothing abnormal and a draft that calls the study normal,
    the normal impression the ``k`` most similar training reports (cosine >= ``min_sim``) use most, weighted by
    similarity -- the house wording of the radiologist whose template the findings follow ("No active disease." vs
    "No acute cardiopulmonary abnormality."). The draft and the candidates must say nothing but that the study is
    normal ("Low lung volumes. No acute disease." is left alone) and pass the findings checks; None when there is
    nothing to choose (abnormal findings, a draft that says more, no close report)."""
    import numpy as np

    rx = _checks()["normal_claim"]

    def only_normal(t: str) -> bool:  # every sentence a normal claim: nothing else said that a rewording could drop
        sents = [x for x in (y.strip(" .") for y in _sentences(t)) if x and not x.isdigit()]
        return bool(sents) and all(rx.search(x.lower()) for x in sents) and not mentions(t)

    if mentions(findings) or not only_normal(draft):
        return None
    s = index.scores(findings)
    votes: dict[str, list] = {}  # wording (tokens) -> [summed cosine, reports, first text seen]
    for i in np.argsort(-s, kind="stable")[:k]:
        if float(s[i]) < min_sim:
            break
        imp = index.payloads[int(i)].strip()
        if clean_draft(findings, imp) != imp or not only_normal(imp) or check_impression(findings, imp):
            continue
        v = votes.setdefault(" ".join(_TOKEN.findall(imp.lower())), [0.0, 0, imp])
        v[0] += float(s[i])
        v[1] += 1
    if not votes:
        return None
    best = max(votes.values(), key=lambda v: v[0])  # ties: the nearer report's wording (seen first)
    return best[2], best[1]


def retrieval_input(findings: str, neighbour_impressions: "str | list[str]") -> str:
    """The encoder input of the retrieval-augmented model (the recipe trains on exactly this): the findings,
    then each neighbour's impression after a [SEP]."""
    if isinstance(neighbour_impressions, str):
        neighbour_impressions = [neighbour_impressions]
    return " [SEP] ".join([findings, *neighbour_impressions])


@dataclass
class Impression:
    impression: str
    findings: str
    model: dict[str, Any] = field(default_factory=dict)  # pack info: name, version, sha256
    neighbour: dict[str, Any] | None = None  # {"impression", "similarity"} fed to the model, when retrieving
    score: float = 0.0  # length-normalised log-probability
    elapsed_ms: float = 0.0
    evidence: list = field(default_factory=list)  # generated text: no span in the findings
    warnings: list[str] = field(default_factory=list)
    #: where the text comes from: {"source": "model"|"retrieved"|"extractive", "detail", ...}
    provenance: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "impression": self.impression,
            "findings": self.findings,
            "model": self.model,
            "neighbour": self.neighbour,
            "score": round(self.score, 4),
            "elapsed_ms": round(self.elapsed_ms, 1),
            "evidence": [e.to_dict() for e in self.evidence],
            "evidence_note": ("findings sentences quoted in the impression (offsets into 'findings'); the rest "
                              "has no source span" if self.evidence else
                              "generated draft: no source span; check against the findings"),
            "warnings": list(self.warnings),
            "provenance": dict(self.provenance),
        }


def _source_encoder(spec, gpath: Path, threads: int | None):
    """The frozen pretrained encoder a pack's encoder reads (generation.json ``source_encoder``: the embedding pack's
    name and the sha256 of the model file it was trained on), found among the installed packs; None when the pack
    has none. A missing pack or another model file is a ModelPackError naming the impression pack's generation.json:
    the states of another model would make the decoder write nonsense."""
    if not spec:
        return None
    from ..runtime.registry import find_required
    from ..runtime.seq2seq import SourceEncoder

    if not isinstance(spec, dict) or not isinstance(spec.get("pack"), str) or not isinstance(spec.get("model_sha256"), str):
        raise ModelPackError("generation.json 'source_encoder' must name a pack and its model's sha256", path=gpath)
    return SourceEncoder(find_required(spec["pack"], "model", spec["model_sha256"], gpath), threads=threads)


class ImpressionModel:
    """A loaded impression pack folder: the ONNX seq2seq model, its generation settings and (when the pack
    is retrieval-augmented) the TF-IDF index over its retrieval.json."""

    def __init__(self, folder: Path, manifest: dict, seq, gen: dict, index: TfidfIndex | None, info: dict):
        self.folder, self.manifest, self.seq, self.gen, self.index, self.info = folder, manifest, seq, gen, index, info

    @classmethod
    def from_folder(cls, folder: str | Path, *, verify: bool = True, threads: int | None = None,
                    onnx_override: dict[str, Path] | None = None, knn: bool = True) -> "ImpressionModel":
        """Load a pack. ``knn=False`` decodes with the model alone where the pack has a kNN memory
        (``generation.json`` ``knn``); ``onnx_override`` (other ONNX files, one model) never uses it."""
        import hashlib
        import json

        from ..runtime.seq2seq import EnsembleSeq2Seq, Seq2SeqOnnx

        folder = Path(folder)
        info: dict[str, Any]
        try:
            from ..runtime.packs import ModelPack  # type: ignore

            pack = ModelPack.load(folder, verify=verify)
            manifest, info = pack.manifest, pack.info()
        except ImportError:
            mpath = folder / "manifest.json"
            if not mpath.is_file():
                raise ModelPackError("manifest.json missing", path=folder)
            try:
                manifest = json.loads(mpath.read_text(encoding="utf-8"))
            except ValueError as exc:
                raise ModelPackError(f"manifest.json is not JSON: {exc}", path=mpath) from exc
            if verify:
                for f in manifest.get("files", []):
                    p = folder / f["path"]
                    if not p.is_file():
                        raise ModelPackError("file listed in the manifest is missing", path=p)
                    if hashlib.sha256(p.read_bytes()).hexdigest() != f["sha256"]:
                        raise ModelPackError("sha256 does not match the manifest", path=p)
            info = {"name": manifest.get("name"), "version": manifest.get("version"),
                    "sha256": hashlib.sha256(mpath.read_bytes()).hexdigest()}
        if manifest.get("task") != PACK_TASK:
            raise ModelPackError(f"pack task is {manifest.get('task')!r}, not {PACK_TASK!r}", path=folder)
        gpath = folder / "generation.json"
        try:
            gen = json.loads(gpath.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise ModelPackError(f"generation.json unreadable: {exc}", path=gpath) from exc
        # generation.json "members": [[encoder, decoder], ...] (models/impression/recipe.py --add-member): an
        # ensemble of the same recipe trained with other seeds, averaged at each decoding step
        members = gen.get("members") or [["encoder.onnx", "decoder.onnx"]]
        if (not isinstance(members, list)
                or not all(isinstance(m, list) and len(m) == 2 and all(isinstance(x, str) for x in m) for m in members)):
            raise ModelPackError("generation.json 'members' must be a list of [encoder, decoder] file names", path=gpath)
        if onnx_override:  # one model only (bench/impression.py --fp32)
            members = [[onnx_override.get("encoder", folder / members[0][0]), onnx_override.get("decoder", folder / members[0][1])]]
        source = _source_encoder(gen.get("source_encoder"), gpath, threads)
        seqs = [Seq2SeqOnnx(folder / enc, folder / dec, folder / "tokenizer.json", pad_id=gen["pad_id"],
                            bos_id=gen["bos_id"], eos_id=gen["eos_id"], max_src=gen["max_src"],
                            max_new_tokens=gen["max_new_tokens"], threads=threads, source=source)
                for enc, dec in members]
        seq = seqs[0] if len(seqs) == 1 else EnsembleSeq2Seq(seqs)
        spec = gen.get("knn")
        if spec and knn and not onnx_override:
            from ..runtime.seq2seq import KnnDatastore

            if len(seqs) != 1:
                raise ModelPackError("a kNN memory belongs to one model, not to an ensemble", path=gpath)
            if (not isinstance(spec, dict) or not isinstance(spec.get("file"), str) or "/" in spec["file"]
                    or "\\" in spec["file"] or not all(isinstance(spec.get(x), (int, float)) for x in ("k", "lambda", "temperature"))):
                raise ModelPackError("generation.json 'knn' must give a file name, k, lambda and temperature", path=gpath)
            if verify and spec["file"] not in {f.get("path") for f in manifest.get("files", [])}:
                raise ModelPackError(f"the kNN memory {spec['file']!r} is not listed (with its sha256) in the manifest",
                                     path=folder / "manifest.json")
            seq.use_knn(KnnDatastore(folder / spec["file"], k=int(spec["k"]), lam=float(spec["lambda"]),
                                     temperature=float(spec["temperature"]), vocab_size=seq.tokenizer.get_vocab_size(),
                                     threads=threads),
                        folder / members[0][1])
        index = None
        if gen.get("retrieval"):
            rpath = folder / "retrieval.json"
            try:
                rows = json.loads(rpath.read_text(encoding="utf-8"))
            except (OSError, ValueError) as exc:
                raise ModelPackError(f"retrieval.json unreadable: {exc}", path=rpath) from exc
            index = TfidfIndex([r["findings"] for r in rows], [r["impression"] for r in rows])
        return cls(folder, manifest, seq, gen, index, info)

    def generate(self, findings: str, *, num_beams: int | None = None, rerank: int | None = None,
                 mbr: int | None = None, mbr_model_weight: float | None = None, guard: int | None = None) -> Impression:
        t0 = time.perf_counter()
        text = re.sub(r"\s+", " ", findings or "").strip()
        if not text:
            raise TaskError("no findings text to summarise into an impression")
        neighbour = None
        src = text
        if self.index is not None:
            k = int(self.gen.get("neighbours", 1))
            top = self.index.top(text, k) if k > 1 else [self.index.nearest(text)]
            j, sim = top[0]
            neighbour = {"impression": self.index.payloads[j], "similarity": round(sim, 4)}
            if k > 1:
                neighbour["others"] = [self.index.payloads[i] for i, _ in top[1:]]
            src = retrieval_input(text, [self.index.payloads[i] for i, _ in top])
        g = self.seq.generate(src, num_beams=num_beams or int(self.gen.get("num_beams", 4)),
                              length_penalty=float(self.gen.get("length_penalty", 1.0)))
        out = g.text.strip()
        model_text = out  # what the model wrote: quoted by every message about a failed check
        score = g.score
        first_kind = "model"
        k = int(self.gen.get("rerank", 0) if rerank is None else rerank)
        if k > 0 and self.index is not None:
            # hybrid: the model also scores the impressions of the k nearest training findings and keeps
            # whichever of them or its own output it finds most likely
            from ..runtime.seq2seq import score_candidates

            cands = [out] + [self.index.payloads[j] for j, _ in self.index.top(text, k)]
            scores = score_candidates(self.seq, src, cands)
            best = max(range(len(cands)), key=lambda i: (scores[i], -i))
            out, score = cands[best].strip(), scores[best]
            if best > 0:
                first_kind = "retrieved (rescored by the model)"
        # safety: the draft must agree with the findings (check_impression); else the nearest retrieved training
        # impression that does; else the abnormal findings sentences, quoted
        guard = int(self.gen.get("guard", 10) if guard is None else guard)
        draft_problems = check_impression(text, clean_draft(text, out) or out)
        cands: list[tuple[str, str, dict]] = [(out, first_kind, {})]
        if self.index is not None and guard > 0:
            for rank, (j, sim) in enumerate(self.index.top(text, guard), start=1):
                cands.append((self.index.payloads[j], "retrieved", {"rank": rank, "similarity": round(sim, 4)}))
        chosen, warnings_pre = None, []
        passing = []
        for cand, kind, extra in cands:
            cleaned = clean_draft(text, cand)
            if not cleaned:
                continue
            if not check_impression(text, cleaned):
                passing.append((cleaned, kind, extra, cleaned != cand.strip()))
                continue
            pruned, removed = prune_draft(text, cleaned)
            if removed and not check_impression(text, pruned):
                # the draft less the sentences that invented something (its own words, nothing added)
                passing.append((pruned, kind, dict(extra, pruned=removed), True))
        if passing:
            chosen = passing[0]
            wm = float(self.gen.get("mbr_model_weight", 1.0) if mbr_model_weight is None else mbr_model_weight)
            k_mbr = int(self.gen.get("mbr", 0) if mbr is None else mbr)
            if k_mbr > 0 and len(passing) > 1:
                # consensus among the candidates that pass the checks (model draft weight wm, retrieved: cosine)
                pool = passing[: k_mbr + 1]
                w = [wm if c[1] != "retrieved" else max(1e-3, c[2].get("similarity", 0.0)) for c in pool]
                chosen = pool[consensus([c[0] for c in pool], w)]
        if chosen is None and self.gen.get("repair", True):
            # repair: a draft whose only fault is leaving findings out gets those findings sentences appended
            for cand, kind, extra in cands:
                cleaned = clean_draft(text, cand)
                if not cleaned or not mentions(cleaned):
                    continue
                probs = check_impression(text, cleaned)
                if not all(p_.startswith(("leaves out ", "calls the study normal")) for p_ in probs):
                    continue
                missing = {p_[len("leaves out "):].split(",")[0] for p_ in probs if p_.startswith("leaves out ")}
                repaired, repeated = _appended(cleaned, missing_sentences(text, missing))
                if not check_impression(text, repaired):
                    chosen = (repaired, kind, dict(extra, repaired=sorted(missing)), cleaned != cand.strip())
                    # (what was done to it: the findings it left out appended, its normal/negative claim dropped)
                    unclaimed = any(p_.startswith("calls the study normal") for p_ in probs)
                    done = "; ".join(([f"the findings sentences about {', '.join(sorted(missing))} appended from the "
                                       "findings"] if missing else [])
                                     + (["its claim that the study is normal or negative removed"] if unclaimed else [])
                                     + ([f"its {_quote(' '.join(repeated))}, which they say in full, dropped"]
                                        if repeated else []))
                    if kind == "retrieved":
                        warnings_pre = [f"the model draft {_quote(model_text)} failed the findings checks "
                                        f"({'; '.join(draft_problems)}): the impression is that of a similar training "
                                        f"report {_quote(cleaned)}, {done}"]
                    elif missing:
                        warnings_pre = [f"the model draft {_quote(model_text)} left out {', '.join(sorted(missing))}: "
                                        "the findings sentences about it were appended from the findings"
                                        + ("; its claim that the study is normal or negative was removed"
                                           if unclaimed else "")
                                        + (f"; its {_quote(' '.join(repeated))}, which they say in full, was dropped"
                                           if repeated else "")]
                    else:
                        warnings_pre = [f"the model draft {_quote(model_text)} called the study normal or negative "
                                        "although the findings state more: that claim was removed"]
                    break
        warnings: list[str] = list(warnings_pre) if chosen is not None and "repaired" in chosen[2] else []
        if chosen is not None and draft_problems:
            # the model draft failed: what replaces it carries every abnormal finding the findings state
            carried_text, carried = carry_findings(text, chosen[0])
            if carried:
                before = chosen[0]
                chosen = (carried_text, chosen[1], dict(chosen[2], carried=carried), chosen[3])
                if not warnings and "pruned" not in chosen[2]:
                    warnings.append(f"the model draft {_quote(model_text)} failed the findings checks "
                                    f"({'; '.join(draft_problems)}): the impression "
                                    + ("is that of a similar training report " + _quote(before) if chosen[1] == "retrieved"
                                       else "is the repaired draft " + _quote(before))
                                    + f", with the findings sentences about {', '.join(carried)} appended from the findings")
                else:
                    warnings.append(f"the findings sentences about {', '.join(carried)} were also appended from the findings")
        if chosen is not None:
            out, kind, extra, trimmed = chosen
            # the concepts whose findings sentences were appended (repair, then carry)
            added = sorted(set(extra.get("repaired", [])) | set(extra.get("carried", [])))
            if kind != "retrieved":
                provenance = {"source": "model" if kind == "model" else "retrieved",
                              "detail": f"{'generated by the model' if kind == 'model' else kind}; passed the findings checks"}
                if added:
                    provenance["detail"] = ("generated by the model, with the findings sentences about "
                                            f"{', '.join(added)} appended from the findings; passed the findings checks")
                    provenance["model_draft"] = model_text
            elif extra.get("rank") and not _keeps_words_of(out, clean_draft(text, cands[extra["rank"]][0])):
                # every sentence of the retrieved impression was removed (its normal claim, a sentence that disagreed
                # with the findings, what the appended findings sentences say in full): what is left is the findings,
                # quoted
                provenance = {"source": "extractive",
                              "detail": "the abnormal findings sentences, quoted: no drafted impression passed the "
                                        "findings checks, and nothing is left of the similar training impression "
                                        f"used in its place ({_quote(cands[extra['rank']][0], 80)}): the quoted "
                                        "sentences say what it said, or it disagreed with the findings",
                              "model_draft": model_text}
                if added:
                    provenance["carried"] = added
                warnings = [w for w in warnings if not w.startswith(("the model draft", "the findings sentences about"))]
                warnings.insert(0, _quoting_instead(model_text, draft_problems))
            else:
                provenance = {"source": "retrieved", **extra,
                              "detail": f"impression of the training report ranked {extra['rank']} by similarity; the "
                                        f"model draft {_quote(model_text)} failed the findings checks ({'; '.join(draft_problems)})"}
                if added:
                    provenance["detail"] += f"; the findings sentences about {', '.join(added)} appended from the findings"
                provenance["model_draft"] = model_text
            pruned = extra.get("pruned")
            if pruned:
                said = "; ".join(_quote(x, 80) for x in pruned)
                provenance.pop("pruned", None)
                provenance["removed"] = list(pruned)
                provenance["model_draft"] = model_text
                if kind == "model":  # (a pruned draft is never a repaired one: what was added was carried)
                    provenance["detail"] = ("generated by the model, less the sentences that disagreed with the findings"
                                            + (f", with the findings sentences about {', '.join(added)} appended from the findings"
                                               if added else "") + "; passed the findings checks")
                    warnings.insert(0, f"the model draft {_quote(model_text)} failed the findings checks "
                                       f"({'; '.join(draft_problems)}): the sentence(s) {said} were removed, the rest is "
                                       "the model's own words")
                elif provenance["source"] == "retrieved":
                    provenance["detail"] += f"; the sentence(s) {said} of that impression were removed"
            elif trimmed:
                warnings.append("sentences with redacted words (XXXX) or work-up advice the findings do not give "
                                "were removed from the draft")
        else:
            out, ex_warn = extractive_impression(text)
            out, carried = carry_findings(text, out) if out != _checks()["normal_impression"] else carry_findings(text, "")
            out = out or _checks()["normal_impression"]
            warnings.extend(ex_warn)
            provenance = {"source": "extractive",
                          "detail": "the abnormal findings sentences, quoted: no drafted or retrieved impression "
                                    "passed the findings checks",
                          "model_draft": model_text}
            if carried:
                provenance["carried"] = carried
            warnings.append(_quoting_instead(model_text, draft_problems))
        k_style, min_sim = int(self.gen.get("normal_wording_k", 0)), float(self.gen.get("normal_wording_min_sim", 0.7))
        if (k_style > 0 and self.index is not None and provenance["source"] == "model" and not warnings
                and "model_draft" not in provenance):
            worded = normal_wording(text, out, self.index, k_style, min_sim)
            if worded is not None and worded[0] != out:
                provenance = {"source": "retrieved",
                              "detail": f"a normal study, and the model draft {_quote(model_text)} says so too: worded as "
                                        f"the most similar training reports word a normal study ({worded[1]} of the "
                                        f"{k_style} nearest with cosine >= {min_sim})",
                              "model_draft": model_text}
                out = worded[0]
        # the final text is checked once more and anything left is reported (the extractive fallback only quotes)
        for prob in check_impression(text, out):
            if not (provenance["source"] == "extractive" and prob.startswith("leaves out")):
                warnings.append("impression " + prob)
            elif not any(w.startswith("a findings sentence") for w in warnings):
                warnings.append("impression " + prob)
        left = unstated_chronic(text, out)
        if left:
            warnings.append(f"the findings also state {', '.join(left)} (chronic, minor or stable), which the "
                            "impression does not name: add it if it matters for this patient")
        if not out:
            warnings.append("the model produced an empty impression")
        neighbour = dict(neighbour or {})
        neighbour.pop("chosen", None)
        if neighbour:
            neighbour["role"] = "model input: the impression of the most similar training findings"
        imp = Impression(out, text, dict(self.info), neighbour or None, score, (time.perf_counter() - t0) * 1000.0,
                         quoted_spans(text, out), warnings)
        imp.provenance = provenance
        return imp


_CACHE: dict[str, ImpressionModel] = {}


def find_impression_pack() -> Path:
    """The impression pack folder: the registry (when the runtime has landed), else models/trained/impression-*."""
    try:
        from ..runtime.registry import find_pack  # type: ignore

        pack = find_pack(task=PACK_TASK)
        if pack is not None:
            return Path(pack.path)
    except ImportError:
        pass
    from ..config import PROJECT_ROOT, home_dir

    roots = [home_dir() / "packs", PROJECT_ROOT / "models" / "trained", PROJECT_ROOT / "models" / "packs"]
    import json

    for root in roots:
        for m in sorted(root.glob("*/manifest.json")) if root.is_dir() else []:
            try:
                if json.loads(m.read_text(encoding="utf-8")).get("task") == PACK_TASK:
                    return m.parent
            except (OSError, ValueError):
                continue
    raise ModelPackError("no impression model pack installed (task 'impression')")


def load_impression_model(folder: str | Path | None = None) -> ImpressionModel:
    path = Path(folder) if folder else find_impression_pack()
    key = str(path.resolve())
    if key not in _CACHE:
        _CACHE[key] = ImpressionModel.from_folder(path)
    return _CACHE[key]


def impress(findings_text: str, *, pack: str | Path | None = None, num_beams: int | None = None) -> Impression:
    """Draft an impression from radiology findings text with the installed impression pack."""
    return load_impression_model(pack).generate(findings_text, num_beams=num_beams)
