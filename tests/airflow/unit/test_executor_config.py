"""A task's requests and limits become the KubernetesExecutor's pod override for its ``base``
container, by Kubernetes' resource names; a task without them gets no executor_config."""

from __future__ import annotations

from airflow_dynflow.airflow.executor_config import executor_config
from airflow_dynflow.core.resources import Resources


def test_a_task_without_resources_gets_no_executor_config():
    assert executor_config(None, None) == {}


def test_requests_and_limits_go_to_the_base_container_by_kubernetes_names():
    pod = executor_config(Resources(cpu="1", mem="2Gi"), Resources(gpu=1, ephemeral_storage="1Gi"))[
        "pod_override"
    ]
    (container,) = pod.spec.containers
    assert container.name == "base"
    assert container.resources.requests == {"cpu": "1", "memory": "2Gi"}
    assert container.resources.limits == {"nvidia.com/gpu": "1", "ephemeral-storage": "1Gi"}


def test_limits_alone_leave_the_requests_unset():
    pod = executor_config(None, Resources(mem="1Gi"))["pod_override"]
    assert pod.spec.containers[0].resources.requests is None
