"""Image layers in every exporter: Conv2D ("same" with stride 1 and 2, asymmetric padding, "valid"),
MaxPool2D, AvgPool2D, GlobalAveragePooling2D, Reshape and Flatten, alone and in whole CNNs with
branches joined by Add and Concat, and the raw digits images -> label path with a preprocessor.

ONNX (onnxruntime) and the PyTorch script agree with Network.predict to 1e-5 in float32; the NumPy
script equals it exactly. Shapes are small, and each script kind runs once in one interpreter."""
from __future__ import annotations

import json

import numpy as np
import onnx
import onnxruntime as ort
import pytest

import engine
from engine.data import Preprocessor, make_dataset, prepare, split
from engine.export import build_model, export, export_json, export_npz, import_json, import_npz
from engine.export.plan import plan

TOL = {"rtol": 1e-5, "atol": 1e-5}
IMG = [("x", "Input", (), {"shape": [2, 5, 6]})]  # odd height, even width: "same" pads differ per axis
BIG = [("x", "Input", (), {"shape": [4, 13, 12]})]  # 36 rows C·k·k: the engine's one-GEMM layouts


def conv(k: int, stride: int, padding: str, **extra) -> dict:
    return {"filters": 3, "kernel_size": k, "stride": stride, "padding": padding, **extra}


def _single_layer_cases() -> dict[str, list]:
    flat = [("f", "Flatten", ("y",), {})]
    cases = {
        "Conv2D-same-stride1": IMG + [("y", "Conv2D", ("x",), conv(3, 1, "same", activation="relu"))] + flat,
        # pads (top 1, left 0, bottom 1, right 1): the odd pixel goes after, as TensorFlow/Keras
        "Conv2D-same-stride2": IMG + [("y", "Conv2D", ("x",), conv(3, 2, "same", activation="tanh"))] + flat,
        "Conv2D-same-even-kernel": IMG + [("y", "Conv2D", ("x",), conv(2, 1, "same", activation="linear"))] + flat,
        "Conv2D-same-stride3-k5": IMG + [("y", "Conv2D", ("x",), conv(5, 3, "same", activation="elu",
                                                                         alpha=0.6))] + flat,
        "Conv2D-valid": IMG + [("y", "Conv2D", ("x",), conv(3, 2, "valid", activation="leaky_relu",
                                                             negative_slope=0.2, use_bias=False))] + flat,
        "Conv2D-1x1": IMG + [("y", "Conv2D", ("x",), conv(1, 1, "valid", activation="sigmoid"))] + flat,
        # one GEMM over the batch (C·k·k ≥ 32 on a map too large for the 0/1 matrix): wide rows for
        # stride 1 ("same" and "valid"), strided columns for stride 2
        "Conv2D-big-wide": BIG + [("y", "Conv2D", ("x",), conv(3, 1, "same", activation="relu"))] + flat,
        "Conv2D-big-wide-valid": BIG + [("y", "Conv2D", ("x",), conv(3, 1, "valid", activation="linear",
                                                                        use_bias=False))] + flat,
        "Conv2D-big-strided": BIG + [("y", "Conv2D", ("x",), conv(3, 2, "same", activation="tanh"))] + flat,
        "MaxPool2D": IMG + [("y", "MaxPool2D", ("x",), {"pool_size": 2, "stride": 2})] + flat,
        "MaxPool2D-overlapping": IMG + [("y", "MaxPool2D", ("x",), {"pool_size": 3, "stride": 1})] + flat,
        "AvgPool2D": IMG + [("y", "AvgPool2D", ("x",), {"pool_size": 2, "stride": 2})] + flat,
        "AvgPool2D-3-stride2": IMG + [("y", "AvgPool2D", ("x",), {"pool_size": 3, "stride": 2})] + flat,
        "GlobalAveragePooling2D": IMG + [("y", "GlobalAveragePooling2D", ("x",), {})],
        "Reshape-to-image": [("x", "Input", (), {"shape": [12]}), ("r", "Reshape", ("x",), {"shape": [3, 2, 2]}),
                             ("y", "Conv2D", ("r",), conv(2, 1, "valid", activation="gelu")), ("f", "Flatten", ("y",), {})],
        "Reshape-from-image": IMG + [("y", "Reshape", ("x",), {"shape": [10, 6]})],
        "Flatten": IMG + [("f", "Flatten", ("x",), {}), ("d", "Dense", ("f",), {"units": 3, "activation": "silu"})],
    }
    return cases


SINGLE = _single_layer_cases()


def cnn_rows() -> list:
    """A small CNN with everything: stride-2 "same" and pooled branches joined by Add, a Concat of
    conv paths on channels, BatchNorm over channels, "valid" conv, GAP and a Flatten head."""
    return [
        ("img", "Input", (), {"shape": [1, 8, 8]}),
        ("c1", "Conv2D", ("img",), {"filters": 4, "kernel_size": 3, "padding": "same", "activation": "relu"}),
        ("down", "Conv2D", ("c1",), {"filters": 4, "kernel_size": 3, "stride": 2, "padding": "same",
                                      "activation": "silu"}),
        ("pool", "MaxPool2D", ("c1",), {"pool_size": 2, "stride": 2}),
        ("proj", "Conv2D", ("pool",), {"filters": 4, "kernel_size": 1, "activation": "linear"}),
        ("res", "Add", ("down", "proj"), {}),
        ("avg", "AvgPool2D", ("c1",), {"pool_size": 2, "stride": 2}),
        ("cat", "Concat", ("res", "avg"), {}),
        ("bn", "BatchNorm", ("cat",), {}),
        ("c2", "Conv2D", ("bn",), {"filters": 6, "kernel_size": 3, "padding": "valid", "activation": "tanh"}),
        ("gap", "GlobalAveragePooling2D", ("c2",), {}),
        ("flat", "Flatten", ("c2",), {}),
        ("head", "Dense", ("flat",), {"units": 6, "activation": "relu"}),
        ("sum", "Add", ("gap", "head"), {}),
        ("out", "Dense", ("sum",), {"units": 10, "activation": "softmax"}),
    ]


def flat_cnn_rows() -> list:
    """Flat inputs (64,) made an image by Reshape, as a CSV of pixels would give."""
    rows = cnn_rows()
    return [("pixels", "Input", (), {"shape": [64]}), ("img", "Reshape", ("pixels",), {"shape": [1, 8, 8]})] + rows[1:]


def _digits_case(kit):
    train, test = split(make_dataset("digits", flat=False), 0.5, seed=3)
    assert train.X.shape[1:] == (1, 8, 8)
    pre = Preprocessor.fit(train)  # standardised per channel: mean and std (1, 1, 1)
    assert pre.mean.shape == (1, 1, 1)
    net = kit.randomize(engine.Network(kit.graph(cnn_rows()), seed=7), seed=7)
    return kit.Case(net, pre, test.X[:300])


@pytest.fixture(scope="module")
def conv_cases(kit) -> dict:
    """name -> Case: every single-layer case (float32), the CNNs (also in float64), and digits."""
    out = {}
    for name, rows in SINGLE.items():
        net = kit.randomize(engine.Network(kit.graph(rows), seed=0), seed=len(name))
        out[name] = kit.Case(net, None, kit.raw((16, *net.input_shape), seed=3))
    for name, rows, dtype in (("cnn", cnn_rows(), "float32"), ("cnn64", cnn_rows(), "float64"),
                              ("flat_cnn", flat_cnn_rows(), "float32")):
        net = _scaled(kit.randomize(engine.Network(kit.graph(rows), seed=1, dtype=dtype), seed=2))
        out[name] = kit.Case(net, None, kit.raw((24, *net.input_shape), seed=4, scale=1.0))
    out["digits"] = _digits_case(kit)
    _scaled(out["digits"].net)
    return out


def _scaled(net):
    """Smaller conv weights, so that activations stay near 1 and float32 errors stay near 1e-6."""
    net.set_weights({k: v * 0.5 if k.endswith("/W") else v for k, v in net.get_weights().items()})
    return net


# ---- ONNX ------------------------------------------------------------------------------------------------------
def run_onnx(net, X, pre=None) -> dict[str, np.ndarray]:
    model = build_model(net, pre)
    onnx.checker.check_model(model, full_check=True)
    assert [(o.domain, o.version) for o in model.opset_import] == [("", 17)]
    session = ort.InferenceSession(model.SerializeToString(), providers=["CPUExecutionProvider"])
    names = [o.name for o in session.get_outputs()]
    return dict(zip(names, session.run(None, {"features": X.astype(np.float32)})))


@pytest.mark.parametrize("name", [*SINGLE, "cnn", "cnn64", "flat_cnn"])
def test_onnx_matches_the_engine(name, conv_cases):
    case = conv_cases[name]
    got = run_onnx(case.net, case.X)["output"]
    want = case.net.predict(case.X)
    assert got.shape == want.shape and got.dtype == np.float32
    np.testing.assert_allclose(got, want, **TOL)


def test_onnx_operators_and_padding(conv_cases):
    model = build_model(conv_cases["cnn"].net)
    ops = [n.op_type for n in model.graph.node]
    for op in ("Conv", "MaxPool", "AveragePool", "GlobalAveragePool", "Sum", "Concat", "BatchNormalization"):
        assert op in ops
    model = build_model(conv_cases["Conv2D-same-stride2"].net)
    (node,) = [n for n in model.graph.node if n.op_type == "Conv"]
    attrs = {a.name: onnx.helper.get_attribute_value(a) for a in node.attribute}
    assert attrs["pads"] == [1, 0, 1, 1] and attrs["strides"] == [2, 2] and attrs["kernel_shape"] == [3, 3]
    assert "Reshape" in [n.op_type for n in build_model(conv_cases["flat_cnn"].net).graph.node]


def test_onnx_digits_raw_images_to_labels(conv_cases, kit):
    case = conv_cases["digits"]
    _, labels, probs = case.expected()
    got = run_onnx(case.net, case.X, case.pre)
    assert list(got) == ["label", "label_index", "probabilities"]
    np.testing.assert_allclose(got["probabilities"], probs, **TOL)
    kit.assert_same_labels(got["label"], labels, probs)
    assert len(set(labels)) > 1  # the random network does not answer one class only


# ---- NumPy script ----------------------------------------------------------------------------------------------
NUMPY_DRIVER = """
import importlib.util, json, sys
import numpy as np
for name in json.loads(sys.argv[1]):
    spec = importlib.util.spec_from_file_location(name, name + ".py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    X = np.load(name + "_X.npy")
    np.savez(name + "_out.npz", output=module.network_output(X), predict=module.predict(X))
print(json.dumps(sorted(m for m in sys.modules if m.split(".")[0] in ("engine", "torch", "onnx"))))
"""


def _export_all(folder, conv_cases, fmt) -> dict[str, str]:
    """Every case exported as ``case_<name>``; returns module name -> case name."""
    names = {}
    for name, case in conv_cases.items():
        ident = "case_" + name.replace("-", "_")
        export(case.net, folder / ident, fmt, preprocessor=case.pre)
        np.save(folder / f"{ident}_X.npy", case.X)
        names[ident] = name
    return names


def _outputs(folder, names) -> dict[str, dict[str, np.ndarray]]:
    out = {}
    for ident, name in names.items():
        with np.load(folder / f"{ident}_out.npz", allow_pickle=False) as f:
            out[name] = {k: f[k] for k in f.files}
    return out


@pytest.fixture(scope="module")
def numpy_outputs(tmp_path_factory, conv_cases, kit):
    folder = tmp_path_factory.mktemp("conv_numpy")
    names = _export_all(folder, conv_cases, "numpy")
    result = kit.run_python("-I", "-c", NUMPY_DRIVER, json.dumps(list(names)), cwd=folder)
    assert json.loads(result.stdout) == [], "the scripts imported more than NumPy"
    source = (folder / "case_cnn.py").read_text(encoding="utf-8")
    return _outputs(folder, names), source


@pytest.mark.parametrize("name", [*SINGLE, "cnn", "cnn64", "flat_cnn", "digits"])
def test_numpy_script_equals_the_engine_exactly(name, conv_cases, numpy_outputs):
    case, got = conv_cases[name], numpy_outputs[0][name]
    output, predictions, _ = case.expected()
    assert got["output"].dtype == output.dtype
    np.testing.assert_array_equal(got["output"], output)
    np.testing.assert_array_equal(got["predict"], predictions)


def test_big_cases_run_as_one_gemm_in_the_engine_and_the_script(conv_cases, numpy_outputs):
    """The cases above that the engine runs as one GEMM over the batch, and the script's calls."""
    layouts = {name: conv_cases[name].net.layers["y"].layout for name in SINGLE if name.startswith("Conv2D")}
    assert {k: v for k, v in layouts.items() if v != "per_sample"} == {
        "Conv2D-big-wide": "wide", "Conv2D-big-wide-valid": "wide", "Conv2D-big-strided": "strided"}
    assert ", big=True)" not in numpy_outputs[1]  # the small CNN runs per sample


def test_numpy_script_has_no_loop_over_samples(numpy_outputs):
    source = numpy_outputs[1]
    conv_src = source.split("def conv2d(")[1].split("\ndef ")[0]
    assert "sliding_window_view" in source and "for i in range(0, n, step)" in conv_src  # chunks, not samples
    assert "c1 = relu(conv2d(img, w[\"c1/W\"], w[\"c1/b\"], stride=1, pads=(1, 1, 1, 1)))" in source


@pytest.mark.parametrize("stride,dtype,images", [(1, "float32", 300), (1, "float64", 300), (2, "float32", 1400),
                                                   (1, "float32", 40)])
def test_numpy_script_chunks_large_batches_like_the_engine(tmp_path, kit, stride, dtype, images):
    """More images than one im2col pass holds: the engine and the script chunk alike, and each
    chunk's GEMM (one over the chunk: wide rows for stride 1, strided columns for stride 2)
    rounds alike; the last chunk is a partial one. 40 images: one pass."""
    import engine.layers.conv as conv

    rows = [("x", "Input", (), {"shape": [4, 16, 16]}),
            ("y", "Conv2D", ("x",), {"filters": 64, "kernel_size": 5, "stride": stride, "padding": "same"}),
            ("g", "GlobalAveragePooling2D", ("y",), {})]
    net = kit.randomize(engine.Network(kit.graph(rows), seed=0, dtype=dtype))
    layer = net.layers["y"]
    assert layer.layout == ("wide" if stride == 1 else "strided")
    X = kit.raw((images, 4, 16, 16), seed=5)
    export(net, tmp_path / "big", "numpy")
    module = kit.load_module(tmp_path / "big.py")
    assert module.CONV_COLUMNS == conv._INFER_COLS
    passes = -(-images // layer.infer_step)
    assert passes == (1 if images == 40 else 3)  # 4·25·(16·20 wide | 8·8) columns per image
    assert ", big=True)" in (tmp_path / "big.py").read_text(encoding="utf-8")
    got = module.network_output(X)
    assert got.dtype == np.dtype(dtype)
    np.testing.assert_array_equal(got, net.predict(X))


# ---- PyTorch script --------------------------------------------------------------------------------------------
TORCH_DRIVER = """
import importlib.util, json, sys
import numpy as np
import torch
for name in json.loads(sys.argv[1]):
    spec = importlib.util.spec_from_file_location(name, name + ".py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    X = np.load(name + "_X.npy")
    model = module.load()
    with torch.no_grad():
        output = model(torch.as_tensor(X)).numpy()
    np.savez(name + "_out.npz", output=output, predict=module.predict(X),
             parameters=sum(p.numel() for p in model.parameters()))
"""


@pytest.fixture(scope="module")
def torch_outputs(tmp_path_factory, conv_cases, kit):
    pytest.importorskip("torch")
    folder = tmp_path_factory.mktemp("conv_torch")
    names = _export_all(folder, conv_cases, "torch")
    kit.run_python("-c", TORCH_DRIVER, json.dumps(list(names)), cwd=folder, timeout=300)
    return _outputs(folder, names), (folder / "case_Conv2D_same_stride2.py").read_text(encoding="utf-8")


@pytest.mark.parametrize("name", [*SINGLE, "cnn", "cnn64", "flat_cnn", "digits"])
def test_torch_script_matches_the_engine(name, conv_cases, torch_outputs, kit):
    case, got = conv_cases[name], torch_outputs[0][name]
    output, predictions, probs = case.expected()
    assert got["output"].dtype == output.dtype
    np.testing.assert_allclose(got["output"], output, **TOL)
    assert int(got["parameters"]) == case.net.parameter_count
    if case.pre is not None:
        kit.assert_same_labels(got["predict"], predictions, probs)


def test_torch_script_pads_asymmetric_same_with_f_pad(torch_outputs):
    source = torch_outputs[1]
    assert "nn.Conv2d(2, 3, 3, stride=2)" in source
    assert "F.pad(x_, (0, 1, 1, 1))" in source  # (left, right, top, bottom)


# ---- weights -----------------------------------------------------------------------------------------------------
def test_npz_and_json_weights_of_a_cnn(conv_cases, tmp_path):
    net = conv_cases["cnn"].net
    weights = net.get_weights()
    assert weights["c1/W"].shape == (4, 1, 3, 3) and weights["c2/W"].shape == (6, 8, 3, 3)  # (out, in, k, k)
    for back in (import_npz(export_npz(net, tmp_path / "w.npz")[0]), import_json(export_json(net, tmp_path / "w")[0])):
        assert back.keys() == weights.keys()
        for key, value in weights.items():
            assert back[key].dtype == value.dtype
            np.testing.assert_array_equal(back[key], value)
    data = json.loads((tmp_path / "w.json").read_text(encoding="utf-8"))
    layers = {layer["name"]: layer for layer in data["layers"]}
    assert layers["down"]["config"]["padding"] == "same" and layers["down"]["output_shape"] == [4, 4, 4]
    assert layers["down"]["pads"] == [0, 0, 1, 1] and layers["c2"]["pads"] == [0, 0, 0, 0]
    assert layers["gap"]["type"] == "GlobalAveragePooling2D" and layers["gap"]["output_shape"] == [6]


def test_plan_describes_image_layers(conv_cases):
    lines = "\n".join(plan(conv_cases["cnn"].net).header_lines())
    assert 'Conv2D 4 × 3×3, stride 2, padding "same" (top 0, left 0, bottom 1, right 1), silu' in lines
    assert "MaxPool2D 2×2, stride 2" in lines and "-> (6,)" in lines


# ---- a saved document: raw digit images -> labels in every format ------------------------------------------------
def test_saved_document_of_digit_images_exports_raw_images_to_labels(tmp_path, kit):
    spec = {"kind": "generator", "name": "digits", "flat": False, "train_ratio": 0.5, "seed": 3}
    data = prepare(spec)
    g = kit.graph(cnn_rows())
    net = _scaled(kit.randomize(engine.Network(g, seed=3), seed=3))
    engine.save(engine.document.Document(graph=g, dataset=spec, preprocessing=data.preprocessor.to_dict(),
                                          weights=net.get_weights()), tmp_path / "digits.nnd")
    doc = engine.load(tmp_path / "digits.nnd")
    X = data.test.X[:200]
    labels, probs = data.preprocessor.predict(net, X)
    files = {fmt: export(doc, tmp_path / f"digits_{fmt}", fmt) for fmt in ("onnx", "numpy")}
    session = ort.InferenceSession(str(files["onnx"][0]), providers=["CPUExecutionProvider"])
    assert session.get_inputs()[0].shape == ["N", 1, 8, 8]
    label, _, onnx_probs = session.run(None, {"features": X.astype(np.float32)})
    np.testing.assert_allclose(onnx_probs, probs, **TOL)
    kit.assert_same_labels(label, labels, probs)
    script = kit.load_module(files["numpy"][0])
    np.testing.assert_array_equal(script.predict(X), labels)
    np.testing.assert_array_equal(script.predict_proba(X), probs)
    assert script.INPUT_SHAPE == (1, 8, 8)
    np.testing.assert_array_equal(script.predict(X[0]), labels[:1])  # one image
    # the torch script of the same path runs in test_torch_script_matches_the_engine[digits]
