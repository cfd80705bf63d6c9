"""What the classification and image views show: sample tiles, predictions and confusion counts, the
convolution filters and one sample's feature maps at every layer. Pure NumPy; the training worker
computes these (engine/worker.py) and sends them with its snapshots.

``ClassViews`` is the worker's part: it adds the gallery to the ``loaded`` message and, throttled,
the ``classes``, ``filters`` and ``features`` fields to snapshots. The class predictions cover the
first MAX_CLASS_SAMPLES samples of the chosen split and are recomputed at most every
CLASSES_MIN_INTERVAL seconds and never for more than about 1 / CLASSES_BUDGET of the worker's time
(a large image set evaluated on every snapshot would halve the training speed).
"""
from __future__ import annotations

import re
import time
from typing import Any

import numpy as np

from .data import Preprocessor
from .network import Network

MAX_CLASS_SAMPLES = 2000      # samples per split whose predictions (and tiles) the views get
MAX_GALLERY_BYTES = 4_000_000  # per split: large images get fewer tiles
MAX_FEATURE_CHANNELS = 64     # channel maps per layer sent for one sample
CLASSES_MIN_INTERVAL = 0.25   # seconds between two class evaluations while training
CLASSES_BUDGET = 8            # wait at least this many times the last evaluation's cost
FEATURES_EVERY = 3            # feature maps and filters go with every third snapshot (and on a change)

_PIXEL = re.compile(r"^px_(\d+)_(\d+)$")


# ---- pure computations ------------------------------------------------------------------------
def image_shape(pre: Preprocessor) -> tuple[int, int, int] | None:
    """The (C, H, W) picture of one raw sample, or None for data that is no image. Flat pixel data
    (features named ``px_<row>_<col>``, e.g. the flattened digits) are images too."""
    shape = tuple(int(s) for s in pre.input_shape)
    if len(shape) == 3:
        return shape  # type: ignore[return-value]
    if len(shape) == 2:
        return (1, shape[0], shape[1])
    names = list(pre.input_names)
    if len(shape) == 1 and len(names) == shape[0] > 1:
        cells = [_PIXEL.match(n) for n in names]
        if all(cells):
            rows = 1 + max(int(m.group(1)) for m in cells)
            cols = 1 + max(int(m.group(2)) for m in cells)
            expected = [f"px_{r}_{c}" for r in range(rows) for c in range(cols)]
            if names == expected:
                return (1, rows, cols)
    return None


def gallery_images(X_raw: np.ndarray, shape: tuple[int, int, int], low: float, high: float) -> np.ndarray:
    """Raw samples -> uint8 tiles (N, C, H, W), 0 at ``low`` and 255 at ``high``."""
    X = np.asarray(X_raw, dtype=np.float32).reshape(len(X_raw), *shape)
    span = (high - low) or 1.0
    return np.clip(np.rint((X - low) * (255.0 / span)), 0, 255).astype(np.uint8)


def class_probabilities(net: Network, pre: Preprocessor, X: np.ndarray) -> np.ndarray:
    """(N, K) class probabilities of network inputs ``X`` (one sigmoid output: [1 − p, p])."""
    if not len(X):
        return np.zeros((0, len(pre.class_names)))
    _, probs = pre.decode(net.predict(X))
    return np.asarray(probs)


def confusion_counts(true: np.ndarray, predicted: np.ndarray, k: int) -> np.ndarray:
    """(K, K) counts: row = true class, column = predicted class."""
    true = np.asarray(true, dtype=np.int64).ravel()
    predicted = np.asarray(predicted, dtype=np.int64).ravel()
    return np.bincount(true * k + predicted, minlength=k * k).reshape(k, k)


def class_summary(net: Network, pre: Preprocessor, X: np.ndarray, y: np.ndarray) -> dict[str, Any]:
    """Predicted class, its probability and the confusion counts of inputs ``X`` with classes ``y``."""
    k = len(pre.class_names)
    with np.errstate(all="ignore"):
        probs = class_probabilities(net, pre, X)
    finite = np.isfinite(probs).all(axis=1) if len(probs) else np.zeros(0, dtype=bool)
    probs = np.where(finite[:, None], probs, 0.0)
    predicted = probs.argmax(axis=1) if len(probs) else np.zeros(0, dtype=np.int64)
    confidence = probs.max(axis=1) if len(probs) else np.zeros(0)
    return {"predicted": predicted.astype(np.int16), "confidence": confidence.astype(np.float32),
            "confusion": confusion_counts(y, predicted, k)}


def conv_filters(net: Network) -> dict[str, np.ndarray]:
    """Each convolution's kernel (filters, in_channels, k, k) as float32, by layer name: every layer
    whose ``W`` has four axes."""
    out: dict[str, np.ndarray] = {}
    for name, layer in net.iter_layers():
        w = layer.params.get("W")
        if w is not None and w.ndim == 4:
            out[name] = np.asarray(w, dtype=np.float32)
    return out


def sample_features(net: Network, x: np.ndarray, max_channels: int = MAX_FEATURE_CHANNELS) -> dict[str, np.ndarray]:
    """Every node's output for one network input ``x`` (without the batch axis), in the network's
    order, float32: (C, H, W) maps capped at ``max_channels`` channels, or 1-D vectors."""
    with np.errstate(all="ignore"):
        outputs = net.forward_all(np.asarray(x)[None])
    out: dict[str, np.ndarray] = {}
    for name, value in outputs.items():
        v = np.asarray(value[0], dtype=np.float32)
        if v.ndim == 3:
            v = v[:max_channels]
        elif v.ndim == 2:
            v = v[None]
        else:
            v = v.ravel()
        out[name] = v
    return out


# ---- the worker's part ----------------------------------------------------------------------------
class ClassViews:
    """Throttled class, filter and feature-map data for the worker's snapshots.

    View options (the worker's ``view`` command): ``classes`` (bool), ``classes_split`` ("test" or
    "train"), ``filters`` (bool), ``features`` (None or {"split", "index"}).
    """

    DEFAULTS: dict[str, Any] = {"classes": True, "classes_split": "test", "filters": True, "features": None}

    def __init__(self) -> None:
        self.forget()

    def forget(self) -> None:
        """Send everything anew with the next snapshot (a new session, a reset, new options)."""
        self._class_key: tuple | None = None
        self._class_due = 0.0
        self._filter_steps: int | None = None
        self._feature_key: tuple | None = None

    def options_changed(self, old: dict[str, Any], new: dict[str, Any]) -> None:
        if any(old.get(k) != new.get(k) for k in ("classes", "classes_split")):
            self._class_key = None
            self._class_due = 0.0
        if old.get("filters") != new.get("filters"):
            self._filter_steps = None
        if old.get("features") != new.get("features"):
            self._feature_key = None

    @staticmethod
    def loaded_fields(session: Any) -> dict[str, Any]:
        """For the ``loaded`` message: the image shape and, for image data, the tiles of the samples
        the predictions cover (uint8, scaled over the training data's range)."""
        pre = session.preprocessor
        shape = image_shape(pre)
        out: dict[str, Any] = {"image_shape": list(shape) if shape else None, "class_limit": MAX_CLASS_SAMPLES}
        if shape is None:
            return out
        train = np.asarray(session.data.train.X)
        low, high = (float(np.nanmin(train)), float(np.nanmax(train))) if train.size else (0.0, 1.0)
        per_tile = max(1, int(np.prod(shape)))
        n_max = max(1, min(MAX_CLASS_SAMPLES, MAX_GALLERY_BYTES // per_tile))
        for split, data in (("train", session.data.train), ("test", session.data.test)):
            X = np.asarray(data.X)[:n_max]
            out[f"{split}_images"] = gallery_images(X, shape, low, high)
        return out

    def add_to(self, payload: dict[str, Any], session: Any, view: dict[str, Any], force: bool,
               snapshots: int) -> None:
        """Add the fields that are due to a snapshot's ``payload``."""
        net, pre = session.network, session.preprocessor
        steps = session.trainer.steps
        regular = force or snapshots % FEATURES_EVERY == 0
        if view.get("classes") and pre.is_classification:
            split = "train" if view.get("classes_split") == "train" else "test"
            key = (split, steps)
            now = time.perf_counter()
            if key != self._class_key and (force or now >= self._class_due or self._class_key is None
                                           or self._class_key[0] != split):
                t0 = time.perf_counter()
                X, Y = (session.X_train, session.Y_train) if split == "train" else (session.X_test, session.Y_test)
                n = min(len(X), MAX_CLASS_SAMPLES)
                summary = class_summary(net, pre, X[:n], np.asarray(Y[:n]))
                cost = time.perf_counter() - t0
                payload["classes"] = {"split": split, "total": int(len(X)), "steps": steps, "seconds": cost,
                                      **summary}
                self._class_key = key
                self._class_due = now + max(CLASSES_MIN_INTERVAL, CLASSES_BUDGET * cost)
        if view.get("filters") and steps != self._filter_steps and (regular or self._filter_steps is None):
            filters = conv_filters(net)
            payload["filters"] = filters
            self._filter_steps = steps
        request = view.get("features")
        if isinstance(request, dict):
            split = "train" if request.get("split") == "train" else "test"
            X = session.X_train if split == "train" else session.X_test
            index = int(request.get("index", 0))
            key = (split, index, steps)
            if 0 <= index < len(X) and key != self._feature_key and (regular or self._feature_key is None
                                                                      or self._feature_key[:2] != key[:2]):
                layers = sample_features(net, X[index])
                # "order": a dict that crosses a Qt signal comes out with its keys sorted
                payload["features"] = {"split": split, "index": index, "steps": steps, "layers": layers,
                                       "order": list(layers)}
                self._feature_key = key
