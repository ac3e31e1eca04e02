"""How arguments bind to inputs, locally and while tracing: Python's own rules and wording."""

import pytest

from airflow_dynflow import workflow
from tests.core import examples as ex


def test_keyword_call_runs_locally():
    assert ex.add(a=1, b=2) == 3


def test_positional_call_binds_in_declaration_order():
    assert ex.add(1, 2) == 3


def test_mixed_positional_and_keyword_call():
    assert ex.add(1, b=5) == 6


def test_missing_argument_names_entity_and_argument():
    with pytest.raises(TypeError, match=r"add\(\) missing required argument 'b'"):
        ex.add(a=1)


def test_unexpected_argument_names_entity_and_argument():
    with pytest.raises(TypeError, match=r"add\(\) got an unexpected keyword argument 'c'"):
        ex.add(a=1, b=2, c=3)


def test_duplicate_argument_names_entity_and_argument():
    with pytest.raises(TypeError, match=r"add\(\) got multiple values for argument 'a'"):
        ex.add(1, a=1)


def test_too_many_positional_arguments():
    with pytest.raises(TypeError, match=r"add\(\) takes 2 positional arguments but 3 were given"):
        ex.add(1, 2, 3)


def test_default_fills_a_missing_input():
    assert ex.add_then_double(a=1) == 4


def test_argument_errors_also_happen_while_tracing():
    with pytest.raises(TypeError, match=r"add\(\) missing required argument 'b'"):

        @workflow
        def wf(x: int) -> int:
            return ex.add(a=x)


def test_positional_call_inside_a_workflow():
    @workflow
    def wf(x: int) -> int:
        return ex.add(x, 2)

    assert wf(x=1) == 3
