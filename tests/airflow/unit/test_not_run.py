"""The record a node leaves when it did not run for a failed dependency: signed for its place."""

from __future__ import annotations

from airflow_dynflow.airflow.runtime.not_run import not_run_record, verified_dependency
from airflow_dynflow.core.signing import Signer

SIGNER = Signer([b"k" * 32])
PLACE = ("wf", "r1", "fan.nodes", 12)


def test_a_record_names_the_dependency_the_node_did_not_run_for():
    assert verified_dependency(SIGNER, not_run_record(SIGNER, *PLACE, 7), *PLACE) == 7


def test_a_record_moved_to_another_node_is_ignored():
    assert verified_dependency(SIGNER, not_run_record(SIGNER, *PLACE, 7), "wf", "r1", "fan.nodes", 11) is None


def test_an_edited_dependency_is_ignored():
    record = not_run_record(SIGNER, *PLACE, 7) | {"dependency": 3}
    assert verified_dependency(SIGNER, record, *PLACE) is None


def test_a_record_of_another_shape_is_ignored():
    assert verified_dependency(SIGNER, {"dependency": "7", "sig": "x"}, *PLACE) is None
    assert verified_dependency(SIGNER, [7], *PLACE) is None
