"""Letters from a note: ``write_letter(doc, kind="patient"|"discharge"|"gp", settings=None) -> Letter``.

The letter is filled from templates (``resources/letters/<kind>.json``) with facts read from the note
(``medassist.tasks.letter_facts``); every line carries the evidence spans of the facts it states, and
template-only lines are marked ``template: true`` with no evidence. Then:

- readability (Flesch-Kincaid grade, Flesch reading ease, SMOG; ``letter_readability``),
- jargon left in the letter, each with a plain alternative from the lay lexicon,
- a fact check (``letter_check``): every medication, dose, number, date and laterality in the letter must
  appear in the note, else a warning; ``missing`` lists note facts the letter does not carry; ``left_out`` lists
  those it leaves out on purpose, with the reason (a drug given in hospital only, in a patient or discharge
  letter: never missing, never a missing dose).

No language model writes the letter. The optional model rewrite (off by default; ``REWRITE`` below) is made
afterwards by ``medassist.tasks.letter_rewrite.rewrite_letter`` and kept in ``Letter.rewrite``.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from medassist.config import Settings, resource_path
from medassist.document import Document, Span
from medassist.errors import TaskError

KINDS = ("patient", "discharge", "gp")
#: The optional model rewrite of the template letter (off by default: ``medassist letter --rewrite`` or the
#: setting ``letter_rewrite``): the prose sections rewritten by an installed pack, then the same fact check; it
#: is used only if it passes, else the template letter stays. ``Letter.text`` is always the template letter.
REWRITE = "medassist.tasks.letter_rewrite.rewrite_letter"


@dataclass
class LetterLine:
    text: str
    evidence: list[Span] = field(default_factory=list)
    template: bool = False  # True: fixed wording from the template, states no fact from the note
    plain_used: list[str] = field(default_factory=list)  # lexicon phrases this line inserted

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {"text": self.text, "evidence": [s.to_dict() for s in self.evidence]}
        if self.template:
            d["template"] = True
        elif not self.evidence:
            d["evidence_missing"] = True
        return d


@dataclass
class LetterSection:
    key: str
    heading: str
    lines: list[LetterLine] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {"key": self.key, "heading": self.heading, "lines": [ln.to_dict() for ln in self.lines]}


@dataclass
class Letter:
    kind: str
    title: str
    text: str
    greeting: str
    intro: list[LetterLine]
    sections: list[LetterSection]
    closing: list[str]
    signature: list[str]
    facts: Any  # LetterFacts
    readability: dict[str, Any]
    jargon: list[dict[str, Any]]
    warnings: list[str]
    missing: list[dict[str, Any]]
    subject: str | None = None
    rewrite: Any = None  # a letter_rewrite.LetterRewrite when a rewrite was asked for (used or refused)
    #: note facts the letter leaves out on purpose, each with its ``reason`` (a drug given in hospital only is
    #: never a medicine to take in a patient or discharge letter): not missing facts, not warnings
    left_out: list[dict[str, Any]] = field(default_factory=list)

    def paragraphs(self) -> list[tuple[str | None, list[str]]]:
        """(heading, lines) blocks for exporters: greeting/intro first, signature last."""
        blocks: list[tuple[str | None, list[str]]] = []
        rw = self.rewrite if getattr(self.rewrite, "used", False) else None  # a refused rewrite is never exported
        if self.subject:
            blocks.append((None, [self.subject]))
        blocks += [(None, [self.greeting]), (None, [" ".join(ln.text for ln in self.intro)])]
        for sec in (rw.sections if rw else self.sections):
            blocks.append((sec.heading, sec.text.split("\n") if rw else [f"- {ln.text}" for ln in sec.lines]))
        blocks.append((None, list(self.closing)))
        blocks.append((None, list(self.signature)))
        return blocks

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "title": self.title,
            "text": self.text,
            "intro": [ln.to_dict() for ln in self.intro],
            "sections": [s.to_dict() for s in self.sections],
            "readability": self.readability,
            "jargon": self.jargon,
            "facts": self.facts.to_dict(),
            "missing": self.missing,
            "left_out": self.left_out,
            "warnings": self.warnings,
            "rewrite": self.rewrite.to_dict() if hasattr(self.rewrite, "to_dict") else self.rewrite,
        }


# ---------------------------------------------------------------------------------------------- templates
def load_template(kind: str) -> dict[str, Any]:
    if kind not in KINDS:
        raise TaskError(f"unknown letter kind {kind!r} (choose from {', '.join(KINDS)})")
    path = resource_path("letters", f"{kind}.json")
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise TaskError(f"cannot read the letter template: {exc}", path=path) from exc
    for key in ("title", "greeting", "sections", "sign_off"):
        if key not in data:
            raise TaskError(f"letter template lacks {key!r}", path=path)
    return data


#: a patient younger than this (years, the age the note first gives) is a child: a lay letter goes to a parent
CHILD_UNDER = 12


def _fill(tpl: str, **kw: Any) -> str:
    out = tpl
    for k, v in kw.items():
        out = out.replace("{" + k + "}", "" if v is None else str(v))
    return re.sub(r"\s+([.,:;])", r"\1", re.sub(r"[ \t]{2,}", " ", out)).strip()


def _cap(s: str) -> str:
    return s[:1].upper() + s[1:] if s else s


_ENCOUNTER_TAIL = re.compile(r"(?i),?\s*\b(?:initial|subsequent) encounter(?: for [a-z ]+)?$|,\s*sequela$")


def _clean(s: str) -> str:
    """A fact's text as a phrase inside a sentence: no trailing punctuation, one line."""
    return re.sub(r"\s+", " ", s).strip().rstrip(".;:,")


_PRONOUNS = [
    (r"\bthe patient's\b", "your"), (r"\b(?:she|he) has\b", "you have"), (r"\b(?:she|he) is\b", "you are"),
    (r"\b(?:she|he) was\b", "you were"), (r"\b(?:she|he) does\b", "you do"),
    (r"\b(?:she|he) develops\b", "you develop"), (r"\b(?:she|he) experiences\b", "you have"),
    (r"\b(?:she|he) notices\b", "you notice"), (r"\b(?:she|he) feels\b", "you feel"),
    (r"\b(?:she|he) continues\b", "you continue"), (r"\b(?:she|he) gets\b", "you get"),
    (r"\bthe patient (?:has|develops|experiences)\b", "you have"), (r"\bthe patient\b", "you"),
    (r"\b(?:she|he)\b", "you"), (r"\b(?:her|his)\b", "your"), (r"\bhim\b", "you"), (r"\bthey have\b", "you have"),
    (r"\bthere is any\b", "you have any"), (r"\bthere are any\b", "you have any"),
]


def _second_person(s: str) -> str:
    for rx, rep in _PRONOUNS:
        s = re.sub(rx, rep, s, flags=re.I)
    return s


# ---------------------------------------------------------------------------------------------- composing
def _section_lines(key: str, spec: dict[str, Any], facts, doc: Document, kind: str,
                   setting: str | None = None) -> list[LetterLine]:
    lines: list[LetterLine] = []
    lay = kind != "gp"

    def with_plain(f, item_key="item") -> LetterLine:
        ln = _with_plain(f, item_key)
        if lay and f.data.get("site_plain") and f.data["site_plain"] in ln.text:
            ln.plain_used = [*ln.plain_used, f.data["site_plain"]]  # the lexicon's words, not the note's
        return ln

    def _with_plain(f, item_key="item") -> LetterLine:
        text = _clean(f.text)
        if lay and f.kind == "diagnosis":
            text = _ENCOUNTER_TAIL.sub("", text) or text  # coding words: "..., initial encounter"
        if lay and f.kind in ("test", "procedure"):
            text = _second_person(text)  # "ultrasound of her right upper quadrant" -> "... of your ..."
            if f.data.get("site_plain"):
                text = f"{text} ({f.data['site_plain']})"
        if f.data.get("when") and f.kind in ("test", "procedure"):
            text = f"{text} {f.data['when']}"
        text_c = _cap(text) if lay else _cap(text)
        plain = f.plain
        if lay and plain and f.kind == "diagnosis" and re.search(r"(?i)\b(?:resolved|resolving|improved|healed)\b", text):
            plain = f"{plain} (now better)"  # "Acute kidney injury ..., resolved"
        if lay and plain and "item_plain" in spec and plain.lower() != text.lower():
            return LetterLine(_fill(spec["item_plain"], text=text_c, plain=plain), list(f.evidence[:1]), plain_used=[plain])
        if "{sentence}" in spec.get(item_key, "") and f.data.get("sentence"):
            sd = f.data["sentence"]
            return _source_line(sd)
        return LetterLine(_fill(spec[item_key], text=text_c), list(f.evidence[:1]))

    if key == "diagnoses":
        for f in facts.diagnoses:
            lines.append(with_plain(f))
    elif key == "medications":
        for f in facts.medications:
            if f.data.get("change") not in _HOSPITAL_CHANGES:
                lines.extend(_med_lines(f, spec, lay))
    elif key == "hospital_medications":  # given in hospital: never "Take X" (the medicines spec words them)
        med_spec = next(x for x in load_template(kind)["sections"] if x["key"] == "medications")
        given = spec.get("given_by_setting", {}).get(setting)
        if given:  # "In the emergency department you were given ...": where the visit was, not "in hospital"
            med_spec = {**med_spec, "change": {**med_spec["change"], "in_hospital": given}}
        for f in sorted(facts.medications, key=lambda x: _HOSPITAL_CHANGES.index(x.data.get("change"))
                        if x.data.get("change") in _HOSPITAL_CHANGES else 9):
            if f.data.get("change") in _HOSPITAL_CHANGES:
                lines.extend(_med_lines(f, med_spec, lay))
    elif key == "allergies":
        for f in facts.allergies:
            what = _clean(f.text)
            if f.data.get("reaction"):
                what = f"{what} ({_clean(f.data['reaction'])})"
            tpl_a = spec.get("item_condition", spec["item"]) if "allerg" in what.lower() else spec["item"]
            lines.append(LetterLine(_fill(tpl_a, text=what), list(f.evidence)))
        if not facts.allergies and facts.no_known_allergies and spec.get("none"):
            lines.append(LetterLine(spec["none"], list(facts.no_known_allergies.evidence)))
    elif key in ("tests_pending", "tests_done"):
        want = "pending" if key == "tests_pending" else "done"
        said = f" ({spec['result_awaited']})." if spec.get("result_awaited") else None
        for f in facts.tests:
            # a test done whose result is not back is listed with the tests done, saying the result will come
            status = "done" if f.data.get("result_pending") else f.status
            if status == want:
                if f.data.get("result_pending") and spec.get("result_awaited") and "{sentence}" in spec.get("item", ""):
                    # a colleague reads the note's sentence (what was found so far) and that the result is awaited
                    ln = _source_line(f.data.get("done_sentence") or f.data["sentence"])
                    if not re.search(r"(?i)\b(?:pending|await\w*|outstanding|not yet)\b", ln.text):
                        ln.text = ln.text.rstrip(" .") + f" ({spec['result_awaited']})."  # (unless it says so)
                    lines.append(ln)
                elif f.data.get("result_pending") and spec.get("item_result"):
                    what = _cap(_clean(f.text)) + (f" ({f.plain})" if lay and f.plain else "")
                    lines.append(LetterLine(_fill(spec["item_result"], text=what), list(f.evidence),
                                            plain_used=[f.plain] if lay and f.plain else []))
                elif f.data.get("condition"):
                    cond = _clean(f.data["condition"])
                    lines.append(LetterLine(f"{_cap(_clean(f.text))}, only {_second_person(cond) if lay else cond}"
                                            + (f": {f.plain}." if lay and f.plain else "."), list(f.evidence),
                                            plain_used=[f.plain] if lay and f.plain else []))
                else:
                    ln = with_plain(f)
                    if lay and f.data.get("result_plain") and want == "done":
                        ln.text = ln.text.rstrip() + " " + f.data["result_plain"]
                        ln.plain_used = [*ln.plain_used, f.data["result_plain"]]
                    if said and any(x.text == ln.text.rstrip(" .") + said for x in lines):
                        continue  # (a colleague's line quoting the same sentence, the result awaited said already)
                    lines.append(ln)
    elif key == "vaccines":  # "Immunizations: MMR, varicella, hepatitis A and PCV given today": the list as written
        for sec in doc.sections:
            if sec.name not in _VACCINE_SECTIONS:
                continue
            for m in _vaccines_given_re().finditer(doc.text, sec.body_start, sec.end):
                g = "list" if m.group("list") else "list2"
                a, b = m.start(g), m.end(g)
                if re.search(r"(?i)\b(?:not|declined|refused|deferred|no)\b", doc.text[max(sec.body_start, a - 30):m.end()]):
                    continue
                what = re.sub(r"\s+", " ", doc.text[a:b]).strip()
                lines.append(LetterLine(_fill(spec["item"], text=what), [Span(a, b, doc.text[a:b])]))
    elif key == "vaccines_due":  # "Recommend shingles vaccine next month", "Due for Tdap": a vaccine still to get
        seen: set[str] = set()
        for sec in doc.sections:
            if sec.name not in _VACCINE_SECTIONS:
                continue
            for m in _vaccines_due_re().finditer(doc.text, sec.body_start, sec.end):
                a, b = m.span("what")
                if re.search(r"(?i)\b(?:not|declined|refused|deferred|no|given|administered|received)\b",
                             doc.text[max(sec.body_start, m.start() - 20):b]):
                    continue  # (one the patient declined, or got today: the list of those given says it)
                what = re.sub(r"\s+", " ", doc.text[a:b]).strip()
                if what.lower() in seen:
                    continue
                seen.add(what.lower())
                lines.append(LetterLine(_fill(spec["item"], text=_cap(what)), [Span(a, b, doc.text[a:b])]))
    elif key == "procedures":
        for f in facts.procedures:
            lines.append(with_plain(f))
    elif key == "follow_up":
        for f in facts.follow_up:
            sd = f.data["sentence"]
            sent_span = Span(sd["start"], sd["end"], sd["text"])
            if "item_source" in spec:
                ln = _source_line(sd)
                if f.data.get("purpose") and f.data.get("purpose_from") == "check" and \
                        f.data["purpose"].lower() not in ln.text.lower():
                    ln.text = ln.text.rstrip(".") + f" ({_clean(f.data['purpose'])})."  # "Recheck in 4 weeks (blood pressure)."
                    ln.evidence.extend(f.evidence[1:])
                lines.append(ln)
                continue
            when, with_ = f.data.get("when"), f.data.get("with")
            if f.data.get("referral") and "item_referral" in spec:  # "Referred to diabetes education."
                to = _referral_phrase(with_)
                t = _fill(spec["item_referral_when" if when and "item_referral_when" in spec else "item_referral"],
                          to=to, when=when)
                lines.append(LetterLine(t, list(f.evidence)))
                continue
            purpose = _purpose(f, spec, lay)
            if with_:
                with_ = _with_phrase(with_)
            if with_ and when:
                t = _fill(spec["item_when_with"], when=when, **{"with": with_})
            elif when:
                t = _fill(spec["item_when"], when=when)
            elif with_:
                t = _fill(spec["item_with"], **{"with": with_})
            else:
                t = spec["item"]
            if purpose and (when or with_):
                t = t.rstrip(".") + " " + purpose + "."
            lines.append(LetterLine(t, list(f.evidence)))
    elif key == "warnings":
        for f in facts.warnings:
            cond = _clean(f.text)
            if lay:
                cond = _warning_plain(_your_body(_second_person(cond)))
                cond = re.sub(r"(?i)^(?:there (?:is|are) )?any\b", "you have any", cond)  # "if any concerning complaints"
            else:  # a letter to a colleague speaks of the patient: "if you have" -> "if they have"
                cond = re.sub(r"\byour\b", "their", re.sub(r"\byou\b", "they", cond))
            if f.data.get("signs") or _SIGN_NOUN.match(cond):
                cond = ("you have " if lay else "they have ") + cond  # "if thoughts of self-harm"
            elif re.match(r"(?i)(?:unable|not able)\s+to\b", cond):
                cond = ("you are " if lay else "they are ") + cond  # "if unable to urinate"
                # ("... or fever": a sign after the 'or' needs its own verb)
                cond = re.sub(r"(?i)\b(or|and)\s+(a\s+)?(fever|chills|pain|bleeding|vomiting)$",
                              lambda m: f"{m.group(1)} have {m.group(2) or ('a ' if m.group(3).lower() == 'fever' else '')}{m.group(3)}",
                              cond)
            action, place = f.data.get("action"), f.data.get("place")
            tpl_w = spec["item"]
            if action == "sooner" and "item_sooner" in spec:
                tpl_w = spec["item_sooner"]
            elif action == "call_911" and "item_call_911" in spec:
                tpl_w = spec["item_call_911"]
            elif action == "go" and place and "item_go" in spec:
                tpl_w = spec["item_go"]
                if lay and re.fullmatch(r"(?i)(?:the )?(?:emergency department|ED|ER)", place):
                    place = "the emergency room"  # plain words for the same place
                elif lay and re.fullmatch(r"(?i)(?:the )?(?:labou?r\s+(?:and|&)\s+delivery|L\s*&\s*D)", place):
                    place = "the labor and delivery unit (where babies are born)"
                if not re.match(r"(?i)the\b", place):
                    place = "the " + place
            ev = list(f.evidence[:1]) + [sp for sp in f.evidence[2:]]  # the condition, and the place when said
            if f.data.get("crisis_line") and "item_crisis_line" in spec:
                # "Call 988 or go to the nearest emergency room if ...": the crisis line first, then the place
                tpl_w = spec["item_crisis_line_go" if action == "go" and place and "item_crisis_line_go" in spec
                             else "item_crisis_line"]
            lines.append(LetterLine(_fill(tpl_w, cond=cond, place=place), ev))
        if "crisis_line_standard" in spec and not any(f.data.get("crisis_line") for f in facts.warnings):
            # a note that names suicidal thoughts, or gives the crisis line ("Safety plan reviewed; crisis line 988
            # given."), with no warning sentence of its own: the patient's letter says when and how to reach it
            from medassist.tasks.letter_facts import _status

            cue = next((m for m in _CRISIS_CUE.finditer(doc.text)
                        if _status(doc, m.start(), m.end()) in ("affirmed", "historical")), None)
            if cue is not None:  # ("Denies suicidal ideation." is none)
                lines.append(LetterLine(spec["crisis_line_standard"], [doc.span(cue.start(), cue.end())]))
        # standard advice the template gives for every letter of this kind (not from the note: template=True)
        for t in spec.get("standard", []):
            lines.append(LetterLine(t, template=True))
    elif key == "plan_notes":  # a colleague reads the plan as the note states it (gp letters)
        used = {(f.data["sentence"]["start"]) for f in [*facts.follow_up, *facts.tests] if f.data.get("sentence")}
        for sec in doc.sections:
            if sec.name not in ("plan", "assessment_plan"):
                continue
            for s in doc.sentences_in(sec):
                st = doc.text[s.start:s.end]
                if s.start in used or not _PLAN_ACTION_RE.search(st) or _FOLLOW_OR_WARN.search(st) \
                        or re.search(r"(?i)\bunderstands?\b|\bagrees?\b|questions (?:were )?answered", st):
                    continue
                lines.append(_source_line({"start": s.start, "end": s.end, "text": st}))
    elif key == "advice":  # "I advised her to monitor her blood pressures at home" -> "Please check ... at home"
        for sec in doc.sections:
            if sec.name not in ("plan", "assessment_plan", "assessment", "discharge_instructions", "follow_up"):
                continue
            for s in doc.sentences_in(sec):
                m = _ADVICE_RE.search(doc.text, s.start, s.end)
                if not m:
                    continue
                act = re.sub(r"\s+", " ", m.group("act")).strip().rstrip(".")
                if len(act.split()) < 2 or re.search(r"(?i)\b(?:if|consider|may|might|should|wants?|wish\w*|contact|call|return|come back)\b", act):
                    continue
                body = _your_body(_second_person(act))
                body = re.sub(r"(?i)\bto me\b", "to us", body)
                body = re.sub(r"(?i)^monitor\b", "check", body)
                if m.group("neg"):
                    body = "do not " + body  # "Counseled not to drive when drowsy." -> "Please do not drive when drowsy."
                lines.append(LetterLine(_fill(spec["item"], text=body), [doc.span(m.start("act"), m.start("act") + len(m.group("act").rstrip().rstrip(".")))]))
    elif key == "instructions":
        # (a visit letter reads only the plan's self-care: an office note's "INSTRUCTIONS" are its plan, said elsewhere)
        for sec in doc.sections_named("discharge_instructions") if spec.get("from_instructions", True) else []:
            for s in doc.sentences_in(sec):
                ln = _instruction_line(doc, s.start, s.end, lay)
                if ln is not None:
                    lines.append(ln)
        if spec.get("from_plan"):
            # self-care the plan orders in its own words ("No lifting over 10 pounds for 2 weeks.", "May shower
            # tomorrow.", "Keep the splint on and dry."): not a medicine (its own lines), visit or warning
            from medassist.tasks.extract import ORDER_AFTER_COMMA
            from medassist.text.lay import get_lexicon

            lex = get_lexicon()
            for sec in doc.sections:
                if sec.name not in ("plan", "assessment_plan"):
                    continue
                for s in doc.sentences_in(sec):
                    lead = len(doc.text[s.start:s.end]) - len(_LIST_MARK.sub("", doc.text[s.start:s.end], count=1))
                    order = ORDER_AFTER_COMMA.search(doc.text, s.start + lead, s.end)
                    if order is not None and _SELF_CARE_RE.match(doc.text, order.end(), s.end):
                        lead = order.end() - s.start  # "Obstructive sleep apnea, continue CPAP.": its order
                    if not _SELF_CARE_RE.match(doc.text, s.start + lead, s.end) or (
                            lex.find_drugs(doc.text[s.start:s.end])
                            and not _NO_ALCOHOL_RE.match(doc.text, s.start + lead, s.end)):
                        continue  # (a drug's own line is said with the medicines; "Avoid alcohol while on
                        # metronidazole." is the patient's to do)
                    end = s.end
                    semi = doc.text.find(";", s.start + lead, s.end)
                    if semi > 0 and _FOLLOW_OR_WARN.search(doc.text, semi, s.end):
                        end = semi  # "Daily weights; call if weight goes up ...": the call is the warnings' line
                    ln = _instruction_line(doc, s.start + lead, end, lay)
                    if ln is not None and re.match(r"(?i)take\s+with\b", ln.text):
                        # "Start alendronate 70 mg weekly. Take with a full glass of water ...": which pill, from the
                        # item's sentence before (the line stands apart from the medicines in the letter)
                        line_start = doc.text.rfind("\n", 0, s.start) + 1
                        drugs = lex.find_drugs(doc.text[line_start:s.start])
                        if drugs:
                            ln = LetterLine(re.sub(r"(?i)^take\s+with\b", f"Take {drugs[-1].text} with", ln.text),
                                            ln.evidence + [doc.span(line_start + drugs[-1].start, line_start + drugs[-1].end)])
                    if ln is not None:
                        lines.append(ln)
    return lines


_LABEL_RE = re.compile(r"^\s*(?:[•*\-]\s*)?(?:[A-Z][A-Za-z]+(?: (?:and )?[A-Za-z]+){0,3}:\s+)?")


def _source_line(sd: dict[str, Any]) -> LetterLine:
    """A sentence of the note quoted as a line (bullet and "Label:" prefix dropped), with its span."""
    text = sd["text"]
    m = _LABEL_RE.match(text)
    cut = m.end() if m else 0
    lead = re.match(r"[\s,;:.]+|\s*\d{1,2}[.)]\s+", text[cut:])  # ", Showed white count 6200" (a transcription's
    # comma after a header), "5. Outpatient cardiology follow-up ..." (a list item's number)
    if lead and lead.end() < len(text) - cut:
        cut += lead.end()
    s = sd["start"] + cut
    body = text[cut:].rstrip()
    body_clean = re.sub(r"\s+", " ", body).strip()
    if body_clean and body_clean[-1] not in ".!?":
        body_clean += "."
    return LetterLine(_cap(body_clean), [Span(s, s + len(body), body)])


_PLAN_ACTION_RE = re.compile(r"\b(?:advised|recommend\w*|instructed|taught|thought to|counsel\w*|prescri\w*|given|"
                             r"passed|failed|self-?cath\w*|refer\w*|will (?:start|continue|stop|need|undergo|have)|"
                             r"plan(?:ned)? (?:to|for)|(?:increase|decrease|wean|start)\s+(?:home\s+)?(?:O2|oxygen)|"
                             r"(?:continue|start)\s+(?:nightly\s+)?(?:CPAP|BiPAP|BPAP))\b", re.I)
_ADVICE_RE = re.compile(r"\b(?:advised|encouraged|instructed|asked|told|recommended|counsell?ed|urged)\s+"
                        r"(?:(?:him|her|them|the patient|patient)\s+|(?=not\s+to\b))(?P<neg>not\s+)?to\s+(?P<act>[^.;]{5,160})", re.I)
_HOSPITAL_CHANGES = ("in_hospital", "hospital_list")
#: lines one clinician writes for another (prescriptions left in the chart, forms done): never in a patient letter
_ADMIN_RE = re.compile(r"(?i)\b(?:scripts?|in the chart|med(?:ication)? rec\w*|reconciliation|dictat\w*|"
                       r"sheet completed|forms? (?:completed|filled)|cc:|copy to|signed)\b")
#: a clause saying what the clinician did ("drain site care and wound care reviewed"): not an instruction
_DONE_CLAUSE_RE = re.compile(r"(?i)^[^,;]*\b(?:reviewed|discussed|given|completed|done|explained|provided)$")


def _instruction_line(doc: Document, start: int, end: int, lay: bool) -> LetterLine | None:
    """One discharge-instruction sentence as a line to the patient: admin lines left out, clauses that report
    what staff did dropped, third person turned into second ("He will maintain ..." -> "You will maintain ...")."""
    text = doc.text
    st = text[start:end].strip()
    if len(st) <= 3 or _FOLLOW_OR_WARN.search(st) or _ADMIN_RE.search(st):
        return None
    s0 = start + (len(text[start:end]) - len(text[start:end].lstrip()))
    clauses = []
    pos = s0
    for part in re.split(r"(,\s*)", st):
        if part and not re.fullmatch(r",\s*", part):
            clauses.append((pos, pos + len(part)))
        pos += len(part)
    keep = [(a, b) for a, b in clauses if not _DONE_CLAUSE_RE.search(text[a:b].strip().rstrip("."))]
    if not keep:
        return None
    body = ", ".join(text[a:b].strip().rstrip(".") for a, b in keep)
    body = re.sub(r"\s+", " ", body).strip()
    if lay:
        body = _second_person(body)
        if re.search(r"(?i)\b(?:O2|oxygen)\b", body):  # "Increase O2 to 3 L." -> "Increase your oxygen to 3 liters a minute."
            body = re.sub(r"\bO2\b", "oxygen", body)
            body = re.sub(r"(?<![\w.])(\d+(?:\.\d+)?)\s*(?:L|LPM|L/min|liters?)(?![\w/])", r"\1 liters a minute", body)
            body = re.sub(r"(?i)^(increase|decrease|continue|use|wean)\s+(?:home\s+)?oxygen\b", r"\1 your oxygen", body)
        for rx, plain in _SELF_CARE_PLAIN:  # "Daily weights." -> "Weigh yourself every morning and write it down"
            body = rx.sub(plain, body)
        if body.startswith("Check your "):  # (how often, in a patient's words: "four times a day")
            for rx, plain in _HOW_OFTEN:
                body = rx.sub(plain, body)
            body = body.replace(",,", ",")
        if re.match(r"(?i)(?:can|may|should|must|will|needs? to|is to)\b", body):
            body = "You " + body[0].lower() + body[1:]  # "Can shower starting tomorrow" -> "You can shower ..."
    body = _cap(body)
    if body[-1] not in ".!?":
        body += "."
    return LetterLine(body, [doc.span(a, b) for a, b in keep])


#: where a note says which vaccines were given or are still to get
_VACCINE_SECTIONS = ("plan", "assessment_plan", "assessment", "immunizations")


@lru_cache(maxsize=1)
def _vaccines_given_re() -> re.Pattern:
    """A vaccine list said given ("Immunizations: MMR, varicella ... given today", "Flu vaccine given today"), with the
    vaccine words of letter_facts (read when a letter first needs it: this module stays light to import)."""
    from medassist.tasks.letter_facts import VACCINE_WORDS

    return re.compile(
        rf"\b(?i:{VACCINE_WORDS})\s*:\s*(?P<list>[A-Za-z][^.;:\n]{{1,120}}?)\s+(?i:(?:were|was)\s+)?"
        rf"(?i:given|administered)\b|(?:^|(?<=[.;]\s)|(?<=\d\.\s))(?P<list2>[A-Z][^.;:\n]{{1,120}}?\s+"
        rf"(?i:{VACCINE_WORDS}))\s+(?i:(?:were|was)\s+)?(?i:given|administered)\b", re.MULTILINE)


@lru_cache(maxsize=1)
def _vaccines_due_re() -> re.Pattern:
    """A vaccine the plan says the patient should still get ("Recommend shingles vaccine next month", "She is due for
    Tdap", "Will get the flu shot in the fall"): the vaccine's words and when, as written."""
    from medassist.tasks.letter_facts import VACCINE_WORDS

    when = (r"(?:\s+(?:next\s+(?:week|month|year|visit|time)|in\s+(?:the\s+)?(?:\d+\s+(?:weeks?|months?)|fall|autumn|spring)"
            r"|at\s+(?:the\s+|her\s+|his\s+|your\s+)?next\s+visit|this\s+(?:fall|autumn|season)|when\s+available))?")
    return re.compile(
        r"(?i:\b(?:recommend(?:ed|s)?|(?:is\s+|are\s+)?due\s+for|will\s+(?:get|receive|need)|should\s+(?:get|receive|have)"
        r"|needs?|advised\s+to\s+(?:get|receive))\s+(?:(?:the|a|an|his|her|their|your)\s+)?)"
        rf"(?P<what>(?:[A-Za-z0-9][A-Za-z0-9/-]*\s+){{0,3}}?(?i:{VACCINE_WORDS}|Tdap|DTaP|MMR|HPV|PCV\d*|PPSV\d*)\b{when})"
        r"(?=\s*(?:[.;,\n]|\band\b|$))")


_LIST_MARK = re.compile(r"^\s*(?:[-*\u2022]|\d{1,2}[.)])?\s*")
_SELF_CARE_RE = re.compile(
    r"(?:no|avoid|do not|don't)\s+(?:heavy\s+)?(?:lifting|lift|driving|drive|swimming|swim|bathing|bathe|baths|soaking|soak|"
    r"alcohol|drinking\s+alcohol|alcoholic\s+(?:drinks|beverages)|"
    r"strenuous|contact sports|sports|exercise|submerging|tub baths)\b|"
    r"may\s+(?:shower|bathe|return to (?:work|school|normal activit\w+)|resume (?:normal |light )?(?:activit\w+|diet|exercise)|drive)\b|"
    r"keep\s+(?:the\s+|your\s+|his\s+|her\s+)?(?:wound|incisions?|dressing|splint|cast|brace|sling|arm|leg|foot|ankle)\b|"
    r"elevate\s+(?:the\s+|your\s+|his\s+|her\s+)?(?:arm|leg|foot|ankle|hand|extremity|limb)\b|"
    r"(?:apply\s+)?ice\s+(?:to|the|for|20)\b|wear\s+(?:the\s+)?(?:splint|brace|sling|boot|compression)|"
    r"change\s+(?:the\s+)?dressing|(?:weight[- ]bearing|non[- ]weight[- ]bearing)\b|"
    r"(?:clear liquid|soft|regular|low[- ](?:salt|sodium|fat))\s+diet\b|advance diet\b|"
    # how to take a pill that harms the food pipe (alendronate): "Take with a full glass of water, remain upright ..."
    r"take\s+(?:it\s+|this\s+|each\s+dose\s+)?with\s+a\s+full\s+glass\s+of\s+(?:plain\s+)?water\b|"
    r"(?:remain|stay|sit)\s+upright\b|do\s+not\s+lie\s+down\b|"
    # home oxygen and a breathing machine for sleep: "Increase O2 to 3 L.", "Continue CPAP nightly."
    r"(?:increase|decrease|continue|use|wean)\s+(?:(?:your|his|her|home|the)\s+)?(?:O2|oxygen)\b|"
    r"(?:continue|use|wear|start)\s+(?:(?:your|his|her|the|nightly|an?)\s+)?(?:auto-?)?(?:CPAP|BiPAP|BPAP|APAP)\b|"
    # heart failure at home: "Daily weights.", "Weigh yourself every morning.", "Fluid restriction 1.5 L a day."
    r"(?:daily|morning)\s+weights?\b|weigh\s+(?:(?:yourself|himself|herself|themselves)\s+)?(?:daily|every\s+(?:day|morning)|each\s+morning)\b|"
    r"(?:check|monitor|record)\s+(?:(?:your|his|her)\s+)?weights?\s+(?:daily|every\s+(?:day|morning)|each\s+morning)\b|"
    r"fluid\s+restriction\b|(?:restrict|limit)\s+(?:(?:your|his|her)\s+)?fluids?\b|"
    # checks the patient does at home: "Check fasting and 1-hour postprandial glucose four times daily.", "Home blood
    # pressure monitoring.", "Twice-weekly blood pressure checks."
    r"check\s+(?:(?:your|his|her)\s+)?(?:fasting|finger-?stick)\b[^.;]{0,40}\b(?:glucose|sugars?)\b|"
    r"(?:home|self)[- ](?:blood\s+)?(?:glucose|sugar|blood\s+pressure|BP)\s+(?:monitoring|checks|readings|log)\b|"
    r"(?:twice|once|three\s+times)[- ]weekly\s+(?:blood\s+pressure|BP|(?:blood\s+)?glucose|blood\s+sugar)\s+checks\b|"
    # skin care after a dermatology visit: "Sun protection counseling: daily SPF 30 sunscreen", "Expect blistering ..."
    r"sun\s+protection\b|(?:daily\s+|apply\s+|use\s+)?(?:broad[- ]spectrum\s+)?sunscreen\b|"
    # "Drink at least 2 liters of water a day.", "Drink plenty of fluids."
    r"drink\s+(?:at\s+least\s+|plenty\s+of\s+|more\s+|extra\s+|lots\s+of\s+)(?:[\d.]+\s*(?:liters?|litres?|L|glasses|cups|oz|ounces)\s+(?:of\s+)?)?(?:water|fluids?|liquids?)\b|"
    r"expect\s+(?:some\s+)?(?:blistering|blisters|crusting|redness|swelling|bruising|soreness|drainage|peeling)\b|"
    # a headache or migraine visit: "Headache diary.", "Limit caffeine.", "Regular sleep schedule."
    r"(?:keep\s+a\s+)?(?:headache|migraine|symptom|seizure|food|sleep|bladder|voiding)\s+(?:diary|log|journal)\b|"
    r"(?:limit|reduce|cut\s+(?:back|down)(?:\s+on)?|avoid)\s+(?:(?:your|his|her)\s+)?(?:caffeine|coffee|salt|sodium|sugary\s+drinks|"
    r"screen\s+time)\b|regular\s+sleep(?:\s+schedule)?\b",
    re.IGNORECASE)
#: a self-care order in the patient's words (after _second_person): home checks (what, when), a heart-failure
#: patient's weights and fluids, sun protection
_SELF_CARE_PLAIN = tuple((re.compile(rx, re.IGNORECASE), plain) for rx, plain in (
    (r"^check\s+(?:your\s+)?fasting\s+and\s+(\d+)[- ]hours?\s+post-?prandial\s+(?:blood\s+)?(?:glucose|sugars?)(?:\s+levels?)?",
     r"Check your blood sugar before breakfast and \1 hour after meals,"),
    (r"^check\s+(?:your\s+)?(?:fasting|finger-?stick)\s+(?:blood\s+)?(?:glucose|sugars?)(?:\s+levels?)?", "Check your blood sugar"),
    (r"^(?:home|self)[- ](?:blood\s+)?(?:glucose|sugar)\s+(?:monitoring|checks|readings|log)", "Check your blood sugar at home"),
    (r"^(?:home|self)[- ](?:blood\s+pressure|BP)\s+(?:monitoring|checks|readings|log)", "Check your blood pressure at home"),
    (r"^(twice|once|three\s+times)[- ]weekly\s+(?:blood\s+pressure|BP)\s+checks",
     lambda m: f"Check your blood pressure {m.group(1).lower()} a week"),
    (r"^(twice|once|three\s+times)[- ]weekly\s+(?:(?:blood\s+)?glucose|blood\s+sugar)\s+checks",
     lambda m: f"Check your blood sugar {m.group(1).lower()} a week"),
    (r"^sun\s+protection\s+(?:counsel(?:l)?ing|education|advice|discussed)\s*:\s*", "Protect your skin from the sun: "),
    (r"^(?:(?:daily|morning)\s+weights?(?:\s+(?:at home|every morning|each morning|daily))?|"
     r"(?:check|monitor|record)\s+(?:your\s+)?weights?\s+(?:daily|every day)|weigh\s+daily)$",
     "Weigh yourself every morning and write it down"),
    # "Headache diary." -> "Keep a headache diary: write down each headache, when it starts and what helps"
    (r"^(?:keep\s+a\s+)?(headache|migraine)\s+(?:diary|log|journal)$",
     lambda m: f"Keep a {m.group(1).lower()} diary: write down each {m.group(1).lower()}, when it starts and what helps"),
    (r"^regular\s+sleep(?:\s+schedule)?$", "Go to bed and get up at the same times every day"),
    # "Start auto-CPAP 5-15 cm H2O." -> the machine and when to use it, not its pressure settings
    (r"^start\s+(?:an?\s+)?(?:auto-?)?(?:CPAP|APAP)\b.*$",
     "Start using a CPAP machine (a breathing machine you wear while you sleep) every night: it blows air through a mask to keep your airway open"),
    # "Fluid restriction 1.5 L/day." -> "Drink no more than 1.5 liters of fluid a day."
    (r"^(?:fluid\s+restriction|(?:restrict|limit)\s+(?:your\s+)?fluids?)\s*(?:of|to|at|,|:)?\s*"
     r"(?P<n>\d+(?:\.\d+)?)\s*(?P<u>L|liters?|litres?|mL|ml)\s*(?:/\s*day|per day|a day|daily)?$",
     lambda m: f"Drink no more than {m.group('n')} "
               f"{'milliliters' if m.group('u').lower() == 'ml' else 'liter' if m.group('n') == '1' else 'liters'} of fluid a day"),
))
_HOW_OFTEN = tuple((re.compile(rx, re.IGNORECASE), plain) for rx, plain in (
    (r"\b(four|three|two)\s+times\s+(?:daily|a\s+day|per\s+day)\b", r"\1 times a day"),
    (r"\b(twice|once)\s+(?:daily|per\s+day)\b", r"\1 a day"),
))
_NO_ALCOHOL_RE = re.compile(r"(?:no|avoid|do not|don't)\s+(?:drinking\s+)?(?:alcohol|alcoholic)\b", re.IGNORECASE)
_FOLLOW_OR_WARN = re.compile(r"\b(?:follow[- ]?up|call|return|appointment)\b", re.I)


_USE_VERB = re.compile(r"(?:apply|use|breathe in|inject|put|insert|spray|place|rinse|wash|instill)\b")


_TITLE_WORD = re.compile(r"[A-Z][a-z]+(?:[-/ ][a-z]+)*")


def _generic_case(name: str) -> str:
    """A generic drug name capitalised only because it began its line ("Carvedilol 12.5 mg twice daily.") in lower case,
    as a sentence of a letter writes it ("Take carvedilol."); a brand name ("Eliquis") keeps its capital."""
    if not _TITLE_WORD.fullmatch(name):
        return name
    from medassist.text.lay import get_lexicon

    hits = get_lexicon().find_drugs(name, patterns=False)
    if len(hits) != 1 or (hits[0].start, hits[0].end) != (0, len(name)):
        return name
    entry = hits[0].entry
    generics = {str(entry.get("term", "")).lower(), *(a for a in entry.get("aliases", ()) if a == a.lower())}
    low = name.lower()
    return low if low in generics or low.replace("-", "/") in generics else name


def _med_lines(f, spec: dict[str, Any], lay: bool) -> list[LetterLine]:
    change = f.data.get("change") or "none"
    also = [a for a in f.data.get("also_named") or [] if a.lower() != f.text.lower()]
    if lay:
        also = [_generic_case(a) for a in also]
    first = _generic_case(f.text) if lay else f.text
    name = f"{first} (also called {' or '.join(also)})" if also and lay else "/".join([first, *also])
    dose = f.data.get("dose")
    instr = f.data.get("instructions") or ""
    ev = list(f.evidence)
    tpl = spec["change"].get(change, spec["change"]["none"])
    if change == "hold" and not f.data.get("when") and spec["change"].get("hold_no_when"):
        tpl = spec["change"]["hold_no_when"]
    if change == "none" and _USE_VERB.match(instr) and spec["change"].get("none_use"):
        tpl = spec["change"]["none_use"]  # a cream is used ("apply ..."), an inhaler too ("breathe in ..."), not taken
    other = f.data.get("switch_with")
    reason = f.data.get("reason")
    if reason:
        reason = _because(reason, lay)
    if change == "stop" and other and "switch_from" in spec["change"]:
        tpl = spec["change"]["switch_from"]
    elif change == "start" and other and "switch_to" in spec["change"]:
        tpl = spec["change"]["switch_to"]
    elif change == "change" and f.data.get("new_dose") and dose and "change_dose" in spec["change"]:
        tpl = spec["change"]["change_dose"]
    if reason and not (change == "start" and other):  # a switch gives its reason once, on the stop line
        if not lay:
            tpl = tpl + " ({reason})"
        elif change in ("stop", "start"):
            tpl = tpl.replace("{name}", "{name} {reason}", 1)
    else:
        reason = None
    if "{dose}" in tpl and not dose:
        tpl = spec["change"]["change"] if change in ("increase", "decrease") and lay else tpl.replace(" The new dose is {dose}.", "")
    if not lay and (change in ("not_started", "not_taking", "offered") or change in _HOSPITAL_CHANGES and not dose):
        return [LetterLine(_fill(tpl, name=_cap(name)) + ".", ev)]  # (a drug given in hospital keeps its dose)
    if not lay:
        parts = [_fill(tpl, name=_cap(name), dose=dose, other=other, reason=reason, when=f.data.get("when"))]
        if change in ("stop", "hold"):
            return [LetterLine("; ".join(parts) + ".", ev)]  # the old dose of a stopped medicine is not news
        if change == "given_here":
            return [LetterLine("; ".join(parts + ([dose] if dose else [])) + ".", ev)]
        if dose and "{dose}" not in tpl:
            parts.append(_fill(spec["dose"], dose=dose))
        if instr:
            freq = f.data["sig"].get("frequency_plain")
            sg = f.data["sig"]
            qty = f"{sg['quantity']} {sg['form']}" + ("s" if sg["quantity"] not in ("1", "one") and not sg["form"].endswith("s") else "") \
                if sg.get("quantity") and sg.get("form") else None
            # (a taper with its amounts, written out or 'by X every Y days'; not the lay "slowly")
            taper = f.data["sig"].get("taper") if f.data["sig"].get("taper_kind") in ("steps", "by", "alternate") else None
            alternate = f.data["sig"].get("taper_kind") == "alternate"  # ("..., and 2.5 mg on all other days")
            extra = [x for x in (qty, f.data["sig"].get("route_plain"), freq,
                                 ("as needed" + (f" for {f.data['sig']['prn_reason']}" if f.data["sig"].get("prn_reason") else "")) if f.data["sig"].get("prn") else None,
                                 f.data["sig"].get("duration"), (taper if alternate else f"then {taper}") if taper else None) if x]
            if extra:
                parts.append(", ".join(extra))
        if f.data.get("hold_if") and spec.get("hold"):
            parts.append(_fill(spec["hold"], cond=f.data["hold_if"]))  # "hold if systolic BP below 100"
        return [LetterLine("; ".join(parts) + ".", ev)]
    out = [LetterLine(_fill(tpl, name=name, dose=dose, other=other, reason=reason, when=f.data.get("when")), ev)]
    if change == "given_here":  # given at this visit: what it is, never how to take it
        if dose and spec["change"].get("given_here_dose"):
            out = [LetterLine(_fill(spec["change"]["given_here_dose"], name=name, dose=dose), ev)]
        if spec.get("what") and f.plain and f.plain != "a medicine":
            out.append(LetterLine(_fill(spec["what"], plain=f.plain), ev[:1], plain_used=[f.plain]))
        return out
    if change in ("stop", "hold", "not_started", "not_taking", "may_start", "offered", *_HOSPITAL_CHANGES):
        return out
    if change == "change" and f.data.get("new_dose") and "{dose}" in tpl:
        dose = None  # said on the first line
    if instr and dose and dose in instr:
        out.append(LetterLine(_fill(spec.get("how_use", spec["how"]) if _USE_VERB.match(instr) else spec["how"], instructions=instr), ev))
    else:
        if dose and "{dose}" not in tpl:
            out.append(LetterLine(_fill(spec["dose"], dose=dose), ev))
        if instr:
            out.append(LetterLine(_fill(spec.get("how_use", spec["how"]) if _USE_VERB.match(instr) else spec["how"], instructions=instr), ev))
    if f.data.get("hold_if") and spec.get("hold"):
        out.append(LetterLine(_fill(spec["hold"], cond=f.data["hold_if"]), ev))  # "Do not take it if ..."
    if spec.get("what") and f.plain and f.plain != "a medicine":
        out.append(LetterLine(_fill(spec["what"], plain=f.plain), ev[:1], plain_used=[f.plain]))
    return out


def _with_phrase(w: str) -> str:
    """Who the visit is with, as a phrase: "Primary care" -> "your primary care doctor"."""
    w = re.sub(r"\s+", " ", w).strip()
    if re.fullmatch(r"(?i)primary care|pcp", w):
        return "your primary care doctor"
    if re.match(r"(?i)(?:dr\b|your\b)", w):
        return w
    if re.fullmatch(r"(?i)[a-z]+(?:ology|ics|ery)(?: clinic)?", w):
        return "the " + w.lower() + ("" if w.lower().endswith("clinic") else " clinic")  # "urology" -> "the urology clinic"
    if re.match(r"[A-Z][a-z]", w) and not re.match(r"(?:Dr)\b", w):
        w = w[0].lower() + w[1:]
    return "your " + w


def _referral_phrase(w: str) -> str:
    """Who a referral is to, as a phrase: "dermatology" -> "the dermatology clinic", "diabetes education" as written."""
    w = re.sub(r"(?i)^(?:(?:see|a|an|the)\s+)+", "", re.sub(r"\s+", " ", w).strip())
    if re.fullmatch(r"(?i)[a-z]+(?:ology|ics|iatry)", w):
        return "the " + w.lower() + " clinic"
    if re.match(r"(?i)dr\b", w):
        return w
    w = w[0].lower() + w[1:] if re.match(r"[A-Z][a-z]", w) else w
    if re.search(r"(?i)(?:ist|ian|surgeon|educator|counsel(?:l)?or|worker)$", w):
        return ("an " if w[:1].lower() in "aeio" else "a ") + w  # a person: "a nutritionist", "a urologist"
    if re.search(r"(?i)(?:clinic|team|program)$", w):
        return "the " + w
    return w


def _purpose(f, spec: dict[str, Any], lay: bool) -> str | None:
    """What a follow-up visit is for, when the note says it: "to check your blood pressure"."""
    what = f.data.get("purpose")
    if not what:
        return None
    what = _clean(what)
    if lay:
        what = _second_person(what)
    kind = f.data.get("purpose_from") or "check"
    tpl = spec.get("purpose_" + kind)
    if not tpl:
        return None
    if kind == "check" and re.match(r"(?i)(?:your|the|my|her|his)\b", what):
        what = re.sub(r"(?i)^(?:the|my|her|his)\b", "your", what) if lay else what
        tpl = tpl.replace("your {what}", "{what}")
    return _fill(tpl, what=what).rstrip(".")


_BODY_THE_RE = re.compile(r"\bthe (?=(?:(?:left|right) )?(?:knee|hip|shoulder|ankle|wrist|elbow|hand|foot|leg|arm|back|neck|"
                          r"eye|ear|wound|incision|cut|skin|chest|belly|stomach|toe|finger|thumb|joint|leg|calf|site|area)s?\b)", re.I)


#: a warning sign in the note's shorthand, in a patient's words ("right upper quadrant pain or BP over 160/110")
_WARNING_PLAIN = tuple((re.compile(rx, re.IGNORECASE), plain) for rx, plain in (
    (r"\b(?:right upper quadrant|RUQ)(?: abdominal)? pain\b", "pain in the upper right part of your belly"),
    (r"\b(?:left upper quadrant|LUQ)(?: abdominal)? pain\b", "pain in the upper left part of your belly"),
    (r"\b(?:right lower quadrant|RLQ)(?: abdominal)? pain\b", "pain in the lower right part of your belly"),
    (r"\b(?:left lower quadrant|LLQ)(?: abdominal)? pain\b", "pain in the lower left part of your belly"),
    (r"(?-i:\b(?:S?BP)\b)", "blood pressure"),
    (r"\bself-?harm\b", "hurting yourself"),
))


#: suicidal thoughts the note names, or the crisis line it gave: the letter says how to reach the line
_CRISIS_CUE = re.compile(r"(?i)\bsuicidal\s+(?:ideation|thoughts?)\b|\bthoughts?\s+of\s+(?:suicide|self[- ]harm|"
                         r"killing\s+(?:himself|herself|themselves)|ending\s+(?:his|her|their)\s+life)\b|\bcrisis\s+line\b|"
                         r"\b988\b")


#: a warning condition written as a noun phrase, which needs a verb in a letter: "if thoughts of self-harm"
_SIGN_NOUN = re.compile(r"(?i)(?:thoughts?|feelings?|urges?|worsening|increased|increasing|new|severe|signs?|symptoms?)\s+"
                        r"(?:of|in|to)\b|"
                        # a sign named as a noun ("if fever or spreading redness"), not a sentence ("if the pain gets worse")
                        r"(?:a\s+)?(?:fevers?|chills|redness|swelling|bleeding|drainage|pus|vomiting|nausea|diarrhea|rash|"
                        r"shortness\s+of\s+breath|trouble\s+\w+ing|difficulty\s+\w+ing|chest\s+pain)\b"
                        r"(?![^,;]*\b(?:is|are|was|gets?|becomes?|worsens?|persists?|returns?|develops?|increases?|spreads?|"
                        r"continues?|occurs?|recurs?|does|do)\b)")


def _warning_plain(s: str) -> str:
    for rx, plain in _WARNING_PLAIN:
        s = rx.sub(plain, s)
    return s


def _your_body(s: str) -> str:
    """"if the knee becomes hot" -> "if your knee becomes hot" (a lay letter speaks to the patient)."""
    return _BODY_THE_RE.sub("your ", s)


def _because(reason: str, lay: bool) -> str:
    """The note's reason as a phrase after a verb: "due to her blood pressure" -> "because of your blood pressure"."""
    r = _clean(reason)
    r = re.sub(r"(?i)^(?:due to|given|in view of|as a result of)\b", "because of", r)
    if not re.match(r"(?i)because\b", r):
        r = "because of " + r
    if lay:
        r = re.sub(r"(?i)^because of (?=(?:kidney|liver|heart|stomach|lung|blood|bone|skin)\w*\b)", "because of your ", r)
        return _second_person(r)
    return r


def _render(title: str, greeting: str, subject: str | None, intro: list[LetterLine], sections: list[LetterSection],
            closing: list[str], signature: list[str]) -> str:
    out = [title, ""]
    if subject:
        out += [subject, ""]
    out += [greeting, ""]
    out += [" ".join(ln.text for ln in intro), ""]
    for sec in sections:
        out.append(sec.heading + ":")
        out += [f"- {ln.text}" for ln in sec.lines]
        out.append("")
    out += [" ".join(closing), ""]
    out += signature
    return "\n".join(out).rstrip() + "\n"


def letter_kind_for(doc: Document) -> str:
    """The letter a note calls for when none is asked: discharge instructions for a note about a hospital stay (a
    discharge summary: "You are going home today"), else the after-visit summary ("Your visit today")."""
    from medassist.tasks.letter_facts import is_inpatient_note, refine_sections

    return "discharge" if is_inpatient_note(refine_sections(doc)) else "patient"


def write_letter(doc: Document, kind: str = "patient", settings: Settings | None = None) -> Letter:
    """Draft a letter of ``kind`` from ``doc`` (a clinician checks it before it is sent); ``kind="auto"``: the one
    the note calls for (letter_kind_for)."""
    from medassist.tasks.letter_check import check_letter
    from medassist.tasks.letter_facts import admission_planned, encounter_setting, extract_letter_facts, refine_sections
    from medassist.tasks.letter_readability import readability
    from medassist.text.lay import get_lexicon

    if not isinstance(doc, Document):
        raise TaskError("write_letter needs a Document")
    if not doc.text.strip():
        raise TaskError("the note is empty: nothing to write a letter from", path=doc.source)
    if kind == "auto":
        kind = letter_kind_for(doc)
    tpl = load_template(kind)
    settings = settings or Settings.load()
    doc = refine_sections(doc)  # headers the sectionizer missed ("COURSE IN THE HOSPITAL:")
    facts = extract_letter_facts(doc)

    name = facts.patient_name.text if facts.patient_name else None
    from medassist.tasks.extract import patient_age

    age = patient_age(doc.text)
    child = age is not None and age < CHILD_UNDER and "greeting_child" in tpl  # the letter goes to a parent
    if child:
        greeting = _fill(tpl["greeting_child"] if name else tpl["greeting_child_no_name"], patient=name)
    elif name:
        greeting = _fill(tpl["greeting"], patient=name)
    else:
        greeting = tpl.get("greeting_no_name", "Dear patient,")
    subject = _fill(tpl["subject"], patient=name) if tpl.get("subject") and name else None
    # the opening says where the patient was seen (a GP letter: clinic, emergency department, hospital stay,
    # procedure), from the note's headers, which are its evidence; the template's own intro otherwise
    setting, setting_ev = encounter_setting(doc)
    intro_tpl = tpl.get("intro_by_setting", {}).get(setting) or tpl.get("intro", [])
    if setting not in tpl.get("intro_by_setting", {}):
        setting_ev = []
    name_ev = list(facts.patient_name.evidence) if name else []
    intro = [LetterLine(_fill(t, patient=name or "your patient"), (name_ev if "{patient}" in t else []) + setting_ev,
                        template=not setting_ev and ("{patient}" not in t or not name)) for t in intro_tpl]
    if child and tpl.get("intro_child"):  # "you" in the letter is the child the parent reads it for
        intro.insert(min(1, len(intro)), LetterLine(_fill(tpl["intro_child" if name else "intro_child_no_name"],
                                                          patient=name), name_ev, template=not name))
    admit = admission_planned(doc) if tpl.get("intro_admitted") and setting not in ("hospital", "admission") else None
    if admit is not None:
        intro.append(LetterLine(tpl["intro_admitted"], [admit]))
    sections: list[LetterSection] = []
    for spec in tpl["sections"]:
        lines = _section_lines(spec["key"], spec, facts, doc, kind, setting)
        seen_lines: dict[str, LetterLine] = {}
        for ln in lines:  # the same sentence twice says nothing new: keep one, merge evidence
            if spec["key"] in ("medications", "hospital_medications"):
                seen_lines[f"{len(seen_lines)}\0{ln.text}"] = ln  # "How to take it: ..." belongs to the drug above it
                continue
            if ln.text in seen_lines:
                seen_lines[ln.text].evidence.extend(e for e in ln.evidence if e not in seen_lines[ln.text].evidence)
            else:
                seen_lines[ln.text] = ln
        lines = list(seen_lines.values())
        if lines:
            sections.append(LetterSection(spec["key"], spec.get("heading_by_setting", {}).get(setting, spec["heading"]),
                                          lines))
    clinician = settings.clinician_name or "Your care team"
    clinic = settings.clinic_name or ""
    signature = [tpl["sign_off"]] + [s for s in (_fill(x, clinician=clinician, clinic=clinic) for x in tpl.get("signature", [])) if s]
    closing = list(tpl.get("closing", []))
    title = tpl.get("title_by_setting", {}).get(setting, tpl["title"])
    text = _render(title, greeting, subject, intro, sections, closing, signature)

    plain_used = [p for s in sections for ln in s.lines for p in ln.plain_used]
    lex = get_lexicon()
    skip = [f.text for f in facts.medications]
    from medassist.tasks.letter_check import _mask

    # the lexicon's own explanations are not jargon left by the note: mask them (offsets unchanged)
    jargon = lex.jargon(_mask(text, plain_used), skip_terms=skip) if kind != "gp" else []
    for j in jargon:
        j["text"] = text[j["start"]:j["end"]]
        ls = text.rfind("\n", 0, j["start"]) + 1
        le = text.find("\n", j["end"])
        j["explained"] = j["plain"].lower() in text[ls: le if le != -1 else len(text)].lower()
    warnings, missing = check_letter(text, doc, facts, plain_phrases=plain_used, kind=kind)
    left_out = [] if kind == "gp" else [
        {**f.to_dict(), "reason": "given in hospital only, so not a medicine to take at home"}
        for f in facts.medications if f.data.get("change") == "in_hospital"]
    return Letter(
        kind=kind,
        title=title,
        text=text,
        greeting=greeting,
        intro=intro,
        sections=sections,
        closing=closing,
        signature=signature,
        facts=facts,
        readability=readability(text),
        jargon=jargon,
        warnings=warnings,
        missing=missing,
        subject=subject,
        left_out=left_out,
    )
