"""The dataset picker's model side: the catalogue grouped for the picker, the spec a choice makes,
and the data a spec gives (loaded in the GUI process for the preview and the Input's width, cached;
files in a background thread: gui.panels.dataset_loading)."""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from engine.data import DATASETS, DEFAULT_FEATURES, Prepared, path_keys, prepare
from engine.data.progress import Cancelled, LoadCancelled, Progress

GROUPS = (("Classification", lambda i: i.kind != "real" and i.task != "regression"),
          ("Regression", lambda i: i.kind != "real" and i.task == "regression"),
          ("Real data", lambda i: i.kind == "real"))
PLAYGROUND_RATES = (0.00001, 0.0001, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0)
REGULARIZATION_RATES = (0.0, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0)


def grouped_datasets() -> list[tuple[str, list[str]]]:
    """[(group title, [dataset names])] in the catalogue's order."""
    return [(title, [name for name, info in DATASETS.items() if test(info)]) for title, test in GROUPS]


def raw_dims(spec: dict[str, Any]) -> int | None:
    """Raw features per sample of a generated or bundled set (None for a CSV file: read it)."""
    if spec.get("kind", "generator") != "generator":
        return None
    info = DATASETS.get(spec.get("name", "circle"))
    return info.dims if info is not None else None


def spec_for_dataset(current: dict[str, Any], name: str, images: bool = False) -> dict[str, Any]:
    """The spec after picking catalogue dataset ``name``: split settings kept, size and options reset,
    features kept for 2-D data (Playground's x1, x2 when coming from other data) and dropped otherwise.
    ``images`` picks the image form of a set that has one (digits: "flat": false)."""
    info = DATASETS[name]
    spec: dict[str, Any] = {"kind": "generator", "name": name, "noise": float(current.get("noise", 0.0)),
                            "train_ratio": float(current.get("train_ratio", 0.5)), "seed": int(current.get("seed", 0))}
    if info.kind == "real":
        spec["noise"] = 0.0
    if images and info.image_shape is not None:
        spec["flat"] = False
    if info.dims == 2:
        old = current.get("features")
        spec["features"] = list(old) if old and raw_dims(current) == 2 else list(DEFAULT_FEATURES)
    return spec


def spec_for_csv(current: dict[str, Any], path: str) -> dict[str, Any]:
    return {"kind": "csv", "path": path, "target": None, "train_ratio": float(current.get("train_ratio", 0.7)),
            "seed": int(current.get("seed", 0))}


@dataclass
class Loaded:
    prepared: Prepared | None
    error: str = ""

    @property
    def input_width(self) -> int | None:
        if self.prepared is None:
            return None
        shape = self.prepared.preprocessor.network_input_shape
        return int(shape[0]) if len(shape) == 1 else None

    @property
    def input_shape(self) -> list[int] | None:
        """The network's Input shape for this data, e.g. [7] or [1, 8, 8]."""
        return None if self.prepared is None else list(self.prepared.preprocessor.network_input_shape)

    @property
    def raw_dims(self) -> int | None:
        if self.prepared is None:
            return None
        shape = self.prepared.train.input_shape
        return int(shape[0]) if len(shape) == 1 else None


def load_data(spec: dict[str, Any], base_dir: Path | None, progress: Progress = None,
              cancelled: Cancelled = None) -> Loaded:
    """The data of ``spec``, or the reason it cannot be loaded (LoadCancelled passes through)."""
    try:
        return Loaded(prepare(spec, base_dir, progress=progress, cancelled=cancelled))
    except LoadCancelled:
        raise
    except Exception as exc:  # a bad file or spec: shown under the picker, never a crash
        return Loaded(None, " ".join(str(exc).split()) or type(exc).__name__)


class DataCache:
    """``load(spec, base_dir)`` -> Loaded, remembered for the last few specs (by ``key``, which
    includes the files' modification times). gui.panels.dataset_loading loads files in a thread
    and ``store``s the result here."""

    def __init__(self, size: int = 8) -> None:
        self.size = size
        self._items: dict[str, Loaded] = {}

    @staticmethod
    def key(spec: dict[str, Any], base_dir: Path | None) -> str:
        return json.dumps([spec, str(base_dir), _stamps(spec, base_dir)], sort_keys=True, default=str)

    def peek(self, key: str) -> Loaded | None:
        return self._items.get(key)

    def store(self, key: str, loaded: Loaded) -> None:
        self._items.pop(key, None)
        self._items[key] = loaded
        while len(self._items) > self.size:
            self._items.pop(next(iter(self._items)))

    def load(self, spec: dict[str, Any], base_dir: Path | None) -> Loaded:
        key = self.key(spec, base_dir)
        if key not in self._items:
            self.store(key, load_data(spec, base_dir))
        return self._items[key]


def _stamps(spec: dict[str, Any], base_dir: Path | None) -> list[int | None]:
    """Modification times of the spec's files, so an edited file (or a folder gaining an image) reloads."""
    out: list[int | None] = []
    for key in path_keys(spec):
        path = Path(spec[key])
        full = path if path.is_absolute() or base_dir is None else Path(base_dir) / path
        try:
            stamp = full.stat().st_mtime_ns
            if full.is_dir():  # an image folder: a class folder changes when an image is added or removed
                stamp = max([stamp] + [p.stat().st_mtime_ns for p in full.iterdir() if p.is_dir()])
        except OSError:
            stamp = None
        out.append(stamp)
    return out
