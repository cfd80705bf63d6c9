"""IDX files (MNIST's format): header parsing, gzip, validation with clear messages, the dataset spec."""
from __future__ import annotations

import gzip
import struct

import numpy as np
import pytest

from engine.data import IDXError, ImageError, load_idx, prepare, read_idx


def idx_bytes(array: np.ndarray, code: int = 0x08) -> bytes:
    dtype = {0x08: ">u1", 0x09: ">i1", 0x0B: ">i2", 0x0C: ">i4", 0x0D: ">f4", 0x0E: ">f8"}[code]
    header = struct.pack(">BBBB", 0, 0, code, array.ndim) + struct.pack(f">{array.ndim}I", *array.shape)
    return header + np.asarray(array, dtype=dtype).tobytes()


@pytest.fixture
def mnist_like(tmp_path):
    rng = np.random.default_rng(0)
    images = rng.integers(0, 256, (12, 5, 4), dtype=np.uint8)
    labels = np.array([3, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5, 8], dtype=np.uint8)
    (tmp_path / "train-images-idx3-ubyte").write_bytes(idx_bytes(images))
    (tmp_path / "train-labels-idx1-ubyte.gz").write_bytes(gzip.compress(idx_bytes(labels)))
    return tmp_path, images, labels


def test_read_idx_every_type_code(tmp_path):
    for code, values in ((0x08, [0, 255]), (0x09, [-128, 127]), (0x0B, [-300, 300]), (0x0C, [-70000, 7]),
                         (0x0D, [0.5, -1.25]), (0x0E, [1e-300, 2.0])):
        array = np.array([values, values])
        (tmp_path / "a.idx").write_bytes(idx_bytes(array, code))
        out = read_idx(tmp_path / "a.idx")
        assert out.shape == (2, 2) and out.tolist() == array.tolist() and out.dtype.isnative


def test_load_idx_gives_images_in_unit_range_and_label_classes(mnist_like):
    folder, images, labels = mnist_like
    ds = load_idx(folder / "train-images-idx3-ubyte", folder / "train-labels-idx1-ubyte.gz")
    assert ds.X.shape == (12, 1, 5, 4) and ds.X.max() <= 1.0
    assert np.allclose(ds.X[:, 0] * 255, images)
    assert ds.class_names == ["1", "2", "3", "4", "5", "6", "8", "9"] and ds.task == "multiclass"
    assert [ds.class_names[i] for i in ds.y] == [str(v) for v in labels]
    assert ds.name == "train" and len(ds.feature_names) == 20
    assert load_idx(folder / "train-images-idx3-ubyte", folder / "train-labels-idx1-ubyte.gz", limit=4).n_samples == 4


def test_gzipped_images_and_the_spec(mnist_like):
    folder, images, _ = mnist_like
    (folder / "imgs.gz").write_bytes(gzip.compress(idx_bytes(images)))
    spec = {"kind": "idx", "images": "imgs.gz", "labels": "train-labels-idx1-ubyte.gz", "limit": 10,
            "train_ratio": 0.5, "seed": 0}
    prepared = prepare(spec, base_dir=folder)
    assert prepared.train.n_samples == 5 and prepared.test.n_samples == 5
    pre = prepared.preprocessor
    assert pre.standardize and pre.input_shape == (1, 5, 4) and pre.mean.shape == (1, 1, 1)


@pytest.mark.parametrize("content, message", [
    (b"\x01\x02\x08\x01", "x.idx: not an IDX file (it starts with bytes 01 02 08 01;"),
    (b"\x00\x00", "x.idx: too short for an IDX file (2 bytes"),
    (b"\x00\x00\x07\x01\x00\x00\x00\x01\x05", "x.idx: unknown IDX type code 0x07"),
    (b"\x00\x00\x08\x03\x00\x00\x00\x01", "x.idx: the header is cut short: 3 dimensions need 16 bytes, the file has 8"),
    (idx_bytes(np.zeros((3, 2, 2)))[:-1], "x.idx: is cut short: a 3 × 2 × 2 array of unsigned bytes needs 12 bytes of "
                                           "data, the file has 11"),
    (idx_bytes(np.zeros(3)) + b"\x00", "x.idx: has extra bytes at the end"),
    (gzip.compress(idx_bytes(np.zeros(3)))[:-6], "x.idx: a damaged gzip file"),
    (b"\x00\x00\x08\x00", "x.idx: the header gives 0 dimensions"),
])
def test_corrupt_files_are_named_with_the_reason(tmp_path, content, message):
    (tmp_path / "x.idx").write_bytes(content)
    with pytest.raises(IDXError) as info:
        read_idx(tmp_path / "x.idx")
    assert str(info.value).startswith(message) and isinstance(info.value, ImageError)


def test_mismatched_or_swapped_files_are_explained(mnist_like, tmp_path):
    folder, images, labels = mnist_like
    img, lab = folder / "train-images-idx3-ubyte", folder / "train-labels-idx1-ubyte.gz"
    with pytest.raises(IDXError, match=r"\(is it the labels file\?\)"):
        load_idx(lab, img)
    (folder / "short-labels").write_bytes(idx_bytes(labels[:7]))
    with pytest.raises(IDXError, match="train-images-idx3-ubyte has 12 images but short-labels has 7 labels"):
        load_idx(img, folder / "short-labels")
    (folder / "one").write_bytes(idx_bytes(np.array([1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1])))
    with pytest.raises(IDXError, match=r"only one label \(1\)"):
        load_idx(img, folder / "one")
    with pytest.raises(IDXError, match="no such file"):
        load_idx(folder / "missing", lab)
    with pytest.raises(ValueError, match="limit must be"):
        load_idx(img, lab, limit=1)
    (folder / "int-images").write_bytes(idx_bytes(images.astype(np.int32), 0x0C))
    with pytest.raises(IDXError, match="pixels of type int32 are not supported"):
        load_idx(folder / "int-images", lab)


def test_float_pixels_are_kept(tmp_path):
    X = np.linspace(0, 1, 2 * 3 * 3).reshape(2, 3, 3)
    (tmp_path / "f").write_bytes(idx_bytes(X, 0x0D))
    (tmp_path / "l").write_bytes(idx_bytes(np.array([0, 1])))
    ds = load_idx(tmp_path / "f", tmp_path / "l")
    assert ds.task == "binary" and np.allclose(ds.X[:, 0], X, atol=1e-7)


def test_a_gzipped_file_is_read_in_pieces_with_progress_and_cancellation(tmp_path):
    from engine.data import idx as idx_module
    from engine.data.progress import LoadCancelled

    X = np.random.default_rng(0).integers(0, 256, (300, 40, 40), dtype=np.uint8)
    path = tmp_path / "x-images-idx3-ubyte.gz"
    path.write_bytes(gzip.compress(idx_bytes(X)))
    seen = []
    old = idx_module.CHUNK
    idx_module.CHUNK = 50_000  # several pieces for a small file
    try:
        assert np.array_equal(idx_module.read_idx(path, lambda d, t: seen.append((d, t)), lambda: False), X)
        size = path.stat().st_size
        assert len(seen) > 3 and seen[0] == (0, size) and seen[-1] == (size, size)
        assert [d for d, _ in seen] == sorted(d for d, _ in seen)
        with pytest.raises(LoadCancelled):
            idx_module.read_idx(path, None, lambda: True)
        two = tmp_path / "two.gz"  # two gzip members, as `cat a.gz b.gz` makes
        raw = idx_bytes(X)
        two.write_bytes(gzip.compress(raw[:1000]) + gzip.compress(raw[1000:]))
        assert np.array_equal(idx_module.read_idx(two, None, lambda: False), X)
        with pytest.raises(IDXError, match="damaged gzip"):
            (tmp_path / "cut.gz").write_bytes(path.read_bytes()[:-6])
            idx_module.read_idx(tmp_path / "cut.gz", None, lambda: False)
    finally:
        idx_module.CHUNK = old
