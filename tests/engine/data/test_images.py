"""Image folders (one sub-folder per class) -> Dataset (N, C, H, W) in [0, 1], with clear errors."""
from __future__ import annotations

import json

import numpy as np
import pytest
from PIL import Image

from engine.data import ImageError, Preprocessor, load_image_folder, make_dataset, prepare
from engine.data.images import image_files_in, load_image_files
from engine.data.spec import is_image_spec, path_keys


def grey(value: int, size=(6, 4)) -> Image.Image:
    """A (height, width) = size greyscale image of one value."""
    return Image.fromarray(np.full(size, value, dtype=np.uint8), "L")


def make_folder(root, classes: dict[str, list[Image.Image]], suffix: str = ".png"):
    for name, images in classes.items():
        (root / name).mkdir(parents=True, exist_ok=True)
        for i, img in enumerate(images):
            img.save(root / name / f"{i}{suffix}")
    return root


@pytest.fixture
def shapes(tmp_path):
    return make_folder(tmp_path / "shapes", {"square": [grey(0), grey(51)], "circle": [grey(255), grey(102), grey(204)]})


def test_a_folder_of_classes_gives_sorted_classes_and_scaled_pixels(shapes):
    ds = load_image_folder(shapes)
    assert ds.class_names == ["circle", "square"] and ds.task == "binary" and ds.name == "shapes"
    assert ds.X.shape == (5, 1, 6, 4) and ds.X.dtype == np.float32
    assert ds.y.tolist() == [0, 0, 0, 1, 1]
    # circle/0.png, 1.png, 2.png then square/0.png, 1.png: values / 255
    assert ds.X[:, 0, 0, 0].tolist() == pytest.approx([1.0, 0.4, 0.8, 0.0, 0.2])
    assert ds.meta["color"] == "grey" and ds.meta["size"] == [6, 4] and ds.meta["files"] == [3, 2]
    assert len(ds.feature_names) == 24 and ds.feature_names[:2] == ["px_0_0", "px_0_1"]


def test_colour_defaults_to_grey_only_when_every_image_is_grey(tmp_path):
    grey_rgb = Image.fromarray(np.full((3, 3, 3), 90, dtype=np.uint8), "RGB")  # RGB file, grey content
    root = make_folder(tmp_path / "a", {"x": [grey(10, (3, 3))], "y": [grey_rgb]})
    assert load_image_folder(root).X.shape == (2, 1, 3, 3)
    red = Image.fromarray(np.dstack([np.full((3, 3), 255, np.uint8), np.zeros((3, 3), np.uint8),
                                     np.zeros((3, 3), np.uint8)]), "RGB")
    red.save(root / "y" / "red.png")
    ds = load_image_folder(root)
    assert ds.X.shape == (3, 3, 3, 3) and ds.meta["color"] == "rgb"
    assert ds.X[0, :, 0, 0].tolist() == pytest.approx([10 / 255] * 3)      # grey spread over R, G, B
    assert ds.X[2, :, 0, 0].tolist() == [1.0, 0.0, 0.0]                      # y/red.png sorts after y/0.png
    assert ds.feature_names[0] == "r_0_0" and ds.feature_names[-1] == "b_2_2"
    forced = load_image_folder(root, color="grey")
    assert forced.X.shape == (3, 1, 3, 3) and forced.X[2, 0, 0, 0] == pytest.approx(76 / 255, abs=1 / 255)


def test_jpeg_bmp_gif_and_palette_images_are_read(tmp_path):
    root = tmp_path / "mixed"
    make_folder(root, {"a": [grey(200, (5, 5))]}, ".jpg")
    make_folder(root, {"b": [grey(50, (5, 5))]}, ".bmp")
    make_folder(root, {"c": [grey(120, (5, 5)).convert("P")]}, ".gif")
    (root / "c" / "notes.txt").write_text("not an image: ignored")
    ds = load_image_folder(root)
    assert ds.class_names == ["a", "b", "c"] and ds.X.shape == (3, 1, 5, 5)
    assert ds.X[:, 0, 2, 2] == pytest.approx([200 / 255, 50 / 255, 120 / 255], abs=3 / 255)


def test_mixed_sizes_need_a_size_and_are_resized(tmp_path):
    root = make_folder(tmp_path / "m", {"a": [grey(0, (8, 8))], "b": [grey(255, (10, 6))]})
    with pytest.raises(ImageError) as info:
        load_image_folder(root)
    assert str(info.value) == ("images differ in size: m/a/0.png is 8 × 8 (height × width) but m/b/0.png is "
                               "10 × 6 (height × width); choose a size to resize them to (\"size\": [height, width])")
    ds = load_image_folder(root, size=(4, 3))
    assert ds.X.shape == (2, 1, 4, 3) and ds.X[1].min() == pytest.approx(1.0)


@pytest.mark.parametrize("setup, message", [
    (lambda r: None, "shapes: the image folder does not exist"),
    (lambda r: r.mkdir(), "shapes: no images to learn from: it has no PNG, JPEG, BMP or GIF images in sub-folders"),
    (lambda r: make_folder(r, {"only": [grey(1)]}), "shapes: has one class folder ('only'); classification needs "
                                                    "at least 2 sub-folders, one per class"),
    (lambda r: (make_folder(r, {"a": [grey(1)]}), (r / "b").mkdir()), "shapes/b: the class folder has no PNG, JPEG, "
                                                                     "BMP or GIF images; add some or remove the folder"),
    (lambda r: (r.mkdir(), grey(1).save(r / "loose.png")), "its 1 images lie directly in it"),
    (lambda r: (make_folder(r, {"a": [grey(1)], "b": [grey(2)]}), (r / "b" / "bad.png").write_bytes(b"garbage")),
     "shapes/b/bad.png: cannot read this image (not a PNG, JPEG, BMP or GIF image)"),
])
def test_clear_errors_name_the_folder_or_file(tmp_path, setup, message):
    root = tmp_path / "shapes"
    setup(root)
    with pytest.raises(ImageError) as info:
        load_image_folder(root)
    assert message in str(info.value) and isinstance(info.value, ValueError)


def test_a_truncated_png_names_the_file(tmp_path):
    root = make_folder(tmp_path / "t", {"a": [grey(1, (40, 40))], "b": [grey(2, (40, 40))]})
    data = (root / "b" / "0.png").read_bytes()
    (root / "b" / "0.png").write_bytes(data[: len(data) // 2])
    with pytest.raises(ImageError, match=r"^t/b/0\.png: cannot read this image"):
        load_image_folder(root)


def test_bad_options_are_refused(shapes):
    with pytest.raises(ValueError, match="color must be"):
        load_image_folder(shapes, color="cmyk")
    with pytest.raises(ValueError, match=r"size must be \[height, width\]"):
        load_image_folder(shapes, size=(0, 4))
    with pytest.raises(ImageError, match="shapes: the folder has 5 images, fewer than a train ratio of 0.1"):
        load_image_folder(shapes, train_ratio=0.1)


def test_spec_prepare_relative_path_and_per_channel_standardisation(shapes):
    spec = {"kind": "images", "path": "shapes", "color": None, "size": None, "train_ratio": 0.6, "seed": 1}
    assert is_image_spec(spec) and path_keys(spec) == ("path",)
    prepared = prepare(spec, base_dir=shapes.parent)
    pre = prepared.preprocessor
    assert prepared.train.n_samples == 3 and pre.standardize  # images are standardised by default
    assert pre.mean.shape == (1, 1, 1) and pre.network_input_shape == (1, 6, 4)
    saved = json.loads(json.dumps(pre.to_dict()))
    assert saved["input_shape"] == [1, 6, 4] and len(saved["mean"]) == 1 and len(saved["std"]) == 1
    assert Preprocessor.from_dict(saved) == pre
    Z = pre.transform(prepared.train.X)
    assert Z.mean() == pytest.approx(0.0, abs=1e-12) and Z.std() == pytest.approx(1.0)


def test_rgb_statistics_are_per_channel(tmp_path):
    rng = np.random.default_rng(0)
    imgs = [Image.fromarray((rng.random((4, 4, 3)) * [255, 100, 10]).astype(np.uint8), "RGB") for _ in range(6)]
    root = make_folder(tmp_path / "c", {"a": imgs[:3], "b": imgs[3:]})
    pre = prepare({"kind": "images", "path": str(root), "train_ratio": 1.0}).preprocessor
    assert pre.mean.shape == (3, 1, 1) and pre.mean[0, 0, 0] > pre.mean[1, 0, 0] > pre.mean[2, 0, 0]
    assert len(pre.to_dict()["mean"]) == 3


def test_digits_as_images_is_standardised_with_one_channel():
    spec = {"kind": "generator", "name": "digits", "flat": False, "train_ratio": 0.7}
    assert is_image_spec(spec) and not is_image_spec({**spec, "flat": True})
    pre = prepare(spec).preprocessor
    assert pre.input_shape == (1, 8, 8) and pre.mean.shape == (1, 1, 1)
    assert make_dataset("digits", flat=False).X.shape == (1797, 1, 8, 8)


def test_prediction_images_are_converted_and_resized(tmp_path, shapes):
    rgb = Image.fromarray(np.full((12, 8, 3), 255, dtype=np.uint8), "RGB")
    rgb.save(tmp_path / "big.png")
    X = load_image_files([tmp_path / "big.png", shapes / "square" / "1.png"], (1, 6, 4))
    assert X.shape == (2, 1, 6, 4) and X[0].min() == pytest.approx(1.0) and X[1, 0, 0, 0] == pytest.approx(0.2)
    assert [p.name for p in image_files_in(shapes)] == ["0.png", "1.png", "2.png", "0.png", "1.png"]


def test_two_thousand_small_pngs_load(tmp_path):
    """bench/files.py times this load."""
    rng = np.random.default_rng(0)
    root = tmp_path / "many"
    for k in range(10):
        (root / str(k)).mkdir(parents=True)
        for i in range(200):
            Image.fromarray(rng.integers(0, 256, (28, 28), dtype=np.uint8), "L").save(root / str(k) / f"{i}.png")
    ds = load_image_folder(root)
    assert ds.X.shape == (2000, 1, 28, 28) and ds.class_names == [str(k) for k in range(10)]


def test_reading_images_reports_progress_and_can_be_cancelled(tmp_path):
    """The hooks a GUI uses to show "12,000 / 60,000" and to stop a slow folder (no Qt in the engine)."""
    from PIL import Image

    from engine.data.images import load_image_folder, read_images
    from engine.data.progress import CHECK_EVERY, LoadCancelled

    for k, name in enumerate(["a", "b"]):
        (tmp_path / name).mkdir()
        for i in range(CHECK_EVERY + 5):
            Image.fromarray(np.full((3, 4), 60 * k, np.uint8), "L").save(tmp_path / name / f"{i}.png")
    n = 2 * (CHECK_EVERY + 5)
    seen = []
    ds = load_image_folder(tmp_path, progress=lambda done, total: seen.append((done, total)), cancelled=lambda: False)
    assert ds.X.shape == (n, 1, 3, 4)
    assert seen == [(0, n), (CHECK_EVERY, n), (2 * CHECK_EVERY, n), (n, n)]
    asked = []

    def cancelled():
        asked.append(1)
        return len(asked) > 1  # stop at the second check

    files = sorted(tmp_path.glob("*/*.png"))
    with pytest.raises(LoadCancelled):
        read_images(files, cancelled=cancelled)
    assert len(asked) == 2
