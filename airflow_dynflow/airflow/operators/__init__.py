"""Our operators, one module per family.

A workflow's static nodes: ``task`` (one ``@task`` call), ``map`` (split, mapped element,
collect for ``map_task``) and ``outputs`` (the DAG's result). A ``@dynamic`` call: ``compile``
(runs the body, stores the futures spec), ``generated_node`` (one mapped instance per generated
node, waiting by deferral), ``child_run`` (a nested dynamic as a run of the runner DAG) and
``result`` (the dynamic's outputs for whatever is downstream).
"""
