"""Decks (after flytesnacks' decks.py): a task shows HTML about its run.

With ``enable_deck=True`` the decks a call makes are rendered into one page when it returns:
locally written to ``deck.html`` in a fresh folder (the log says where), as flytekit does; on
Airflow stored with the node's outputs and opened from the task instance's "deck" link or the
node's box on the "Dynamic graph" page.
"""

import html
import typing

from airflow_dynflow import Deck, current_context, dynamic, map_task, task, workflow


def table(rows: typing.List[typing.Tuple[str, int]]) -> str:
    body = "".join(f"<tr><td>{html.escape(k)}</td><td>{v}</td></tr>" for k, v in rows)
    return f"<table><tr><th>word</th><th>length</th></tr>{body}</table>"


@task(enable_deck=True)
def word_lengths(words: typing.List[str]) -> int:
    rows = [(w, len(w)) for w in words]
    Deck("lengths", table(rows))
    current_context().default_deck.append(f"<p>{len(words)} words</p>")
    return sum(n for _, n in rows)


@task(enable_deck=True)
def shout(word: str) -> str:
    Deck("shout", "<h1>" + html.escape(word.upper()) + "</h1>")
    return word.upper()


@dynamic
def shout_all(words: typing.List[str]) -> typing.List[str]:
    return [shout(word=w) for w in words]


@workflow
def decks_wf(
    words: typing.List[str] = ["deck", "of", "cards"],
) -> typing.Tuple[int, typing.List[str], typing.List[str]]:
    return word_lengths(words=words), shout_all(words=words), map_task(shout)(word=words)


if __name__ == "__main__":
    print(decks_wf())
