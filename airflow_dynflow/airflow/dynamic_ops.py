"""The three operators of a ``@dynamic`` call: compile, generated nodes, result.

``compile`` runs the body with the materialized inputs (``Dynamic.compile``), writes the futures
spec to the blob store and pushes a small reference; its return value (one label per instance)
is what ``nodes`` expands over. Each ``nodes`` instance waits for its dependencies without holding
a worker slot (deferral under a scheduler, rescheduling under ``dag.test()``, where triggers block),
runs its node and stores the outputs. ``result`` resolves the spec's outputs for whatever is
downstream.

Idempotency: a node's outputs are also written to the blob store with the try that made them.
A later try of the same generation (Airflow's own retry, or the 3.3.2 defer/requeue race that
fails an instance which had succeeded) pushes the stored outputs instead of running the function
again. A cleared instance starts a new generation (Airflow raises ``max_tries`` on clear) and runs.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

from airflow.sdk import BaseOperator, Context, conf
from airflow.sdk.exceptions import (
    AirflowFailException,
    AirflowRescheduleException,
    AirflowSkipException,
    DagRunTriggerException,
)

from airflow_dynflow.airflow.expansion import Expansion, digest_of, load_spec
from airflow_dynflow.airflow.operators import check_conf, run_entity, set_label, workflow_resolver
from airflow_dynflow.airflow.payload import Payloads
from airflow_dynflow.airflow.resolver import Resolver
from airflow_dynflow.airflow.store import BlobStore
from airflow_dynflow.airflow.triggers import DependenciesTrigger
from airflow_dynflow.airflow.waiting import dependency_status
from airflow_dynflow.core.entities import Dynamic, Workflow, checked_inputs
from airflow_dynflow.core.errors import add_node_path
from airflow_dynflow.core.local import run_spec
from airflow_dynflow.core.origin import resolve
from airflow_dynflow.core.spec import Options, Spec, node_id

__all__ = [
    "CompileOperator",
    "DynamicCompileOperator",
    "DynamicResultOperator",
    "GeneratedNodeOperator",
    "RunnerCompileOperator",
]

log = logging.getLogger("airflow_dynflow")

# Exceptions a node run raises to talk to Airflow, not because the node failed.
_AIRFLOW_CONTROL_FLOW = (DagRunTriggerException, AirflowRescheduleException, AirflowSkipException)
_GRAPH_LINES = 200


def is_dag_test(context: Context) -> bool:
    """``dag.test()`` / ``airflow dags test`` run triggers inline and blocking: never defer there.

    The DagRun a task sees carries no ``triggered_by``, but under ``dag.test()`` every task runs
    in-process with ``InProcessSupervisorComms`` (task SDK 1.3), which is what we test for.
    """
    from airflow.sdk.execution_time import task_runner
    from airflow.sdk.execution_time.supervisor import InProcessSupervisorComms

    return isinstance(getattr(task_runner, "SUPERVISOR_COMMS", None), InProcessSupervisorComms)


def _state_name(state: Any) -> str:
    """``DagRunState.SUCCESS`` and ``"success"`` alike, as ``"success"``."""
    return str(getattr(state, "value", state)).lower()


def node_envelope(ti: Any, nodes_id: str, expansion: Expansion, index: int) -> Any:
    """Generated node ``index``'s outputs envelope from the instance that ran it, or None."""
    envelope = ti.xcom_pull(task_ids=nodes_id, map_indexes=expansion.map_index_of(index))
    return None if envelope is None else envelope.get(node_id(index))


def _spec_of(context: Context, compile_id: str) -> tuple[Expansion, Spec]:
    data = context["ti"].xcom_pull(task_ids=compile_id, key="spec")
    if data is None:
        raise RuntimeError(f"{compile_id} has no futures spec in this run; run it first")
    expansion = Expansion.from_xcom(data)
    return expansion, load_spec(expansion.uri, expansion.digest)


class CompileOperator(BaseOperator):
    """Runs a ``@dynamic`` body with real inputs; its futures spec is what ``nodes`` will run.

    Subclasses say where the dynamic and its inputs come from.
    """

    ui_color = "#ede9fe"

    def dynamic_and_inputs(self, context: Context) -> tuple[Dynamic, dict[str, Any]]:
        raise NotImplementedError

    def execute(self, context: Context) -> list[str]:
        dynamic, inputs = self.dynamic_and_inputs(context)
        spec = dynamic.compile(**checked_inputs(dynamic.interface, inputs))
        text = spec.to_json()
        digest = digest_of(text)
        store = BlobStore()
        path = store.run_path(self.dag_id, context["run_id"], self.task_id, f"spec-{digest[-16:]}.json")
        uri = store.write_bytes(path, text.encode())
        expansion = Expansion.plan(uri, digest, len(spec.nodes), conf.getint("core", "max_map_length"))
        self.log.info(
            "%s: %d generated nodes in %d task instances, spec %s (%d bytes)",
            dynamic.name,
            expansion.count,
            expansion.instances,
            uri,
            len(text),
        )
        for line in graph_lines(spec):
            self.log.info("%s", line)
        context["ti"].xcom_push(key="spec", value=expansion.to_xcom())
        return expansion.labels(spec)


class DynamicCompileOperator(CompileOperator):
    """The compile task of a ``@dynamic`` called in a workflow: inputs from upstream and params."""

    def __init__(self, *, workflow: Workflow, node: int, sources: Mapping[int, str], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.workflow = workflow
        self.node = node
        self.sources = dict(sources)

    def dynamic_and_inputs(self, context: Context) -> tuple[Dynamic, dict[str, Any]]:
        wf = self.workflow
        check_conf(wf, context)
        resolver = workflow_resolver(wf, wf.spec, context, self.sources, Payloads(BlobStore()))
        return wf.spec.entity(wf.spec.nodes[self.node]), resolver.inputs(self.node, self.task_id)


class RunnerCompileOperator(CompileOperator):
    """The compile task of the runner DAG: which dynamic and its inputs come from the run's conf."""

    def dynamic_and_inputs(self, context: Context) -> tuple[Dynamic, dict[str, Any]]:
        request = context["dag_run"].conf or {}
        try:
            target = request["dynamic"]
            encoded = request["inputs"]
        except KeyError as exc:
            raise ValueError(
                f"{self.dag_id} runs nested dynamics for their parent; conf lacks {exc}"
            ) from None
        dynamic = resolve(target["ref"], target.get("file"), target["version"])
        payloads = Payloads(BlobStore())
        params = dynamic.interface.inputs
        inputs = {name: payloads.decode(params[name].converter, stored) for name, stored in encoded.items()}
        parent = request.get("parent", {})
        self.log.info("expanding %s for %s", dynamic.name, parent or "a manual run")
        return dynamic, inputs


def graph_lines(spec: Spec) -> list[str]:
    """What the dynamic will schedule, one line per node: ``n7 update_list <- n5, n6``."""
    lines = []
    for i, node in enumerate(spec.nodes[:_GRAPH_LINES]):
        deps = ", ".join(node_id(d) for d in node.depends_on())
        kind = spec.tasks[node.task].kind
        suffix = f" ({kind})" if kind != "task" else ""
        lines.append(
            f"  {node_id(i)} {node.options.name or node.task}{suffix}" + (f" <- {deps}" if deps else "")
        )
    if len(spec.nodes) > _GRAPH_LINES:
        lines.append(f"  ... and {len(spec.nodes) - _GRAPH_LINES} more nodes")
    return lines


class GeneratedNodeOperator(BaseOperator):
    """One mapped instance per generated node (or per batch of nodes past max_map_length)."""

    ui_color = "#dbeafe"

    def __init__(self, *, compile_id: str, runner_dag_id: str, item: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.compile_id = compile_id
        self.runner_dag_id = runner_dag_id
        self.item = item

    def execute(self, context: Context) -> Any:
        run = _NodeRun(self, context)
        stored = run.stored()
        if stored is not None:
            return stored
        deps = run.dependencies()
        status = dependency_status(self.dag_id, context["run_id"], self.task_id, deps)
        if not status.ready and status.dead is None:
            poll = conf.getfloat("dynflow", "poll_interval", fallback=0.25)
            if is_dag_test(context):
                raise AirflowRescheduleException(datetime.now(UTC) + timedelta(seconds=poll))
            status = self._wait_inline(context, deps, poll)
            if not status.ready and status.dead is None:
                self.defer(
                    trigger=DependenciesTrigger(self.dag_id, context["run_id"], self.task_id, deps, poll),
                    method_name="resume",
                )
        return self._run_or_skip(run, status.dead, status.state)

    def resume(self, context: Context, event: Mapping[str, Any]) -> Any:
        run = _NodeRun(self, context)
        stored = run.stored()
        if stored is not None:
            return stored
        return self._run_or_skip(run, event.get("dead"), event.get("state"))

    def child_done(self, context: Context, event: Any) -> Any:
        return _NodeRun(self, context).finish_child()

    def _wait_inline(self, context: Context, deps: list[int], poll: float) -> Any:
        """A short wait in the worker first: a chain's next node is usually ready within a second,
        and deferring costs a trip through the triggerer and a fresh worker. Bounded, so waiting
        instances cannot starve ready ones of worker slots for long."""
        deadline = time.monotonic() + conf.getfloat("dynflow", "wait_inline_seconds", fallback=1.5)
        status = dependency_status(self.dag_id, context["run_id"], self.task_id, deps)
        while not status.ready and status.dead is None and time.monotonic() < deadline:
            time.sleep(poll)
            status = dependency_status(self.dag_id, context["run_id"], self.task_id, deps)
        return status

    def _run_or_skip(self, run: _NodeRun, dead: int | None, state: str | None) -> Any:
        if dead is not None:
            culprit = run.label_of_instance(dead)
            raise AirflowSkipException(f"{self.item}: not run, its dependency {culprit} is {state}")
        return run.execute()


class _NodeRun:
    """One execution of a generated-node instance: its nodes, their inputs and stored outputs."""

    def __init__(self, op: GeneratedNodeOperator, context: Context) -> None:
        self.op = op
        self.context = context
        self.ti = context["ti"]
        set_label(context, op.item)
        self.expansion, self.spec = _spec_of(context, op.compile_id)
        self.map_index = self.ti.map_index
        self.nodes = self.expansion.nodes_of(self.map_index)
        self.store = BlobStore()
        self.payloads = Payloads(self.store)
        self.done: dict[int, Any] = {}
        self.path = self.store.run_path(
            op.dag_id,
            context["run_id"],
            op.task_id,
            str(self.map_index),
            f"{self.expansion.digest[-16:]}.json",
        )

    def label_of_instance(self, map_index: int) -> str:
        return self.expansion.labels(self.spec)[map_index]

    def dependencies(self) -> list[int]:
        inside = set(self.nodes)
        outside = {d for i in self.nodes for d in self.spec.nodes[i].depends_on() if d not in inside}
        return sorted({self.expansion.map_index_of(d) for d in outside})

    def generation_start(self) -> int:
        """First try number since the instance was last cleared (clearing raises ``max_tries``)."""
        return self.ti.max_tries - (self.op.retries or 0) + 1

    def stored(self) -> dict[str, Any] | None:
        if not self.path.exists():
            return None
        data = json.loads(self.path.read_text())
        if data["try"] < self.generation_start():
            return None
        self.op.log.info(
            "%s: outputs already stored by try %d of this run; not running the function again",
            self.op.item,
            data["try"],
        )
        return data["nodes"]

    def _fetch(self, index: int) -> Any:
        if index in self.done:
            return self.done[index]
        return node_envelope(self.ti, self.op.task_id, self.expansion, index)

    def resolver(self) -> Resolver:
        return Resolver(
            self.spec,
            self.payloads,
            self._fetch,
            lambda i: f"generated node {self.spec.label(i)} (map index {self.expansion.map_index_of(i)})",
            {},
            {},
        )

    def execute(self) -> dict[str, Any]:
        resolver = self.resolver()
        for index in self.nodes:
            node = self.spec.nodes[index]
            entity = self.spec.entity(node)
            label = self.spec.label(index)
            self.op.log.info("running %s", label)
            try:
                inputs = resolver.inputs(index, label)
                if entity.kind == "dynamic":
                    outputs = self._nested(entity, inputs, index)
                else:
                    outputs = self._call(label, entity, inputs, node.options)
            except _AIRFLOW_CONTROL_FLOW:
                raise
            except Exception as exc:
                add_node_path(exc, label)
                self._fail_for_good_if_no_retries_left(exc, entity.options.merged(node.options))
                raise
            self.done[index] = self.payloads.encode_outputs(
                entity.interface, outputs, self.path.parent / node_id(index)
            )
        return self._store()

    def _store(self) -> dict[str, Any]:
        nodes = {node_id(i): self.done[i] for i in self.nodes}
        self.store.write_bytes(self.path, json.dumps({"try": self.ti.try_number, "nodes": nodes}).encode())
        return nodes

    def _call(self, label: str, entity: Any, inputs: Mapping[str, Any], options: Options) -> dict[str, Any]:
        timeout = entity.options.merged(options).timeout
        if entity.kind == "map":
            return entity.run_node(inputs, Options(timeout=timeout))
        return run_entity(label, entity, inputs, self.store, timeout)

    def _fail_for_good_if_no_retries_left(self, exc: Exception, options: Options) -> None:
        """Generated instances carry spare Airflow retries (for the defer/requeue race); a node
        gets only the retries it asked for, then fails without further tries."""
        attempt = self.ti.try_number - self.generation_start() + 1
        if attempt > (options.retries or 0):
            raise AirflowFailException(f"{self.op.item} failed after {attempt} tries: {exc!r}") from exc

    def _nested(self, dynamic: Dynamic, inputs: Mapping[str, Any], index: int) -> dict[str, Any]:
        """A dynamic inside a dynamic: a child run of the runner DAG, or in-line where that cannot run."""
        if is_dag_test(self.context) or self.expansion.batch > 1:
            sub = dynamic.compile(**checked_inputs(dynamic.interface, inputs))
            self.op.log.info("expanding %s in-line: %d nodes", self.spec.label(index), len(sub.nodes))
            values = run_spec(sub, {}, observe=lambda label: self.op.log.info("  running %s", label))
            return values
        return self._child_run(dynamic, inputs, index)

    def child_run_id(self) -> str:
        return f"{self.context['run_id']}__{self.op.task_id}__{self.map_index}"[:250]

    def _child_run(self, dynamic: Dynamic, inputs: Mapping[str, Any], index: int) -> dict[str, Any]:
        from airflow.sdk.execution_time.task_runner import RuntimeTaskInstance

        run_id = self.child_run_id()
        exists = RuntimeTaskInstance.get_dr_count(dag_id=self.op.runner_dag_id, run_ids=[run_id])
        if exists:
            state = _state_name(
                RuntimeTaskInstance.get_dagrun_state(dag_id=self.op.runner_dag_id, run_id=run_id)
            )
            if state == "success":
                return self.child_outputs(dynamic)
            if state != "failed":
                from airflow.providers.standard.triggers.external_task import DagStateTrigger

                self.op.defer(
                    trigger=DagStateTrigger(
                        dag_id=self.op.runner_dag_id,
                        states=["success", "failed"],
                        run_ids=[run_id],
                        execution_dates=None,
                        poll_interval=1,
                    ),
                    method_name="child_done",
                )
        params = dynamic.interface.inputs
        encoded = {
            name: self.payloads.encode(params[name].converter, value, self.path.parent / "child" / name)
            for name, value in checked_inputs(dynamic.interface, inputs).items()
        }
        o = dynamic.origin
        raise DagRunTriggerException(
            trigger_dag_id=self.op.runner_dag_id,
            dag_run_id=run_id,
            conf={
                "dynamic": {"ref": o.ref, "file": o.file, "version": o.version},
                "inputs": encoded,
                "parent": {
                    "dag_id": self.op.dag_id,
                    "run_id": self.context["run_id"],
                    "task_id": self.op.task_id,
                    "map_index": self.map_index,
                    "node": node_id(index),
                },
            },
            logical_date=None,
            reset_dag_run=bool(exists),
            skip_when_already_exists=False,
            wait_for_completion=True,
            allowed_states=["success"],
            failed_states=["failed"],
            poke_interval=1,
            deferrable=True,
        )

    def child_outputs(self, dynamic: Dynamic) -> dict[str, Any]:
        envelope = self.ti.xcom_pull(
            dag_id=self.op.runner_dag_id, run_id=self.child_run_id(), task_ids="result"
        )
        if envelope is None:
            raise RuntimeError(f"{self.op.item}: the child run {self.child_run_id()} has no result")
        outputs = dynamic.interface.outputs
        return {name: self.payloads.decode(outputs[name].converter, envelope[name]) for name in outputs}

    def finish_child(self) -> dict[str, Any]:
        from airflow.sdk.execution_time.task_runner import RuntimeTaskInstance

        (index,) = self.nodes
        state = str(
            RuntimeTaskInstance.get_dagrun_state(dag_id=self.op.runner_dag_id, run_id=self.child_run_id())
        )
        label = self.spec.label(index)
        if not state.endswith("success"):
            raise RuntimeError(
                f"{label}: its child run {self.child_run_id()} of {self.op.runner_dag_id} {state}"
            )
        dynamic = self.spec.entity(self.spec.nodes[index])
        outputs = self.child_outputs(dynamic)
        self.done[index] = self.payloads.encode_outputs(
            dynamic.interface, outputs, self.path.parent / node_id(index)
        )
        return self._store()


class DynamicResultOperator(BaseOperator):
    """The dynamic's outputs, resolved from its generated nodes, for whatever is downstream."""

    ui_color = "#dcfce7"

    def __init__(self, *, compile_id: str, nodes_id: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.compile_id = compile_id
        self.nodes_id = nodes_id

    def execute(self, context: Context) -> Any:
        expansion, spec = _spec_of(context, self.compile_id)
        ti = context["ti"]

        store = BlobStore()
        payloads = Payloads(store)
        resolver = Resolver(
            spec,
            payloads,
            lambda index: node_envelope(ti, self.nodes_id, expansion, index),
            lambda index: f"generated node {spec.label(index)}",
            {},
            {},
        )
        interface = spec.owner.interface
        values = {
            name: interface.check_output(name, resolver.value(b, self.task_id, name))
            for name, b in spec.outputs.items()
        }
        base = store.run_path(self.dag_id, context["run_id"], self.task_id)
        return payloads.encode_outputs(interface, values, base)
