import gc

import pytest

from liangze.core.memory import cyclic_gc_paused


def test_the_collector_is_paused_inside_and_runs_again_after_even_on_error():
    assert gc.isenabled()
    with pytest.raises(RuntimeError), cyclic_gc_paused():
        assert not gc.isenabled()
        raise RuntimeError
    assert gc.isenabled()


def test_a_pause_inside_a_pause_leaves_the_outer_one_paused():
    with cyclic_gc_paused():
        with cyclic_gc_paused():
            pass
        assert not gc.isenabled()
    assert gc.isenabled()
