"""Typed parameters (engine.params), the layer catalogue (engine.registry) and the typed errors."""
from __future__ import annotations

import math
import pickle

import numpy as np
import pytest

from engine import registry
from engine.errors import (
    CycleError,
    DuplicateNameError,
    GraphError,
    InvalidNameError,
    NeuroCanvasError,
    ParamError,
    PortError,
    PortInUseError,
    UnknownLayerError,
)
from engine.graph import NAME_PATTERN
from engine.params import ParamSchema, ParamSpec
from engine.registry import LayerSpec

ALL_TYPES = ["Activation", "Add", "AvgPool2D", "BatchNorm", "Concat", "Conv2D", "Dense", "Dropout", "Flatten",
             "GlobalAveragePooling2D", "Input", "Loss", "MaxPool2D", "Reshape", "Softmax"]


# ---- ParamSpec.coerce ----------------------------------------------------------------------
def spec(kind: str, default, **kw) -> ParamSpec:
    return ParamSpec("p", kind, default, **kw)


@pytest.mark.parametrize(("value", "expected"), [(True, True), (False, False), (np.bool_(True), True)])
def test_bool_accepts_booleans(value, expected) -> None:
    out = spec("bool", False).coerce(value)
    assert out is expected


@pytest.mark.parametrize("value", [1, 0, "true", None, 1.0])
def test_bool_refuses_everything_else(value) -> None:
    with pytest.raises(ParamError, match=r"^L\.p: expected true or false, received "):
        spec("bool", False).coerce(value, "L")


@pytest.mark.parametrize(("value", "expected"), [(3, 3), (3.0, 3), (np.int64(4), 4), (np.float64(5.0), 5)])
def test_int_accepts_integral_numbers(value, expected) -> None:
    out = spec("int", 1, minimum=1).coerce(value)
    assert out == expected and type(out) is int


@pytest.mark.parametrize("value", [2.5, True, "3", None, float("inf"), float("nan"), [3]])
def test_int_refuses_non_integers(value) -> None:
    with pytest.raises(ParamError, match=r"expected an integer, received"):
        spec("int", 1).coerce(value, "L")


@pytest.mark.parametrize(("value", "expected"), [(0.5, 0.5), (1, 1.0), (np.float32(0.25), 0.25), (np.int32(2), 2.0)])
def test_float_accepts_real_numbers(value, expected) -> None:
    out = spec("float", 0.0).coerce(value)
    assert out == expected and type(out) is float


@pytest.mark.parametrize("value", [True, np.bool_(False), "0.5", None, [0.5], 1j])
def test_float_refuses_non_numbers(value) -> None:
    with pytest.raises(ParamError, match=r"expected a number, received"):
        spec("float", 0.0).coerce(value, "L")


@pytest.mark.parametrize("value", [math.inf, -math.inf, math.nan, np.float64("nan")])
def test_float_refuses_non_finite(value) -> None:
    with pytest.raises(ParamError, match=r"expected a finite number"):
        spec("float", 0.0).coerce(value, "L")


def test_ranges_name_the_bound_and_the_value() -> None:
    p = spec("float", 0.5, minimum=0.0, maximum=0.95)
    with pytest.raises(ParamError) as info:
        p.coerce(1.5, "Dropout")
    assert str(info.value) == "Dropout.p: expected a value ≤ 0.95, received 1.5"
    with pytest.raises(ParamError, match=r"expected a value ≥ 0, received -0.1"):
        p.coerce(-0.1, "Dropout")
    assert p.coerce(0.0) == 0.0 and p.coerce(0.95) == 0.95  # inclusive bounds
    q = spec("float", 1.0, minimum=0.0, exclusive_min=True)
    with pytest.raises(ParamError, match=r"expected a value > 0, received 0$"):
        q.coerce(0.0, "L")
    assert q.coerce(1e-9) == 1e-9


def test_choice_lists_options_and_suggests_a_near_miss() -> None:
    p = spec("choice", "relu", choices=("linear", "relu", "leaky_relu"))
    assert p.coerce("leaky_relu") == "leaky_relu"
    with pytest.raises(ParamError) as info:
        p.coerce("foo", "Dense")
    assert str(info.value) == "Dense.p: expected one of linear, relu, leaky_relu, received 'foo'"
    with pytest.raises(ParamError, match=r"received 'ReLU' \(did you mean relu\?\)"):
        p.coerce("ReLU", "Dense")
    with pytest.raises(ParamError, match=r"received \['relu'\]"):
        p.coerce(["relu"], "Dense")  # unhashable values are refused, not a TypeError


@pytest.mark.parametrize(("value", "expected"), [([2], [2]), ((1, 8, 8), [1, 8, 8]), (3, [3]), ([2.0, 3], [2, 3]),
                                                 (np.int64(5), [5]), ([1, 2, 3, 4], [1, 2, 3, 4])])
def test_shape_accepts_positive_integer_lists(value, expected) -> None:
    out = spec("shape", [2]).coerce(value)
    assert out == expected and all(type(v) is int for v in out)


@pytest.mark.parametrize(("value", "message"), [
    ([0], "expected positive integers, received [0]"),
    ([2, -1], "expected positive integers, received [2, -1]"),
    ([2.5], "expected positive integers"),
    ([True], "expected positive integers"),
    ([], "expected a list of positive integers such as [2], received []"),
    ("2", "expected a list of positive integers such as [2]"),
    ([1, 1, 1, 1, 1], "expected at most 4 dimensions, received 5"),
])
def test_shape_refuses_bad_shapes(value, message) -> None:
    with pytest.raises(ParamError) as info:
        spec("shape", [2]).coerce(value, "Input")
    assert str(info.value).startswith("Input.p: ")
    assert message in str(info.value)


def test_str_kind() -> None:
    assert spec("str", "").coerce("abc") == "abc"
    with pytest.raises(ParamError, match="expected text, received 3"):
        spec("str", "").coerce(3)


def test_param_error_carries_the_parameter_and_owner() -> None:
    with pytest.raises(ParamError) as info:
        ParamSpec("units", "int", 8, minimum=1).coerce(0, "Dense")
    assert info.value.param == "units" and info.value.owner == "Dense"
    assert isinstance(info.value, ValueError) and isinstance(info.value, GraphError)


def test_unknown_kind_is_a_programming_error() -> None:
    with pytest.raises(ValueError, match="unknown parameter kind"):
        ParamSpec("p", "complex", 0)


def test_spec_to_dict_describes_the_field() -> None:
    d = ParamSpec("alpha", "float", 1.0, "Scale", minimum=0.0, exclusive_min=True, label="α",
                  visible_if=("activation", ("elu",))).to_dict()
    assert d == {"name": "alpha", "kind": "float", "default": 1.0, "help": "Scale", "minimum": 0.0,
                 "exclusive_min": True, "label": "α", "visible_if": {"param": "activation", "values": ["elu"]}}
    assert ParamSpec("f", "choice", "a", choices=("a", "b")).to_dict()["choices"] == ["a", "b"]


# ---- ParamSchema -----------------------------------------------------------------------------
def test_schema_resolve_validates_every_change_and_keeps_the_rest() -> None:
    schema = ParamSchema((ParamSpec("units", "int", 8, minimum=1), ParamSpec("shape", "shape", [2])))
    assert schema.defaults() == {"units": 8, "shape": [2]}
    assert schema.defaults()["shape"] is not schema.defaults()["shape"]  # no shared default list
    current = {"units": 4, "shape": [3]}
    out = schema.resolve("L", current, {"units": 16})
    assert out == {"units": 16, "shape": [3]} and current == {"units": 4, "shape": [3]}
    with pytest.raises(ParamError) as info:
        schema.resolve("Dense", None, {"unit": 3})
    assert str(info.value) == "Dense has no parameter 'unit' (did you mean units?); its parameters are: units, shape"
    assert info.value.param == "unit"


# ---- the catalogue ---------------------------------------------------------------------------
def test_the_catalogue_lists_every_layer_type() -> None:
    assert sorted(registry.types()) == ALL_TYPES
    assert {s.type for s in registry.specs()} == set(ALL_TYPES)
    grouped = registry.by_category()
    assert list(grouped) == [c for c in registry.CATEGORIES if c in grouped]
    assert sorted(s.type for specs in grouped.values() for s in specs) == ALL_TYPES


@pytest.mark.parametrize("type_name", ALL_TYPES)
def test_every_spec_is_consistent(type_name: str) -> None:
    s = registry.get(type_name)
    assert s.type == type_name and s.category in registry.CATEGORIES and s.description
    assert s.make_params({}) == s.params.defaults()  # defaults are valid values
    for p in s.params:
        assert p.coerce(p.default, type_name) == p.default
        assert p.help, f"{type_name}.{p.name} has no help text for the inspector"
    assert NAME_PATTERN.match(f"{s.name_prefix}_1")
    ports = s.input_ports(s.params.defaults())
    assert len(ports) == len(set(ports))
    if s.has_weights:
        assert s.factory is not None


@pytest.mark.parametrize("type_name", ALL_TYPES)
def test_visible_if_refers_to_a_parameter_of_the_same_layer(type_name: str) -> None:
    s = registry.get(type_name)
    names = s.params.names()
    for p in s.params:
        if p.visible_if is not None:
            assert p.visible_if[0] in names, f"{type_name}.{p.name} depends on unknown {p.visible_if[0]!r}"
            choices = s.params.get(p.visible_if[0]).choices
            assert set(p.visible_if[1]) <= set(choices)


def test_ports_of_the_catalogue() -> None:
    assert registry.get("Input").input_ports({}) == [] and registry.get("Input").outputs == ("out",)
    assert registry.get("Loss").input_ports({}) == ["in"] and registry.get("Loss").outputs == ()
    assert registry.get("Dense").input_ports({}) == ["in"]
    for merge in ("Add", "Concat"):
        s = registry.get(merge)
        assert s.input_ports(s.params.defaults()) == ["in1", "in2"]
        assert s.input_ports({"inputs": 4}) == ["in1", "in2", "in3", "in4"]


def test_name_prefixes() -> None:
    prefixes = {t: registry.get(t).name_prefix for t in ALL_TYPES}
    assert prefixes == {"Activation": "act", "Add": "add", "BatchNorm": "batchnorm", "Concat": "concat",
                        "Dense": "dense", "Dropout": "dropout", "Flatten": "flatten", "Input": "input",
                        "Loss": "loss", "Softmax": "softmax", "Conv2D": "conv", "MaxPool2D": "maxpool",
                        "AvgPool2D": "avgpool", "GlobalAveragePooling2D": "gap", "Reshape": "reshape"}


def test_get_is_case_insensitive() -> None:
    assert registry.get("dense") is registry.get("Dense")
    assert registry.get("BATCHNORM").type == "BatchNorm"


@pytest.mark.parametrize(("name", "hint"), [
    ("Dens", "Did you mean Dense?"),
    ("Dropuot", "Did you mean Dropout?"),
    ("Linear", "Did you mean Dense?"),
    ("Concatenate", "Did you mean Concat?"),
    ("BatchNormalization", "Did you mean BatchNorm?"),
    ("ReLU", "Did you mean Activation (function=relu)?"),
    ("leaky_relu", "Did you mean Activation (function=leaky_relu)?"),
    ("Sigmoid", "Did you mean Activation (function=sigmoid)?"),
    ("CrossEntropy", "Did you mean Loss (function=cross_entropy)?"),
    ("mse", "Did you mean Loss (function=mse)?"),
])
def test_unknown_type_suggests_the_right_one(name: str, hint: str) -> None:
    with pytest.raises(UnknownLayerError) as info:
        registry.get(name)
    msg = str(info.value)
    assert msg.startswith(f"Unknown layer type {name!r}. {hint} Known types: ")
    assert "Dense" in msg and "Loss" in msg


@pytest.mark.parametrize("name", ["xyzzy", None, 3])
def test_unknown_type_without_a_near_miss(name) -> None:
    with pytest.raises(UnknownLayerError) as info:
        registry.get(name)
    assert "Did you mean" not in str(info.value) and "Known types: Activation, Add" in str(info.value)


def test_make_params_names_the_owner_and_runs_the_cross_check() -> None:
    dense = registry.get("Dense")
    with pytest.raises(ParamError, match=r"^dense_7\.units: expected a value ≥ 1, received 0$"):
        dense.make_params({"units": 0}, owner="dense_7")
    with pytest.raises(ParamError, match="init_low ≤ init_high"):
        dense.make_params({"initializer": "uniform", "init_low": 1.0, "init_high": 0.0})


def _toy_spec(**kw) -> LayerSpec:
    base = dict(type="Toy", category="Core", description="A test layer.",
                params=registry.schema(ParamSpec("n", "int", 2, "count", minimum=1)),
                shape_rule=lambda params, shapes: shapes[0], factory=None, name_prefix="toy")
    base.update(kw)
    return LayerSpec(**base)


@pytest.fixture
def isolated_registry(monkeypatch):
    registry.types()  # load the catalogue first
    monkeypatch.setattr(registry, "_SPECS", dict(registry._SPECS))


def test_register_accepts_a_good_spec_and_defaults_the_prefix(isolated_registry) -> None:
    s = registry.register(_toy_spec(name_prefix=""))
    assert s.name_prefix == "toy" and registry.get("Toy") is s


@pytest.mark.parametrize(("kw", "message"), [
    ({"category": "Misc"}, "unknown category"),
    ({"name_prefix": "Toy Layer"}, "name_prefix"),
    ({"variadic": "missing"}, "variadic parameter"),
    ({"params": registry.schema(ParamSpec("n", "int", 0, minimum=1))}, "expected a value ≥ 1"),
    ({"params": registry.schema(ParamSpec("n", "int", 1), ParamSpec("n", "int", 1))}, "repeated parameter"),
    ({"params": registry.schema(ParamSpec("n", "int", 1, visible_if=("mode", ("a",))))}, "visible_if names unknown"),
])
def test_register_refuses_an_inconsistent_spec(isolated_registry, kw, message) -> None:
    with pytest.raises((ValueError, ParamError), match=message):
        registry.register(_toy_spec(**kw))
    assert "Toy" not in registry.types()


def test_require() -> None:
    registry.require(True, "never")
    with pytest.raises(ParamError, match="boom") as info:
        registry.require(False, "boom", param="x")
    assert info.value.param == "x"


# ---- the error hierarchy ---------------------------------------------------------------------
def test_error_hierarchy() -> None:
    for cls in (UnknownLayerError, DuplicateNameError, InvalidNameError, PortError, PortInUseError, CycleError,
                ParamError):
        assert issubclass(cls, GraphError) and issubclass(cls, NeuroCanvasError)
    assert issubclass(PortInUseError, PortError)
    assert issubclass(InvalidNameError, ValueError) and issubclass(ParamError, ValueError)


@pytest.mark.parametrize("error", [
    ParamError("Dense.units: bad", param="units", owner="Dense"),
    CycleError("loop", ("a", "b", "a")),
    PortInUseError("busy", existing=None),
    UnknownLayerError("unknown"),
])
def test_errors_survive_pickling(error) -> None:
    """Errors cross the process boundary to and from the training worker."""
    back = pickle.loads(pickle.dumps(error))
    assert type(back) is type(error) and str(back) == str(error)
    assert back.__dict__ == error.__dict__
