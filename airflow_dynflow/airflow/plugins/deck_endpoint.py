"""Where the deck page comes from, inside the api-server: the instance's signed XCom, then the store.

``GET /dynflow/deck/{dag_id}/{run_id}/{task_id}/{map_index}[?node=n7]`` (``plugins.app``) answers
the page of the decks an instance's task made (``@task(enable_deck=True)``). The instance's XCom
``deck`` is checked first (shape, and its signature for the very instance the URL names), then the
page's bytes against the SHA-256 it signed (``store.deck_pages``); anything else is refused, not served.

The page is the task author's HTML, served as written, under a Content-Security-Policy that runs no
script at all (``sandbox`` without ``allow-scripts``, ``script-src 'none'``) and loads nothing from
elsewhere: task authors are trusted, but whoever could slip markup into a deck through a task's
inputs is not, and the page shares the api-server's origin and so its session cookie.
"""

from __future__ import annotations

from airflow_dynflow.airflow import compat
from airflow_dynflow.airflow.signing_key import deployment_signer
from airflow_dynflow.airflow.store.blob_store import BlobStore
from airflow_dynflow.airflow.store.deck_pages import DECK_XCOM_KEY, DeckStore
from airflow_dynflow.airflow.store.payloads import location

__all__ = ["CONTENT_SECURITY_POLICY", "deck_nodes", "read_deck"]

CONTENT_SECURITY_POLICY = (
    "default-src 'none'; script-src 'none'; style-src 'unsafe-inline'; img-src data:; font-src data:; "
    "base-uri 'none'; form-action 'none'; frame-ancestors 'self'; sandbox"
)


def read_deck(dag_id: str, run_id: str, task_id: str, map_index: int, node: str | None) -> str | None:
    """The verified page, or None when the instance pushed no deck (for ``node``, when given).

    Raises ``IntegrityError`` when the reference or the page fails a check."""
    from airflow.models.xcom import XComModel
    from airflow.utils.session import create_session
    from sqlalchemy import select

    with create_session() as session:
        raw = session.scalar(
            select(XComModel.value).where(
                XComModel.dag_id == dag_id,
                XComModel.run_id == run_id,
                XComModel.task_id == task_id,
                XComModel.map_index == map_index,
                XComModel.key == DECK_XCOM_KEY,
            )
        )
    if raw is None:
        return None
    where = location(dag_id, run_id, task_id, map_index)
    decks = DeckStore(BlobStore(), deployment_signer())
    entries = decks.entries(compat.stored_xcom_value(raw), where)
    name = node if node is not None else next(iter(sorted(entries)), None)
    entry = entries.get(name) if name is not None else None
    return None if entry is None else decks.page(entry, where)


def deck_nodes(session: object, dag_id: str, run_id: str, task_id: str) -> dict[int, frozenset[str]]:
    """Per map index of ``task_id``, the nodes whose deck an instance pushed: which boxes of the
    graph page get a deck link. Only names are read here; the page is checked when it is served."""
    from airflow.models.xcom import XComModel
    from sqlalchemy import select

    rows = session.execute(  # type: ignore[attr-defined]
        select(XComModel.map_index, XComModel.value).where(
            XComModel.dag_id == dag_id,
            XComModel.run_id == run_id,
            XComModel.task_id == task_id,
            XComModel.key == DECK_XCOM_KEY,
        )
    ).all()
    found = {}
    for map_index, raw in rows:
        value = compat.stored_xcom_value(raw)
        decks = value.get("decks") if isinstance(value, dict) else None
        if isinstance(decks, dict):
            found[map_index] = frozenset(k for k in decks if isinstance(k, str))
    return found
