"""The collector pause around large table loads (medassist.runtime.loading)."""
from __future__ import annotations

import gc
import threading

import pytest

from medassist.runtime.loading import long_lived_tables


@pytest.fixture
def gc_state():
    was = gc.isenabled()
    yield
    gc.unfreeze()  # hand frozen objects back so the rest of the test session collects as usual
    (gc.enable if was else gc.disable)()


def test_the_collector_pauses_during_a_load_and_the_tables_are_frozen_after(gc_state):
    gc.enable()
    gc.unfreeze()
    before = gc.get_freeze_count()
    with long_lived_tables():
        assert not gc.isenabled()
        tables = [{"gram": (i, (("I10", 0.5),))} for i in range(20000)]
        assert gc.get_freeze_count() == before  # nothing frozen yet
    assert gc.isenabled()
    assert gc.get_freeze_count() >= before + 20000 and tables  # the new tables sit in the permanent generation


def test_nested_and_concurrent_loads_share_one_pause(gc_state):
    gc.enable()
    inside, go = threading.Event(), threading.Event()
    seen = {}

    def other():
        with long_lived_tables():
            inside.set()
            go.wait(5)
        seen["after other"] = gc.isenabled()

    with long_lived_tables():
        t = threading.Thread(target=other)
        t.start()
        assert inside.wait(5)
        with long_lived_tables():  # nested in the same thread
            pass
        assert not gc.isenabled()  # the inner load ended, two are still running
        go.set()
        t.join(5)
        assert seen == {"after other": False}  # the other thread's end leaves the pause to this load
    assert gc.isenabled()


def test_a_failed_load_restores_the_collector_and_freezes_nothing(gc_state):
    gc.enable()
    gc.unfreeze()
    with pytest.raises(ValueError):
        with long_lived_tables():
            junk = [[] for _ in range(1000)]
            raise ValueError("bad table")
    assert gc.isenabled() and gc.get_freeze_count() == 0 and junk
    gc.disable()  # a process that had the collector off keeps it off
    with long_lived_tables():
        pass
    assert not gc.isenabled()


def test_loading_the_coder_leaves_the_collector_on():
    from medassist.tasks.code import Coder

    was = gc.isenabled()
    gc.enable()
    try:
        Coder()
        assert gc.isenabled() and gc.get_freeze_count() > 100000
    finally:
        gc.unfreeze()
        (gc.enable if was else gc.disable)()
