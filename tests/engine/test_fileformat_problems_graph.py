"""The network file, non-fatal problems in the graph: bad params, nodes, wires, ids, names, positions, keys."""
from __future__ import annotations

import pytest

from tests.engine.fileformat_helpers import base, open_dict, problems_of, only


# ---- non-fatal problems: the file opens, and every problem is listed with its path ----------
def test_base_file_opens_cleanly():
    doc = open_dict(base())
    assert doc.problems == [] and doc.trained


def test_bad_param_value_uses_the_default():
    data = base()
    data["graph"]["nodes"][1]["params"]["units"] = "many"
    doc = open_dict(data)
    assert "expected an integer" in only(doc.problems[:1], "graph.nodes[1].params.units")
    assert "the default 8 is used" in doc.problems[0]
    assert doc.graph.node("dense").params["units"] == 8
    assert doc.problems[1].startswith("weights: do not fit the network")  # dense/W is (2, 2), not (2, 8)


def test_param_out_of_range_and_wrong_choice():
    data = base()
    data["weights"] = None
    data["graph"]["nodes"][1]["params"]["units"] = 0
    data["graph"]["nodes"][2]["params"]["activation"] = "sigmod"
    doc = open_dict(data)
    assert [p.path for p in doc.problems] == ["graph.nodes[1].params.units", "graph.nodes[2].params.activation"]
    assert "did you mean sigmoid" in doc.problems[1]
    assert doc.graph.node("out").params["activation"] == "linear"


def test_unknown_param_is_ignored():
    data = base()
    data["graph"]["nodes"][1]["params"]["colour"] = "red"
    doc = open_dict(data)
    assert only(doc.problems, "graph.nodes[1].params.colour") == "Dense has no such parameter (ignored)"
    assert doc.trained


def test_params_not_an_object():
    data = base()
    data["weights"] = None
    data["graph"]["nodes"][1]["params"] = [1, 2]
    assert "expected an object, received [1, 2] (defaults used)" in only(problems_of(data), "graph.nodes[1].params")


def test_unknown_layer_type_skips_the_node_and_its_wires():
    data = base()
    data["graph"]["nodes"][2]["type"] = "Densse"
    doc = open_dict(data)
    paths = [p.path for p in doc.problems]
    assert paths == ["graph.nodes[2].type", "graph.edges[1].dst", "graph.edges[2].src", "weights"]
    data["graph"]["nodes"][0]["params"]["shape"] = "wide"  # node 0's problem comes first
    assert open_dict(data).problems[0].path == "graph.nodes[0].params.shape"
    assert "Did you mean Dense?" in doc.problems[0] and "(node skipped)" in doc.problems[0]
    assert "was skipped at graph.nodes[2] (wire skipped)" in doc.problems[1]
    assert [n.name for n in doc.graph.nodes] == ["inp", "dense", "loss"]
    assert len(doc.graph.edges) == 1 and not doc.trained


def test_node_that_is_not_an_object_is_skipped():
    data = base()
    data["weights"] = None
    data["graph"]["nodes"].append(42)
    assert only(problems_of(data), "graph.nodes[4]") == "expected a node object, received 42 (node skipped)"


def test_dangling_edge_is_skipped():
    data = base()
    data["graph"]["edges"].append({"src": "f" * 32, "src_port": "out", "dst": "d" * 32, "dst_port": "in"})
    doc = open_dict(data)
    message = only(doc.problems, "graph.edges[3].src")
    assert message == f'node "{"f" * 32}" is not in the file (wire skipped)'
    assert len(doc.graph.edges) == 3 and doc.trained


def test_edge_into_a_busy_port_or_closing_a_cycle_is_skipped():
    data = base()
    data["graph"]["edges"] += [{"src": "a" * 32, "src_port": "out", "dst": "c" * 32, "dst_port": "in"},
                               {"src": "c" * 32, "src_port": "out", "dst": "b" * 32, "dst_port": "in"},
                               {"src": "c" * 32, "src_port": "nope", "dst": "d" * 32, "dst_port": "in"},
                               {"src": "a" * 32, "dst": "b" * 32, "dst_port": 3}, "wire"]
    doc = open_dict(data)
    assert [p.path for p in doc.problems] == ["graph.edges[3]", "graph.edges[4]", "graph.edges[5]",
                                              "graph.edges[6].dst_port", "graph.edges[7]"]
    assert "already connected" in doc.problems[0] and "cycle" in doc.problems[1]
    assert "no output port 'nope'" in doc.problems[2]
    assert "expected text, received 3" in doc.problems[3]
    assert len(doc.graph.edges) == 3 and doc.trained


def test_optional_ports_default():
    data = base()
    for e in data["graph"]["edges"]:
        del e["src_port"], e["dst_port"]
    doc = open_dict(data)
    assert doc.problems == [] and [e.dst_port for e in doc.graph.edges] == ["in", "in", "in"]


def test_duplicate_ids_get_new_ids():
    data = base()
    data["graph"]["nodes"][2]["id"] = "b" * 32
    doc = open_dict(data)
    assert doc.problems[0].path == "graph.nodes[2].id"
    assert "repeats the id of another node" in doc.problems[0]
    ids = [n.id for n in doc.graph.nodes]
    assert len(set(ids)) == 4 and ids[2] != "b" * 32
    assert open_dict(data).graph.nodes[2].id == ids[2]  # the new id is the same on every load


def test_missing_id_gets_a_new_id():
    data = base()
    data["weights"] = None
    del data["graph"]["nodes"][3]["id"]
    assert "is missing or not an id" in problems_of(data)[0]


def test_duplicate_and_invalid_names_are_renamed_without_stealing_later_names():
    data = base()
    data["weights"] = None
    nodes = data["graph"]["nodes"]
    nodes[1]["name"] = "bad name!"      # invalid: renamed, but not to dense_1, which a later node has
    nodes[2]["name"] = "dense_1"
    nodes[3]["name"] = "dense_1"        # repeated: renamed
    doc = open_dict(data)
    assert [p.path for p in doc.problems] == ["graph.nodes[1].name", "graph.nodes[3].name"]
    assert "renamed to dense_2" in doc.problems[0] and "is used by another node" in doc.problems[1]
    assert [n.name for n in doc.graph.nodes] == ["inp", "dense_2", "dense_1", "loss_1"]


def test_name_with_a_trailing_newline_is_invalid():
    data = base()
    data["weights"] = None
    data["graph"]["nodes"][0]["name"] = "inp\n"
    assert "not a valid name" in only(problems_of(data), "graph.nodes[0].name")


@pytest.mark.parametrize("pos", [[1], [1, 2, 3], ["a", 0], [float("nan"), 0], [1e300, 0], "here", None,
                                 [10**400, 0], [True, 0]])
def test_bad_position_places_the_node_at_the_origin(pos):
    data = base()
    data["graph"]["nodes"][1]["pos"] = pos
    doc = open_dict(data)
    assert "(placed at 0, 0)" in only(doc.problems, "graph.nodes[1].pos")
    assert doc.graph.node("dense").pos == (0.0, 0.0)


def test_unknown_keys_are_listed():
    data = base()
    data["comment"] = "hi"
    data["graph"]["nodes"][0]["colour"] = "red"
    data["graph"]["edges"][0]["weight"] = 1
    data["graph"]["layout"] = "grid"
    paths = [p.path for p in problems_of(data)]
    assert paths == ["comment", "graph.layout", "graph.nodes[0].colour", "graph.edges[0].weight"]
