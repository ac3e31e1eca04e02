"""Dynamics inside dynamics (two levels deep) and a workflow inside a dynamic."""

from airflow_dynflow import dynamic, task, workflow  # airflow dag: found by the safe-mode scan


@task
def add(a: int, b: int) -> int:
    return a + b


@task
def double(x: int) -> int:
    return x * 2


@workflow
def add_then_double(a: int, b: int = 1) -> int:
    """A static workflow: inlined into whatever dynamic calls it."""
    return double(x=add(a=a, b=b))


@dynamic
def chain(n: int) -> int:
    """n additions in a row: the innermost level."""
    value = 0
    for i in range(n):
        value = add(a=value, b=i)
    return value


@dynamic
def middle(n: int) -> int:
    """Two inner dynamics (each a child run on Airflow) and a nested workflow."""
    return add_then_double(a=add(a=chain(n=n), b=chain(n=n + 1)))


@dynamic
def outer(n: int) -> int:
    """The top level: a dynamic whose nodes include another dynamic."""
    return double(x=middle(n=n))


@workflow
def nested(n: int = 3) -> int:
    """Dynamics nested two levels deep."""
    return outer(n=n)


if __name__ == "__main__":
    print(nested(n=3))
