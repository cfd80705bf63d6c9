"""The curves of the loss plot: which series there are, and how each one is drawn and named."""
from __future__ import annotations

CLASSIFICATION = ("binary", "multiclass")

# Series drawn: key -> (colour name, dashed, on the accuracy axis, legend glyph, legend label)
SERIES = {
    "loss": ("train", False, False, "━", "train"),
    "val_loss": ("test", False, False, "━", "test"),
    "accuracy": ("train", True, True, "╍", "acc"),
    "val_accuracy": ("test", True, True, "╍", "test acc"),
}
