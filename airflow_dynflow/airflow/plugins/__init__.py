"""The Airflow UI extension the provider ships: the "Dynamic graph" view of a DAG run."""
