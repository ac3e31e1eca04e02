"""The compile task of a ``@dynamic``: run the body with real inputs, store the futures spec.

It pushes only a small reference (``runtime.expansion.Expansion``) to XCom under the key ``spec``;
its return value, one label per mapped instance, is what the generated-node task expands over.
It logs the graph it compiled, which is what ``airflow tasks test`` on it prints.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from airflow.sdk import BaseOperator, BaseOperatorLink, Context

from airflow_dynflow.airflow import errors
from airflow_dynflow.airflow.compat import AirflowFailException, conf
from airflow_dynflow.airflow.runtime.child_request import REQUEST_KEY, request_location, verified_request
from airflow_dynflow.airflow.runtime.expansion import Expansion, batch_of
from airflow_dynflow.airflow.runtime.gate_refusals import refuse_packed_gates
from airflow_dynflow.airflow.runtime.idempotency import attempt_in_generation
from airflow_dynflow.airflow.runtime.inputs import check_conf, workflow_resolver
from airflow_dynflow.airflow.signing_key import deployment_signer
from airflow_dynflow.airflow.store.blob_store import BlobStore
from airflow_dynflow.airflow.store.futures_spec import write_futures_spec, write_spec_slices
from airflow_dynflow.airflow.store.payloads import Payloads, location
from airflow_dynflow.core.authoring.entities import Dynamic, Workflow, checked_inputs
from airflow_dynflow.core.authoring.tracing import CompileLimits
from airflow_dynflow.core.errors import CompileLimitError
from airflow_dynflow.core.origin import import_entity
from airflow_dynflow.core.spec import Spec, node_id
from airflow_dynflow.core.wire.spec_write import dump_spec

__all__ = [
    "CompileOperator",
    "DynamicCompileOperator",
    "DynamicGraphLink",
    "RunnerCompileOperator",
    "compile_limits",
    "graph_lines",
]

_GRAPH_LINES = 200


class DynamicGraphLink(BaseOperatorLink):
    """ "Dynamic graph": from a dynamic's compile task to its run's Dynamic graph tab, where a user
    looking at the task instance wants to go next. One link per dynamic, not per generated node:
    the task SDK stores each link as an XCom row per instance."""

    name = "Dynamic graph"

    def get_link(self, operator: BaseOperator, *, ti_key: Any) -> str:
        from airflow.utils.helpers import build_airflow_dagrun_url

        return build_airflow_dagrun_url(dag_id=ti_key.dag_id, run_id=ti_key.run_id) + "/plugin/dynamic-graph"


class CompileOperator(BaseOperator):
    """Runs a ``@dynamic`` body with real inputs; its futures spec is what ``nodes`` will run.

    Subclasses say where the dynamic and its inputs come from.
    """

    ui_color = "#ede9fe"
    operator_extra_links = (DynamicGraphLink(),)

    def __init__(self, *, own_retries: int = 0, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.own_retries = own_retries

    def dynamic_and_inputs(self, context: Context) -> tuple[Dynamic, dict[str, Any]]:
        raise NotImplementedError

    def execute(self, context: Context) -> list[str]:
        dynamic, inputs = self.dynamic_and_inputs(context)
        try:
            spec = dynamic.compile_within(compile_limits(), **checked_inputs(dynamic.interface, inputs))
        except CompileLimitError as exc:
            raise errors.compile_limit(exc) from None
        except AirflowFailException:
            raise
        except Exception as exc:
            # The body's own failure: it gets the dynamic's retries, never the spare tries.
            attempt = attempt_in_generation(context["ti"], self.retries)
            if attempt > self.own_retries:
                raise errors.body_failed_for_good(dynamic.name, attempt, exc) from exc
            raise
        max_map_length = conf.getint("core", "max_map_length")
        refuse_packed_gates(spec, batch_of(len(spec.nodes), max_map_length, dynamic.nodes_per_instance))
        signer = deployment_signer()
        text = dump_spec(spec, signer)
        limit = conf.getint("dynflow", "max_spec_bytes", fallback=32 * 1024 * 1024)
        if len(text) > limit:
            raise errors.spec_too_large(dynamic.name, len(text), limit)
        store = BlobStore()
        run_id = context["run_id"]
        key, digest = write_futures_spec(store, store.run_path(self.dag_id, run_id, self.task_id), text)
        expansion = Expansion.plan(key, digest, len(spec.nodes), max_map_length, dynamic.nodes_per_instance)
        write_spec_slices(store, spec, digest, expansion.batch, signer, self.dag_id, run_id, self.task_id)
        self.log.info(
            "%s: %d generated nodes in %d task instances, spec %s (%d bytes)",
            dynamic.name,
            expansion.count,
            expansion.instances,
            key,
            len(text),
        )
        for line in graph_lines(spec):
            self.log.info("%s", line)
        where = location(self.dag_id, run_id, self.task_id) + "/spec"
        context["ti"].xcom_push(key="spec", value=expansion.to_xcom(signer, where))
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
        resolver = workflow_resolver(wf, context, self.sources, Payloads(BlobStore()))
        dynamic = wf.spec.entity(wf.spec.nodes[self.node])
        assert isinstance(dynamic, Dynamic)
        return dynamic, resolver.inputs(self.node, self.task_id)


class RunnerCompileOperator(CompileOperator):
    """The compile task of the runner DAG: which dynamic and its inputs come from the run's conf."""

    def dynamic_and_inputs(self, context: Context) -> tuple[Dynamic, dict[str, Any]]:
        """Only a request a parent node signed for this very run is read; the dynamic is imported by
        module name (never from a path), and only after the signature checked out."""
        run_id = context["run_id"]
        request = verified_request(deployment_signer(), context["dag_run"].conf, self.dag_id, run_id)
        target = request["dynamic"]
        dynamic = import_entity(target["ref"], None, target["version"])
        if not isinstance(dynamic, Dynamic):
            raise errors.child_request_not_a_dynamic(self.dag_id, target["ref"])
        payloads = Payloads(BlobStore())
        params = dynamic.interface.inputs
        where = request_location(self.dag_id, run_id)
        encoded = request["inputs"]
        if set(encoded) - set(params):
            raise errors.child_request_unknown_inputs(self.dag_id, dynamic.name)
        inputs = {
            name: payloads.decode(params[name].converter, stored, f"{where}/{name}")
            for name, stored in encoded.items()
        }
        self.log.info("expanding %s for %s", dynamic.name, request["parent"])
        # For the parent node: this run serves its request (a run made by anyone else never gets here).
        context["ti"].xcom_push(key=REQUEST_KEY, value=request["parent"])
        return dynamic, inputs


def compile_limits() -> CompileLimits:
    """The bounds ``[dynflow]`` sets on a compile: a run's inputs may ask a body for any size."""
    return CompileLimits(
        max_nodes=conf.getint("dynflow", "max_nodes_per_dynamic", fallback=100_000),
        max_seconds=conf.getfloat("dynflow", "max_compile_seconds", fallback=300.0),
    )


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
