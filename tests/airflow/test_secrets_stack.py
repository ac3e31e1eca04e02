"""Secrets and decks under a real scheduler, api-server and worker processes, read through REST only.

The secret-leak proof: ``secret_wf`` reads a connection's password and a variable in a static task
and in generated nodes, and prints and logs them as careless code would. Afterwards neither value is
in any file of the deployment's home (the metadata DB with every XCom and rendered field, the task
log files, the blob store with the futures spec and outputs), in the task logs the api-server serves
(the masker shows ``***``), or in the "Dynamic graph" JSON. Not searched: the consoles of the
components (``logs/<component>.log``, the harness's capture of their stdout), where Airflow 3.3's
LocalExecutor echoes a task's printed lines unmasked, a password Airflow itself masked included.

Then the deck page: served to a logged-in user with a Content-Security-Policy that runs no script,
refused to anyone else, and refused when its XCom reference is forged through the REST API.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator

import httpx
import pytest

from harness.stack import AirflowStack
from tests.conftest import REPO

pytestmark = pytest.mark.scheduler

PASSWORD = "pw-XYZZY-" + "0c4e71"
TOKEN = "tok-PLUGH-" + "b93d05"


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[AirflowStack]:
    home = tmp_path_factory.mktemp("stack-secrets")
    dags = home / "dags"
    dags.mkdir()
    shutil.copy(REPO / "tests" / "airflow" / "dags" / "secret_features.py", dags / "secret_features.py")
    shutil.copy(REPO / "examples" / "decks.py", dags / "decks.py")
    env = {
        "AIRFLOW__DYNFLOW__STORE_URL": f"file://{home / 'store'}",
        "AIRFLOW_CONN_DYNFLOW_DB": json.dumps({"conn_type": "generic", "password": PASSWORD}),
        "AIRFLOW_VAR_DYNFLOW_VAULT.TOKEN": TOKEN,
    }
    with AirflowStack(dags_folder=dags, home=home, extra_env=env) as running:
        yield running


def run(stack: AirflowStack, dag_id: str, conf: dict) -> str:
    stack.api.wait_for_dag(dag_id)
    run_id = stack.api.trigger(dag_id, conf)
    assert stack.api.wait_for_run(dag_id, run_id, timeout=300) == "success"
    return run_id


@pytest.fixture(scope="module")
def secret_run(stack: AirflowStack) -> str:
    return run(stack, "secret_wf", {"n": 2})


@pytest.fixture(scope="module")
def decks_run(stack: AirflowStack) -> str:
    return run(stack, "decks_wf", {"words": ["ab", "cd"]})


def files_holding(stack: AirflowStack, value: str) -> list[str]:
    """Files of the stack's home holding ``value``, but for the components' consoles (see above)."""
    consoles = set(stack.log_dir.glob("*.log"))
    needle = value.encode()
    found = (p for p in stack.home.rglob("*") if p.is_file() and p not in consoles)
    return [str(p) for p in found if needle in p.read_bytes()]


def test_the_secrets_were_read_in_static_tasks_and_generated_nodes(stack, secret_run):
    per_call = len(PASSWORD) + len(TOKEN)
    assert stack.api.xcom("secret_wf", secret_run, "outputs") == {
        "o0": per_call + len("static"),
        "o1": [per_call + 1, per_call + 1],
    }


def test_no_file_of_the_deployment_holds_a_secret_value(stack, secret_run):
    assert any((stack.home / "store").rglob("spec-*.json"))  # the futures spec is searched too
    assert any(stack.log_dir.glob("dag_id=secret_wf/**/*.log"))  # the task log files are searched
    assert files_holding(stack, "careless print of") != []  # and what the tasks printed is there
    for value in (PASSWORD, TOKEN):
        assert files_holding(stack, value) == []


def test_the_task_logs_show_the_printed_secrets_masked(stack, secret_run):
    logs = [stack.api.task_log("secret_wf", secret_run, "use_secrets")] + [
        stack.api.task_log("secret_wf", secret_run, "use_secrets_in_nodes.nodes", map_index=i)
        for i in range(2)
    ]
    for log in logs:
        assert "careless print of *** and ***" in log
        assert PASSWORD not in log and TOKEN not in log


def test_the_graph_json_holds_no_secret_value(stack, secret_run):
    graph = stack.api.get(f"/dynflow/api/graph/secret_wf/{secret_run}")
    text = json.dumps(graph)
    assert "use_secrets" in text
    assert PASSWORD not in text and TOKEN not in text


def deck_path(run_id: str, task_id: str, map_index: int) -> str:
    return f"/dynflow/deck/decks_wf/{httpx.URL(run_id).raw_path.decode()}/{task_id}/{map_index}"


def test_a_deck_page_is_served_with_a_policy_that_runs_no_script(stack, decks_run):
    response = stack.api._request("GET", deck_path(decks_run, "word_lengths", -1))
    assert response.status_code == 200
    assert "<summary>lengths</summary>" in response.text
    policy = response.headers["content-security-policy"]
    assert "script-src 'none'" in policy and "sandbox" in policy


def test_a_deck_page_needs_a_login(stack, decks_run):
    response = httpx.get(stack.base_url + deck_path(decks_run, "word_lengths", -1))
    assert response.status_code in (401, 403)


def test_the_deck_link_and_the_graph_nodes_lead_to_the_pages(stack, decks_run):
    link = stack.api.xcom_json("decks_wf", decks_run, "word_lengths", key="_link_DeckLink")
    assert link.startswith(stack.base_url + "/dynflow/deck/decks_wf/")
    graph = stack.api.get(f"/dynflow/api/graph/decks_wf/{decks_run}")
    (dynamic,) = graph["dynamics"]
    url = dynamic["nodes"][1]["deck_url"]
    response = stack.api._request("GET", url.removeprefix(stack.base_url))
    assert response.status_code == 200 and "<h1>CD</h1>" in response.text


def test_a_deck_reference_forged_through_rest_is_refused(stack, decks_run):
    nodes = "shout_all.nodes"
    entry = f"/api/v2/dags/decks_wf/dagRuns/{decks_run}/taskInstances/{nodes}/xcomEntries/deck"
    other = stack.api.xcom_json("decks_wf", decks_run, nodes, key="deck", map_index=0)
    stack.api.patch(entry, {"value": other, "map_index": 1})
    response = stack.api._request("GET", deck_path(decks_run, nodes, 1))
    assert response.status_code == 409
    assert "integrity check failed (signature) for the deck reference" in response.json()["detail"]
