"""Futures specs in the blob store: written once by the compile task, read back checked.

Whatever the store holds at the reference's key (a truncated or edited spec, garbage, a spec signed
under another key) the reader fails with ``BadFuturesSpecError``, which Airflow does not retry.
"""

from __future__ import annotations

import json
import re

import pytest

from airflow_dynflow.airflow.errors import BadFuturesSpecError, IntegrityError
from airflow_dynflow.airflow.signing_key import deployment_signer
from airflow_dynflow.airflow.store.blob_store import BlobStore
from airflow_dynflow.airflow.store.futures_spec import _read, digest_of, read_futures_spec, write_futures_spec
from airflow_dynflow.core.signing import Signer
from airflow_dynflow.core.wire.spec_write import dump_spec
from tests import entities as e

SIGNER = Signer([b"test-key"])
CHAIN = e.chain.compile(n=3)


@pytest.fixture
def store(tmp_path) -> BlobStore:
    return BlobStore(url=f"file://{tmp_path}")


@pytest.fixture
def folder(store):
    return store.run_path("wf", "r", "chain.compile")


def read(store: BlobStore, key: str, digest: str):
    return _read(store, SIGNER, key, digest, "chain.compile")


@pytest.mark.parametrize("signer", [None, SIGNER], ids=["plain", "signed"])
def test_the_digest_is_the_one_the_spec_json_ends_with(signer):
    text = dump_spec(CHAIN, signer)
    assert digest_of(text) == json.loads(text)["digest"]


@pytest.mark.parametrize(
    "text",
    [
        "",
        "}",
        '"}',
        "{",
        "garbage",
        '{"digest":',
        dump_spec(CHAIN, SIGNER)[:-2],
        dump_spec(CHAIN, SIGNER)[:40],
    ],
    ids=["empty", "brace", "quote-brace", "open", "garbage", "no-value", "cut-short", "truncated"],
)
def test_text_without_a_digest_at_its_end_has_none(text):
    assert digest_of(text) is None


def test_a_spec_is_written_under_its_folder_named_by_its_digest(store, folder):
    text = dump_spec(CHAIN, SIGNER)
    key, digest = write_futures_spec(store, folder, text)
    assert digest == json.loads(text)["digest"]
    assert key == f"runs/wf/r/chain.compile/spec-{digest[-16:]}.json"
    assert store.read_bytes(key).decode() == text


def test_a_written_spec_reads_back_equal_to_the_compiled_one(store):
    spec = e.fan.compile(n=4)
    key, digest = write_futures_spec(store, store.run_path("wf", "r", "fan.compile"), dump_spec(spec, SIGNER))
    assert read(store, key, digest) == spec


def test_a_spec_replaced_in_the_store_is_refused_naming_where(store, folder):
    key, digest = write_futures_spec(store, folder, dump_spec(CHAIN, SIGNER))
    store.write_bytes(store.path_of(key), dump_spec(e.chain.compile(n=4), SIGNER).encode())
    expected = f"the futures spec at {key} is not the one compiled for this run"
    with pytest.raises(BadFuturesSpecError, match=f"^{re.escape(expected)}$"):
        read(store, key, digest)


TEXT = dump_spec(CHAIN, SIGNER)


@pytest.mark.parametrize(
    "stored",
    [
        TEXT[:-1],
        TEXT[: len(TEXT) // 2],
        TEXT[:1],
        "",
        TEXT + "\n",
        TEXT + "\r\n",
        TEXT[:-1] + "\n",
        "\n" + TEXT,
        "garbage",
        "\x00\xff\n}",
        # garbage that ends the way the reference says a spec ends
        TEXT[TEXT.rindex(',"digest":') :].replace(",", "{", 1),
        "[1," + TEXT[TEXT.rindex(',"digest":') + 1 :],
    ],
    ids=[
        "last-char-cut",
        "half",
        "one-char",
        "empty",
        "newline-added",
        "crlf-added",
        "brace-replaced-by-newline",
        "leading-newline",
        "garbage",
        "binary",
        "digest-only",
        "garbage-ending-in-the-digest",
    ],
)
def test_a_damaged_or_garbage_spec_fails_as_a_bad_futures_spec(store, folder, stored):
    key, digest = write_futures_spec(store, folder, TEXT)
    store.write_bytes(store.path_of(key), stored.encode("utf-8", errors="surrogateescape"))
    with pytest.raises(BadFuturesSpecError):
        read(store, key, digest)


def test_a_damaged_spec_s_error_names_its_compile_task_and_the_damage(store, folder):
    key, digest = write_futures_spec(store, folder, TEXT)
    store.write_bytes(store.path_of(key), (TEXT + "\n").encode())
    with pytest.raises(
        BadFuturesSpecError, match=r"^the futures spec of chain.compile cannot be used: .*truncated"
    ):
        read(store, key, digest)


def test_a_spec_signed_under_another_key_is_refused_naming_that_key(store, folder):
    other = Signer([b"another-key"])
    key, digest = write_futures_spec(store, folder, dump_spec(CHAIN, other))
    with pytest.raises(
        BadFuturesSpecError, match=rf"signed with another key \(fingerprint {other.fingerprint}\)"
    ):
        read(store, key, digest)


def test_a_spec_with_a_plain_digest_is_refused_where_specs_are_signed(store, folder):
    key, digest = write_futures_spec(store, folder, dump_spec(CHAIN))
    with pytest.raises(BadFuturesSpecError, match="digest mismatch"):
        read(store, key, digest)


def test_a_reference_to_a_key_outside_the_store_is_refused(store, tmp_path):
    outside = tmp_path.parent / f"{tmp_path.name}-outside.json"
    outside.write_text(TEXT)
    with pytest.raises(IntegrityError, match=r"\(store confinement\)"):
        read(store, f"../{outside.name}", digest_of(TEXT))


@pytest.fixture
def deployment_store(tmp_path, monkeypatch) -> BlobStore:
    """The store and signer ``read_futures_spec`` uses (the deployment's), on a temporary folder."""
    monkeypatch.setenv("AIRFLOW__DYNFLOW__STORE_URL", f"file://{tmp_path}")
    read_futures_spec.cache_clear()
    yield BlobStore()
    read_futures_spec.cache_clear()


def test_a_spec_is_read_from_the_store_once_per_process(deployment_store, tmp_path):
    text = dump_spec(e.chain.compile(n=2), deployment_signer())
    key, digest = write_futures_spec(
        deployment_store, deployment_store.run_path("wf", "r", "chain.compile"), text
    )
    first = read_futures_spec(key, digest, "chain.compile")
    for path in (tmp_path / "runs").rglob("*.json"):
        path.unlink()
    assert read_futures_spec(key, digest, "chain.compile") is first


# ---------------------------------------------------------------- per-instance slices


def stored_with_slices(store, folder, batch=1):
    from airflow_dynflow.airflow.store.futures_spec import write_spec_slices

    key, digest = write_futures_spec(store, folder, dump_spec(CHAIN, SIGNER))
    write_spec_slices(store, CHAIN, digest, batch, SIGNER, "wf", "r", "chain.compile")
    count = len(CHAIN.nodes)
    return key, digest, [range(i, min(i + batch, count)) for i in range(0, count, batch)]


def read_slice(store, map_index, run_id="r"):
    from airflow_dynflow.airflow.store.futures_spec import read_spec_slice

    return read_spec_slice(store, SIGNER, "wf", run_id, "chain.compile", map_index)


def slices_key(store, run_id="r"):
    from airflow_dynflow.airflow.store.futures_spec import slices_path

    return store.key_of(slices_path(store, "wf", run_id, "chain.compile"))


@pytest.mark.parametrize("batch", [1, 2])
def test_each_instance_reads_back_its_own_slice_and_the_spec_it_is_part_of(store, folder, batch):
    _, digest, groups = stored_with_slices(store, folder, batch)
    for map_index, own in enumerate(groups):
        part = read_slice(store, map_index)
        assert part.own == own
        assert [part.nodes[i] for i in own] == [CHAIN.nodes[i] for i in own]
        assert (part.spec_digest, part.count, part.batch) == (digest, len(CHAIN.nodes), batch)


def test_the_slices_are_one_object_at_a_fixed_key_beside_the_spec(store, folder):
    key, _, _ = stored_with_slices(store, folder)
    assert slices_key(store) == "runs/wf/r/chain.compile/slices"
    assert sorted(p.name for p in store.path_of(key).parent.iterdir()) == sorted(
        [key.rsplit("/", 1)[1], "slices"]
    )


def test_damaged_offsets_or_a_map_index_past_the_end_are_refused(store, folder):
    stored_with_slices(store, folder)
    with pytest.raises(BadFuturesSpecError, match="no valid offsets for map index 9"):
        read_slice(store, 9)
    raw = store.read_bytes(slices_key(store))
    store.write_bytes(store.path_of(slices_key(store)), b"x" + raw[1:])
    with pytest.raises(BadFuturesSpecError, match="no valid offsets for map index 0"):
        read_slice(store, 0)


def test_offsets_pointing_at_another_instances_slice_are_refused_by_its_signature(store, folder):
    stored_with_slices(store, folder)
    raw = store.read_bytes(slices_key(store))
    swapped = raw[0:16] + raw[0:16] + raw[16:32] + raw[48:]  # map index 1 -> slice 0
    store.write_bytes(store.path_of(slices_key(store)), swapped)
    with pytest.raises(BadFuturesSpecError, match="modified after it was written"):
        read_slice(store, 1)


def test_an_edited_slice_is_refused(store, folder):
    stored_with_slices(store, folder)
    raw = store.read_bytes(slices_key(store))
    store.write_bytes(store.path_of(slices_key(store)), raw.replace(b'"b":1', b'"b":5'))
    with pytest.raises(BadFuturesSpecError, match="modified after it was written"):
        read_slice(store, 1)


def test_slices_copied_from_another_run_are_refused_by_their_signature(store, folder):
    stored_with_slices(store, folder)
    other = store.path_of(slices_key(store, run_id="other"))
    other.parent.mkdir(parents=True, exist_ok=True)
    store.write_bytes(other, store.read_bytes(slices_key(store)))
    with pytest.raises(BadFuturesSpecError, match="modified after it was written"):
        read_slice(store, 0, run_id="other")


def test_a_run_without_slices_reads_as_missing(store, folder):
    write_futures_spec(store, folder, dump_spec(CHAIN, SIGNER))
    with pytest.raises(FileNotFoundError):
        read_slice(store, 0)
