"""Deck pages in the blob store and their signed reference: what an XCom editor or a bucket writer
meets when they move or change one."""

from __future__ import annotations

import pytest

from airflow_dynflow.airflow.errors import IntegrityError
from airflow_dynflow.airflow.store.blob_store import BlobStore
from airflow_dynflow.airflow.store.deck_pages import DeckStore
from airflow_dynflow.airflow.store.payloads import location
from airflow_dynflow.core.signing import Signer

SIGNER = Signer([b"test-key-for-decks"])
HERE = location("wf", "r", "t.nodes", 3)


@pytest.fixture
def decks(tmp_path) -> DeckStore:
    return DeckStore(BlobStore(url=f"file://{tmp_path}/store"), SIGNER)


def stored(decks: DeckStore) -> dict:
    folder = decks.store.run_path("wf", "r", "t.nodes", "3")
    return decks.reference({"n7": decks.write(folder, "n7", "<p>page</p>")}, HERE)


def test_a_page_reads_back_through_its_reference(decks):
    entries = decks.entries(stored(decks), HERE)
    assert decks.page(entries["n7"], HERE) == "<p>page</p>"


def test_a_reference_read_for_another_instance_is_refused(decks):
    with pytest.raises(IntegrityError, match=r"\(signature\) for the deck reference of wf/r/t.nodes/4"):
        decks.entries(stored(decks), location("wf", "r", "t.nodes", 4))


def test_a_reference_pointing_at_another_blob_is_refused(decks):
    ref = stored(decks)
    ref["decks"]["n7"]["blob"] = "runs/wf/r/other.html"
    with pytest.raises(IntegrityError, match="signature"):
        decks.entries(ref, HERE)


@pytest.mark.parametrize("bad", [None, "x", {"decks": []}, {"decks": {"n7": {"blob": 1}}, "sig": "s"}])
def test_a_reference_of_the_wrong_shape_is_refused_before_its_signature(decks, bad):
    with pytest.raises(IntegrityError, match="reference shape"):
        decks.entries(bad, HERE)


def test_a_page_changed_in_the_store_is_refused(decks):
    entries = decks.entries(stored(decks), HERE)
    decks.store.path_of(entries["n7"]["blob"]).write_bytes(b"<script>x</script>")
    with pytest.raises(IntegrityError, match=r"\(sha256\) for the deck page"):
        decks.page(entries["n7"], HERE)
