"""Workflow -> Airflow DAG, registered the way ``with DAG(...)`` registers one.

The DAG is built from the workflow's spec: one operator of ours per task call, a TaskGroup per
nested workflow, split / mapped element / collect per ``map_task``, a task group per ``@dynamic``
call (plus the runner DAG for nested dynamics), and ``outputs`` last. The workflow's inputs become
typed params, so the trigger form and ``-c '{...}'`` are validated by Airflow before a run exists.

A task process parses the whole DAG file to run one task of one DAG, and says which in Airflow's
parsing context (``get_parsing_context``, what Airflow's docs advise dynamic DAG files to use):
there, only that DAG is built. The other workflows of the file are still traced, as plain Python;
only their DAGs, which nobody in that process would look at, are left out.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterable, Mapping
from datetime import timedelta
from typing import Any

from airflow.sdk import DAG, BaseOperator, Context, Param, TaskGroup, TriggerRule, get_parsing_context

from airflow_dynflow.airflow import errors
from airflow_dynflow.airflow.compat import conf
from airflow_dynflow.airflow.dynamic_group import build_runner_dag, dynamic_group, runner_dag_id
from airflow_dynflow.airflow.executor_config import executor_config
from airflow_dynflow.airflow.operators.branches import DecideOperator, SelectOperator
from airflow_dynflow.airflow.operators.compile import DynamicCompileOperator
from airflow_dynflow.airflow.operators.map import MapCollectOperator, MapElementOperator, MapSplitOperator
from airflow_dynflow.airflow.operators.task import DynflowTaskOperator
from airflow_dynflow.airflow.operators.workflow_result import DynflowOutputsOperator
from airflow_dynflow.airflow.runtime.map_labels import LABEL_TEMPLATE
from airflow_dynflow.core.authoring.entities import Workflow
from airflow_dynflow.core.authoring.gates import Gate
from airflow_dynflow.core.authoring.map_task import MapTask
from airflow_dynflow.core.conversion.converters import PICKLE_SCHEMA_KEY
from airflow_dynflow.core.options import Options
from airflow_dynflow.core.spec import Binding, Node, Spec, nodes_read

__all__ = ["build_dag", "operator_options", "params_of"]

# Airflow task ids are letters, digits, '_', '-' (and '.', which separates task groups). A name
# given with with_overrides(name="train_model[C=10]") keeps its spelling as the display name.
_TASK_ID_UNSAFE = re.compile(r"[^A-Za-z0-9_-]+")

_DAG_OPTIONS = (
    "schedule",
    "start_date",
    "end_date",
    "tags",
    "default_args",
    "description",
    "catchup",
    "max_active_runs",
    "max_active_tasks",
    "dagrun_timeout",
    "doc_md",
    "owner_links",
)


def params_of(wf: Workflow) -> dict[str, Param]:
    params = {}
    for name, schema in wf.spec.inputs.items():
        if PICKLE_SCHEMA_KEY in schema:
            raise errors.input_not_json(wf.name, name, schema[PICKLE_SCHEMA_KEY])
        schema = dict(schema)
        default = schema.pop("default") if "default" in schema else None
        description = schema.pop("description", None)
        if "default" in wf.spec.inputs[name]:
            params[name] = Param(default, description=description, **schema)
        else:
            params[name] = Param(description=description, **schema)
    return params


def build_dag(
    wf: Workflow,
    *,
    params: Mapping[str, Param] | None = None,
    pre_execute: Callable[[Context], None] | None = None,
) -> DAG | None:
    """Build ``wf``'s DAG; building it inside ``with DAG`` registers it for the DagBag. None in a
    task process that parses the file for another DAG (see the module docstring).

    ``params`` replaces the params read from the workflow's inputs, and ``pre_execute`` runs in every
    task that reads them, before it executes: what a launch plan's DAG adds (``launch_plans``).
    """
    options = dict(wf.dag_options)
    unknown = set(options) - set(_DAG_OPTIONS) - {"dag_id"}
    if unknown:
        raise errors.unknown_dag_options(wf.name, unknown)
    dag_kwargs = {k: options[k] for k in _DAG_OPTIONS if k in options}
    dag_kwargs.setdefault("schedule", None)
    dag_kwargs.setdefault("description", next(iter(wf.interface.doc.splitlines()), None))
    dag_kwargs.setdefault("doc_md", wf.interface.doc or None)
    dag_id = options.get("dag_id", wf.name)
    # Set in a task process: the one DAG it runs a task of. None in the dag-processor.
    wanted = get_parsing_context().dag_id
    dag: DAG | None = None
    if wanted in (None, dag_id):
        with DAG(
            dag_id=dag_id, params=dict(params_of(wf) if params is None else params), **dag_kwargs
        ) as dag:
            _Builder(wf, dag_id, pre_execute).build()
    has_dynamic = any(entry.kind == "dynamic" for entry in wf.spec.tasks.values())
    if has_dynamic and wanted in (None, runner_dag_id(dag_id)):
        build_runner_dag(dag_id)
    return dag


def operator_options(options: Options) -> dict[str, Any]:
    """Our node options in Airflow's words; unset ones are left to default_args and Airflow."""
    out: dict[str, Any] = {}
    if options.retries is not None:
        out["retries"] = options.retries
    if options.retry_delay is not None:
        out["retry_delay"] = timedelta(seconds=options.retry_delay)
    if options.timeout is not None:
        out["execution_timeout"] = timedelta(seconds=options.timeout)
    for name in ("pool", "queue", "priority_weight"):
        if getattr(options, name) is not None:
            out[name] = getattr(options, name)
    pod = executor_config(options.requests, options.limits)
    if pod:
        out["executor_config"] = pod
    return out


class _Builder:
    """Creates the operators of one workflow inside the active DAG context."""

    def __init__(self, wf: Workflow, dag_id: str, pre_execute: Callable[[Context], None] | None) -> None:
        self.wf = wf
        self.dag_id = dag_id
        # Given to the operators that read the run's params (task, map split, compile, outputs).
        self.hooks: dict[str, Any] = {} if pre_execute is None else {"pre_execute": pre_execute}
        self.spec: Spec = wf.spec
        self.default_args: Mapping[str, Any] = wf.dag_options.get("default_args") or {}
        self.groups: dict[str, TaskGroup] = {}
        self.names: dict[str, int] = {}
        self.entry: list[BaseOperator] = []  # first operator of each node (takes upstream edges)
        self.exit: list[BaseOperator] = []  # operator whose XCom holds each node's outputs

    def build(self) -> None:
        for index, node in enumerate(self.spec.nodes):
            first, last = self._node(index, node)
            for dep in node.depends_on():
                self.exit[dep] >> first
            self.entry.append(first)
            self.exit.append(last)
        self._cases()
        used = {dep for node in self.spec.nodes for dep in node.depends_on()}
        sinks = [op for i, op in enumerate(self.exit) if i not in used]
        guarded = any(node.guard is not None for node in self.spec.nodes)
        outputs = DynflowOutputsOperator(
            task_id="outputs",
            workflow=self.wf,
            sources=self._sources(self.spec.outputs.values()),
            # A sink inside a case not taken is skipped; the workflow still has its result.
            trigger_rule=TriggerRule.NONE_FAILED_MIN_ONE_SUCCESS if guarded else TriggerRule.ALL_SUCCESS,
            **self.hooks,
        )
        for op in sinks:
            op >> outputs

    def _cases(self) -> None:
        """Tell each decide operator which of its direct downstream tasks belong to which case.

        A node's first task follows the decide node already (the guard is a dependency); its last
        one (a map's collect, a dynamic's result, which run when all their upstream tasks are
        skipped) is made to follow it too, so that the branch skips it directly.
        """
        for index, node in enumerate(self.spec.nodes):
            if node.guard is None:
                continue
            decide, case = node.guard
            op = self.exit[decide]
            assert isinstance(op, DecideOperator)
            first, last = self.entry[index], self.exit[index]
            if last is not first:
                op >> last
            op.case_tasks.setdefault(case, []).extend(dict.fromkeys([first.task_id, last.task_id]))

    def _node(self, index: int, node: Node) -> tuple[BaseOperator, BaseOperator]:
        entry = self.spec.tasks[node.task]
        options = operator_options(entry.options.merged(node.options))
        if "retry_delay" not in options and "retry_delay" not in self.default_args:
            # Flyte retries at once; Airflow's own default would wait 300 s.
            options["retry_delay"] = timedelta(
                seconds=conf.getfloat("dynflow", "node_retry_delay", fallback=1.0)
            )
        label = node.options.name or node.task
        task_id = self._task_id(_TASK_ID_UNSAFE.sub("_", label).strip("_") or "task", node.group)
        display = label if label != task_id else None
        group = self._group(node.group)
        sources = self._sources(node.inputs.values())
        if entry.kind == "map":
            return self._map(index, task_id, display, group, sources, options)
        if entry.kind == "dynamic":
            make = functools.partial(
                DynamicCompileOperator, workflow=self.wf, node=index, sources=sources, **self.hooks
            )
            own_retries = options.pop("retries", self.default_args.get("retries", 0))
            return dynamic_group(
                task_id, display, group, make, runner_dag_id(self.dag_id), own_retries, **options
            )
        if display is not None:
            options["task_display_name"] = display
        if entry.kind == "select":
            options["trigger_rule"] = TriggerRule.NONE_FAILED_MIN_ONE_SUCCESS
        operator = {"decide": DecideOperator, "select": SelectOperator}.get(entry.kind, DynflowTaskOperator)
        if isinstance(entry.entity, Gate):
            # Imported here: the HITL operators and DateTimeTrigger bring airflow.triggers.base and
            # asgiref (about 8 ms of CPU), which every task process parsing a gate-less DAG would pay.
            from airflow_dynflow.airflow.operators.gate_operators import gate_operator

            operator = gate_operator(entry.entity)
        op = operator(
            task_id=task_id,
            task_group=group,
            workflow=self.wf,
            node=index,
            sources=sources,
            **options,
            **self.hooks,
        )
        return op, op

    def _map(
        self,
        index: int,
        name: str,
        display: str | None,
        parent: TaskGroup | None,
        sources: Mapping[int, str],
        options: dict[str, Any],
    ) -> tuple[BaseOperator, BaseOperator]:
        mapper = self.spec.entity(self.spec.nodes[index])
        assert isinstance(mapper, MapTask)
        with TaskGroup(group_id=name, group_display_name=display or "", parent_group=parent):
            split = MapSplitOperator(
                task_id="split", workflow=self.wf, node=index, sources=sources, **self.hooks
            )
            element = MapElementOperator.partial(
                task_id=mapper.task.name,
                workflow=self.wf,
                node=index,
                split_id=split.task_id,
                map_index_template=LABEL_TEMPLATE,
                max_active_tis_per_dagrun=mapper.map.concurrency,
                **options,
            ).expand(element=split.output)
            collect = MapCollectOperator(
                task_id="collect",
                workflow=self.wf,
                node=index,
                split_id=split.task_id,
                element_id=element.task_id,
                trigger_rule=TriggerRule.NONE_FAILED
                if mapper.map.min_success_ratio >= 1.0
                else TriggerRule.ALL_DONE,
            )
            split >> element >> collect
        return split, collect

    def _sources(self, bindings: Iterable[Binding]) -> dict[int, str]:
        """Which task id holds the outputs of each node these bindings read."""
        return {dep: self.exit[dep].task_id for dep in nodes_read(bindings)}

    def _task_id(self, name: str, group: str) -> str:
        """``name``, then ``name__1``, ``name__2`` for repeated calls (Airflow's own convention)."""
        key = f"{group}.{name}"
        count = self.names.get(key, 0)
        self.names[key] = count + 1
        return name if count == 0 else f"{name}__{count}"

    def _group(self, path: str) -> TaskGroup | None:
        if not path:
            return None
        if path not in self.groups:
            parent, _, name = path.rpartition(".")
            self.groups[path] = TaskGroup(group_id=name, parent_group=self._group(parent))
        return self.groups[path]
