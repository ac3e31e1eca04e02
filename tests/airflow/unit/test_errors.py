"""What a generated node whose dependency ended badly becomes, so that Airflow's repairs reach it."""

from __future__ import annotations

import pytest

from airflow_dynflow.airflow.compat import AirflowFailException, AirflowSkipException
from airflow_dynflow.airflow.errors import DependencyFailedError, dependency_dead


@pytest.mark.parametrize("state", ["failed", "upstream_failed", "removed"])
def test_a_node_whose_dependency_failed_fails_for_good_so_clear_failed_reaches_it(state):
    end = dependency_dead("n12 total", "n7 b", state)
    assert isinstance(end, DependencyFailedError) and isinstance(end, AirflowFailException)
    assert str(end).startswith("n12 total: not run: its dependency n7 b ")
    assert '"Clear failed" on this run runs both again' in str(end)


def test_a_node_whose_dependency_was_skipped_skips_as_a_static_branch_does():
    end = dependency_dead("n4 after", "n3 sort_locally", "skipped")
    assert isinstance(end, AirflowSkipException)
    assert str(end) == "n4 after: not run: its dependency n3 sort_locally was skipped"
