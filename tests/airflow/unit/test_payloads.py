"""Output envelopes: small JSON inline, larger JSON and pickled values in the blob store."""

from __future__ import annotations

import datetime
import json

import cloudpickle
import pytest

from airflow_dynflow.airflow.store.blob_store import BlobStore
from airflow_dynflow.airflow.store.payloads import Payloads
from airflow_dynflow.core.converters import InvalidValue, converter_for
from tests.airflow.unit import entities as e

INTS = converter_for(list[int])
OPAQUE = converter_for(e.Opaque)


@pytest.fixture
def store(tmp_path) -> BlobStore:
    return BlobStore(url=f"file://{tmp_path}")


def test_a_value_within_the_limit_travels_inline_as_json(store):
    payloads = Payloads(store, max_bytes=7)  # "[1,2,3]"
    assert payloads.encode(INTS, [1, 2, 3], store.run_path("wf", "r", "o0")) == {"v": [1, 2, 3]}


def test_a_value_one_byte_over_the_limit_goes_to_the_blob_store_as_json(store):
    payloads = Payloads(store, max_bytes=6)
    path = store.run_path("wf", "r", "o0")
    stored = payloads.encode(INTS, [1, 2, 3], path)
    assert stored == {"blob": str(path.with_suffix(".json")), "codec": "json"}
    assert json.loads(path.with_suffix(".json").read_text()) == [1, 2, 3]


def test_a_type_pydantic_cannot_describe_is_pickled_to_the_blob_store_however_small(store):
    payloads = Payloads(store, max_bytes=10**6)
    path = store.run_path("wf", "r", "o0")
    stored = payloads.encode(OPAQUE, e.Opaque(1), path)
    assert stored == {"blob": str(path.with_suffix(".pkl")), "codec": "pickle"}


@pytest.mark.parametrize("max_bytes", [0, 10**6], ids=["blob", "inline"])
def test_a_json_value_decodes_to_the_native_value_it_was(store, max_bytes):
    payloads = Payloads(store, max_bytes=max_bytes)
    converter = converter_for(dict[str, datetime.date])
    value = {"start": datetime.date(2024, 2, 29)}
    stored = payloads.encode(converter, value, store.run_path("wf", "r", "x"))
    assert payloads.decode(converter, stored) == value


def test_a_pickled_value_decodes_to_an_equal_object(store):
    payloads = Payloads(store, max_bytes=0)
    stored = payloads.encode(OPAQUE, e.Opaque(5), store.run_path("wf", "r", "o0"))
    value = payloads.decode(OPAQUE, stored)
    assert isinstance(value, e.Opaque) and value.n == 5


def test_a_pickled_value_of_another_type_is_refused_on_decoding(store):
    path = store.run_path("wf", "r", "o0.pkl")
    stored = {"blob": store.write_bytes(path, cloudpickle.dumps(e.Point(1, 2))), "codec": "pickle"}
    with pytest.raises(InvalidValue, match="^not an instance of Opaque$"):
        Payloads(store, max_bytes=0).decode(OPAQUE, stored)


def test_each_output_is_encoded_on_its_own_by_name_under_its_own_path(store):
    payloads = Payloads(store, max_bytes=4)
    base = store.run_path("wf", "r", "n3")
    envelope = payloads.encode_outputs(e.split.interface, {"o0": 5, "o1": "55555"}, base)
    assert envelope == {
        "o0": {"v": 5},
        "o1": {"blob": str((base / "o1").with_suffix(".json")), "codec": "json"},
    }


def test_the_inline_limit_defaults_to_dynflow_xcom_max_bytes(store, monkeypatch):
    monkeypatch.setenv("AIRFLOW__DYNFLOW__XCOM_MAX_BYTES", "123")
    assert Payloads(store).max_bytes == 123
