"""A CSV dataset's path is relative to the network file, and saving elsewhere keeps it pointing at the data."""
from __future__ import annotations

from engine.document import Document
from engine.fileformat import load, save


def test_save_as_in_another_folder_re_aims_the_csv_path(tmp_path):
    data_dir, other = tmp_path / "data", tmp_path / "elsewhere" / "deeper"
    data_dir.mkdir()
    other.mkdir(parents=True)
    (data_dir / "points.csv").write_text("x1,x2,y\n0,0,0\n0,1,1\n1,0,1\n1,1,1\n")
    doc = Document()
    doc.dataset = {"kind": "csv", "path": str(data_dir / "points.csv"), "target": "y", "train_ratio": 1.0,
                   "seed": 0}
    save(doc, data_dir / "net.nnd")
    assert load(data_dir / "net.nnd").dataset["path"] == "points.csv"

    moved = load(data_dir / "net.nnd")
    save(moved, other / "net.nnd")
    reopened = load(other / "net.nnd")
    assert reopened.dataset["path"] == "../../data/points.csv"
    assert open_session_data_rows(reopened) == 4


def test_absolute_csv_path_is_made_relative(tmp_path):
    (tmp_path / "d.csv").write_text("a,y\n1,0\n2,1\n3,0\n4,1\n")
    doc = Document()
    doc.dataset = {"kind": "csv", "path": str(tmp_path / "d.csv"), "target": "y", "train_ratio": 0.5, "seed": 0}
    save(doc, tmp_path / "n.nnd")
    assert load(tmp_path / "n.nnd").dataset["path"] == "d.csv"


def open_session_data_rows(doc) -> int:
    from engine.data import load_spec
    from engine.session import document_dir

    return load_spec(doc.dataset, document_dir(doc)).n_samples

