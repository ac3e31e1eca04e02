"""A task's ``requests``/``limits`` as Airflow's ``executor_config``.

The KubernetesExecutor reads ``executor_config["pod_override"]``, a ``V1Pod`` whose container named
``base`` gets the resources. Other executors (Local, Celery) ignore ``executor_config``: there,
resources are documentation, and a worker queue (``queue=``) is how a task reaches a bigger
machine. The Kubernetes client is imported only when a task asks for resources; where it is not
installed no executor can use the override, so none is built.
"""

from __future__ import annotations

from typing import Any

from airflow_dynflow.core.resources import Resources

__all__ = ["executor_config"]


def executor_config(requests: Resources | None, limits: Resources | None) -> dict[str, Any]:
    if requests is None and limits is None:
        return {}
    try:
        from kubernetes.client import models as k8s
    except ImportError:
        return {}
    resources = k8s.V1ResourceRequirements(
        requests=requests.kubernetes() if requests else None,
        limits=limits.kubernetes() if limits else None,
    )
    container = k8s.V1Container(name="base", resources=resources)
    return {"pod_override": k8s.V1Pod(spec=k8s.V1PodSpec(containers=[container]))}
