"""Words a regular expression cannot match without: a cheap test before a costly scan.

The coder's note-wide rules are long alternations ("allergic to ... penicillin|pcn|amoxicillin|...", "status post
... knee replacement") run over every note; most notes hold none of their words, yet the regular expression engine
tries every alternative at every position of the note. ``required_literals(pattern, flags)`` reads the pattern
(Python's own parser) and returns a set of lower-case strings one of which every match must contain, or None
when it cannot tell. ``may_match(needs, low)`` is then a few substring tests (C speed) on the note in lower case.

Sound, never guessing: a literal run, a group, an alternation (each branch must give a set), a repeat of at least
one, and a positive lookaround give sets; a character class, a wildcard, an optional part or a negative lookaround
give none. Only ASCII literals are used, and the test is only made on ASCII text (``lower_ascii``): there, a match
under IGNORECASE holds the literal in lower case exactly (outside ASCII, 'K' the Kelvin sign matches 'k').
"""
from __future__ import annotations

try:  # Python 3.11+
    from re import _constants as _c
    from re import _parser as _p
except ImportError:  # pragma: no cover - Python 3.10
    import sre_constants as _c  # type: ignore[no-redef]
    import sre_parse as _p  # type: ignore[no-redef]

#: a set whose shortest string is shorter than this tests too little to be worth a set (e.g. 'on')
MIN_LEN = 3
_REPEATS = {_c.MAX_REPEAT, _c.MIN_REPEAT} | ({_c.POSSESSIVE_REPEAT} if hasattr(_c, "POSSESSIVE_REPEAT") else set())
_ATOMIC = getattr(_c, "ATOMIC_GROUP", None)


def required_literals(pattern: str, flags: int = 0) -> frozenset[str] | None:
    """Lower-case strings, one of which is in every match of ``pattern`` (None: no such set is known)."""
    try:
        parsed = _p.parse(pattern, flags)
    except Exception:  # (a pattern re itself refuses fails where it is compiled)
        return None
    try:
        got = _sequence(list(parsed))
    except RecursionError:  # pragma: no cover - absurdly nested pattern
        return None
    if got is None or min(map(len, got)) < MIN_LEN:
        return None
    # a string that holds another of the set adds nothing: 'allergies' beside 'allerg'
    return frozenset(s for s in got if not any(t != s and t in s for t in got))


def _better(a: set | None, b: set | None) -> set | None:
    if a is None:
        return b
    if b is None:
        return a
    key = lambda s: (min(map(len, s)), -len(s))  # noqa: E731 - longest shortest string, then fewest strings
    return a if key(a) >= key(b) else b


def _sequence(items: list) -> set | None:
    """Items matched one after another: the best set among the literal runs and the items."""
    best: set | None = None
    run: list[str] = []
    for op, av in items:
        if op is _c.LITERAL and av < 128:
            run.append(chr(av).lower())
            continue
        if run:
            best = _better(best, {"".join(run)})
            run = []
        best = _better(best, _item(op, av))
    if run:
        best = _better(best, {"".join(run)})
    return best


def _item(op, av) -> set | None:
    if op is _c.SUBPATTERN:
        return _sequence(list(av[-1]))
    if op is _c.BRANCH:
        out: set = set()
        for alt in av[1]:
            got = _sequence(list(alt))
            if got is None:
                return None
            out |= got
        return out
    if op in _REPEATS:
        lo, _, body = av
        return _sequence(list(body)) if lo >= 1 else None
    if op is _c.ASSERT:  # a positive lookahead or lookbehind holds in the text too
        return _sequence(list(av[1]))
    if _ATOMIC is not None and op is _ATOMIC:
        return _sequence(list(av))
    return None  # a class, a wildcard, a negative lookaround, a non-ASCII literal, a backreference...


def lower_ascii(text: str) -> str | None:
    """``text`` in lower case where ``may_match`` may test it (ASCII), else None."""
    return text.lower() if text.isascii() else None


def may_match(needs: frozenset[str] | None, low: str | None) -> bool:
    """False only when no match is possible: none of ``needs`` is in ``low`` (``lower_ascii`` of the text)."""
    if needs is None or low is None:
        return True
    return any(s in low for s in needs)
