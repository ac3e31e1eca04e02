"""Futures specs in the blob store: written once by the compile task, read back checked."""

from __future__ import annotations

import json
import re

import pytest

from airflow_dynflow.airflow.store.blob_store import BlobStore
from airflow_dynflow.airflow.store.futures_spec import digest_of, read_futures_spec, write_futures_spec
from airflow_dynflow.core.errors import SpecError
from tests.airflow.unit import entities as e


@pytest.fixture
def store(tmp_path) -> BlobStore:
    return BlobStore(url=f"file://{tmp_path}")


@pytest.mark.parametrize("key", [None, b"secret"], ids=["plain", "signed"])
def test_the_digest_is_the_one_the_spec_json_ends_with(key):
    text = e.chain.compile(n=3).to_json(key)
    assert digest_of(text) == json.loads(text)["digest"]


def test_a_spec_is_written_under_its_folder_named_by_its_digest(store):
    text = e.chain.compile(n=3).to_json()
    folder = store.run_path("wf", "r", "chain.compile")
    uri, digest = write_futures_spec(store, folder, text)
    assert digest == json.loads(text)["digest"]
    assert uri == str(folder / f"spec-{digest[-16:]}.json")
    assert store.read_text(uri) == text


def test_a_written_spec_reads_back_equal_to_the_compiled_one(store):
    spec = e.fan.compile(n=4)
    uri, digest = write_futures_spec(store, store.run_path("wf", "r", "fan.compile"), spec.to_json())
    assert read_futures_spec(uri, digest) == spec


def test_a_spec_replaced_in_the_store_is_refused_naming_where(store):
    folder = store.run_path("wf", "r", "chain.compile")
    uri, digest = write_futures_spec(store, folder, e.chain.compile(n=3).to_json())
    store.write_bytes(folder / uri.rsplit("/", 1)[1], e.chain.compile(n=4).to_json().encode())
    expected = f"the futures spec at {uri} is not the one compiled for this run"
    with pytest.raises(SpecError, match=f"^{re.escape(expected)}$"):
        read_futures_spec(uri, digest)


def test_a_spec_is_read_from_the_store_once_per_process(store, tmp_path):
    spec = e.chain.compile(n=2)
    uri, digest = write_futures_spec(store, store.run_path("wf", "r", "chain.compile"), spec.to_json())
    first = read_futures_spec(uri, digest)
    for path in (tmp_path / "runs").rglob("*.json"):
        path.unlink()
    assert read_futures_spec(uri, digest) is first
