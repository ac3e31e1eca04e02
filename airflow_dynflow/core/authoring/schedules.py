"""flytekit's ``CronSchedule`` and ``FixedRate``: when a launch plan runs, as plain values.

A schedule only says when; a runtime decides how (on Airflow, a schedule of the launch plan's DAG:
the cron string or the timedelta, both accepted by ``DAG(schedule=...)``). ``kickoff_time_input_arg``
names a ``datetime`` input of the workflow that receives the time the run was scheduled for.

Flyte reads two cron dialects: ``schedule=`` takes a standard five-field expression or an alias
(``"@daily"``, ``"hourly"`` ...); ``cron_expression=`` takes the AWS six-field form
(``"0 10 * * ? *"``). Both end as the same five-field ``cron``, so a runtime reads one spelling.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from airflow_dynflow.core import errors
from airflow_dynflow.core.options import warn_not_honoured

__all__ = ["CronSchedule", "FixedRate", "Schedule"]

# flytekit's aliases, as the five-field expressions they stand for.
_ALIASES = {
    "hourly": "0 * * * *",
    "hours": "0 * * * *",
    "daily": "0 0 * * *",
    "days": "0 0 * * *",
    "weekly": "0 0 * * 0",
    "weeks": "0 0 * * 0",
    "monthly": "0 0 1 * *",
    "months": "0 0 1 * *",
    "annually": "0 0 1 1 *",
    "yearly": "0 0 1 1 *",
    "years": "0 0 1 1 *",
}


@dataclass(frozen=True, slots=True, init=False)
class CronSchedule:
    """Run at the times a cron expression names.

    ``CronSchedule(schedule="*/5 * * * *")`` or flytekit's older ``CronSchedule(cron_expression=
    "0 10 * * ? *")``; the positional order is flytekit's (``cron_expression`` first).
    """

    cron: str
    kickoff_time_input_arg: str | None

    def __init__(
        self,
        cron_expression: str | None = None,
        schedule: str | None = None,
        offset: str | None = None,
        kickoff_time_input_arg: str | None = None,
    ) -> None:
        if (cron_expression is None) == (schedule is None):
            raise errors.cron_needs_one_expression(cron_expression, schedule)
        if offset is not None:
            # Warned, not refused: the program must import unchanged, and the runs still happen.
            warn_not_honoured("CronSchedule", ["offset"], stacklevel=2)
        cron = _from_aws(cron_expression) if cron_expression is not None else _standard(str(schedule))
        object.__setattr__(self, "cron", cron)
        object.__setattr__(self, "kickoff_time_input_arg", kickoff_time_input_arg)


@dataclass(frozen=True, slots=True)
class FixedRate:
    """Run every ``duration``, e.g. ``FixedRate(duration=timedelta(minutes=10))``."""

    duration: timedelta
    kickoff_time_input_arg: str | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.duration, timedelta) or self.duration <= timedelta(0):
            raise errors.bad_fixed_rate(self.duration)


Schedule = CronSchedule | FixedRate


def _standard(schedule: str) -> str:
    text = schedule.strip()
    alias = _ALIASES.get(text.lower().removeprefix("@"))
    if alias is not None:
        return alias
    if len(text.split()) != 5:
        raise errors.cron_not_five_fields(schedule)
    return text


def _from_aws(expression: str) -> str:
    """``0 10 * * ? *`` -> ``0 10 * * *``: Flyte's AWS form, as far as it means the same in cron.

    AWS numbers weekdays 1-7 from Sunday, cron 0-6, so a numeric weekday would silently shift a day:
    it is refused (names like ``MON-FRI`` mean the same in both). So is a year other than ``*``.
    """
    fields = expression.split()
    if len(fields) != 6 or fields[5] != "*":
        raise errors.aws_cron_not_six_fields(expression)
    if any(ch.isdigit() for ch in fields[4]):
        raise errors.aws_cron_numeric_weekday(expression)
    return " ".join(field.replace("?", "*") for field in fields[:5])
