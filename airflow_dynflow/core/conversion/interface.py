"""A typed function's interface: its inputs and outputs, read once at decoration.

Everything that can be wrong with a signature (a missing annotation, ``*args``, a default of the
wrong type) is reported here, at decoration, so that no workflow is ever traced against a broken
entity. Binding call arguments follows Python's own rules and wording.
"""

from __future__ import annotations

import inspect
import types
import typing
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from typing import Any, NamedTuple

import docstring_parser

from airflow_dynflow.core import errors
from airflow_dynflow.core.conversion.converters import Converter, InvalidValue, converter_for
from airflow_dynflow.core.conversion.hashing import HashMethod, split_annotated
from airflow_dynflow.core.conversion.type_relations import describe_value

__all__ = ["NO_DEFAULT", "Interface", "Param", "check_value", "interface_of", "kwtypes"]


class _NoDefault:
    __slots__ = ()

    def __repr__(self) -> str:
        return "NO_DEFAULT"


NO_DEFAULT: Any = _NoDefault()
_NONE = object()
# Built from a run-time tuple of types, which a type checker cannot follow.
_Tuple: Any = typing.Tuple  # noqa: UP006


@dataclass(frozen=True, slots=True, kw_only=True)
class Param:
    name: str
    tp: Any
    converter: Converter
    default: Any = NO_DEFAULT
    description: str = ""
    # An output's ``Annotated[T, HashMethod(fn)]`` (``tp`` is then ``T``); see ``core.conversion.hashing``.
    hash_method: HashMethod | None = None

    @property
    def required(self) -> bool:
        return self.default is NO_DEFAULT


@dataclass(frozen=True, slots=True, kw_only=True)
class Interface:
    """Ordered inputs and outputs of one entity, and how results are packed for the caller.

    ``output_tuple`` is the NamedTuple class a multi-output call returns (``o0, o1 ...`` for a
    ``Tuple[...]`` annotation, the user's own class for a ``NamedTuple`` annotation).
    """

    entity: str
    inputs: Mapping[str, Param]
    outputs: Mapping[str, Param]
    output_tuple: type | None
    doc: str

    def bind(self, args: tuple[Any, ...], kwargs: Mapping[str, Any]) -> dict[str, Any]:
        """Map a call's arguments to input names, with defaults filled in; values are not checked."""
        inputs = self.inputs
        if len(args) > len(inputs):
            raise errors.too_many_positional(self.entity, len(inputs), len(args))
        bound = dict(zip(inputs, args, strict=False))
        for name, value in kwargs.items():
            if name not in inputs:
                raise errors.unexpected_argument(self.entity, name, inputs)
            if name in bound:
                raise errors.duplicate_argument(self.entity, name)
            bound[name] = value
        if len(bound) < len(inputs):
            for name, param in inputs.items():
                if name not in bound:
                    if param.required:
                        raise errors.missing_argument(self.entity, name)
                    bound[name] = param.default
        return bound

    @property
    def hash_methods(self) -> dict[str, HashMethod]:
        """The outputs declared ``Annotated[T, HashMethod(fn)]``, by name."""
        return {name: p.hash_method for name, p in self.outputs.items() if p.hash_method is not None}

    def check_input(self, name: str, value: Any) -> Any:
        return check_value(self.entity, "input", self.inputs[name], value)

    def check_output(self, name: str, value: Any) -> Any:
        return check_value(self.entity, "output", self.outputs[name], value)

    def result_values(self, result: Any) -> tuple[Any, ...]:
        """What a body returned, one value per declared output, or the mismatch error.

        With no outputs declared (no annotation, or ``-> None``) whatever the body returned is
        dropped, as flytekit does.
        """
        outputs = self.outputs
        if not outputs:
            return ()
        if len(outputs) == 1:
            # A single-field NamedTuple accepts its instance or a bare value, as flytekit does.
            whole = self.output_tuple is not None and isinstance(result, self.output_tuple)
            return tuple(result) if whole else (result,)
        if not isinstance(result, tuple) or len(result) != len(outputs):
            raise errors.not_a_result_tuple(
                self.entity, self.output_tuple, describe_value(result), len(outputs)
            )
        return tuple(result)

    def split_result(self, result: Any) -> dict[str, Any]:
        """Turn what the function returned into checked values keyed by output name."""
        values = self.result_values(result)
        return {name: self.check_output(name, v) for name, v in zip(self.outputs, values, strict=True)}

    def join_result(self, values: Mapping[str, Any]) -> Any:
        """The native value a caller receives for output values keyed by name."""
        if not self.outputs:
            return None
        if self.output_tuple is None:
            return next(iter(values.values()))
        return self.output_tuple(*(values[name] for name in self.outputs))


def kwtypes(**types_by_name: Any) -> dict[str, Any]:
    """flytekit's ``kwtypes(a=int, b=str)``: names to types, in the order given."""
    return dict(types_by_name)


def check_value(entity: str, role: str, param: Param, value: Any) -> Any:
    """``value`` validated (and copied) for ``param``, or a TypeMismatchError naming all four."""
    try:
        return param.converter.validate(value)
    except InvalidValue as exc:
        raise errors.type_mismatch(
            entity, role, param.name, param.tp, describe_value(value), str(exc)
        ) from None


def interface_of(fn: Callable[..., Any], entity: str) -> Interface:
    """Read ``fn``'s signature, annotations and docstring into an Interface, or say what is wrong."""
    try:
        hints = _type_hints(fn)
    except NameError as exc:
        raise errors.unresolvable_annotation(entity, exc) from None
    docs = _param_docs(fn)
    inputs: dict[str, Param] = {}
    for name, p in inspect.signature(fn).parameters.items():
        if p.kind in (p.VAR_POSITIONAL, p.VAR_KEYWORD):
            raise errors.variadic_input(entity, name)
        if name not in hints:
            raise errors.unannotated(entity, name)
        param = Param(
            name=name, tp=hints[name], converter=converter_for(hints[name]), description=docs.get(name, "")
        )
        if p.default is not p.empty:
            param = replace(param, default=check_value(entity, "input", param, p.default))
        inputs[name] = param
    outputs, output_tuple = _outputs(hints.get("return", None), entity)
    return Interface(
        entity=entity, inputs=inputs, outputs=outputs, output_tuple=output_tuple, doc=inspect.getdoc(fn) or ""
    )


def _type_hints(fn: Callable[..., Any]) -> dict[str, Any]:
    """``typing.get_type_hints``, but a return annotation may be a tuple literal, ``-> (int, str)``,
    as flytekit allows; it means ``Tuple[int, str]``."""
    annotations = dict(getattr(fn, "__annotations__", {}))
    returned = annotations.pop("return", _NONE)
    namespace = types.SimpleNamespace(__annotations__=annotations, __globals__=getattr(fn, "__globals__", {}))
    hints = typing.get_type_hints(namespace)
    if returned is not _NONE:
        if isinstance(returned, str):
            returned = eval(returned, namespace.__globals__)  # what get_type_hints does, minus its type check
        if isinstance(returned, tuple):
            returned = _Tuple[returned]
        # With its extras: an output may be ``Annotated[T, HashMethod(fn)]`` (see ``_output_param``).
        hints["return"] = typing.get_type_hints(
            types.SimpleNamespace(__annotations__={"r": returned}, __globals__=namespace.__globals__),
            include_extras=True,
        )["r"]
    return hints


def _outputs(annotation: Any, entity: str) -> tuple[dict[str, Param], type | None]:
    if annotation is None or annotation is type(None):
        return {}, None
    if isinstance(annotation, type) and issubclass(annotation, tuple) and hasattr(annotation, "_fields"):
        hints = typing.get_type_hints(annotation, include_extras=True)
        return {name: _output_param(entity, name, hints[name]) for name in annotation._fields}, annotation
    bare, _ = split_annotated(annotation)
    args = typing.get_args(bare)
    if typing.get_origin(bare) is tuple and args and args[-1] is not Ellipsis:
        names = [f"o{i}" for i in range(len(args))]
        params = {name: _output_param(entity, name, tp) for name, tp in zip(names, args, strict=True)}
        fields = [(n, params[n].tp) for n in names]
        # flytekit's name for it, so printing a result shows what flytekit shows.
        output_tuple: type = NamedTuple("DefaultNamedTupleOutput", fields)  # type: ignore[misc]
        return params, output_tuple
    return {"o0": _output_param(entity, "o0", annotation)}, None


def _output_param(entity: str, name: str, annotation: Any) -> Param:
    """An output's Param: ``Annotated[T, HashMethod(fn)]`` is ``T`` with a hash method."""
    tp, method = split_annotated(annotation)
    if method is not None and not callable(method.function):
        raise errors.hash_method_not_callable(entity, name, method.function)
    return Param(name=name, tp=tp, converter=converter_for(tp), hash_method=method)


def _param_docs(fn: Callable[..., Any]) -> dict[str, str]:
    doc = inspect.getdoc(fn)
    if not doc:
        return {}
    return {p.arg_name: p.description or "" for p in docstring_parser.parse(doc).params}
