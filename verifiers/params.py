"""Verifier params: frozen dataclasses, checked against raw JSON and described as JSON Schema.

Only JSON-shaped field types are supported (bool, int, float, str, ``Literal``, ``X | None``,
``list[...]``, ``dict[str, ...]``); that is all a request can carry, and it keeps plugins honest.
"""

from __future__ import annotations

import dataclasses
import math
import types
import typing
from collections.abc import Mapping
from typing import Any, Literal, Union, get_args, get_origin

_JSON_TYPES: dict[type, str] = {bool: "boolean", int: "integer", float: "number", str: "string"}


class ParamError(ValueError):
    """A raw params value does not fit; ``key`` names the field."""

    def __init__(self, key: str, message: str) -> None:
        super().__init__(message)
        self.key = key


def parse_params(params_type: type, raw: Mapping[str, Any] | None) -> Any:
    """Build a ``params_type`` instance from JSON, rejecting unknown keys and wrong types."""
    raw = raw or {}
    if not isinstance(raw, Mapping):
        raise ParamError("", "params must be an object")
    hints = typing.get_type_hints(params_type)
    fields = {f.name: f for f in dataclasses.fields(params_type)}
    for key in raw:
        if key not in fields:
            raise ParamError(key, f"unknown param {key!r}; accepted: {sorted(fields)}")
    values = {key: _check(key, hints[key], value) for key, value in raw.items()}
    try:
        return params_type(**values)
    except (TypeError, ValueError) as exc:  # __post_init__ range checks
        raise ParamError(next(iter(raw), ""), str(exc)) from exc


def _check(key: str, hint: Any, value: Any) -> Any:
    origin = get_origin(hint)
    if origin is Literal:
        if value not in get_args(hint):
            raise ParamError(key, f"{key} must be one of {list(get_args(hint))}, got {value!r}")
        return value
    if origin in (Union, types.UnionType):
        if value is None and type(None) in get_args(hint):
            return None
        (inner,) = [a for a in get_args(hint) if a is not type(None)]
        return _check(key, inner, value)
    if origin in (list, tuple):
        if not isinstance(value, list):
            raise ParamError(key, f"{key} must be a list")
        (inner, *_) = get_args(hint) or (Any,)
        return (
            tuple(_check(key, inner, v) for v in value)
            if origin is tuple
            else [_check(key, inner, v) for v in value]
        )
    if origin is dict:
        if not isinstance(value, dict):
            raise ParamError(key, f"{key} must be an object")
        return value
    if hint is Any:
        return value
    if hint is float and isinstance(value, int) and not isinstance(value, bool):
        value = float(value)
    if hint in _JSON_TYPES and (type(value) is not hint):
        raise ParamError(key, f"{key} must be {_JSON_TYPES[hint]}, got {type(value).__name__}")
    if hint is float and not math.isfinite(value):
        raise ParamError(key, f"{key} must be finite")
    return value


def params_schema(params_type: type) -> dict[str, Any]:
    """JSON Schema of a params dataclass, with defaults and field docs (``metadata['doc']``)."""
    hints = typing.get_type_hints(params_type)
    properties: dict[str, Any] = {}
    for f in dataclasses.fields(params_type):
        prop = _schema(hints[f.name])
        if f.default is not dataclasses.MISSING:
            prop["default"] = list(f.default) if isinstance(f.default, tuple) else f.default
        elif f.default_factory is not dataclasses.MISSING:
            prop["default"] = f.default_factory()
        if "doc" in f.metadata:
            prop["description"] = f.metadata["doc"]
        properties[f.name] = prop
    return {"type": "object", "properties": properties, "additionalProperties": False}


def _schema(hint: Any) -> dict[str, Any]:
    origin = get_origin(hint)
    if origin is Literal:
        return {"enum": list(get_args(hint))}
    if origin in (Union, types.UnionType):
        return {"anyOf": [_schema(a) for a in get_args(hint)]}
    if origin in (list, tuple):
        args = get_args(hint)
        return {"type": "array", "items": _schema(args[0]) if args else {}}
    if origin is dict or hint is Any:
        return {"type": "object"} if origin is dict else {}
    if hint is type(None):
        return {"type": "null"}
    return {"type": _JSON_TYPES.get(hint, "string")}
