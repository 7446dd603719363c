"""`@record`: the model's typed classes, as `@dataclass(slots=True)` makes them, for a fraction of its import time.

A dataclass compiles each of its methods separately when its module is imported (`__init__`,
`__repr__`, `__eq__`, `__setattr__`, `__delattr__`, `__hash__`, four more with `order=True`):
about 0.7 ms a class here, paid by every command's start-up for the model's sixteen classes.
`@record` builds the same class from the same declarations with one compiled function, its
`__init__` (a shared generic one would cost every object built from the catalogue a Python-level
loop); equality, hashing, repr and the refusal to assign are written once below and shared, and
a class may write its own (PartialDate does, for speed, and its ordering).

Type checkers read `@record` as `@dataclass` (`dataclass_transform`): the generated `__init__`,
defaults and `frozen=True` are checked exactly as they were.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from operator import attrgetter
from typing import Any, Final, TypeVar, dataclass_transform

_T = TypeVar("_T")


class _Missing:
    __slots__ = ()

    def __repr__(self) -> str:
        return "MISSING"


MISSING: Final[Any] = _Missing()
"""The default of a field that has none (required, or made by a factory), as `dataclasses.MISSING`."""


class FrozenRecordError(AttributeError):
    """An assignment to a field of a frozen record (as `dataclasses.FrozenInstanceError`)."""


class _Factory:
    __slots__ = ("make",)

    def __init__(self, make: Callable[[], object]) -> None:
        self.make = make


def field(*, default_factory: Callable[[], _T]) -> _T:
    """A default made afresh for each record (a dict, a list), as `dataclasses.field(default_factory=...)`."""
    return _Factory(default_factory)  # type: ignore[return-value]  # stands in for the default until @record reads it


@dataclass_transform(field_specifiers=(field,))
def record(*, frozen: bool = False) -> Callable[[type[_T]], type[_T]]:
    """A class of annotated fields as a slotted record, as `@dataclass(slots=True, frozen=...)` makes it."""

    def build(cls: type[_T]) -> type[_T]:
        return _build(cls, frozen)

    return build


def is_record(value: object) -> bool:
    """Whether `value` is a record or a record class."""
    return hasattr(value, "_record_fields")


def fields(value: object) -> Mapping[str, Any]:
    """A record's (or record class's) field names with their defaults, MISSING when none, in declaration order."""
    found: Mapping[str, Any] = value._record_fields  # type: ignore[attr-defined]
    return found


def replace(value: _T, /, **changes: Any) -> _T:
    """A copy of a record with some fields changed, as `dataclasses.replace`."""
    for name in fields(value):
        changes.setdefault(name, getattr(value, name))
    return type(value)(**changes)


# ---- building the class -------------------------------------------------------------------------------


def _build(cls: type[_T], frozen: bool) -> type[_T]:
    names = tuple(cls.__annotations__)  # its own fields only: records do not inherit from records
    given = {name: cls.__dict__[name] for name in names if name in cls.__dict__}
    body = {k: v for k, v in cls.__dict__.items() if k not in given and k not in ("__dict__", "__weakref__")}
    key: Any = attrgetter(*names)  # a tuple of the fields (not a function: it stays unbound in the class body)
    if len(names) < 2:  # always a tuple; static, or `self._record_key(self)` would pass `self` twice
        key = staticmethod(lambda obj: tuple(getattr(obj, n) for n in names))
    body.update(
        __qualname__=cls.__qualname__,
        __slots__=names,
        __match_args__=names,
        __init__=_init(cls.__qualname__, names, given, frozen),
        _record_fields={name: MISSING if isinstance(d := given.get(name, MISSING), _Factory) else d for name in names},
        _record_key=key,
    )
    # As a dataclass does: methods the class writes itself are kept (a class that defines __eq__
    # alone gets __hash__ = None from Python, which does not count as its own).
    own = cls.__dict__
    shared = {"__eq__": _eq, "__repr__": _repr, "__reduce__": _reduce}
    body.update({name: method for name, method in shared.items() if name not in own})
    if "__hash__" not in own or (own["__hash__"] is None and "__eq__" in own):
        body["__hash__"] = _hash if frozen else None  # equal but mutable objects are unhashable
    if frozen:
        body.update(__setattr__=_refuse_assign, __delattr__=_refuse_delete)
    metaclass: Any = type(cls)
    built: type[_T] = metaclass(cls.__name__, cls.__bases__, body)
    return built


def _init(qualname: str, names: tuple[str, ...], given: dict[str, object], frozen: bool) -> Callable[..., None]:
    """The class's `__init__`, compiled: positional or keyword parameters in field order, defaults as declared."""
    scope: dict[str, Any] = {"_set": object.__setattr__, "_MISSING": MISSING}
    params, lines = ["self"], []
    for name in names:
        default = given.get(name, MISSING)
        if isinstance(default, _Factory):
            scope[f"_make_{name}"] = default.make
            params.append(f"{name}=_MISSING")
            lines.append(f" if {name} is _MISSING: {name} = _make_{name}()")
        elif default is not MISSING:
            scope[f"_default_{name}"] = default
            params.append(f"{name}=_default_{name}")
        else:
            params.append(name)
        lines.append(f" _set(self, {name!r}, {name})" if frozen else f" self.{name} = {name}")
    exec(f"def __init__({', '.join(params)}):\n" + ("\n".join(lines) or " pass"), scope)
    init: Callable[..., None] = scope["__init__"]
    init.__qualname__ = f"{qualname}.__init__"
    return init


# ---- what every record shares --------------------------------------------------------------------------


def _eq(self: Any, other: Any) -> Any:
    if other.__class__ is self.__class__:
        return self._record_key(self) == other._record_key(other)
    return NotImplemented


def _hash(self: Any) -> int:
    return hash(self._record_key(self))


def _repr(self: Any) -> str:
    shown = ", ".join(f"{name}={getattr(self, name)!r}" for name in self._record_fields)
    return f"{self.__class__.__qualname__}({shown})"


def _reduce(self: Any) -> tuple[type, tuple[Any, ...]]:
    return self.__class__, self._record_key(self)  # pickle and copy rebuild through __init__


def _refuse_assign(self: Any, name: str, value: Any) -> None:
    raise FrozenRecordError(f"cannot assign to field {name!r}")


def _refuse_delete(self: Any, name: str) -> None:
    raise FrozenRecordError(f"cannot delete field {name!r}")
