"""Where an entity's code lives, so that a stored spec can find it again in another process.

A spec names each task by ``module:qualname`` plus the file it came from, and a version hash of
its source. Reading a spec back imports the module (or loads the file when the module name is not
importable, as for DAG files that Airflow loads under a mangled name) and refuses to run code whose
source changed since the spec was compiled.
"""

from __future__ import annotations

import hashlib
import importlib
import importlib.util
import inspect
import sys
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from airflow_dynflow.core import errors

__all__ = ["Origin", "import_entity", "origin_of"]


@dataclass(frozen=True, slots=True)
class Origin:
    ref: str
    file: str | None
    version: str


def origin_of(fn: Callable[..., Any]) -> Origin:
    try:
        source = inspect.getsource(fn).encode()
    except (OSError, TypeError):
        source = fn.__code__.co_code + repr(fn.__code__.co_consts).encode()
    try:
        file = inspect.getsourcefile(fn)
    except TypeError:
        file = None
    version = hashlib.sha256(source).hexdigest()[:16]
    return Origin(f"{fn.__module__}:{fn.__qualname__}", file, version)


def import_entity(ref: str, file: str | None, version: str) -> Any:
    """The live entity a spec refers to, or SpecError saying why it cannot be used."""
    module_name, _, qualname = ref.partition(":")
    if not module_name or not qualname or "<locals>" in qualname:
        raise errors.reference_not_importable(ref)
    module = _module(module_name, file, ref)
    target: Any = module
    try:
        for part in qualname.split("."):
            target = getattr(target, part)
    except AttributeError:
        raise errors.reference_missing(ref, module_name, qualname) from None
    current = getattr(target, "origin", None)
    if current is None:
        raise errors.reference_not_an_entity(ref)
    if current.version != version:
        raise errors.stale_code(ref, version, current.version)
    return target


def _module(name: str, file: str | None, ref: str) -> Any:
    if name in sys.modules:
        return sys.modules[name]
    try:
        return importlib.import_module(name)
    except ImportError:
        if not file:
            raise errors.reference_unimportable(ref, name) from None
    spec = importlib.util.spec_from_file_location(name, file)
    if spec is None or spec.loader is None:
        raise errors.reference_unloadable(ref, file)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    try:
        spec.loader.exec_module(module)
    except BaseException:
        del sys.modules[name]
        raise
    return module
