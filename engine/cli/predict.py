"""``predict FILE.nnd --csv IN.csv -o OUT.csv``: labels (and class probabilities) for new raw data.

A network trained on images takes ``--images PATH`` (image files, or a folder whose images, in its
sub-folders too, are read in path order; each is converted to the network's colour and resized to
its input size) or ``--idx IMAGES`` (an IDX images file). OUT then has one row per image: its file
(or index), the predicted label and the class probabilities.
"""
from __future__ import annotations

import csv
import io

import numpy as np

from ..atomic import atomic_write_text
from ..data import CSVError, ImageError, Preprocessor, load_features_csv
from ..data.csv_table import read_table
from .common import CLIError, Parser, load_document


def predict(args: list[str]) -> int:
    parser = Parser(prog="neurocanvas predict", description="Predict labels for the rows of a CSV file.")
    parser.add_argument("file", help="a trained network file (.nnd)")
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument("--csv", help="raw feature columns, matched by header name when there is one")
    source.add_argument("--images", nargs="+", metavar="PATH",
                        help="image networks: image files, or a folder of images (sub-folders included)")
    source.add_argument("--idx", metavar="IMAGES", help="image networks: an IDX images file (optionally .gz)")
    parser.add_argument("-o", "--out", required=True, help="the CSV file to write")
    opts = parser.parse_args(args)
    doc = load_document(opts.file)
    if not doc.weights:
        raise CLIError(f"{opts.file} has no trained weights: train it first "
                       f"(python main.py train {opts.file} --out {opts.file})")
    if doc.preprocessing is None:
        raise CLIError(f"{opts.file} does not record its data preprocessing; train it again to predict from CSV")
    pre = Preprocessor.from_dict(doc.preprocessing)
    if opts.csv is None:
        return _predict_images(opts, doc, pre)
    if len(pre.input_shape) != 1:
        raise CLIError("CSV prediction takes tabular data; this network takes images: use --images or --idx")
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


def _predict_images(opts, doc, pre: Preprocessor) -> int:
    from ..data.idx import read_idx
    from ..data.images import image_files_in, load_image_files

    if len(pre.input_shape) != 3:
        raise CLIError("--images and --idx are for networks trained on images; this one takes "
                       f"{len(pre.input_names)} features: use --csv")
    try:
        if opts.idx is not None:
            raw = read_idx(opts.idx)
            if raw.ndim != 3 or raw.shape[1:] != tuple(pre.input_shape[1:]) or pre.input_shape[0] != 1:
                raise CLIError(f"{opts.idx} holds {' × '.join(map(str, raw.shape))} values; the network takes "
                               f"images of {' × '.join(map(str, pre.input_shape))} (channels × height × width)")
            X = raw[:, None].astype(np.float64) / (255.0 if raw.dtype == np.uint8 else 1.0)
            names = [str(i) for i in range(len(X))]
            first = "index"
        else:
            files = [f for p in opts.images for f in (image_files_in(p) if _is_dir(p) else [p])]
            X = load_image_files(files, pre.input_shape)
            names, first = [str(f) for f in files], "file"
    except ImageError as exc:
        raise CLIError(str(exc)) from None
    labels, probs = pre.predict(doc.network(), X)
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow([first, "predicted"] + ([f"p({n})" for n in pre.class_names] if probs is not None else []))
    for i, name in enumerate(names):
        writer.writerow([name, str(labels[i])] + ([f"{p:.6f}" for p in probs[i]] if probs is not None else []))
    try:
        atomic_write_text(opts.out, buf.getvalue())
    except OSError as exc:
        raise CLIError(f"cannot write {opts.out}: {exc.strerror or exc}") from None
    print(f"wrote {len(X)} predictions to {opts.out}")
    return 0


def _is_dir(path: str) -> bool:
    from pathlib import Path

    return Path(path).is_dir()


def _num(v: float) -> str:
    return f"{float(v):.10g}"
