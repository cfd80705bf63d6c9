"""A PyTorch script: an ``nn.Module`` mirroring the graph that loads the exported ``.npz``.

The module takes raw features: the feature map and the standardisation run inside ``forward``
(statistics as float64 buffers), then one submodule or function per layer, in the graph's order.
Dense ``W`` (inputs, units) becomes ``nn.Linear.weight`` (units, inputs), transposed on loading;
Conv2D ``W`` (filters, in_channels, k, k) is ``nn.Conv2d.weight`` as it is, and "same" padding with
unequal sides (TF/Keras: the odd pixel after) is an ``F.pad`` before the convolution; BatchNorm's
running statistics become the BatchNorm module's buffers. Generated text needs torch
and NumPy, never NeuroCanvas; NeuroCanvas itself does not need torch to write it.
"""
from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from . import codegen
from .common import ExportError, Source
from .plan import Plan, Step, plan

_FUNCTIONS = {
    "sigmoid": "torch.sigmoid({z})",
    "tanh": "torch.tanh({z})",
    "relu": "torch.relu({z})",
    "gelu": 'F.gelu({z}, approximate="tanh")',
    "softplus": "F.softplus({z})",
    "silu": "F.silu({z})",
    "step": "({z} >= 0).to({z}.dtype)",
    "softmax": "torch.softmax({z}, dim=-1)",
}


def _activation(act: Any, z: str) -> str:
    if act.function == "linear":
        return z
    if act.function == "leaky_relu":
        return f"F.leaky_relu({z}, {act.negative_slope!r})"
    if act.function == "elu":
        return f"F.elu({z}, {act.alpha!r})"
    return _FUNCTIONS[act.function].format(z=z)


def _module(s: Step, factory: str) -> str | None:
    """The submodule created in ``__init__`` for layers with weights (and Dropout), or None."""
    c = s.config
    if s.type == "Dense":
        bias = "" if c["use_bias"] else ", bias=False"
        return f"nn.Linear({s.input_shapes[0][0]}, {c['units']}{bias}{factory})"
    if s.type == "Conv2D":
        k, stride = int(c["kernel_size"]), int(c["stride"])
        top, left, _, _ = s.pads
        padding = f", padding=({top}, {left})" if _symmetric(s) and any(s.pads) else ""
        bias = "" if c["use_bias"] else ", bias=False"
        return f"nn.Conv2d({s.input_shapes[0][0]}, {c['filters']}, {k}, stride={stride}{padding}{bias}{factory})"
    if s.type in ("MaxPool2D", "AvgPool2D"):
        kind = "MaxPool2d" if s.type == "MaxPool2D" else "AvgPool2d"
        return f"nn.{kind}({int(c['pool_size'])}, stride={int(c['stride'])})"
    if s.type == "Dropout":
        return f"nn.Dropout({float(c['rate'])!r})  # identity in eval mode"
    if s.type == "BatchNorm":
        rank = len(s.input_shapes[0])
        dims = {1: "1d", 2: "1d", 3: "2d", 4: "3d"}.get(rank)
        if dims is None:
            raise ExportError(f"{s.name}: PyTorch has no BatchNorm for samples of shape {s.input_shapes[0]}")
        momentum = float(f"{1.0 - float(c['momentum']):.12g}")
        return (f"nn.BatchNorm{dims}({s.input_shapes[0][0]}, eps={float(c['epsilon'])!r}, "
                f"momentum={momentum!r}{factory})  # NeuroCanvas momentum {float(c['momentum']):g} = 1 - PyTorch's")
    return None


def _symmetric(s: Step) -> bool:
    top, left, bottom, right = s.pads
    return top == bottom and left == right


def _conv_form(s: Step) -> str:
    """nn.Conv2d pads symmetrically; TF-style "same" with an odd total pads one more row/column at
    the bottom/right, which F.pad does first."""
    if _symmetric(s):
        return "{me}({x})"
    top, left, bottom, right = s.pads
    return f"{{me}}(F.pad({{x}}, ({left}, {right}, {top}, {bottom})))"


# Each layer as an expression (see codegen.statement); the activation is applied after it.
FORMS: dict[str, codegen.Form] = {
    "Conv2D": _conv_form,
    "MaxPool2D": "{me}({x})",
    "AvgPool2D": "{me}({x})",
    "GlobalAveragePooling2D": "{x}.mean(dim=(2, 3))",
    "Reshape": "{x}.reshape({x}.shape[0], *{shape})",
    "Dense": "{me}({x})",
    "Activation": "{x}",
    "Softmax": "{x}",
    "Dropout": "{me}({x})",
    "BatchNorm": "{me}({x})",
    "Add": "{plus}",
    "Concat": "torch.cat([{xs}], dim=1)",
    "Flatten": "torch.flatten({x}, 1)",
}


_NPZ_PARAMS = {"Dense": (("weight", "W", True), ("bias", "b", False)),
               "Conv2D": (("weight", "W", False), ("bias", "b", False)),  # W: (filters, in, k, k) in both
               "BatchNorm": (("weight", "gamma", False), ("bias", "beta", False),
                             ("running_mean", "running_mean", False), ("running_var", "running_var", False))}


def _npz_keys(p: Plan, var: dict[str, str]) -> str:
    rows = [f'    ("{var[s.name]}.{attr}", "{s.name}/{key}", {transpose}),'
            for s in p.steps for attr, key, transpose in _NPZ_PARAMS.get(s.type, ()) if key in s.weights]
    return "NPZ_KEYS = [  # (state_dict name, npz key, transpose)\n" + "\n".join(rows) + "\n]"


def torch_script_source(src: Source, weights_file: str) -> str:
    p = plan(src.net)
    var = codegen.py_names([p.input_name] + [s.name for s in p.steps])
    float64 = p.dtype.name == "float64"
    factory = ", dtype=torch.float64" if float64 else ""
    modules = [(s, _module(s, factory)) for s in p.steps]
    inits = "\n".join(f"        self.{var[s.name]} = {m}" for s, m in modules if m is not None)
    pre = src.preprocessor
    buffers = []
    if pre is not None and pre.standardize:
        buffers = ['        self.register_buffer("feature_mean", torch.as_tensor(MEAN))',
                   '        self.register_buffer("feature_std", torch.as_tensor(STD))']
    pre_lines = codegen.feature_map_lines(None if pre is None else pre.features, "torch",
                                          "torch.stack([{cols}], dim=1)")
    if pre is not None and pre.standardize:
        pre_lines.append("X = (X - self.feature_mean) / self.feature_std")
    body = "\n".join("        " + line for line in codegen.RAW_SHAPE_LINES.splitlines() + pre_lines)
    layers = "\n".join(f"        {codegen.statement(s, var, FORMS, _activation)}" for s in p.steps)
    module = Path(weights_file).stem
    usage = [(f"import torch, {module}", ""),
             (f"model = {module}.load()", "NeuroCanvasNet with the weights, in eval mode"),
             ("y = model(torch.as_tensor(X_raw))", "what the output node computes; raw features in"),
             ("model.predict_labels(X_raw)", "labels (regression: values), as NumPy"),
             ("model.predict_proba(X_raw)", "class probabilities, as NumPy"),
             (f"python {module}.py data.csv [--proba]", "a CSV file of raw features: one row per sample")]
    return f'''#!/usr/bin/env python3
{codegen.header("PyTorch module", src, p, weights_file, usage)}
from __future__ import annotations

import csv
import sys
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

WEIGHTS_FILE = Path(__file__).with_name({weights_file!r})
DTYPE = torch.{p.dtype.name}  # the network's parameters
{codegen.constants(src, p)}

{_npz_keys(p, var)}


class NeuroCanvasNet(nn.Module):
    """The NeuroCanvas network "{src.title}": its {len(p.steps)} layers, in the order listed at the top.

    forward() takes raw features and returns what the output node {p.output_name} computes. Call
    .eval() for inference (Dropout off, BatchNorm on running statistics); load() does.
    """

    def __init__(self):
        super().__init__()
{inits or "        pass"}
{chr(10).join(buffers)}

    @property
    def dtype(self):
        for parameter in self.parameters():
            return parameter.dtype
        return DTYPE

    def preprocess(self, X_raw):
        """Raw features (N, *INPUT_SHAPE), or one sample -> the network's input."""
        X = torch.as_tensor(X_raw, dtype=torch.float64)
{body}
        return X.to(self.dtype)

    def forward(self, X_raw):
        {var[p.input_name]} = self.preprocess(X_raw)
{layers}
        return {var[p.output_name]}

    def load_npz(self, path=WEIGHTS_FILE):
        """Copy NeuroCanvas's exported weights ("<node name>/<param>" arrays) into this module."""
        with np.load(path, allow_pickle=False) as f:
            arrays = {{key: f[key] for key in f.files}}
        state = self.state_dict()
        with torch.no_grad():
            for name, key, transpose in NPZ_KEYS:
                value = arrays[key].T if transpose else arrays[key]
                state[name].copy_(torch.from_numpy(np.ascontiguousarray(value)))
        return self

    @torch.no_grad()
    def _decoded(self, X_raw):
        was_training = self.training
        self.eval()
        try:
            return decode(self(X_raw).cpu().numpy())
        finally:
            self.train(was_training)

    def predict_labels(self, X_raw):
        """Raw features -> labels in the dataset's class names (regression: values in its units)."""
        return self._decoded(X_raw)[0]

    def predict_proba(self, X_raw):
        """Raw features -> class probabilities (N, len(CLASS_NAMES)), columns in CLASS_NAMES order."""
        probs = self._decoded(X_raw)[1]
        if probs is None:
            raise ValueError("this network predicts no class probabilities (not a classification with its preprocessing)")
        return probs


def load(path=WEIGHTS_FILE):
    """A NeuroCanvasNet with the weights of ``path``, in eval mode."""
    return NeuroCanvasNet().load_npz(path).eval()


{codegen.DECODE}

_model = None


def _loaded():
    global _model
    if _model is None:
        _model = load()
    return _model


def predict(X_raw):
    return _loaded().predict_labels(X_raw)


def predict_proba(X_raw):
    return _loaded().predict_proba(X_raw)


{codegen.MAIN}'''


def export_torch_script(net: Any, path: str | os.PathLike[str], preprocessor: Any = None) -> list[Path]:
    """Write ``path`` (.py) and its weights (.npz beside it, same name); returns both paths."""
    return codegen.write_script(net, path, preprocessor, torch_script_source)
