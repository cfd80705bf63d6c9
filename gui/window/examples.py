"""The example networks bundled with NeuroCanvas (File → Examples; the first start opens one)."""
from __future__ import annotations

from pathlib import Path

from engine.fileformat import EXTENSION

_REPO_DIR = Path(__file__).resolve().parents[2]
EXAMPLES_DIR = _REPO_DIR / "resources" / "examples"
DEFAULT_EXAMPLE = EXAMPLES_DIR / "xor.nnd"
EXAMPLE_TITLES = {
    "perceptron": "Perceptron (AND)",
    "textbook": "Textbook: two weights",
    "xor": "XOR",
    "circle": "Circle",
    "spiral": "Spiral",
    "spiral3": "Three-class spiral",
    "plane": "Plane (regression)",
    "iris": "Iris",
    "digits_mlp": "Digits (MLP with dropout)",
    "digits_cnn": "Digits as images (CNN)",
}


def examples() -> list[Path]:
    """The bundled example networks, in the order of EXAMPLE_TITLES then by name."""
    files = sorted(EXAMPLES_DIR.glob(f"*{EXTENSION}"))
    order = list(EXAMPLE_TITLES)
    return sorted(files, key=lambda p: (order.index(p.stem) if p.stem in order else len(order), p.stem))
