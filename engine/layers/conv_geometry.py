"""Output sizes, padding and window gathering for 2-D convolution and pooling (layout N, C, H, W).

``conv_output`` is the one definition of the geometry; the layers, the shape rules and the
exporters all use it, so "same" padding means the same thing everywhere (TensorFlow/Keras rules:
out = ceil(in / stride), the odd pixel of padding goes after).
"""
from __future__ import annotations

import numpy as np

PADDINGS = ("valid", "same")


def conv_output(in_size: int, k: int, stride: int, padding: str) -> tuple[int, int, int]:
    """(out, pad_before, pad_after) along one spatial axis.

    "valid": out = (in − k) // stride + 1 and no padding (out ≤ 0 when k > in).
    "same":  out = ceil(in / stride), pad_total = max((out − 1)·stride + k − in, 0),
             pad_before = pad_total // 2, pad_after = pad_total − pad_before.
    """
    if padding == "valid":
        return (in_size - k) // stride + 1, 0, 0
    if padding == "same":
        out = -(-in_size // stride)
        total = max((out - 1) * stride + k - in_size, 0)
        return out, total // 2, total - total // 2
    raise ValueError(f"padding must be one of {', '.join(PADDINGS)}, received {padding!r}")


def window_slices(offset: int, out: int, stride: int) -> slice:
    """The input positions that kernel offset ``offset`` visits, one per output position."""
    return slice(offset, offset + (out - 1) * stride + 1, stride)


def gather(xp: np.ndarray, k: int, stride: int, oh: int, ow: int, cols: np.ndarray) -> np.ndarray:
    """im2col: cols[n, c, i, j, y, x] = xp[n, c, y·stride + i, x·stride + j].

    One strided copy per kernel offset (k² copies of N·C·OH·OW values) writes the columns already in
    the layout the batched matmul wants, (N, C·k·k, OH·OW), so no transpose copy follows.
    """
    for i in range(k):
        rows = window_slices(i, oh, stride)
        for j in range(k):
            cols[:, :, i, j] = xp[:, :, rows, window_slices(j, ow, stride)]
    return cols


def scatter_add(dcols: np.ndarray, k: int, stride: int, oh: int, ow: int, dxp: np.ndarray) -> np.ndarray:
    """col2im, the adjoint of ``gather``: dxp (zeroed by the caller) += every column back in place."""
    for i in range(k):
        rows = window_slices(i, oh, stride)
        for j in range(k):
            dxp[:, :, rows, window_slices(j, ow, stride)] += dcols[:, :, i, j]
    return dxp


def gather_matrix(h: int, w: int, k: int, stride: int, oh: int, ow: int, pt: int, pl: int,
                  dtype: np.dtype) -> np.ndarray:
    """im2col of one (h, w) channel as a 0/1 matrix G, (h·w, k·k·oh·ow): cols = x @ G, dx = dcols @ Gᵀ.

    Zero padding is built in (padded positions have no row). For small images one matmul with G
    beats k² strided slice copies, whose inner loops are only ``ow`` long (measured 4× on 4 × 4
    maps), and col2im becomes a matmul as well; for larger images G grows as (h·w)² and the slices win.
    """
    G = np.zeros((h * w, k, k, oh, ow), dtype)
    y, x = np.arange(oh), np.arange(ow)
    for i in range(k):
        rows = y * stride + i - pt
        for j in range(k):
            cols = x * stride + j - pl
            ry, cx = np.nonzero((rows[:, None] >= 0) & (rows[:, None] < h) & (cols[None, :] >= 0) & (cols[None, :] < w))
            G[rows[ry] * w + cols[cx], i, j, ry, cx] = 1
    return G.reshape(h * w, -1)
