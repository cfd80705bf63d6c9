"""docs/file-format.md stays true: its tables match the code and its example file loads as shown."""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from engine import registry
from engine.file_sections import DATASET_KEYS
from engine.fileformat import TOP_LEVEL_KEYS, FileFormatError, dumps, loads
from engine.optim import OPTIMIZERS, SCHEDULE_PARAMS
from engine.trainer import TrainConfig

DOC = (Path(__file__).resolve().parents[2] / "docs" / "file-format.md").read_text(encoding="utf-8")


def show(value) -> str:
    return json.dumps(value)


def allowed(p) -> str:
    if p.kind == "choice":
        return ", ".join(str(c) for c in p.choices)
    if p.kind == "shape":
        return "1 to 4 sizes ≥ 1"
    if p.kind == "bool":
        return "true, false"
    lo = "" if p.minimum is None else f"{'>' if p.exclusive_min else '≥'} {p.minimum:g}"
    hi = "" if p.maximum is None else f"≤ {p.maximum:g}"
    return ", ".join(x for x in (lo, hi) if x) or "any"


def layer_table() -> str:
    """The parameter table of docs/file-format.md, built from the layer catalogue."""
    rows = ["| layer | input ports | parameter | kind | default | allowed |", "|---|---|---|---|---|---|"]
    for spec in registry.specs():
        ports = "in1 … inN (N = inputs)" if spec.variadic else (", ".join(spec.inputs) or "—")
        params = list(spec.params) or [None]
        for p in params:
            if p is None:
                rows.append(f"| {spec.type} | {ports} | — | | | |")
            else:
                rows.append(f"| {spec.type} | {ports} | {p.name} | {p.kind} | {show(p.default)} | {allowed(p)} |")
    return "\n".join(rows)


def training_rows() -> list[str]:
    return [f"| `{key}` | `{show(value)}` |" for key, value in TrainConfig().to_dict().items()]


def test_layer_parameter_table_matches_the_catalogue():
    assert layer_table() in DOC, "regenerate the table: print(tests.engine.test_fileformat_docs.layer_table())"


def test_training_defaults_table_matches_train_config():
    for row in training_rows():
        assert row in DOC, row


def test_every_key_is_documented():
    for key in TOP_LEVEL_KEYS + tuple(DATASET_KEYS) + ("id", "type", "name", "params", "pos", "src", "src_port",
                                                        "dst", "dst_port", "dtype", "shape", "data"):
        assert f"`{key}`" in DOC, key
    for name, cls in OPTIMIZERS.items():
        assert f"`{name}`" in DOC
        for p in cls.PARAMS:
            if p.name != "lr":
                assert f"`{p.name}`" in DOC, (name, p.name)
    for name, params in SCHEDULE_PARAMS.items():
        assert f"`{name}`" in DOC
        for p in params:
            assert f"`{p.name}`" in DOC, (name, p.name)


def test_example_file_opens_and_is_canonical():
    (example,) = re.findall(r"```json\n(.*?)```", DOC, flags=re.S)
    doc = loads(example)
    assert doc.problems == [] and doc.trained and doc.history["loss"][1] != doc.history["loss"][1]  # NaN
    assert dumps(doc) == example
    assert doc.network().predict([[1.0, 2.0]]).shape == (1, 1)


def test_broken_example_gives_the_problems_shown():
    (broken,) = re.findall(r"```json broken\n(.*?)```", DOC, flags=re.S)
    (listed,) = re.findall(r"```text problems\n(.*?)```", DOC, flags=re.S)
    assert loads(broken).problems == listed.splitlines()


FATAL = [
    ("", "the file is empty"),
    (b"\xe9t\xe9", "not a NeuroCanvas network file: not UTF-8 text (byte 0 is 0xe9)"),
    ("hello", "not a NeuroCanvas network file: invalid JSON at line 1, column 1: Expecting value"),
    ("[1, 2]", "not a NeuroCanvas network file: the top level is [1, 2], not an object"),
    ('{"format": "other", "version": 1}',
     "format: not a NeuroCanvas network file (its format is \"other\", not 'neurocanvas.network')"),
    ('{"format": "neurocanvas.network", "version": "one"}', 'version: expected a whole number ≥ 0, received "one"'),
    ('{"format": "neurocanvas.network", "version": 2, "graph": {}}',
     "version: the file was written by a newer NeuroCanvas (format version 2; this one reads up to 1): please "
     "update NeuroCanvas to open it"),
    ('{"format": "neurocanvas.network", "version": 1}', "graph: missing: there is no network to open"),
]


def test_fatal_messages_shown_are_real():
    for text, message in FATAL:
        with pytest.raises(FileFormatError) as info:
            loads(text)
        assert message in info.value.problems
        assert f"`{message}`" in DOC, message
