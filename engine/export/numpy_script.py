"""A standalone NumPy predict script: one ``.py`` plus the weights ``.npz``, needing only NumPy.

The script repeats NeuroCanvas's inference with the same NumPy operations in the same order and
dtype (preprocessing in float64, the network in the network's dtype, 8,192 rows per pass), so
its predictions equal ``Network.predict`` exactly. Conv2D is im2col and matmuls of the engine's
shapes and chunks (per sample, or one GEMM per pass over the batch, as the layer runs), with the
windows taken by ``sliding_window_view``; no loop runs over samples.
"""
from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from ..layers.conv import conv_layout
from . import codegen
from .common import Source
from .plan import Plan, plan

# The engine's formulas (engine/layers/activation_functions.py), written out for the script.
ACTIVATIONS = {
    "sigmoid": '''def sigmoid(z):
    return (np.tanh(z * 0.5) + 1.0) * 0.5  # = 1 / (1 + e^-z), without overflow''',
    "tanh": '''def tanh(z):
    return np.tanh(z)''',
    "relu": '''def relu(z):
    return np.maximum(z, 0.0)''',
    "leaky_relu": '''def leaky_relu(z, slope):
    return np.where(z > 0, z, z * slope)''',
    "elu": '''def elu(z, alpha):
    neg = np.expm1(np.minimum(z, 0.0))
    neg *= alpha
    return np.where(z > 0, z, neg)''',
    "gelu": '''GELU_C = math.sqrt(2.0 / math.pi)


def gelu(z):  # the tanh approximation
    t = np.tanh(GELU_C * (z + 0.044715 * z * z * z))
    return 0.5 * z * (1.0 + t)''',
    "softplus": '''def softplus(z):
    return np.logaddexp(0.0, z).astype(z.dtype, copy=False)''',
    "silu": '''def silu(z):
    return z * sigmoid(z)''',
    "step": '''def step(z):
    return (z >= 0).astype(z.dtype)''',
    "softmax": '''def softmax(z):
    # The same reductions as NeuroCanvas's engine/fastmath.py, so the sums round identically.
    k = z.shape[-1]
    if z.ndim == 2 and k <= 64 and z.shape[0] > 4 * k:
        m = np.ascontiguousarray(z.T).max(axis=0)[:, None]
    else:
        m = z.max(axis=-1, keepdims=True)
    e = z - m
    np.exp(e, out=e)
    if z.ndim == 2 and k <= 64:
        e /= (e @ np.ones(k, dtype=e.dtype))[:, None]
    else:
        e /= e.sum(axis=-1, keepdims=True)
    return e''',
}

# Helpers by name, written out when a layer of the types in NEEDS is in the network.
LAYERS = {
    "dense": '''def dense(x, W, b=None):
    z = x @ W
    if b is not None:
        z += b
    return z''',
    "batchnorm": '''def batchnorm(x, gamma, beta, mean, var, eps):
    """Inference: running statistics over axis 1 (features or channels)."""
    shape = (1, -1) + (1,) * (x.ndim - 2)
    inv_std = 1.0 / np.sqrt(var.reshape(shape) + eps)
    return (x - mean.reshape(shape)) * (inv_std * gamma.reshape(shape)) + beta.reshape(shape)''',
    "windows": '''def windows(x, k, stride):
    """The k x k windows of images x (N, C, H, W), every stride pixels: a view (N, C, OH, OW, k, k)."""
    v = np.lib.stride_tricks.sliding_window_view(x, (k, k), axis=(2, 3))
    return v[:, :, ::stride, ::stride]''',
    "conv2d": '''CONV_COLUMNS = 1 << 22  # im2col values per pass, as NeuroCanvas (bounds the memory)


def conv2d(x, W, b=None, stride=1, pads=(0, 0, 0, 0), big=False):
    """Cross-correlation of images x (N, C, H, W) with W (filters, C, k, k) after zero padding
    pads = (top, left, bottom, right), as im2col and matmuls of NeuroCanvas's shapes (the same
    shapes round the same way). big=False: columns (N, C*k*k, OH*OW), one matmul per sample.
    big=True: columns (C*k*k, N*OH*Wr), one matmul per pass; for stride 1, Wr is the padded
    width (each kernel offset is one run of the flattened image, whose extra columns are
    dropped), else Wr = OW."""
    top, left, bottom, right = pads
    f, c, k, _ = W.shape
    W2 = W.reshape(f, c * k * k)
    n, hp, wp = x.shape[0], x.shape[2] + top + bottom, x.shape[3] + left + right
    oh, ow = (hp - k) // stride + 1, (wp - k) // stride + 1
    wide = big and stride == 1
    wr = wp if wide else ow
    if top or left or bottom or right or wide:  # wide rows: a spare zero row for the last offsets
        x = np.pad(x, ((0, 0), (0, 0), (top, bottom + wide), (left, right)))
    z = np.empty((n, f, oh, ow), dtype=W.dtype)
    step = max(1, CONV_COLUMNS // max(1, c * k * k * oh * wr))
    for i in range(0, n, step):
        xs = x[i : i + step]
        m = len(xs)
        if not big:
            cols = windows(xs, k, stride).transpose(0, 1, 4, 5, 2, 3).reshape(m, c * k * k, oh * ow)
            np.matmul(W2, cols, out=z[i : i + step].reshape(m, f, oh * ow))
            continue
        if wide:
            runs = np.lib.stride_tricks.sliding_window_view(xs.reshape(m, c, -1), oh * wp, axis=2)
            starts = [di * wp + dj for di in range(k) for dj in range(k)]
            cols = runs[:, :, starts].transpose(1, 2, 0, 3).reshape(c * k * k, m * oh * wp)
        else:
            cols = windows(xs, k, stride).transpose(1, 4, 5, 0, 2, 3).reshape(c * k * k, m * oh * ow)
        zt = (W2 @ cols).reshape(f, m, oh, wr)[..., :ow].transpose(1, 0, 2, 3)
        z[i : i + step] = zt if b is None else zt + b[:, None, None]
    if b is not None and not big:
        z += b[:, None, None]
    return z''',
    "max_pool2d": '''def max_pool2d(x, k, stride):
    """The largest value of each k x k window (no padding)."""
    v = windows(x, k, stride)
    out = v[:, :, :, :, 0, 0].copy()
    for i in range(k):
        for j in range(k):
            np.maximum(out, v[:, :, :, :, i, j], out=out)
    return out''',
    "avg_pool2d": '''def avg_pool2d(x, k, stride):
    """The mean of each k x k window (no padding), summed in NeuroCanvas's order."""
    v = windows(x, k, stride)
    out = v[:, :, :, :, 0, 0].copy()
    for i in range(k):
        for j in range(k):
            if i or j:
                out += v[:, :, :, :, i, j]
    out *= 1.0 / (k * k)
    return out''',
    "global_avg_pool2d": '''def global_avg_pool2d(x):
    """(N, C, H, W) -> (N, C): the mean of each channel."""
    n, c, h, w = x.shape
    out = np.sum(x.reshape(n, c, h * w), axis=2)
    out *= 1.0 / (h * w)
    return out''',
}
NEEDS = {"dense": ("Dense",), "batchnorm": ("BatchNorm",), "windows": ("Conv2D", "MaxPool2D", "AvgPool2D"),
         "conv2d": ("Conv2D",), "max_pool2d": ("MaxPool2D",), "avg_pool2d": ("AvgPool2D",),
         "global_avg_pool2d": ("GlobalAveragePooling2D",)}


def _conv_big(s: Any) -> str:
    """", big=True" when the engine runs this Conv2D as one GEMM per pass (see conv_layout)."""
    c = s.config
    layout = conv_layout(s.input_shapes[0], int(c["kernel_size"]), int(c["stride"]), c["padding"])
    return "" if layout == "per_sample" else ", big=True"


def call_activation(act: Any, z: str) -> str:
    if act.function == "linear":
        return z
    if act.function == "leaky_relu":
        return f"leaky_relu({z}, {act.negative_slope!r})"
    if act.function == "elu":
        return f"elu({z}, {act.alpha!r})"
    return f"{act.function}({z})"


# Each layer as an expression (see codegen.statement); the activation is applied after it.
FORMS: dict[str, codegen.Form] = {
    "Dense": "dense({x}, {w_W}{bias})",
    "Activation": "{x}",
    "Softmax": "{x}",
    "Dropout": "{x}  # Dropout: identity at inference",
    "BatchNorm": "batchnorm({x}, {w_gamma}, {w_beta}, {w_running_mean}, {w_running_var}, {eps})",
    "Add": "{plus}",
    "Concat": "np.concatenate([{xs}], axis=1)",
    "Flatten": "{x}.reshape({x}.shape[0], -1)",
    "Reshape": "{x}.reshape({x}.shape[0], *{shape})",
    "Conv2D": lambda s: "conv2d({x}, {w_W}{bias}, stride={stride}, pads={pads}%s)" % _conv_big(s),
    "MaxPool2D": "max_pool2d({x}, {k}, {stride})",
    "AvgPool2D": "avg_pool2d({x}, {k}, {stride})",
    "GlobalAveragePooling2D": "global_avg_pool2d({x})",
}


def _helpers(p: Plan) -> str:
    used = {s.activation.function for s in p.steps if s.activation is not None}
    if "silu" in used:
        used.add("sigmoid")
    parts = [src for name, src in ACTIVATIONS.items() if name in used]
    types = {s.type for s in p.steps}
    parts += [src for name, src in LAYERS.items() if types.intersection(NEEDS[name])]
    return "\n\n\n".join(parts)


def numpy_script_source(src: Source, weights_file: str) -> str:
    """The text of the script for ``src``; it loads ``weights_file`` from its own folder."""
    p = plan(src.net)
    var = codegen.py_names([p.input_name] + [s.name for s in p.steps])
    module = Path(weights_file).stem
    usage = [(f"import {module}", ""),
             (f"{module}.predict(X_raw)", "labels (regression: values); raw features in"),
             (f"{module}.predict_proba(X_raw)", "class probabilities, one column per class"),
             (f"{module}.network_output(X_raw)", f"what the output node {p.output_name} computes"),
             (f"python {module}.py data.csv [--proba]", "a CSV file of raw features: one row per sample")]
    pre = src.preprocessor
    pre_lines = codegen.feature_map_lines(None if pre is None else pre.features, "np", "np.column_stack([{cols}])")
    if pre is not None and pre.standardize:
        pre_lines.append("X = (X - MEAN) / STD")
    body = "\n".join("    " + line for line in codegen.RAW_SHAPE_LINES.splitlines() + pre_lines)
    layers = "\n".join(f"    {codegen.statement(s, var, FORMS, call_activation)}" for s in p.steps)
    helpers = _helpers(p)
    return f'''#!/usr/bin/env python3
{codegen.header("Standalone NumPy predictor", src, p, weights_file, usage)}
from __future__ import annotations

import csv
import math
import sys
from pathlib import Path

import numpy as np

WEIGHTS_FILE = Path(__file__).with_name({weights_file!r})
DTYPE = np.{p.dtype.name}  # the network computes in this type
CHUNK = 8192  # rows per forward pass, as NeuroCanvas
{codegen.constants(src, p)}

_weights = None


def weights():
    """The arrays of WEIGHTS_FILE, keyed "<node name>/<param>" (loaded once)."""
    global _weights
    if _weights is None:
        with np.load(WEIGHTS_FILE, allow_pickle=False) as f:
            _weights = {{key: f[key] for key in f.files}}
    return _weights

{"" if not helpers else chr(10) + helpers + chr(10) + chr(10)}
def preprocess(X_raw):
    """Raw features (N, *INPUT_SHAPE), or one sample -> the network's input (float64)."""
    X = np.asarray(X_raw, dtype=np.float64)
{body}
    return X


def network(x):
    """The network's inference pass (Dropout off, BatchNorm on running statistics)."""
    w = weights()
    {var[p.input_name]} = np.asarray(x, dtype=DTYPE)
{layers}
    return {var[p.output_name]}


def network_output(X_raw):
    """Raw features -> what the output node {p.output_name} computes, in CHUNK rows at a time."""
    X = np.asarray(preprocess(X_raw), dtype=DTYPE)
    if len(X) <= CHUNK:
        return network(X)
    return np.concatenate([network(X[i : i + CHUNK]) for i in range(0, len(X), CHUNK)])


{codegen.DECODE}

def predict(X_raw):
    """Raw features -> labels in the dataset's class names (regression: values in its units)."""
    return decode(network_output(X_raw))[0]


def predict_proba(X_raw):
    """Raw features -> class probabilities (N, len(CLASS_NAMES)), columns in CLASS_NAMES order."""
    probs = decode(network_output(X_raw))[1]
    if probs is None:
        raise ValueError("this network predicts no class probabilities (not a classification with its preprocessing)")
    return probs


{codegen.MAIN}'''


def export_numpy_script(net: Any, path: str | os.PathLike[str], preprocessor: Any = None) -> list[Path]:
    """Write ``path`` (.py) and its weights (.npz beside it, same name); returns both paths."""
    return codegen.write_script(net, path, preprocessor, numpy_script_source)
