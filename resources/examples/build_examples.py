"""Rebuild the example networks (*.nnd) in this folder from code:
``python resources/examples/build_examples.py [NAME ...]`` (all of them without names).

Each example is a network with its dataset and training settings; ``python main.py train
resources/examples/<name>.nnd`` trains it (results in the README's table). The examples in
``SAVED_TRAINED`` are also trained here and saved with their weights, so they open ready to inspect
(``--restart`` trains them again from fresh weights).
"""
from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[1]))

import engine  # noqa: E402
from engine.document import Document  # noqa: E402
from engine.fileformat import save  # noqa: E402
from engine.session import open_session, store  # noqa: E402

ALL_FEATURES = ["x1", "x2", "x1^2", "x2^2", "x1*x2", "sin(x1)", "sin(x2)"]


def chain(layers: list[tuple[str, dict[str, Any]]], names: list[str | None] | None = None,
          positions: list[tuple[float, float]] | None = None) -> engine.Graph:
    """A chain of layers, left to right 200 px apart unless ``positions`` places them."""
    g = engine.Graph()
    prev = None
    for i, (type_name, params) in enumerate(layers):
        name = names[i] if names else None
        pos = positions[i] if positions else (i * 200.0, 0.0)
        node = g.add_node(type_name, name, pos=pos, **params)
        if prev is not None:
            g.connect(prev, node)
        prev = node
    return g


def playground(dataset: str, hidden: list[int], features: list[str], epochs: int, lr: float = 0.03,
               noise: float = 0.0, activation: str = "tanh", optimizer: str = "sgd") -> Document:
    """Playground's setup: U(−0.5, 0.5) weights, biases 0.1, batch 10, train ratio 50 %."""
    init = {"initializer": "uniform", "init_low": -0.5, "init_high": 0.5, "bias_init": 0.1}
    layers: list[tuple[str, dict[str, Any]]] = [("Input", {"shape": [len(features)]})]
    layers += [("Dense", {"units": u, "activation": activation, **init}) for u in hidden]
    regression = dataset in ("plane", "multi_gauss")
    layers.append(("Dense", {"units": 1, "activation": "tanh" if regression else "sigmoid", **init}))
    layers.append(("Loss", {"function": "mse" if regression else "bce"}))
    doc = Document(graph=chain(layers))
    doc.dataset = {"kind": "generator", "name": dataset, "noise": noise, "train_ratio": 0.5, "seed": 0,
                   "features": features}
    doc.training = engine.TrainConfig(epochs=epochs, batch_size=10, optimizer=optimizer, learning_rate=lr)
    return doc


def perceptron() -> Document:
    g = chain([("Input", {"shape": [2]}),
               ("Dense", {"units": 1, "activation": "step", "initializer": "zeros"}),
               ("Loss", {"function": "mse"})], ["input", "perceptron", "loss"])
    doc = Document(graph=g)
    doc.dataset = {"kind": "csv", "path": "and.csv", "target": "y", "task": "classification", "train_ratio": 1.0,
                   "seed": 0, "standardize": False}
    doc.training = engine.TrainConfig(epochs=20, batch_size=1, optimizer="sgd", learning_rate=0.1)
    return doc


def textbook() -> Document:
    g = chain([("Input", {"shape": [1]}),
               ("Dense", {"units": 1, "use_bias": False, "initializer": "uniform", "init_low": 0.5, "init_high": 0.5}),
               ("Activation", {"function": "sigmoid"}),
               ("Dense", {"units": 1, "use_bias": False, "initializer": "uniform", "init_low": 0.5, "init_high": 0.5}),
               ("Loss", {"function": "mse"})], ["x", "w1", "sigmoid", "w2", "loss"])
    doc = Document(graph=g)
    doc.dataset = {"kind": "csv", "path": "textbook.csv", "target": "y", "task": "regression", "train_ratio": 1.0,
                   "seed": 0, "standardize": False}
    doc.training = engine.TrainConfig(epochs=200, batch_size=4, optimizer="sgd", learning_rate=0.5)
    return doc


def spiral3() -> Document:
    g = chain([("Input", {"shape": [7]}),
               ("Dense", {"units": 16, "activation": "tanh"}),
               ("Dense", {"units": 16, "activation": "tanh"}),
               ("Dense", {"units": 3}),
               ("Softmax", {}),
               ("Loss", {"function": "cross_entropy"})])
    doc = Document(graph=g)
    doc.dataset = {"kind": "generator", "name": "spiral3", "noise": 0.0, "train_ratio": 0.5, "seed": 0,
                   "features": ALL_FEATURES}
    doc.training = engine.TrainConfig(epochs=300, batch_size=10, optimizer="adam", learning_rate=0.01)
    return doc


def iris() -> Document:
    g = chain([("Input", {"shape": [4]}),
               ("Dense", {"units": 8, "activation": "tanh"}),
               ("Dense", {"units": 3, "activation": "softmax"}),
               ("Loss", {"function": "cross_entropy"})])
    doc = Document(graph=g)
    doc.dataset = {"kind": "generator", "name": "iris", "train_ratio": 0.7, "seed": 0, "features": None,
                   "stratify": True}
    doc.training = engine.TrainConfig(epochs=200, batch_size=8, optimizer="adam", learning_rate=0.01)
    return doc


def digits_mlp() -> Document:
    g = chain([("Input", {"shape": [64]}),
               ("Dense", {"units": 64, "activation": "relu", "initializer": "he_uniform"}),
               ("Dropout", {"rate": 0.1}),
               ("Dense", {"units": 10, "activation": "softmax"}),
               ("Loss", {"function": "cross_entropy"})])
    doc = Document(graph=g)
    doc.dataset = {"kind": "generator", "name": "digits", "train_ratio": 0.8, "seed": 0, "features": None,
                   "stratify": True}
    doc.training = engine.TrainConfig(epochs=40, batch_size=32, optimizer="adam", learning_rate=0.003)
    return doc


def digits_cnn() -> Document:
    """The digits as 8 × 8 images: two conv blocks (3 × 3, same, ReLU; 2 × 2 max pooling), then softmax.

    Two rows, the convolution blocks above the classifier, so the whole network is readable at the
    fitted zoom of a 1280 × 800 window (one row of eight is too small to show the cards' text)."""
    top = [(i * 200.0, 0.0) for i in range(5)]
    below = [(400.0 + i * 200.0, 180.0) for i in range(3)]
    g = chain([("Input", {"shape": [1, 8, 8]}),
               ("Conv2D", {"filters": 16, "kernel_size": 3, "padding": "same", "activation": "relu"}),
               ("MaxPool2D", {"pool_size": 2, "stride": 2}),
               ("Conv2D", {"filters": 32, "kernel_size": 3, "padding": "same", "activation": "relu"}),
               ("MaxPool2D", {"pool_size": 2, "stride": 2}),
               ("Flatten", {}),
               ("Dense", {"units": 10, "activation": "softmax"}),
               ("Loss", {"function": "cross_entropy"})], positions=top + below)
    doc = Document(graph=g)
    doc.dataset = {"kind": "generator", "name": "digits", "flat": False, "train_ratio": 0.8, "seed": 0,
                   "features": None, "stratify": True}
    doc.training = engine.TrainConfig(epochs=20, batch_size=32, optimizer="adam", learning_rate=0.003)
    return doc


EXAMPLES = {
    "perceptron": perceptron,
    "textbook": textbook,
    "xor": lambda: playground("xor", [4], ["x1", "x2"], epochs=200),
    "circle": lambda: playground("circle", [4, 2], ["x1", "x2"], epochs=200),
    "spiral": lambda: playground("spiral", [8, 8], ALL_FEATURES, epochs=500),
    "spiral3": spiral3,
    "plane": lambda: playground("plane", [2], ["x1", "x2"], epochs=100),
    "iris": iris,
    "digits_mlp": digits_mlp,
    "digits_cnn": digits_cnn,
}


SAVED_TRAINED = ("digits_cnn",)


def main(names: list[str]) -> None:
    unknown = sorted(set(names) - set(EXAMPLES))
    if unknown:
        raise SystemExit(f"unknown example(s) {', '.join(unknown)}; known: {', '.join(EXAMPLES)}")
    for name in names or list(EXAMPLES):
        doc = EXAMPLES[name]()
        if name in SAVED_TRAINED:
            session = open_session(doc, base_dir=HERE)
            result = session.trainer.run()
            store(session)
            accuracy = session.test_metrics().get("accuracy", float("nan"))
            print(f"trained {name}: {result.status}, test accuracy {accuracy:.1%}")
        save(doc, HERE / f"{name}.nnd")
        print(f"wrote {name}.nnd")


if __name__ == "__main__":
    main(sys.argv[1:])
