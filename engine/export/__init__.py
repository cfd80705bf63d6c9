"""Export a network: weights (.npz, JSON), ONNX, a standalone NumPy script, a PyTorch script.

``export(doc_or_net, path, format, preprocessor=None)`` writes the files and returns their paths.
A Document brings its saved weights and preprocessing, so every export except the bare weights
takes raw features and answers in the dataset's own labels. See docs/export.md.
"""
from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from .common import ExportError
from .jsonfmt import export_json, import_json
from .npz import export_npz, import_npz
from .numpy_script import export_numpy_script
from .onnx_export import DEFAULT_OPSET, build_model, export_onnx
from .plan import Plan, Step, plan
from .torch_script import export_torch_script

FORMATS: tuple[str, ...] = ("npz", "json", "onnx", "numpy", "torch")

DESCRIPTIONS: dict[str, str] = {
    "npz": "NumPy .npz of the weights, one array per <node name>/<param> (no preprocessing)",
    "json": "JSON: the layers, every weight as nested lists with its shape, the preprocessing and class names",
    "onnx": f"ONNX model (opset {DEFAULT_OPSET}) taking raw features; outputs labels and probabilities "
            "(needs the onnx package)",
    "numpy": "standalone Python script (.py + .npz) needing only NumPy; reproduces the predictions exactly",
    "torch": "PyTorch script (.py + .npz): an nn.Module mirroring the graph, raw features in",
}

SUFFIXES: dict[str, str] = {"npz": ".npz", "json": ".json", "onnx": ".onnx", "numpy": ".py", "torch": ".py"}


def export(doc_or_net: Any, path: str | os.PathLike[str], format: str, preprocessor: Any = None) -> list[Path]:
    """Write ``doc_or_net`` (a Document or a Network) to ``path`` in ``format``; returns the files
    written. ``preprocessor`` (a Preprocessor or its dict) overrides a Document's own. A name without
    a suffix gets the format's (``.npz``, ``.json``, ``.onnx``, ``.py``); the scripts also write
    their weights as ``<name>.npz`` beside them."""
    if format not in FORMATS:
        raise ExportError(f"Unknown export format {format!r}; choose one of {', '.join(FORMATS)}")
    if format == "npz":
        return export_npz(doc_or_net, path)
    writer = {"json": export_json, "onnx": export_onnx, "numpy": export_numpy_script,
              "torch": export_torch_script}[format]
    return writer(doc_or_net, path, preprocessor=preprocessor)


__all__ = [
    "DESCRIPTIONS", "ExportError", "FORMATS", "Plan", "Step", "SUFFIXES", "build_model", "export",
    "export_json", "export_npz", "export_numpy_script", "export_onnx", "export_torch_script", "import_json",
    "import_npz", "plan",
]
