"""The network file, non-fatal problems outside the graph: training, dataset, dtype, weights, history, view."""
from __future__ import annotations

import base64
import math

import numpy as np
import pytest

import engine
from engine.document import DEFAULT_DATASET

from tests.engine.fileformat_helpers import reload, base, open_dict, problems_of, only


@pytest.mark.parametrize("key,value,expected", [
    ("epochs", -1, "expected a whole number ≥ 0"),
    ("epochs", 2.5, "expected a whole number"),
    ("batch_size", 0, "batch_size ≥ 1"),
    ("learning_rate", "fast", "expected a finite number"),
    ("learning_rate", -0.1, "learning_rate > 0"),
    ("learning_rate", float("nan"), "expected a finite number, received NaN"),
    ("optimizer", "adamm", "Unknown optimizer 'adamm'"),
    ("optimizer_params", {"beta1": 2.0}, "beta1"),
    ("optimizer_params", {"momentum": 0.9, "nope": 1}, "nope"),
    ("optimizer_params", [0.9], "expected an object of numbers"),
    ("optimizer_params", {"momentum": "high"}, "expected an object of numbers and true/false values"),
    ("optimizer_params", {"nesterov": 1.5}, "nesterov"),
    ("schedule", "weekly", "Unknown schedule"),
    ("schedule_params", {"step_size": 0}, "step_size"),
    ("shuffle", "yes", "expected true or false"),
    ("seed", -3, "expected a whole number ≥ 0"),
    ("seed", 10**100, "expected a whole number ≥ 0, received a 101-digit number"),
    ("clip_norm", 0, "clip_norm > 0"),
    ("validation_split", 1.0, "validation_split in [0, 1)"),
    ("early_stopping", 0, "patience ≥ 1"),
    ("eval_every", None, "expected a whole number"),
])
def test_bad_training_setting_uses_the_default(key, value, expected):
    data = base()
    data["training"][key] = value
    doc = open_dict(data)
    message = only(doc.problems, f"training.{key}")
    assert expected in message and "(the default" in message
    assert getattr(doc.training, key) == getattr(engine.TrainConfig(), key)


def test_optimizer_params_keep_their_types():
    data = base()
    data["training"].update(optimizer="sgd", optimizer_params={"momentum": 0.9, "nesterov": True})
    doc = open_dict(data)
    assert doc.problems == [] and doc.training.optimizer_params == {"momentum": 0.9, "nesterov": True}
    data["training"].update(schedule="step", schedule_params={"step_size": 3, "gamma": 1})
    doc = open_dict(data)
    assert doc.problems == [] and doc.training.schedule_params == {"step_size": 3, "gamma": 1.0}
    assert reload(doc) == doc


def test_training_settings_are_read_in_field_order():
    """optimizer_params written before optimizer must be checked against that optimizer."""
    data = base()
    data["training"] = {"optimizer_params": {"beta1": 0.7}, "optimizer": "adam", "learning_rate": 0.01}
    doc = open_dict(data)
    assert doc.problems == []
    assert doc.training.optimizer == "adam" and doc.training.optimizer_params == {"beta1": 0.7}


def test_training_unknown_setting_and_wrong_type():
    data = base()
    data["training"]["momentum"] = 0.9
    assert only(problems_of(data), "training.momentum") == "unknown setting (ignored)"
    data = base()
    data["training"] = "fast"
    assert "default settings used" in only(problems_of(data), "training")


def test_missing_sections_use_defaults():
    data = base()
    for key in ("training", "dataset", "view", "history", "weights", "dtype"):
        data.pop(key, None)
    doc = open_dict(data)
    assert doc.problems == [] and doc.dataset == DEFAULT_DATASET and doc.view == {}
    assert doc.training == engine.TrainConfig() and doc.dtype == "float32"


@pytest.mark.parametrize("key,value,expected", [
    ("kind", "sql", "expected one of generator, csv"),
    ("name", "spirall", "Did you mean 'spiral'"),
    ("n", 0, "a number of samples"),
    ("noise", 0.9, "a fraction from 0 to 0.5"),
    ("train_ratio", 0, "train_ratio must lie above 0"),
    ("seed", "x", "a whole number ≥ 0"),
    ("features", ["x1", "x3"], "Unknown feature 'x3'"),
    ("features", "x1", "a list of feature names"),
    ("standardize", "yes", "true or false or null"),
    ("path", 7, "expected text"),
    ("header", 1, "true or false or null"),
    ("delimiter", ",,,,,", "a delimiter"),
    ("target", [1], "a column name"),
])
def test_bad_dataset_setting_is_left_out(key, value, expected):
    data = base()
    data["dataset"][key] = value
    doc = open_dict(data)
    message = only(doc.problems, f"dataset.{key}")
    assert expected in message and "left out" in message
    assert key not in doc.dataset


def test_dataset_unknown_key_and_wrong_type():
    data = base()
    data["dataset"]["colour"] = "red"
    assert only(problems_of(data), "dataset.colour") == "unknown dataset setting (ignored)"
    data["dataset"] = ["circle"]
    doc = open_dict(data)
    assert "the default dataset is used" in only(doc.problems, "dataset")
    assert doc.dataset == DEFAULT_DATASET


def test_dtype_problem():
    data = base()
    data["dtype"] = "float16"
    assert "float32 used" in only(problems_of(data), "dtype")


def test_weights_that_do_not_fit_the_graph_are_dropped():
    data = base()
    data["graph"]["nodes"][1]["params"]["units"] = 3  # a valid edit: dense/W is now (2, 3)
    doc = open_dict(data)
    message = only(doc.problems, "weights")
    assert "dense/W has shape [2, 2] but the network needs [2, 3]" in message
    assert message.endswith("(the network opens untrained)")
    assert doc.weights is None and not doc.trained
    doc.network()  # opens, untrained


def test_missing_and_extra_weights_are_named():
    data = base()
    data["weights"]["ghost/W"] = data["weights"].pop("out/W")
    message = only(problems_of(data), "weights")
    assert "missing out/W" in message and "not in the network ghost/W" in message


def test_nan_weights_are_dropped():
    data = base()
    w = np.array([[np.nan, 1.0], [2.0, 3.0]], dtype="<f4")
    data["weights"]["dense/W"]["data"] = base64.b64encode(w.tobytes()).decode()
    message = only(problems_of(data), 'weights["dense/W"]')
    assert message == "contains NaN or Inf (all weights dropped: the network opens untrained)"


def test_wrong_base64_is_reported():
    data = base()
    entry = data["weights"]["dense/b"]
    entry["data"] = "!!" + entry["data"][2:]
    assert "not valid base64" in only(problems_of(data), 'weights["dense/b"].data')


def test_wrong_byte_count_is_reported():
    data = base()
    data["weights"]["dense/b"]["data"] = base64.b64encode(b"\0" * 12).decode()
    message = only(problems_of(data), 'weights["dense/b"].data')
    assert "16 characters of base64, but shape [2] of float32 needs 8 bytes" in message


@pytest.mark.parametrize("entry,path,expected", [
    ({"dtype": "int8", "shape": [2], "data": ""}, ".dtype", "expected float32 or float64"),
    ({"dtype": "float32", "shape": "2", "data": ""}, ".shape", "expected a list of sizes"),
    ({"dtype": "float32", "shape": [-1], "data": ""}, ".shape", "expected a list of sizes"),
    ({"dtype": "float32", "shape": [10**6, 10**6], "data": ""}, ".shape", "more than the"),
    ({"dtype": "float32", "shape": [2], "data": 5}, ".data", "expected base64 text"),
    ("AAAA", "", "expected an object with dtype, shape and data"),
])
def test_malformed_weight_entries(entry, path, expected):
    data = base()
    data["weights"]["dense/b"] = entry
    assert expected in only(problems_of(data), f'weights["dense/b"]{path}')


def test_weights_not_an_object():
    data = base()
    data["weights"] = [1]
    assert "the network opens untrained" in only(problems_of(data), "weights")


def test_weights_of_a_graph_that_cannot_run_are_kept():
    data = base()
    del data["graph"]["edges"][0]  # Input no longer feeds the network: it cannot run
    doc = open_dict(data)
    assert doc.problems == [] and doc.trained  # kept, to be checked once the wire is back
    assert reload(doc) == doc


def test_bad_history_entries_are_dropped():
    data = base()
    data["history"]["loss"] = [0.5, "high"]
    data["history"]["accuracy"] = 0.5
    data["history"]["val_loss"] = [0.4, None, float("inf")]
    doc = open_dict(data)
    assert [p.path for p in doc.problems] == ["history.accuracy", "history.loss"]  # in the file's order
    assert 'holding "high"' in doc.problems[1]
    assert set(doc.history) == {"val_loss"} and doc.history["val_loss"][0] == 0.4
    assert all(math.isnan(v) for v in doc.history["val_loss"][1:])
    data["history"] = "long"
    assert "history dropped" in only(problems_of(data), "history")


def test_bad_preprocessing_is_dropped():
    data = base()
    data["preprocessing"] = {"task": "binary", "class_names": ["a", "b"], "input_names": ["x1", "x2"],
                             "input_shape": [2], "standardize": True, "mean": [0.0, 0.0], "std": [1.0, -1.0]}
    message = only(problems_of(data), "preprocessing.std")
    assert "greater than 0" in message and "dropped" in message
    data["preprocessing"] = "scaled"
    assert "expected an object" in only(problems_of(data), "preprocessing")


def test_view_keeps_free_form_content_but_not_non_finite_numbers():
    data = base()
    data["view"] = {"zoom": float("nan"), "panels": [{"open": True}], "x": 1}
    doc = open_dict(data)
    assert "null used" in only(doc.problems, "view.zoom")
    assert doc.view == {"zoom": None, "panels": [{"open": True}], "x": 1}
    data["view"] = [1]
    assert "expected an object" in only(problems_of(data), "view")
