"""The examples in docs/datasets.md run as written, and its error table matches the real messages."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from engine.data import CSVError, load_csv

DOC = Path(__file__).resolve().parents[3] / "docs" / "datasets.md"


def test_examples_run(capsys, run_doc_examples):
    assert run_doc_examples("datasets.md") >= 4
    out = capsys.readouterr().out
    assert "(500, 2) (250, 4) 4" in out
    assert "['versicolor']" in out
    assert "300 3" in out
    assert "flowers.csv, row 6, column 2 'width': missing value" in out
    assert "binary ['large', 'small'] [6]" in out


# (file contents, load_csv options) that produce each message quoted in the doc's error table
ERROR_CASES = [
    ("a,b,c\n1,2,x\n3,abc,y\n", {}),
    ("a;b;c\n1;2,5;0\n3;4;1\n", {}),
    ("a,b,c\n1,2,0\n\n3,4\n5,6,1\n", {}),
    ("a;b;c\n1;2;0\n3;4;1;9\n", {}),
    ("a,b,c\n1,2,0\n3,,1\n5,6,1\n", {}),
    ("", {}),
    ("a,b,c\n", {}),
    ("a,b,kind\n1,2,cat\n3,4,cat\n", {"task": "classification"}),
    ("a,b\n1,0\n", {}),
    ("a,b\n1,0\n2,1\n3,0\n", {"train_ratio": 0.2}),
    ("a,t\n1,2.5\n2,high\n3,1.0\n", {"task": "regression"}),
    ("a,b,c\n1,2,0\n3,4,1\n", {"target": "d"}),
    ("a,b,a\n1,2,0\n3,4,1\n", {}),
    ("a,b\n1,0\n".encode() + "2,caf\u00e9\n".encode("latin-1"), {}),
]


def test_error_table_quotes_the_real_messages(tmp_path):
    documented = re.findall(r"^\| [^|]+ \| `(data\.csv[^`]*)` \|$", DOC.read_text(encoding="utf-8"), flags=re.M)
    produced = []
    for text, options in ERROR_CASES:
        path = tmp_path / "data.csv"
        path.write_bytes(text if isinstance(text, bytes) else text.encode())
        with pytest.raises(CSVError) as info:
            load_csv(path, **options)
        produced.append(str(info.value))
    assert documented == produced
