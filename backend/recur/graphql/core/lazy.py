"""Making objects of a type that a module may not import: one higher up the import graph.

The GraphQL type modules import each other downward only: quotes, then orders, then
subscriptions, then billing, over accounts, catalog and core. A field that points back up
(an invoice's order, an invoice line's subscription item, a subscription's agreed renewal,
an order's quote) names its type with ``Annotated[X, strawberry.lazy("module")]``, and its
resolver makes the object with a :class:`FromModel`: the module that defines the type
registers its ``from_model`` when it is imported. Building the schema resolves every lazy
type, importing its module, so the constructor is there before any query runs.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Generic, ParamSpec, TypeVar

P = ParamSpec("P")
T = TypeVar("T")

_constructors: dict[str, Callable[..., Any]] = {}


def register_from_model(type_name: str, from_model: Callable[..., Any]) -> None:
    """Let ``FromModel(type_name)`` make objects of that type with ``from_model``."""
    _constructors[type_name] = from_model


class FromModel(Generic[P, T]):
    """The ``from_model`` that the module defining ``type_name`` registered."""

    def __init__(self, type_name: str) -> None:
        self.type_name = type_name

    def __call__(self, *args: P.args, **kwargs: P.kwargs) -> T:
        from_model = _constructors.get(self.type_name)
        if from_model is None:
            raise LookupError(f"{self.type_name} is not defined: its module is not imported")
        made: T = from_model(*args, **kwargs)
        return made
