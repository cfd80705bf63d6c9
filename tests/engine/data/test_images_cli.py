"""The command line with image data: info names it, train runs on it, predict takes images or IDX files."""
from __future__ import annotations

import csv
import gzip
import struct

import numpy as np
from PIL import Image

import main
from engine.document import Document
from engine.fileformat import save
from tests.engine.data.test_images_fileformat import image_folder, small_network


def run(capsys, *args) -> tuple[int, str, str]:
    code = main.main([str(a) for a in args])
    out, err = capsys.readouterr()
    return code, out, err


def network_file(tmp_path, dataset) -> str:
    doc = Document()
    doc.graph = small_network()
    doc.dataset = dataset
    doc.training.learning_rate = 0.1
    path = tmp_path / "net.nnd"
    save(doc, path)
    return str(path)


def test_info_train_and_predict_on_an_image_folder(tmp_path, capsys):
    image_folder(tmp_path / "shades")
    net = network_file(tmp_path, {"kind": "images", "path": str(tmp_path / "shades"), "size": [4, 4],
                                  "train_ratio": 0.5, "seed": 0})
    code, out, _ = run(capsys, "info", net)
    assert code == 0 and "dataset: image folder shades (automatic colour, resized to 4 × 4), train ratio 0.5" in out
    code, out, _ = run(capsys, "train", net, "--epochs", "30", "--out", net, "-q")
    assert code == 0 and "test acc 100.0%" in out
    # new images: a bright RGB one of another size, and a dark one
    Image.fromarray(np.full((9, 7, 3), 240, dtype=np.uint8), "RGB").save(tmp_path / "bright.png")
    Image.fromarray(np.full((4, 4), 20, dtype=np.uint8), "L").save(tmp_path / "dark.bmp")
    dst = tmp_path / "out.csv"
    code, out, _ = run(capsys, "predict", net, "--images", tmp_path / "bright.png", tmp_path / "dark.bmp", "-o", dst)
    assert code == 0 and "wrote 2 predictions" in out
    rows = list(csv.reader(dst.read_text().splitlines()))
    assert rows[0] == ["file", "predicted", "p(dark)", "p(light)"]
    assert [r[1] for r in rows[1:]] == ["light", "dark"]
    code, out, _ = run(capsys, "predict", net, "--images", tmp_path / "shades", "-o", dst)
    assert code == 0 and "wrote 20 predictions" in out
    code, _, err = run(capsys, "predict", net, "--csv", tmp_path / "x.csv", "-o", dst)
    assert code == 1 and "this network takes images: use --images or --idx" in err
    (tmp_path / "bad.png").write_bytes(b"nope")
    code, _, err = run(capsys, "predict", net, "--images", tmp_path / "bad.png", "-o", dst)
    assert code == 1 and "bad.png: cannot read this image" in err and err.count("\n") == 1


def test_predict_on_idx_images_and_a_bad_idx_dataset(tmp_path, capsys):
    rng = np.random.default_rng(0)
    y = np.repeat([0, 1], 10).astype(np.uint8)
    X = (rng.random((20, 4, 4)) * 100 + 150 * y[:, None, None]).astype(np.uint8)
    (tmp_path / "i.gz").write_bytes(gzip.compress(struct.pack(">BBBBIII", 0, 0, 8, 3, 20, 4, 4) + X.tobytes()))
    (tmp_path / "l").write_bytes(struct.pack(">BBBBI", 0, 0, 8, 1, 20) + y.tobytes())
    net = network_file(tmp_path, {"kind": "idx", "images": str(tmp_path / "i.gz"), "labels": str(tmp_path / "l"),
                                  "limit": 20, "train_ratio": 0.5})
    code, out, _ = run(capsys, "info", net)
    assert "dataset: IDX images i.gz, labels l, first 20 samples, train ratio 0.5" in out
    assert run(capsys, "train", net, "--epochs", "30", "--out", net, "-q")[0] == 0
    dst = tmp_path / "o.csv"
    code, out, _ = run(capsys, "predict", net, "--idx", tmp_path / "i.gz", "-o", dst)
    rows = list(csv.reader(dst.read_text().splitlines()))
    assert code == 0 and rows[0] == ["index", "predicted", "p(0)", "p(1)"] and len(rows) == 21
    assert np.mean([r[1] == str(t) for r, t in zip(rows[1:], y)]) >= 0.9
    broken = network_file(tmp_path, {"kind": "idx", "images": str(tmp_path / "l"), "labels": str(tmp_path / "i.gz")})
    code, _, err = run(capsys, "train", broken, "--epochs", "1", "-q")
    assert code == 1 and "(is it the labels file?)" in err
