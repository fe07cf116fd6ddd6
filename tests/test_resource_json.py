"""Every JSON resource the app reads is valid JSON with no key written twice in one object: json.load keeps the last
of two equal keys without a word, so a rule added under an existing code prefix (safety_rules.json "F11.9") or a
wording added twice (abbreviations.json) would silently replace the one before it."""
from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

RESOURCES = Path(__file__).resolve().parents[1] / "resources"
FILES = sorted(p for p in RESOURCES.rglob("*.json"))


def _no_repeats(where: Path):
    def hook(pairs):
        seen = Counter(k for k, _ in pairs)
        twice = sorted(k for k, n in seen.items() if n > 1)
        assert not twice, f"{where.relative_to(RESOURCES)}: keys written twice in one object: {twice}"
        return dict(pairs)

    return hook


def test_there_are_json_resources():
    names = {p.name for p in FILES}
    assert {"safety_rules.json", "abbreviations.json", "context_rules.json", "sections.json"} <= names


@pytest.mark.parametrize("path", FILES, ids=lambda p: str(p.relative_to(RESOURCES)))
def test_a_json_resource_writes_each_key_once(path):
    json.loads(path.read_text(encoding="utf-8"), object_pairs_hook=_no_repeats(path))


def test_the_check_finds_a_key_written_twice():
    text = '{"codes": {"F11.9": {"a": 1}, "F11.9": {"b": 2}}}'
    with pytest.raises(AssertionError, match="F11.9"):
        json.loads(text, object_pairs_hook=_no_repeats(RESOURCES / "icd10cm" / "safety_rules.json"))
