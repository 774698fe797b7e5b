"""`tftransfer.registry.Registry`: entries given at once, lookups and `create` with clear errors."""

import pytest

from tftransfer.registry import Registry


def _widget(size=1):
    return ("widget", size)


def test_entries_register_in_order_and_reject_duplicates():
    registry = Registry("widget", {"b": _widget, "a": _widget})
    assert registry.names() == ["b", "a"] and "a" in registry and len(registry) == 2
    with pytest.raises(ValueError, match="widget 'a' is already registered"):
        registry.register("a", _widget)


def test_create_calls_the_factory_with_the_options():
    assert Registry("widget", {"w": _widget}).create("w", size=3) == ("widget", 3)


def test_create_errors_name_the_entry():
    registry = Registry("widget", {"w": _widget})
    with pytest.raises(ValueError, match="Unknown widget 'x'. Valid widgets: w"):
        registry.create("x")
    with pytest.raises(TypeError, match="widget 'w': .*unexpected keyword argument 'colour'"):
        registry.create("w", colour="red")
