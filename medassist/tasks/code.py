"""ICD-10-CM coding of a note, with evidence, context status and validation.

    from medassist.tasks.code import code_document
    result = code_document(doc)              # CodingResult
    for s in result.codes: s.code, s.score, s.suggested, s.status, s.evidence, s.warnings

How: mentions are the n-grams of each sentence; candidates come from (1) n-gram -> code tables learned
on CodiEsp train (the coder pack models/trained/coder-codiesp), (2) the ICD-10-CM tabular lexicon
(descriptions, inclusion and includes terms, neoplasm table) and (3) the codes of the most similar
training notes (tf-idf kNN; these carry no evidence span and are never suggested on their own). A tree scorer ranks them; context (negated, uncertain,
historical, family, hypothetical; medassist.text.context) is a feature and decides suggestion: only
affirmed codes above the operating threshold are suggested, the rest stay listed with their status. Where
the pack has a list ranker (ranker.json, a LambdaMART ranker of the same features), it orders the codes listed
below the threshold (order_listed); what is suggested, and every score above the threshold, stay the scorer's.
Every listed code exists in the April-2026 code set; suggested codes are checked for billability,
7th characters, Excludes1 conflicts and code-first / use-additional notes.
Safety (medassist.tasks.coding_safety, rules in resources/icd10cm/safety_rules.json): a code is suggested
only when its evidence is a mention of that condition (site, positive statement, not a heading); the most
specific supported code wins (E11.65 over E11.9 + R73.9, I11.0 for hypertension with heart failure, an
unspecified sibling dropped); family/past mentions that are also uncertain or negated give no Z code;
treated chronic past-history conditions are current; assessment problems are suggested. Every code that
a rule holds back stays listed with a warning saying why.

Encounter (``encounter=``, CLI ``--encounter``, setting ``coding_encounter``): "outpatient" (default) follows the
outpatient rule of the ICD-10-CM Official Guidelines (Section IV.H: a diagnosis documented as "probable",
"suspected", "rule out", "compatible with" is not coded; code what is certain, e.g. the symptoms). "inpatient"
follows Section II.H / III.C: such an uncertain diagnosis, still uncertain at discharge, is coded as if it
existed, so uncertain codes above the threshold are suggested too; their status stays "uncertain" and a warning
says so, for the coder to confirm it was not ruled out later in the stay.

Scope (``scope=``, CLI ``--suggest``, setting ``coding_suggest``): "coded" (default) suggests what the guidelines
report for the encounter, as above. "mentioned" is for abstraction (registries, research, a data set labelled
mention by mention, as CodiEsp's coders labelled theirs: "No fever" is R50.9 there): every code scored above the
threshold with evidence in the note is suggested whatever its status, also the ones the guidelines leave out (a
symptom integral to a diagnosis, an unspecified code beside its specific one); the list, its order and every
score are the same, each such code keeps its status, and its warning says why the "coded" scope holds it back.
"""
from __future__ import annotations

import re
import threading
import time
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from medassist import icd10
from medassist.document import Span
from medassist.errors import ModelPackError, TaskError

PACK_NAME = "coder-codiesp"
ENCOUNTERS = ("outpatient", "inpatient")
#: what is suggested: "coded", the codes the guidelines would report for the encounter (the default), or
#: "mentioned", every condition the note names above the threshold, whatever its status (abstraction; CodiEsp's labels)
SCOPES = ("coded", "mentioned")
MENTIONED_NOTICE = ("every condition the note mentions is suggested when it scores above the threshold, whatever its "
                    "status (--suggest mentioned: abstraction, not the codes to report for this encounter); a code's "
                    "status and warnings say why the guidelines would not report it")
INPATIENT_UNCERTAIN = ("suggested as established (inpatient encounter): an uncertain diagnosis documented at "
                       "discharge is coded as if it existed (ICD-10-CM guidelines II.H, III.C); confirm it was "
                       "not ruled out")


@dataclass
class CodeSuggestion:
    code: str
    description: str
    score: float
    suggested: bool
    status: str
    billable: bool
    evidence: list[Span] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    cue: Span | None = None
    sources: list[str] = field(default_factory=list)
    applied: tuple = ()  # every context status that applied to the deciding mention (not serialised)
    # mentions of the code's own lexicon terms that the shown evidence left out (three stronger learned spans took
    # the room: "Gleason" x3 before "Prostate cancer"); the evidence check falls back on them (not serialised)
    terms: list = field(default_factory=list)
    # (the scorer's probability, the list ranker's) of the candidate this code was listed as (not serialised):
    # order_listed gives a code listed below the threshold the ranker's score
    ranked: tuple | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"code": self.code, "description": self.description, "score": round(float(self.score), 4),
                "suggested": self.suggested, "status": self.status, "billable": self.billable,
                "evidence": [e.to_dict() for e in self.evidence],
                "warnings": list(self.warnings),
                "cue": self.cue.to_dict() if self.cue else None,
                "sources": list(self.sources)}


@dataclass
class CodingResult:
    codes: list[CodeSuggestion]
    threshold: float
    models: list[dict] = field(default_factory=list)
    code_set: str = "ICD-10-CM April 2026"
    encounter: str = "outpatient"
    notices: list[str] = field(default_factory=list)  # said once per note, above the codes (e.g. encounter_notice)
    scope: str = "coded"

    @property
    def suggested(self) -> list[CodeSuggestion]:
        return [c for c in self.codes if c.suggested]

    def to_dict(self) -> dict[str, Any]:
        return {"codes": [c.to_dict() for c in self.codes], "threshold": round(float(self.threshold), 4),
                "code_set": self.code_set, "models": list(self.models), "encounter": self.encounter,
                "scope": self.scope, "notices": list(self.notices)}


class Coder:
    """The loaded coder: knowledge tables, scorer, lexicon, kNN index. Load once, reuse."""

    def __init__(self, pack=None):
        from medassist.runtime.loading import long_lived_tables

        with long_lived_tables():  # no garbage-collector passes over the tables while they load (see there)
            self._load(pack)

    def _load(self, pack) -> None:
        import json

        from .coding_lexicon import lexicon
        from .coding_model import MAX_CANDIDATES, Knowledge, TreeScorer

        if pack is None:
            from medassist.runtime.registry import find_pack

            pack = find_pack(name=PACK_NAME)
            if pack is None:
                raise ModelPackError(f"the ICD-10-CM coder pack '{PACK_NAME}' was not found "
                                     "(expected in models/trained/ or $MEDASSIST_HOME/packs)")
        self.pack = pack
        try:
            self.knowledge = Knowledge(json.loads(pack.file("knowledge.json").read_text(encoding="utf-8")))
            scorer = json.loads(pack.file("scorer.json").read_text(encoding="utf-8"))
        except (OSError, ValueError, KeyError) as exc:
            raise ModelPackError(f"unreadable coder pack file ({exc})", path=pack.path) from exc
        self.scorer = TreeScorer(scorer)
        self.alternatives: dict = {}
        self.ranker = None  # the list ranker (order_listed), in packs since session 20
        files = {f.get("path") for f in getattr(pack, "manifest", {}).get("files", ())}
        try:
            if "alternatives.json" in files:
                self.alternatives = json.loads(pack.file("alternatives.json").read_text(encoding="utf-8"))["alternatives"]
            if "ranker.json" in files:
                self.ranker = TreeScorer(json.loads(pack.file("ranker.json").read_text(encoding="utf-8")))
        except (OSError, ValueError, KeyError, TypeError, IndexError) as exc:
            raise ModelPackError(f"unreadable coder pack file ({exc})", path=pack.path) from exc
        self.threshold = round(float(scorer.get("threshold", 0.5)), 4)  # no float noise in any output
        self.max_candidates = int(scorer.get("max_candidates", MAX_CANDIDATES))  # what the scorer was trained with
        self.lexicon = lexicon()
        from .coding_safety import learned_synonyms

        self.learned_synonyms = learned_synonyms(self.knowledge)
        icd10.codeset()  # every note reads the tabular list: loaded here, with the other tables
        try:
            from medassist.text.context import classify
        except ImportError:  # pragma: no cover - the context module ships with medassist
            classify = None
        self.classify = classify

    def models(self) -> list[dict]:
        return [self.pack.info()]

    def code(self, doc, retrieval: bool = False, encounter: str = "outpatient", scope: str = "coded") -> CodingResult:
        from medassist.runtime.loading import collector_paused

        with collector_paused():  # a note's few hundred thousand short-lived objects set off no collections (see there)
            return self._code(doc, retrieval, encounter, scope)

    def _code(self, doc, retrieval: bool, encounter: str, scope: str) -> CodingResult:
        import numpy as np

        from .coding_model import FEATURES, extract, feature_rows

        if not isinstance(getattr(doc, "text", None), str):
            raise TaskError("code_document needs a Document with text")
        if encounter not in ENCOUNTERS:
            raise TaskError(f"unknown encounter {encounter!r}: choose {' or '.join(ENCOUNTERS)}")
        if scope not in SCOPES:
            raise TaskError(f"unknown scope {scope!r}: choose {' or '.join(SCOPES)}")
        established = ("affirmed", "uncertain") if encounter == "inpatient" else ("affirmed",)
        faint: list = []
        cands = extract(doc, self.knowledge, self.lexicon, self.classify, self.max_candidates, tail=faint)
        if not cands:
            return self._with_retrieval([], doc, retrieval, encounter, scope)
        names = self.scorer.features or FEATURES  # the scorer's own feature order
        X = feature_rows(cands, names)
        scores = self.scorer.score(X)
        order = np.argsort(-scores, kind="stable")[:self.max_candidates]
        ranks = {}
        if self.ranker is not None:  # (its own feature order, as the scorer's)
            R = X if self.ranker.features == names else feature_rows(cands, self.ranker.features)
            ranks = dict(zip(order.tolist(), self.ranker.score(R[order]).tolist()))
        out: list[CodeSuggestion] = []
        for k in order:
            c = cands[int(k)]
            entry = icd10.lookup(c.code)
            if entry is None:  # never list a code outside the code set
                continue
            ev = []
            seen = set()
            top = c.evidence[0][2] if c.evidence else 0.0
            for a, b, strength in c.evidence:  # strongest first; weak co-occurrences are not evidence
                if (a, b) in seen or len(ev) >= 3 or strength < 0.5 * top:
                    continue
                seen.add((a, b))
                # one span inside another is the same mention: keep the longer one
                if any(x.start <= a and b <= x.end for x in ev):
                    continue
                ev = [x for x in ev if not (a <= x.start and x.end <= b)]
                ev.append(Span.of(doc.text, a, b))
            cue = c.cue if isinstance(c.cue, Span) else None
            terms = [Span.of(doc.text, a, b) for a, b in dict.fromkeys(c.terms)
                     if not any(x.start <= a and b <= x.end for x in ev)][:3]
            s = float(scores[int(k)])
            out.append(CodeSuggestion(code=entry.code, description=entry.description, score=s,
                                      suggested=bool(s >= self.threshold and c.status in established and ev),
                                      status=c.status, billable=entry.billable, evidence=ev,
                                      cue=cue, sources=sorted(c.sources), applied=tuple(c.applied), terms=terms,
                                      ranked=(s, ranks[int(k)]) if int(k) in ranks else None))
        from .coding_safety import check_evidence, lower_unmentioned, past_episodes, refine, screen_alternatives

        out = billable_defaults(out)  # a learned header (R05) stands for its default billable child (R05.9)
        past_episodes(out, doc)  # an acute illness of an earlier hospital stay is history

        memo: dict = {}
        blocked = check_evidence(out, doc, self.learned_synonyms, memo, established)  # evidence must be a mention
        out = out + history_codes(out, self.threshold, skip=set(blocked), doc=doc)
        blocked.update(check_evidence(out, doc, self.learned_synonyms, memo, established))
        out = refine(out, doc)
        lower_unmentioned(out, blocked)  # listed below the codes the note names
        order_listed(out, self.threshold)
        out = sorted(out + screen_alternatives(add_alternatives(out, self.alternatives), doc), key=lambda x: -x.score)
        for c in out:
            if c.score >= self.threshold:
                # promoted while below the threshold, then given a higher score (a more specific code takes the
                # score of the one it replaces): the note no longer says "below the threshold"
                c.warnings = [("suggested: " + w[len("suggested below the threshold: "):])
                              if w.startswith("suggested below the threshold: ") else w for w in c.warnings]
        for c in out if encounter == "inpatient" else ():
            if c.suggested and c.status == "uncertain":
                c.warnings.append(INPATIENT_UNCERTAIN)
        if encounter == "inpatient":
            resolved_during_stay(out, doc, self.threshold)
        if scope == "mentioned":
            suggest_mentions(out, self.threshold)
        out = history_after_current(out)
        list_tail(out, faint, self.scorer, names, doc)
        validate(out)
        return self._with_retrieval(out, doc, retrieval, encounter, scope)

    def _with_retrieval(self, out: list[CodeSuggestion], doc, retrieval: bool, encounter: str = "outpatient",
                        scope: str = "coded") -> CodingResult:
        """Opt-in (medassist.tasks.coding_retrieval): embedding-retrieval candidates appended below every
        scored candidate, never suggested. ``self.retriever`` may hold a Retriever; else the installed index."""
        models = self.models()
        if retrieval:
            from .coding_retrieval import add_retrieval, get_retriever

            retriever = getattr(self, "retriever", None) or get_retriever()
            add_retrieval(out, doc, retriever)
            models = models + retriever.models()
        notices = [n for n in (encounter_notice(doc, encounter),) if n]
        if scope == "mentioned":
            notices.insert(0, MENTIONED_NOTICE)
        return CodingResult(out, self.threshold, models, encounter=encounter, notices=notices, scope=scope)


def suggest_mentions(codes: list[CodeSuggestion], threshold: float) -> None:
    """The "mentioned" scope (in place): every code at or above the threshold with evidence in the note is suggested,
    whatever its status or the coding rule that held it back; its status stays, and its warnings say that it is a
    mention and why the "coded" scope does not report it. Not a code whose words the checks found to name no such
    condition (coding_safety.NO_MENTION), nor an alternative (another code for a listed code's words)."""
    from .coding_safety import NO_MENTION

    def spans(c) -> set:
        return {(e.start, e.end) for e in c.evidence}

    def replaced(c) -> bool:  # a code a more specific one replaced comes after it: of two codes for the same words
        return any(w.startswith(("not suggested: replaced by", "not suggested: the more specific"))  # the specific
                   for w in c.warnings)  # one is kept

    said = [c for c in codes if c.suggested]
    for c in sorted(codes, key=replaced):
        if c.suggested or c.score < threshold or not c.evidence or "alternative" in c.sources:
            continue
        if any(w.startswith(NO_MENTION) for w in c.warnings):
            continue  # the checks found its words name no such condition ('polycystic' of a polycystic ovary is no
            # polycystic kidney): no mention at all, in either scope
        if any(o.code[:3] == c.code[:3] and spans(c) <= spans(o) for o in said):
            continue  # the same words as a suggested code of its category (R05.9 beside R05.1 for "cough"): one mention
        c.suggested = True
        said.append(c)
        why = [w[len("not suggested: "):] for w in c.warnings if w.startswith("not suggested: ")]
        c.warnings = [w for w in c.warnings if not w.startswith("not suggested: ")]
        held = ([f"the note's mention is {c.status}"] if c.status != "affirmed" else []) + why
        c.warnings.insert(0, "suggested as a mention (--suggest mentioned)" + (
            f"; the coded scope does not report it: {'; '.join(held)}" if held else ""))


#: Prior weight of an alternative: its score is the listed code's times chosen / (listed + ALTERNATIVE_PRIOR), so
#: a choice seen once in few notes stays low; at most MAX_ALTERNATIVES a note, the best scored. Measured 2026-12-05
#: (session 14), CodiEsp dev, train-only pack: MAP 0.5695 -> 0.5710 with every alternative (249 a note; prior 2:
#: 0.5709, 10: 0.5710), 0.5708 / 0.5706 / 0.5704 with the best 50 / 20 / 10.
ALTERNATIVE_PRIOR = 5
MAX_ALTERNATIVES = 20


#: a discharge summary's diagnoses that the stay treated and that are gone by discharge ("Hypokalemia, resolved")
_RESOLVED_CUE = re.compile(r"(?i)^resolv")
_DISCHARGE_DX = ("discharge_diagnoses", "diagnoses", "final_diagnosis", "secondary_diagnoses")


def resolved_during_stay(codes: list[CodeSuggestion], doc, threshold: float) -> None:
    """Inpatient: a discharge diagnosis the note calls resolved ("6. Hypokalemia, resolved.") was a condition of the
    stay, treated there, and is coded for the admission (guideline Section III, other diagnoses: conditions that
    required treatment); the context rules read 'resolved' as gone, which is right for an office visit only. Only a
    line of the discharge diagnoses, with the code's own words, scored above the threshold."""
    spans = [(s.start, s.end) for s in getattr(doc, "sections", None) or [] if s.name in _DISCHARGE_DX]
    if not spans:
        return
    for c in codes:
        cue = c.cue
        if (c.suggested or c.status != "negated" or cue is None or not _RESOLVED_CUE.match(cue.text)
                or c.score < threshold or not c.evidence):
            continue
        e = c.evidence[0]
        if not any(a <= e.start and cue.end <= b for a, b in spans):
            continue
        line_end = doc.text.find("\n", e.end)
        if line_end >= 0 and cue.start > line_end:
            continue  # the cue on the diagnosis' own line
        c.suggested, c.status = True, "affirmed"
        c.warnings.append(f"a discharge diagnosis the note calls resolved ('{doc.text[e.start:cue.end]}'): a condition "
                          "of the stay, coded for this admission (inpatient; guideline Section III)")


HISTORY_CATEGORIES = tuple(f"Z{k}" for k in range(80, 88))  # family (Z80-Z84) and personal (Z85-Z87) history
HISTORY_AFTER = "listed after the note's current conditions: a history code is an additional code"


def history_after_current(codes: list[CodeSuggestion]) -> list[CodeSuggestion]:
    """A suggested family or personal history code (Z80-Z87) is listed after the current conditions suggested
    beside it: the condition the note is about comes first, and a history code is an additional code (guideline
    I.C.21.c.4: history codes explain a test or add to the record). Its score becomes at most the lowest of theirs,
    and it stays suggested. A note whose suggestions are all history codes keeps its order. CodiEsp dev, train-only
    twin: MAP 0.6001 -> 0.6022 (of 21 history codes moved, 7 are CodiEsp's labels); no suggestion changes."""
    current = [c for c in codes if c.suggested and not c.code.startswith(HISTORY_CATEGORIES)]
    if not current:
        return codes
    last, floor = current[-1], min(c.score for c in current)
    moved = [c for c in codes if c.suggested and c.code.startswith(HISTORY_CATEGORIES) and c.score > floor]
    if not moved:
        return codes
    for c in moved:
        c.score = floor
        c.warnings.append(HISTORY_AFTER)
    gone = {id(c) for c in moved}
    keep = [c for c in codes if id(c) not in gone]
    at = next(k for k, c in enumerate(keep) if c is last) + 1
    return keep[:at] + moved + keep[at:]


TAIL_SCORE = 0.5  # a listed-only code scores at most half the lowest scored code: strictly below every one
TAIL_WARNING = "listed only, below every scored code: a faint candidate ({})"
TAIL_WHY = ("a word training notes used beside it", "training notes like this one had it")


#: a prefix of a hyphenated word ("re" of "re-formed", "pre" of "pre-op"): no word of a mention on its own
_PREFIX = re.compile(r"[a-z]{1,3}-")


def list_tail(codes: list[CodeSuggestion], tail: list, scorer, names: list[str], doc) -> None:
    """Append ``tail`` (coding_model.extract's candidates past the scored ones, with their features) below every
    listed code (in place), never suggested, so the ranked list holds every candidate, as the issue asks. Ordered by
    the scorer's probability; a listed score is at most TAIL_SCORE x the lowest scored code's and never above the one
    listed before it. Its one evidence span is its strongest word (a number, a date, a list marker or the prefix of a
    hyphenated word, "re" of "re-formed", is none); a code with no word of the note has no context to read, so it is
    not 'affirmed': it takes the status of the first listed code of its category where that is not affirmed ("denies
    chest pain": negated), else 'uncertain'. CodiEsp dev, train-only twin: MAP 0.5994 -> 0.6001, every suggestion the
    same."""
    from .coding_lexicon import is_list_marker
    from .coding_model import feature_rows
    from .coding_safety import is_junk_evidence

    listed = {c.code for c in codes}
    tail = [c for c in tail if c.code not in listed]
    if not tail:
        return
    category: dict[str, str] = {}  # the status of the first listed code of each category
    for c in codes:
        category.setdefault(c.code[:3], c.status)
    category = {k: v for k, v in category.items() if v != "affirmed"}  # the note affirms that code, not its siblings
    p = scorer.score(feature_rows(tail, names))
    floor = TAIL_SCORE * min((c.score for c in codes), default=0.0)
    # nine digits, then the code: the same order in every process (a similar-notes cosine sums a set of words, whose
    # order, and so the last bits of the sum, differ between processes)
    for k in sorted(range(len(tail)), key=lambda k: (-float(f"{p[k]:.9g}"), tail[k].code)):
        c = tail[k]
        entry = icd10.lookup(c.code)
        if entry is None or entry.code in listed:  # never list a code outside the code set
            continue
        listed.add(entry.code)
        floor = min(floor, float(p[k]))
        ev = [Span.of(doc.text, a, b) for a, b, _ in c.evidence[:1]]
        ev = [e for e in ev if not is_junk_evidence(e.text) and not is_list_marker(doc.text, e.start, e.end)
              and not _PREFIX.fullmatch(doc.text, e.start, min(len(doc.text), e.end + 1))]
        # no word of the note: no context to read, so not affirmed; how the note words its category if not affirmed
        status = c.status if ev else category.get(entry.code[:3], "uncertain")
        codes.append(CodeSuggestion(code=entry.code, description=entry.description, score=floor, suggested=False,
                                    status=status, billable=entry.billable, evidence=ev,
                                    cue=c.cue if isinstance(c.cue, Span) and ev else None,
                                    warnings=[TAIL_WARNING.format(TAIL_WHY[0] if c.evidence else TAIL_WHY[1])],
                                    sources=sorted(c.sources | {"listed only"}), applied=tuple(c.applied) if ev else ()))


def order_listed(codes: list[CodeSuggestion], threshold: float) -> None:
    """A code listed below the threshold takes the list ranker's score (a LambdaMART ranker of the same candidate
    features, calibrated to a probability; ``models/coder/train.py --ranker``), kept below the threshold, so the list
    under the suggestions is ordered by the model trained to order it. What the scorer put above the threshold keeps
    its score, suggested or held back by its context (so the list is the same for both encounters), and so does every
    suggested code. A rule that lowered a code (x UNMENTIONED_SCORE) lowers the ranker's score alike; a code a rule
    raised or made keeps the rule's score.

    Measured 2026-12-06 (session 20), CodiEsp dev, train-only pack with and without its ranker in one run
    (bench/codiesp.py): see models/coder/README.md (the same suggestions, MAP up)."""
    below = round(threshold - 1e-4, 4)  # still below the threshold once rounded for the output
    for c in codes:
        if c.suggested or c.ranked is None or c.score >= threshold:
            continue
        first, ranked = c.ranked
        if first <= 0.0 or c.score > first * (1.0 + 1e-9):
            continue
        c.score = min(ranked * (c.score / first), below)


def add_alternatives(codes: list[CodeSuggestion], table: dict) -> list[CodeSuggestion]:
    """Other codes of a listed code's category that coders chose for notes where the coder listed that code and not
    theirs (the pack's alternatives.json, learned by models/coder/train.py): new entries, never suggested, with the
    listed code's status and evidence, below it (the best MAX_ALTERNATIVES). A code already listed is not
    repeated."""
    from .coding_lexicon import default_billable

    have = {c.code for c in codes}
    offers = sorted(((c.score * chosen / (listed + ALTERNATIVE_PRIOR), k, alt, chosen, listed)
                     for k, c in enumerate(codes) for alt, chosen, listed in table.get(c.code, ()) if alt not in have),
                    key=lambda o: (-o[0], o[1]))
    made: dict[str, CodeSuggestion] = {}
    for score, k, alt, chosen, listed in offers:  # best first: the first offer of a code is its best
        if len(made) >= MAX_ALTERNATIVES:
            break
        entry = icd10.lookup(alt)
        if entry is not None and not entry.billable and not entry.seventh_required:
            # a label of an older code set that is a header now (N18.3): its default billable child (N18.30)
            child = default_billable(entry.code)
            entry = icd10.lookup(child) if child else None
        if (entry is None or entry.code in have or entry.code in made
                or (not entry.billable and not entry.seventh_required)):
            continue
        c = codes[k]
        made[entry.code] = CodeSuggestion(
            code=entry.code, description=entry.description, score=score, suggested=False, status=c.status,
            billable=entry.billable, evidence=list(c.evidence), cue=c.cue, sources=["alternative"], applied=c.applied,
            warnings=[f"an alternative to {c.code}: the training notes' coders chose {alt} {chosen} time(s) "
                      f"where {c.code} was listed ({listed} notes); not suggested"])
    return list(made.values())


def encounter_notice(doc, encounter: str) -> str | None:
    """A note coded with the outpatient rules that has the sections of a hospital stay (hospital course, discharge
    diagnoses ...) gets a notice: the inpatient rules may be the right ones. The encounter is never switched for
    the coder; only said."""
    if encounter != "outpatient":
        return None
    from medassist.text.sections import hospital_stay_sections

    found = hospital_stay_sections(getattr(doc, "sections", None) or [])
    if not found:
        return None
    words = ", ".join(n.replace("_", " ") for n in found)
    return (f"this note has the sections of a hospital stay ({words}) and was coded with the outpatient rules "
            "(uncertain diagnoses not coded); if it is an inpatient record, code it with --encounter inpatient "
            "(Settings > Coding encounter)")


@lru_cache(maxsize=1)
def _history_rules() -> dict:
    import json

    from medassist.config import resource_path

    with open(resource_path("icd10cm/history_codes.json"), encoding="utf-8") as fh:
        data = json.load(fh)
    return {k: data.get(k, {}) for k in ("historical", "family")}


@lru_cache(maxsize=1)
def _family_classes() -> tuple:
    """((first category, last category, Z code, fallback), ...) from the tabular list's notes 'Conditions classifiable
    to I00-I5A, I65-I99' of the family-history codes Z80-Z84, a header's billable 'other' child in its place (Z82.4 ->
    Z82.49); ``fallback``: the note says 'elsewhere' (Z81.8 'classifiable elsewhere in F01-F99'), so any other
    match comes first."""
    out = []
    for code in icd10.iter_codes():
        if not code.startswith(("Z80", "Z81", "Z82", "Z83", "Z84")):
            continue
        e = icd10.lookup(code)
        for t in e.inclusion_terms or ():
            m = re.search(r"classifiable (?:elsewhere )?(?:in|to) (.+)$", t)
            if not m:
                continue
            z = code
            if not e.billable:  # the header's 'other' child: Z82.4 -> Z82.49, Z84.1 -> Z84.19
                others = [k for k in icd10.billable_children(code) if "other" in icd10.lookup(k).description.lower()]
                if not others:
                    continue
                z = others[-1]
            for part in re.split(r"[,;]\s*", m.group(1)):
                a, _, b = part.strip().rstrip("-").rstrip(".").partition("-")
                if re.fullmatch(r"[A-Z]\d[0-9A-Z]", a[:3]) and re.fullmatch(r"[A-Z]\d[0-9A-Z]", (b or a)[:3]):
                    out.append((a[:3], (b or a)[:3], z, "elsewhere" in t))
    return tuple(out)


_PASSING = re.compile(r"\b(?:acute|infections?|infected|infectious)\b", re.IGNORECASE)
_PASSING_CODE = re.compile(r"^acute\b|\binfect", re.IGNORECASE)  # (not 'Gastric ulcer, unspecified as acute or chronic')


def family_code(code: str, table: dict, words: str = "") -> str | None:
    """The family-history code of a relative's condition ``code`` (named in ``words``): the hand table's row of the
    longest prefix (history_codes.json 'family': Z80.41 ovary, Z82.61 arthritis, Z82.71 polycystic kidney, ...), else
    the code whose tabular note classifies its category (a thyroid disorder E07.9 -> Z83.49, irritable bowel K58.9
    -> Z83.79), else the table's one-letter catch-all ('Q' -> Z82.79); None when there is none. A passing illness of
    a relative (an infection, anything acute: "Mom has some upper respiratory infection") is a sick contact, not a
    family history: no code unless the table names it (HIV B20, chronic hepatitis B18)."""
    prefix = max((p for p in table if code.startswith(p)), key=len, default=None)
    if prefix is not None and len(prefix) > 1:
        return table[prefix]
    cat = code[:3]
    entry = icd10.lookup(code)
    if cat[0] in "AB" or "J00" <= cat <= "J22" or _PASSING.search(words) or (
            entry is not None and _PASSING_CODE.search(entry.description)):
        return None
    hits = sorted((fb, z) for a, b, z, fb in _family_classes() if a <= cat <= b)
    if hits:
        return hits[0][1]
    return table.get(prefix) if prefix is not None else None


#: the least score a relative's condition named in the FAMILY HISTORY section needs for its code to be suggested
FAMILY_LINE_MIN = 0.03
_TERM_SOURCES = ("desc", "incl", "abbr", "neoplasm", "neoplasm-unspecified")


def family_section_mention(c: CodeSuggestion, doc, sents=None) -> bool:
    """``c``'s family mention is written in the note's FAMILY HISTORY section in one of the code's own terms
    ("Mother with breast cancer at 45.", "FH: DM, HTN, CAD."): each such line is a relative's condition the coder
    is asked to code, whatever the CodiEsp-trained scorer thinks of family mentions. ``sents``: the note's
    coding_safety._Sentences, when the caller has them."""
    if doc is None or not hasattr(doc, "section_at"):
        return False
    from .coding_safety import _own_terms, _Sentences

    sents = sents or _Sentences(doc)
    for e in c.evidence:
        sec = doc.section_at(e.start)
        if sec is None or sec.name != "family_history":
            continue
        # (not two items of a list read as one term: "Prostate cancer, heart disease" is no heart cancer)
        if any(not any(ch in ",;" for ch in doc.text[lo:hi])
               for _, lo, hi in _own_terms(c.code, e, doc.text, sents, _TERM_SOURCES)):
            return True
    return False


def history_codes(codes: list[CodeSuggestion], threshold: float, skip: set[str] = frozenset(),
                  doc=None) -> list[CodeSuggestion]:
    """History-of (Z85-Z87, I25.2) and family-history (Z80-Z84) codes for conditions the note gives as
    past or in a relative: the condition's own code stays unsuggested with its status; the Z code
    carries the same evidence and status and is suggested when the condition scored above threshold, or (with
    ``doc``) is a relative's condition the FAMILY HISTORY section names in the code's own terms
    (family_section_mention), and the mention is not also negated, uncertain or hypothetical. Conditions in ``skip``
    (evidence that is not a mention of them) make no Z code."""
    rules = _history_rules()
    have = {c.code: c for c in codes}
    made: dict[str, CodeSuggestion] = {}
    sents = None  # the note's sentences, read once when a family line needs them
    for c in codes:  # a history-of code found by itself ("history of myocardial infarction": I25.2) codes the past
        table = rules.get(c.status)
        if (table and c.code in set(table.values()) and not c.suggested and c.evidence and c.code not in skip
                and c.score >= threshold and not set(c.applied) & {"negated", "uncertain", "hypothetical"}):
            c.suggested = True
            c.warnings.append(f"suggested: {c.code} is itself the code of a {c.status} condition")
    for c in codes:
        table = rules.get(c.status)
        if not table or not c.evidence or c.code in skip:
            continue
        doubt = sorted(set(c.applied) & {"negated", "uncertain", "hypothetical"})
        ok = c.score >= threshold and not doubt
        listed_line = False
        if not ok and not doubt and c.status == "family" and c.score >= FAMILY_LINE_MIN and doc is not None:
            if sents is None:
                from .coding_safety import _Sentences

                sents = _Sentences(doc)
            listed_line = family_section_mention(c, doc, sents)
        ok = ok or listed_line
        if c.status == "historical" and _in_remission(c, codes, ok):
            continue
        if c.status == "family":
            z = family_code(c.code, table, " ".join(e.text for e in c.evidence))
        else:
            prefix = max((p for p in table if c.code.startswith(p)), key=len, default=None)
            z = table[prefix] if prefix is not None else None
        if z is None:
            continue
        entry = icd10.lookup(z)
        if entry is None:
            continue
        listed = have.get(z)
        if listed is not None:  # already a candidate: the rule lifts it to the condition's score
            if listed.score < c.score:
                listed.score, listed.status, listed.cue = c.score, c.status, c.cue
                listed.evidence = list(c.evidence)
                listed.suggested = ok
                listed.applied = c.applied
                listed.sources = sorted(set(listed.sources) | {"history rule"})
                listed.warnings = [w for w in listed.warnings if not w.startswith("not suggested: the evidence")]
                listed.warnings.append(f"from the {c.status} mention of {c.code} ({c.description})")
                if listed_line:
                    listed.warnings.append("suggested below the threshold: a relative's condition the family history "
                                           "section names")
                if doubt:
                    listed.warnings.append(f"not suggested: the {c.status} mention is also {' and '.join(doubt)}")
            continue
        prev = made.get(z)
        if prev is not None and prev.score >= c.score:
            continue
        warn = [f"from the {c.status} mention of {c.code} ({c.description})"]
        if listed_line:
            warn.append("suggested below the threshold: a relative's condition the family history section names")
        if doubt:
            warn.append(f"not suggested: the {c.status} mention is also {' and '.join(doubt)}")
        made[z] = CodeSuggestion(code=entry.code, description=entry.description, score=c.score,
                                 suggested=ok, status=c.status, billable=entry.billable,
                                 evidence=list(c.evidence), warnings=warn,
                                 cue=c.cue, sources=["history rule"], applied=c.applied)
    if doc is not None and rules.get("family"):
        _relative_has_it_too(codes, doc, rules["family"], have, made)
    return sorted(made.values(), key=lambda x: -x.score)


_RELATIVES = r"mother|father|sister|brother|sibling|aunt|uncle|grand(?:mother|father|parent)|cousin|daughter|son|parents?"
#: a relative named near a mention (a cheap test before its context is read)
_RELATIVE_WORDS = re.compile(rf"(?i)\b(?:family history|fhx?|{_RELATIVES}|relatives?|maternal|paternal)\b")
#: a relative's condition said as such, outside a FAMILY HISTORY section: "family history of colon cancer in father",
#: "her mother had breast cancer", "colon cancer in his father"
_SAID_OF_A_RELATIVE = re.compile(
    rf"(?i)\b(?:family\s+history|fhx?)\b|\b(?:{_RELATIVES})s?\b(?:'s)?\s+(?:(?:also|both|each)\s+)?"
    r"(?:had|has|have|with|was\s+diagnosed|were\s+diagnosed|died)\b|"
    rf"\b(?:in|of)\s+(?:(?:his|her|their|the\s+patient's|a)\s+)?(?:twin\s+)?(?:{_RELATIVES})\b")


def _relative_has_it_too(codes: list[CodeSuggestion], doc, table: dict, have: dict, made: dict) -> None:
    """A condition the patient has and a relative had too ("Adenocarcinoma of the sigmoid colon" ... "Family
    history of colon cancer in father"): the mentions are one candidate, whose status is the patient's, so the
    relative's mention made no family-history code. Each mention of a suggested condition whose context is a
    relative's gives that code (Z80-Z84), suggested with the condition, its evidence that mention (in place)."""
    from ..text.context import classify

    text = doc.text
    for c in codes:
        if c.status not in ("affirmed", "historical") or not c.suggested or len(c.evidence) < 2:
            continue
        for e in c.evidence:
            a, b = max(0, e.start - 80), min(len(text), e.end + 60)
            if not _RELATIVE_WORDS.search(text, a, b):
                continue
            ctx = classify(doc, e.start, e.end)
            if ctx.status != "family" or set(ctx.applied) & {"negated", "uncertain", "hypothetical"}:
                continue  # ("Denies family history of breast cancer.")
            if ctx.section != "family_history" and not _SAID_OF_A_RELATIVE.search(text, a, b):
                continue  # (a relative told something, "the geneticist informed the patient's mother that ...")
            z = family_code(c.code, table, e.text)
            entry = icd10.lookup(z) if z else None
            why = (f"from the family mention of {c.code} ({c.description}): the patient has the condition, and the note "
                   f"says a relative had it too")
            listed = have.get(z)
            if listed is not None and listed.score < c.score:  # (a weaker candidate of its own: lifted, as above)
                listed.score, listed.status, listed.suggested, listed.evidence = c.score, "family", True, [e]
                listed.sources = sorted(set(listed.sources) | {"history rule"})
                listed.warnings = [w for w in listed.warnings if not w.startswith(("not suggested: the evidence", "ranked lower"))]
                listed.warnings.append(why)
            if entry is None or z in have or z in made:
                break
            made[z] = CodeSuggestion(code=entry.code, description=entry.description, score=c.score, suggested=True,
                                     status="family", billable=entry.billable, evidence=[e],
                                     warnings=[why],
                                     cue=None, sources=["history rule"], applied=[])
            break


def _in_remission(c: CodeSuggestion, codes: list[CodeSuggestion], ok: bool) -> bool:
    """A past multiple myeloma or leukemia, which ICD-10-CM codes by its remission (C90-C95: 'in remission'),
    written in remission in the same words ("History of multiple myeloma, in remission"), is the code
    'in remission', not a personal history Z85 code (Index: Myeloma, multiple, in remission C90.01): that code,
    listed for the words, is suggested in its place, as the condition now. True when done."""
    if not c.code.startswith(("C90", "C91", "C92", "C93", "C94", "C95")):
        return False
    spans = [(e.start, e.end) for e in c.evidence]
    for r in codes:
        d = r.description.lower()
        if (r is c or r.code[:5] != c.code[:5] or "in remission" not in d or "not having" in d
                or not any("remission" in e.text.lower() and any(a < e.end and e.start < b for a, b in spans)
                           for e in r.evidence)):
            continue
        r.score = max(r.score, c.score)
        r.status, r.cue, r.applied = "affirmed", None, ()
        r.suggested = ok
        words = next(e.text for e in r.evidence if "remission" in e.text.lower())
        r.warnings.append(f"in the place of a personal history code: '{words}' is coded as in remission (the tabular "
                          "list's 'in remission' codes, C90-C95), not as a past cancer")
        return True
    return False


def billable_defaults(codes: list[CodeSuggestion]) -> list[CodeSuggestion]:
    """A header code (not billable, no 7th character asked) becomes its default billable child, the
    'unspecified' one (R05 -> R05.9, coding_lexicon.default_billable); when that child is listed too the two
    are one candidate (the higher score, both evidence lists). Refinement rules may then pick a more
    specific child (R05.1 acute cough)."""
    from .coding_lexicon import default_billable

    by_code = {c.code: c for c in codes}
    out: list[CodeSuggestion] = []
    for c in codes:
        entry = icd10.lookup(c.code)
        if entry is None or entry.billable or (entry.seventh_required and c.code != entry.code):
            out.append(c)
            continue
        child = default_billable(entry.code)
        centry = icd10.lookup(child) if child else None
        if centry is None or not centry.billable:
            out.append(c)
            continue
        why = f"{c.code} ({c.description}) is a header, not billable: its default code {centry.code} is listed"
        have = by_code.get(centry.code)
        if have is not None and have is not c:
            if c.score > have.score:
                have.score, have.status, have.cue, have.applied = c.score, c.status, c.cue, c.applied
                have.suggested = c.suggested
            spans = {(e.start, e.end) for e in have.evidence}
            have.evidence = have.evidence + [e for e in c.evidence if (e.start, e.end) not in spans]
            have.evidence = have.evidence[:3]
            have.sources = sorted(set(have.sources) | set(c.sources))
            have.warnings.append(why)
            continue
        c.code, c.description, c.billable = centry.code, centry.description, True
        c.warnings.append(why)
        by_code[c.code] = c
        out.append(c)
    return out


def validate(codes: list[CodeSuggestion]) -> None:
    """Add validation warnings to suggested codes (in place)."""
    suggested = [c for c in codes if c.suggested]
    names = [c.code for c in suggested]
    for c in codes:
        entry = icd10.lookup(c.code)
        if not c.evidence:
            c.warnings.append("no evidence span in the note")
        if entry is None:
            c.warnings.append("not in the ICD-10-CM April-2026 code set")
            c.suggested = False
            continue
        if not c.suggested:
            continue
        if entry.seventh_required:
            chars = ", ".join(f"{k} ({v})" for k, v in sorted(entry.seventh_chars.items())[:4])
            c.warnings.append(f"requires a 7th character: {chars}")
        elif not entry.billable:  # a header with no default child: listed for the coder, never suggested
            kids = icd10.billable_children(entry.code)[:4]
            c.suggested = False
            c.warnings.append("not suggested: not billable (header code); choose a more specific code"
                              + (f", e.g. {', '.join(kids)}" if kids else ""))
        for note in _notes(entry.code_first)[:2]:
            c.warnings.append(f"code first: {note}")
        for note in [n for n in _notes(entry.use_additional) if not _resistance_said(entry, n)][:2]:
            c.warnings.append(f"use additional code: {note}")
    for a, b, note in icd10.excludes1_conflicts(names):
        for c in suggested:
            if c.code == a:
                c.warnings.append(f"Excludes1 conflict with {b}: {note}")


def _resistance_said(entry, note: str) -> bool:
    """A note asking for the drug resistance (Z16.-) said of a code that names it already ('Methicillin resistant
    Staphylococcus aureus ...': B95.62, A49.02, J15.212, A41.02; guideline I.C.1.e: no Z16 code beside them)."""
    return "Z16" in note and "resistant" in entry.description.lower()


def _notes(notes, items: int = 4) -> list[str]:
    """Tabular instructional notes, a lead-in line ("code to identify:") joined with the items under it
    ("code to identify: tobacco use (Z72.0); tobacco dependence (F17.-); ..."), at most ``items`` of them."""
    groups: list[list[str]] = []
    lead = False
    for n in notes:
        n = n.strip().lstrip(",; ").strip()
        if not n:
            continue
        if n.endswith(":"):
            groups.append([n[:-1].rstrip()])
            lead = True
        elif lead and not n.lower().startswith(("code ", "code,", "code(s)")):
            groups[-1].append(n)  # (a note of its own starts "code ...": a block's or chapter's, after the code's)
        else:
            groups.append([n])
            lead = False
    out = []
    for g in groups:
        if len(g) == 1:
            out.append(g[0])
        else:
            more = len(g) - 1 - items
            out.append(f"{g[0]}: " + "; ".join(g[1:1 + items]) + (f"; and {more} more" if more > 0 else ""))
    return out


_lock = threading.Lock()
_coder: Coder | None = None


def get_coder() -> Coder:
    """The process-wide coder (loaded once)."""
    global _coder
    with _lock:
        if _coder is None:
            _coder = Coder()
        return _coder


def use_coder(coder: Coder) -> None:
    """Make ``coder`` the process-wide coder (a batch worker measuring a pack folder: bench/codiesp.py)."""
    global _coder
    with _lock:
        _coder = coder


def code_document(doc, *, coder: Coder | None = None, retrieval: bool = False,
                  encounter: str = "outpatient", scope: str = "coded") -> CodingResult:
    """Suggest ICD-10-CM codes for a Document (see the module docstring); ``encounter``: "outpatient" (default)
    or "inpatient" (uncertain diagnoses coded as established); ``scope``: "coded" (default) or "mentioned" (every
    condition the note mentions above the threshold, whatever its status)."""
    t0 = time.perf_counter()
    coder = coder or get_coder()
    result = coder.code(doc, retrieval=retrieval, encounter=encounter, scope=scope)
    result.elapsed_ms = round((time.perf_counter() - t0) * 1000.0, 1)  # type: ignore[attr-defined]
    return result
