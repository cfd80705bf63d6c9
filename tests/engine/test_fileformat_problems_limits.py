"""The network file, non-fatal problems at the limits: non-finite and huge values, deep nesting, long
strings, many problems, and their order."""
from __future__ import annotations

import json
import tracemalloc

import engine
from engine.file_sections import MAX_PROBLEMS
from engine.fileformat import dumps, loads

from tests.engine.fileformat_helpers import reload, base, open_dict, problems_of, only


def test_nan_and_infinity_literals_are_tolerated():
    text = dumps(open_dict(base())).replace('"l1": 0.0', '"l1": NaN').replace('"zoom"', '"zoom"')
    text = text.replace('"view": {}', '"view": {"zoom": Infinity}')
    doc = loads(text)
    assert [p.path for p in doc.problems] == ["training.l1", "view.zoom"]


def test_huge_numbers_do_not_crash():
    data = base()
    data["weights"] = None
    data["graph"]["nodes"][0]["params"]["shape"] = [10**100]
    data["graph"]["nodes"][1]["params"]["units"] = -10**100
    data["training"]["learning_rate"] = 1e308
    data["history"]["loss"] = [10**100, 1e308]
    text = json.dumps(data).replace('"epochs": 100', '"epochs": ' + "9" * 5000)
    doc = loads(text)
    paths = [p.path for p in doc.problems]
    assert paths == ["graph.nodes[0].params.shape", "graph.nodes[1].params.units", "training.epochs"]
    assert "more than the 10,000,000 NeuroCanvas handles" in doc.problems[0]
    assert doc.training.learning_rate == 1e308 and doc.history["loss"] == [1e100, 1e308]
    engine.analyze(doc.graph)


def test_huge_weight_shapes_do_not_allocate():
    """Input [9,000,000] → Concat (18 million values) → BatchNorm → Dense, with weights."""
    data = base()
    data["graph"]["nodes"][0]["params"]["shape"] = [9_000_000]
    data["graph"]["nodes"][1:1] = [{"id": "e" * 32, "type": "Concat", "name": "cat", "params": {}, "pos": [0, 0]},
                                   {"id": "f" * 32, "type": "BatchNorm", "name": "bn", "params": {}, "pos": [0, 0]}]
    data["graph"]["edges"][0] = {"src": "a" * 32, "dst": "e" * 32, "dst_port": "in1"}
    data["graph"]["edges"] += [{"src": "a" * 32, "dst": "e" * 32, "dst_port": "in2"},
                               {"src": "e" * 32, "dst": "f" * 32}, {"src": "f" * 32, "dst": "b" * 32}]

    def peak_while_loading(text):
        tracemalloc.start()
        try:
            doc = loads(text)
            return doc, tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()

    data["weights"]["dense/W"] = {"dtype": "float64", "shape": [50_000_000, 1], "data": "AAAA"}
    doc, peak = peak_while_loading(json.dumps(data))
    assert peak < 50 * 2**20, peak
    assert "characters of base64" in only(doc.problems, 'weights["dense/W"].data')
    data["weights"]["dense/W"] = base()["weights"]["dense/W"]
    doc, peak = peak_while_loading(json.dumps(data))
    assert peak < 50 * 2**20, peak
    assert "too large to check the weights" in only(doc.problems, "weights")
    assert engine.analyze(doc.graph).shapes["f" * 32] == (18_000_000,)


def test_deep_nesting_inside_a_section_is_cut():
    data = base()
    deep: list = []
    for _ in range(200):
        deep = [deep]
    data["view"] = {"deep": deep}
    data["graph"]["nodes"][1]["params"]["units"] = deep
    doc = open_dict(data)
    assert doc.problems[0].startswith("view.deep[0][0]") and "nested more than 64 levels" in doc.problems[0]
    assert doc.problems[1].startswith("graph.nodes[1].params.units")
    assert reload(doc) == doc


def test_very_long_strings_give_short_messages():
    data = base()
    data["weights"] = None
    data["graph"]["nodes"][1]["params"]["activation"] = "x" * 1_000_000
    data["graph"]["nodes"][2]["name"] = "y" * 1_000_000
    data["graph"]["nodes"][3]["type"] = "z" * 1_000_000
    data["dataset"]["w" * 1000] = 1
    doc = open_dict(data)
    assert [p.path for p in doc.problems] == ["graph.nodes[1].params.activation", "graph.nodes[2].name",
                                              "graph.nodes[3].type", "graph.edges[2].dst",
                                              'dataset["' + "w" * 39 + '…"]']
    assert all(len(p) < 600 for p in doc.problems)


def test_too_many_problems_are_counted_not_listed():
    data = base()
    data["weights"] = None
    data["graph"]["nodes"][1]["params"] = {f"p{i}": i for i in range(MAX_PROBLEMS + 50)}
    doc = open_dict(data)
    assert len(doc.problems) == MAX_PROBLEMS + 1 and doc.problems[-1] == "… and 50 more problems"


def test_every_problem_is_listed_in_file_order():
    data = base()
    data["graph"]["nodes"][1]["params"]["units"] = "many"
    data["graph"]["nodes"][2]["pos"] = "here"
    data["graph"]["edges"].append({"src": "nobody", "dst": "d" * 32})
    data["training"]["epochs"] = -5
    data["dataset"]["noise"] = 3
    data["history"]["loss"] = "x"
    data["view"] = 5
    paths = [p.path for p in problems_of(data)]
    assert paths == ["graph.nodes[1].params.units", "graph.nodes[2].pos", "graph.edges[3].src",
                     "training.epochs", "dataset.noise", "weights", "history.loss", "view"]
