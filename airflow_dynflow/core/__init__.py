"""The programming model as plain Python: types, promises, tracing, specs and the local runner.

Nothing here imports Airflow; ``airflow_dynflow.airflow`` adapts these pieces to it.
"""
