"""IDX files, the format of MNIST and Fashion-MNIST: an images file and a labels file, each optionally gzipped.

Layout (big-endian): two zero bytes, a type code, the number of dimensions d, then d sizes as
uint32, then the values in C order. Type codes: 0x08 unsigned byte, 0x09 signed byte, 0x0B int16,
0x0C int32, 0x0D float32, 0x0E float64. Nothing is downloaded: point at files you have.
"""
from __future__ import annotations

import gzip
import zlib
from pathlib import Path

import numpy as np

from .dataset import Dataset
from .images import ImageError, pixel_names
from .progress import Cancelled, Progress, check
from .split import check_train_ratio, train_size

DTYPES = {0x08: np.dtype("u1"), 0x09: np.dtype("i1"), 0x0B: np.dtype(">i2"), 0x0C: np.dtype(">i4"),
          0x0D: np.dtype(">f4"), 0x0E: np.dtype(">f8")}
TYPE_NAMES = {0x08: "unsigned bytes", 0x09: "signed bytes", 0x0B: "int16", 0x0C: "int32", 0x0D: "float32",
              0x0E: "float64"}
MAX_CLASSES = 1000
CHUNK = 1 << 20  # compressed bytes decompressed between two progress reports (a few ms each)


class IDXError(ImageError):
    """An IDX file that cannot be used; the message names the file."""


def read_idx(path: str | Path, progress: Progress = None, cancelled: Cancelled = None) -> np.ndarray:
    """The array an IDX file holds (native byte order). A gzipped file (by its content) is decompressed,
    a few megabytes at a time: ``progress(done, total)`` hears the compressed bytes done, ``cancelled()``
    is asked in between (LoadCancelled stops it)."""
    path = Path(path)
    name = path.name
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise IDXError(f"{path}: no such file", path) from None
    except OSError as exc:
        raise IDXError(f"{path}: cannot read it ({exc.strerror or exc})", path) from None
    if raw[:2] == b"\x1f\x8b":
        try:
            raw = _gunzip(raw, progress, cancelled)
        except (OSError, EOFError, zlib.error) as exc:
            raise IDXError(f"{name}: a damaged gzip file ({exc})", path) from None
    if len(raw) < 4:
        raise IDXError(f"{name}: too short for an IDX file ({len(raw)} bytes; the header alone has at least 4)", path)
    if raw[0] != 0 or raw[1] != 0:
        raise IDXError(f"{name}: not an IDX file (it starts with bytes {raw[:4].hex(' ')}; IDX files start with "
                       f"00 00, a type code and the number of dimensions)", path)
    code, ndim = raw[2], raw[3]
    if code not in DTYPES:
        known = ", ".join(f"0x{c:02X} {n}" for c, n in TYPE_NAMES.items())
        raise IDXError(f"{name}: unknown IDX type code 0x{code:02X} (known: {known})", path)
    if ndim == 0:
        raise IDXError(f"{name}: the header gives 0 dimensions", path)
    header = 4 + 4 * ndim
    if len(raw) < header:
        raise IDXError(f"{name}: the header is cut short: {ndim} dimensions need {header} bytes, the file has "
                       f"{len(raw)}", path)
    dims = tuple(int(d) for d in np.frombuffer(raw, dtype=">u4", count=ndim, offset=4))
    dtype = DTYPES[code]
    expected = int(np.prod(dims, dtype=np.int64)) * dtype.itemsize
    found = len(raw) - header
    if found != expected:
        shape = " × ".join(map(str, dims))
        what = "is cut short" if found < expected else "has extra bytes at the end"
        raise IDXError(f"{name}: {what}: a {shape} array of {TYPE_NAMES[code]} needs {expected:,} bytes of data, "
                       f"the file has {found:,}", path)
    array = np.frombuffer(raw, dtype=dtype, offset=header).reshape(dims)
    return array.astype(dtype.newbyteorder("="), copy=False)


def _gunzip(raw: bytes, progress: Progress, cancelled: Cancelled) -> bytes:
    """gzip.decompress in CHUNK pieces (each member in turn), reporting and checking in between."""
    if progress is None and cancelled is None:
        return gzip.decompress(raw)
    parts: list[bytes] = []
    view, pos, total = memoryview(raw), 0, len(raw)
    while pos < total:
        if pos and not any(view[pos:]):  # trailing zero padding after the last member, as gzip allows
            break
        member = zlib.decompressobj(wbits=31)
        while not member.eof:
            check(cancelled)
            if progress is not None:
                progress(pos, total)
            if pos >= total:
                raise EOFError("Compressed file ended before the end-of-stream marker was reached")
            chunk = view[pos:pos + CHUNK]
            parts.append(member.decompress(chunk))
            pos += len(chunk) - len(member.unused_data)
        parts.append(member.flush())
    if progress is not None:
        progress(total, total)
    return b"".join(parts)


def load_idx(images: str | Path, labels: str | Path, limit: int | None = None,
             train_ratio: float | None = None, progress: Progress = None, cancelled: Cancelled = None) -> Dataset:
    """An images file (N, H, W) and a labels file (N,) -> Dataset with X (N, 1, H, W) in [0, 1].

    Unsigned-byte pixels are divided by 255; float pixels are taken as they are. Class names are the
    label values present, sorted ("0" … "9" for MNIST). ``limit`` keeps the first ``limit`` samples.
    ``progress``/``cancelled`` follow the images file's reading (see ``read_idx``).
    """
    if limit is not None and (isinstance(limit, bool) or not isinstance(limit, (int, np.integer)) or limit < 2):
        raise ValueError(f"limit must be a whole number of samples ≥ 2, or null for all, received {limit!r}")
    if train_ratio is not None:
        check_train_ratio(train_ratio)
    images, labels = Path(images), Path(labels)
    X = read_idx(images, progress, cancelled)
    y = read_idx(labels, None, cancelled)
    if X.ndim != 3:
        raise IDXError(f"{images.name}: an images file holds a count × height × width array; this one is "
                       f"{' × '.join(map(str, X.shape))}" + (" (is it the labels file?)" if X.ndim == 1 else ""),
                       images)
    if y.ndim != 1:
        raise IDXError(f"{labels.name}: a labels file holds one value per image; this one is "
                       f"{' × '.join(map(str, y.shape))}" + (" (is it the images file?)" if y.ndim == 3 else ""),
                       labels)
    if len(X) != len(y):
        raise IDXError(f"{images.name} has {len(X):,} images but {labels.name} has {len(y):,} labels; "
                       f"choose the labels file that belongs to these images", labels)
    if X.dtype.kind not in "uf" or (X.dtype.kind == "u" and X.dtype.itemsize != 1):
        raise IDXError(f"{images.name}: pixels of type {X.dtype.name} are not supported; expected unsigned bytes "
                       f"(0x08, scaled to 0..1) or floats (0x0D, 0x0E)", images)
    if y.dtype.kind not in "iu":
        raise IDXError(f"{labels.name}: labels must be whole numbers, this file holds {y.dtype.name}", labels)
    if limit is not None:
        X, y = X[:limit], y[:limit]
    if len(X) < 2:
        raise IDXError(f"{images.name}: has {len(X)} image{'s' if len(X) != 1 else ''}; a dataset needs at least 2",
                       images)
    values, index = np.unique(y, return_inverse=True)
    if len(values) < 2:
        raise IDXError(f"{labels.name}: only one label ({int(values[0])}) in the first {len(y):,} samples; "
                       f"classification needs at least two" + ("" if limit is None else ": raise the limit"), labels)
    if len(values) > MAX_CLASSES:
        raise IDXError(f"{labels.name}: {len(values):,} distinct labels; is it a labels file?", labels)
    if train_ratio is not None:
        try:
            train_size(len(X), train_ratio, images.name)
        except ValueError as exc:
            raise IDXError(str(exc).replace(" rows", " images").replace(" row", " image"), images) from None
    pixels = X[:, None].astype(np.float32 if X.dtype.kind == "u" or X.dtype.itemsize <= 4 else np.float64)
    if X.dtype.kind == "u":
        pixels /= np.float32(255.0)
    names = [str(int(v)) for v in values]
    meta = {"source": str(images), "labels": str(labels), "limit": limit}
    stem = images.name.removesuffix(".gz").split("-")[0].split(".")[0] or "idx"
    return Dataset(stem, pixels, index.reshape(-1).astype(np.int64), "binary" if len(names) == 2 else "multiclass",
                   pixel_names(pixels.shape[1:]), names, meta)
