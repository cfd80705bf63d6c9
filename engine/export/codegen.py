"""What the generated NumPy and PyTorch scripts share: identifiers for node names, the header,
the preprocessing constants, the decoding of outputs and the command-line reader of CSV files.

Generated code must not depend on NeuroCanvas: every formula here is written out in the script.
"""
from __future__ import annotations

import builtins
import keyword
import os
import re
from pathlib import Path
from typing import Any, Callable, Iterable

import numpy as np

from ..atomic import atomic_write_text
from .common import Source, resolve, target_path, write_weights
from .plan import Plan, Step

# Names the scripts use themselves (module level, methods, locals) and torch.nn.Module's
# attributes: a node with one of these names gets a trailing "_" in generated code.
TEMPLATE_NAMES = frozenset("""
    np math csv sys Path torch nn F x w z self main read_csv decode preprocess network network_output predict
    predict_proba predict_labels load load_npz weights dense batchnorm linear sigmoid tanh relu leaky_relu elu
    gelu softplus silu step softmax dtype feature_mean feature_std target_mean target_std training
    conv2d max_pool2d avg_pool2d global_avg_pool2d windows CONV_COLUMNS
    NeuroCanvasNet WEIGHTS_FILE DTYPE CHUNK TASK CLASS_NAMES INPUT_NAMES INPUT_SHAPE FEATURES MEAN STD
    TARGET_MEAN TARGET_STD NPZ_KEYS GELU_C X X_raw
""".split())
TORCH_MODULE_NAMES = frozenset("""
    T_destination add_module apply bfloat16 buffers call_super_init children compile cpu cuda double
    dump_patches eval extra_repr float forward get_buffer get_extra_state get_parameter get_submodule half
    ipu load_state_dict modules mtia named_buffers named_children named_modules named_parameters parameters
    register_backward_hook register_buffer register_forward_hook register_forward_pre_hook
    register_full_backward_hook register_full_backward_pre_hook register_load_state_dict_post_hook
    register_load_state_dict_pre_hook register_module register_parameter register_state_dict_post_hook
    register_state_dict_pre_hook requires_grad_ set_extra_state set_submodule share_memory state_dict to
    to_empty train type xpu zero_grad
""".split())
RESERVED = TEMPLATE_NAMES | TORCH_MODULE_NAMES | frozenset(keyword.kwlist) | frozenset(dir(builtins))


def write_script(doc_or_net: Any, path: str | os.PathLike[str], preprocessor: Any,
                 source: Callable[[Source, str], str]) -> list[Path]:
    """Write the script ``source(src, weights file name)`` to ``path`` (.py) and the weights beside
    it (same name, .npz); returns both paths."""
    src = resolve(doc_or_net, preprocessor)
    script = target_path(path, ".py")
    weights = script.with_suffix(".npz")
    text = source(src, weights.name)
    write_weights(src.net, weights)
    atomic_write_text(script, text)
    return [script, weights]


Form = str | Callable[[Step], str]


def statement(s: Step, var: dict[str, str], forms: dict[str, Form], activation: Callable[[Any, str], str]) -> str:
    """``<node> = <expression>`` for one layer: ``forms[s.type]`` (a template, or a function of the
    step giving one) filled in with the inputs (``x``, ``xs``, ``plus``), the layer's attribute
    (``me``), its weights (``w_<param>``, ``bias``: ", " and the bias or nothing), ``eps``, and for
    image layers ``k`` (kernel or pool size), ``stride``, ``pads`` (top, left, bottom, right) and
    ``shape`` (the output shape per sample); then its activation, if it has one."""
    xs = [var[i] for i in s.inputs]
    weights = {f"w_{k}": f'w["{s.name}/{k}"]' for k in s.weights}
    c = s.config
    fields = dict(x=xs[0], xs=", ".join(xs), plus=" + ".join(xs), me=f"self.{var[s.name]}",
                  bias=f", {weights['w_b']}" if "w_b" in weights else "", eps=repr(float(c.get("epsilon", 0))),
                  k=int(c.get("kernel_size", c.get("pool_size", 0))), stride=int(c.get("stride", 1)),
                  pads=repr(s.pads), shape=repr(tuple(s.output_shape)), **weights)
    form = forms[s.type]
    expr = (form if isinstance(form, str) else form(s)).format(**fields)
    if s.activation is not None:
        expr = activation(s.activation, expr)
    return f"{var[s.name]} = {expr}"


def py_names(names: Iterable[str]) -> dict[str, str]:
    """A distinct Python identifier for each node name ('-' and '.' become '_')."""
    out: dict[str, str] = {}
    taken: set[str] = set()
    for name in names:
        ident = re.sub(r"\W", "_", name)
        if ident.startswith("_"):
            ident = "node" + ident  # no private or dunder attributes
        if ident in RESERVED:
            ident += "_"
        base, k = ident, 2
        while ident in taken:
            ident, k = f"{base}_{k}", k + 1
        taken.add(ident)
        out[name] = ident
    return out


def header(kind: str, src: Source, p: Plan, weights_file: str, usage: list[tuple[str, str]]) -> str:
    """The module docstring: what produced the script, its weights file, the layers in order and
    ``usage`` as (code, comment) rows."""
    where = f"\nProduced from {src.origin}." if src.origin else ""
    layers = "\n".join("    " + line for line in p.header_lines())
    width = max(len(code) for code, _ in usage)
    use = "\n".join(f"    {code:<{width}}  # {note}" if note else f"    {code}" for code, note in usage)
    text = (f'{kind} of the NeuroCanvas network "{src.title}", generated by NeuroCanvas\'s export.{where}\n\n'
            f"The weights are in {weights_file} beside this file (arrays named \"<node name>/<param>\").\n"
            f"It does not need NeuroCanvas.\n\n"
            f"Layers, in execution order (name, layer, inputs -> output shape per sample):\n{layers}\n\n"
            f"Use:\n{use}\n")
    return '"""' + text.replace("\\", "\\\\").replace('"""', '""\\"') + '"""'  # a path may hold \\ or """


def _literal(a: Any) -> str:
    """A float64 array as source text that rebuilds it exactly (repr of floats round-trips)."""
    return "None" if a is None else f"np.array({np.asarray(a, dtype=np.float64).tolist()!r})"


def constants(src: Source, p: Plan) -> str:
    """The preprocessing and the task, as module-level constants."""
    pre = src.preprocessor
    if pre is None:
        task, classes, shape = None, None, p.input_shape
        inputs = [f"x{i + 1}" for i in range(int(np.prod(shape)))]
        features = mean = std = tmean = tstd = None
    else:
        task, shape, inputs, features = pre.task, tuple(pre.input_shape), list(pre.input_names), pre.features
        classes = list(pre.class_names) if pre.is_classification else None
        mean, std = (pre.mean, pre.std) if pre.standardize else (None, None)
        tmean, tstd = pre.target_mean, pre.target_std
    task_note = "binary, multiclass or regression" if pre is not None else "None: no preprocessing was exported"
    return "\n".join([
        f"TASK = {task!r}  # {task_note}",
        f"CLASS_NAMES = {classes!r}  # label of class index 0, 1, …",
        f"INPUT_NAMES = {inputs!r}  # the raw feature columns",
        f"INPUT_SHAPE = {tuple(shape)!r}  # one raw sample",
        f"FEATURES = {None if features is None else list(features)!r}  # Playground's feature map, or None",
        f"MEAN = {_literal(mean)}  # standardisation: (features - MEAN) / STD, or None",
        f"STD = {_literal(std)}",
        f"TARGET_MEAN = {_literal(tmean)}  # regression targets: output * TARGET_STD + TARGET_MEAN, or None",
        f"TARGET_STD = {_literal(tstd)}",
    ])


_FEATURE_EXPR = {"x1": "x1", "x2": "x2", "x1^2": "x1 * x1", "x2^2": "x2 * x2", "x1*x2": "x1 * x2",
                 "sin(x1)": "{lib}.sin(x1)", "sin(x2)": "{lib}.sin(x2)"}


def feature_map_lines(features: list[str] | None, lib: str, stack: str) -> list[str]:
    """Statements computing Playground's feature map of ``X`` (N, 2) with ``lib`` (np or torch);
    ``stack`` joins the columns, e.g. ``np.column_stack([{cols}])``."""
    if features is None:
        return []
    cols = ", ".join(_FEATURE_EXPR[f].format(lib=lib) for f in features)
    return ["x1, x2 = X[:, 0], X[:, 1]", f"X = {stack.format(cols=cols)}  # {', '.join(features)}"]


RAW_SHAPE_LINES = '''\
if INPUT_SHAPE == (1,) and X.ndim == 1:
    X = X[:, None]  # one raw input: a vector holds N samples
elif X.ndim == len(INPUT_SHAPE):
    X = X[None]  # one sample
if tuple(X.shape[1:]) != INPUT_SHAPE:
    raise ValueError(f"expected samples of shape {INPUT_SHAPE} ({', '.join(INPUT_NAMES[:8])}), "
                     f"received an array of shape {tuple(X.shape)}")'''

DECODE = '''\
def decode(outputs):
    """Network outputs -> (predictions, probabilities), exactly as NeuroCanvas decodes them.

    Classification: class names, and probabilities (N, classes); one sigmoid output p gives the
    columns [1 - p, p]. Regression: values in the dataset's units, and None. Without exported
    preprocessing: the outputs themselves, and None.
    """
    if TASK is None:
        return outputs, None
    out = np.asarray(outputs, dtype=np.float64)
    if TASK == "regression":
        values = out.reshape(len(out), -1)
        if values.shape[1] == 1:
            values = values[:, 0]
        if TARGET_MEAN is not None:
            values = values * TARGET_STD + TARGET_MEAN
        return values, None
    if out.shape[1] == 1:
        p1 = np.clip(out.reshape(-1), 0.0, 1.0)
        probs = np.column_stack([1.0 - p1, p1])
    else:
        probs = out
    return np.asarray(CLASS_NAMES, dtype=str)[probs.argmax(axis=1)], probs
'''

MAIN = '''\
def read_csv(path):
    """Raw features from a CSV file (UTF-8; delimiter tab, ';' or ','). With a header row the
    columns are found by INPUT_NAMES and other columns are ignored; without one the file must hold
    exactly those columns, in that order."""
    with open(path, newline="", encoding="utf-8-sig") as f:
        lines = [line for line in f.read().splitlines() if line.strip()]
    if not lines:
        raise SystemExit(f"{path}: the file is empty")
    delimiter = next((d for d in "\\t;," if d in lines[0]), ",")
    rows = [[cell.strip() for cell in row] for row in csv.reader(lines, delimiter=delimiter)]
    columns = list(range(len(INPUT_NAMES)))
    try:
        [float(cell) for cell in rows[0]]
    except ValueError:  # a header row
        header = rows.pop(0)
        missing = [name for name in INPUT_NAMES if name not in header]
        if missing:
            raise SystemExit(f"{path}: no column named {missing[0]!r}; the network reads "
                             f"{', '.join(INPUT_NAMES)}") from None
        columns = [header.index(name) for name in INPUT_NAMES]
    values = []
    for number, row in enumerate(rows, start=1):
        try:
            values.append([float(row[c]) for c in columns])
        except (IndexError, ValueError):
            raise SystemExit(f"{path}, data row {number}: expected {len(INPUT_NAMES)} numbers "
                             f"({', '.join(INPUT_NAMES)})") from None
    return np.array(values, dtype=np.float64).reshape((len(values),) + INPUT_SHAPE)


def main(argv=None):
    """python this_script.py FILE.csv [--proba]: one prediction per line (--proba: probabilities)."""
    args = list(sys.argv[1:] if argv is None else argv)
    proba = "--proba" in args
    files = [a for a in args if a != "--proba"]
    if len(files) != 1:
        print(__doc__)
        return 2
    if proba and CLASS_NAMES is None:
        raise SystemExit("--proba: this network predicts no class probabilities")
    X = read_csv(files[0])
    if proba:
        print(",".join(CLASS_NAMES))
        rows = predict_proba(X)
    else:
        rows = predict(X)
    for row in rows:
        cells = np.ravel(row).tolist()
        print(",".join(c if isinstance(c, str) else repr(float(c)) for c in cells))
    return 0


if __name__ == "__main__":
    sys.exit(main())
'''
