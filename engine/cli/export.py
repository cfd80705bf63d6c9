"""``export FILE.nnd --format npz|json|onnx|torch|numpy -o PATH``."""
from __future__ import annotations

import sys

from .common import CLIError, Parser, load_document


def export(args: list[str]) -> int:
    from ..export import DESCRIPTIONS, FORMATS, ExportError
    from ..export import export as write

    parser = Parser(prog="neurocanvas export", description="Export a network's trained weights for use elsewhere.")
    parser.add_argument("file", help="the network file (.nnd)")
    parser.add_argument("--format", "-f", required=True, choices=FORMATS,
                        help="; ".join(f"{k}: {DESCRIPTIONS[k]}" for k in FORMATS))
    parser.add_argument("-o", "--out", required=True, help="the file to write")
    opts = parser.parse_args(args)
    doc = load_document(opts.file)
    if not doc.weights:
        print(f"warning: {opts.file} has no trained weights; exporting the initial weights", file=sys.stderr)
    try:
        written = write(doc, opts.out, opts.format)
    except ExportError as exc:
        raise CLIError(str(exc)) from None
    except (OSError, ValueError) as exc:
        raise CLIError(f"cannot export to {opts.out}: {exc}") from None
    for path in written:
        print(f"wrote {path}")
    return 0
