"""A generated node that fails after its retries: dependents are skipped and the run fails."""

from airflow_dynflow import dynamic, task, workflow  # airflow dag: found by the safe-mode scan


@task
def step(value: int, fail_at: int) -> int:
    if value == fail_at:
        raise ValueError(f"step refuses {value}")
    return value + 1


@dynamic
def steps(n: int, fail_at: int) -> int:
    value = 0
    for _ in range(n):
        value = step(value=value, fail_at=fail_at).with_overrides(retries=1)
    return value


@workflow
def failing(n: int = 5, fail_at: int = 2) -> int:
    """Counts to n one step at a time; the step at ``fail_at`` always fails."""
    return steps(n=n, fail_at=fail_at)
