"""Tolerant readers for the sections of a network file (see docs/file-format.md).

Each reader takes already-parsed JSON, returns the best value it can build and adds a problem
``"<json path>: <what is wrong> (<what was done>)"`` for everything it had to fix or skip. Readers
never raise: whatever a file holds, the worst outcome of a section is its default.

Each section has a module of its own, and this one gathers their public names (its original home, so
``from engine.file_sections import read_graph`` keeps working):

* file_problems.py     problems, JSON paths and the value checks every reader shares
* graph_section.py     ``read_graph``
* training_section.py  ``read_training``
* dataset_section.py   ``read_dataset``, ``read_preprocessing``
* weights_section.py   ``read_weights``, ``encode_array``, ``decode_array``
* history_section.py   ``read_history``, ``write_history``

The limits in them keep a hostile or broken file from making the loader allocate gigabytes or run
for minutes; no network a person draws comes near them.
"""
from __future__ import annotations

# Every import below is a re-export: this module defines nothing itself.
from .dataset_section import DATASET_KEYS, read_dataset, read_preprocessing
from .file_problems import (
    MAX_DEPTH,
    MAX_MESSAGE,
    MAX_PROBLEMS,
    Problem,
    Problems,
    check_keys,
    free_json,
    key_path,
    limit_depth,
    raise_type,
    read_object,
    real,
    show,
    whole,
)
from .graph_section import EDGE_KEYS, MAX_EDGES, MAX_NODES, MAX_SAMPLE_VALUES, NODE_KEYS, read_graph
from .history_section import read_history, write_history
from .training_section import FLOAT_SETTINGS, read_training
from .weights_section import (
    MAX_LAYER_VALUES,
    MAX_WEIGHT_ELEMENTS,
    WEIGHT_DTYPES,
    EntryError,
    decode_array,
    encode_array,
    expected_shapes,
    read_weights,
)
