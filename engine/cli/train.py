"""``train FILE.nnd [--epochs N] [--out OUT.nnd]``: headless training with a progress bar.

Ctrl-C stops between two batches, and the network trained so far is still written to ``--out``.
"""
from __future__ import annotations

import math
import signal
import sys
import time
from typing import Any

from ..errors import TrainingError
from ..fileformat import save
from ..session import open_session, store
from .common import CLIError, Parser, ProgressBar, check_writable, format_duration, load_document


def train(args: list[str]) -> int:
    parser = Parser(prog="neurocanvas train", description="Train a network file headless.")
    parser.add_argument("file", help="the network file (.nnd)")
    parser.add_argument("--epochs", type=int, help="epochs to train (default: the file's setting)")
    parser.add_argument("--out", help="write the trained network here (may be FILE itself)")
    parser.add_argument("--lr", type=float, help="learning rate (default: the file's setting)")
    parser.add_argument("--batch-size", type=int, help="batch size (default: the file's setting)")
    parser.add_argument("--seed", type=int, help="seed for initial weights and shuffling")
    parser.add_argument("--restart", action="store_true", help="start from fresh weights even if FILE is trained")
    parser.add_argument("--quiet", "-q", action="store_true", help="no progress bar")
    opts = parser.parse_args(args)
    if opts.epochs is not None and opts.epochs < 1:
        raise CLIError(f"--epochs must be at least 1, received {opts.epochs}")

    if opts.out:
        check_writable(opts.out)  # before training: a bad --out must not cost the run
    doc = load_document(opts.file)
    cfg = doc.training
    if opts.lr is not None:
        cfg.learning_rate = opts.lr
    if opts.batch_size is not None:
        cfg.batch_size = opts.batch_size
    if opts.seed is not None:
        cfg.seed = opts.seed
    try:
        cfg.validate()
        session = open_session(doc, restart=opts.restart or opts.seed is not None)
    except (TrainingError, ValueError) as exc:
        raise CLIError(str(exc)) from None
    trainer = session.trainer
    epochs = opts.epochs if opts.epochs is not None else cfg.epochs
    start = trainer.epoch
    bar = ProgressBar(start + epochs) if not opts.quiet else None
    if bar is not None:
        bar.start_progress = start
    latest: dict[str, Any] = {"extra": ""}

    def on_batch(t, info) -> None:
        if bar is not None:
            bar.update(t.progress, info.loss, latest["extra"])

    val_label = "test" if session.validation_is_test else "val"

    def on_epoch(t, epoch, metrics) -> None:
        latest["extra"] = _metrics_text(metrics, val_label)
        if bar is not None:
            bar.update(t.progress, metrics.get("loss", float("nan")), latest["extra"])

    trainer.callbacks.append(_Hooks(on_batch, on_epoch))
    interrupted = {"count": 0}

    def on_sigint(signum, frame) -> None:
        interrupted["count"] += 1
        if interrupted["count"] > 1:
            raise KeyboardInterrupt
        trainer.stop()

    previous = signal.signal(signal.SIGINT, on_sigint)
    t0 = time.perf_counter()
    try:
        result = trainer.run(epochs=epochs)
    finally:
        signal.signal(signal.SIGINT, previous)
        if bar is not None:
            bar.close()
    seconds = time.perf_counter() - t0
    print(_summary(session, result, seconds))
    if result.status == "diverged":
        print(f"warning: {result.message}", file=sys.stderr)
    if opts.out:
        store(session)
        try:
            save(doc, opts.out)
        except OSError as exc:
            raise CLIError(f"cannot write {opts.out}: {exc.strerror or exc}") from None
        print(f"wrote {opts.out}")
    elif trainer.epoch > start:
        print("(not saved: pass --out FILE.nnd to keep the trained network)")
    return 1 if result.status == "diverged" else 0


class _Hooks:
    def __init__(self, on_batch, on_epoch):
        self.on_batch_end = on_batch
        self.on_epoch_end = on_epoch

    def on_train_end(self, trainer, result) -> None:
        pass


def _metrics_text(m: dict[str, float], val_label: str = "test") -> str:
    """`test 0.08  acc 97.6%  test acc 97.2%` from per-epoch metrics (``val_`` keys get ``val_label``)."""
    parts = []
    if "val_loss" in m and math.isfinite(m["val_loss"]):
        parts.append(f"{val_label} {m['val_loss']:.4g}")
    for key, label in (("accuracy", "acc"), ("val_accuracy", f"{val_label} acc")):
        if key in m and math.isfinite(m[key]):
            parts.append(f"{label} {m[key]:.1%}")
    for key, label in (("r2", "R²"), ("val_r2", f"{val_label} R²")):
        if key in m and math.isfinite(m[key]):
            parts.append(f"{label} {m[key]:.3f}")
    return "  ".join(parts)


def _summary(session, result, seconds: float) -> str:
    trainer = session.trainer
    h = trainer.history
    words = {"completed": "done", "stopped": "stopped", "early_stopped": "stopped early",
             "diverged": "diverged"}
    line = f"{words.get(result.status, result.status)}: {trainer.epoch} epochs, {trainer.steps} steps in " \
           f"{format_duration(seconds)}"
    metrics = {k: v[-1] for k, v in h.items() if v and k not in ("epoch", "lr", "batch_loss")}
    if not session.validation_is_test:
        # A held-out validation share (or none): report the untouched test split separately.
        metrics.update({f"test_{k}": v for k, v in session.test_metrics().items()})
    if metrics:
        text = f"loss {metrics['loss']:.4g}" if "loss" in metrics else ""
        extra = _metrics_text(metrics, "test" if session.validation_is_test else "val")
        tests = {k.removeprefix("test_"): v for k, v in metrics.items() if k.startswith("test_")}
        test_text = _metrics_text({f"val_{k}": v for k, v in tests.items()}, "test") if tests else ""
        line += "; " + "  ".join(p for p in (text, extra, test_text) if p)
    return line
