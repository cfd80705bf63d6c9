"""Reading the dataset and preprocessing sections of a network file."""
from __future__ import annotations

import re
from typing import Any, Callable

from .file_problems import Problems, check_keys, key_path, raise_type, read_object, real, whole


def _check_choice(*choices: Any, optional: bool = False) -> Callable[[Any], Any]:
    def check(value: Any) -> Any:
        if (value is None and optional) or (isinstance(value, str) and value in choices):
            return value
        raise_type(value, "one of " + ", ".join(choices) + (" or null" if optional else ""))
    return check


def _check_bool(optional: bool = False) -> Callable[[Any], Any]:
    def check(value: Any) -> Any:
        if isinstance(value, bool) or (value is None and optional):
            return value
        raise_type(value, "true or false" + (" or null" if optional else ""))
    return check


def _check_dataset_name(value: Any) -> str:
    from .data import dataset_info

    if not isinstance(value, str):
        raise_type(value, "a dataset name")
    dataset_info(value)  # ValueError with a "did you mean"
    return value


def _check_size(value: Any) -> int | None:
    from .data.catalogue import MAX_SAMPLES

    if value is None:
        return None
    number = whole(value, 1, MAX_SAMPLES)
    if number is None:
        raise_type(value, f"a number of samples from 1 to {MAX_SAMPLES:,}, or null")
    return number


def _check_noise(value: Any) -> float:
    from .data.catalogue import MAX_NOISE

    number = real(value)
    if number is None or not 0 <= number <= MAX_NOISE:
        raise_type(value, f"a fraction from 0 to {MAX_NOISE}")
    return number


def _check_ratio(value: Any) -> float:
    from .data.split import check_train_ratio

    number = real(value)
    check_train_ratio(number)  # type: ignore[arg-type]  (None raises too)
    return number  # type: ignore[return-value]


def _check_seed(value: Any) -> int:
    number = whole(value, 0, 2**62)
    if number is None:
        raise_type(value, "a whole number ≥ 0")
    return number


def _check_features(value: Any) -> list[str] | None:
    from .data.features import check_features

    if value is None:
        return None
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise_type(value, "a list of feature names, or null")
    return check_features(value)


def _check_text(value: Any) -> str:
    if not isinstance(value, str) or not value:
        raise_type(value, "text")
    return value


def _check_target(value: Any) -> str | int | None:
    if value is None or isinstance(value, str):
        return value
    index = whole(value, -10**6, 10**6)
    if index is None:
        raise_type(value, "a column name, a column index or null")
    return index


def _check_delimiter(value: Any) -> str | None:
    if value is None or (isinstance(value, str) and 0 < len(value) <= 4):
        return value
    raise_type(value, "a delimiter such as \",\" or null")


def _check_color(value: Any) -> str | None:
    from .data.images import check_color

    try:
        return check_color(value)
    except ValueError:
        raise_type(value, "\"grey\", \"rgb\" or null")


def _check_image_size(value: Any) -> list[int] | None:
    from .data.images import MAX_SIDE, check_size

    try:
        size = check_size(value)
    except ValueError:
        raise_type(value, f"[height, width] with whole numbers from 1 to {MAX_SIDE}, or null")
    return None if size is None else list(size)


def _check_limit(value: Any) -> int | None:
    from .data.catalogue import MAX_SAMPLES

    if value is None:
        return None
    number = whole(value, 2, 100 * MAX_SAMPLES)
    if number is None:
        raise_type(value, "a number of samples ≥ 2, or null for all")
    return number


# Every key a dataset spec may have (engine/data/spec.py), in the order the writer puts them.
DATASET_KEYS: dict[str, Callable[[Any], Any]] = {
    "kind": _check_choice("generator", "csv", "images", "idx"),
    "name": _check_dataset_name,
    "n": _check_size,
    "noise": _check_noise,
    "flat": _check_bool(),
    "path": _check_text,
    "target": _check_target,
    "task": _check_choice("binary", "multiclass", "classification", "regression", optional=True),
    "delimiter": _check_delimiter,
    "header": _check_bool(optional=True),
    "drop_missing": _check_bool(),
    "color": _check_color,
    "size": _check_image_size,
    "images": _check_text,
    "labels": _check_text,
    "limit": _check_limit,
    "train_ratio": _check_ratio,
    "seed": _check_seed,
    "stratify": _check_bool(),
    "features": _check_features,
    "standardize": _check_bool(optional=True),
    "standardize_targets": _check_bool(),
}


def read_dataset(data: Any, problems: Problems, path: str = "dataset") -> dict[str, Any] | None:
    """The dataset spec with every bad or unknown key left out (so its default applies)."""
    data = read_object(data, problems, path, "the default dataset is used")
    if data is None:
        return None
    check_keys(data, DATASET_KEYS, problems, path, "dataset setting")
    out: dict[str, Any] = {}
    for key, check in DATASET_KEYS.items():
        if key not in data:
            continue
        try:
            out[key] = check(data[key])
        except (TypeError, ValueError) as exc:
            problems.add(key_path(path, key), f"{exc} (left out, so the default applies)")
    return out


# ---- preprocessing ---------------------------------------------------------------------
def read_preprocessing(data: Any, problems: Problems, path: str = "preprocessing") -> dict[str, Any] | None:
    """The fitted preprocessing in its canonical form, or None when it is absent or unusable."""
    if data is None:
        return None
    from .data import Preprocessor

    try:
        return Preprocessor.from_dict(data).to_dict()
    except Exception as exc:  # noqa: BLE001 - any failure means the same: it cannot be used
        where, message = path, str(exc)
        field = re.match(r"preprocessing(?: field '([^']*)')?:? *(.*)", message, flags=re.S)
        if field is not None:
            where = key_path(path, field.group(1)) if field.group(1) else path
            message = field.group(2)
        problems.add(where, f"{message} (dropped; a trained network then takes its inputs unscaled)")
        return None
