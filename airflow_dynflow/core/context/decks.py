"""A call's decks rendered into one page, as flytekit's deck page is.

A ``Deck`` made while a task runs joins that call's decks (``current_context().decks``, in
``core.context.execution_context``, where the class lives beside the context it joins); with
``@task(enable_deck=True)`` the runner renders them into one page when the call returns and hands
it to a ``DeckSink``. Locally that writes ``deck.html`` in a fresh folder and logs its path, as
flytekit's local execution does; on Airflow the page is stored with the node's outputs in the blob
store and served by the plugin (``airflow.plugins.deck_endpoint``).

The deck's HTML is the task author's, passed through as written (the author is trusted, as their
code runs); only the deck's name, which is text, is escaped. The page holds no script of ours, so
a server can forbid scripts altogether.
"""

from __future__ import annotations

import html
import logging
import os
import tempfile
from collections.abc import Callable, Sequence

from airflow_dynflow.core.context.execution_context import Deck

__all__ = ["DeckSink", "render", "write_local_deck"]

DECK_FILE_NAME = "deck.html"

# Called with the rendered page of a call whose task enables decks.
DeckSink = Callable[[str], object]

log = logging.getLogger("airflow_dynflow")


def render(task: str, decks: Sequence[Deck]) -> str:
    """One page: a section per deck, in the order they were made (same-named decks are shown
    once, the last one, as flytekit's page keys decks by name). No script: the sections are
    ``<details>`` elements, which open and close without one."""
    by_name = {d.name: d.html for d in decks}
    sections = "\n".join(
        f'<details open><summary>{html.escape(name)}</summary>\n<div class="deck">\n{body}\n</div></details>'
        for name, body in by_name.items()
    )
    return (
        '<!DOCTYPE html>\n<html><head><meta charset="utf-8">'
        f"<title>{html.escape(task)}: decks</title>"
        "<style>body{font-family:sans-serif;margin:1em}summary{font-weight:bold;font-size:1.2em}"
        ".deck{margin:.5em 0 1.5em 1em}</style></head>\n"
        f"<body>\n{sections}\n</body></html>\n"
    )


def write_local_deck(task: str, page: str) -> str:
    """Write ``page`` as ``deck.html`` in a fresh local folder and log where, as flytekit does."""
    # Kept after the process exits (unlike a task's working folder), so the page can be opened.
    path = os.path.join(tempfile.mkdtemp(prefix="dynflow-deck-"), DECK_FILE_NAME)
    with open(path, "w", encoding="utf-8") as f:
        f.write(page)
    log.info("%s task creates flyte deck html to file://%s", task, path)
    return path
