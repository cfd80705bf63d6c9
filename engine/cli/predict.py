"""``predict FILE.nnd --csv IN.csv -o OUT.csv``: labels (and class probabilities) for new raw data."""
from __future__ import annotations

import csv
import io

import numpy as np

from ..atomic import atomic_write_text
from ..data import CSVError, Preprocessor, load_features_csv
from ..data.csv_table import read_table
from .common import CLIError, Parser, load_document


def predict(args: list[str]) -> int:
    parser = Parser(prog="neurocanvas predict", description="Predict labels for the rows of a CSV file.")
    parser.add_argument("file", help="a trained network file (.nnd)")
    parser.add_argument("--csv", required=True, help="raw feature columns, matched by header name when there is one")
    parser.add_argument("-o", "--out", required=True, help="the CSV file to write")
    opts = parser.parse_args(args)
    doc = load_document(opts.file)
    if not doc.weights:
        raise CLIError(f"{opts.file} has no trained weights: train it first "
                       f"(python main.py train {opts.file} --out {opts.file})")
    if doc.preprocessing is None:
        raise CLIError(f"{opts.file} does not record its data preprocessing; train it again to predict from CSV")
    pre = Preprocessor.from_dict(doc.preprocessing)
    if len(pre.input_shape) != 1:
        raise CLIError("CSV prediction takes tabular data; this network takes images")
    try:
        X = load_features_csv(opts.csv, pre.input_names)
        table = read_table(opts.csv)  # every column of IN goes to OUT unchanged (ids, targets, …)
    except CSVError as exc:
        raise CLIError(str(exc)) from None
    net = doc.network()
    labels, probs = pre.predict(net, X)
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    header = list(table.names) if table.names is not None else list(pre.input_names)
    if pre.is_classification:
        header += ["predicted"] + [f"p({name})" for name in pre.class_names]
    else:
        values = np.asarray(labels)
        width = 1 if values.ndim == 1 else values.shape[1]
        header += ["predicted"] if width == 1 else [f"predicted_{i + 1}" for i in range(width)]
    writer.writerow(header)
    for i in range(len(X)):
        row = list(table.rows[i])
        if pre.is_classification:
            row += [str(labels[i])] + [f"{p:.6f}" for p in probs[i]]
        else:
            row += [_num(v) for v in np.atleast_1d(labels[i])]
        writer.writerow(row)
    try:
        atomic_write_text(opts.out, buf.getvalue())
    except OSError as exc:
        raise CLIError(f"cannot write {opts.out}: {exc.strerror or exc}") from None
    print(f"wrote {len(X)} predictions to {opts.out}")
    return 0


def _num(v: float) -> str:
    return f"{float(v):.10g}"
