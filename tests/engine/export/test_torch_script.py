"""The PyTorch script: an nn.Module mirroring the graph, raw features in, run in a separate
interpreter and compared with the engine to 1e-5. torch is not a NeuroCanvas dependency: these
tests run only where it is installed."""
from __future__ import annotations

import ast
import json

import numpy as np
import pytest

from engine.export import export_torch_script
from engine.export.codegen import RESERVED

pytest.importorskip("torch")

DRIVER = """
import importlib.util, json, sys
import numpy as np
import torch
report = {"module_names": sorted(set(dir(torch.nn.Module)) | set(vars(torch.nn.Module()))), "cases": {}}
for name in json.loads(sys.argv[1]):
    spec = importlib.util.spec_from_file_location(name, name + ".py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    X = np.load(name + "_X.npy")
    model = module.load()
    with torch.no_grad():
        output = model(torch.as_tensor(X)).numpy()
    out = {"output": output, "labels": model.predict_labels(X), "predict": module.predict(X)}
    if module.CLASS_NAMES is not None:
        out["proba"] = model.predict_proba(X)
    np.savez(name + "_out.npz", **out)
    report["cases"][name] = {
        "parameters": sum(p.numel() for p in model.parameters()),
        "training": model.training,
        "dtype": str(model.dtype),
        "state": sorted(model.state_dict()),
    }
print(json.dumps(report))
"""

NAMES = ["binary", "iris", "regression", "images", "zoo", "zoo64"]


@pytest.fixture(scope="module")
def generated(tmp_path_factory, cases, kit):
    folder = tmp_path_factory.mktemp("torch_scripts")
    for name in NAMES:
        case = cases[name]
        files = export_torch_script(case.net, folder / f"{name}.py", preprocessor=case.pre)
        assert files == [folder / f"{name}.py", folder / f"{name}.npz"]
        np.save(folder / f"{name}_X.npy", case.X)
    report = json.loads(kit.run_python("-c", DRIVER, json.dumps(NAMES), cwd=folder, timeout=300).stdout)
    outputs = {}
    for name in NAMES:
        with np.load(folder / f"{name}_out.npz", allow_pickle=False) as f:
            outputs[name] = {k: f[k] for k in f.files}
    return folder, report, outputs


@pytest.mark.parametrize("name", NAMES)
def test_module_matches_the_engine(name, generated, cases, kit):
    _, report, outputs = generated
    case, got = cases[name], outputs[name]
    output, values, probs = case.expected()
    np.testing.assert_allclose(got["output"], output, rtol=1e-5, atol=1e-5)
    info = report["cases"][name]
    assert info["parameters"] == case.net.parameter_count and info["training"] is False
    assert info["dtype"] == f"torch.{case.net.dtype.name}"
    if case.pre is None:
        np.testing.assert_allclose(got["labels"], output, rtol=1e-5, atol=1e-5)
    elif case.pre.is_classification:
        np.testing.assert_allclose(got["proba"], probs, rtol=1e-5, atol=1e-5)
        kit.assert_same_labels(got["labels"], values, probs)
        np.testing.assert_array_equal(got["predict"], got["labels"])
    else:
        np.testing.assert_allclose(got["labels"], values, rtol=1e-5, atol=1e-5 * float(case.pre.target_std))


def test_batchnorm_and_linear_weights_are_the_modules_state(generated):
    state = generated[1]["cases"]["binary"]["state"]
    assert {"hidden.weight", "hidden.bias", "norm.weight", "norm.bias", "norm.running_mean", "norm.running_var",
            "output.weight", "feature_mean", "feature_std"} <= set(state)


def test_node_names_never_shadow_torch_module_attributes(generated):
    public = {n for n in generated[1]["module_names"] if not n.startswith("_")}
    assert public <= RESERVED, sorted(public - RESERVED)


def test_the_source_is_valid_python_needing_only_torch_and_numpy(generated):
    folder = generated[0]
    for name in NAMES:
        tree = ast.parse((folder / f"{name}.py").read_text(encoding="utf-8"))
        compile(tree, name, "exec")
        imported = {a.name.split(".")[0] for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
        imported |= {n.module.split(".")[0] for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)}
        assert imported == {"__future__", "csv", "sys", "pathlib", "numpy", "torch"}
        assert "class NeuroCanvasNet(nn.Module)" in ast.unparse(tree)
