"""Conv2D: 2-D convolution over (channels, height, width) samples, then an optional activation.

z[n, f] = Σ_c W[f, c] ⋆ x[n, c] + b[f] (cross-correlation, as in every framework), W has shape
(filters, in_channels, k, k) (OIHW, as PyTorch and ONNX). Computed as im2col + one batched matmul:
the columns are gathered straight into (N, C·k·k, OH·OW), so W(F, C·k·k) @ cols is already N, F, OH, OW
and no transpose copy is needed on the way forward or back. For stride 1 on large maps, ∂L/∂x
is one GEMM over gradient rows as wide as the padded input and k² long contiguous additions
(Conv2DLayer._col2im_wide) instead of k² additions of short strided rows.
"""
from __future__ import annotations

import math
from typing import Any

import numpy as np

from .. import registry
from ..errors import ShapeError
from ..fastmath import col_sum, ones
from ..initializers import INITIALIZERS, initialize
from ..params import ParamSpec
from .activation_functions import OUTPUT_ACTIVATIONS, make_activation
from .base import Layer, Shape, fmt_shape
from .conv_geometry import PADDINGS, conv_output, gather, gather_matrix, scatter_add
from .dense import activation_params

# Inference on a large batch gathers its columns in chunks, so predicting 8,192 images never
# allocates gigabytes of columns (each chunk's columns stay below this many values).
_INFER_COLS = 1 << 22
# Below this many entries in the im2col matrix of one channel (h·w · k·k·oh·ow), gathering and
# scattering are matmuls with that 0/1 matrix (an 8 × 8 map with a 3 × 3 kernel: 36,864).
_MATRIX_ENTRIES = 40_000


class Conv2DLayer(Layer):
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
    def _padded_input(self, x: np.ndarray, key: str) -> np.ndarray:
        if not self.pad:
            return x
        n, c = x.shape[:2]
        hp, wp = self.padded
        xp = self.scratch(key, (n, c, hp, wp), x.dtype)
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

    def _columns(self, x: np.ndarray, key: str) -> np.ndarray:
        n = x.shape[0]
        k = self.k
        if self.small:
            c = self.in_c
            G = self._gather_matrix(x.dtype)
            cols = np.matmul(x.reshape(n * c, -1), G, out=self.scratch(key, (n * c, G.shape[1]), x.dtype))
            return cols.reshape(n, c * k * k, self.oh * self.ow)
        cols = self.scratch(key, (n, self.in_c, k, k, self.oh, self.ow), x.dtype)
        gather(self._padded_input(x, key + "_pad"), k, self.stride, self.oh, self.ow, cols)
        return cols.reshape(n, self.in_c * k * k, self.oh * self.ow)

    def _linear(self, x: np.ndarray, out: np.ndarray, key: str) -> np.ndarray:
        cols = self._columns(x, key)
        np.matmul(self.W2, cols, out=out.reshape(out.shape[0], out.shape[1], -1))
        if self.b is not None:
            out += self.b[:, None, None]
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
            step = max(1, _INFER_COLS // max(1, self.in_c * self.k * self.k * self.oh * self.ow))
            for i in range(0, n, step):
                self._linear(x[i:i + step], z[i:i + step], "inference_cols")
        if self.linear:
            if training or self.record:
                self.z = self.a = z
            return z
        a = self.activation.forward(z, self.out_buffer("a", shape, z.dtype, training))
        if training or self.record:
            self.z, self.a = z, a
        return a

    # ---- backward ------------------------------------------------------------------------
    def backward(self, da: np.ndarray) -> np.ndarray | None:
        if self.linear:
            return self.backward_pre(da)
        dz = self.activation.backward(self.z, self.a, da, self.scratch("dz", da.shape, da.dtype))
        return self.backward_pre(dz)

    def backward_pre(self, dz: np.ndarray) -> np.ndarray | None:
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
        if self.small:
            dcols = np.matmul(self.W2.T, dz3, out=self.scratch("dcols", cols.shape, dz.dtype))
            G = self._gather_matrix(dz.dtype)
            dx = np.matmul(dcols.reshape(n * c, -1), G.T, out=self.scratch("dx", (n * c, h * w), dz.dtype))
            return dx.reshape(n, c, h, w)
        if self.stride == 1:
            return self._col2im_wide(dz3)
        dcols = np.matmul(self.W2.T, dz3, out=self.scratch("dcols", cols.shape, dz.dtype))
        hp, wp = self.padded
        dxp = self.scratch("dx", (n, c, hp, wp), dz.dtype)
        dxp.fill(0)
        k = self.k
        scatter_add(dcols.reshape(n, c, k, k, self.oh, self.ow), k, self.stride, self.oh, self.ow, dxp)
        if self.pad:
            return dxp[:, :, self.pt:self.pt + h, self.pl:self.pl + w]
        return dxp

    def _col2im_wide(self, dz3: np.ndarray) -> np.ndarray:
        """∂L/∂x for stride 1 on large maps, with col2im as k² contiguous additions.

        dz is first copied into rows as wide as the padded input (the extra columns zero) and laid
        out filters-first, (F, N, OH·Wp). One GEMM Wᵀ @ dz then gives the column gradient
        (C·k·k, N, OH·Wp), in which kernel offset (i, j) of every sample and channel is one run of
        OH·Wp values that lands on the padded input, flattened, at i·Wp + j. Each addition is then a
        long contiguous pass instead of N·C·OH passes of only OW values (4× faster on 14 × 14 maps);
        the zero columns add nothing, and a spare row takes the last offsets' overrun.
        """
        n, f = dz3.shape[:2]
        c, h, w = self.in_shapes[0]
        k, oh, ow = self.k, self.oh, self.ow
        hp, wp = self.padded
        run = oh * wp
        dt = dz3.dtype
        wide = self.scratch("dz_wide", (f, n, oh, wp), dt)
        wide[..., ow:] = 0
        np.copyto(wide[..., :ow], dz3.reshape(n, f, oh, ow).transpose(1, 0, 2, 3))
        dcols = np.matmul(self.W2.T, wide.reshape(f, n * run),
                          out=self.scratch("dcols_wide", (c * k * k, n * run), dt))
        dcols = dcols.reshape(c, k * k, n, run)
        dxp = self.scratch("dx_wide", (n, c, (hp + 1) * wp), dt)
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


def _conv_check(params: dict[str, Any]) -> None:
    if params["initializer"] == "uniform":
        registry.require(
            params["init_low"] <= params["init_high"],
            f"Conv2D: uniform initializer needs init_low ≤ init_high, received {params['init_low']:g} and "
            f"{params['init_high']:g}",
        )


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
            ParamSpec("initializer", "choice", "he_uniform", "How W is drawn at reset (fan_in = channels·k·k)",
                      choices=INITIALIZERS),
            ParamSpec("init_low", "float", -0.5, "Lower bound of the uniform initializer",
                      visible_if=("initializer", ("uniform",))),
            ParamSpec("init_high", "float", 0.5, "Upper bound of the uniform initializer",
                      visible_if=("initializer", ("uniform",))),
            ParamSpec("bias_init", "float", 0.0, "Initial value of every bias"),
        ),
        shape_rule=_conv_shape,
        factory=Conv2DLayer,
        name_prefix="conv",
        check=_conv_check,
        has_weights=True,
    )
)
