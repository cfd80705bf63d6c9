"""The command line through main.main: train, info, predict and their one-line errors."""
from __future__ import annotations

import csv
import os
import select
import signal
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import main
from engine.fileformat import load

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "resources" / "examples"


def run(capsys, *args: str) -> tuple[int, str, str]:
    code = main.main([str(a) for a in args])
    out, err = capsys.readouterr()
    return code, out, err


def test_train_writes_weights_history_and_preprocessing(tmp_path, capsys):
    out = tmp_path / "circle.nnd"
    code, stdout, _ = run(capsys, "train", EXAMPLES / "circle.nnd", "--epochs", "20", "--out", out, "-q")
    assert code == 0
    assert "done: 20 epochs" in stdout and "test acc" in stdout and f"wrote {out}" in stdout
    doc = load(out)
    assert doc.weights and doc.preprocessing and len(doc.history["loss"]) == 20
    assert doc.history["loss"][-1] < doc.history["loss"][0]


def test_train_continues_from_saved_weights(tmp_path, capsys):
    first, second = tmp_path / "a.nnd", tmp_path / "b.nnd"
    run(capsys, "train", EXAMPLES / "xor.nnd", "--epochs", "5", "--out", first, "-q")
    code, stdout, _ = run(capsys, "train", first, "--epochs", "5", "--out", second, "-q")
    assert code == 0 and "done: 10 epochs" in stdout
    assert len(load(second).history["loss"]) == 10


def test_train_overrides_and_restart(tmp_path, capsys):
    out = tmp_path / "o.nnd"
    code, _, _ = run(capsys, "train", EXAMPLES / "xor.nnd", "--epochs", "2", "--lr", "0.1", "--batch-size", "25",
                     "--seed", "3", "--out", out, "-q")
    assert code == 0
    doc = load(out)
    assert (doc.training.learning_rate, doc.training.batch_size, doc.training.seed) == (0.1, 25, 3)


def test_train_without_out_says_it_did_not_save(capsys):
    code, stdout, _ = run(capsys, "train", EXAMPLES / "perceptron.nnd", "--epochs", "20", "-q")
    assert code == 0 and "acc 100.0%" in stdout and "not saved" in stdout


def test_progress_bar_goes_to_stderr(tmp_path, capsys):
    code, _, err = run(capsys, "train", EXAMPLES / "xor.nnd", "--epochs", "2")
    assert code == 0 and "epoch" in err and "left" in err


def test_ctrl_c_stops_cleanly_and_still_writes_out(tmp_path):
    out = tmp_path / "stopped.nnd"
    proc = subprocess.Popen(
        [sys.executable, str(ROOT / "main.py"), "train", str(EXAMPLES / "spiral.nnd"), "--epochs", "1000000",
         "--out", str(out)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT,
    )
    try:
        # Interrupt only once training runs: the progress bar's first line says so.
        ready, _, _ = select.select([proc.stderr], [], [], 60)
        assert ready, "training did not start"
        first_line = proc.stderr.readline()
        assert "epoch" in first_line
        proc.send_signal(signal.SIGINT)
        stdout, stderr = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 0, stderr
    assert "stopped:" in stdout and f"wrote {out}" in stdout
    assert "Traceback" not in stderr
    assert load(out).weights


def test_info_prints_the_summary_table(capsys):
    code, stdout, _ = run(capsys, "info", EXAMPLES / "spiral3.nnd")
    assert code == 0
    lines = stdout.splitlines()
    assert lines[0].split() == ["name", "type", "output", "shape", "parameters"]
    assert any(line.startswith("dense_1") and "Dense(16, tanh)" in line and "(16,)" in line and "128" in line
               for line in lines)
    assert "trainable parameters" in stdout and "trained: no" in stdout


def test_predict_writes_labels_and_probabilities(tmp_path, capsys):
    trained = tmp_path / "iris.nnd"
    run(capsys, "train", EXAMPLES / "iris.nnd", "--epochs", "30", "--out", trained, "-q")
    from engine.data import make_dataset

    iris = make_dataset("iris")
    rows = iris.X[::25]
    src = tmp_path / "new.csv"
    with open(src, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["petal_width", "sepal_length", "sepal_width", "petal_length"])  # other order: matched by name
        for r in rows:
            w.writerow([r[3], r[0], r[1], r[2]])
    dst = tmp_path / "out.csv"
    code, stdout, _ = run(capsys, "predict", trained, "--csv", src, "-o", dst)
    assert code == 0 and f"wrote {len(rows)} predictions" in stdout
    with open(dst) as f:
        table = list(csv.reader(f))
    assert table[0] == ["petal_width", "sepal_length", "sepal_width", "petal_length", "predicted",
                        "p(setosa)", "p(versicolor)", "p(virginica)"]  # IN's own columns, in IN's order
    labels = [r[4] for r in table[1:]]
    truth = [iris.class_names[k] for k in iris.y[::25]]
    assert np.mean(np.array(labels) == np.array(truth)) >= 0.8
    probs = np.array([[float(v) for v in r[5:]] for r in table[1:]])
    np.testing.assert_allclose(probs.sum(axis=1), 1.0, atol=1e-5)


def test_predict_keeps_every_input_column(tmp_path, capsys):
    trained = tmp_path / "iris.nnd"
    run(capsys, "train", EXAMPLES / "iris.nnd", "--epochs", "3", "--out", trained, "-q")
    src = tmp_path / "with_id.csv"
    src.write_text("id,sepal_length,sepal_width,petal_length,petal_width,species\n"
                   "a7,5.1,3.5,1.4,0.2,setosa\nb9,6.7,3.0,5.2,2.3,virginica\n")
    dst = tmp_path / "out.csv"
    assert run(capsys, "predict", trained, "--csv", src, "-o", dst)[0] == 0
    rows = list(csv.reader(dst.read_text().splitlines()))
    assert rows[0][:6] == ["id", "sepal_length", "sepal_width", "petal_length", "petal_width", "species"]
    assert rows[1][:6] == ["a7", "5.1", "3.5", "1.4", "0.2", "setosa"] and rows[0][6] == "predicted"


def test_train_checks_out_before_training(tmp_path, capsys):
    code, stdout, err = run(capsys, "train", EXAMPLES / "xor.nnd", "--out", tmp_path / "missing" / "x.nnd")
    assert code == 1 and "the folder" in err and "does not exist" in err and "done" not in stdout
    code, _, err = run(capsys, "train", EXAMPLES / "xor.nnd", "--out", tmp_path)
    assert code == 1 and "it is a folder" in err


def test_predict_needs_trained_weights(capsys):
    code, _, err = run(capsys, "predict", EXAMPLES / "iris.nnd", "--csv", "x.csv", "-o", "y.csv")
    assert code == 1 and "no trained weights: train it first" in err and err.count("\n") == 1


@pytest.mark.parametrize("content, expected", [
    (b"", "the file is empty"),
    (b"{not json", "invalid JSON at line 1"),
    (b'{"format": "something else"}', "not a NeuroCanvas network file"),
])
def test_broken_file_is_a_one_line_error(tmp_path, capsys, content, expected):
    bad = tmp_path / "bad.nnd"
    bad.write_bytes(content)
    for command in (["info", bad], ["train", bad], ["export", bad, "--format", "npz", "-o", tmp_path / "x.npz"]):
        code, _, err = run(capsys, *command)
        assert code != 0 and expected in err and err.count("\n") == 1 and "Traceback" not in err


def test_missing_file_and_bad_arguments(tmp_path, capsys):
    code, _, err = run(capsys, "info", tmp_path / "nope.nnd")
    assert code == 1 and "no such file" in err and err.count("\n") == 1
    code, _, err = run(capsys, "train", EXAMPLES / "xor.nnd", "--epochs", "zero")
    assert code != 0 and "invalid int value" in err and err.count("\n") == 1
    code, _, err = run(capsys, "train", EXAMPLES / "xor.nnd", "--epochs", "0")
    assert code != 0 and "--epochs must be at least 1" in err


def test_bad_csv_names_row_and_column(tmp_path, capsys):
    trained = tmp_path / "iris.nnd"
    run(capsys, "train", EXAMPLES / "iris.nnd", "--epochs", "2", "--out", trained, "-q")
    src = tmp_path / "bad.csv"
    src.write_text("sepal_length,sepal_width,petal_length,petal_width\n5.1,3.5,1.4,0.2\n4.9,abc,1.4,0.2\n")
    code, _, err = run(capsys, "predict", trained, "--csv", src, "-o", tmp_path / "o.csv")
    assert code == 1 and err.count("\n") == 1
    assert "row 3" in err and "sepal_width" in err


def test_mismatched_dataset_explains_the_fix(tmp_path, capsys):
    doc = load(EXAMPLES / "xor.nnd")
    doc.graph.set_params(doc.graph.find("input_1"), shape=[3])
    from engine.fileformat import save

    bad = tmp_path / "mismatch.nnd"
    save(doc, bad)
    code, _, err = run(capsys, "train", bad, "--epochs", "1", "-q")
    assert code == 1 and "set input_1's shape to [2]" in err


def test_cli_entry_point_runs_as_a_script():
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    res = subprocess.run([sys.executable, str(ROOT / "main.py"), "info", str(EXAMPLES / "xor.nnd")],
                         capture_output=True, text=True, env=env, timeout=60)
    assert res.returncode == 0 and "dense_1" in res.stdout


def test_train_then_export_onnx_as_documented(tmp_path, capsys):
    import onnxruntime as ort

    trained, model = tmp_path / "s.nnd", tmp_path / "s.onnx"
    assert run(capsys, "train", EXAMPLES / "spiral.nnd", "--epochs", "30", "--out", trained, "-q")[0] == 0
    code, stdout, _ = run(capsys, "export", trained, "--format", "onnx", "-o", model)
    assert code == 0 and f"wrote {model}" in stdout
    from engine.data import Preprocessor, make_dataset

    doc = load(trained)
    X = make_dataset("spiral").X[:50]
    labels, probs = Preprocessor.from_dict(doc.preprocessing).predict(doc.network(), X)
    session = ort.InferenceSession(str(model), providers=["CPUExecutionProvider"])
    got = dict(zip([o.name for o in session.get_outputs()], session.run(None, {"features": X.astype(np.float32)})))
    np.testing.assert_allclose(got["probabilities"], probs, atol=1e-5)
    assert list(got["label"]) == list(labels)


@pytest.mark.parametrize("fmt", ["npz", "json", "numpy", "torch"])
def test_export_every_format_writes_files(tmp_path, capsys, fmt):
    trained = tmp_path / "x.nnd"
    run(capsys, "train", EXAMPLES / "xor.nnd", "--epochs", "2", "--out", trained, "-q")
    code, stdout, _ = run(capsys, "export", trained, "--format", fmt, "-o", tmp_path / f"out_{fmt}")
    assert code == 0 and stdout.count("wrote ") >= 1
    for line in stdout.splitlines():
        assert Path(line.removeprefix("wrote ")).is_file()


def test_export_to_missing_folder_is_one_line(tmp_path, capsys):
    code, _, err = run(capsys, "export", EXAMPLES / "xor.nnd", "--format", "onnx", "-o", tmp_path / "no" / "x.onnx")
    assert code == 1 and err.startswith("warning: ") and "no trained weights" in err  # the warning, on stderr
    last = err.splitlines()[-1]
    assert last.startswith("neurocanvas: error:") and "does not exist" in last
