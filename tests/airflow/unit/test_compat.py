"""compat.state_name: one spelling for the states Airflow hands back as enums or strings."""

from __future__ import annotations

import pytest
from airflow.sdk import DagRunState, TaskInstanceState

from airflow_dynflow.airflow.compat import state_name


@pytest.mark.parametrize(
    ("state", "name"),
    [
        (TaskInstanceState.SUCCESS, "success"),
        (TaskInstanceState.UPSTREAM_FAILED, "upstream_failed"),
        (DagRunState.FAILED, "failed"),
        ("success", "success"),
        ("SKIPPED", "skipped"),
    ],
)
def test_enums_and_strings_alike_become_the_lower_case_name(state, name):
    assert state_name(state) == name


def test_no_state_stays_none():
    # An instance that was never scheduled has no state; it must not become the string "none".
    assert state_name(None) is None
