"""A task's deck page: stored in the blob store beside its outputs, referenced by a signed XCom.

The page (``core.context.decks.render``) is written under the task instance's folder
(``runs/<dag>/<run>/<task>/<map index>/decks/<node>.html``); the instance pushes XCom ``deck``:
``{"decks": {<node>: {"blob": <key>, "sha256": ...}}, "sig": ...}``, one signature (purpose
``deck``) over the instance's place and the canonical JSON of ``decks``. ``<node>`` is the
generated node's id (``n7``), or ``task`` for a static task's instance. The plugin serves a page
only after checking that signature for the instance the URL names, then the bytes against their
SHA-256: an XCom editor cannot point the link at another object, nor a bucket writer change it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from typing import Any

from airflow.sdk import ObjectStoragePath

from airflow_dynflow.airflow import errors
from airflow_dynflow.airflow.store.blob_store import BlobStore
from airflow_dynflow.airflow.store.payloads import canonical_json
from airflow_dynflow.core.signing import Signer

__all__ = ["DECK_XCOM_KEY", "STATIC_NODE", "DeckStore"]

DECK_XCOM_KEY = "deck"
# The node name of a static task's deck (a generated node's is its id, n7).
STATIC_NODE = "task"
_ENTRY = frozenset({"blob", "sha256"})
_PUSHED = frozenset({"decks", "sig"})


class DeckStore:
    def __init__(self, store: BlobStore, signer: Signer) -> None:
        self.store = store
        self.signer = signer

    def write(self, folder: ObjectStoragePath, node: str, page: str) -> dict[str, str]:
        """Store one node's page in the instance's ``folder``; its entry for the reference."""
        data = page.encode("utf-8")
        key = self.store.write_bytes(self.store.child(folder, "decks", f"{node}.html"), data)
        return {"blob": key, "sha256": hashlib.sha256(data).hexdigest()}

    def reference(self, entries: Mapping[str, Mapping[str, str]], where: str) -> dict[str, Any]:
        """The XCom an instance at ``where`` (``payloads.location``) pushes for its pages."""
        body = {node: dict(entry) for node, entry in entries.items()}
        return {"decks": body, "sig": self.signer.sign("deck", where, canonical_json(body))}

    def entries(self, pushed: object, where: str) -> dict[str, dict[str, str]]:
        """The entries of a reference read back for the instance at ``where``, once its shape and
        signature hold; nothing in it is used before."""
        if not (isinstance(pushed, dict) and frozenset(pushed) == _PUSHED):
            raise errors.bad_deck_reference(where)
        body = pushed["decks"]
        if not isinstance(body, dict):
            raise errors.bad_deck_reference(where)
        if not all(
            isinstance(e, dict) and frozenset(e) == _ENTRY and all(isinstance(v, str) for v in e.values())
            for e in body.values()
        ):
            raise errors.bad_deck_reference(where)
        if not self.signer.verify(pushed["sig"], "deck", where, canonical_json(body)):
            raise errors.forged_deck_reference(where, self.signer.mismatch(pushed["sig"]))
        return body

    def page(self, entry: Mapping[str, str], where: str) -> str:
        """A verified entry's page, once its bytes match the SHA-256 the signature covered."""
        data = self.store.read_bytes(entry["blob"])
        if hashlib.sha256(data).hexdigest() != entry["sha256"]:
            raise errors.changed_deck(where, entry["blob"])
        return data.decode("utf-8")
