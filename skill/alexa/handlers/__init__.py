"""Request handlers: small classes with can_handle and a one-call `answer`, grouped into
modules by what they serve. Each declares its place (`group`, `rank`: skill.alexa.base);
`ordered()` finds every handler in this package's modules and puts them in that order,
so a new handler is registered by being written (skill.alexa.skill builds from it)."""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Iterable

from skill.alexa.base import Group, Handler


def ordered() -> tuple[type[Handler], ...]:
    """Every handler class defined in a module of this package, by (group, rank)."""
    found: list[type[Handler]] = []
    for module_info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        module = importlib.import_module(f"{__name__}.{module_info.name}")
        found.extend(
            value
            for value in vars(module).values()
            if isinstance(value, type)
            and issubclass(value, Handler)
            and value.__module__ == module.__name__
        )
    return in_order(found)


def in_order(handlers: Iterable[type[Handler]]) -> tuple[type[Handler], ...]:
    """The handlers by (group, rank). A handler without a group, or two at one place, is
    a mistake caught when the skill is built, never a handler silently left out or put
    in an order that depends on how modules happen to be read."""
    handlers = list(handlers)
    at: dict[tuple[Group, int], str] = {}
    for handler in handlers:
        name = f"{handler.__module__}.{handler.__qualname__}"
        if handler.group is None:
            raise TypeError(f"{name} declares no group (skill.alexa.base.Group)")
        other = at.setdefault((handler.group, handler.rank), name)
        if other != name:
            raise TypeError(f"{other} and {name} both at {handler.group.name} {handler.rank}")
    return tuple(sorted(handlers, key=lambda h: (h.group or 0, h.rank)))
