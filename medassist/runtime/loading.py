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
"""
from __future__ import annotations

import gc
import threading
from contextlib import contextmanager

_lock = threading.Lock()
_depth = 0
_was_enabled = True


@contextmanager
def long_lived_tables():
    """Pause the cyclic collector while long-lived tables are built; freeze what was built when the last
    concurrent load ends, and restore the collector's state (also when the load fails)."""
    global _depth, _was_enabled
    with _lock:
        if _depth == 0:
            _was_enabled = gc.isenabled()
            gc.disable()
        _depth += 1
    ok = False
    try:
        yield
        ok = True
    finally:
        with _lock:
            _depth -= 1
            if _depth == 0:
                if ok:
                    gc.freeze()
                if _was_enabled:
                    gc.enable()
