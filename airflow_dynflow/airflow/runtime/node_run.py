"""One execution of a generated-node instance (``operators.generated_node``): its nodes, their
inputs, cache and call, and the outputs it stores and pushes.

The operator owns the instance's life cycle (wait, defer, skip); once every dependency is done it
hands over here. Outputs stored by an earlier try of the same generation stand in for running the
functions again (``store.stored_outputs``), and so does what an unfinished try completed.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from airflow.sdk import Context

from airflow_dynflow.airflow import compat, errors
from airflow_dynflow.airflow.compat import (
    AirflowFailException,
    AirflowRescheduleException,
    AirflowSkipException,
    DagRunTriggerException,
    conf,
)
from airflow_dynflow.airflow.operators.child_run import ChildRun, child_run_links
from airflow_dynflow.airflow.runtime.entity_calls import run_entity
from airflow_dynflow.airflow.runtime.expansion import instance_spec, missing_node, node_location
from airflow_dynflow.airflow.runtime.gate_refusals import refuse_gates_in_line
from airflow_dynflow.airflow.runtime.idempotency import (
    attempt_in_generation,
    generation_start,
    set_idempotency_key,
)
from airflow_dynflow.airflow.runtime.inputs import Resolver
from airflow_dynflow.airflow.runtime.instance_decks import deck_links, instance_decks
from airflow_dynflow.airflow.runtime.log_lines import node_log_lines, shown
from airflow_dynflow.airflow.runtime.map_labels import set_label
from airflow_dynflow.airflow.runtime.node_error import ERROR_KEY, error_record
from airflow_dynflow.airflow.runtime.not_run import NOT_RUN_KEY, not_run_record
from airflow_dynflow.airflow.runtime.upstream import UpstreamEnvelopes
from airflow_dynflow.airflow.signing_key import deployment_signer
from airflow_dynflow.airflow.store.blob_store import BlobStore
from airflow_dynflow.airflow.store.payloads import Payloads, location
from airflow_dynflow.airflow.store.stored_outputs import StoredOutputs
from airflow_dynflow.core.authoring.conditional import Select
from airflow_dynflow.core.authoring.entities import Dynamic, Task, checked_inputs
from airflow_dynflow.core.authoring.gates import Gate
from airflow_dynflow.core.authoring.local_runner import run_spec
from airflow_dynflow.core.errors import add_node_path
from airflow_dynflow.core.options import Options
from airflow_dynflow.core.protocols import NodeEntity
from airflow_dynflow.core.spec import Ref, node_id

if TYPE_CHECKING:
    from airflow_dynflow.airflow.operators.generated_node import GeneratedNodeOperator
    from airflow_dynflow.airflow.runtime.gate_requests import GeneratedGate

__all__ = ["NodeRun"]

# Exceptions a node run raises to talk to Airflow, not because the node failed.
# A failure that already fails the instance for good (an integrity check, a missing upstream) keeps
# its own message.
_AIRFLOW_CONTROL_FLOW = (
    DagRunTriggerException,
    AirflowRescheduleException,
    AirflowSkipException,
    AirflowFailException,
)


class NodeRun:
    """One execution of a generated-node instance: its nodes, their inputs and stored outputs."""

    def __init__(self, op: GeneratedNodeOperator, context: Context) -> None:
        self.op = op
        self.context = context
        self.ti = context["ti"]
        set_label(context, op.node_label)
        signer = deployment_signer()
        map_index = self.ti.map_index
        assert map_index is not None, "generated-node instances are always mapped"
        self.map_index: int = map_index
        self.store = BlobStore()
        self.expansion, self.spec = instance_spec(context, op.compile_id, self.store, signer, map_index)
        self.nodes = self.expansion.nodes_of(self.map_index)
        entities = [self.spec.entity(self.spec.nodes[i]) for i in self.nodes]
        # An instance pushes only the links its nodes can have (``child_run_links``, ``deck_links``).
        op.operator_extra_links = (*child_run_links(entities), *deck_links(*entities))
        self.payloads = Payloads(self.store, signer)
        self.upstream = UpstreamEnvelopes(self.ti, op.task_id, self.expansion, self.payloads)
        self.tasks_test = compat.is_tasks_test()
        # This process's own nodes' envelopes, unsigned until the instance's value is (``_store``).
        self.done: dict[int, Any] = {}
        self.pushed: dict[str, Any] | None = None
        self.folder = self.store.run_path(op.dag_id, context["run_id"], op.task_id, str(self.map_index))
        self.decks = instance_decks(op, context, self.store)
        self.place = (op.dag_id, context["run_id"], op.task_id, self.map_index)
        self.where = location(*self.place)
        version = self.expansion.digest[-16:]
        self.outputs = StoredOutputs(
            store=self.store,
            signer=signer,
            path=self.folder / f"{version}.json",
            where=f"{self.where}/{version}",
        )

    def record_not_run(self, dependency: int) -> None:
        """For the repair listener: a clear of ``dependency`` clears this instance too."""
        record = not_run_record(self.payloads.signer, *self.place, dependency)
        self.ti.xcom_push(key=NOT_RUN_KEY, value=record)

    def _failed(self, index: int, exc: Exception) -> None:
        """Name the node in the exception and record it for the graph view, before the exception leaves."""
        add_node_path(exc, self.spec.label(index))
        record = error_record(self.payloads.signer, *self.place, node_id(index), exc)
        self.ti.xcom_push(key=ERROR_KEY, value=record)

    def label_of_instance(self, map_index: int) -> str:
        return self.expansion.label_of(map_index, self.spec)

    def dependencies(self) -> list[int]:
        inside = set(self.nodes)
        outside = {d for i in self.nodes for d in self.spec.nodes[i].depends_on() if d not in inside}
        return sorted({self.expansion.map_index_of(d) for d in outside})

    def skippable(self) -> list[int]:
        """Dependencies that may end skipped: the cases a conditional's select node waits for."""
        inside = set(self.nodes)
        found: set[int] = set()
        for i in self.nodes:
            node = self.spec.nodes[i]
            if self.spec.tasks[node.task].kind == "select":
                branch = node.inputs["branch"]
                decide = branch.node if isinstance(branch, Ref) else None
                found |= {d for d in node.depends_on() if d not in inside and d != decide}
        return sorted({self.expansion.map_index_of(d) for d in found})

    def generation_start(self) -> int:
        return generation_start(self.ti, self.op.retries)

    def stored(self) -> dict[str, Any] | None:
        """Outputs an earlier try of this generation stored. ``airflow tasks test`` is run to see the
        function run, so there they are used only when ``[dynflow] tasks_test_reuses_outputs`` says."""
        found = self.outputs.read(self.generation_start())
        if found is None:
            return None
        try_number, pushed = found
        if self.tasks_test and not conf.getboolean("dynflow", "tasks_test_reuses_outputs", fallback=False):
            self.op.log.info(
                "%s: airflow tasks test runs the function; the outputs try %d stored are not used "
                "(set [dynflow] tasks_test_reuses_outputs = True to use them)",
                self.op.node_label,
                try_number,
            )
            return None
        self.op.log.info(
            "%s: try %d reuses the outputs stored by try %d of this run; not running the function again",
            self.op.node_label,
            self.ti.try_number,
            try_number,
        )
        return pushed

    def log_try(self) -> None:
        """What this try means: the node's first run, or a retry of it (and which)."""
        attempt = attempt_in_generation(self.ti, self.op.retries)
        if attempt <= 1:
            self.op.log.info("%s: first run (try %d)", self.op.node_label, self.ti.try_number)
        else:
            self.op.log.info(
                "%s: retry %d of this node (try %d); no outputs were stored by an earlier try",
                self.op.node_label,
                attempt - 1,
                self.ti.try_number,
            )

    def _fetch(self, index: int) -> Any:
        if index in self.done:
            return self.done[index]
        return self.upstream.envelope(index)

    def resolver(self) -> Resolver:
        return Resolver(
            spec=self.spec,
            payloads=self.payloads,
            fetch=self._fetch,
            describe=lambda i: (
                f"generated node {self.spec.label(i)} (map index {self.expansion.map_index_of(i)})"
            ),
            locate=self._location,
            missing=missing_node(self.spec, self.expansion, self.op.task_id),
            signed=False,
        )

    def _location(self, index: int) -> str:
        return node_location(self.context, self.op.task_id, self.expansion, index)

    def execute(self) -> dict[str, Any]:
        resolver = self.resolver()
        self.upstream.prefetch(
            d for i in self.nodes for d in self.spec.nodes[i].depends_on() if d not in self.nodes
        )
        kept = self._kept()
        for index in self.nodes:
            node = self.spec.nodes[index]
            entity = self.spec.entity(node)
            label = self.spec.label(index)
            if node_id(index) in kept:
                self.done[index] = kept[node_id(index)]
                continue
            key = set_idempotency_key(
                self.context, f"{self.op.task_id}/{node_id(index)}", self.generation_start()
            )
            if not self._case_taken(index, resolver):
                continue
            try:
                inputs = self._inputs(index, entity, resolver, label)
                hashes = resolver.input_hashes(index)
                self._log_inputs(index, label, inputs)
                if isinstance(entity, Gate):
                    self._gate(entity).ask(self.op, self.context, inputs)
                if isinstance(entity, Dynamic):
                    outputs = self._nested(entity, inputs, index, hashes)
                else:
                    outputs = self._call(index, entity, inputs, node.options, key, hashes)
            except _AIRFLOW_CONTROL_FLOW:
                raise
            except Exception as exc:
                self._failed(index, exc)
                self._fail_for_good_if_no_retries_left(exc, entity.options.merged(node.options))
                raise
            self.done[index] = self._encode(index, entity, outputs)
            self._keep()
            self.op.log.info("%s: output %s", label, shown(outputs))
        self.decks.push(self.context)
        return self._store()

    def _encode(self, index: int, entity: NodeEntity, outputs: Mapping[str, Any]) -> Any:
        """Node ``index``'s outputs as its unsigned envelope (``_store`` signs the instance's value)."""
        folder, where = self.folder / node_id(index), self._location(index)
        return self.payloads.encode_outputs(entity.interface, outputs, folder, where, signed=False)

    def _kept(self) -> dict[str, Any]:
        """Nodes of this instance that an unfinished try of this generation completed and stored:
        their functions returned, so they do not run again."""
        try_number, kept = self.outputs.progress(self.generation_start())
        if kept:
            self.op.log.info(
                "%s: try %d reuses what try %d stored of %s before it ended; not running those again",
                self.op.node_label,
                self.ti.try_number,
                try_number,
                ", ".join(sorted(kept)),
            )
        return kept

    def _keep(self) -> None:
        """Store what is done the moment a node's function returns, before its output is logged and
        before the next node runs: the instance's value once every node is done, else its progress.
        Nothing that ``airflow tasks test`` made: a real retry must not take a test's outputs."""
        if len(self.done) == len(self.nodes):
            self._store()
        elif not self.tasks_test:
            self.outputs.write_progress(self.ti.try_number, {node_id(i): v for i, v in self.done.items()})

    def _case_taken(self, index: int, resolver: Resolver) -> bool:
        """A node inside a conditional's case runs only when its decide node chose that case. Alone
        in its instance, a node of a case not taken skips the instance, as a static branch does."""
        guard = self.spec.nodes[index].guard
        if guard is None:
            return True
        decide, case = guard
        if decide in self.done and self.done[decide] is None:
            chosen = None
        else:
            chosen = resolver.value(Ref(decide, "branch"), self.spec.label(index), "branch")
        if chosen == case:
            return True
        why = errors.case_not_taken(self.spec.label(index), self.spec.label(decide), case, chosen)
        self.op.log.info("%s", why)
        if len(self.nodes) == 1:
            raise why
        self.done[index] = None
        return False

    def _inputs(self, index: int, entity: NodeEntity, resolver: Resolver, label: str) -> dict[str, Any]:
        """A select node resolves only the values of the case taken; the others never existed."""
        node = self.spec.nodes[index]
        if not isinstance(entity, Select):
            return resolver.inputs(index, label)
        return entity.resolve(node.inputs, lambda name: resolver.value(node.inputs[name], label, name))

    def _log_inputs(self, index: int, label: str, inputs: Mapping[str, Any]) -> None:
        """The node, its dependencies by label and its inputs (``node_log_lines``). Whether a cached
        task hits its cache is logged by the call that looks it up (``core.authoring.call_policy``)."""
        batched = self.expansion.batch > 1
        deps = [
            self.spec.label(d) if batched else self.expansion.label_of(d, self.spec)
            for d in self.spec.nodes[index].depends_on()
        ]
        for line in node_log_lines(label, deps, inputs):
            self.op.log.info("%s", line)

    def _store(self) -> dict[str, Any]:
        """Sign the instance's value once, store it for a later try of this generation, push it."""
        if self.pushed is None:
            self.pushed = self.payloads.sign_instance(
                {node_id(i): self.done[i] for i in self.nodes}, self.where
            )
            if not self.tasks_test:
                self.outputs.write(self.ti.try_number, self.pushed)
        return self.pushed

    def _call(
        self,
        index: int,
        entity: NodeEntity,
        inputs: Mapping[str, Any],
        options: Options,
        key: str,
        hashes: Mapping[str, str],
    ) -> dict[str, Any]:
        timeout = entity.options.merged(options).timeout
        if isinstance(entity, Task):
            return run_entity(
                self.spec.label(index),
                entity,
                inputs,
                self.store,
                timeout,
                (self.context["run_id"], key),
                hashes,
                self.decks.sink(node_id(index)),
            )
        return entity.run_node(inputs, Options(timeout=timeout))

    def _fail_for_good_if_no_retries_left(self, exc: Exception, options: Options) -> None:
        """Generated instances carry spare Airflow retries (for the defer/requeue race); a node
        gets only the retries it asked for, then fails without further tries."""
        attempt = attempt_in_generation(self.ti, self.op.retries)
        if attempt > (options.retries or 0):
            raise errors.node_failed_for_good(self.op.node_label, attempt, exc) from exc

    def _nested(
        self, dynamic: Dynamic, inputs: Mapping[str, Any], index: int, hashes: Mapping[str, str]
    ) -> dict[str, Any]:
        """A dynamic inside a dynamic: a child run of the runner DAG, or in-line where that cannot run."""
        if compat.is_dag_test() or self.expansion.batch > 1:
            sub = dynamic.compile(**checked_inputs(dynamic.interface, inputs))
            refuse_gates_in_line(sub)
            self.op.log.info("expanding %s in-line: %d nodes", self.spec.label(index), len(sub.nodes))
            return run_spec(sub, {}, observe=lambda label: self.op.log.info("  running %s", label))
        child = self._child(dynamic, inputs, index, hashes)
        return child.outputs_or_trigger(used_before=self.outputs.stored_before(self.generation_start()))

    def _child(
        self, dynamic: Dynamic, inputs: Mapping[str, Any], index: int, hashes: Mapping[str, str]
    ) -> ChildRun:
        return ChildRun(
            operator=self.op,
            label=self.op.node_label,
            context=self.context,
            runner_dag_id=self.op.runner_dag_id,
            node=node_id(index),
            dynamic=dynamic,
            inputs=inputs,
            hashes=hashes,
            payloads=self.payloads,
            folder=self.folder,
        )

    def _gate(self, gate: Gate) -> GeneratedGate:
        # Imported only here: the human-in-the-loop provider stays out of every other node's process.
        from airflow_dynflow.airflow.runtime.gate_requests import GeneratedGate

        return GeneratedGate(gate, self.spec.name, self.op.task_id)

    def finish(self, event: Any) -> dict[str, Any]:
        """After a wait that ended this instance's try: a child run's, or a gate's (its answer).

        A child run's request is worked out again from the node's inputs, never taken from the
        trigger's event, so the outputs read are those of this node's own child. A gate's answer is
        the event: checked (its type, its approval) before anything reads it."""
        (index,) = self.nodes
        entity = self.spec.entity(self.spec.nodes[index])
        resolver = self.resolver()
        label = self.spec.label(index)
        inputs = resolver.inputs(index, label)
        try:
            if isinstance(entity, Gate):
                outputs = self._gate(entity).answer(self.op, self.context, event, inputs)
            else:
                assert isinstance(entity, Dynamic)
                child = self._child(entity, inputs, index, resolver.input_hashes(index))
                outputs = child.finished_outputs()
        except Exception as exc:
            self._failed(index, exc)
            raise
        self.done[index] = self._encode(index, entity, outputs)
        self.op.log.info("%s: output %s", label, shown(outputs))
        return self._store()
