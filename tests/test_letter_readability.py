"""Readability runs offline (textstat would download the CMU dictionary through nltk) and ranks texts."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

from medassist.tasks.letter_readability import readability, score_text

GUARD = textwrap.dedent(
    """
    import socket
    def boom(*a, **k):
        raise SystemExit("network used: " + repr(a[:2]))
    socket.socket.connect = boom
    socket.getaddrinfo = boom
    socket.create_connection = boom
    from medassist.tasks.letter_readability import readability, syllable_source
    r = readability("You have high blood pressure. Take one pill a day.")
    print(syllable_source(), r["flesch_kincaid_grade"])
    """
)


def test_readability_never_downloads(tmp_path):
    env = {**os.environ, "NLTK_DATA": str(tmp_path)}  # no local corpus: the download path would be taken
    p = subprocess.run([sys.executable, "-c", GUARD], capture_output=True, text=True, env=env, timeout=120)
    assert p.returncode == 0, p.stderr
    assert "nltk_data" not in p.stderr and "network used" not in p.stdout + p.stderr
    source, grade = p.stdout.split()
    assert source == "pyphen" and float(grade) < 6


def test_plain_text_scores_lower_than_clinical_text():
    plain = "You have high blood pressure. Take your pill once a day. Call us if you feel worse."
    clinical = ("Patient with poorly controlled essential hypertension and concomitant hyperlipidemia; "
                "recommend uptitration of angiotensin-converting enzyme inhibitor therapy with subsequent "
                "reevaluation of ambulatory blood pressure measurements.")
    a, b = readability(plain), readability(clinical)
    assert a["flesch_kincaid_grade"] < 6 < b["flesch_kincaid_grade"]
    assert a["flesch_reading_ease"] > b["flesch_reading_ease"]
    assert a["sentences"] == 3


def test_lines_are_scored_as_sentences():
    assert score_text("Your medicines:\n- Take lisinopril\n- Stop aspirin.\n") == "Your medicines.\nTake lisinopril.\nStop aspirin."
    assert readability("")["flesch_kincaid_grade"] is None


def test_readability_does_not_load_nltk_or_scipy():
    """textstat imports nltk (and scipy) only for the CMU dictionary MedAssist never uses: ~100 MB saved."""
    import subprocess
    import sys

    code = ("import sys; from medassist.tasks.letter_readability import readability; "
            "r = readability('Take 1 tablet by mouth twice a day. Call us if you feel worse. Rest at home today.'); "
            "assert r['flesch_kincaid_grade'] is not None and r['syllable_source'] == 'pyphen'; "
            "print(sorted(m for m in ('nltk', 'scipy') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]"
