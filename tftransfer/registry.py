"""A tiny name -> factory registry, one per kind (methods, backbones, tasks, ...)."""

from __future__ import annotations

from typing import Callable, Dict, Generic, List, Mapping, Optional, TypeVar

T = TypeVar("T")


class Registry(Generic[T]):
    """Maps names to factories for one kind of object.

    Args:
        kind: What the registry holds, used in error messages ("method", "backbone").
        entries: Entries registered at once, {name: factory}, in order.

    Example:
        >>> methods = Registry("method")
        >>> @methods.register("dann")
        ... def build_dann(**kw): ...
        >>> methods.get("dann")
    """

    def __init__(self, kind: str, entries: Optional[Mapping[str, T]] = None):
        self.kind = kind
        self._entries: Dict[str, T] = {}
        for name, value in (entries or {}).items():
            self.register(name, value)

    def register(self, name: str, obj: T | None = None):
        """Registers `obj` under `name`; usable as a decorator when `obj` is omitted."""

        def _add(value: T) -> T:
            if not isinstance(name, str) or not name:
                raise ValueError(f"{self.kind} name must be a non-empty string, got {name!r}")
            if name in self._entries:
                raise ValueError(f"{self.kind} {name!r} is already registered")
            self._entries[name] = value
            return value

        return _add if obj is None else _add(obj)

    def get(self, name: str) -> T:
        """Returns the entry for `name`, or raises a ValueError listing the valid names."""
        if name not in self._entries:
            raise ValueError(
                f"Unknown {self.kind} {name!r}. Valid {self.kind}s: {', '.join(self.names())}"
            )
        return self._entries[name]

    def create(self, name: str, **options):
        """A new object from the factory of `name`, called with `options`.

        Raises:
            ValueError: an unknown name (the valid names are listed).
            TypeError: an option the factory does not take (the message names `name`).
        """
        factory = self.get(name)
        try:
            return factory(**options)
        except TypeError as err:
            if "unexpected keyword" not in str(err):
                raise
            raise TypeError(f"{self.kind} {name!r}: {err}") from None

    def names(self) -> List[str]:
        """The registered names, in registration order."""
        return list(self._entries)

    def __contains__(self, name: object) -> bool:
        return name in self._entries

    def __len__(self) -> int:
        return len(self._entries)
