"""Conv2D: 2-D convolution over (channels, height, width) samples, then an optional activation.

z[n, f] = Σ_c W[f, c] ⋆ x[n, c] + b[f] (cross-correlation, as in every framework), W has shape
(filters, in_channels, k, k) (OIHW, as PyTorch and ONNX). Computed as im2col + GEMMs, in one of two
layouts (conv_layout; the NumPy exporter repeats the chosen one, so its results stay bit-identical):

- one GEMM over the batch: columns (C·k·k, N·OH·Wr), so z = W(F, C·k·k) @ cols and the weight
  gradient (cols @ dzᵀ, with dz laid out (F, N·OH·Wr)) are single calls that thread well. For stride 1 the rows are as
  wide as the padded input (Wr = Wp): the gather, and col2im, are then k² long contiguous runs.
- per sample, on small maps and when C·k·k is small: columns (N, C·k·k, OH·OW) and a batched
  matmul, whose output is already NCHW.
"""
from __future__ import annotations

import math
from typing import Any

import numpy as np

from .. import registry
from ..errors import ShapeError
from ..fastmath import col_sum, ones
from ..initializers import initialize
from ..params import ParamSpec
from .activation_functions import OUTPUT_ACTIVATIONS, make_activation
from .activated import ActivatedOutput
from .base import Layer, Shape, fmt_shape
from .conv_geometry import PADDINGS, conv_output, gather, gather_matrix, scatter_add
from .dense import activation_params, check_uniform_bounds, weight_init_params

# Inference on a large batch gathers its columns in chunks, so predicting 8,192 images never
# allocates gigabytes of columns (each chunk's columns stay below this many values).
_INFER_COLS = 1 << 22
# Below this many entries in the im2col matrix of one channel (h·w · k·k·oh·ow), gathering and
# scattering are matmuls with that 0/1 matrix (an 8 × 8 map with a 3 × 3 kernel: 36,864).
_MATRIX_ENTRIES = 40_000
# From this many rows in the column matrix (C·k·k) on, the forward pass and the weight gradient
# are each one GEMM over the whole batch (see conv_layout).
_BIG_GEMM_ROWS = 32


def conv_layout(in_shape: Shape, k: int, stride: int, padding: str) -> str:
    """How a Conv2D lays out its columns and runs its GEMMs (the NumPy exporter follows it).

    "per_sample": columns (N, C·k·k, OH·OW) and one (F, C·k·k) @ (C·k·k, OH·OW) GEMM per sample,
    on small maps (gathered with the 0/1 matrix) and when C·k·k < _BIG_GEMM_ROWS (a first layer
    on 1 to 3 channels: there a big GEMM is memory-bound, slower than the per-sample ones, and its
    output would need a transpose). Otherwise one GEMM over the whole batch, columns
    (C·k·k, N·OH·Wr): "wide" for stride 1 (Wr = the padded width), "strided" for stride > 1 (Wr = OW).
    """
    c, h, w = in_shape
    oh, _, _ = conv_output(h, k, stride, padding)
    ow, _, _ = conv_output(w, k, stride, padding)
    if h * w * k * k * oh * ow <= _MATRIX_ENTRIES or c * k * k < _BIG_GEMM_ROWS:
        return "per_sample"
    return "wide" if stride == 1 else "strided"


def infer_step(rows: int, cols_per_sample: int) -> int:
    """Samples per inference pass, so that one pass's columns stay below _INFER_COLS values."""
    return max(1, _INFER_COLS // max(1, rows * cols_per_sample))


class Conv2DLayer(ActivatedOutput, Layer):
    def __init__(self, name: str, config: dict[str, Any], in_shapes: list[Shape], out_shape: Shape) -> None:
        super().__init__(name, config, in_shapes, out_shape)
        self.activation = make_activation(config["activation"], config["negative_slope"], config["alpha"])
        self.linear = config["activation"] == "linear"
        self.use_bias = bool(config["use_bias"])
        self.kernels = ("W",)
        c, h, w = in_shapes[0]
        k, s = config["kernel_size"], config["stride"]
        self.k, self.stride, self.in_c = k, s, c
        self.oh, self.pt, self.pb = conv_output(h, k, s, config["padding"])
        self.ow, self.pl, self.pr = conv_output(w, k, s, config["padding"])
        self.padded = (h + self.pt + self.pb, w + self.pl + self.pr)
        self.pad = bool(self.pt or self.pb or self.pl or self.pr)
        self.small = h * w * k * k * self.oh * self.ow <= _MATRIX_ENTRIES
        self.layout = conv_layout((c, h, w), k, s, config["padding"])
        self.wide = self.layout == "wide"
        # Columns per output row: the padded width for wide columns (see _columns), else OW.
        self.wr = self.padded[1] if self.wide else self.ow
        self.infer_step = infer_step(c * k * k, self.oh * self.wr)
        self._G: dict[np.dtype, np.ndarray] = {}
        self.x = self.z = self.a = self.cols = None

    def param_shapes(self) -> dict[str, Shape]:
        f = self.config["filters"]
        shapes = {"W": (f, self.in_c, self.k, self.k)}
        if self.use_bias:
            shapes["b"] = (f,)
        return shapes

    def init_params(self, rng: np.random.Generator) -> dict[str, np.ndarray]:
        c, f, k = self.in_c, self.config["filters"], self.k
        cfg = self.config
        W = initialize(cfg["initializer"], (f, c, k, k), c * k * k, f * k * k, rng, cfg["init_low"], cfg["init_high"])
        out = {"W": W}
        if self.use_bias:
            out["b"] = np.full((f,), cfg["bias_init"])
        return out

    def initialize(self, rng: np.random.Generator, dtype: np.dtype) -> None:
        super().initialize(rng, dtype)
        self.bind()

    def bind(self) -> None:
        """Views of the parameters as matrices (the optimizer updates W in place, so they stay valid)."""
        f = self.config["filters"]
        self.W, self.gW = self.params["W"], self.grads["W"]
        self.W2, self.gW2 = self.W.reshape(f, -1), self.gW.reshape(f, -1)
        self.b, self.gb = self.params.get("b"), self.grads.get("b")

    # ---- forward -------------------------------------------------------------------------
    def _padded_input(self, x: np.ndarray, key: str, spare: int = 0) -> np.ndarray:
        """x with its zero padding, and ``spare`` more zero rows at the bottom (the wide columns'
        last kernel offsets run past the padded image by up to k − 1 values)."""
        if not self.pad and not spare:
            return x
        n, c = x.shape[:2]
        hp, wp = self.padded
        xp = self.scratch(key, (n, c, hp + spare, wp), x.dtype)
        pt, pl = self.pt, self.pl
        h, w = x.shape[2:]
        xp[:, :, :pt] = 0
        xp[:, :, pt + h:] = 0
        xp[:, :, pt:pt + h, :pl] = 0
        xp[:, :, pt:pt + h, pl + w:] = 0
        xp[:, :, pt:pt + h, pl:pl + w] = x
        return xp

    def _gather_matrix(self, dtype: np.dtype) -> np.ndarray:
        G = self._G.get(dtype)
        if G is None:
            _, h, w = self.in_shapes[0]
            G = self._G[dtype] = gather_matrix(h, w, self.k, self.stride, self.oh, self.ow, self.pt, self.pl, dtype)
        return G

    def _columns_per_sample(self, x: np.ndarray, key: str) -> np.ndarray:
        """Columns (N, C·k·k, OH·OW): one matmul with the 0/1 matrix on small maps, else k² strided copies."""
        n, c, k = x.shape[0], self.in_c, self.k
        if self.small:
            G = self._gather_matrix(x.dtype)
            cols = np.matmul(x.reshape(n * c, -1), G, out=self.scratch(key, (n * c, G.shape[1]), x.dtype))
            return cols.reshape(n, c * k * k, self.oh * self.ow)
        cols = self.scratch(key, (n, c, k, k, self.oh, self.ow), x.dtype)
        gather(self._padded_input(x, key + "_pad"), k, self.stride, self.oh, self.ow, cols)
        return cols.reshape(n, c * k * k, self.oh * self.ow)

    def _columns(self, x: np.ndarray, key: str) -> np.ndarray:
        """Large maps: the columns as one matrix (C·k·k, N·OH·Wr), samples side by side.

        Stride 1 ("wide"): Wr = Wp, the padded width. Kernel offset (i, j) of one sample and channel
        is then the single run of OH·Wp values that starts at i·Wp + j of the flattened padded image,
        so the gather is k² long contiguous copies; the Wp − OW extra columns of each row are
        computed and dropped. Stride > 1: Wr = OW, k² strided copies.
        """
        n, c, k = x.shape[0], self.in_c, self.k
        oh, wr = self.oh, self.wr
        if self.wide:
            xp = self._padded_input(x, key + "_pad", spare=1)
            flat = xp.reshape(n, c, -1).transpose(1, 0, 2)
            run = oh * wr
            cols = self.scratch(key, (c, k, k, n, run), x.dtype)
            for i in range(k):
                for j in range(k):
                    at = i * wr + j
                    np.copyto(cols[:, i, j], flat[:, :, at:at + run])
        else:
            cols = self.scratch(key, (c, k, k, n, oh, wr), x.dtype)
            xp = self._padded_input(x, key + "_pad")
            gather(xp.transpose(1, 0, 2, 3), k, self.stride, oh, wr, cols.transpose(0, 3, 1, 2, 4, 5))
        return cols.reshape(c * k * k, n * oh * wr)

    def _linear(self, x: np.ndarray, out: np.ndarray, key: str) -> np.ndarray:
        """z = W ⋆ x + b into ``out`` (N, F, OH, OW); returns the columns."""
        if self.layout == "per_sample":
            cols = self._columns_per_sample(x, key)
            np.matmul(self.W2, cols, out=out.reshape(out.shape[0], out.shape[1], -1))
            if self.b is not None:
                out += self.b[:, None, None]
            return cols
        cols = self._columns(x, key)
        f, n = self.W2.shape[0], x.shape[0]
        zt = np.matmul(self.W2, cols, out=self.scratch(key + "_z", (f, cols.shape[1]), cols.dtype))
        zt = zt.reshape(f, n, self.oh, self.wr)[..., :self.ow].transpose(1, 0, 2, 3)
        if self.b is not None:
            np.add(zt, self.b[:, None, None], out=out)
        else:
            np.copyto(out, zt)
        return cols

    def forward(self, x: np.ndarray, training: bool) -> np.ndarray:
        n = x.shape[0]
        shape = (n,) + self.out_shape
        z = self.out_buffer("z", shape, self.W.dtype, training)
        if z is None:
            z = np.empty(shape, self.W.dtype)
        if training:
            self.x = x
            self.cols = self._linear(x, z, "cols")
        else:
            step = self.infer_step
            for i in range(0, n, step):
                self._linear(x[i:i + step], z[i:i + step], "inference_cols")
        return self.activate(z, training)

    # ---- backward (the activation's part: ActivatedOutput.backward) -------------------------

    def _filters_first(self, dz: np.ndarray, wr: int) -> np.ndarray:
        """dz (N, F, OH, OW) as (F, N·OH·Wr), rows padded with zeros to Wr columns."""
        n, f, oh, ow = dz.shape
        dzt = self.scratch("dzt", (f, n, oh, wr), dz.dtype)
        if wr != ow:
            dzt[..., ow:] = 0
        np.copyto(dzt[..., :ow], dz.transpose(1, 0, 2, 3))
        return dzt.reshape(f, -1)

    def backward_pre(self, dz: np.ndarray) -> np.ndarray | None:
        if self.layout == "per_sample":
            return self._backward_per_sample(dz)
        n = dz.shape[0]
        c, h, w = self.in_shapes[0]
        k, oh, ow = self.k, self.oh, self.ow
        dt = dz.dtype
        dzt = self._filters_first(dz, self.wr)  # the column order of self.cols
        # Σ over samples and pixels in one GEMM, as (C·k·k, F) = cols @ dzᵀ: 20 % faster than
        # dz @ colsᵀ with OpenBLAS (measured on (64, 14,336) @ (14,336, 288)), then a tiny transpose.
        gWt = np.matmul(self.cols, dzt.T, out=self.scratch("gW_t", self.gW2.shape[::-1], dt))
        np.copyto(self.gW2, gWt.T)
        if self.gb is not None:
            np.matmul(dzt, ones(dzt.shape[1], dt), out=self.gb)
        if not self.need_dx:
            return None
        dcols = np.matmul(self.W2.T, dzt, out=self.scratch("dcols", (c * k * k, dzt.shape[1]), dt))
        if self.wide:
            return self._col2im_wide(dcols, n)
        hp, wp = self.padded
        dxp = self.scratch("dx", (n, c, hp, wp), dt)
        dxp.fill(0)
        scatter_add(dcols.reshape(c, k, k, n, oh, ow).transpose(0, 3, 1, 2, 4, 5), k, self.stride, oh, ow,
                    dxp.transpose(1, 0, 2, 3))
        if self.pad:
            return dxp[:, :, self.pt:self.pt + h, self.pl:self.pl + w]
        return dxp

    def _backward_per_sample(self, dz: np.ndarray) -> np.ndarray | None:
        n, f = dz.shape[:2]
        dz3 = dz.reshape(n, f, -1)
        cols = self.cols
        # Σ_n dz[n] @ cols[n]ᵀ: N small matmuls into a scratch stack, then one sum over the batch.
        per = np.matmul(dz3, cols.transpose(0, 2, 1), out=self.scratch("gW_n", (n, f, cols.shape[1]), dz.dtype))
        col_sum(per.reshape(n, -1), out=self.gW.reshape(-1))
        if self.gb is not None:
            np.matmul(col_sum(dz.reshape(n, -1)).reshape(f, -1), ones(dz3.shape[2], dz.dtype), out=self.gb)
        if not self.need_dx:
            return None
        c, h, w = self.in_shapes[0]
        k = self.k
        if self.small:
            dcols = np.matmul(self.W2.T, dz3, out=self.scratch("dcols", cols.shape, dz.dtype))
            G = self._gather_matrix(dz.dtype)
            dx = np.matmul(dcols.reshape(n * c, -1), G.T, out=self.scratch("dx", (n * c, h * w), dz.dtype))
            return dx.reshape(n, c, h, w)
        hp, wp = self.padded
        if self.stride == 1:  # one GEMM over wide rows, then k² contiguous additions
            dzt = self._filters_first(dz, wp)
            dcols = np.matmul(self.W2.T, dzt, out=self.scratch("dcols_wide", (c * k * k, dzt.shape[1]), dz.dtype))
            return self._col2im_wide(dcols, n)
        dcols = np.matmul(self.W2.T, dz3, out=self.scratch("dcols", cols.shape, dz.dtype))
        dxp = self.scratch("dx", (n, c, hp, wp), dz.dtype)
        dxp.fill(0)
        scatter_add(dcols.reshape(n, c, k, k, self.oh, self.ow), k, self.stride, self.oh, self.ow, dxp)
        if self.pad:
            return dxp[:, :, self.pt:self.pt + h, self.pl:self.pl + w]
        return dxp

    def _col2im_wide(self, dcols: np.ndarray, n: int) -> np.ndarray:
        """col2im of wide columns (stride 1): k² contiguous additions.

        The column gradient Wᵀ @ dz is (C·k·k, N, OH·Wp) with dz's extra columns zero, so kernel
        offset (i, j) of every sample and channel is one run of OH·Wp values that lands on the
        padded input, flattened, at i·Wp + j: each addition is one long pass instead of N·C·OH
        passes of only OW values, the zero columns add nothing, and a spare row takes the last
        offsets' overrun.
        """
        c, h, w = self.in_shapes[0]
        k, oh = self.k, self.oh
        hp, wp = self.padded
        run = oh * wp
        dcols = dcols.reshape(c, k * k, n, run)
        dxp = self.scratch("dx_wide", (n, c, (hp + 1) * wp), dcols.dtype)
        dxp.fill(0)
        by_channel = dxp.transpose(1, 0, 2)
        for i in range(k):
            for j in range(k):
                at = i * wp + j
                by_channel[:, :, at:at + run] += dcols[:, i * k + j]
        dx = dxp[:, :, :hp * wp].reshape(n, c, hp, wp)
        if self.pad:
            return dx[:, :, self.pt:self.pt + h, self.pl:self.pl + w]
        return dx

    def release(self) -> None:
        super().release()
        self.cols = None


# ---- shape rules shared with the pooling layers --------------------------------------------------
def image_hint(shape: Shape) -> str:
    """What to write in a Reshape so that ``shape`` becomes an image, e.g. "[1, 8, 8]"."""
    if len(shape) == 2:
        return f"[1, {shape[0]}, {shape[1]}]"
    size = math.prod(shape)
    for c in (1, 3):
        side = math.isqrt(size // c)
        if size % c == 0 and side * side * c == size:
            return f"[{c}, {side}, {side}]"
    return "[channels, height, width]"


def require_image(layer: str, shape: Shape) -> tuple[int, int, int]:
    if len(shape) != 3:
        raise ShapeError(
            f"{layer} expects an image (channels, height, width) but receives {fmt_shape(shape)}: add Reshape "
            f"with shape {image_hint(shape)}, or load the dataset as images"
        )
    return shape  # type: ignore[return-value]


def _conv_shape(params: dict[str, Any], in_shapes: list[Shape]) -> Shape:
    _, h, w = require_image("Conv2D", in_shapes[0])
    k, s, padding = params["kernel_size"], params["stride"], params["padding"]
    if params["activation"] == "softmax":
        raise ShapeError("Conv2D: softmax turns one vector of class scores into probabilities: set the activation "
                         "to relu (or linear), then add GlobalAveragePooling2D or Flatten and a Softmax")
    if padding == "valid" and (k > h or k > w):
        raise ShapeError(f"Conv2D: kernel {k} is larger than the padded input {h} × {w}: use padding same or a "
                         "smaller kernel")
    oh = conv_output(h, k, s, padding)[0]
    ow = conv_output(w, k, s, padding)[0]
    return (params["filters"], oh, ow)


registry.register(
    registry.LayerSpec(
        type="Conv2D",
        category="Convolution",
        description="2-D convolution: each filter slides a k × k window over every channel of the image, "
                    "then an optional activation. Samples are (channels, height, width).",
        params=registry.schema(
            ParamSpec("filters", "int", 8, "Number of filters (output channels)", minimum=1, maximum=4096),
            ParamSpec("kernel_size", "int", 3, "Side k of the square k × k window", minimum=1, maximum=64),
            ParamSpec("stride", "int", 1, "Step of the window in pixels", minimum=1, maximum=64),
            ParamSpec("padding", "choice", "valid", "valid: no padding (the image shrinks by k − 1); same: "
                      "pad with zeros so the output is ceil(input / stride)", choices=PADDINGS),
            ParamSpec("activation", "choice", "relu", "Activation applied to z", choices=OUTPUT_ACTIVATIONS),
            *activation_params("activation"),
            ParamSpec("use_bias", "bool", True, "Add a bias b to each filter"),
            *weight_init_params("he_uniform", "How W is drawn at reset (fan_in = channels·k·k)",
                                "Initial value of every bias"),
        ),
        shape_rule=_conv_shape,
        factory=Conv2DLayer,
        name_prefix="conv",
        check=lambda params: check_uniform_bounds("Conv2D", params),
        has_weights=True,
    )
)
