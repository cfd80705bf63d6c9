"""The standalone NumPy script: valid Python needing only NumPy, run in a separate interpreter, and
its predictions equal the engine's exactly (same operations, order and dtype)."""
from __future__ import annotations

import ast
import json
import subprocess
import sys

import numpy as np
import pytest

import engine
from engine.export import export, export_numpy_script

STDLIB = {"__future__", "csv", "math", "sys", "pathlib"}
NEVER = ("engine", "gui", "torch", "onnx", "onnxruntime", "PySide6")

DRIVER = """
import importlib.util, json, sys
import numpy as np
for name in json.loads(sys.argv[1]):
    spec = importlib.util.spec_from_file_location(name, name + ".py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    X = np.load(name + "_X.npy")
    out = {"network_output": module.network_output(X), "predict": module.predict(X)}
    if module.CLASS_NAMES is not None:
        out["predict_proba"] = module.predict_proba(X)
    np.savez(name + "_out.npz", **out)
print(json.dumps(sorted(m for m in sys.modules if m.split(".")[0] in %r)))
""" % (NEVER,)


def odd_names_graph(kit):
    """Node names that are not Python identifiers, or that the script itself uses."""
    return kit.graph([
        ("np", "Input", (), {"shape": [3]}),
        ("my-layer.1", "Dense", ("np",), {"units": 4, "activation": "sigmoid"}),
        ("sigmoid", "Dense", ("np",), {"units": 4, "activation": "elu"}),
        ("_w", "Add", ("my-layer.1", "sigmoid"), {}),
        ("class", "Dense", ("_w",), {"units": 2, "activation": "softmax"}),
    ])


@pytest.fixture(scope="module")
def generated(tmp_path_factory, cases, kit):
    """Every case exported and run once in a fresh interpreter: name -> (case, X, outputs, source)."""
    folder = tmp_path_factory.mktemp("numpy_scripts")
    runs = {name: (case, case.X) for name, case in cases.items()}
    big = kit.raw((9000, 2), seed=11)  # more rows than one forward pass (8,192)
    runs["chunked"] = (cases["binary"], big)
    odd = kit.randomize(engine.Network(odd_names_graph(kit), seed=0))
    runs["odd_names"] = (kit.Case(odd, None, kit.raw((20, 3))), kit.raw((20, 3)))
    for name, (case, X) in runs.items():
        files = export_numpy_script(case.net, folder / name, preprocessor=case.pre)
        assert files == [folder / f"{name}.py", folder / f"{name}.npz"]
        np.save(folder / f"{name}_X.npy", X)
    result = kit.run_python("-I", "-c", DRIVER, json.dumps(list(runs)), cwd=folder)
    assert json.loads(result.stdout) == [], "the scripts imported more than NumPy"
    out = {}
    for name, (case, X) in runs.items():
        with np.load(folder / f"{name}_out.npz", allow_pickle=False) as f:
            out[name] = (case, X, {k: f[k] for k in f.files}, (folder / f"{name}.py").read_text(encoding="utf-8"))
    return folder, out


def _expected(case, X):
    if case.pre is None:
        out = case.net.predict(X)
        return out, out, None
    out = case.net.predict(case.pre.transform(X))
    return (out, *case.pre.decode(out))


@pytest.mark.parametrize("name", ["binary", "iris", "regression", "images", "digits", "zoo", "zoo64", "chunked",
                                  "odd_names"])
def test_predictions_equal_the_engine_exactly(name, generated):
    case, X, got, _ = generated[1][name]
    output, labels, probs = _expected(case, X)
    assert got["network_output"].dtype == output.dtype
    np.testing.assert_array_equal(got["network_output"], output)
    np.testing.assert_array_equal(got["predict"], labels)
    if probs is None:
        assert "predict_proba" not in got
    else:
        np.testing.assert_array_equal(got["predict_proba"], probs)


def test_the_source_is_valid_python_importing_only_numpy(generated):
    for name, (case, _, _, source) in generated[1].items():
        tree = ast.parse(source)
        compile(tree, f"{name}.py", "exec")
        imported = {a.name.split(".")[0] for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
        imported |= {n.module.split(".")[0] for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)}
        assert imported == STDLIB | {"numpy"}, name


def test_the_header_names_the_network_and_the_layers_in_order(generated, tmp_path, cases):
    source = generated[1]["binary"][3]
    doc = ast.get_docstring(ast.parse(source))
    assert "binary.npz" in doc and "NeuroCanvas" in doc
    order = [line.split()[0] for line in doc.split("Layers, in execution order")[1].split("\n\n")[0].splitlines()[1:]]
    assert order == ["x", "hidden", "norm", "drop", "output"]
    body = source.split("def network(x):")[1]
    positions = [body.index(f"    {n} = ") for n in ["x_", "hidden", "norm", "drop", "output"]]  # x is taken
    assert positions == sorted(positions)
    doc_file = engine.document.Document(graph=cases["binary"].graph, weights=cases["binary"].net.get_weights(),
                                        path="/data/my nets/xor.nnd")
    script = export(doc_file, tmp_path / "xor", "numpy")[0]
    assert "Produced from /data/my nets/xor.nnd" in script.read_text(encoding="utf-8")
    assert 'network "xor"' in script.read_text(encoding="utf-8")


def test_command_line_reads_a_csv_by_column_name(generated, kit):
    folder, runs = generated
    case, X, _, _ = runs["binary"]
    X = X[:25]
    _, labels, probs = _expected(case, X)
    lines = ["note,x2,x1"] + [f"row{i},{b!r},{a!r}" for i, (a, b) in enumerate(X.tolist())]  # reordered + extra
    (folder / "new.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    printed = kit.run_python("binary.py", "new.csv", cwd=folder).stdout.split()
    assert printed == labels.tolist()
    printed = kit.run_python("binary.py", "new.csv", "--proba", cwd=folder).stdout.splitlines()
    assert printed[0] == "0,1"
    np.testing.assert_array_equal(np.array([[float(v) for v in row.split(",")] for row in printed[1:]]), probs)


def test_command_line_headerless_semicolons_regression_and_errors(generated, kit):
    folder, runs = generated
    case, X, _, _ = runs["iris"]
    (folder / "flowers.csv").write_text("\n".join(";".join(map(repr, row)) for row in X.tolist()), encoding="utf-8")
    printed = kit.run_python("iris.py", "flowers.csv", cwd=folder).stdout.split()
    assert printed == _expected(case, X)[1].tolist()

    case, X, _, _ = runs["regression"]
    (folder / "sine.csv").write_text("x\n" + "\n".join(repr(v) for v in X[:, 0].tolist()), encoding="utf-8")
    printed = kit.run_python("regression.py", "sine.csv", cwd=folder).stdout.split()
    np.testing.assert_array_equal(np.array(printed, dtype=float), _expected(case, X)[1])

    (folder / "bad.csv").write_text("sepal_length,petal_width\n1,2\n", encoding="utf-8")
    bad = subprocess.run([sys.executable, "iris.py", "bad.csv"], cwd=folder, capture_output=True, text=True)
    assert bad.returncode != 0 and "no column named 'sepal_width'" in bad.stderr
    bad = subprocess.run([sys.executable, "regression.py", "sine.csv", "--proba"], cwd=folder,
                         capture_output=True, text=True)
    assert bad.returncode != 0 and "no class probabilities" in bad.stderr
