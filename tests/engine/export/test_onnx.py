"""ONNX export: every layer type and activation, run by onnxruntime, equals Network.predict to 1e-5
in float32; the embedded preprocessing gives the dataset's labels. onnx and onnxruntime are in the
test extra, so nothing here is skipped."""
from __future__ import annotations

import json

import numpy as np
import onnx
import onnxruntime as ort
import pytest

import engine
from engine.data import Preprocessor
from engine.document import Document
from engine.export import ExportError, build_model, export, export_onnx
from engine.export.plan import SUPPORTED
from engine.layers.activation_functions import ACTIVATIONS, OUTPUT_ACTIVATIONS

TOL = {"rtol": 1e-5, "atol": 1e-5}


def run(model: onnx.ModelProto, X: np.ndarray) -> dict[str, np.ndarray]:
    session = ort.InferenceSession(model.SerializeToString(), providers=["CPUExecutionProvider"])
    names = [o.name for o in session.get_outputs()]
    return dict(zip(names, session.run(None, {"features": X.astype(np.float32)})))


def checked(net, pre=None, opset: int = 17) -> onnx.ModelProto:
    model = build_model(net, pre, opset=opset)
    onnx.checker.check_model(model, full_check=True)
    assert [(o.domain, o.version) for o in model.opset_import] == [("", opset)]
    return model


def test_every_catalogue_layer_is_exportable():
    exportable = set(SUPPORTED) | {"Input", "Loss"}  # Loss is training-only: never exported
    missing = sorted(set(engine.registry.types()) - exportable)
    assert not missing, f"layer types without an exporter: {missing}"


def _single_layer_cases() -> dict[str, list]:
    dense_in = [("x", "Input", (), {"shape": [4]})]
    cases = {}
    for fn in OUTPUT_ACTIVATIONS:
        cases[f"Dense-{fn}"] = dense_in + [
            ("d", "Dense", ("x",), {"units": 5, "activation": fn, "negative_slope": 0.15, "alpha": 0.6})]
    cases["Dense-no-bias"] = dense_in + [("d", "Dense", ("x",), {"units": 3, "use_bias": False})]
    for fn in ACTIVATIONS:
        cases[f"Activation-{fn}"] = dense_in + [
            ("d", "Dense", ("x",), {"units": 5}),
            ("a", "Activation", ("d",), {"function": fn, "negative_slope": 0.3, "alpha": 1.7})]
    cases["Softmax"] = dense_in + [("d", "Dense", ("x",), {"units": 5}), ("s", "Softmax", ("d",), {})]
    cases["Dropout"] = dense_in + [("d", "Dense", ("x",), {"units": 5, "activation": "relu"}),
                                   ("drop", "Dropout", ("d",), {"rate": 0.5}), ("o", "Dense", ("drop",), {"units": 2})]
    cases["BatchNorm"] = dense_in + [("d", "Dense", ("x",), {"units": 6}),
                                     ("bn", "BatchNorm", ("d",), {"epsilon": 0.01}), ("o", "Dense", ("bn",), {"units": 2})]
    cases["BatchNorm-images"] = [("x", "Input", (), {"shape": [3, 2, 2]}), ("bn", "BatchNorm", ("x",), {}),
                                 ("f", "Flatten", ("bn",), {})]
    cases["Add"] = dense_in + [("a", "Dense", ("x",), {"units": 4}), ("b", "Dense", ("x",), {"units": 4}),
                               ("s", "Add", ("a", "b", "x"), {})]
    cases["Concat"] = dense_in + [("a", "Dense", ("x",), {"units": 2}), ("b", "Dense", ("x",), {"units": 3}),
                                  ("c", "Concat", ("a", "x", "b"), {})]
    cases["Concat-images"] = [("x", "Input", (), {"shape": [1, 2, 3]}), ("a", "Activation", ("x",), {"function": "tanh"}),
                              ("c", "Concat", ("x", "a"), {}), ("f", "Flatten", ("c",), {})]
    cases["Flatten"] = [("x", "Input", (), {"shape": [2, 3, 2]}), ("f", "Flatten", ("x",), {}),
                        ("d", "Dense", ("f",), {"units": 3, "activation": "sigmoid"})]
    cases["reserved-names"] = [("features", "Input", (), {"shape": [3]}),
                               ("label", "Dense", ("features",), {"units": 3, "activation": "tanh"}),
                               ("output", "Dense", ("label",), {"units": 2})]
    return cases


SINGLE = _single_layer_cases()


@pytest.mark.parametrize("name", list(SINGLE))
def test_each_layer_matches_the_engine(name, kit):
    net = kit.randomize(engine.Network(kit.graph(SINGLE[name]), seed=0), seed=len(name))
    X = kit.raw((64, *net.input_shape), seed=3)
    if "step" in name:  # the threshold: keep inputs whose z is clearly on one side
        X = kit.away_from_zero(X, net, "d")
        assert len(X) > 30
    got = run(checked(net), X)
    assert list(got) == ["output"]
    want = net.predict(X)
    assert got["output"].shape == want.shape and got["output"].dtype == np.float32
    np.testing.assert_allclose(got["output"], want, **TOL)


def test_batchnorm_statistics_from_training(kit):
    g = kit.graph([("x", "Input", (), {"shape": [3]}), ("d", "Dense", ("x",), {"units": 4, "activation": "relu"}),
                   ("bn", "BatchNorm", ("d",), {"momentum": 0.5}), ("o", "Dense", ("bn",), {"units": 1}),
                   ("loss", "Loss", ("o",), {"function": "mse"})])
    net = engine.Network(g, seed=1)
    X = kit.raw((50, 3), seed=2)
    engine.Trainer(net, X, X.sum(axis=1) * 3 + 5, engine.TrainConfig(epochs=3, batch_size=10)).run()
    stats = net.get_weights()
    assert not np.allclose(stats["bn/running_mean"], 0) and not np.allclose(stats["bn/running_var"], 1)
    np.testing.assert_allclose(run(checked(net), X)["output"], net.predict(X), **TOL)


def test_every_layer_in_one_graph(cases):
    case = cases["zoo"]
    np.testing.assert_allclose(run(checked(case.net), case.X)["output"], case.net.predict(case.X), **TOL)


def test_gelu_uses_the_native_operator_from_opset_20(kit):
    net = kit.randomize(engine.Network(kit.graph(SINGLE["Activation-gelu"]), seed=0))
    X = kit.raw((32, 4))
    old, new = checked(net, opset=17), checked(net, opset=20)
    assert "Gelu" not in {n.op_type for n in old.graph.node}
    assert "Gelu" in {n.op_type for n in new.graph.node}
    for model in (old, new):
        np.testing.assert_allclose(run(model, X)["output"], net.predict(X), **TOL)


@pytest.mark.parametrize("name", ["binary", "iris", "images"])
def test_classification_with_preprocessing_gives_the_dataset_labels(name, cases, kit):
    case = cases[name]
    _, labels, probs = case.expected()
    got = run(checked(case.net, case.pre), case.X)
    assert list(got) == ["label", "label_index", "probabilities"]
    assert got["label"].dtype == object and set(got["label"]) <= set(case.pre.class_names)
    np.testing.assert_allclose(got["probabilities"], probs, **TOL)
    kit.assert_same_labels(got["label"], labels, probs)
    kit.assert_same_labels(np.asarray(case.pre.class_names)[got["label_index"]], labels, probs)


def test_regression_with_target_scaling_gives_values_in_the_dataset_units(cases):
    case = cases["regression"]
    _, values, _ = case.expected()
    assert case.pre.target_mean is not None and np.abs(values).mean() > 50
    got = run(checked(case.net, case.pre), case.X)
    assert list(got) == ["output"] and got["output"].shape == values.shape == (len(case.X),)
    np.testing.assert_allclose(got["output"], values, rtol=1e-5, atol=1e-5 * float(case.pre.target_std))


def test_exported_file_from_a_document(tmp_path, cases, kit):
    case = cases["iris"]
    doc = Document(graph=case.graph, preprocessing=case.pre.to_dict(),
                   weights=case.net.get_weights(), path=str(tmp_path / "flowers.nnd"))
    files = export(doc, tmp_path / "flowers", "onnx")
    assert files == [tmp_path / "flowers.onnx"]
    model = onnx.load(files[0])
    onnx.checker.check_model(model, full_check=True)
    props = {p.key: p.value for p in model.metadata_props}
    assert json.loads(props["neurocanvas.class_names"]) == ["setosa", "versicolor", "virginica"]
    assert Preprocessor.from_dict(json.loads(props["neurocanvas.preprocessing"])) == case.pre
    assert "hidden" in props["neurocanvas.layers"] and props["neurocanvas.source"].endswith("flowers.nnd")
    session = ort.InferenceSession(str(files[0]), providers=["CPUExecutionProvider"])
    assert session.get_inputs()[0].name == "features" and session.get_inputs()[0].shape == ["N", 4]
    label, _, probs = session.run(None, {"features": case.X.astype(np.float32)})
    kit.assert_same_labels(label, case.expected()[1], case.expected()[2])


@pytest.mark.parametrize("opset", [16, 99, 17.0])
def test_opset_out_of_range(opset, cases):
    with pytest.raises(ExportError, match="opset must be a whole number from 17"):
        build_model(cases["binary"].net, opset=opset)


def test_export_onnx_refuses_a_mismatched_preprocessor(tmp_path, cases):
    with pytest.raises(ExportError, match=r"expects \(4,\)"):
        export_onnx(cases["iris"].net, tmp_path / "x.onnx", preprocessor=cases["binary"].pre)


def test_a_float64_network_runs_in_float32(cases):
    case = cases["zoo64"]
    model = checked(case.net)
    assert {t.data_type for t in model.graph.initializer if t.name.endswith("/W")} == {onnx.TensorProto.FLOAT}
    np.testing.assert_allclose(run(model, case.X)["output"], case.net.predict(case.X), rtol=1e-5, atol=1e-5)


def test_without_the_onnx_package_the_error_says_what_to_install(cases, tmp_path, monkeypatch):
    monkeypatch.setitem(__import__("sys").modules, "onnx", None)  # import onnx now raises ImportError
    with pytest.raises(ExportError, match="needs the onnx package, which is not installed: pip install onnx"):
        export(cases["binary"].net, tmp_path / "net.onnx", "onnx")
    assert not (tmp_path / "net.onnx").exists()
