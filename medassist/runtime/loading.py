"""Loading large read-only tables without paying Python's cyclic garbage collector for them.

The coder builds about half a million small objects when it loads (mention tables, the tabular list, the term
lexicon). Python's cyclic collector runs every few hundred allocations and, as the heap grows, walks all of them
again and again: on the 2-core VM that was half of the cold drop-to-first-codes time (1.25 s with the collector,
0.70 s without). These tables never form garbage cycles and live as long as the process, so while they load the
collector is paused, and once they are built they are moved to the collector's permanent generation
(``gc.freeze()``), where later full collections no longer walk them (about 6 ms of every coded note went to
walking them again).

Nested or concurrent loads (a batch worker, the window's background warm-up and a drop at the same time) share
one pause: the collector is back on when the last of them ends, as it was before the first began.

Coding a note is the same story on a smaller scale: it makes a few hundred thousand short-lived objects (candidates,
features, spans) that reference counting frees, yet they set off a collection every 700 allocations, and each
third-generation one walks every object of the process that is not frozen (the documents read, the caches the
coder fills as it goes). ``collector_paused()`` holds the collector off for one such piece of work (the same shared
pause; nothing is frozen at its end): on CodiEsp dev, 58 instead of 72 ms of CPU a note in one process.
"""
from __future__ import annotations

import gc
import threading
from contextlib import contextmanager

_lock = threading.Lock()
_depth = 0
_was_enabled = True
_loaded = False  # a table load ended well during the current pause: freeze when the pause ends


def _pause() -> None:
    global _depth, _was_enabled, _loaded
    with _lock:
        if _depth == 0:
            _was_enabled = gc.isenabled()
            _loaded = False
            gc.disable()
        _depth += 1


def _resume(loaded: bool) -> None:
    global _depth, _loaded
    with _lock:
        _depth -= 1
        _loaded = _loaded or loaded
        if _depth == 0:
            if _loaded:
                gc.freeze()
            if _was_enabled:
                gc.enable()


@contextmanager
def long_lived_tables():
    """Pause the cyclic collector while long-lived tables are built; freeze what was built when the last
    concurrent pause ends, and restore the collector's state (also when the load fails)."""
    _pause()
    ok = False
    try:
        yield
        ok = True
    finally:
        _resume(ok)


@contextmanager
def collector_paused():
    """Pause the cyclic collector for a short piece of work that makes many short-lived objects (coding one note);
    it is back as it was when the last concurrent pause ends. Garbage cycles the work leaves are collected after."""
    _pause()
    try:
        yield
    finally:
        _resume(False)
