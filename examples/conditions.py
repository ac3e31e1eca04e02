"""Conditions (after flytesnacks' conditional.py): a workflow takes one of several cases by
comparing promises; on Airflow the cases not taken are skipped, as by a branch operator."""

import typing

from airflow_dynflow import conditional, dynamic, task, workflow


@task
def square(n: float) -> float:
    """The square of n."""
    return n * n


@task
def double(n: float) -> float:
    """Twice n."""
    return 2 * n


@workflow
def multiplier(my_input: float = 0.5) -> float:
    return (
        conditional("fractions")
        .if_((my_input >= 0.1) & (my_input <= 1.0))
        .then(double(n=my_input))
        .else_()
        .then(square(n=my_input))
    )


@workflow
def multiplier_2(my_input: float = 3.0) -> float:
    return (
        conditional("fractions")
        .if_((my_input > 0.1) & (my_input < 1.0))
        .then(double(n=my_input))
        .elif_((my_input > 1.0) & (my_input <= 10.0))
        .then(square(n=my_input))
        .else_()
        .fail("The input must be between 0 and 10")
    )


@workflow
def multiplier_3(my_input: float = 4.0) -> float:
    result = (
        conditional("fractions")
        .if_((my_input > 0.1) & (my_input < 1.0))
        .then(double(n=my_input))
        .elif_((my_input > 1.0) & (my_input < 10.0))
        .then(square(n=my_input))
        .else_()
        .fail("The input must be between 0 and 10")
    )
    # the conditional's result is a promise like any other
    return double(n=result)


@task
def coin_toss(seed: int) -> bool:
    return seed % 2 == 0


@task
def success() -> int:
    return 0


@task
def failed() -> int:
    return -1


@workflow
def boolean_wf(seed: int = 5) -> int:
    result = coin_toss(seed=seed)
    return conditional("coin_toss").if_(result.is_true()).then(success()).else_().then(failed())


@workflow
def nested_conditions(radius: float = 0.6) -> float:
    return (
        conditional("nested_conditions")
        .if_((radius >= 0.1) & (radius < 1.0))
        .then(
            conditional("inner_nested_conditions")
            .if_(radius < 0.5)
            .then(double(n=radius))
            .elif_((radius >= 0.5) & (radius < 0.7))
            .then(square(n=radius))
            .else_()
            .fail("0.7 is an outlier.")
        )
        .elif_((radius >= 1.0) & (radius <= 10.0))
        .then(square(n=radius))
        .else_()
        .then(double(n=radius))
    )


@dynamic
def scale_each(values: typing.List[float]) -> typing.List[float]:
    """A conditional per value, decided at run time inside a dynamic."""
    return [
        conditional(f"scale_{i}").if_(square(n=v) < 10.0).then(square(n=v)).else_().then(double(n=v))
        for i, v in enumerate(values)
    ]


@workflow
def scaled_wf(values: typing.List[float] = [1.0, 5.0, 2.0]) -> typing.List[float]:
    return scale_each(values=values)


if __name__ == "__main__":
    print(multiplier(my_input=0.5), multiplier(my_input=3.0))
    print(multiplier_2(my_input=3.0))
    try:
        multiplier_2(my_input=20.0)
    except ValueError as exc:
        print("ValueError:", str(exc).split(" (")[0])
    print(multiplier_3(my_input=4.0))
    print(boolean_wf(seed=4), boolean_wf(seed=5))
    print(nested_conditions(radius=0.6), nested_conditions(radius=5.0), nested_conditions(radius=20.0))
    print(scaled_wf(values=[1.0, 5.0, 2.0]))
