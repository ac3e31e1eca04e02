"""flytekit's ``LaunchPlan``: a workflow with some of its inputs given, and maybe a schedule.

``default_inputs`` are values a caller may change, ``fixed_inputs`` values nobody may. A launch
plan is called like its workflow and adds nothing to the graph: called as plain Python it runs the
workflow with defaults, then the caller's arguments, then the fixed inputs; called in a workflow or
dynamic body it is a sub-workflow call with those merged inputs (the same trace path, not a copy).

What it adds is for runtimes: each launch plan other than a workflow's default one is announced
(``core.runtimes``), and ``as_workflow`` gives the graph it runs (fixed inputs as constants of the
graph, not inputs) so a runtime can launch it like any workflow; on Airflow it is a DAG of its own.

Every check happens at creation, so a launch plan that cannot run never exists: input names and
value types against the workflow, the kickoff input, and a value for every input of a scheduled plan.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from airflow_dynflow.core import errors, runtimes
from airflow_dynflow.core.authoring.entities import Workflow, checked_inputs, dispatch, input_schemas
from airflow_dynflow.core.authoring.schedules import Schedule
from airflow_dynflow.core.authoring.tracing import Trace
from airflow_dynflow.core.conversion.interface import Interface, check_value
from airflow_dynflow.core.conversion.type_relations import is_assignable
from airflow_dynflow.core.options import warn_not_honoured
from airflow_dynflow.core.origin import Origin
from airflow_dynflow.core.spec import Binding, Collection, Const, Owner, Ref, walk_path

__all__ = ["LaunchPlan", "launch_plan_named"]

# Launch plans by name, as flytekit keeps them (``LaunchPlan.CACHE``): the name is what a runtime
# launches (the DAG id on Airflow), so one name must mean one plan for the whole process.
_by_name: dict[str, LaunchPlan] = {}


@dataclass(frozen=True, slots=True, kw_only=True)
class LaunchPlan:
    """A named way to launch a workflow. Build one with ``LaunchPlan.get_or_create``.

    ``interface`` is what a caller may pass: the workflow's inputs less the fixed ones, with this
    plan's defaults; errors in a call name the launch plan.
    """

    name: str
    workflow: Workflow
    default_inputs: Mapping[str, Any]
    fixed_inputs: Mapping[str, Any]
    schedule: Schedule | None
    interface: Interface

    @classmethod
    def get_or_create(
        cls,
        workflow: Workflow,
        name: str | None = None,
        default_inputs: Mapping[str, Any] | None = None,
        fixed_inputs: Mapping[str, Any] | None = None,
        schedule: Schedule | None = None,
        **flytekit_only: Any,
    ) -> LaunchPlan:
        """The launch plan ``name`` of ``workflow``, created on first use; ``name=None`` is the
        workflow's default launch plan (named after it, nothing given, no schedule).

        The same name with the same arguments gives the same plan; with different ones it is an
        error, as in flytekit. flytekit's other options (notifications, labels, max_parallelism ...)
        are accepted with one warning naming them.
        """
        if not isinstance(workflow, Workflow):
            raise errors.launch_plan_needs_workflow(workflow)
        warn_not_honoured(
            name or workflow.name, [k for k, v in flytekit_only.items() if v is not None], stacklevel=2
        )
        plan = _checked_plan(workflow, name, dict(default_inputs or {}), dict(fixed_inputs or {}), schedule)
        cached = _by_name.get(plan.name)
        if cached is not None:
            differences = cached._differences(plan)
            if differences:
                raise errors.launch_plan_conflict(plan.name, differences)
            if cached.workflow is workflow:
                return cached
        # A module imported again (a DAG file parsed twice in one process) defines a new workflow
        # object: its plan replaces the old one, and is announced so its runtime sees it too.
        _by_name[plan.name] = plan
        if not plan.is_default:
            runtimes.announce(plan)
        return plan

    @property
    def is_default(self) -> bool:
        """The workflow's own launch plan: its runtime launches the workflow itself."""
        return (
            self.name == self.workflow.name
            and not self.default_inputs
            and not self.fixed_inputs
            and self.schedule is None
        )

    @property
    def origin(self) -> Origin:
        return self.workflow.origin

    @property
    def kickoff_input(self) -> str | None:
        """The input that receives the time a scheduled run was due, if the schedule names one."""
        return self.schedule.kickoff_time_input_arg if self.schedule is not None else None

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        overridden = set(kwargs) & set(self.fixed_inputs)
        if overridden:
            raise errors.fixed_input_overridden(self.name, overridden)
        return dispatch(self, args, kwargs)

    def __repr__(self) -> str:
        return f"LaunchPlan({self.name!r}, workflow={self.workflow.origin.ref})"

    def run_local(self, bound: Mapping[str, Any]) -> Any:
        return self.workflow.run_local({**checked_inputs(self.interface, bound), **self.fixed_inputs})

    def trace_call(self, trace: Trace, bound: Mapping[str, Any]) -> Any:
        return self.workflow.trace_call(trace, {**bound, **self.fixed_inputs})

    def as_workflow(self) -> Workflow:
        """The workflow as this plan launches it, under the plan's name: fixed inputs are constants
        of its graph (no longer inputs at all), and the defaults are the plan's."""
        wf = self.workflow
        fixed = self.fixed_inputs
        spec = replace(
            wf.spec,
            name=self.name,
            inputs=input_schemas(self.interface),
            nodes=tuple(
                replace(node, inputs={k: _baked(b, fixed) for k, b in node.inputs.items()})
                for node in wf.spec.nodes
            ),
            outputs={k: _baked(b, fixed) for k, b in wf.spec.outputs.items()},
            owner=Owner(wf.origin, self.interface),
        )
        return replace(wf, interface=self.interface, spec=spec)

    def _differences(self, other: LaunchPlan) -> list[str]:
        """What differs between two plans of one name, in the words of ``get_or_create``'s arguments."""
        pairs = {
            "workflow": (self.workflow.name, other.workflow.name),
            "default_inputs": (self.default_inputs, other.default_inputs),
            "fixed_inputs": (self.fixed_inputs, other.fixed_inputs),
            "schedule": (self.schedule, other.schedule),
        }
        return [what for what, (mine, theirs) in pairs.items() if mine != theirs]


def _checked_plan(
    workflow: Workflow,
    name: str | None,
    defaults: dict[str, Any],
    fixed: dict[str, Any],
    schedule: Schedule | None,
) -> LaunchPlan:
    settings = bool(defaults or fixed or schedule is not None)
    if name is None:
        if settings:
            raise errors.launch_plan_unnamed_settings(workflow.name)
        name = workflow.name
    elif settings and name in (workflow.name, workflow.dag_options.get("dag_id")):
        raise errors.launch_plan_named_like_workflow(name, workflow.name)
    params = workflow.interface.inputs
    for role, given in (("default_inputs", defaults), ("fixed_inputs", fixed)):
        for key in given:
            if key not in params:
                raise errors.launch_plan_unknown_input(name, role, key, workflow.name, params)
    both = sorted(defaults.keys() & fixed.keys())
    if both:
        raise errors.launch_plan_input_twice(name, both[0])
    defaults = {k: check_value(name, "default input", params[k], v) for k, v in defaults.items()}
    fixed = {k: check_value(name, "fixed input", params[k], v) for k, v in fixed.items()}
    inputs = {
        k: replace(p, default=defaults[k]) if k in defaults else p
        for k, p in params.items()
        if k not in fixed
    }
    interface = replace(workflow.interface, entity=name, inputs=inputs)
    plan = LaunchPlan(
        name=name,
        workflow=workflow,
        default_inputs=defaults,
        fixed_inputs=fixed,
        schedule=schedule,
        interface=interface,
    )
    kickoff = plan.kickoff_input
    if kickoff is not None:
        if kickoff in fixed:
            raise errors.kickoff_input_fixed(name, kickoff)
        if kickoff not in params:
            raise errors.launch_plan_unknown_input(
                name, "kickoff_time_input_arg", kickoff, workflow.name, params
            )
        if not is_assignable(datetime, params[kickoff].tp):
            raise errors.kickoff_input_not_datetime(name, kickoff, params[kickoff].tp)
    if schedule is not None:
        # A scheduled run has nobody to ask for a value (Airflow refuses such a DAG too).
        missing = [k for k, p in inputs.items() if p.required and k != kickoff]
        if missing:
            raise errors.scheduled_inputs_without_value(name, missing)
    return plan


def _baked(binding: Binding, fixed: Mapping[str, Any]) -> Binding:
    """``binding`` with every read of a fixed workflow input replaced by its value."""
    if isinstance(binding, Ref) and binding.node is None and binding.output in fixed:
        return Const(walk_path(fixed[binding.output], binding.path))
    if isinstance(binding, Collection):
        return replace(binding, items=tuple((k, _baked(b, fixed)) for k, b in binding.items))
    return binding


def launch_plan_named(name: str) -> LaunchPlan | None:
    """The launch plan created under ``name`` in this process, if any (``core.authoring.reference``)."""
    return _by_name.get(name)
