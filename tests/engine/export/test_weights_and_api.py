"""The weights formats (.npz, JSON) round trip, and export() itself: formats, Documents, paths, errors."""
from __future__ import annotations

import json
import os
import zipfile

import numpy as np
import pytest

import engine
from engine.data import Preprocessor
from engine.document import Document
from engine.export import (
    DESCRIPTIONS,
    FORMATS,
    SUFFIXES,
    ExportError,
    export,
    export_json,
    export_npz,
    import_json,
    import_npz,
)


def fresh(case):
    """The same graph compiled again with other initial weights."""
    return engine.Network(case.graph, seed=99, dtype=case.net.dtype)


@pytest.mark.parametrize("name", ["binary", "images", "zoo64"])
def test_npz_round_trip_sets_the_weights_back(name, cases, tmp_path):
    case = cases[name]
    (path,) = export_npz(case.net, tmp_path / "w.npz")
    weights = case.net.get_weights()
    with zipfile.ZipFile(path) as z:  # one plain .npy per "<node name>/<param>"
        assert sorted(z.namelist()) == sorted(f"{k}.npy" for k in weights)
    back = import_npz(path)
    assert back.keys() == weights.keys()
    for key, value in weights.items():
        assert back[key].dtype == value.dtype and back[key].shape == value.shape
        np.testing.assert_array_equal(back[key], value)
    other = fresh(case)
    assert not np.array_equal(other.predict(case.X[:5] if case.pre is None else case.pre.transform(case.X[:5])),
                              case.net.predict(case.X[:5] if case.pre is None else case.pre.transform(case.X[:5])))
    import_npz(path, net=other)
    X = case.X if case.pre is None else case.pre.transform(case.X)
    np.testing.assert_array_equal(other.predict(X), case.net.predict(X))


def test_json_holds_weights_as_lists_with_shapes_layers_and_preprocessing(cases, tmp_path):
    case = cases["iris"]
    (path,) = export_json(case.net, tmp_path / "iris", preprocessor=case.pre)
    assert path == tmp_path / "iris.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data["format"] == "neurocanvas.weights" and data["dtype"] == "float32"
    assert data["class_names"] == ["setosa", "versicolor", "virginica"]
    assert Preprocessor.from_dict(data["preprocessing"]) == case.pre
    assert [layer["name"] for layer in data["layers"]] == ["hidden", "norm", "drop", "output"]
    assert data["layers"][0]["inputs"] == ["x"] and data["layers"][0]["config"]["activation"] == "gelu"
    w = data["weights"]["hidden/W"]
    assert w["shape"] == [4, 8] and len(w["data"]) == 4 and len(w["data"][0]) == 8
    back = import_json(path)
    for key, value in case.net.get_weights().items():
        assert back[key].dtype == value.dtype
        np.testing.assert_array_equal(back[key], value)  # float32 -> JSON number -> float32 is exact
    other = fresh(case)
    import_json(path, net=other)
    X = case.pre.transform(case.X)
    np.testing.assert_array_equal(other.predict(X), case.net.predict(X))


def test_json_without_preprocessing(cases, tmp_path):
    data = json.loads(export_json(cases["zoo"].net, tmp_path / "z.json")[0].read_text(encoding="utf-8"))
    assert data["preprocessing"] is None and data["class_names"] is None
    assert data["weights"]["bn/running_var"]["shape"] == [66]


def test_import_errors_name_the_file(tmp_path, cases):
    with pytest.raises(ExportError, match="missing.npz: the file does not exist"):
        import_npz(tmp_path / "missing.npz")
    (tmp_path / "junk.npz").write_bytes(b"not a zip")
    with pytest.raises(ExportError, match="junk.npz: not a NumPy .npz"):
        import_npz(tmp_path / "junk.npz")
    (tmp_path / "other.json").write_text('{"format": "something"}', encoding="utf-8")
    with pytest.raises(ExportError, match="not a NeuroCanvas weights file"):
        import_json(tmp_path / "other.json")
    (path,) = export_npz(cases["binary"].net, tmp_path / "binary.npz")
    with pytest.raises(ValueError, match="Weights do not match the network"):
        import_npz(path, net=cases["zoo"].net)


def test_formats_and_descriptions():
    assert FORMATS == ("npz", "json", "onnx", "numpy", "torch")
    assert set(DESCRIPTIONS) == set(SUFFIXES) == set(FORMATS)
    assert all(DESCRIPTIONS[f] for f in FORMATS)


def test_export_a_document_in_every_format(cases, tmp_path):
    case = cases["binary"]
    doc = Document(graph=case.graph, preprocessing=case.pre.to_dict(), weights=case.net.get_weights(),
                   path=str(tmp_path / "xor.nnd"))
    written = {f: export(doc, tmp_path / f"xor_{f}", f) for f in FORMATS}
    assert written == {
        "npz": [tmp_path / "xor_npz.npz"], "json": [tmp_path / "xor_json.json"], "onnx": [tmp_path / "xor_onnx.onnx"],
        "numpy": [tmp_path / "xor_numpy.py", tmp_path / "xor_numpy.npz"],
        "torch": [tmp_path / "xor_torch.py", tmp_path / "xor_torch.npz"],
    }
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # no temporary files left behind
    # the Document's own weights and preprocessing were used
    np.testing.assert_array_equal(import_npz(tmp_path / "xor_npz.npz")["output/W"], case.net.get_weights()["output/W"])
    data = json.loads((tmp_path / "xor_json.json").read_text(encoding="utf-8"))
    assert data["preprocessing"] == case.pre.to_dict()
    # a preprocessor passed explicitly (here as its dict) overrides the document's
    other = Preprocessor.from_dict({**case.pre.to_dict(), "class_names": ["orange", "blue"]})
    export(doc, tmp_path / "renamed.json", "json", preprocessor=other.to_dict())
    assert json.loads((tmp_path / "renamed.json").read_text(encoding="utf-8"))["class_names"] == ["orange", "blue"]


def test_unknown_format_lists_the_valid_ones(cases, tmp_path):
    with pytest.raises(ExportError, match="Unknown export format 'tflite'; choose one of npz, json, onnx, numpy, torch"):
        export(cases["binary"].net, tmp_path / "x", "tflite")


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_missing_folder_is_a_clear_error(fmt, cases, tmp_path):
    target = tmp_path / "no" / "such" / "net"
    with pytest.raises(ExportError) as info:
        export(cases["binary"].net, target, fmt, preprocessor=cases["binary"].pre)
    message = str(info.value)
    assert str(target.parent) in message and "does not exist" in message
    assert isinstance(info.value, ValueError) and isinstance(info.value, engine.NeuroCanvasError)


def test_a_folder_is_not_a_file_name(cases, tmp_path):
    with pytest.raises(ExportError, match="it is a folder; give a file name"):
        export(cases["binary"].net, tmp_path, "npz")
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(ExportError, match="is not a folder"):
        export(cases["binary"].net, blocker / "net.npz", "npz")


def test_suffixes(cases, tmp_path):
    net = cases["zoo"].net
    assert export(net, tmp_path / "a.weights", "npz") == [tmp_path / "a.weights"]  # a given suffix is kept
    assert export(net, tmp_path / "b", "numpy") == [tmp_path / "b.py", tmp_path / "b.npz"]
    assert export(net, tmp_path / "c.v2", "torch") == [tmp_path / "c.v2.py", tmp_path / "c.v2.npz"]
    assert export(net, str(tmp_path / "d.onnx"), "onnx") == [tmp_path / "d.onnx"]


def test_mismatched_preprocessing_is_refused(cases, tmp_path):
    with pytest.raises(ExportError, match="3 classes"):
        export(cases["binary"].net, tmp_path / "x.py", "numpy", preprocessor=_three_class_pre(cases))
    with pytest.raises(ExportError, match="Expected a Document or a Network"):
        export("net.nnd", tmp_path / "x.npz", "npz")


def _three_class_pre(cases):
    d = cases["binary"].pre.to_dict()
    return Preprocessor.from_dict({**d, "task": "multiclass", "class_names": ["a", "b", "c"]})


def test_files_are_replaced_atomically(cases, tmp_path):
    target = tmp_path / "net.onnx"
    target.write_bytes(b"old")
    os.chmod(target, 0o640)
    export(cases["binary"].net, target, "onnx")
    assert target.read_bytes() != b"old" and (target.stat().st_mode & 0o777) == 0o640
