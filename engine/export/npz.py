"""Weights as ``.npz``: one array per ``<node name>/<param>`` key, and back."""
from __future__ import annotations

import os
import zipfile
from pathlib import Path
from typing import Any

import numpy as np

from .common import ExportError, resolve, target_path, write_weights


def export_npz(net: Any, path: str | os.PathLike[str]) -> list[Path]:
    """Write every weight and BatchNorm statistic of ``net`` (a Network or Document) to ``path``."""
    src = resolve(net)
    return [write_weights(src.net, target_path(path, ".npz"))]


def import_npz(path: str | os.PathLike[str], net: Any = None) -> dict[str, np.ndarray]:
    """The arrays of an exported ``.npz``, keyed ``<node name>/<param>``; with ``net``, also set them
    into that Network (``set_weights``, which checks every name and shape)."""
    p = Path(path)
    try:
        with np.load(p, allow_pickle=False) as archive:
            weights = {key: archive[key] for key in archive.files}
    except FileNotFoundError:
        raise ExportError(f"Cannot import {p}: the file does not exist") from None
    except (ValueError, OSError, zipfile.BadZipFile) as exc:
        raise ExportError(f"Cannot import {p}: not a NumPy .npz weights file ({exc})") from None
    if net is not None:
        net.set_weights(weights)
    return weights
