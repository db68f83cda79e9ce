"""The cycle collector is paused while an import runs and on again after, also when imports
overlap or one fails."""

import gc
import threading

import pytest

from imports.gc_pause import gc_paused


def test_paused_inside_and_on_again_after():
    assert gc.isenabled()
    with gc_paused():
        assert not gc.isenabled()
    assert gc.isenabled()


def test_overlapping_imports_keep_it_paused_until_the_last_ends():
    first_in, second_in, first_out = threading.Event(), threading.Event(), threading.Event()
    seen = []

    def first():
        with gc_paused():
            first_in.set()
            second_in.wait(5)
        first_out.set()

    def second():
        first_in.wait(5)
        with gc_paused():
            second_in.set()
            first_out.wait(5)
            seen.append(gc.isenabled())  # the first one has ended

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    assert seen == [False] and gc.isenabled()


def test_a_failing_import_turns_it_on_again():
    with pytest.raises(ValueError), gc_paused():
        raise ValueError("bad file")
    assert gc.isenabled()


def test_it_stays_off_if_it_was_off_before():
    gc.disable()
    try:
        with gc_paused():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()
