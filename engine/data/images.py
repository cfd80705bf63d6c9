"""Image import: a folder with one sub-folder per class (PNG, JPEG, BMP, GIF) -> Dataset of (N, C, H, W).

Class names are the sub-folder names, sorted; pixel values are scaled to [0, 1]. Colour is
greyscale (C = 1) or RGB (C = 3); by default greyscale when every image is grey (a grey mode, or
RGB with three equal channels). Images keep their size when all share it; otherwise a size
(height, width) must be chosen and every image is resized to it (bilinear, with antialiasing).
Pillow decodes the files (imported when a folder is read, so the engine starts without it).
"""
from __future__ import annotations

from pathlib import Path
from typing import Any, Sequence

import numpy as np

from .dataset import Dataset
from .progress import CHECK_EVERY, Cancelled, Progress, check
from .split import check_train_ratio, train_size

SUFFIXES = (".png", ".jpg", ".jpeg", ".bmp", ".gif")
COLORS = ("grey", "rgb")
MAX_SIDE = 4096
_GREY_MODES = {"1", "L", "LA", "I", "I;16", "I;16B", "I;16L", "F"}
_CHANNEL_NAMES = {1: ("px",), 3: ("r", "g", "b")}


class ImageError(ValueError):
    """Image data that cannot be read; the message names the file or folder (``path``)."""

    def __init__(self, message: str, path: str | Path | None = None):
        super().__init__(message)
        self.path = None if path is None else Path(path)


def check_color(color: Any) -> str | None:
    if color is None or color in COLORS:
        return color
    raise ValueError(f"color must be \"grey\", \"rgb\" or null (decided by the images), received {color!r}")


def check_size(size: Any) -> tuple[int, int] | None:
    """(height, width) from [h, w], or None (keep the images' own size)."""
    if size is None:
        return None
    if (isinstance(size, (list, tuple)) and len(size) == 2
            and all(isinstance(v, (int, np.integer)) and not isinstance(v, bool) and 1 <= v <= MAX_SIDE
                    for v in size)):
        return int(size[0]), int(size[1])
    raise ValueError(f"size must be [height, width] with whole numbers from 1 to {MAX_SIDE}, or null, "
                     f"received {size!r}")


def is_image_file(path: Path) -> bool:
    return path.is_file() and not path.name.startswith(".") and path.suffix.lower() in SUFFIXES


def scan_folder(folder: str | Path) -> list[tuple[str, list[Path]]]:
    """[(class name, sorted image files)] for each sub-folder of ``folder``, sorted by name."""
    root = Path(folder)
    if not root.exists():
        raise ImageError(f"{root}: the image folder does not exist", root)
    if not root.is_dir():
        raise ImageError(f"{root}: is a file; choose the folder that holds one sub-folder of images per class", root)
    try:
        subfolders = sorted(p for p in root.iterdir() if p.is_dir() and not p.name.startswith("."))
    except OSError as exc:
        raise ImageError(f"{root}: cannot list the folder ({exc.strerror or exc})", root) from None
    classes = [(p.name, sorted(f for f in p.iterdir() if is_image_file(f))) for p in subfolders]
    loose = [f for f in root.iterdir() if is_image_file(f)]
    if not any(files for _, files in classes):
        where = (f"its {len(loose)} images lie directly in it" if loose
                 else "it has no PNG, JPEG, BMP or GIF images in sub-folders")
        raise ImageError(f"{root.name}: no images to learn from: {where}; sort the images into one sub-folder per "
                         f"class (e.g. {root.name}/cat/1.png, {root.name}/dog/1.png)", root)
    empty = [name for name, files in classes if not files]
    if empty:
        raise ImageError(f"{root.name}/{empty[0]}: the class folder has no PNG, JPEG, BMP or GIF images; add some "
                         f"or remove the folder", root / empty[0])
    if len(classes) < 2:
        raise ImageError(f"{root.name}: has one class folder ({classes[0][0]!r}); classification needs at least 2 "
                         f"sub-folders, one per class", root)
    return classes


def load_image_folder(folder: str | Path, color: str | None = None, size: Sequence[int] | None = None,
                      train_ratio: float | None = None, progress: Progress = None,
                      cancelled: Cancelled = None) -> Dataset:
    """Read every image of ``folder``'s class sub-folders; see the module docstring for the rules.

    ``color``: "grey", "rgb" or None (grey when every image is grey). ``size``: (height, width) to
    resize to, or None (all images must share a size). ``train_ratio``: also check that a split with
    this ratio leaves images on both sides. Raises ImageError naming the file or folder.
    ``progress``/``cancelled``: see ``read_images``.
    """
    color = check_color(color)
    target = check_size(size)
    if train_ratio is not None:
        check_train_ratio(train_ratio)
    root = Path(folder)
    classes = scan_folder(root)
    files = [f for _, fs in classes for f in fs]
    y = np.repeat(np.arange(len(classes)), [len(fs) for _, fs in classes])
    if train_ratio is not None:
        try:
            train_size(len(files), train_ratio, "the folder")
        except ValueError as exc:
            raise ImageError(f"{root.name}: " + str(exc).replace(" rows", " images").replace(" row", " image"),
                             root) from None
    X, grey = read_images(files, color, target, root.parent, progress, cancelled)
    names = [name for name, _ in classes]
    task = "binary" if len(names) == 2 else "multiclass"
    meta = {"source": str(root), "color": "grey" if X.shape[1] == 1 else "rgb", "auto_color": color is None,
            "size": list(X.shape[2:]), "files": [len(fs) for _, fs in classes]}
    return Dataset(root.name, X, y, task, pixel_names(X.shape[1:]), names, meta)


def read_images(files: Sequence[Path], color: str | None = None, size: tuple[int, int] | None = None,
                relative_to: Path | None = None, progress: Progress = None,
                cancelled: Cancelled = None) -> tuple[np.ndarray, bool]:
    """Decode ``files`` into (N, C, H, W) float32 in [0, 1] (pixels as bytes need no more: half the
    memory of float64 for MNIST-sized folders), and whether every image was grey.

    Messages name a file relative to ``relative_to`` when given. ``progress(done, total)`` hears
    the number of files read every CHECK_EVERY files (and at the end); ``cancelled()`` is asked as
    often and, when it returns True, reading stops with LoadCancelled.
    """
    Image = _pillow()
    n = len(files)
    pixels: np.ndarray | None = None   # (N, H, W, C) uint8, filled in place
    all_grey = True
    first: tuple[Path, tuple[int, int]] | None = None
    for i, path in enumerate(files):
        if i % CHECK_EVERY == 0:
            check(cancelled)
            if progress is not None:
                progress(i, n)
        img = _open(Image, path, relative_to)
        if size is None:
            shape = (img.height, img.width)
            if first is None:
                first = (path, shape)
            elif shape != first[1]:
                raise ImageError(f"images differ in size: {_show(first[0], relative_to)} is {_hw(first[1])} but "
                                 f"{_show(path, relative_to)} is {_hw(shape)}; choose a size to resize them to "
                                 f"(\"size\": [height, width])", path)
        elif (img.height, img.width) != size:
            img = img.resize((size[1], size[0]), Image.Resampling.BILINEAR)
        array, grey = _as_array(img, color)
        all_grey &= grey
        if pixels is None:
            pixels = np.empty((n, *array.shape[:2], 3 if color == "rgb" or color is None else 1), dtype=np.uint8)
        if color is None:
            pixels[i] = array if array.shape[2] == 3 else array[:, :, :1]  # grey broadcasts to 3 channels
        else:
            pixels[i] = array
    assert pixels is not None
    if progress is not None:
        progress(n, n)
    if color is None and all_grey:
        pixels = pixels[..., :1]
    X = pixels.transpose(0, 3, 1, 2).astype(np.float32)
    X /= np.float32(255.0)
    return X, all_grey


def load_image_files(paths: Sequence[str | Path], input_shape: Sequence[int]) -> np.ndarray:
    """Images for prediction, converted and resized to a network's raw ``input_shape`` (C, H, W)."""
    c, h, w = (int(v) for v in input_shape)
    if c not in (1, 3):
        raise ValueError(f"images have 1 (grey) or 3 (RGB) channels; the network takes {c}")
    files = [Path(p) for p in paths]
    for f in files:
        if not f.is_file():
            raise ImageError(f"{f}: no such image file", f)
    X, _ = read_images(files, "grey" if c == 1 else "rgb", (h, w))
    return X


def image_files_in(folder: str | Path) -> list[Path]:
    """Every image in ``folder`` and its sub-folders, sorted by path (for prediction)."""
    root = Path(folder)
    if not root.is_dir():
        raise ImageError(f"{root}: the image folder does not exist", root)
    files = sorted(p for p in root.rglob("*") if is_image_file(p)
                   and not any(part.startswith(".") for part in p.relative_to(root).parts))
    if not files:
        raise ImageError(f"{root}: has no PNG, JPEG, BMP or GIF images", root)
    return files


def pixel_names(shape: Sequence[int]) -> list[str]:
    """Feature names of an image: px_R_C for grey, r_R_C/g_R_C/b_R_C for RGB (R, C from 0)."""
    c, h, w = (int(v) for v in shape)
    prefixes = _CHANNEL_NAMES.get(c, tuple(f"c{k}" for k in range(c)))
    return [f"{p}_{r}_{col}" for p in prefixes for r in range(h) for col in range(w)]


# ---- helpers -------------------------------------------------------------------------------------
def _pillow() -> Any:
    try:
        from PIL import Image
    except ImportError:  # pragma: no cover - pillow is a dependency
        raise ImageError("reading images needs the Pillow package: pip install pillow") from None
    return Image


def _open(Image: Any, path: Path, relative_to: Path | None) -> Any:
    try:
        with Image.open(path) as img:
            img.load()
            if getattr(img, "n_frames", 1) > 1:  # an animated GIF: its first frame, detached from the file
                img = img.copy()
    except (OSError, ValueError, SyntaxError, Image.DecompressionBombError) as exc:
        reason = "not a PNG, JPEG, BMP or GIF image" if type(exc).__name__ == "UnidentifiedImageError" else str(exc)
        raise ImageError(f"{_show(path, relative_to)}: cannot read this image ({reason})", path) from None
    return img


def _as_array(img: Any, color: str | None) -> tuple[np.ndarray, bool]:
    """(H, W, C) uint8 with C = 1 for "grey", 3 for "rgb", 1 or 3 for None; and whether it is grey."""
    mode = img.mode
    grey_mode = mode in _GREY_MODES or (mode == "P" and _grey_palette(img))
    if mode.startswith("I") or mode == "F":
        a = np.asarray(img, dtype=np.float64)
        top = 65535.0 if a.max(initial=0) > 255 else 255.0
        grey = np.clip(np.rint(a / top * 255.0), 0, 255).astype(np.uint8)[:, :, None]
        return (np.repeat(grey, 3, axis=2) if color == "rgb" else grey), True
    if color == "grey" or (color is None and grey_mode):
        return np.asarray(img.convert("L"))[:, :, None], grey_mode
    rgb = np.asarray(img.convert("RGB"))
    grey = grey_mode or bool((rgb[:, :, 0] == rgb[:, :, 1]).all() and (rgb[:, :, 1] == rgb[:, :, 2]).all())
    return rgb, grey


def _grey_palette(img: Any) -> bool:
    palette = img.getpalette()
    if not palette:
        return True
    p = np.asarray(palette[: len(palette) // 3 * 3]).reshape(-1, 3)
    return bool((p[:, 0] == p[:, 1]).all() and (p[:, 1] == p[:, 2]).all())


def _show(path: Path, relative_to: Path | None) -> str:
    if relative_to is not None:
        try:
            return path.relative_to(relative_to).as_posix()
        except ValueError:
            pass
    return str(path)


def _hw(shape: tuple[int, int]) -> str:
    return f"{shape[0]} × {shape[1]} (height × width)"
