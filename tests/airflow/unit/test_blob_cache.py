"""The task cache on the blob store: a signed entry reads back; a planted or edited one is refused
before its text reaches the caller (who would parse it, and unpickle pickled outputs)."""

from __future__ import annotations

import base64

import cloudpickle
import pytest

from airflow_dynflow.airflow.errors import IntegrityError
from airflow_dynflow.airflow.store.blob_cache import BlobCache
from airflow_dynflow.airflow.store.blob_store import BlobStore
from airflow_dynflow.core.signing import Signer
from tests import entities as e

SIGNER = Signer([b"test-key"])
KEY = "3f" + "a" * 62
OTHER_KEY = "3f" + "b" * 62
TEXT = '{"o0": 6}'


@pytest.fixture
def store(tmp_path) -> BlobStore:
    return BlobStore(url=f"file://{tmp_path}")


@pytest.fixture
def cache(store) -> BlobCache:
    return BlobCache(store, SIGNER)


def refused(key: str = KEY):
    return pytest.raises(
        IntegrityError, match=rf"^integrity check failed \(signature\) for the cache entry {key}"
    )


def test_a_key_never_put_is_a_miss(cache):
    assert cache.get(KEY) is None


def test_a_put_entry_reads_back_as_its_text(cache):
    cache.put(KEY, TEXT)
    assert cache.get(KEY) == TEXT


def test_an_entry_is_shared_by_every_cache_on_the_store_under_the_same_key(cache, store):
    cache.put(KEY, "Zürich ✓\nsecond line")
    assert BlobCache(store, Signer([b"new-key", b"test-key"])).get(KEY) == "Zürich ✓\nsecond line"


@pytest.mark.parametrize(
    "planted",
    [
        TEXT.encode(),
        b"\n" + TEXT.encode(),
        b"hmac-sha256:00\n" + TEXT.encode(),
        b'hmac-sha256:00\n{"o0": "' + base64.b64encode(cloudpickle.dumps(e.Opaque(1))) + b'"}',
        b"\xff\xfe\n\x80",
        b"",
    ],
    ids=["text-only", "empty-signature", "wrong-signature", "pickled-output", "binary", "empty"],
)
def test_a_planted_entry_is_refused(cache, store, planted):
    store.write_bytes(store.cache_path(KEY), planted)
    with refused():
        cache.get(KEY)


def test_an_edited_entry_is_refused(cache, store):
    cache.put(KEY, TEXT)
    path = store.cache_path(KEY)
    signature, _, text = path.read_bytes().partition(b"\n")
    store.write_bytes(path, signature + b"\n" + text.replace(b"6", b"7"))
    with refused():
        cache.get(KEY)


def test_an_entry_copied_under_another_key_is_refused(cache, store):
    cache.put(KEY, TEXT)
    store.write_bytes(store.cache_path(OTHER_KEY), store.cache_path(KEY).read_bytes())
    with refused(OTHER_KEY):
        cache.get(OTHER_KEY)


def test_an_entry_signed_under_another_key_is_refused(cache, store):
    BlobCache(store, Signer([b"another-key"])).put(KEY, TEXT)
    with refused():
        cache.get(KEY)
