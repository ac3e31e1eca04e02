"""Stored outputs: a later try of the same generation reuses them; a cleared instance runs again;
a planted or edited file is refused before it is parsed."""

from __future__ import annotations

import pytest

from airflow_dynflow.airflow.errors import IntegrityError
from airflow_dynflow.airflow.store.blob_store import BlobStore
from airflow_dynflow.airflow.store.payloads import Payloads, location
from airflow_dynflow.airflow.store.stored_outputs import StoredOutputs
from airflow_dynflow.core.signing import Signer

SIGNER = Signer([b"test-key"])
WHERE = location("wf", "r", "count.nodes", 2) + "/v1"
# What instance 2 pushed: its nodes' envelopes under its one signature, kept as they are.
NODES = {
    "sig": "hmac-sha256:00",
    "nodes": {
        "n4": {"o0": {"v": 16}},
        "n5": {"o0": {"blob": "runs/wf/r/n5/o0.json", "codec": "json", "sha256": "ab"}},
    },
}


@pytest.fixture
def store(tmp_path) -> BlobStore:
    return BlobStore(url=f"file://{tmp_path}")


def stored_outputs(store: BlobStore, where: str = WHERE, signer: Signer = SIGNER) -> StoredOutputs:
    path = store.run_path("wf", "r", "count.nodes", "2", "outputs.json")
    return StoredOutputs(store=store, signer=signer, path=path, where=where)


@pytest.fixture
def stored(store) -> StoredOutputs:
    return stored_outputs(store)


def refused():
    return pytest.raises(
        IntegrityError, match=r"^integrity check failed \(signature\) for the stored outputs of"
    )


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


def test_outputs_of_an_earlier_generation_say_the_instance_succeeded_before_it_was_cleared(stored):
    stored.write(2, NODES)
    assert stored.stored_before(generation_start=3)


def test_outputs_of_this_generation_are_not_from_before_the_clear(stored):
    stored.write(3, NODES)
    assert not stored.stored_before(generation_start=3)


def test_an_instance_that_never_succeeded_stored_nothing_before(stored):
    assert not stored.stored_before(generation_start=3)


def test_a_planted_file_is_refused_by_the_look_back_too(stored, store):
    store.write_bytes(stored.path, b'hmac-sha256:00\n{"try": 1, "pushed": {}}')
    with refused():
        stored.stored_before(generation_start=3)


def test_nodes_an_unfinished_try_stored_are_its_progress_for_a_later_try(stored, store):
    stored.write_progress(2, {"n4": {"o0": {"v": 16}}})
    later = stored_outputs(store)
    assert later.progress(generation_start=1) == (2, {"n4": {"o0": {"v": 16}}})
    assert later.read(generation_start=1) is None, "unfinished: nothing to push yet"


def test_progress_of_an_earlier_generation_is_not_reused(stored, store):
    stored.write_progress(2, {"n4": {"o0": {"v": 16}}})
    assert stored_outputs(store).progress(generation_start=3) == (0, {})


def test_an_unfinished_earlier_generation_did_not_succeed_before_the_clear(stored, store):
    stored.write_progress(2, {"n4": {"o0": {"v": 16}}})
    assert not stored_outputs(store).stored_before(generation_start=3)


def test_the_finished_value_replaces_the_progress(stored, store):
    stored.write_progress(2, {"n4": {"o0": {"v": 16}}})
    stored.write(2, NODES)
    later = stored_outputs(store)
    assert later.read(generation_start=1) == (2, NODES) and later.progress(generation_start=1) == (0, {})


def test_a_new_write_replaces_the_old_one(stored):
    stored.write(1, NODES)
    again = {"sig": "hmac-sha256:02", "nodes": {"n4": {"o0": {"v": 17}}}}
    stored.write(3, again)
    assert stored.read(generation_start=3) == (3, again)


def test_a_later_try_re_pushes_the_instance_value_the_first_try_signed(stored, store):
    payloads = Payloads(store, SIGNER, max_bytes=1000)
    instance = location("wf", "r", "count.nodes", 2)
    pushed = payloads.sign_instance({"n4": {"o0": {"v": 16}}}, instance)
    stored.write(1, pushed)
    _, again = stored.read(generation_start=1)
    assert again == pushed
    assert payloads.verify_instance(again, instance) == {"n4": {"o0": {"v": 16}}}


def test_a_file_stored_before_instance_values_were_signed_whole_lets_the_node_run_again(stored, store):
    body = b'{"try": 2, "nodes": {"n4": {"o0": {"v": 16, "sig": "hmac-sha256:00"}}}}'
    store.write_bytes(stored.path, SIGNER.sign("stored-outputs", WHERE, body).encode() + b"\n" + body)
    assert stored.read(generation_start=1) is None


@pytest.mark.parametrize(
    "planted",
    [
        b'{"try": 99, "nodes": {}}',
        b'\n{"try": 99, "nodes": {}}',
        b'hmac-sha256:00\n{"try": 99, "nodes": {}}',
        b"hmac-sha256:00\n{not json",
        b"\xff\xfe\n\x80",
        b"",
    ],
    ids=["json-only", "empty-signature", "wrong-signature", "not-json", "binary", "empty"],
)
def test_a_planted_file_is_refused_before_it_is_parsed(stored, store, planted):
    store.write_bytes(stored.path, planted)
    with refused():
        stored.read(generation_start=1)


def test_an_edited_file_is_refused(stored, store):
    stored.write(2, NODES)
    edited = stored.path.read_bytes().replace(b'"try": 2', b'"try": 9')
    assert b'"try": 9' in edited
    store.write_bytes(stored.path, edited)
    with refused():
        stored_outputs(store).read(generation_start=1)  # the later try that reads it


def test_a_file_stored_for_another_instance_is_refused(store):
    stored_outputs(store, location("wf", "r", "count.nodes", 3) + "/v1").write(2, NODES)
    with refused():
        stored_outputs(store).read(generation_start=1)


def test_a_file_signed_under_another_key_is_refused(store):
    stored_outputs(store, signer=Signer([b"another-key"])).write(2, NODES)
    with refused():
        stored_outputs(store).read(generation_start=1)
