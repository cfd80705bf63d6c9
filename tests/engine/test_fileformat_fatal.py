"""The network file, fatal problems: one FileFormatError listing every one; load() errors."""
from __future__ import annotations

import json
import os

import pytest

from engine import fileformat
from engine.document import Document
from engine.fileformat import FileFormatError, dumps, load, loads, save

from tests.engine.fileformat_helpers import base


# ---- fatal problems: one FileFormatError listing every one ---------------------------------
def fatal(text) -> list[str]:
    with pytest.raises(FileFormatError) as info:
        loads(text)
    assert str(info.value)
    return info.value.problems


@pytest.mark.parametrize("text,expected", [
    ("", "the file is empty"),
    (b"  \n\t ", "the file is empty"),
    ("{\"format\": ", "not a NeuroCanvas network file: invalid JSON at line 1, column 12"),
    ("hello", "invalid JSON at line 1, column 1: Expecting value"),
    ("[1, 2]", "the top level is [1, 2], not an object"),
    ("42", "the top level is 42, not an object"),
    (b"\xff\xfe{}", "not UTF-8 text (byte 0 is 0xff)"),
    (b"PK\x03\x04\x14\x00", "invalid JSON"),
    ("[" * 100_000 + "]" * 100_000, "nested too deeply"),
])
def test_unreadable_text(text, expected):
    problems = fatal(text)
    assert len(problems) == 1 and expected in problems[0]


def test_wrong_format_tag_and_version_are_listed_together():
    problems = fatal('{"format": "other.tool", "version": "one", "graph": {}}')
    assert problems == ["format: not a NeuroCanvas network file (its format is \"other.tool\", not "
                        "'neurocanvas.network')", 'version: expected a whole number ≥ 0, received "one"']
    problems = fatal("{}")
    assert [p.path for p in problems] == ["format", "version"] and "there is no format tag" in problems[0]


def test_newer_version_asks_to_update():
    data = base()
    data["version"] = fileformat.VERSION + 1
    (problem,) = fatal(json.dumps(data))
    assert problem.path == "version" and "newer NeuroCanvas" in problem and "please update" in problem


@pytest.mark.parametrize("graph", [None, [], "nodes", 3])
def test_missing_graph(graph):
    data = base()
    if graph is None:
        del data["graph"]
    else:
        data["graph"] = graph
    data["view"] = [1]  # a non-fatal problem is listed too
    problems = fatal(json.dumps(data))
    assert [p.path for p in problems] == ["graph"]
    assert "there is no network to open" in problems[0]


def test_fatal_error_lists_collected_problems_too():
    data = base()
    del data["graph"]
    deep: list = []
    for _ in range(100):
        deep = [deep]
    data["view"] = deep
    problems = fatal(json.dumps(data))
    assert [p.path for p in problems][-1] == "graph" and "nested more than 64" in problems[0]


def test_error_message_names_the_file(tmp_path):
    target = tmp_path / "bad.nnd"
    target.write_bytes(b"\x00\x01")
    with pytest.raises(FileFormatError) as info:
        load(target)
    assert info.value.path == str(target) and str(info.value).startswith(str(target))
    err = FileFormatError(["a: b", "c: d"], "x.nnd")
    assert str(err) == "x.nnd: 2 problems: a: b; c: d"


def test_load_errors_are_file_format_errors(tmp_path):
    with pytest.raises(FileFormatError, match="no such file"):
        load(tmp_path / "missing.nnd")
    with pytest.raises(FileFormatError, match="is a folder"):
        load(tmp_path)
    with pytest.raises(FileFormatError, match="cannot be read"):
        load(str(tmp_path / "nul\0byte.nnd"))


def test_load_refuses_huge_files(tmp_path, monkeypatch):
    target = tmp_path / "big.nnd"
    target.write_text("{}")
    monkeypatch.setattr(fileformat, "MAX_FILE_BYTES", 1)
    with pytest.raises(FileFormatError, match="larger than"):
        load(target)


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root reads everything")
def test_unreadable_file(tmp_path):
    target = tmp_path / "secret.nnd"
    save(Document(), target)
    os.chmod(target, 0)
    with pytest.raises(FileFormatError, match="permission"):
        load(target)


def test_byte_order_mark_is_accepted():
    text = dumps(Document())
    assert loads(b"\xef\xbb\xbf" + text.encode()).problems == []
    assert loads("\ufeff" + text).problems == []


def test_loads_accepts_text_and_bytes_only():
    with pytest.raises(FileFormatError, match="expected text"):
        loads(12)  # type: ignore[arg-type]


def test_from_dict_does_not_modify_its_input():
    data = base()
    deep: list = []
    for _ in range(100):
        deep = [deep]
    data["view"] = {"deep": deep}
    data["graph"]["nodes"][1]["params"]["units"] = "x"
    before = json.dumps(data)
    fileformat.from_dict(data)
    assert json.dumps(data) == before
