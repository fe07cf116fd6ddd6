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


def test_a_pause_for_work_freezes_nothing_and_shares_the_pause_of_a_load(gc_state):
    from medassist.runtime.loading import collector_paused

    gc.enable()
    gc.unfreeze()
    with collector_paused():
        assert not gc.isenabled()
        work = [{"candidate": i} for i in range(5000)]
    assert gc.isenabled() and gc.get_freeze_count() == 0 and work
    # a load that ends inside a pause for work: its tables are frozen when the last pause ends, not before
    with collector_paused():
        with long_lived_tables():
            tables = [(i, "I10") for i in range(20000)]
        assert not gc.isenabled() and gc.get_freeze_count() == 0
    assert gc.isenabled() and gc.get_freeze_count() >= 20000 and tables
    with pytest.raises(ValueError):  # work that fails gives the collector back too
        with collector_paused():
            raise ValueError("bad note")
    assert gc.isenabled()


def test_coding_a_note_sets_off_no_collection_and_leaves_the_collector_as_it_was():
    from medassist.ingest import document_from_text
    from medassist.tasks.code import get_coder

    coder = get_coder()
    note = ("ASSESSMENT: Type 2 diabetes mellitus with diabetic chronic kidney disease, stage 3. Essential "
            "hypertension. Hyperlipidemia. Chronic obstructive pulmonary disease. Major depressive disorder, "
            "recurrent, moderate. Obesity, BMI 32. Former smoker. ") * 6
    doc = document_from_text(note, source="typed.txt")
    collections = []

    def seen(phase, info):
        if phase == "start":
            collections.append(info["generation"])

    was = gc.isenabled()
    gc.enable()
    gc.callbacks.append(seen)
    try:
        result = coder.code(doc)
        assert gc.isenabled()
        gc.disable()  # a process that runs with the collector off keeps it off
        coder.code(doc)
        assert not gc.isenabled()
    finally:
        gc.callbacks.remove(seen)
        (gc.enable if was else gc.disable)()
    assert {"E11.22", "J44.9"} <= {c.code for c in result.codes if c.suggested}
    # none while the note was coded; the one its objects make due may run once the collector is back (with the
    # collector on throughout: dozens a note)
    assert len(collections) <= 1, collections
