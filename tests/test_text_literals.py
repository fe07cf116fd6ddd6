"""The words a regular expression cannot match without (medassist.text.literals): the coder's cheap test before a
note-wide scan must never skip a rule that would have matched."""
from __future__ import annotations

import re

import pytest

from medassist.text.literals import lower_ascii, may_match, required_literals


@pytest.mark.parametrize("pattern,flags,needs", [
    (r"\bpeanuts?\b", re.I, {"peanut"}),
    (r"\b(?:penicillins?|pcn|amoxicillin)\b", re.I, {"penicillin", "pcn", "amoxicillin"}),
    # the longest run of a sequence; a repeat of at least one keeps its words, an optional part gives none
    (r"(?:status post|s/p)\s+(?:left\s+)?knee\s+replacement", re.I, {"replacement"}),
    (r"(?:left\s+)?(?:knee)+", re.I, {"knee"}),
    # a string that holds another of the set adds nothing
    (r"(?:allerg(?:y|ies|ic)|ALLERGIES:)", 0, {"allerg"}),
    # a positive lookbehind's words are in the text too
    (r"(?<=history of )\w+", re.I, {"history of "}),
])
def test_the_words_every_match_holds(pattern, flags, needs):
    assert required_literals(pattern, flags) == needs


@pytest.mark.parametrize("pattern,needs", [
    (r"\w+ectomy", {"ectomy"}),  # a class gives none, the literal after it does
    (r"(?:knee|\d+)", None),  # one branch gives none, so the alternation gives none
    (r"(?:left )?on", None),  # too short to be worth a test
    (r"(?!no )pain", {"pain"}),  # a negative lookahead says nothing of the text
    (r"caf[eé]", {"caf"}),  # a class breaks the run
    (r"(?:é|e)ta", None),  # a class of a non-ASCII letter gives none, and 'ta' is too short
    (r"(?:éclair|eclair)s?", {"clair"}),  # a non-ASCII literal is never used: it breaks the run
    (r"(unclosed", None),  # a pattern re refuses
])
def test_the_words_where_only_some_or_none_can_be_known(pattern, needs):
    assert required_literals(pattern, re.I) == needs


def test_the_test_is_only_made_on_ascii_text():
    needs = required_literals(r"\bkidney\b", re.I)
    assert may_match(needs, lower_ascii("Chronic KIDNEY disease")) is True
    assert may_match(needs, lower_ascii("Chronic liver disease")) is False
    # outside ASCII no test is made: re's IGNORECASE matches the Kelvin sign as 'k'
    kelvin = "\u212aidney disease"
    assert re.search(r"\bkidney\b", kelvin, re.I)
    assert lower_ascii(kelvin) is None and may_match(needs, lower_ascii(kelvin)) is True
    assert may_match(None, "anything") is True


def test_no_rule_of_the_coder_is_skipped_on_a_note_it_matches(shared_data):
    """Every note-wide rule of the coder (companion codes: allergy status, amputations, implants, vaccines...) over
    CodiEsp dev notes and typed ones: where the test says the rule cannot match, the regular expression finds
    nothing; and the test does skip rules (most notes hold none of their words)."""
    from medassist.tasks.coding_eval import read_split
    from medassist.tasks.coding_safety import rules

    ids, texts, *_ = read_split(shared_data / "codiesp", "dev")
    notes = [texts[i] for i in ids[:60]] + [
        "Allergies: PCN (hives), sulfa. s/p right total knee arthroplasty 2019. Former smoker, quit 10 years ago.",
        "ALLERGIES: Peanuts. Status post CABG x3. Left BKA. Received Tdap and influenza vaccine today.",
        "Exposure to COVID-19 at work. She tested positive for COVID-19 yesterday. Bilateral mastectomies.",
    ]
    rxs = [r["note_matches"] for r in rules().companions]
    skipped = matched = 0
    for text in notes:
        low = lower_ascii(text)
        for rx in rxs:
            needs = required_literals(rx.pattern, rx.flags)
            if not may_match(needs, low):
                skipped += 1
                assert rx.search(text) is None, (rx.pattern[:80], text[:80])
            elif rx.search(text):
                matched += 1
    assert matched >= 10 and skipped > len(notes) * len(rxs) // 2
