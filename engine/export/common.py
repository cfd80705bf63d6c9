"""What every exporter shares: the error type, the source (network + preprocessing), target paths
and the weights file."""
from __future__ import annotations

import io
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from ..atomic import atomic_write_bytes
from ..errors import NeuroCanvasError
from ..layers.conv_geometry import conv_output  # noqa: F401  (the engine's one definition of the geometry)


class ExportError(NeuroCanvasError, ValueError):
    """The network cannot be exported as asked; the message says why and, where it can, what to do."""


@dataclass
class Source:
    """The network to export, its preprocessing (or None) and a name for generated headers."""

    net: Any
    preprocessor: Any = None
    origin: str | None = None  # the .nnd file it came from, when known

    @property
    def title(self) -> str:
        return Path(self.origin).stem if self.origin else "network"


def resolve(doc_or_net: Any, preprocessor: Any = None) -> Source:
    """A Document (its network, saved weights and preprocessing) or a Network, plus an optional
    Preprocessor that overrides the document's."""
    from ..data.preprocess import Preprocessor
    from ..document import Document

    origin = None
    if isinstance(doc_or_net, Document):
        net = doc_or_net.network()
        origin = doc_or_net.path
        if preprocessor is None and doc_or_net.preprocessing is not None:
            preprocessor = Preprocessor.from_dict(doc_or_net.preprocessing)
    else:
        net = doc_or_net
    if not (hasattr(net, "_steps") and hasattr(net, "get_weights")):
        raise ExportError(f"Expected a Document or a Network to export, received {type(doc_or_net).__name__}")
    if isinstance(preprocessor, dict):
        preprocessor = Preprocessor.from_dict(preprocessor)
    if preprocessor is not None:
        check_compatible(net, preprocessor)
    return Source(net, preprocessor, origin)


def check_compatible(net: Any, pre: Any) -> None:
    """The preprocessing must feed the network's Input and read its output."""
    if tuple(pre.network_input_shape) != tuple(net.input_shape):
        raise ExportError(
            f"The preprocessing produces inputs of shape {tuple(pre.network_input_shape)} "
            f"({', '.join(pre.network_input_names[:6])}) but {net.input_name} expects {tuple(net.input_shape)}: "
            "set the Input's shape to match the dataset, or export without the preprocessing")
    if pre.is_classification:
        k = len(pre.class_names)
        out = tuple(net.output_shape)
        if out != (k,) and not (k == 2 and out == (1,)):
            raise ExportError(
                f"{net.output_name} outputs {out} values per sample but the dataset has {k} classes "
                f"({', '.join(pre.class_names[:6])}): use {k} outputs" + (" (or 1 sigmoid output)" if k == 2 else ""))


def target_path(path: str | os.PathLike[str], suffix: str) -> Path:
    """The file to write: ``suffix`` is added when the name has none (``suffix`` is forced for
    scripts, which must end in .py). A missing folder or a folder given as the file is an error
    naming the path."""
    p = Path(path).expanduser()
    if str(path).endswith(("/", os.sep)) or p.is_dir():
        raise ExportError(f"Cannot export to {p}: it is a folder; give a file name, e.g. {p / ('network' + suffix)}")
    if not p.suffix or (suffix == ".py" and p.suffix != ".py"):
        p = p.with_name(p.name + suffix)
    folder = p.parent if str(p.parent) else Path(".")
    if not folder.is_dir():
        what = "is not a folder" if folder.exists() else "does not exist"
        raise ExportError(f"Cannot export to {p}: the folder {folder} {what}")
    return p


def npz_bytes(arrays: dict[str, np.ndarray]) -> bytes:
    """An uncompressed .npz archive of plain arrays (never pickled objects)."""
    buf = io.BytesIO()
    np.savez(buf, **{k: np.ascontiguousarray(v) for k, v in arrays.items()})
    return buf.getvalue()


def write_weights(net: Any, path: Path) -> Path:
    """The network's weights and BatchNorm statistics as ``<node name>/<param>`` arrays."""
    atomic_write_bytes(path, npz_bytes(net.get_weights()))
    return path

