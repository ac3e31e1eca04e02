"""The "Dynamic graph" page's drawing in headless Chromium, on pages rendered from built graphs.

The page is a shell around the run's JSON (graph_page); these tests load it from a file, so they
check what the script draws and how it answers a user (layout, groups, search, filter, zoom) without
a stack; test_graph_view checks the same page served, authorised and refreshed by a real api-server.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from airflow_dynflow.airflow import log_notes
from airflow_dynflow.airflow.plugins.graph_model import Instance, build_dynamic
from airflow_dynflow.airflow.plugins.graph_page import PAGE_SIZE, render_page
from airflow_dynflow.airflow.plugins.graph_source import RunGraph
from tests.conftest import REPO

pytestmark = pytest.mark.browser

TASKS = {"return_index": {"kind": "task"}, "update_list": {"kind": "task"}}
READ_STATES = "els => els.map(e => [e.dataset.node, e.dataset.state])"
RAISED_LINE = "<b>step</b> refuses 351"
IN_VIEW = """e => { const r = e.getBoundingClientRect();
  return r.width > 0 && r.left >= 0 && r.top >= 0 && r.right <= innerWidth && r.bottom <= innerHeight; }"""


def _wire(n: int) -> dict[str, Any]:
    """The seed's shape: pairs of an index and an update reading the previous update."""
    nodes: list[dict[str, Any]] = []
    for i in range(n):
        if i % 2 == 0:
            nodes.append({"t": "return_index"})
        else:
            nodes.append({"t": "update_list", "r": {"i": i - 1, **({"prev": i - 2} if i > 1 else {})}})
    return {"tasks": TASKS, "nodes": nodes}


def _page(folder: Path, name: str, n: int, label: str | None = None, failed_at: int | None = None) -> str:
    wire = _wire(n)
    if label is not None:
        wire["nodes"][0]["o"] = {"name": label}
    states = {i: Instance("success" if i < n * 0.6 else "running", 2.0, 1) for i in range(n)}
    not_run = {}
    raised = []
    if failed_at is not None:
        states = {i: Instance("success" if i < failed_at else "failed", 2.0, 1) for i in range(n)}
        not_run = {i: failed_at for i in range(failed_at + 1, n)}
        raised = [(f"n{failed_at}", "ValueError", RAISED_LINE)]
    dynamic = build_dynamic("count", wire, batch=1, instances=states, not_run=not_run, node_errors=raised)
    path = folder / f"{name}.html"
    path.write_text(render_page(RunGraph("wf", "run1", "success", [dynamic], 42)))
    return path.as_uri()


@pytest.fixture(scope="module")
def pages(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    folder = tmp_path_factory.mktemp("graph-pages")
    return {
        "small": _page(folder, "small", 19),
        "big": _page(folder, "big", 1000),
        "hostile": _page(folder, "hostile", 3, label='<img src=x onerror="document.title=1">'),
        "failing": _page(folder, "failing", 400, failed_at=351),
    }


@pytest.fixture(scope="module")
def shots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if os.environ.get("DYNFLOW_SCREENSHOTS") == "docs":
        return REPO / "docs" / "img"
    return tmp_path_factory.mktemp("screenshots")


@pytest.fixture(scope="module")
def chromium() -> Iterator[Any]:
    from tests.airflow.browser import chromium_page

    with chromium_page() as page:
        yield page


@pytest.fixture
def browser(chromium: Any) -> Any:
    def load(url: str) -> Any:
        chromium.goto(url)
        chromium.wait_for_selector("body[data-ready=true]")
        return chromium

    return load


def _search(page: Any, query: str) -> None:
    page.fill("input[type=search]", query)
    page.press("input[type=search]", "Enter")


def test_a_small_graph_is_laid_out_in_layers_with_every_node_drawn(browser, pages, shots):
    page = browser(pages["small"])
    states = page.eval_on_selector_all("[data-node]", READ_STATES)
    assert [n for n, _ in states] == [f"n{i}" for i in range(19)]
    lefts = page.eval_on_selector_all("[data-node]", "els => els.map(e => e.style.left)")
    assert len(set(lefts)) == 10  # one column per dependency depth
    assert page.text_content("#result") == "42"
    page.screenshot(path=str(shots / "dynamic-graph-layers.png"))


def test_a_thousand_node_graph_opens_as_groups_that_say_how_to_reach_a_node(browser, pages, shots):
    page = browser(pages["big"])
    counts = page.eval_on_selector_all(".group", "els => els.map(e => [e.dataset.group, +e.dataset.count])")
    assert sorted(map(tuple, counts)) == [
        ("return_index · running", 200),
        ("return_index · success", 300),
        ("update_list · running", 200),
        ("update_list · success", 300),
    ]
    assert page.locator("[data-node]").count() == 0
    assert "type a node id (n999)" in page.text_content(".hint")
    page.screenshot(path=str(shots / "dynamic-graph-groups.png"))


def test_searching_a_node_id_opens_its_group_and_brings_the_node_into_view(browser, pages, shots):
    page = browser(pages["big"])
    _search(page, "n537")
    node = page.locator('[data-node="n537"]')
    assert node.evaluate(IN_VIEW)
    assert node.get_attribute("data-state") == "success" and "hit" in node.get_attribute("class")
    assert page.text_content('.group.open[data-group="update_list · success"] .page') == "page 3 of 3"
    page.screenshot(path=str(shots / "dynamic-graph-search.png"))


def test_searching_a_map_index_or_a_label_finds_its_node(browser, pages):
    page = browser(pages["big"])
    _search(page, "998")
    assert page.locator('[data-node="n998"]').evaluate(IN_VIEW)
    _search(page, "n7 update_list")
    assert page.locator('[data-node="n7"]').evaluate(IN_VIEW)
    _search(page, "no such node")
    assert page.text_content("#search-status") == 'no node matches "no such node"'


def test_a_group_opens_in_place_a_page_of_nodes_at_a_time(browser, pages):
    page = browser(pages["big"])
    page.click('.group[data-group="return_index · running"]')
    nodes = page.eval_on_selector_all("[data-node]", "els => els.map(e => e.dataset.node)")
    assert len(nodes) == PAGE_SIZE and nodes[0] == "n600"
    page.click(".group.open button.next")
    assert page.eval_on_selector("[data-node]", "e => e.dataset.node") == "n800"
    assert page.text_content(".group.open .page") == "page 2 of 2"
    page.click(".group.open button.close")
    assert page.locator("[data-node]").count() == 0


def test_the_state_filter_leaves_only_that_states_groups(browser, pages):
    page = browser(pages["big"])
    page.select_option("#state-filter", "running")
    states = page.eval_on_selector_all(".group", "els => els.map(e => e.dataset.state)")
    assert states == ["running", "running"]


def test_a_search_for_a_node_the_filter_hides_clears_the_filter(browser, pages):
    page = browser(pages["big"])
    page.select_option("#state-filter", "running")
    _search(page, "n3")
    assert page.locator('[data-node="n3"]').evaluate(IN_VIEW)
    assert page.input_value("#state-filter") == ""


def test_zoom_buttons_and_fit_change_the_scale(browser, pages):
    page = browser(pages["small"])
    first = page.text_content(".zoom-level")
    page.click("button.zoom-out")
    assert page.text_content(".zoom-level") != first
    page.click("button.fit")
    width = page.eval_on_selector(".canvas", "e => e.getBoundingClientRect().width")
    assert width <= page.eval_on_selector(".viewport", "e => e.clientWidth")


def test_a_hostile_label_is_drawn_as_text(browser, pages):
    page = browser(pages["hostile"])
    assert page.text_content('[data-node="n0"] b') == 'n0 <img src=x onerror="document.title=1">'
    assert page.locator("img").count() == 0


def test_a_node_that_did_not_run_names_the_dependency_it_did_not_run_for(browser, pages):
    page = browser(pages["failing"])
    _search(page, "n360")
    assert page.text_content('[data-node="n360"] .why') == "not run: n351 update_list failed"


def test_the_header_points_to_the_first_failed_node_and_brings_it_into_view(browser, pages, shots):
    page = browser(pages["failing"])
    page.click("#first-failed button")
    node = page.locator('[data-node="n351"]')
    assert node.evaluate(IN_VIEW) and node.get_attribute("data-state") == "failed"
    assert page.locator('[data-node="n351"] .why').count() == 0
    page.screenshot(path=str(shots / "dynamic-graph-failed.png"))


def test_a_failed_node_shows_what_it_raised_as_text_and_links_its_log(browser, pages):
    page = browser(pages["failing"])
    page.click("#first-failed button")
    assert page.text_content('[data-node="n351"] .raised') == f"ValueError: {RAISED_LINE}"
    assert page.locator('[data-node="n351"] .raised b').count() == 0
    # A file page has no http origin, so its links carry no href (test_graph_view checks a served one).
    assert page.text_content('[data-node="n351"] a.log') == "log"
    assert "ValueError: " + RAISED_LINE in page.text_content("#first-failed")


def test_the_header_says_when_deferred_nodes_wait_on_a_triggerer_that_is_not_alive(browser, tmp_path):
    notice = log_notes.triggerer_not_alive(3, 95.0)
    dynamic = build_dynamic("count", _wire(3), batch=1, instances={0: Instance("deferred")})
    path = tmp_path / "stalled.html"
    path.write_text(render_page(RunGraph("wf", "run1", "running", [dynamic], None, triggerer=notice)))
    page = browser(path.as_uri())
    assert page.text_content("#triggerer") == notice
    assert "`airflow triggerer`" in notice
