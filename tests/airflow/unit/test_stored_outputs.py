"""Stored outputs: a later try of the same generation reuses them; a cleared instance runs again."""

from __future__ import annotations

import pytest

from airflow_dynflow.airflow.store.blob_store import BlobStore
from airflow_dynflow.airflow.store.stored_outputs import StoredOutputs

NODES = {"n4": {"o0": {"v": 16}}, "n5": {"o0": {"blob": "file:///s/o0.json", "codec": "json"}}}


@pytest.fixture
def stored(tmp_path) -> StoredOutputs:
    store = BlobStore(url=f"file://{tmp_path}")
    return StoredOutputs(store, store.run_path("wf", "r", "count.nodes", "2", "outputs.json"))


def test_nothing_is_stored_before_a_first_try_succeeds(stored):
    assert stored.read(generation_start=1) is None


def test_a_later_try_of_the_same_generation_gets_the_outputs_and_the_try_that_made_them(stored):
    stored.write(2, NODES)
    assert stored.read(generation_start=1) == (2, NODES)


def test_outputs_stored_by_the_first_try_of_a_generation_count_for_it(stored):
    stored.write(4, NODES)
    assert stored.read(generation_start=4) == (4, NODES)


def test_a_cleared_instance_starts_a_new_generation_that_ignores_older_outputs(stored):
    stored.write(2, NODES)
    assert stored.read(generation_start=3) is None


def test_a_new_write_replaces_the_old_one(stored):
    stored.write(1, NODES)
    stored.write(3, {"n4": {"o0": {"v": 17}}})
    assert stored.read(generation_start=3) == (3, {"n4": {"o0": {"v": 17}}})
