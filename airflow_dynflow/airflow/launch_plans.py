"""A launch plan on Airflow: a DAG of its own that runs the workflow's operators.

The DAG is ``build_dag`` of ``LaunchPlan.as_workflow()``: dag_id is the plan's name, params are the
inputs the plan leaves open with its defaults, fixed inputs are constants of the graph (not params
at all), and the schedule is the cron string or the timedelta, which ``DAG(schedule=...)`` takes
as they are. Two things cannot be said in a DAG's definition, so ``LaunchRun`` runs in each task
that reads the params, before it executes (BaseOperator's ``pre_execute``):

* a conf that names a fixed input is refused, naming the plan and the inputs, before any user code
  runs (Airflow itself accepts conf keys that are not params);
* the kickoff input, unless the conf gives it a value, is the run's ``data_interval_end``: the time a
  scheduled run was due (Airflow 3's cron and delta schedules give runs an interval that ends then),
  or the logical date a manual run was given; a manual run without one gets ``run_after``, the
  time it was triggered.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import timedelta

from airflow.sdk import DAG, Context, Param

from airflow_dynflow.airflow import errors
from airflow_dynflow.airflow.dag_builder import build_dag, params_of
from airflow_dynflow.core.authoring.launch_plan import LaunchPlan
from airflow_dynflow.core.authoring.schedules import CronSchedule, Schedule

__all__ = ["LaunchRun", "build_launch_plan_dag", "dag_schedule"]


def build_launch_plan_dag(plan: LaunchPlan) -> DAG | None:
    """The plan's DAG (None where ``build_dag`` builds none); the workflow's other DAG options (tags,
    start_date ...) carry over."""
    options: dict[str, object] = dict(plan.workflow.dag_options)
    options.update(dag_id=plan.name, schedule=dag_schedule(plan.schedule))
    wf = replace(plan.as_workflow(), dag_options=options)
    params: dict[str, Param] = params_of(wf)
    kickoff = plan.kickoff_input
    if kickoff is not None:
        # Nullable with a null default: a scheduled DAG may not have a param without a default.
        params[kickoff] = Param(
            None,
            type=["null", "string"],
            format="date-time",
            description=plan.interface.inputs[kickoff].description or "empty: the run's scheduled time",
        )
    return build_dag(
        wf,
        params=params,
        pre_execute=LaunchRun(plan=plan.name, fixed=tuple(plan.fixed_inputs), kickoff=kickoff),
    )


def dag_schedule(schedule: Schedule | None) -> str | timedelta | None:
    if schedule is None:
        return None
    return schedule.cron if isinstance(schedule, CronSchedule) else schedule.duration


@dataclass(frozen=True, slots=True, kw_only=True)
class LaunchRun:
    """What a launch plan adds to a run, checked and set in each task before it executes."""

    plan: str
    fixed: tuple[str, ...]
    kickoff: str | None

    def __call__(self, context: Context) -> None:
        run = context["dag_run"]
        conf: Mapping[str, object] = run.conf or {}
        given = sorted(set(conf) & set(self.fixed))
        if given:
            raise errors.fixed_inputs_in_conf(self.plan, given)
        # The trigger form sends every param, an empty kickoff input as null.
        if self.kickoff is not None and conf.get(self.kickoff) is None:
            when = run.data_interval_end or run.run_after
            context["params"][self.kickoff] = when.isoformat()
