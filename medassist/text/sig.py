"""Medication instructions ("sigs") in plain words.

``parse_sig("1 tab PO BID")`` -> a :class:`Sig` whose ``plain`` is "take 1 tablet by mouth twice a day".
Every field that was read from the text carries an evidence span (offsets relative to the text passed in,
plus ``offset`` so a caller can point into a whole note).

Numbers in the plain text are only ever copied from the input (never invented): "TID" becomes
"three times a day" in words, "q8h" becomes "every 8 hours" (the 8 is in the source).
``detect_change`` finds start / stop / increase / decrease / change / continue wording in a sentence.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from medassist.document import Span

_NUM = r"\d{1,3}(?:,\d{3})+(?![\d,])|\d+(?:\.\d+)?(?:/\d+)?"  # (thousands as written: "50,000 units")

# ---------------------------------------------------------------------------------------------- units
#: unit spelling -> (canonical unit, kind) ; kind "strength" (mg...) or "form" (tablet...)
_UNITS: dict[str, tuple[str, str]] = {}
for _canon, _kind, _spellings in [
    ("mg", "strength", ["mg", "mgs", "milligram", "milligrams"]),
    ("mcg", "strength", ["mcg", "mcgs", "µg", "ug", "microgram", "micrograms"]),
    ("g", "strength", ["g", "gm", "gram", "grams"]),
    ("mL", "strength", ["ml", "mls", "cc", "milliliter", "milliliters", "millilitre", "millilitres"]),
    ("units", "strength", ["units", "unit", "u", "iu", "international units"]),
    ("mEq", "strength", ["meq"]),
    # a weight-based dose: per dose, or per day in all ("14 mg/kg/day divided BID" is 7 mg/kg a dose: never
    # shortened to "14 mg/kg", which read with BID doubles it)
    ("mg/kg/day", "strength", ["mg/kg/day", "mg/kg/d", "mg/kg per day", "mg/kg/24h", "mg/kg/24 h", "mg/kg/24 hours"]),
    ("mg/kg/dose", "strength", ["mg/kg/dose", "mg/kg per dose"]),
    ("mg/kg", "strength", ["mg/kg"]),
    ("%", "strength", ["%", "percent"]),
    ("tablet", "form", ["tab", "tabs", "tablet", "tablets", "tbl"]),
    ("capsule", "form", ["cap", "caps", "capsule", "capsules"]),
    ("puff", "form", ["puff", "puffs", "inhalation", "inhalations"]),
    ("drop", "form", ["drop", "drops", "gtt", "gtts"]),
    ("patch", "form", ["patch", "patches"]),
    ("spray", "form", ["spray", "sprays"]),
    ("teaspoon", "form", ["tsp", "teaspoon", "teaspoons"]),
    ("tablespoon", "form", ["tbsp", "tablespoon", "tablespoons"]),
    ("suppository", "form", ["supp", "suppository", "suppositories"]),
    ("injection", "form", ["injection", "injections", "shot", "shots"]),
    ("application", "form", ["application", "applications"]),
]:
    for _s in _spellings:
        _UNITS[_s] = (_canon, _kind)

_UNIT_ALT = "|".join(sorted((re.escape(u) for u in _UNITS), key=len, reverse=True))
_DOSE_RE = re.compile(
    rf"(?<![\w.])(?<!\d,)(?P<num>{_NUM}|one|two|three|four|half|one-half)(?:\s*(?:-|to)\s*(?P<num2>{_NUM}))?\s*"
    rf"(?P<unit>{_UNIT_ALT})(?![\w])",
    re.I,
)

_WORD_NUM = {"one": "1", "two": "2", "three": "3", "four": "4", "half": "1/2", "one-half": "1/2"}

# ---------------------------------------------------------------------------------------------- routes
#: (regex, canonical route, plain words)
_ROUTES: list[tuple[str, str, str]] = [
    (r"p\.?o\.?|per os|by mouth|orally|oral", "oral", "by mouth"),
    (r"s\.?l\.?|sublingual(?:ly)?|under the tongue", "sublingual", "under the tongue"),
    (r"i\.?m\.?|intramuscular(?:ly)?", "intramuscular", "as a shot into a muscle"),
    (r"i\.?v\.?|intravenous(?:ly)?|ivpb", "intravenous", "through a drip into a vein"),
    (r"s\.?c\.?|s\.?q\.?|subq|sub-q|subcut|subcutaneous(?:ly)?", "subcutaneous", "as a shot under the skin"),
    (r"topical(?:ly)?|top\.?|to the skin|on the skin", "topical", "on the skin"),
    (r"transdermal(?:ly)?|t\.?d\.?", "transdermal", "as a patch on the skin"),
    (r"inh\.?|inhaled|inhalation|via inhaler|by inhaler|nebulized|via nebulizer|neb", "inhaled", "by breathing it in"),
    (r"p\.?r\.?|per rectum|rectal(?:ly)?", "rectal", "in the rectum"),
    (r"p\.?v\.?|vaginal(?:ly)?|per vagina", "vaginal", "in the vagina"),
    (r"intranasal(?:ly)?|nasal(?:ly)?|in each nostril|each nostril", "nasal", "in the nose"),
    (r"o\.?d\.?(?=\W|$)|right eye", "right eye", "in the right eye"),
    (r"o\.?s\.?(?=\W|$)|left eye", "left eye", "in the left eye"),
    (r"o\.?u\.?(?=\W|$)|both eyes|each eye", "both eyes", "in both eyes"),
    (r"ophthalmic", "ophthalmic", "in the eye"),
    (r"a\.d\.|right ear", "right ear", "in the right ear"),
    (r"a\.s\.|left ear", "left ear", "in the left ear"),
    (r"a\.u\.|both ears", "both ears", "in both ears"),
]
_EYE_ROUTES = {"right eye", "left eye", "both eyes"}
_ROUTE_RES = [(re.compile(rf"(?<![\w.])(?:{rx})(?![\w])", re.I), canon, plain) for rx, canon, plain in _ROUTES]

# ---------------------------------------------------------------------------------------------- frequency
_TIMES_WORDS = {"1": "once", "2": "twice", "3": "three times", "4": "four times", "5": "five times", "6": "six times"}


def _freq_every(m: re.Match) -> str:
    gd = m.groupdict()
    a, b, unit = gd.get("a"), gd.get("b"), (gd.get("u") or "h").lower()
    word = {"h": "hour", "hr": "hour", "hrs": "hour", "hour": "hour", "hours": "hour", "d": "day", "day": "day",
            "days": "day", "w": "week", "wk": "week", "wks": "week", "week": "week", "weeks": "week",
            "min": "minute", "minutes": "minute", "mo": "month", "month": "month", "months": "month"}.get(unit, "hour")
    if b:
        return f"every {a} to {b} {word}s"
    if a == "1":
        return f"every {word}"
    return f"every {a} {word}s"


_DAY = r"(?:mon|tues?|wed(?:nes)?|thu(?:rs?)?|fri|sat(?:ur)?|sun)(?:day)?s?"


def _freq_days(m: re.Match) -> str:
    """Days of the week as written ("on Monday, Wednesday and Friday", "every Sunday")."""
    return re.sub(r"\s+", " ", m.group(0).strip()).lower().split(" ", 1)[0] + " " + re.sub(r"\s+", " ", m.group("days").strip())


#: (regex, canonical code, plain words or a function of the match)
_FREQS: list[tuple[str, str, Any]] = [
    (rf"(?:on|every)\s+(?P<days>{_DAY}(?:\s*(?:,|&|/|\band\b)\s*(?:and\s+)?{_DAY})*)", "DAYS", _freq_days),
    (r"q\.?\s?(?P<a>\d+)\s?(?:-|to)\s?(?P<b>\d+)\s?(?P<u>h|hr|hrs|hours?)\.?", "q{a}-{b}h", _freq_every),
    (r"q\.?\s?(?P<a>\d+)\s?(?P<u>h|hr|hrs|hours?|d|days?|wk|wks|weeks?|min|minutes|mo|months?)\.?(?:\s?(?:-|to)\s?(?P<b>\d+)\s?(?:h|hr|hrs|hours))?",
     "q{a}{u}", _freq_every),
    (r"every\s+(?P<a>\d+)\s*(?:-|to)\s*(?P<b>\d+)\s+(?P<u>hours|days|weeks)", "q{a}-{b}{u}", _freq_every),
    (r"every\s+(?P<a>\d+)\s+(?P<u>hours?|days?|weeks?|months?|minutes)", "q{a}{u}", _freq_every),
    (r"b\.?i\.?d\.?|twice (?:a|per) day|twice daily|two times (?:a|per) day|2 times (?:a|per) day|2x/day|2x daily", "BID", "twice a day"),
    (r"t\.?i\.?d\.?|three times (?:a|per) day|three times daily|3 times (?:a|per) day|3 times daily|3x/day", "TID", "three times a day"),
    (r"q\.?i\.?d\.?|four times (?:a|per) day|four times daily|4 times (?:a|per) day|4 times daily|4x/day", "QID", "four times a day"),
    (r"q\.?\s?a\.?m\.?|every morning|each morning|in the morning", "QAM", "every morning"),
    (r"q\.?\s?p\.?m\.?|every evening|each evening|in the evening", "QPM", "every evening"),
    (r"q\.?\s?h\.?s\.?|h\.?s\.?(?![\w])|at bedtime|nightly|every night|at night|before bed(?:time)?", "QHS", "at bedtime"),
    (r"q\.?o\.?d\.?|every other day|alternate days", "QOD", "every other day"),
    (r"q\.?\s?d\.?(?![\w])|q\.?\s?day|once (?:a|per) day|once daily|daily|a day|per day|/day|every day", "QD", "once a day"),
    (r"q\.?\s?wk|q\s?week|weekly|once (?:a|per) week|every week|/week", "QWEEK", "once a week"),
    (r"twice (?:a|per) week|twice weekly|2 times a week", "BIW", "twice a week"),
    (r"monthly|once (?:a|per) month|every month", "QMONTH", "once a month"),
    (r"once|one time|x\s?1(?![\d])|single dose", "ONCE", "one time only"),
    (r"stat", "STAT", "right away"),
]
_FREQ_RES = [(re.compile(rf"(?<![\w.])(?:{rx})(?![\w])", re.I), code, plain) for rx, code, plain in _FREQS]

_MEAL_RES = [
    (re.compile(r"(?<![\w.])(?:a\.?c\.?|before meals)(?![\w])", re.I), "before meals"),
    (re.compile(r"(?<![\w.])(?:p\.?c\.?|after meals)(?![\w])", re.I), "after meals"),
    (re.compile(r"(?<![\w.])(?:with (?:meals|food)|with each meal)(?![\w])", re.I), "with food"),
    (re.compile(r"(?<![\w.])(?:on an empty stomach)(?![\w])", re.I), "on an empty stomach"),
]

_PRN_RE = re.compile(
    r"(?<![\w.])(?:p\.?r\.?n\.?|as needed|as required|when needed|if needed|prn)(?![\w])"
    r"(?:\s*(?:for|f/)?\s*(?P<reason>(?!and\b|or\b|then\b|x\b|for\b|by\b|per\b|po\b|every\b|q\d|daily\b|with\b)[a-z][a-z /-]{1,40}?))?(?=$|[.,;)(]|\s+(?:x|for|and|then|up to|max|not to|by|per|po|every|daily|with|at|in|on|or)\b|\s+q)",
    re.I,
)
#: the length of a whole course the patient finishes ("to complete 7 days", "to complete a 10-day course", "for a total of
#: 7 days of antibiotics")
_COMPLETE_RE = re.compile(r"\b(?:to\s+complete|to\s+finish|for\s+a\s+total\s+of)\s+(?:a\s+)?(?P<num>\d{1,2}|five|seven|ten|fourteen)"
                          r"(?:\s+|-)days?(?:\s+(?:course|total|of\s+(?:treatment|therapy|antibiotics?)))?\b", re.I)
_DURATION_RE = re.compile(
    r"(?<![\w])(?:x|for(?:\s+(?:another|the\s+next|(?P<qual>no\s+more\s+than|no\s+longer\s+than|up\s+to|at\s+most)))?|times|over the next|over)\s*(?P<num>\d+|one|two|three|four|five|six|seven|ten|fourteen|(?<=for )an?(?=\s+(?:day|week|month)\b))\s*"
    r"(?:(?P<more>more|additional|further)\s+)?(?P<unit>days?|d|weeks?|wks?|months?|mos?|hours?|hrs?)(?![\w])(?P<atatime>\s+at\s+a\s+time)?",
    re.I,
)
_ON_DAYS_RE = re.compile(r"(?<![\w])on\s+days?\s+(?P<a>\d{1,2})(?:\s*(?:through|thru|to|-|\u2013)\s*(?P<b>\d{1,2}))?(?![\w])", re.I)
# days around a treatment: "the day before, the day of and the day after chemotherapy" (dexamethasone with pemetrexed)
_AROUND_RE = re.compile(
    r"(?<![\w])(?:on\s+)?(?P<days>the\s+(?:day|night|morning)\s+(?:before|of|after)(?:\s*(?:,\s*and|,|and)\s*"
    r"(?:the\s+(?:day|night|morning)\s+)?(?:before|of|after)){0,2})\s+(?P<what>(?:each\s+|every\s+|your\s+|the\s+)?"
    r"(?:chemo(?:therapy)?|surgery|procedure|treatment|infusions?|dialysis|cycle|colonoscopy|scan|CT(?:\s+scan)?))\b",
    re.I)
_WHICH_DAY_RE = re.compile(r"(?<![\w])(tomorrow(?:\s+(?:morning|evening|night))?|tonight|this\s+(?:evening|afternoon))(?![\w])",
                           re.I)
_WHILE_RE = re.compile(r"(?<![\w])while\s+(?P<how>on|taking)\s+(?P<what>[^.;,()\n]{3,40}?)(?=\s*(?:[.;,()\n]|$))", re.I)
_UNTIL_RE = re.compile(r"(?<![\w])until\s+(?P<until>[^.;,()\n]{3,50}?)(?=\s*(?:[.;,()\n]|$))", re.I)
_TAPER_RE = re.compile(
    r"(?<![\w])(?:taper(?:ing)?|wean(?:ing)?|decrease|reduce|lower)\s+(?:the dose\s+)?(?:off\s+)?by\s+"
    rf"(?P<amt>{_NUM})\s*(?P<unit>{_UNIT_ALT})\s+(?P<every>every\s+(?P<n>\d+)\s+(?P<u>days?|weeks?))",
    re.I,
)
_TAPER_PLAIN_RE = re.compile(r"(?<![\w])(?:taper(?:ing)?|wean(?:ing)?)(?:\s+(?:off|down))?(?![\w])", re.I)

_UNIT_DAYS = {"hr": "hours", "hrs": "hours", "hour": "hour", "hours": "hours", "d": "days", "day": "day", "days": "days", "wk": "weeks", "wks": "weeks", "week": "week",
              "weeks": "weeks", "mo": "months", "mos": "months", "month": "month", "months": "months"}

# ---------------------------------------------------------------------------------------------- changes
#: (regex, change kind); first match nearest the drug wins
_CHANGES: list[tuple[str, str]] = [
    (r"discontinu\w*|d/c'?d?|stop(?:s|ped|ping)?|cease[ds]?|hold(?:ing)?|held|come off|coming off|off of|no longer take|quit", "stop"),
    (r"increas\w*|up-?titrat\w*|rais\w*|go up on|bump(?:ed)? up|doubl\w*", "increase"),
    (r"decreas\w*|reduc\w*|lower\w*|cut back|down-?titrat\w*|taper\w*|wean\w*", "decrease"),
    (r"switch\w*|chang\w*|replac\w*|transition\w*|convert\w*", "change"),
    (r"start\w*|initiat\w*|begin|began|begun|commenc\w*|(?<!\bas )(?<!previously )(?<!already )prescrib\w*|add(?:ed|ing)?|put (?:him|her|them|you) on|place (?:him|her|them|you) on|placed on|trial of|new prescription|prescription for|(?-i:NEW)(?!\s+[A-Z])|\(new\)", "start"),
    (r"continu\w*|complian\w* with|adheren\w* (?:to|with)|remain\w* on|stay on|keep taking|resume\w*|refill\w*|maintain\w*|current(?:ly)?", "continue"),
]
_CHANGE_RES = [(re.compile(rf"(?<![\w/])(?:{rx})(?![\w])", re.I), kind) for rx, kind in _CHANGES]

#: a hold parameter, not a stop: "Hold lisinopril if systolic BP below 100", "hold metoprolol for HR < 55"; group
#: ``cond`` is the condition as written
HOLD_IF_RE = re.compile(r"(?<![\w])(?:hold|holding)\b[^.;]{0,40}?\b(?P<cond>(?:if|when|for)\b[^.;\n]{0,60}?"
                        r"(?:\bs?bp\b|blood pressures?|systolic|diastolic|\bhr\b|heart rate|pulse|glucose|sugars?|"
                        r"\bbg\b|\bfsbs\b|\bk\b|potassium|[<>]|below|above|less than|greater than|under|over)"
                        r"[^.;\n]{0,25}?)(?=[.;\n]|$)", re.I)
_NEG_BEFORE_VERB = re.compile(r"(?:\bnot\b|\bno\b|n't|\bnever\b|\bwithout\b)\s+(?:\w+\s+){0,2}$", re.I)


@dataclass
class Sig:
    """A parsed medication instruction. Offsets in ``evidence`` point into the caller's text."""

    text: str
    dose: str | None = None
    dose_max: str | None = None
    unit: str | None = None
    quantity: str | None = None  # e.g. "1" of "1 tab"
    form: str | None = None  # tablet, capsule, puff, drop ...
    route: str | None = None
    route_plain: str | None = None
    frequency: str | None = None
    frequency_plain: str | None = None
    meal: str | None = None
    prn: bool = False
    prn_reason: str | None = None
    duration: str | None = None
    taper: str | None = None
    #: how the taper is given: "steps" (a schedule written out), "by" (an amount every few days), "slowly" (no amount)
    taper_kind: str | None = None
    change: str | None = None
    plain: str = ""
    evidence: dict[str, Span] = field(default_factory=dict)

    @property
    def has_instructions(self) -> bool:
        return any([self.dose, self.quantity, self.route, self.frequency, self.prn, self.duration, self.taper])

    def dose_text(self) -> str | None:
        """The strength as written, e.g. "40 mg" (None when the sig has none)."""
        if self.dose and self.unit:
            rng = f"{self.dose} to {self.dose_max}" if self.dose_max else self.dose
            return f"{rng} {self.unit}" if self.unit != "%" else f"{rng}%"
        return None

    def to_dict(self) -> dict[str, Any]:
        return {
            "text": self.text,
            "dose": self.dose,
            "dose_max": self.dose_max,
            "unit": self.unit,
            "quantity": self.quantity,
            "form": self.form,
            "route": self.route,
            "route_plain": self.route_plain,
            "frequency": self.frequency,
            "frequency_plain": self.frequency_plain,
            "meal": self.meal,
            "prn": self.prn,
            "prn_reason": self.prn_reason,
            "duration": self.duration,
            "taper": self.taper,
            "taper_kind": self.taper_kind,
            "change": self.change,
            "plain": self.plain,
            "evidence": {k: v.to_dict() for k, v in self.evidence.items()},
        }


def _span(text: str, offset: int, start: int, end: int) -> Span:
    return Span(start + offset, end + offset, text[start:end])


def _plural(form: str, qty: str) -> str:
    try:
        one = float(eval_fraction(qty)) <= 1.0
    except ValueError:
        one = qty in ("one", "half", "one-half")
    if one:
        return form
    return {"patch": "patches", "suppository": "suppositories"}.get(form, form + "s")


def eval_fraction(s: str) -> float:
    if "/" in s:
        a, b = s.split("/", 1)
        if float(b) == 0:
            raise ValueError(f"not a fraction: {s!r}")  # "1/0 tablet" (fuzzing found it)
        return float(a) / float(b)
    return float(s)


def _first(res, text: str, taken: list[tuple[int, int]]):
    best = None
    for rx, *rest in res:
        for m in rx.finditer(text):
            if any(m.start() < e and s < m.end() for s, e in taken):
                continue
            if best is None or m.start() < best[0].start():
                best = (m, *rest)
            break
    return best


_DOSE_AT = re.compile(r"[\s,]*(?:" + _DOSE_RE.pattern + ")", re.I)


def dose_at(text: str, pos: int) -> bool:
    """A dose is written at ``pos``, after spaces or a comma: "Prednisone 40 mg", "albuterol, 2 puffs",
    "potassium chloride 20 mEq" (a strength or a count of a form, as ``parse_sig`` reads them)."""
    return _DOSE_AT.match(text, pos) is not None


_OTHER_DAYS_RE = re.compile(rf"\s*(?:,\s*)?(?:\band\b|,)\s+(?:take\s+)?(?P<dose>(?:{_NUM})\s*(?:{_UNIT_ALT}))\s+(?:on\s+)?(?:all\s+)?"
                            rf"(?:the\s+)?(?:other|remaining|rest\s+of\s+the)\s+days\b", re.I)
_EXCEPT_DAYS_RE = re.compile(rf"\s*,?\s*(?P<x>except)\s+(?:take\s+)?(?P<dose>(?:{_NUM})\s*(?:{_UNIT_ALT}))\s+on\s+"
                             rf"(?P<days>{_DAY}(?:\s*(?:,|&|/|\band\b)\s*(?:and\s+)?{_DAY})*)", re.I)
_STEP_STOP = re.compile(r"(?:stop|off|discontinue|done)\b", re.I)
_THEN_STEP = re.compile(rf"[,;]?\s*\bthen\s+(?:(?:take|decrease\s+to|reduce\s+to|lower\s+to)\s+)?(?=(?:{_NUM})\s*(?:{_UNIT_ALT})\b|"
                        rf"{_STEP_STOP.pattern})", re.I)


_THEN_PRN_RE = re.compile(r"\s*[,;]?\s*(?:and\s+)?\bthen\s+(?:only\s+)?(?:use\s+|take\s+)?(?P<prn>(?P<freq>(?:q\.?\s?\d+(?:-\d+)?\s?h(?:ours?|rs?)?\.?|"
                          r"every\s+\d+(?:\s*(?:-|to)\s*\d+)?\s+hours?)\s+)?(?:p\.?r\.?n\.?|as needed|as required|when needed|"
                          r"if needed)(?:\s+(?:for\s+)?(?P<reason>[a-z][a-z ]{2,30}?))?)(?=\s*(?:[.;,()\n]|$))", re.I)


def _taper_steps(text: str, offset: int) -> tuple[str, Span, int] | None:
    """A dose schedule written out step by step: ("30 mg once a day for 3 days, then ..., then stop", its span, where
    the first "then" is), or None when the text has no step with its own dose after a first one."""
    marks = list(_THEN_STEP.finditer(text))
    if not marks or not any(re.match(rf"\s*(?:{_NUM})", text[m.end():]) for m in marks):
        return None
    words = []
    for k, m in enumerate(marks):
        end = marks[k + 1].start() if k + 1 < len(marks) else len(text)
        stop = _STEP_STOP.match(text, m.end())
        if stop:
            words.append("stop")
            end = stop.end()
            break
        step = parse_sig(text[m.end():end])
        if not step.dose_text():
            return None
        words.append(" ".join(x for x in (step.dose_text(), step.frequency_plain, step.duration) if x))
    return ", then ".join(words), _span(text, offset, marks[0].end(), end), marks[0].start()


def parse_sig(text: str, offset: int = 0) -> Sig:
    """Parse a medication instruction (sig) into structured fields and plain words.

    ``offset`` is added to every evidence span (the position of ``text`` in a larger source).
    Unknown wording is left out of the plain text rather than guessed.
    """
    sig = Sig(text=text)
    taken: list[tuple[int, int]] = []

    m = _TAPER_RE.search(text)
    if m:
        sig.taper = f"lower the dose by {m.group('amt')} {_UNITS[m.group('unit').lower()][0]} every {m.group('n')} {m.group('u').lower()}"
        sig.taper_kind = "by"
        sig.evidence["taper"] = _span(text, offset, m.start(), m.end())
        taken.append((m.start(), m.end()))
    else:
        steps = _taper_steps(text, offset)
        alt = _OTHER_DAYS_RE.search(text)
        exc = _EXCEPT_DAYS_RE.search(text)
        then_prn = _THEN_PRN_RE.search(text)
        if then_prn is not None and not re.search(r"\w", text[:then_prn.start()]):
            then_prn = None  # (nothing before it: no first step)
        if steps is None and alt is not None:
            # a second dose on the days the first does not name ("5 mg on Monday, Wednesday and Friday and 2.5 mg on
            # all other days"): said with "and", not as a step after the first
            sig.taper = f"and {alt.group('dose').strip()} on all other days"
            sig.taper_kind = "alternate"
            sig.evidence["taper"] = _span(text, offset, alt.start("dose"), alt.end())
            text = text[:alt.start()]
        elif steps is None and then_prn is not None:
            # "4 puffs every 4 hours for 2 days, then as needed": on a schedule first, as needed after (it read
            # "every 4 hours as needed for 2 days")
            reason = (then_prn.group("reason") or "").strip(" /-")
            freq = parse_sig(then_prn.group("freq")).frequency_plain if then_prn.group("freq") else None
            sig.taper = (f"{freq} " if freq else "") + "as needed" + (f" for {reason}" if reason else "")
            sig.taper_kind = "steps"
            sig.evidence["taper"] = _span(text, offset, then_prn.start("prn"), then_prn.end())
            text = text[:then_prn.start()]
        elif steps is None and exc is not None:
            # "2.5 mg daily except 5 mg on Mondays": the days of the other dose, as written
            days = " ".join(exc.group("days").split())
            sig.taper = f"except {exc.group('dose').strip()} on {days}"
            sig.taper_kind = "alternate"
            sig.evidence["taper"] = _span(text, offset, exc.start("x"), exc.end())
            text = text[:exc.start()]
        m = _TAPER_PLAIN_RE.search(text)
        if steps is not None:
            # a schedule written out ("40 mg daily x 3 days, then 30 mg daily x 3 days, ..., then stop"): each step
            # said, from its first "then" (the first step is the sig's own dose, frequency and duration)
            sig.taper, sig.evidence["taper"], cut = steps
            sig.taper_kind = "steps"
            text = text[:cut]  # (the first step's fields are read before the schedule)
        elif m and not re.fullmatch(r"\s*(?:off\s+)?(?:of\s+)?(?:the|his|her|your|their)?\s*", text[m.end():]):
            # (not a wean whose object lies beyond this text: "continued Flomax and will wean off the [Urecholine]")
            sig.taper = "lower the dose slowly, as your doctor told you"
            sig.taper_kind = "slowly"
            sig.evidence["taper"] = _span(text, offset, m.start(), m.end())

    # doses: a strength (mg...) and/or a quantity of a form (1 tab)
    for m in _DOSE_RE.finditer(text):
        if any(m.start() < e and s < m.end() for s, e in taken):
            continue
        canon, kind = _UNITS[m.group("unit").lower()]
        num = m.group("num")  # as written: "three tablets" stays in words (no digit the note lacks)
        if not num[0].isdigit():
            num = num.lower()
        if kind == "strength" and (sig.dose is None or sig.unit.startswith("mg/kg") and "/kg" not in canon):
            # (a weight-based dose with the dose it comes to: "14 mg/kg/day divided BID (105 mg PO BID)": the
            # dose to take is the 105 mg)
            sig.dose, sig.unit = num, canon
            sig.dose_max = m.group("num2")
            sig.evidence["dose"] = _span(text, offset, m.start(), m.end())
            taken.append((m.start(), m.end()))
        elif kind == "form" and sig.form is None:
            sig.quantity, sig.form = num, canon
            if m.group("num2"):
                sig.quantity = f"{num} to {m.group('num2')}"
            sig.evidence["quantity"] = _span(text, offset, m.start(), m.end())
            taken.append((m.start(), m.end()))

    m = _DURATION_RE.search(text)
    if m and not any(m.start() < e and s < m.end() for s, e in taken):
        n = {"a": "1", "an": "1"}.get(m.group("num").lower()) or _WORD_NUM.get(m.group("num").lower(), m.group("num"))
        unit = _UNIT_DAYS.get(m.group("unit").lower(), m.group("unit").lower())
        if n == "1" and unit.endswith("s"):
            unit = unit[:-1]
        elif n != "1" and not unit.endswith("s"):
            unit += "s"
        more = "more " if m.group("more") else ""  # ("for 7 more days": the days left, as the note says)
        qual = " ".join(m.group("qual").lower().split()) + " " if m.group("qual") else ""  # "no more than": a limit
        sig.duration = f"for {qual}{m.group('num') if not m.group('num').isdigit() else n} {more}{unit}" + (
            " at a time" if m.group("atatime") else "")
        sig.evidence["duration"] = _span(text, offset, m.start(), m.end())
        taken.append((m.start(), m.end()))

    if sig.duration is None:
        m = _COMPLETE_RE.search(text)  # "to complete 7 days", "to complete a 10-day course": the whole course's length
        if m and not any(m.start() < e and s < m.end() for s, e in taken):
            n = _WORD_NUM.get(m.group("num").lower(), m.group("num"))
            sig.duration = f"to finish {n} days of treatment in all"
            sig.evidence["duration"] = _span(text, offset, m.start(), m.end())
            taken.append((m.start(), m.end()))
    if sig.duration is None:
        m = _ON_DAYS_RE.search(text)  # "500 mg on day 1, then 250 mg daily on days 2 through 5"
        if m and not any(m.start() < e and s < m.end() for s, e in taken):
            sig.duration = f"on days {m.group('a')} to {m.group('b')}" if m.group("b") else f"on day {m.group('a')}"
            sig.evidence["duration"] = _span(text, offset, m.start(), m.end())
            taken.append((m.start(), m.end()))
    if sig.duration is None:
        m = _AROUND_RE.search(text)  # "twice daily the day before, the day of and the day after chemotherapy"
        if m and not any(m.start() < e and s < m.end() for s, e in taken):
            sig.duration = re.sub(r"\s+", " ", m.group("days") + " " + m.group("what")).strip()
            sig.evidence["duration"] = _span(text, offset, m.start(), m.end())
            taken.append((m.start(), m.end()))
    if sig.duration is None:
        m = _WHICH_DAY_RE.search(text)  # "16 mg by mouth once tomorrow" (it read "one time only": now)
        if m and (sig.dose or sig.quantity) and not any(m.start() < e and s < m.end() for s, e in taken):
            # (a dose's day; not "a prescription for Phenergan tablets to take home with him tonight")
            sig.duration = " ".join(m.group(1).lower().split())
            sig.evidence["duration"] = _span(text, offset, m.start(1), m.end(1))
            taken.append((m.start(1), m.end(1)))
    if sig.duration is None:
        m = _WHILE_RE.search(text)  # "at bedtime while on prednisone"
        if m and not any(m.start() < e and s < m.end() for s, e in taken):
            sig.duration = f"while {m.group('how').lower()} " + re.sub(r"\s+", " ", m.group("what").strip())
            sig.evidence["duration"] = _span(text, offset, m.start(), m.end())
            taken.append((m.start(), m.end()))
    if sig.duration is None:
        m = _UNTIL_RE.search(text)
        if m and not any(m.start() < e and s < m.end() for s, e in taken):
            sig.duration = "until " + re.sub(r"\s+", " ", m.group("until").strip())  # "until prednisone is finished"
            sig.evidence["duration"] = _span(text, offset, m.start(), m.end())
            taken.append((m.start(), m.end()))

    m = _PRN_RE.search(text)
    if m:
        sig.prn = True
        reason = (m.group("reason") or "").strip(" /-")
        if reason:
            sig.prn_reason = reason
        sig.evidence["prn"] = _span(text, offset, m.start(), m.end())
        taken.append((m.start(), m.end()))

    hit = _first(_FREQ_RES, text, taken)
    if hit:
        m, code, plain = hit
        if callable(plain):
            sig.frequency_plain = plain(m)
            gd = {k: (v or "") for k, v in m.groupdict().items()}
            sig.frequency = code.format(**gd).upper().replace("HOURS", "H").replace("HOUR", "H")
        else:
            sig.frequency, sig.frequency_plain = code, plain
        sig.evidence["frequency"] = _span(text, offset, m.start(), m.end())
        taken.append((m.start(), m.end()))

    hit = _first(_ROUTE_RES, text, taken)
    if hit and hit[1] in _EYE_ROUTES and "." not in hit[0].group() and " " not in hit[0].group():
        # bare OD/OS/OU only mean an eye next to drops
        if sig.form != "drop" and not re.search(r"\b(?:gtts?|drops?|eye|ophthalmic)\b", text, re.I):
            hit = None
    if hit:
        m, canon, plain = hit
        sig.route, sig.route_plain = canon, plain
        sig.evidence["route"] = _span(text, offset, m.start(), m.end())
        taken.append((m.start(), m.end()))

    for rx, plain in _MEAL_RES:
        m = rx.search(text)
        if m and not any(m.start() < e and s < m.end() for s, e in taken):
            sig.meal = plain
            sig.evidence["meal"] = _span(text, offset, m.start(), m.end())
            break

    ch = detect_change(text, offset=offset)
    if ch:
        sig.change = ch[0]
        sig.evidence["change"] = ch[1]

    sig.plain = _plain(sig)
    return sig


def _verb(sig: Sig) -> str:
    form, route = sig.form, sig.route
    if form == "puff" or route == "inhaled":
        return "breathe in"
    if form == "drop" or route in _EYE_ROUTES or route in {"right ear", "left ear", "both ears", "ophthalmic"}:
        return "put"
    if form == "spray" or route == "nasal":
        return "use"
    if route in {"subcutaneous", "intramuscular"} or form == "injection":
        return "inject"
    if route in {"topical", "transdermal"} or form in {"patch", "application"}:
        return "apply"
    if route in {"rectal", "vaginal"} or form == "suppository":
        return "insert"
    if route == "sublingual":
        return "put"
    if route == "intravenous":
        return "get"
    return "take"


_PRODUCT_AFTER = re.compile(r"%\s*(cream|ointment|gel|lotion|solution|foam|shampoo|spray|drops|paste|powder)\b", re.I)
_TOPICAL_WORD = re.compile(r"\b(?:cream|ointment|gel|lotion|apply|applied|topical(?:ly)?)\b", re.I)
_SKIN_SITE_RE = re.compile(r"\bto\s+(?:the\s+|all\s+)?(affected\s+(?:areas?|skin|sites?)|rash|lesions?|wound|"
                           r"(?:both|each)\s+(?:hands|feet|arms|legs)|scalp|face)\b", re.I)


_PART_OF = {"1/2": "half", "half": "half", "one-half": "half", "1/4": "a quarter"}


def _plain(sig: Sig) -> str:
    """Plain words for a sig; only fields that were read are said."""
    if sig.change == "stop" and not (sig.dose or sig.frequency):
        return "stop taking this medicine"
    parts: list[str] = []
    verb = _verb(sig)
    part = _PART_OF.get(sig.quantity or "")
    q_ev, d_ev = sig.evidence.get("quantity"), sig.evidence.get("dose")
    if part and sig.form and sig.dose_text() and q_ev is not None and d_ev is not None and d_ev.end <= q_ev.start:
        # "Finasteride 5 mg half tablet daily": the strength is the tablet's, the dose half of it
        amount = f"{part} of a {sig.dose_text()} {sig.form}"
    elif sig.quantity and sig.form:
        amount = f"{sig.quantity} {_plural(sig.form, sig.quantity.split(' ')[-1])}"
        if sig.dose_text():
            amount += f" ({sig.dose_text()})"
    elif sig.dose_text() and sig.unit == "%":
        # a strength of a cream or a solution is no amount to take: "apply the 0.1% cream"
        product = _PRODUCT_AFTER.search(sig.text)
        amount = f"the {sig.dose_text()} {product.group(1).lower() if product else 'strength'}"
    elif sig.dose_text():
        amount = sig.dose_text()
    else:
        amount = ""
    if verb == "inject" and sig.route_plain:
        route = "under the skin" if sig.route == "subcutaneous" else "into a muscle"
    elif verb == "breathe in":
        route = None
    else:
        route = sig.route_plain
    if not (amount or route or sig.frequency_plain or sig.prn or sig.duration or sig.taper):
        return ""
    if sig.taper and not (amount or route or sig.frequency_plain or sig.prn or sig.duration):
        return sig.taper  # ("a prednisone taper pack": no "take, then lower the dose ...")
    parts.append(verb)
    if amount:
        parts.append(amount)
    if route:
        parts.append(route)
    if sig.frequency_plain and sig.frequency != "ONCE" or sig.frequency == "ONCE" and sig.frequency_plain:
        if sig.unit == "mg/kg/day" and re.fullmatch(r"BID|TID|QID|Q\d+(?:-\d+)?H|\d+X(?:DAY|D)?", sig.frequency or ""):
            parts.append("in all, split into doses")  # (the day's total, not each dose)
        parts.append(sig.frequency_plain)
    if sig.meal:
        parts.append(sig.meal)
    topical = verb == "apply" or sig.unit == "%" or _TOPICAL_WORD.search(sig.text) is not None
    site = _SKIN_SITE_RE.search(sig.text) if topical else None
    if site:
        parts.append("to the " + " ".join(site.group(1).lower().split()))  # "to the affected area"

    if sig.prn:
        parts.append(f"as needed for {sig.prn_reason}" if sig.prn_reason else "as needed")
    if sig.duration:
        parts.append(sig.duration)
    out = " ".join(parts)
    if sig.taper and sig.taper_kind == "alternate":
        out += f", {sig.taper}"
    elif sig.taper:
        out += f", then {sig.taper}"
    return out


def plain_words(sig: Sig) -> str:
    """Plain words for a Sig whose fields were changed after parsing (e.g. a new dose)."""
    return _plain(sig)


def detect_change(text: str, drug_start: int | None = None, offset: int = 0) -> tuple[str, Span] | None:
    """What a sentence says to do with a medicine: start, stop, increase, decrease, change or continue.

    When ``drug_start`` (position of the drug name in ``text``) is given, the change word nearest before
    the drug wins (else the nearest after it). A negated verb ("do not stop") is skipped, except that
    "not to take" / "not start" is read as stop / no start (returned as ``"stop"`` / ``None``).
    """
    hits: list[tuple[int, int, str]] = []
    for rx, kind in _CHANGE_RES:
        for m in rx.finditer(text):
            neg = _NEG_BEFORE_VERB.search(text[max(0, m.start() - 25): m.start()])
            if neg:
                if kind == "stop":
                    kind_eff = "continue"  # "do not stop X"
                elif kind == "start":
                    continue  # "we will not start X": nothing to do
                else:
                    continue
            else:
                kind_eff = kind
            if kind == "stop" and HOLD_IF_RE.match(text, m.start()):
                continue  # "Hold lisinopril if systolic BP below 100": when to skip a dose, not a stop
            hits.append((m.start(), m.end(), kind_eff))
    if not hits:
        return None
    if drug_start is None:
        # priority: stop > increase/decrease > change > start > continue, then position
        order = {"stop": 0, "increase": 1, "decrease": 1, "change": 2, "start": 3, "continue": 4}
        s, e, k = min(hits, key=lambda h: (order[h[2]], h[0]))
    else:
        # (a verb of another clause is not this drug's: "Continue ibuprofen ...; may alternate with acetaminophen")
        before = [h for h in hits if h[1] <= drug_start and ";" not in text[h[1]:drug_start]]
        after = [h for h in hits if h[0] >= drug_start and ";" not in text[drug_start:h[0]]]
        if before:
            s, e, k = max(before, key=lambda h: h[1])
        elif after:
            s, e, k = min(after, key=lambda h: h[0])
        else:
            return None
    return k, Span(s + offset, e + offset, text[s:e])
