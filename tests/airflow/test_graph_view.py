"""The "Dynamic graph" view, nested resumes, node logs and child-run links on a real stack.

One stack (scheduler, triggerer, dag-processor, api-server) runs the seed, nested and failing DAGs;
every check reads what a user would: REST, the plugin's endpoints, task logs, and (``browser``) the
page in headless Chromium.
"""

from __future__ import annotations

import json
import os
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from airflow_dynflow.airflow import compat
from harness.polling import poll_until
from harness.stack import AirflowStack
from tests.airflow.browser import visit
from tests.conftest import REPO

pytestmark = pytest.mark.scheduler


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[AirflowStack]:
    home = tmp_path_factory.mktemp("graph-stack")
    dags = home / "dags"
    dags.mkdir()
    for name in ("count_characters.py", "nested.py", "failing.py"):
        shutil.copy(REPO / "dags" / name, dags / name)
    env = {"AIRFLOW__DYNFLOW__STORE_URL": f"file://{home / 'store'}"}
    with AirflowStack(dags_folder=dags, home=home, extra_env=env) as running:
        yield running


def _run(stack: AirflowStack, dag_id: str, conf: dict[str, Any]) -> tuple[str, str]:
    stack.api.wait_for_dag(dag_id)
    run_id = stack.api.trigger(dag_id, conf)
    return run_id, stack.api.wait_for_run(dag_id, run_id, timeout=300)


@pytest.fixture(scope="module")
def seed(stack: AirflowStack) -> str:
    run_id, state = _run(stack, "wf", {"s1": "Pear", "s2": "Earth"})
    assert state == "success"
    return run_id


@pytest.fixture(scope="module")
def nested(stack: AirflowStack) -> str:
    run_id, state = _run(stack, "nested", {"n": 2})
    assert state == "success"
    return run_id


def _graph(stack: AirflowStack, dag_id: str, run_id: str) -> dict[str, Any]:
    return stack.api.get(f"/dynflow/api/graph/{dag_id}/{run_id}")


def _page(stack: AirflowStack, dag_id: str, run_id: str) -> str:
    response = httpx.get(
        f"{stack.base_url}/dynflow/graph/{dag_id}/{run_id}",
        headers={"Authorization": f"Bearer {stack.api.token()}"},
        timeout=30,
    )
    assert response.status_code == 200, response.text
    return response.text


# -- 1. nested dynamics resume into execute_complete: no burnt tries --------------------------------


def test_a_successful_nested_run_fails_no_try(stack, nested):
    runs = [("nested", nested)] + [
        ("nested__dynflow", r["dag_run_id"])
        for r in stack.api.get("/api/v2/dags/nested__dynflow/dagRuns")["dag_runs"]
    ]
    assert len(runs) == 4
    failed = []
    for dag_id, run_id in runs:
        for ti in stack.api.task_instances(dag_id, run_id):
            if ti["try_number"] > 1:
                failed.append((dag_id, ti["task_id"], ti["map_index"], ti["try_number"]))
            tries = stack.api.get(
                f"/api/v2/dags/{dag_id}/dagRuns/{run_id}/taskInstances/{ti['task_id']}/{ti['map_index']}/tries"
                if ti["map_index"] >= 0
                else f"/api/v2/dags/{dag_id}/dagRuns/{run_id}/taskInstances/{ti['task_id']}/tries"
            )
            failed += [
                (dag_id, t["task_id"], t["map_index"])
                for t in tries["task_instances"]
                if t["state"] == "failed"
            ]
    assert failed == []


def test_child_runs_are_named_after_their_parent_node_and_noted(stack, nested):
    children = stack.api.get("/api/v2/dags/nested__dynflow/dagRuns")["dag_runs"]
    ids = sorted(c["dag_run_id"] for c in children)
    assert [re.sub("__[0-9a-f]{32}$", "", i) for i in ids] == ["n0_chain", "n0_middle", "n1_chain"]
    top = next(c for c in children if c["dag_run_id"].startswith("n0_middle__"))
    assert top["conf"]["parent"]["run_id"] == nested
    # Airflow 3.1 triggers child runs without a note (compat.trigger_dag_run logs that it cannot).
    note = f"child run of node n0 middle (nested:middle) in nested / {nested}"
    assert top["note"] == (note if compat.AIRFLOW_V_3_2_PLUS else None)


def test_the_nested_node_links_to_its_child_run(stack, nested):
    links = stack.api.get(
        f"/api/v2/dags/nested/dagRuns/{nested}/taskInstances/outer.nodes/links", map_index=0
    )
    assert re.search(r"/dags/nested__dynflow/runs/n0_middle__", links["extra_links"]["child run"])


# -- 2. node logs ---------------------------------------------------------------------------------


def test_a_node_log_shows_inputs_dependencies_output_and_what_the_try_means(stack, seed):
    log = stack.api.task_log("wf", seed, "count_characters.nodes", map_index=3)
    assert "first run (try 1)" in log
    line = "running update_list[n3]; depends on: n1 update_list, n2 return_index; input freq_list = ["
    assert line in log
    assert "; input list_index = " in log
    assert "update_list[n3]: output {'o0': [" in log


def test_a_node_whose_dependency_failed_warns_naming_it_by_label(stack):
    run_id, state = _run(stack, "failing", {"n": 4, "fail_at": 1})
    assert state == "failed"
    log = stack.api.task_log("failing", run_id, "steps.nodes", map_index=2)
    assert "[warning] n2 step: not run: its dependency n1 step failed" in log


# -- 3. the Dynamic graph view ------------------------------------------------------------------------


def test_the_graph_refuses_a_request_without_a_valid_token(stack, seed):
    for path in (f"/dynflow/api/graph/wf/{seed}", f"/dynflow/graph/wf/{seed}"):
        assert httpx.get(stack.base_url + path, timeout=30).status_code == 401
        forged = {"Authorization": "Bearer not.a.token"}
        assert httpx.get(stack.base_url + path, headers=forged, timeout=30).status_code == 403


def test_the_outputs_task_logs_the_workflows_result(stack, seed):
    assert "wf: workflow result 3" in stack.api.task_log("wf", seed, "outputs")


def test_the_graph_json_lists_every_node_with_its_state(stack, seed):
    graph = _graph(stack, "wf", seed)
    assert graph["state"] == "success" and graph["result"] == 3
    (dynamic,) = graph["dynamics"]
    assert dynamic["group"] == "count_characters" and dynamic["count"] == 19
    assert {n["state"] for n in dynamic["nodes"]} == {"success"}
    n3 = dynamic["nodes"][3]
    assert (n3["label"], n3["deps"]) == ("n3 update_list", ["n1", "n2"])


def test_the_graph_page_embeds_the_runs_graph_json(stack, seed):
    page = _page(stack, "wf", seed)
    embedded = page.split('<script type="application/json" id="dynflow-graph">')[1].split("</script>")[0]
    assert json.loads(embedded) == _graph(stack, "wf", seed)


def test_the_graph_of_a_missing_run_is_not_found(stack):
    response = httpx.get(
        f"{stack.base_url}/dynflow/api/graph/wf/no_such_run",
        headers={"Authorization": f"Bearer {stack.api.token()}"},
        timeout=30,
    )
    assert response.status_code == 404


def test_a_forged_spec_reference_shows_as_refused_not_as_an_http_500(stack):
    """Someone who may edit XComs changes a finished run's spec reference: the page and its JSON
    still answer, naming the check and the dynamic, with the run's state and result as usual."""
    run_id, state = _run(stack, "wf", {"s1": "Pear", "s2": "Earth"})
    assert state == "success"
    ref = stack.api.xcom_json("wf", run_id, "count_characters.compile", key="spec")
    stack.api.set_xcom("wf", run_id, "count_characters.compile", {**ref, "count": 1}, key="spec")
    graph = _graph(stack, "wf", run_id)
    (dynamic,) = graph["dynamics"]
    assert dynamic["group"] == "count_characters" and dynamic["nodes"] == []
    where = f"wf/{run_id}/count_characters.compile"
    # Airflow 3.1's REST API stores a patched value as a JSON string, which fails the envelope's
    # shape before its signature is read; 3.2+ stores the object, whose signature fails.
    check = "signature" if compat.AIRFLOW_V_3_2_PLUS else "envelope shape"
    assert dynamic["refused"].startswith(
        f"integrity check failed ({check}) for the futures-spec reference {where}"
    )
    assert graph["state"] == "success" and graph["result"] == 3
    assert f"integrity check failed ({check})" in _page(stack, "wf", run_id)


def test_nested_dynamics_drill_down_into_their_child_runs(stack, nested):
    (outer,) = _graph(stack, "nested", nested)["dynamics"]
    middle = next(n for n in outer["nodes"] if n["kind"] == "dynamic")
    child = middle["child"]
    assert child["dag_id"] == "nested__dynflow"
    (inner,) = _graph(stack, child["dag_id"], child["run_id"])["dynamics"]
    chains = [n for n in inner["nodes"] if n["kind"] == "dynamic"]
    assert len(chains) == 2 and all(n["state"] == "success" for n in inner["nodes"])
    (chain,) = _graph(stack, "nested__dynflow", chains[0]["child"]["run_id"])["dynamics"]
    assert chain["count"] == 2


def test_a_child_runs_graph_names_its_dynamic_and_its_parent_node(stack, nested):
    (outer,) = _graph(stack, "nested", nested)["dynamics"]
    middle = next(n for n in outer["nodes"] if n["kind"] == "dynamic")
    child = _graph(stack, "nested__dynflow", middle["child"]["run_id"])
    assert child["parent"] == {"dag_id": "nested", "run_id": nested, "node": middle["id"]}
    assert child["dynamic"].endswith(":middle")
    assert f"Dynamic graph: {child['dynamic']} · nested__dynflow" in _page(
        stack, "nested__dynflow", middle["child"]["run_id"]
    )


def test_a_failed_runs_graph_names_the_dependency_each_node_did_not_run_for(stack):
    run_id, state = _run(stack, "failing", {"n": 4, "fail_at": 1})
    assert state == "failed"
    (steps,) = _graph(stack, "failing", run_id)["dynamics"]
    assert [(n["state"], n["not_run_for"]) for n in steps["nodes"]][1:3] == [
        ("failed", None),
        ("failed", "n1 step"),
    ]


def test_a_dynamics_compile_task_links_to_the_runs_dynamic_graph(stack, seed):
    links = stack.api.get(f"/api/v2/dags/wf/dagRuns/{seed}/taskInstances/count_characters.compile/links")
    assert links["extra_links"]["Dynamic graph"].endswith(f"/dags/wf/runs/{seed}/plugin/dynamic-graph")


def test_the_plugin_registers_a_tab_on_dag_runs_and_one_on_dags(stack):
    views = stack.api.get("/api/v2/plugins")["plugins"]
    (ours,) = [p for p in views if p["name"] == "dynflow"]
    assert sorted((v["destination"], v["href"]) for v in ours["external_views"]) == [
        ("dag", "/dynflow/dags/{DAG_ID}/latest"),
        ("dag_run", "/dynflow/graph/{DAG_ID}/{RUN_ID}"),
    ]


def _newest_run(stack: AirflowStack, dag_id: str) -> str:
    (run,) = stack.api.get(f"/api/v2/dags/{dag_id}/dagRuns", order_by="-id", limit=1)["dag_runs"]
    return str(run["dag_run_id"])


def test_the_dag_pages_tab_shows_its_newest_runs_graph(stack, seed):
    token = {"Authorization": f"Bearer {stack.api.token()}"}
    page = httpx.get(f"{stack.base_url}/dynflow/dags/wf/latest", headers=token, timeout=30)
    assert page.status_code == 200
    assert f"<h1>Dynamic graph: wf / {_newest_run(stack, 'wf')}</h1>" in page.text


def test_the_dag_pages_tab_of_a_dag_without_runs_says_so(stack):
    token = {"Authorization": f"Bearer {stack.api.token()}"}
    response = httpx.get(f"{stack.base_url}/dynflow/dags/no_such_dag/latest", headers=token, timeout=30)
    assert response.status_code == 404 and response.json()["detail"] == "DAG no_such_dag has no run yet"


# -- the page in a real browser --------------------------------------------------------------------

READ_STATES = "els => els.map(e => [e.dataset.node, e.dataset.state])"


@pytest.fixture(scope="module")
def shots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where screenshots go: docs/img with DYNFLOW_SCREENSHOTS=docs (to refresh the docs' pictures),
    else a temporary folder, so a test run leaves the work tree as it found it."""
    if os.environ.get("DYNFLOW_SCREENSHOTS") == "docs":
        return REPO / "docs" / "img"
    return tmp_path_factory.mktemp("screenshots")


@pytest.fixture(scope="module")
def browser(stack: AirflowStack) -> Iterator[Any]:
    """A headless Chromium page logged in to the UI through its login form."""
    from tests.airflow.browser import chromium_page

    with chromium_page() as page:
        page.goto(f"{stack.base_url}/auth/login")
        page.fill("input[name=username]", "admin")
        page.fill("input[name=password]", "admin")
        page.click("button[type=submit]")
        poll_until(
            lambda: any(c["name"] == "_token" for c in page.context.cookies()),
            timeout=60,
            interval=0.25,
            describe="the UI's session cookie after logging in",
        )
        page.wait_for_url(lambda url: "/auth/login" not in url)
        page.wait_for_load_state()
        yield page


@pytest.mark.browser
def test_the_graph_page_in_a_browser_shows_every_node_state(stack, seed, browser, shots):
    visit(browser, f"{stack.base_url}/dynflow/graph/wf/{seed}")
    states = browser.eval_on_selector_all("[data-node]", READ_STATES)
    assert dict(states) == {f"n{i}": "success" for i in range(19)}
    assert browser.get_attribute('[data-node="n7"] a.log', "href").endswith(
        f"/dags/wf/runs/{seed}/tasks/count_characters.nodes/mapped/7"
    )
    assert browser.text_content("#result") == "3"
    browser.screenshot(path=str(shots / "dynamic-graph.png"), full_page=True)


@pytest.mark.browser
def test_a_child_run_link_opens_the_child_runs_tab_in_airflow_itself(stack, nested, browser):
    visit(browser, f"{stack.base_url}/dags/nested/runs/{nested}/plugin/dynamic-graph")
    frame = browser.frame_locator("iframe")
    child = frame.locator("[data-node] a.child").first
    child.wait_for(timeout=180_000)  # the UI's first load after logging in is slow on a busy machine
    assert child.get_attribute("target") == "_top"
    child.click()
    browser.wait_for_url(re.compile(r"/dags/nested__dynflow/runs/n0_middle__[0-9a-f]+/plugin/dynamic-graph$"))
    frame.locator("[data-node]").first.wait_for()


@pytest.mark.browser
def test_the_dynamic_graph_tab_of_a_run_in_the_airflow_ui_shows_the_graph(stack, seed, browser, shots):
    visit(browser, f"{stack.base_url}/dags/wf/runs/{seed}/plugin/dynamic-graph")
    frame = browser.frame_locator("iframe")
    frame.locator('[data-node="n18"]').wait_for()
    states = frame.locator("[data-node]").evaluate_all(READ_STATES)
    assert dict(states) == {f"n{i}": "success" for i in range(19)}
    browser.screenshot(path=str(shots / "dynamic-graph-tab.png"))


LIVE_PARTS = """() => ({
  state: document.getElementById("run-state").textContent,
  result: document.getElementById("result-box").hidden ? null : document.getElementById("result").textContent,
  dynamics: document.getElementById("dynamics").innerHTML,
})"""


@pytest.mark.browser
def test_a_page_watched_from_trigger_to_end_ends_equal_to_a_fresh_load(stack, browser):
    stack.api.wait_for_dag("wf")
    run_id = stack.api.trigger("wf", {"s1": "Plum", "s2": "Mars"})
    url = f"{stack.base_url}/dynflow/graph/wf/{run_id}"
    visit(browser, url)
    first = browser.evaluate(LIVE_PARTS)
    assert first["state"] != "success"
    browser.wait_for_function(
        "() => document.getElementById('run-state').textContent === 'success'", timeout=300_000
    )
    watched = browser.evaluate(LIVE_PARTS)
    visit(browser, url)
    assert watched == browser.evaluate(LIVE_PARTS)
    assert watched["result"] is not None and 'data-state="success"' in watched["dynamics"]
