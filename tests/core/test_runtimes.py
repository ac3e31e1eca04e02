"""How the core finds the runtimes to tell about a new workflow, without importing them."""

from airflow_dynflow.core import runtimes


def test_the_airflow_runtime_is_found_through_this_distributions_entry_point() -> None:
    from airflow_dynflow.airflow.registration import on_defined

    assert runtimes._listeners() == (on_defined,)
