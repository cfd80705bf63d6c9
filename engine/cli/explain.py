"""``explain FILE.nnd --sample I``: one training step of one sample, written out as Markdown."""
from __future__ import annotations

import sys
from pathlib import Path

from ..atomic import atomic_write_text
from ..explain import check_step, to_markdown, trace_session
from ..session import open_session
from .common import CLIError, Parser, load_document


def explain(args: list[str]) -> int:
    parser = Parser(prog="neurocanvas explain", description="Explain one training step of one sample: forward values, "
                                                "the chain rule and the update, as Markdown.")
    parser.add_argument("file", help="the network file (.nnd)")
    parser.add_argument("--sample", type=int, required=True, metavar="I", help="index of the sample in the split")
    parser.add_argument("--split", choices=("train", "test"), default="train", help="which split (default: train)")
    parser.add_argument("-o", "--out", help="write the Markdown here (default: print it)")
    parser.add_argument("--check", action="store_true", help="add a gradient check (finite differences) of the sample")
    parser.add_argument("--digits", type=int, default=4, metavar="N", help="significant digits (default: 4)")
    opts = parser.parse_args(args)
    if not 1 <= opts.digits <= 17:
        raise CLIError(f"explain: --digits must be between 1 and 17, received {opts.digits}")
    doc = load_document(opts.file)
    session = open_session(doc)
    X, Y = (session.X_train, session.Y_train) if opts.split == "train" else (session.X_test, session.Y_test)
    if len(X) == 0:
        raise CLIError(f"the {opts.split} split of {opts.file} is empty")
    try:
        trace = trace_session(session, opts.sample, opts.split)
    except IndexError as exc:
        raise CLIError(str(exc)) from None
    check = check_step(session.network, X, Y, [opts.sample]) if opts.check else None
    title = f"One training step of {Path(opts.file).name}"
    text = to_markdown(trace, check=check, title=title, digits=opts.digits)
    if opts.out is None:
        sys.stdout.write(text)
        return 0
    try:
        atomic_write_text(opts.out, text)
    except OSError as exc:
        raise CLIError(f"cannot write {opts.out}: {exc.strerror or exc}") from None
    print(f"wrote {opts.out}")
    return 0
