"""Decks locally: collected per call, rendered to deck.html when the task enables them, as flytekit."""

import logging
import re
import typing

import pytest

from airflow_dynflow import Deck, current_context, dynamic, task
from airflow_dynflow.core.context.decks import render


@task(enable_deck=True)
def with_decks(x: int) -> int:
    Deck("numbers", f"<b>{x}</b>").append("<i>appended</i>")
    current_context().default_deck.append("<p>first</p>")
    current_context().default_deck.append("<p>second</p>")
    return x


@task
def without_enable(x: int) -> int:
    Deck("numbers", "<b>never shown</b>")
    return x


@dynamic
def many(n: int) -> typing.List[int]:
    return [with_decks(x=i) for i in range(n)]


def written_pages(caplog) -> list[str]:
    paths = re.findall(r"creates flyte deck html to file://(\S+)", caplog.text)
    return [open(p, encoding="utf-8").read() for p in paths]


def test_a_task_with_decks_writes_its_page_locally_and_logs_where(caplog):
    caplog.set_level(logging.INFO, "airflow_dynflow")
    assert with_decks(x=7) == 7
    (page,) = written_pages(caplog)
    assert "<b>7</b>\n<i>appended</i>" in page
    assert "<summary>numbers</summary>" in page


def test_default_deck_is_one_deck_that_later_uses_append_to(caplog):
    caplog.set_level(logging.INFO, "airflow_dynflow")
    with_decks(x=1)
    (page,) = written_pages(caplog)
    assert page.count("<summary>default</summary>") == 1
    assert "<p>first</p>\n<p>second</p>" in page


def test_a_task_without_enable_deck_writes_no_page(caplog):
    caplog.set_level(logging.INFO, "airflow_dynflow")
    without_enable(x=1)
    assert written_pages(caplog) == []


def test_each_generated_node_of_a_dynamic_writes_its_own_page(caplog):
    caplog.set_level(logging.INFO, "airflow_dynflow")
    assert many(n=2) == [0, 1]
    pages = written_pages(caplog)
    assert len(pages) == 2
    assert "<b>0</b>" in pages[0] and "<b>1</b>" in pages[1]


def test_a_decks_name_is_escaped_and_its_html_kept_as_written():
    page = render("t", [_deck("<script>x</script>", "<em>kept</em>")])
    assert "<summary>&lt;script&gt;x&lt;/script&gt;</summary>" in page
    assert "<em>kept</em>" in page


def test_the_page_holds_no_script_of_its_own():
    assert "<script" not in render("t", [_deck("a", "<p>b</p>")])


def test_a_deck_takes_text_only():
    with pytest.raises(TypeError, match="a deck's name and HTML are str"):
        Deck("d", 3)


def _deck(name: str, html: str) -> Deck:
    # Outside a task a deck joins a throw-away context, as flytekit's does outside an execution.
    return Deck(name, html)
