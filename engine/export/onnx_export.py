"""ONNX export, built with the onnx package's helper API and checked by ``onnx.checker``.

The model takes RAW features (input ``features``, float32, shape [N, *raw shape]) and, when a
preprocessor is given, holds it: the feature map and the standardisation run in float64 as in
``Preprocessor.transform``, then the network runs in float32. Outputs:

- classification: ``label`` (string [N], the dataset's class names), ``label_index`` (int64 [N])
  and ``probabilities`` (float [N, K]; a single sigmoid output p becomes [1 − p, p]);
- regression: ``output`` (float [N], or [N, k] for k targets), de-standardised when the targets
  were scaled;
- no preprocessor: ``output``, the network's output as ``Network.predict`` gives it.

``onnx`` is needed only here (it belongs to the test extra, not to the app's dependencies).
"""
from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import numpy as np

from ..atomic import atomic_write_bytes
from .common import ExportError, Source, resolve, target_path
from .plan import Activation, Plan, Step, plan

DEFAULT_OPSET = 17
MIN_OPSET = 17
INPUT = "features"
RESERVED = frozenset({INPUT, "output", "probabilities", "label", "label_index"})


def _onnx() -> Any:
    try:
        import onnx
    except ImportError:
        raise ExportError("ONNX export needs the onnx package, which is not installed: pip install onnx") from None
    return onnx


def tensor_name(node: str) -> str:
    """The tensor holding a node's output: its name, unless that is one of the graph's own names."""
    return node + "/out" if node in RESERVED else node


class _Builder:
    """Collects nodes and initializers; small constants are shared by value."""

    def __init__(self, onnx: Any):
        self.onnx = onnx
        self.helper = onnx.helper
        self.nodes: list[Any] = []
        self.initializers: list[Any] = []
        self._scalars: dict[tuple[str, float], str] = {}

    def const(self, name: str, value: Any, dtype: Any = np.float32) -> str:
        array = np.asarray(value, dtype=dtype)
        if array.dtype.kind == "U":
            tensor = self.helper.make_tensor(name, self.onnx.TensorProto.STRING, list(array.shape),
                                             [s.encode("utf-8") for s in array.reshape(-1)])
        else:
            tensor = self.onnx.numpy_helper.from_array(np.ascontiguousarray(array), name)
        self.initializers.append(tensor)
        return name

    def scalar(self, value: float, dtype: Any = np.float32) -> str:
        key = (np.dtype(dtype).name, float(value))
        if key not in self._scalars:
            self._scalars[key] = self.const(f"const/{key[0]}/{key[1]!r}", value, dtype)
        return self._scalars[key]

    def op(self, op_type: str, inputs: list[str], output: str, name: str | None = None, **attrs: Any) -> str:
        self.nodes.append(self.helper.make_node(op_type, inputs, [output], name=name or output, **attrs))
        return output


def _activation(b: _Builder, act: Activation, x: str, out: str, opset: int) -> str:
    """Append ``out = f(x)``; the same formulas as engine/layers/activation_functions.py."""
    fn, base = act.function, out
    simple = {"sigmoid": "Sigmoid", "tanh": "Tanh", "relu": "Relu", "softplus": "Softplus"}
    if fn == "linear":
        return b.op("Identity", [x], out)
    if fn in simple:
        return b.op(simple[fn], [x], out)
    if fn == "leaky_relu":
        return b.op("LeakyRelu", [x], out, alpha=act.negative_slope)
    if fn == "elu":
        return b.op("Elu", [x], out, alpha=act.alpha)
    if fn == "softmax":
        return b.op("Softmax", [x], out, axis=-1)
    if fn == "silu":
        s = b.op("Sigmoid", [x], f"{base}/sigmoid")
        return b.op("Mul", [x, s], out)
    if fn == "step":  # 1 where z >= 0, else 0
        ge = b.op("GreaterOrEqual", [x, b.scalar(0.0)], f"{base}/ge0")
        return b.op("Cast", [ge], out, to=b.onnx.TensorProto.FLOAT)
    if fn == "gelu":  # the tanh approximation
        if opset >= 20:
            return b.op("Gelu", [x], out, approximate="tanh")
        # 0.5·z·(1 + tanh(√(2/π)·(z + 0.044715·z³))), in the engine's order of operations
        c = b.op("Mul", [b.scalar(0.044715), x], f"{base}/cz")
        c = b.op("Mul", [c, x], f"{base}/cz2")
        c = b.op("Mul", [c, x], f"{base}/cz3")
        inner = b.op("Add", [x, c], f"{base}/inner")
        inner = b.op("Mul", [b.scalar(np.sqrt(2.0 / np.pi)), inner], f"{base}/scaled")
        t = b.op("Tanh", [inner], f"{base}/tanh")
        one_t = b.op("Add", [b.scalar(1.0), t], f"{base}/1+tanh")
        half = b.op("Mul", [b.scalar(0.5), x], f"{base}/half_z")
        return b.op("Mul", [half, one_t], out)
    raise ExportError(f"The activation {fn!r} has no ONNX translation")


_SPATIAL = ("Conv2D", "MaxPool2D", "AvgPool2D", "GlobalAveragePooling2D", "Reshape")


def _spatial(b: _Builder, s: Step, x: str, w: dict[str, str], out: str, opset: int) -> str:
    """Append the image layers (batch layout NCHW, as ONNX's own)."""
    c = s.config
    if s.type == "Conv2D":
        k, stride, act = int(c["kernel_size"]), int(c["stride"]), s.activation
        conv_out = out if act.function == "linear" else f"{s.name}/z"  # type: ignore[union-attr]
        b.op("Conv", [x, w["W"]] + ([w["b"]] if "b" in w else []), conv_out, kernel_shape=[k, k],
             strides=[stride, stride], pads=list(s.pads), dilations=[1, 1], group=1)
        return conv_out if conv_out == out else _activation(b, act, conv_out, out, opset)  # type: ignore[arg-type]
    if s.type in ("MaxPool2D", "AvgPool2D"):
        k, stride = int(c["pool_size"]), int(c["stride"])
        return b.op("MaxPool" if s.type == "MaxPool2D" else "AveragePool", [x], out, kernel_shape=[k, k],
                    strides=[stride, stride])
    if s.type == "GlobalAveragePooling2D":  # (N, C, H, W) -> (N, C, 1, 1) -> (N, C)
        pooled = b.op("GlobalAveragePool", [x], f"{s.name}/pooled")
        return b.op("Flatten", [pooled], out, axis=1)
    # Reshape: 0 keeps the batch dimension as it is
    shape = b.const(f"{s.name}/shape", [0, *s.output_shape], np.int64)
    return b.op("Reshape", [x, shape], out)


def _network(b: _Builder, p: Plan, opset: int) -> str:
    """Append every layer; returns the name of the output node's tensor."""
    for s in p.steps:
        xs = [tensor_name(i) for i in s.inputs]
        out = tensor_name(s.name)
        w = {k: b.const(f"{s.name}/{k}", v) for k, v in s.weights.items()}
        act = s.activation
        if s.type == "Dense":
            gemm_inputs = [xs[0], w["W"]] + ([w["b"]] if "b" in w else [])
            if act.function == "linear":  # type: ignore[union-attr]
                b.op("Gemm", gemm_inputs, out)
            else:
                z = b.op("Gemm", gemm_inputs, f"{s.name}/z")
                _activation(b, act, z, out, opset)  # type: ignore[arg-type]
        elif s.type in _SPATIAL:
            _spatial(b, s, xs[0], w, out, opset)
        elif act is not None:  # Activation, Softmax
            _activation(b, act, xs[0], out, opset)
        elif s.type == "Dropout":
            b.op("Identity", xs, out)
        elif s.type == "BatchNorm":
            b.op("BatchNormalization", [xs[0], w["gamma"], w["beta"], w["running_mean"], w["running_var"]], out,
                 epsilon=float(s.config["epsilon"]))
        elif s.type == "Add":
            b.op("Sum", xs, out)
        elif s.type == "Concat":
            b.op("Concat", xs, out, axis=1)
        elif s.type == "Flatten":
            b.op("Flatten", xs, out, axis=1)
        else:  # pragma: no cover - plan() refuses unknown types
            raise ExportError(f"{s.name}: no ONNX translation for {s.type}")
    return tensor_name(p.output_name)


_FEATURE_OPS = {"x1^2": ("Mul", "x1", "x1"), "x2^2": ("Mul", "x2", "x2"), "x1*x2": ("Mul", "x1", "x2"),
                "sin(x1)": ("Sin", "x1"), "sin(x2)": ("Sin", "x2")}


def _preprocess(b: _Builder, pre: Any, p: Plan) -> None:
    """features (float32) -> float64 -> feature map -> (· − mean)/std -> float32 network input."""
    TP = b.onnx.TensorProto
    net_input = tensor_name(p.input_name)
    if pre is None:
        b.op("Identity", [INPUT], net_input)
        return
    x = b.op("Cast", [INPUT], "pre/raw", to=TP.DOUBLE)
    if pre.features is not None:
        cols = {name: b.op("Gather", [x, b.const(f"pre/index_{name}", [k], np.int64)], f"pre/{name}", axis=1)
                for k, name in enumerate(("x1", "x2"))}
        mapped = []
        for f in pre.features:
            if f in cols:
                mapped.append(cols[f])
            else:
                op, *args = _FEATURE_OPS[f]
                mapped.append(b.op(op, [cols[a] for a in args], f"pre/{f}"))
        x = b.op("Concat", mapped, "pre/mapped", axis=1)
    if pre.standardize:
        x = b.op("Sub", [x, b.const("pre/mean", pre.mean, np.float64)], "pre/centered")
        x = b.op("Div", [x, b.const("pre/std", pre.std, np.float64)], "pre/standardized")
    b.op("Cast", [x], net_input, to=TP.FLOAT)


def _decode(b: _Builder, pre: Any, p: Plan, y: str) -> list[Any]:
    """The graph outputs, from the network output tensor ``y``."""
    helper, TP = b.helper, b.onnx.TensorProto
    if pre is None:
        b.op("Identity", [y], "output")
        return [helper.make_tensor_value_info("output", TP.FLOAT, ["N", *p.output_shape])]
    if pre.is_classification:
        k = len(pre.class_names)
        if p.output_shape == (1,):  # one sigmoid output p -> [1 − p, p], as Preprocessor.decode
            p1 = b.op("Clip", [y, b.scalar(0.0), b.scalar(1.0)], "post/p")
            p0 = b.op("Sub", [b.scalar(1.0), p1], "post/1-p")
            b.op("Concat", [p0, p1], "probabilities", axis=1)
        else:
            b.op("Identity", [y], "probabilities")
        b.op("ArgMax", ["probabilities"], "label_index", axis=1, keepdims=0)  # the first of equal maxima
        b.op("Gather", [b.const("post/class_names", np.asarray(pre.class_names, dtype=str), None), "label_index"],
             "label", axis=0)
        return [helper.make_tensor_value_info("label", TP.STRING, ["N"]),
                helper.make_tensor_value_info("label_index", TP.INT64, ["N"]),
                helper.make_tensor_value_info("probabilities", TP.FLOAT, ["N", k])]
    size = int(np.prod(p.output_shape))
    if len(p.output_shape) != 1:
        y = b.op("Flatten", [y], "post/flat", axis=1)
    if size == 1:
        y = b.op("Squeeze", [y, b.const("post/axis1", [1], np.int64)], "post/values")
    if pre.target_mean is not None:  # back to the dataset's units, in float64
        y = b.op("Cast", [y], "post/values64", to=TP.DOUBLE)
        y = b.op("Mul", [y, b.const("post/target_std", pre.target_std, np.float64)], "post/scaled")
        y = b.op("Add", [y, b.const("post/target_mean", pre.target_mean, np.float64)], "post/shifted")
        y = b.op("Cast", [y], "post/values32", to=TP.FLOAT)
    b.op("Identity", [y], "output")
    return [helper.make_tensor_value_info("output", TP.FLOAT, ["N"] if size == 1 else ["N", size])]


def build_model(net: Any, preprocessor: Any = None, opset: int = DEFAULT_OPSET, origin: str | None = None) -> Any:
    """The ``onnx.ModelProto`` of a Network (checked by ``onnx.checker`` with ``full_check``)."""
    onnx = _onnx()
    newest = onnx.defs.onnx_opset_version()
    if not isinstance(opset, int) or not MIN_OPSET <= opset <= newest:
        raise ExportError(f"ONNX opset must be a whole number from {MIN_OPSET} to {newest}, received {opset!r}")
    src = Source(net, preprocessor, origin)
    p = plan(net)
    pre = preprocessor
    b = _Builder(onnx)
    _preprocess(b, pre, p)
    outputs = _decode(b, pre, p, _network(b, p, opset))
    raw_shape = list(pre.input_shape) if pre is not None else list(p.input_shape)
    graph = onnx.helper.make_graph(
        b.nodes, src.title,
        [onnx.helper.make_tensor_value_info(INPUT, onnx.TensorProto.FLOAT, ["N", *raw_shape])],
        outputs, b.initializers,
        doc_string=f'NeuroCanvas network "{src.title}": raw features in'
                   + (", the dataset's labels out" if pre is not None else ", the network's output out"),
    )
    opsets = [onnx.helper.make_opsetid("", opset)]
    model = onnx.helper.make_model(graph, opset_imports=opsets, producer_name="NeuroCanvas",
                                   ir_version=onnx.helper.find_min_ir_version_for(opsets))
    props = {"neurocanvas.layers": "\n".join(p.header_lines()), "neurocanvas.dtype": "float32"}
    if origin:
        props["neurocanvas.source"] = str(origin)
    if pre is not None:
        props["neurocanvas.preprocessing"] = json.dumps(pre.to_dict())
        props["neurocanvas.task"] = pre.task
        if pre.is_classification:
            props["neurocanvas.class_names"] = json.dumps(list(pre.class_names))
    onnx.helper.set_model_props(model, props)
    onnx.checker.check_model(model, full_check=True)
    return model


def export_onnx(net: Any, path: str | os.PathLike[str], preprocessor: Any = None,
                opset: int = DEFAULT_OPSET) -> list[Path]:
    """Write ``path`` (.onnx): the network, and its preprocessing when given (see the module doc)."""
    src = resolve(net, preprocessor)
    target = target_path(path, ".onnx")
    model = build_model(src.net, src.preprocessor, opset, src.origin)
    atomic_write_bytes(target, model.SerializeToString())
    return [target]
