"""Airflow's own DagBag parses every example; workflows become DAGs of our operators."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from airflow_dynflow.airflow import compat
from tests.conftest import DAGS_FOLDER

EXAMPLES = ["wf", "fan_out", "diamond", "nested", "empty_dynamic", "failing", "static_features"]


def test_every_dag_file_parses_without_import_errors(dagbag):
    assert dagbag.import_errors == {}


def test_each_example_workflow_is_a_dag_named_after_its_function(dagbag):
    assert set(EXAMPLES) <= set(dagbag.dag_ids)


def test_workflows_with_dynamics_get_a_runner_dag(dagbag):
    assert "wf__dynflow" in dagbag.dag_ids
    assert "static_features__dynflow" not in dagbag.dag_ids


def test_runner_dag_is_not_paused_on_creation(dagbag):
    assert dagbag.get_dag("nested__dynflow").is_paused_upon_creation is False


def test_a_runner_dag_documents_what_it_is_and_that_a_hand_trigger_is_refused(dagbag):
    doc = dagbag.get_dag("nested__dynflow").doc_md
    assert doc.startswith("### `nested__dynflow`: internal to `nested`")
    assert "Do not trigger it by hand" in doc


def test_dynamic_call_becomes_compile_nodes_result_group(dagbag):
    ids = [t.task_id for t in dagbag.get_dag("wf").tasks]
    assert ids == ["count_characters.compile", "count_characters.nodes", "count_characters.result", "outputs"]


def test_generated_nodes_are_labelled_through_map_index_template(dagbag):
    nodes = dagbag.get_dag("wf").get_task("count_characters.nodes")
    assert nodes.partial_kwargs["map_index_template"] == "{{ dynflow_label }}"


def test_nested_workflow_becomes_a_task_group(dagbag):
    ids = {t.task_id for t in dagbag.get_dag("static_features").tasks}
    assert {"summarize.total", "summarize.describe"} <= ids


def test_map_task_becomes_split_mapped_collect(dagbag):
    dag = dagbag.get_dag("static_features")
    ids = [t.task_id for t in dag.tasks if t.task_id.startswith("map_scale.")]
    assert ids == ["map_scale.split", "map_scale.scale", "map_scale.collect"]
    assert dag.get_task("map_scale.scale").is_mapped


def test_repeated_calls_get_airflow_style_suffixes(dagbag):
    ids = [t.task_id for t in dagbag.get_dag("repeated").tasks]
    assert ids == ["inc", "inc__1", "inc__2", "outputs"]


def test_task_options_map_to_operator_arguments(dagbag):
    total = dagbag.get_dag("static_features").get_task("summarize.total")
    assert total.retries == 2


def test_outputs_is_the_last_task(dagbag):
    dag = dagbag.get_dag("static_features")
    assert [t.task_id for t in dag.leaves] == ["outputs"]


def test_our_operators_are_not_python_operator_glue(dagbag):
    classes = {type(t).__name__ for t in dagbag.get_dag("static_features").tasks}
    assert "PythonOperator" not in classes
    assert "DynflowTaskOperator" in classes


def _only_imports_dynflow(folder: Path) -> Path:
    path = folder / "plain.py"
    path.write_text(
        textwrap.dedent(
            """
            from airflow_dynflow import task, workflow

            @task
            def one() -> int:
                return 1

            @workflow
            def plain_file() -> int:
                return one()
            """
        )
    )
    return path


def test_safe_mode_skips_a_file_that_only_imports_airflow_dynflow(tmp_path, monkeypatch):
    from airflow.utils.file import might_contain_dag_via_default_heuristic

    path = _only_imports_dynflow(tmp_path)
    assert not might_contain_dag_via_default_heuristic(str(path))


def test_our_discovery_callable_finds_it_in_safe_mode(tmp_path, airflow_db):
    from airflow_dynflow.airflow.compat import dag_bag

    _only_imports_dynflow(tmp_path)
    bag = dag_bag(str(tmp_path), safe_mode=True)
    assert "plain_file" in bag.dag_ids


def test_workflow_options_pass_through_to_the_dag(dagbag):
    dag = dagbag.get_dag("renamed_flow")
    assert dag.tags == {"dynflow", "options"}
    assert str(dag.start_date.date()) == "2024-01-01"
    assert dag.catchup is False
    assert dag.schedule == "@daily"


def test_default_args_reach_the_operators(dagbag):
    assert dagbag.get_dag("renamed_flow").get_task("tuned").owner == "data-team"


def test_task_options_become_airflow_operator_arguments(dagbag):
    op = dagbag.get_dag("renamed_flow").get_task("tuned")
    assert op.execution_timeout.total_seconds() == 120
    assert op.retry_delay.total_seconds() == 5
    assert (op.pool, op.queue, op.priority_weight) == ("default_pool", "fast", 3)


def test_with_overrides_wins_for_that_node_only(dagbag):
    dag = dagbag.get_dag("renamed_flow")
    again = dag.get_task("tuned_again")
    assert (again.execution_timeout.total_seconds(), again.retries, again.queue) == (30, 4, "slow")
    assert again.pool == "default_pool"
    assert dag.get_task("tuned").retries == 0


def test_an_override_name_is_the_display_name_of_a_sanitised_task_id(dagbag):
    op = dagbag.get_dag("display_names").get_task("train_model_C_10")
    assert op.task_display_name == "train_model[C=10]"


def test_a_task_that_sets_no_retry_delay_retries_after_a_second_not_airflows_five_minutes(dagbag):
    assert dagbag.get_dag("display_names").get_task("train_model_C_10").retry_delay.total_seconds() == 1.0


def test_parsing_a_dag_file_with_a_dynamic_leaves_the_trigger_machinery_unimported():
    """Every task process parses its DAG file. The dependency trigger (and ``airflow.triggers.base``
    with asgiref under it, about 8 ms of CPU) is imported only by an instance that defers. Airflow
    3.1's own DAG module imports ``airflow.triggers.base`` (through its deadline models): there only
    our trigger is checked."""
    watched = ["airflow_dynflow.airflow.triggers.dependencies", "asgiref.sync"]
    if compat.AIRFLOW_V_3_2_PLUS:
        watched.append("airflow.triggers.base")
    code = textwrap.dedent(
        f"""
        import sys
        import airflow.sdk
        sys.path.insert(0, "dags")
        import count_characters
        assert "airflow_dynflow.airflow.operators.generated_node" in sys.modules, "the DAGs were built"
        print(sorted(m for m in {watched!r} if m in sys.modules))
        """
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]"


@pytest.mark.parametrize(
    ("parsing_for", "built"),
    [
        (None, {"add_then_double", "nested", "nested__dynflow"}),
        ("nested", {"nested"}),
        ("nested__dynflow", {"nested__dynflow"}),
        ("add_then_double", {"add_then_double"}),
    ],
)
def test_a_task_process_builds_only_the_dag_it_runs_a_task_of(airflow_db, monkeypatch, parsing_for, built):
    """Airflow's parsing context names the DAG a task process parses the file for; the file's other
    workflows are traced but get no DAG there. Without a context (the dag-processor) all are built."""
    from airflow_dynflow.airflow.compat import dag_bag

    if parsing_for is not None:
        monkeypatch.setenv("_AIRFLOW_PARSING_CONTEXT_DAG_ID", parsing_for)
    bag = dag_bag(str(DAGS_FOLDER / "nested.py"))
    assert bag.import_errors == {}
    assert set(bag.dag_ids) == built
