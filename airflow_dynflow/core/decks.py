"""``Deck``: HTML a task shows about its run, as flytekit's decks are.

A deck made while a task runs joins that call's decks (``current_context().decks``); with
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

from airflow_dynflow.core import errors

__all__ = ["DEFAULT_DECK", "Deck", "DeckSink", "render", "write_local_deck"]

DEFAULT_DECK = "default"
DECK_FILE_NAME = "deck.html"

# Called with the rendered page of a call whose task enables decks.
DeckSink = Callable[[str], object]

log = logging.getLogger("airflow_dynflow")


class Deck:
    """A named section of HTML; made inside a task, it joins that call's decks."""

    __slots__ = ("_html", "_name")

    def __init__(self, name: str, html: str = "") -> None:
        from airflow_dynflow.core.execution_context import current_context

        if not isinstance(name, str) or not isinstance(html, str):
            raise errors.deck_not_text(name, html)
        self._name = name
        self._html = html
        current_context().decks.append(self)

    @property
    def name(self) -> str:
        return self._name

    @property
    def html(self) -> str:
        return self._html

    def append(self, html: str) -> Deck:
        if not isinstance(html, str):
            raise errors.deck_not_text(self._name, html)
        self._html = f"{self._html}\n{html}"
        return self

    def __repr__(self) -> str:
        return f"Deck({self._name!r}, {len(self._html)} characters)"


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
