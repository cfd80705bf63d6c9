"""The network file (``*.nnd``): versioned JSON, migrations, tolerant loading, atomic saving.

Loading parses, checks the format tag and version, migrates older versions one step at a time,
then reads each section, collecting every problem with its JSON path. Problems that leave nothing
to open (not JSON, not a network file, a newer version, no graph) raise one ``FileFormatError``
listing them; the rest end up in ``Document.problems`` and the file opens as far as it could be
read. Loading never raises anything else, and never unpickles: the file is JSON and nothing more.

Saving writes canonical JSON (the same document always gives the same bytes) atomically.
The specification is docs/file-format.md.

Writing lives in file_writer.py and the version and its migrations in file_versions.py; this module
reads, and re-exports their public names (``save``, ``dumps``, ``VERSION``, ``MIGRATIONS``, …).
"""
from __future__ import annotations

import copy
import json
import os
from pathlib import Path
from typing import Any

from .dataset_section import read_dataset, read_preprocessing
from .document import DEFAULT_DATASET, Document
from .errors import NeuroCanvasError
from .file_problems import Problems, check_keys, free_json, limit_depth, read_object, show, whole
from .file_versions import FORMAT, MIGRATIONS, VERSION, Migration, migrate  # noqa: F401 - re-exported
from .file_writer import WIDTH, _rebase_csv_path, dumps, save, to_dict  # noqa: F401 - re-exported
from .graph_section import read_graph
from .history_section import read_history
from .training_section import read_training
from .weights_section import read_weights

EXTENSION = ".nnd"
MAX_FILE_BYTES = 256 * 1024 * 1024
MAX_INT_DIGITS = 300  # longer integers are read as floats (then usually refused as out of range)
DTYPES = ("float32", "float64")
TOP_LEVEL_KEYS = ("format", "version", "dtype", "graph", "training", "dataset", "preprocessing", "weights",
                  "history", "view")
NOT_A_NETWORK = "not a NeuroCanvas network file"


class FileFormatError(NeuroCanvasError):
    """The file cannot be opened; ``problems`` lists every reason (``"<json path>: <message>"``)."""

    def __init__(self, problems: list[str], path: str | None = None) -> None:
        self.problems = list(problems)
        self.path = path
        where = f"{path}: " if path else ""
        if len(self.problems) == 1:
            super().__init__(f"{where}{self.problems[0]}")
        else:
            super().__init__(f"{where}{len(self.problems)} problems: " + "; ".join(self.problems))


# ---- reading ---------------------------------------------------------------------------
def load(path: str | os.PathLike[str]) -> Document:
    """Open a network file; raises FileFormatError (never anything else) when it cannot be read."""
    p = str(path)
    try:
        size = os.stat(p).st_size
        if size > MAX_FILE_BYTES:
            raise FileFormatError([f"the file is {size / 2**20:.0f} MB, larger than the "
                                   f"{MAX_FILE_BYTES // 2**20} MB a network file may be"], p)
        raw = Path(p).read_bytes()
    except FileNotFoundError:
        raise FileFormatError(["no such file"], p) from None
    except IsADirectoryError:
        raise FileFormatError(["is a folder, not a file"], p) from None
    except PermissionError:
        raise FileFormatError(["you do not have permission to read it"], p) from None
    except (OSError, ValueError) as exc:
        raise FileFormatError([f"cannot be read: {getattr(exc, 'strerror', None) or exc}"], p) from None
    return loads(raw, path=p)


def loads(text: str | bytes | bytearray, path: str | None = None) -> Document:
    """Parse a network file's text or bytes (tolerant; see the module docstring)."""
    try:
        data = _parse_json(text)
    except FileFormatError as exc:
        raise FileFormatError(exc.problems, path) from None
    return from_dict(data, path=path)


def _parse_json(text: str | bytes | bytearray) -> Any:
    if isinstance(text, (bytes, bytearray, memoryview)):
        raw = bytes(text)
        if raw.startswith(b"\xef\xbb\xbf"):
            raw = raw[3:]
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise FileFormatError([f"{NOT_A_NETWORK}: not UTF-8 text (byte {exc.start} is "
                                   f"0x{raw[exc.start]:02x})"]) from None
    elif not isinstance(text, str):
        raise FileFormatError([f"{NOT_A_NETWORK}: expected text, received a {type(text).__name__}"])
    if text.startswith("\ufeff"):
        text = text[1:]
    if not text.strip():
        raise FileFormatError(["the file is empty"])
    try:
        return json.loads(text, parse_int=_parse_int)
    except json.JSONDecodeError as exc:
        raise FileFormatError(
            [f"{NOT_A_NETWORK}: invalid JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}"]) from None
    except RecursionError:
        raise FileFormatError([f"{NOT_A_NETWORK}: nested too deeply"]) from None
    except ValueError as exc:  # pragma: no cover - json raises JSONDecodeError for bad text
        raise FileFormatError([f"{NOT_A_NETWORK}: {exc}"]) from None


def _parse_int(digits: str) -> int | float:
    """JSON integers; absurdly long ones become floats (Python refuses to convert > 4300 digits)."""
    return int(digits) if len(digits) <= MAX_INT_DIGITS else float(digits)


def from_dict(data: Any, path: str | None = None) -> Document:
    """Build a Document from parsed JSON (what ``json.load`` gives); ``data`` is not modified."""
    try:
        return _from_dict(data, path)
    except FileFormatError:
        raise
    except RecursionError:  # pragma: no cover - limit_depth keeps deep values out
        raise FileFormatError(["nested too deeply"], path) from None
    except Exception as exc:  # pragma: no cover - a reader bug must not crash the app
        raise FileFormatError([f"unreadable: an internal error ({type(exc).__name__}: {exc}); "
                               "please report it with the file"], path) from None


def _from_dict(data: Any, path: str | None) -> Document:
    if not isinstance(data, dict):
        raise FileFormatError([f"{NOT_A_NETWORK}: the top level is {show(data)}, not an object"], path)
    problems = Problems()
    version = _check_header(data, problems)
    data = limit_depth(data, problems)
    if version is not None:
        data = migrate(data, version, problems)
        graph_data = data.get("graph")
        if not isinstance(graph_data, dict):
            what = "missing" if graph_data is None else f"expected an object with nodes and edges, received " \
                f"{show(graph_data)}"
            problems.add("graph", f"{what}: there is no network to open")
    if version is None or not isinstance(graph_data, dict):
        raise FileFormatError(problems.result(), path)
    check_keys(data, TOP_LEVEL_KEYS, problems, "", "section")
    doc = Document(graph=read_graph(graph_data, problems), path=path)
    doc.migrated_from = version if version < VERSION else None
    dtype = data.get("dtype", "float32")
    if dtype not in DTYPES:
        problems.add("dtype", f"expected float32 or float64, received {show(dtype)} (float32 used)")
        dtype = "float32"
    doc.dtype = dtype
    doc.training = read_training(data.get("training"), problems)
    dataset = read_dataset(data.get("dataset"), problems)
    doc.dataset = copy.deepcopy(DEFAULT_DATASET) if dataset is None else dataset
    doc.preprocessing = read_preprocessing(data.get("preprocessing"), problems)
    if data.get("weights") is not None:
        doc.weights = read_weights(data["weights"], doc.graph, problems)
    doc.history = read_history(data.get("history"), problems)
    view = read_object(data.get("view"), problems, "view")
    doc.view = free_json(view, problems, "view") if view is not None else {}
    doc.problems = problems.result()
    return doc


def _check_header(data: dict[str, Any], problems: Problems) -> int | None:
    """The file's format version, or None (with fatal problems) when it cannot be read."""
    fmt = data.get("format")
    ok = fmt == FORMAT
    if not ok:
        what = "there is no format tag" if fmt is None else f"its format is {show(fmt)}, not {FORMAT!r}"
        problems.add("format", f"{NOT_A_NETWORK} ({what})")
    raw = data.get("version")
    version = whole(raw, 0, 2**63)
    if version is None:
        problems.add("version", f"expected a whole number ≥ 0, received {show(raw)}")
    elif version > VERSION:
        problems.add("version", f"the file was written by a newer NeuroCanvas (format version {version}; this "
                                f"one reads up to {VERSION}): please update NeuroCanvas to open it")
        ok = False
    return version if ok and version is not None else None
