"""``Resources``: what a task asks of the machine it runs on (flytekit's names and units).

A task declares ``requests=`` and ``limits=`` (``@task(requests=Resources(cpu="1", mem="2Gi"))`` or
``.with_overrides(limits=...)``). They are recorded in the spec; on Airflow they become the
KubernetesExecutor's pod override for the task's container, and other executors ignore them
(docs/airflow.md).
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Resources"]

# flytekit's field names and Kubernetes' resource names.
_KUBERNETES_NAMES = {
    "cpu": "cpu",
    "mem": "memory",
    "gpu": "nvidia.com/gpu",
    "ephemeral_storage": "ephemeral-storage",
}


@dataclass(frozen=True, slots=True)
class Resources:
    cpu: str | int | float | None = None
    mem: str | None = None
    gpu: str | int | None = None
    ephemeral_storage: str | None = None

    def to_dict(self) -> dict[str, str]:
        """The set fields as strings, by flytekit name (the spec's form)."""
        return {
            name: str(getattr(self, name)) for name in _KUBERNETES_NAMES if getattr(self, name) is not None
        }

    def kubernetes(self) -> dict[str, str]:
        """The set fields by Kubernetes resource name, as a container's requests or limits."""
        return {_KUBERNETES_NAMES[name]: value for name, value in self.to_dict().items()}
