"""The deck pages of one task instance, and the "deck" extra link that leads to them.

An instance's calls of tasks with ``enable_deck=True`` hand their pages to ``InstanceDecks.sink``:
each is stored at once in the instance's folder (``store.deck_pages``); ``push`` then pushes the one
signed reference. The link is whatever this process knew, as ``ChildRunLink``'s: the task SDK calls
``get_link`` in the worker when the instance finishes and stores the URL in XCom, so only an
instance that pushed a deck gets a link (to the plugin's ``/dynflow/deck/...``, which checks the
reference and the page before it serves them).
"""

from __future__ import annotations

from urllib.parse import quote

from airflow.sdk import BaseOperator, BaseOperatorLink, Context, ObjectStoragePath

from airflow_dynflow.airflow.compat import TaskInstanceKey, conf
from airflow_dynflow.airflow.signing_key import deployment_signer
from airflow_dynflow.airflow.store.blob_store import BlobStore
from airflow_dynflow.airflow.store.deck_pages import DECK_XCOM_KEY, DeckStore
from airflow_dynflow.airflow.store.payloads import location
from airflow_dynflow.core.context.decks import DeckSink

__all__ = ["DeckLink", "InstanceDecks", "deck_links", "deck_url", "instance_decks"]

# (dag, run, task, map index) of the instances this process pushed a deck reference for.
_PUSHED: set[tuple[str, str, str, int]] = set()


def deck_url(dag_id: str, run_id: str, task_id: str, map_index: int, node: str | None = None) -> str:
    """The plugin's page of an instance's deck (``node``: which generated node's, n7)."""
    base = conf.get("api", "base_url", fallback="/").rstrip("/")
    parts = "/".join(quote(p, safe="") for p in (dag_id, run_id, task_id, str(map_index)))
    return f"{base}/dynflow/deck/{parts}" + (f"?node={quote(node, safe='')}" if node else "")


class InstanceDecks:
    def __init__(self, decks: DeckStore, folder: ObjectStoragePath, where: str) -> None:
        self.decks = decks
        self.folder = folder
        self.where = where
        self.entries: dict[str, dict[str, str]] = {}

    def sink(self, node: str) -> DeckSink:
        def store(page: str) -> None:
            self.entries[node] = self.decks.write(self.folder, node, page)

        return store

    def push(self, context: Context) -> None:
        """Push the reference of every page stored, if any, and let the link show."""
        if not self.entries:
            return
        ti = context["ti"]
        ti.xcom_push(key=DECK_XCOM_KEY, value=self.decks.reference(self.entries, self.where))
        map_index = -1 if ti.map_index is None else ti.map_index
        _PUSHED.add((ti.dag_id, ti.run_id, ti.task_id, map_index))


def instance_decks(operator: BaseOperator, context: Context, store: BlobStore) -> InstanceDecks:
    """The decks of the instance ``context`` runs, in its folder of the store."""
    ti = context["ti"]
    map_index = -1 if ti.map_index is None else ti.map_index
    folder = store.run_path(operator.dag_id, context["run_id"], operator.task_id, str(map_index))
    where = location(operator.dag_id, context["run_id"], operator.task_id, map_index)
    return InstanceDecks(DeckStore(store, deployment_signer()), folder, where)


class DeckLink(BaseOperatorLink):
    """ "deck": the page of the decks an instance's tasks made (``enable_deck=True``)."""

    name = "deck"

    def get_link(self, operator: BaseOperator, *, ti_key: TaskInstanceKey) -> str:
        key = (ti_key.dag_id, ti_key.run_id, ti_key.task_id, ti_key.map_index)
        return deck_url(*key) if key in _PUSHED else ""


def deck_links(*entities: object) -> tuple[BaseOperatorLink, ...]:
    """The "deck" link for an operator that runs a task with decks, else none: the task SDK pushes
    every declared link when an instance finishes, an empty one too (a request and a DB row)."""
    return (DeckLink(),) if any(getattr(e, "enable_deck", False) for e in entities) else ()
