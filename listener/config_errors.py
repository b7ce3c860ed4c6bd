"""Turn pydantic's validation errors into one plain line per problem: ``key.path: expected ..., got ...``.

pydantic speaks of tuples, dictionaries and Python classes; a config.yaml has lists, mappings and text, so the
messages use those words. A key that may hold one of several shapes (``ambiguous_aliases`` items: text or a
mapping) gets one line for the shape that was written, and the shape's class never appears in the key path.
"""

from __future__ import annotations

import re
import types
import typing
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

_MAPPING = "expected a mapping"
_PLAIN = {  # pydantic error type -> what the line says was expected
    "string_type": "expected text",
    "bool_type": "expected true or false",
    "bool_parsing": "expected true or false",
    "int_type": "expected a whole number",
    "int_parsing": "expected a whole number",
    "int_from_float": "expected a whole number",
    "float_type": "expected a number",
    "float_parsing": "expected a number",
    "dict_type": _MAPPING,
    "model_type": _MAPPING,
    "model_attributes_type": _MAPPING,
}


@dataclass
class _Problem:
    path: str
    expected: str
    got: str | None
    union_path: str | None = None  # the key path of the union this error came through, if any


def describe_errors(exc: ValidationError, model: type[BaseModel], *, at: str = "") -> list[str]:
    """Turn pydantic's errors into lines of the form ``key.path: expected ..., got ...``; ``at`` is the key path
    of the mapping ``model`` validated (``sources[2]``), put before every key path."""
    problems = [_problem(error, model) for error in exc.errors()]
    problems = _shape_written(problems)
    lines = []
    for path, expected, got in _merged(problems):
        text = expected if got is None else f"{expected}, got {got}"
        path = at + path if path.startswith("[") or not at or not path else f"{at}.{path}"
        lines.append(f"{path}: {text}" if path else text)
    return lines


def _problem(error: Any, model: type[BaseModel]) -> _Problem:
    raw_loc = [part for part in error["loc"] if not (isinstance(part, str) and part.startswith("function-"))]
    loc, annotation, union_at = _walk(model, raw_loc)
    path = _key_path(loc)
    union_path = None if union_at is None else _key_path(loc[:union_at])
    kind, ctx, got = error["type"], error.get("ctx") or {}, show_value(error.get("input"))
    if kind == "extra_forbidden":
        allowed = _allowed_keys(model, raw_loc[:-1])
        hint = f" (expected one of: {', '.join(allowed)})" if allowed else ""
        return _Problem(path, f"unknown key{hint}", None, union_path)
    if kind == "missing":
        return _Problem(path, "required key is missing", None, union_path)
    if kind in ("tuple_type", "list_type"):
        return _Problem(path, f"expected a list{_of_items(annotation)}", got, union_path)
    if kind == "path_type":
        name = str(loc[-1]) if loc else ""
        what = "folder" if name.endswith("_dir") else "file" if name.endswith("_file") else "file or folder"
        return _Problem(path, f"expected the path of a {what}", got, union_path)
    if kind in ("too_short", "too_long", "string_too_short", "string_too_long"):
        least = "at least" if kind.endswith("short") else "at most"
        count = ctx.get("min_length") if kind.endswith("short") else ctx.get("max_length")
        unit = "character" if kind.startswith("string") else "item"
        return _Problem(path, f"expected {least} {count} {unit}{'' if count == 1 else 's'}", got, union_path)
    if kind in _PLAIN:
        expected = _PLAIN[kind]
        if expected == _MAPPING and _is_model(annotation):
            expected += f" ({_some_keys(annotation)})"
        return _Problem(path, expected, got, union_path)
    message = _plain_message(error["msg"])
    key = re.match(r"^([a-z_][a-z0-9_.]*): (.*)$", message)
    if key:  # a check of a whole mapping that names the key inside it at fault: that key is the path
        path, message = (f"{path}.{key[1]}" if path else key[1]), key[2]
    # a check of a whole mapping says itself what it found: "got a mapping" would add nothing
    shown = None if "got " in message or isinstance(error.get("input"), dict) else got
    return _Problem(path, message, shown, union_path)


def _plain_message(message: str) -> str:
    message = message.removeprefix("Value error, ")
    message = re.sub(r"^Input should be (greater|less)", r"expected a value \1", message)
    message = re.sub(r"^Input should be", "expected", message)
    message = re.sub(r"^String should match pattern", "expected text matching the pattern", message)
    return re.sub(r"^String should", "expected text that should", message)


def _shape_written(problems: list[_Problem]) -> list[_Problem]:
    """Where a union member got far enough to complain about keys inside the value, the value was a mapping:
    drop the other members' complaints about the value's shape."""
    deeper = {p.union_path for p in problems if p.union_path is not None and p.path != p.union_path}
    return [p for p in problems if not (p.union_path in deeper and p.path == p.union_path)]


def _merged(problems: list[_Problem]) -> list[tuple[str, str, str | None]]:
    """One line per key path: the shapes a union accepts become 'expected text or a mapping ...'."""
    merged: dict[tuple[str, str | None], list[str]] = {}
    for problem in problems:
        expected = merged.setdefault((problem.path, problem.got), [])
        if problem.expected not in expected:
            expected.append(problem.expected)
    return [
        (path, " or ".join([expected[0], *(e.removeprefix("expected ") for e in expected[1:])]), got)
        for (path, got), expected in merged.items()
    ]


def _walk(model: type[BaseModel], loc: list[Any]) -> tuple[list[Any], Any, int | None]:
    """``loc`` without union members' tags, the annotation it ends at (or None), and where a union was."""
    current: Any = model
    kept: list[Any] = []
    union_at = None
    for part in loc:
        members = {_tag(member): member for member in _members(current)}
        if isinstance(part, str) and len(members) > 1 and part in members:
            current, union_at = members[part], len(kept)
            continue
        kept.append(part)
        current = _step(current, part)
    return kept, current, union_at


def _step(annotation: Any, part: Any) -> Any:
    annotation = _without_none(annotation)
    if isinstance(part, int):
        args = [a for a in typing.get_args(annotation) if a is not Ellipsis]
        return args[-1] if args else None
    if _is_model(annotation):
        for name, field in annotation.model_fields.items():
            if part in (name, field.alias):
                return field.annotation
    if typing.get_origin(annotation) is dict:
        return typing.get_args(annotation)[1]
    return None


def _members(annotation: Any) -> list[Any]:
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        return [a for a in typing.get_args(annotation) if a is not type(None)]
    return [annotation]


def _without_none(annotation: Any) -> Any:
    members = _members(annotation)
    return members[0] if len(members) == 1 else annotation


def _tag(annotation: Any) -> str:
    return getattr(annotation, "__name__", str(annotation))


def _is_model(annotation: Any) -> bool:
    return isinstance(annotation, type) and issubclass(annotation, BaseModel)


def _of_items(annotation: Any) -> str:
    args = [a for a in typing.get_args(_without_none(annotation)) if a is not Ellipsis]
    if not args:
        return ""
    kinds = [_kind(member) for member in _members(args[-1])]
    suffix = " like [a, b]" if kinds == ["text"] else ""
    return f" of {' or '.join(kinds)}{suffix}"


def _kind(annotation: Any) -> str:
    if annotation is str:
        return "text"
    if annotation in (int, float):
        return "numbers"
    if typing.get_origin(annotation) is typing.Literal:
        return "items from " + ", ".join(repr(v) for v in typing.get_args(annotation))
    if _is_model(annotation):
        return f"mappings ({_some_keys(annotation)})"
    if annotation is Path:
        return "paths"
    return "values"


def _some_keys(model: type[BaseModel]) -> str:
    keys = _keys_of(model)
    return ("keys such as " if len(keys) > 4 else "keys ") + ", ".join(keys[:4])


def _keys_of(model: type[BaseModel]) -> list[str]:
    return [
        field.alias or name
        for name, field in model.model_fields.items()
        if not field.exclude and name != "options"
    ]


def _key_path(loc: list[Any]) -> str:
    path = ""
    for part in loc:
        if isinstance(part, int):
            path += f"[{part}]"
        elif part in ("options",):
            continue
        else:
            path += f".{part}" if path else str(part)
    return path


def show_value(value: Any) -> str:
    """A wrong value as a message shows it: short, and a mapping or a list by its kind."""
    if isinstance(value, dict):
        return "a mapping" if value else "an empty mapping"
    if isinstance(value, list):
        return "a list" if value else "an empty list"
    if value is None:
        return "nothing"  # a key written with no value, or every line under it commented out
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _allowed_keys(model: type[BaseModel], loc: list[Any]) -> list[str]:
    """The keys a mapping at ``loc`` inside ``model`` accepts (for 'unknown key' hints)."""
    _, current, _ = _walk(model, loc)
    current = _without_none(current)
    if not _is_model(current):
        models = [m for m in _members(current) if _is_model(m)]
        if len(models) != 1:
            return []
        current = models[0]
    return _keys_of(current)
