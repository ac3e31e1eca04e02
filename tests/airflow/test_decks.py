"""Decks under ``dag.test()``: the page is stored with the node's outputs, reached from a signed XCom
reference by the "deck" link and the graph model's ``deck_url``, and refused when either is forged."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import pytest

from airflow_dynflow.airflow import errors
from airflow_dynflow.airflow.plugins.deck_endpoint import read_deck
from airflow_dynflow.airflow.plugins.graph_source import read_run_graph
from airflow_dynflow.airflow.store.blob_store import BlobStore


@pytest.fixture(scope="module")
def decks_run(run_dag: Any) -> Any:
    run = run_dag("decks_wf", words=["ab", "<c>"])
    assert run.state == "success"
    return run


def set_xcom(run: Any, task_id: str, map_index: int, key: str, value: Any) -> None:
    """What someone who may edit XComs can do (the row's value replaced, as the API stores it)."""
    from airflow.models.xcom import XComModel
    from airflow.utils.session import create_session
    from sqlalchemy import update

    with create_session() as session:
        session.execute(
            update(XComModel)
            .where(
                XComModel.dag_id == run.dag_id,
                XComModel.run_id == run.run_id,
                XComModel.task_id == task_id,
                XComModel.map_index == map_index,
                XComModel.key == key,
            )
            .values(value=value)
        )


def test_a_static_tasks_page_is_stored_and_read_back_through_its_reference(decks_run):
    page = read_deck(decks_run.dag_id, decks_run.run_id, "word_lengths", -1, None)
    assert page is not None
    assert "<summary>lengths</summary>" in page
    assert "<td>&lt;c&gt;</td><td>3</td>" in page
    assert "<p>2 words</p>" in page


def test_the_reference_in_xcom_holds_a_store_key_and_digest_not_the_page(decks_run):
    ref = decks_run.xcom("word_lengths", key="deck")
    assert set(ref) == {"decks", "sig"}
    (entry,) = ref["decks"].values()
    assert set(entry) == {"blob", "sha256"}
    assert entry["blob"].endswith("decks/task.html")


def test_a_static_task_with_decks_gets_the_deck_link(decks_run):
    link = decks_run.xcom("word_lengths", key="_link_DeckLink")
    assert link.endswith(f"/dynflow/deck/decks_wf/{quote(decks_run.run_id)}/word_lengths/-1")


def test_each_generated_node_has_its_page_and_the_graph_model_its_deck_url(decks_run):
    graph = read_run_graph(decks_run.dag_id, decks_run.run_id)
    (dynamic,) = graph.dynamics
    assert [n.deck_url.rpartition("?")[2] for n in dynamic.nodes] == ["node=n0", "node=n1"]
    page = read_deck(decks_run.dag_id, decks_run.run_id, dynamic.nodes_task, 1, "n1")
    assert page is not None and "<h1>&lt;C&gt;</h1>" in page


def test_each_element_of_a_map_over_a_task_with_decks_has_its_page_and_link(decks_run):
    for index, word in enumerate(["AB", "&lt;C&gt;"]):
        page = read_deck(decks_run.dag_id, decks_run.run_id, "map_shout.shout", index, None)
        assert page is not None and f"<h1>{word}</h1>" in page
        assert decks_run.xcom("map_shout.shout", key="_link_DeckLink", map_index=index).endswith(
            f"/map_shout.shout/{index}"
        )


def test_a_task_without_decks_pushes_neither_reference_nor_link(decks_run):
    graph = read_run_graph(decks_run.dag_id, decks_run.run_id)
    compile_task = graph.dynamics[0].compile_task
    assert decks_run.xcom(compile_task, key="deck") is None
    assert decks_run.xcom("outputs", key="_link_DeckLink") is None


def test_a_reference_moved_to_another_instance_is_refused(decks_run):
    nodes_task = read_run_graph(decks_run.dag_id, decks_run.run_id).dynamics[0].nodes_task
    original = decks_run.xcom(nodes_task, key="deck", map_index=1)
    set_xcom(decks_run, nodes_task, 1, "deck", decks_run.xcom(nodes_task, key="deck", map_index=0))
    try:
        with pytest.raises(errors.IntegrityError, match=r"\(signature\) for the deck reference of decks_wf/"):
            read_deck(decks_run.dag_id, decks_run.run_id, nodes_task, 1, None)
    finally:
        set_xcom(decks_run, nodes_task, 1, "deck", original)


def test_a_page_changed_in_the_store_is_refused(decks_run):
    (entry,) = decks_run.xcom("word_lengths", key="deck")["decks"].values()
    path = BlobStore().path_of(entry["blob"])
    original = path.read_bytes()
    path.write_bytes(original.replace(b"lengths", b"<script>alert(1)</script>"))
    try:
        with pytest.raises(errors.IntegrityError, match=r"\(sha256\) for the deck page"):
            read_deck(decks_run.dag_id, decks_run.run_id, "word_lengths", -1, None)
    finally:
        path.write_bytes(original)


def test_an_instance_without_a_deck_reads_as_none(decks_run):
    assert read_deck(decks_run.dag_id, decks_run.run_id, "outputs", -1, None) is None
