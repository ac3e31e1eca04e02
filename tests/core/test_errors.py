"""The exception family: every error we raise is a ``DynflowError`` and still the builtin (or the
flytekit base) that code written against plain Python or flytekit catches; and one ``__all__`` policy
in every error and message module."""

from __future__ import annotations

import inspect
import typing
from types import ModuleType

import pytest

import airflow_dynflow
from airflow_dynflow.core import errors, notices
from airflow_dynflow.core.errors import DynflowError

# Helpers that build text or annotate an exception rather than return one.
NOT_FACTORIES = {"type_name", "add_node_path", "signed_with_another_key"}


def public_names(module: ModuleType) -> list[str]:
    """Names a module defines itself (not imports) and does not mark private."""
    return sorted(
        name
        for name, value in vars(module).items()
        if not name.startswith("_") and getattr(value, "__module__", None) == module.__name__
    )


def factories(module: ModuleType) -> dict[str, typing.Callable[..., object]]:
    return {
        name: value
        for name, value in vars(module).items()
        if inspect.isfunction(value)
        and value.__module__ == module.__name__
        and name not in NOT_FACTORIES
        and not name.startswith("_")
    }


def returned_class(module: ModuleType, factory: typing.Callable[..., object]) -> type:
    """Only the return annotation is evaluated: the arguments' may name types imported for checking only."""
    return eval(factory.__annotations__["return"], vars(module))  # type: ignore[no-any-return]


@pytest.mark.parametrize("section", errors._SECTIONS, ids=lambda m: m.__name__)
def test_each_error_section_lists_every_public_name_it_defines(section):
    assert section.__all__ == public_names(section)


@pytest.mark.parametrize("module", [notices], ids=lambda m: m.__name__)
def test_each_message_module_lists_every_public_name_it_defines(module):
    assert module.__all__ == public_names(module)


def test_the_package_reexports_every_section_name():
    assert errors.__all__ == sorted(n for s in errors._SECTIONS for n in s.__all__)
    assert all(hasattr(errors, name) for name in errors.__all__)


@pytest.mark.parametrize("section", errors._SECTIONS, ids=lambda m: m.__name__)
def test_every_factory_returns_a_dynflow_error(section):
    not_ours = {
        name: returned_class(section, factory)
        for name, factory in factories(section).items()
        if not issubclass(returned_class(section, factory), DynflowError)
    }
    assert not_ours == {}


def test_every_exception_class_is_a_dynflow_error():
    classes = [v for v in vars(errors).values() if isinstance(v, type) and issubclass(v, BaseException)]
    assert classes and all(issubclass(c, DynflowError) for c in classes)


@pytest.mark.parametrize(
    "exc, builtins",
    [
        (errors.promise_misuse("t", "o0", "len()"), (TypeError, ValueError)),
        (errors.type_mismatch("t", "input", "x", int, "str"), (TypeError, ValueError, AssertionError)),
        (errors.conditional_outside_body("c"), (AssertionError,)),
        (errors.condition_failed("c", "no"), (ValueError,)),
        (errors.unannotated("t", "x"), (TypeError,)),
        (errors.spec_not_json("x"), (ValueError,)),
        (errors.missing_argument("t", "x"), (TypeError,)),
        (errors.bad_timeout("t", -1), (ValueError,)),
        (errors.list_key("k"), (LookupError,)),
        (errors.timed_out("t", 1.0), (TimeoutError,)),
        (errors.map_below_success_ratio("m", 1, 2, 0.9), (RuntimeError,)),
        (errors.promise_immutable(), (AttributeError,)),
        (errors.too_many_nodes("d", 10), (RuntimeError,)),
    ],
    ids=lambda v: type(v).__name__ if isinstance(v, BaseException) else "",
)
def test_an_error_is_still_the_builtin_plain_python_and_flytekit_code_catch(exc, builtins):
    assert isinstance(exc, DynflowError) and isinstance(exc, builtins)


def test_dynflow_error_is_exported_beside_the_other_errors():
    assert airflow_dynflow.DynflowError is DynflowError and "DynflowError" in airflow_dynflow.__all__
