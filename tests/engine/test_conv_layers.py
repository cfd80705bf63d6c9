"""Conv2D, MaxPool2D, AvgPool2D, GlobalAveragePooling2D and Reshape on their own: forward against naive
loop references, ∂L/∂input and ∂L/∂params against finite differences (float64), float32 preserved,
the "same"/"valid" geometry and the shape messages.
"""
from __future__ import annotations

import numpy as np
import pytest

from engine import registry
from engine.errors import ShapeError
from engine.gradcheck import check_layer, failures, make_layer
from engine.layers.conv_geometry import conv_output


def assert_ok(rows) -> None:
    assert rows, "nothing was checked"
    assert not failures(rows), "\n".join(failures(rows))


def randomize(layer, seed: int = 3) -> None:
    rng = np.random.default_rng(seed)
    for p in layer.params.values():
        p[...] = rng.normal(size=p.shape)


# ---- naive references (loops are fine in tests) ------------------------------------------------

def conv_reference(x, W, b, stride, padding):
    n, c, h, w = x.shape
    f, _, k, _ = W.shape
    oh, pt, _ = conv_output(h, k, stride, padding)
    ow, pl, _ = conv_output(w, k, stride, padding)
    out = np.zeros((n, f, oh, ow))
    for s in range(n):
        for o in range(f):
            for y in range(oh):
                for xx in range(ow):
                    total = 0.0 if b is None else b[o]
                    for ch in range(c):
                        for i in range(k):
                            for j in range(k):
                                r, q = y * stride + i - pt, xx * stride + j - pl
                                if 0 <= r < h and 0 <= q < w:
                                    total += W[o, ch, i, j] * x[s, ch, r, q]
                    out[s, o, y, xx] = total
    return out


def pool_reference(x, p, stride, reduce):
    n, c, h, w = x.shape
    oh, ow = (h - p) // stride + 1, (w - p) // stride + 1
    out = np.zeros((n, c, oh, ow))
    for s in range(n):
        for ch in range(c):
            for y in range(oh):
                for xx in range(ow):
                    out[s, ch, y, xx] = reduce(x[s, ch, y * stride:y * stride + p, xx * stride:xx * stride + p])
    return out


# ---- geometry ------------------------------------------------------------------------------------

@pytest.mark.parametrize("size,k,stride,padding,expected", [
    (8, 3, 1, "valid", (6, 0, 0)),
    (8, 3, 1, "same", (8, 1, 1)),
    (8, 3, 2, "same", (4, 0, 1)),   # TF: pad_total 1, the odd pixel goes after
    (7, 3, 2, "same", (4, 1, 1)),
    (5, 4, 1, "same", (5, 1, 2)),
    (5, 1, 3, "same", (2, 0, 0)),
    (7, 3, 2, "valid", (3, 0, 0)),
    (4, 5, 1, "same", (4, 2, 2)),
])
def test_conv_output_follows_keras(size, k, stride, padding, expected) -> None:
    assert conv_output(size, k, stride, padding) == expected


# ---- Conv2D --------------------------------------------------------------------------------------

CONV_CASES = [
    # (in_shape, filters, k, stride, padding)
    ((1, 5, 5), 2, 3, 1, "valid"),
    ((3, 6, 5), 4, 3, 1, "same"),
    ((2, 7, 7), 3, 3, 2, "same"),
    ((2, 7, 6), 3, 3, 2, "valid"),
    ((2, 5, 5), 2, 2, 1, "same"),    # even kernel: the extra pixel of padding goes after
    ((3, 4, 4), 2, 1, 1, "valid"),   # 1 × 1 convolution
    ((2, 6, 6), 3, 4, 2, "same"),
]


@pytest.fixture(params=["matrix", "slices", "big"])
def im2col(request, monkeypatch) -> str:
    """Every way of gathering columns: per sample, by a 0/1 matmul (small maps) or by k² strided
    slices (large maps with few rows C·k·k), and for one GEMM over the batch ("big": wide rows for
    stride 1, strided copies otherwise)."""
    import engine.layers.conv as conv

    monkeypatch.setattr(conv, "_MATRIX_ENTRIES", 10**9 if request.param == "matrix" else 0)
    monkeypatch.setattr(conv, "_BIG_GEMM_ROWS", 0 if request.param == "big" else 10**9)
    return request.param


@pytest.mark.parametrize("in_shape,filters,k,stride,padding", CONV_CASES)
def test_conv_forward_matches_naive_loops(im2col, in_shape, filters, k, stride, padding) -> None:
    layer = make_layer("Conv2D", [in_shape], filters=filters, kernel_size=k, stride=stride, padding=padding,
                       activation="linear")
    assert layer.small == (im2col == "matrix")
    assert (layer.layout == "per_sample") == (im2col != "big")
    randomize(layer)
    x = np.random.default_rng(0).normal(size=(3,) + in_shape)
    expected = conv_reference(x, layer.params["W"], layer.params["b"], stride, padding)
    assert layer.out_shape == expected.shape[1:]
    np.testing.assert_allclose(layer.forward(x, False), expected, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(layer.forward(x, True), expected, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("in_shape,filters,k,stride,padding", CONV_CASES)
def test_conv_gradient(im2col, in_shape, filters, k, stride, padding) -> None:
    layer = make_layer("Conv2D", [in_shape], filters=filters, kernel_size=k, stride=stride, padding=padding,
                       activation="tanh")
    randomize(layer)
    layer.params["W"] *= 0.3
    rows = check_layer(layer, [np.random.default_rng(1).normal(size=(2,) + in_shape)])
    assert [r.key for r in rows] == ["dx", "W", "b"]
    assert_ok(rows)


@pytest.mark.parametrize("stride", [1, 2])
def test_conv_relu_without_bias_gradient(im2col, stride) -> None:
    layer = make_layer("Conv2D", [(2, 5, 5)], filters=3, stride=stride, use_bias=False)
    assert (layer.layout == "per_sample") == (im2col != "big")
    x = np.random.default_rng(2).normal(size=(2, 2, 5, 5))
    rows = check_layer(layer, [x])
    assert [r.key for r in rows] == ["dx", "W"]
    assert_ok(rows)


def test_conv_weights_are_oihw_with_he_fan_in() -> None:
    layer = make_layer("Conv2D", [(3, 8, 8)], filters=16, kernel_size=5)
    assert layer.params["W"].shape == (16, 3, 5, 5) and layer.params["b"].shape == (16,)
    assert layer.parameter_count == 16 * 3 * 25 + 16
    limit = np.sqrt(6 / (3 * 25))
    assert np.abs(layer.params["W"]).max() <= limit and np.abs(layer.params["W"]).max() > 0.9 * limit


def test_conv_keeps_float32_and_a_large_inference_batch_in_chunks(im2col) -> None:
    layer = make_layer("Conv2D", [(2, 9, 9)], dtype="float32", filters=4, padding="same", activation="linear")
    x = np.random.default_rng(0).normal(size=(3000, 2, 9, 9)).astype(np.float32)
    y = layer.forward(x, False)
    assert y.dtype == np.float32
    ref = conv_reference(x[-2:].astype(np.float64), layer.params["W"].astype(np.float64),
                         layer.params["b"].astype(np.float64), 1, "same")
    np.testing.assert_allclose(y[-2:], ref, rtol=1e-4, atol=1e-5)
    assert layer.forward(x[:64], True).dtype == np.float32
    assert layer.backward(np.ones((64, 4, 9, 9), np.float32)).dtype == np.float32


def test_conv_exposes_z_and_backward_pre_like_dense() -> None:
    layer = make_layer("Conv2D", [(1, 4, 4)], filters=2, activation="sigmoid", padding="same")
    x = np.random.default_rng(0).normal(size=(2, 1, 4, 4))
    a = layer.forward(x, True)
    np.testing.assert_allclose(a, 1 / (1 + np.exp(-layer.z)))
    dz = np.random.default_rng(1).normal(size=a.shape)
    via_pre = layer.backward_pre(dz).copy()
    np.testing.assert_allclose(layer.backward(dz / (a * (1 - a))), via_pre, rtol=1e-10)


# ---- pooling -------------------------------------------------------------------------------------

POOL_CASES = [((2, 4, 4), 2, 2), ((3, 5, 7), 2, 2), ((2, 6, 6), 3, 3), ((2, 5, 5), 3, 2), ((1, 5, 4), 2, 1)]


@pytest.mark.parametrize("in_shape,p,stride", POOL_CASES)
@pytest.mark.parametrize("kind,reduce", [("MaxPool2D", np.max), ("AvgPool2D", np.mean)])
def test_pool_forward_matches_naive_loops(kind, reduce, in_shape, p, stride) -> None:
    layer = make_layer(kind, [in_shape], pool_size=p, stride=stride)
    x = np.random.default_rng(0).normal(size=(3,) + in_shape)
    expected = pool_reference(x, p, stride, reduce)
    assert layer.out_shape == expected.shape[1:]
    np.testing.assert_allclose(layer.forward(x, False), expected, rtol=1e-13)
    np.testing.assert_allclose(layer.forward(x, True), expected, rtol=1e-13)


@pytest.mark.parametrize("in_shape,p,stride", POOL_CASES)
@pytest.mark.parametrize("kind", ["MaxPool2D", "AvgPool2D"])
def test_pool_gradient(kind, in_shape, p, stride) -> None:
    layer = make_layer(kind, [in_shape], pool_size=p, stride=stride)
    # distinct values far apart, so no finite difference changes which value is the maximum
    rng = np.random.default_rng(1)
    x = rng.permutation(np.arange(2 * np.prod(in_shape))).reshape((2,) + in_shape) * 0.1
    assert_ok(check_layer(layer, [x]))


def test_maxpool_routes_a_tie_to_the_first_maximum() -> None:
    layer = make_layer("MaxPool2D", [(1, 2, 4)])
    x = np.array([[[[1.0, 5.0, 2.0, 2.0], [5.0, 0.0, 2.0, 2.0]]]])
    np.testing.assert_array_equal(layer.forward(x, True), [[[[5.0, 2.0]]]])
    dx = layer.backward(np.array([[[[10.0, 20.0]]]]))
    np.testing.assert_array_equal(dx, [[[[0, 10, 20, 0], [0, 0, 0, 0]]]])


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_maxpool_2x2_fast_path_equals_the_window_offsets(dtype) -> None:
    """2 × 2 / stride 2 pooling of an even map runs as pairs of pairs; it must route every gradient
    exactly as the offset-by-offset path does, ties (all-zero windows after a ReLU) included."""
    fast = make_layer("MaxPool2D", [(3, 6, 8)], dtype=dtype)
    slow = make_layer("MaxPool2D", [(3, 6, 8)], dtype=dtype)
    slow.pairs = False
    assert fast.pairs
    rng = np.random.default_rng(4)
    x = np.maximum(np.round(rng.normal(size=(5, 3, 6, 8)), 1), 0).astype(dtype)  # many ties, many zeros
    dy = rng.normal(size=(5, 3, 3, 4)).astype(dtype)
    np.testing.assert_array_equal(fast.forward(x, True), slow.forward(x, True))
    np.testing.assert_array_equal(fast.forward(x, False), slow.forward(x, False))
    np.testing.assert_array_equal(fast.backward(dy), slow.backward(dy))
    # a strided (non-contiguous) gradient, as the Conv2D after the pool hands back
    wide = np.zeros((5, 3, 5, 6), dtype)
    wide[:, :, 1:4, 1:5] = dy
    np.testing.assert_array_equal(fast.backward(wide[:, :, 1:4, 1:5]), slow.backward(dy))


@pytest.mark.parametrize("padding", ["same", "valid"])
def test_conv_col2im_of_long_rows_equals_the_strided_slices(im2col, padding) -> None:
    """Stride 1 on large maps: ∂L/∂x through wide rows and one GEMM equals the k² slice additions."""
    from engine.layers.conv_geometry import scatter_add

    layer = make_layer("Conv2D", [(3, 9, 7)], filters=4, kernel_size=3, padding=padding, activation="linear")
    randomize(layer)
    rng = np.random.default_rng(5)
    x = rng.normal(size=(2, 3, 9, 7))
    layer.forward(x, True)
    dz = rng.normal(size=(2,) + layer.out_shape)
    got = layer.backward_pre(dz)
    n, f = dz.shape[:2]
    dcols = np.matmul(layer.W2.T, dz.reshape(n, f, -1)).reshape(n, 3, 3, 3, layer.oh, layer.ow)
    dxp = np.zeros((n, 3) + layer.padded)
    scatter_add(dcols, 3, 1, layer.oh, layer.ow, dxp)
    want = dxp[:, :, layer.pt:layer.pt + 9, layer.pl:layer.pl + 7]
    np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-12)


def test_overlapping_maxpool_adds_the_gradients_of_shared_pixels() -> None:
    layer = make_layer("MaxPool2D", [(1, 2, 3)], pool_size=2, stride=1)
    x = np.array([[[[0.0, 9.0, 0.0], [0.0, 0.0, 0.0]]]])
    layer.forward(x, True)
    np.testing.assert_array_equal(layer.backward(np.array([[[[1.0, 2.0]]]])), [[[[0, 3, 0], [0, 0, 0]]]])


def test_global_average_pooling() -> None:
    layer = make_layer("GlobalAveragePooling2D", [(3, 4, 5)])
    x = np.random.default_rng(0).normal(size=(2, 3, 4, 5))
    assert layer.out_shape == (3,)
    np.testing.assert_allclose(layer.forward(x, False), x.mean(axis=(2, 3)), rtol=1e-13)
    assert_ok(check_layer(layer, [x]))


# ---- Reshape -------------------------------------------------------------------------------------

def test_reshape_is_row_major_and_its_gradient_reshapes_back() -> None:
    layer = make_layer("Reshape", [(12,)], shape=[3, 2, 2])
    x = np.arange(24.0).reshape(2, 12)
    np.testing.assert_array_equal(layer.forward(x, False), x.reshape(2, 3, 2, 2))
    assert_ok(check_layer(layer, [x]))
    assert layer.backward(np.ones((2, 3, 2, 2))).shape == (2, 12)


# ---- shape rules and messages --------------------------------------------------------------------

def shape_of(type_name: str, in_shape, **params):
    spec = registry.get(type_name)
    return spec.shape_rule(spec.make_params(params), [tuple(in_shape)])


@pytest.mark.parametrize("type_name,in_shape,params,message", [
    ("Conv2D", (64,), {}, "Conv2D expects an image (channels, height, width) but receives (64,): add Reshape "
                          "with shape [1, 8, 8], or load the dataset as images"),
    ("Conv2D", (8, 8), {}, "add Reshape with shape [1, 8, 8]"),
    ("Conv2D", (1, 4, 4), {"kernel_size": 5},
     "Conv2D: kernel 5 is larger than the padded input 4 × 4: use padding same or a smaller kernel"),
    ("Conv2D", (1, 8, 8), {"activation": "softmax"}, "GlobalAveragePooling2D or Flatten"),
    ("MaxPool2D", (4, 1, 1), {}, "MaxPool2D: pool 2 is larger than the input 1 × 1"),
    ("AvgPool2D", (10,), {}, "AvgPool2D expects an image"),
    ("GlobalAveragePooling2D", (10,), {}, "GlobalAveragePooling2D expects an image"),
    ("Reshape", (64,), {"shape": [1, 9, 9]}, "Reshape: (64,) has 64 values, [1, 9, 9] needs 81"),
])
def test_shape_messages_teach_the_fix(type_name, in_shape, params, message) -> None:
    with pytest.raises(ShapeError, match=message.replace("(", r"\(").replace(")", r"\)").replace("[", r"\[")):
        shape_of(type_name, in_shape, **params)


def test_shapes_and_defaults() -> None:
    assert shape_of("Conv2D", (1, 8, 8)) == (8, 6, 6)
    assert shape_of("Conv2D", (1, 8, 8), padding="same", filters=4) == (4, 8, 8)
    assert shape_of("Conv2D", (1, 4, 4), padding="same", kernel_size=5) == (8, 4, 4)
    assert shape_of("MaxPool2D", (3, 7, 8)) == (3, 3, 4)
    assert shape_of("GlobalAveragePooling2D", (5, 3, 3)) == (5,)
    assert shape_of("Reshape", (64,)) == (1, 8, 8)
    spec = registry.get("Conv2D")
    assert spec.category == "Convolution" and spec.name_prefix == "conv" and spec.has_weights
    assert registry.get("GlobalAveragePooling2D").name_prefix == "gap"
    defaults = spec.params.defaults()
    assert defaults["activation"] == "relu" and defaults["initializer"] == "he_uniform"
    assert defaults["padding"] == "valid" and defaults["filters"] == 8


@pytest.mark.parametrize("alias,expected", [("conv", "Conv2D"), ("Convolution", "Conv2D"), ("maxpool", "MaxPool2D"),
                                            ("avgpool", "AvgPool2D"), ("gap", "GlobalAveragePooling2D"),
                                            ("GlobalAveragePooling", "GlobalAveragePooling2D"),
                                            ("reshape_layer", "Reshape")])
def test_aliases_suggest_the_layer(alias, expected) -> None:
    with pytest.raises(Exception, match=f"Did you mean {expected}"):
        registry.get(alias)


def test_layers_doc_examples_run(capsys, run_doc_examples) -> None:
    assert run_doc_examples("layers.md") >= 1
    out = capsys.readouterr().out
    assert "(32, 4, 4) (16, 1, 3, 3)" in out and "(5, 10)" in out and "(4, 0, 1)" in out
    assert "add Reshape with shape [1, 8, 8]" in out
