"""Quick add: a small searchable popup of layer types (Tab, double-click on empty canvas, or a wire
dropped on empty canvas).

Fuzzy matching runs over type names, descriptions and aliases people use in other tools, and some
entries are presets: "relu" is Activation(function=relu), "bce" is Loss(function=bce), "fc" is
Dense. ``match_entries`` is plain Python so it is tested without a window.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Callable

from PySide6.QtCore import (
    QEvent, QModelIndex, QObject, QPersistentModelIndex, QPoint, QPointF, QRectF, QSize, Qt, Signal,
)
from PySide6.QtGui import QColor, QHideEvent, QKeyEvent, QPainter, QPalette
from PySide6.QtWidgets import (
    QApplication, QFrame, QLineEdit, QListWidget, QListWidgetItem, QStyle, QStyledItemDelegate,
    QStyleOptionViewItem, QVBoxLayout, QWidget,
)

from engine import registry
from engine.losses import LOSSES


@dataclass(frozen=True)
class QuickAddEntry:
    label: str
    type_name: str
    params: dict[str, Any] = field(default_factory=dict, hash=False, compare=False)
    detail: str = ""          # a short line under the label
    description: str = ""     # searched with a lower weight
    keywords: tuple[str, ...] = ()

    @property
    def spec(self) -> registry.LayerSpec:
        return registry.get(self.type_name)

    def has_inputs(self) -> bool:
        spec = self.spec
        return bool(spec.input_ports(spec.make_params(self.params)))

    def has_outputs(self) -> bool:
        return bool(self.spec.outputs)


@dataclass
class QuickAddRequest:
    """Where to add the chosen node and what to wire it to.

    ``connect_from`` (src id, src port): a wire dragged out of an output; the new node takes it in
    its first free input. ``connect_to`` (dst id, dst port): a wire dragged out of a free input; the
    new node's output feeds it. ``finished`` is called once the popup closes, chosen or not.
    """

    scene_pos: QPointF
    connect_from: tuple[str, str] | None = None
    connect_to: tuple[str, str] | None = None
    finished: Callable[[], None] | None = None

    def accepts(self, entry: QuickAddEntry) -> bool:
        if self.connect_from is not None and not entry.has_inputs():
            return False
        if self.connect_to is not None and not entry.has_outputs():
            return False
        return True

    def finish(self) -> None:
        callback, self.finished = self.finished, None
        if callback is not None:
            callback()


TYPE_KEYWORDS = {
    "Dense": ("fc", "linear", "fully connected", "perceptron", "mlp", "neurons", "units", "hidden"),
    "Input": ("data", "features", "x"),
    "Loss": ("target", "criterion", "objective", "cost"),
    "Activation": ("nonlinearity", "function"),
    "Softmax": ("probabilities", "classes", "classifier"),
    "Add": ("sum", "plus", "residual", "skip"),
    "Concat": ("concatenate", "join", "stack"),
    "Dropout": ("regularization", "noise"),
    "BatchNorm": ("bn", "batch normalization", "normalise", "normalize"),
    "Flatten": ("vector", "flat", "ravel", "to features"),
    "Reshape": ("view", "unflatten", "to image", "dimensions"),
    "Conv2D": ("convolution", "cnn", "conv2d", "kernel", "filters", "feature maps", "image"),
    "MaxPool2D": ("max pooling", "maxpool", "pooling", "pool", "downsample", "subsample"),
    "AvgPool2D": ("average pooling", "avg pooling", "mean pooling", "avgpool", "pooling", "pool", "downsample",
                  "subsample"),
    "GlobalAveragePooling2D": ("gap", "global average pooling", "global pooling", "global mean",
                               "adaptive avg pool", "pooling"),
}
ACTIVATION_LABELS = {
    "sigmoid": ("Sigmoid", ("logistic",)), "tanh": ("Tanh", ()), "relu": ("ReLU", ("rectifier",)),
    "leaky_relu": ("Leaky ReLU", ("lrelu",)), "elu": ("ELU", ()), "gelu": ("GELU", ()),
    "softplus": ("Softplus", ()), "silu": ("SiLU", ("swish",)), "step": ("Step", ("heaviside", "threshold")),
}
LOSS_LABELS = {
    "mse": ("MSE loss", ("mean squared error", "l2", "regression")),
    "mae": ("MAE loss", ("mean absolute error", "l1")),
    "huber": ("Huber loss", ("smooth l1",)),
    "bce": ("BCE loss", ("binary cross entropy", "logloss", "binary")),
    "cross_entropy": ("Cross-entropy loss", ("ce", "categorical", "nll", "crossentropy", "multiclass")),
}


def default_entries() -> list[QuickAddEntry]:
    """One entry per layer type (catalogue order), then the activation and loss presets."""
    entries = [
        QuickAddEntry(s.type, s.type, {}, s.category, s.description, TYPE_KEYWORDS.get(s.type, ()))
        for s in registry.specs()
    ]
    known = set(registry.types())
    if "Activation" in known:
        for fn, (label, extra) in ACTIVATION_LABELS.items():
            entries.append(QuickAddEntry(label, "Activation", {"function": fn}, f"Activation · {fn}", "",
                                         (fn, fn.replace("_", " "), *extra)))
    if "Loss" in known:
        for fn in LOSSES:
            label, extra = LOSS_LABELS.get(fn, (f"{fn} loss", ()))
            entries.append(QuickAddEntry(label, "Loss", {"function": fn}, f"Loss · {fn}", "",
                                         (fn, fn.replace("_", " "), *extra)))
    return entries


def _norm(text: str) -> str:
    return re.sub(r"[\s_\-·]+", " ", text.lower()).strip()


def _subsequence_score(query: str, text: str) -> float:
    """> 0 when the query's letters appear in order in the text; compact matches score higher."""
    pos, start, gaps = 0, -1, 0
    for ch in query:
        found = text.find(ch, pos)
        if found < 0:
            return 0.0
        if start < 0:
            start = found
        elif found > pos:
            gaps += found - pos
        pos = found + 1
    return max(5.0, 30.0 - gaps * 2.0 - start * 0.5)


def _text_score(query: str, text: str) -> float:
    t = _norm(text)
    if not t:
        return 0.0
    squashed_q, squashed_t = query.replace(" ", ""), t.replace(" ", "")
    if t == query or squashed_t == squashed_q:
        return 100.0
    if t.startswith(query) or squashed_t.startswith(squashed_q):
        return 85.0
    if any(word.startswith(query) for word in t.split(" ")):
        return 70.0
    if query in t:
        return 55.0
    return _subsequence_score(squashed_q, squashed_t)


def score(query: str, entry: QuickAddEntry) -> float:
    q = _norm(query)
    if not q:
        return 1.0
    best = max(_text_score(q, entry.label), _text_score(q, entry.type_name))
    for kw in entry.keywords:
        best = max(best, 0.9 * _text_score(q, kw))
    if best < 55 and entry.description:
        words = _norm(entry.description)
        if q in words:
            best = max(best, 40.0)
    return best


def match_entries(query: str, entries: list[QuickAddEntry]) -> list[QuickAddEntry]:
    """The entries that match ``query``, best first (catalogue order among equals)."""
    scored = [(score(query, e), i, e) for i, e in enumerate(entries)]
    return [e for s, i, e in sorted((t for t in scored if t[0] > 0), key=lambda t: (-t[0], t[1]))]


class _EntryDelegate(QStyledItemDelegate):
    """A row: the category's colour, the entry's label, its detail right-aligned and muted."""

    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex) -> QSize:  # noqa: N802
        return QSize(200, max(24, option.fontMetrics.height() + 8))

    def paint(self, painter: QPainter, option: QStyleOptionViewItem,
              index: QModelIndex | QPersistentModelIndex) -> None:
        from .items.style import CATEGORY_COLORS, FALLBACK_CATEGORY, mix

        entry = index.data(Qt.ItemDataRole.UserRole)
        style = option.widget.style() if option.widget is not None else QApplication.style()
        style.drawPrimitive(QStyle.PrimitiveElement.PE_PanelItemViewItem, option, painter, option.widget)
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        pal = option.palette
        text = pal.color(QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text)
        r = option.rect.adjusted(8, 0, -8, 0)
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QColor(CATEGORY_COLORS.get(entry.spec.category, FALLBACK_CATEGORY)))
        painter.drawRoundedRect(QRectF(r.left(), r.center().y() - 5, 10, 10), 3, 3)
        painter.setPen(text)
        label_rect = r.adjusted(18, 0, 0, 0)
        painter.drawText(label_rect, Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft, entry.label)
        used = painter.fontMetrics().horizontalAdvance(entry.label) + 12
        painter.setPen(mix(text, pal.color(QPalette.ColorRole.Base), 0.0 if selected else 0.4))
        detail = painter.fontMetrics().elidedText(entry.detail, Qt.TextElideMode.ElideLeft,
                                                  max(label_rect.width() - used, 0))
        painter.drawText(label_rect, Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignRight, detail)
        painter.restore()


class QuickAddPopup(QFrame):
    """A frameless popup: a search field over a list. Up/Down move, Enter adds, Escape closes.

    ``chosen(type_name, params)`` is emitted for the picked entry; ``closed()`` when the popup goes
    away either way (after ``chosen``).
    """

    chosen = Signal(str, dict)
    closed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent, Qt.WindowType.Popup | Qt.WindowType.FramelessWindowHint)
        self.setObjectName("quickAddPopup")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self._all = default_entries()
        self._accepts: Callable[[QuickAddEntry], bool] = lambda e: True
        self._shown: list[QuickAddEntry] = []
        self.search = QLineEdit(self)
        self.search.setObjectName("quickAddSearch")
        self.search.setPlaceholderText("Search layers…  (relu, fc, bce…)")
        self.search.setClearButtonEnabled(True)
        self.list = QListWidget(self)
        self.list.setObjectName("quickAddList")
        self.list.setUniformItemSizes(True)
        self.list.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.list.setItemDelegate(_EntryDelegate(self.list))
        self.list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.setSpacing(4)
        layout.addWidget(self.search)
        layout.addWidget(self.list)
        self.resize(QSize(320, 340))
        self.search.textChanged.connect(self._refilter)
        self.search.installEventFilter(self)
        self.list.itemActivated.connect(lambda item: self.accept_current())
        self.list.itemClicked.connect(lambda item: self.accept_current())
        self._refilter("")

    # ---- API ----------------------------------------------------------------------------------
    def start(self, accepts: Callable[[QuickAddEntry], bool] | None = None) -> None:
        """Reset the search, keeping only the entries ``accepts`` allows (e.g. those with an input)."""
        self._accepts = accepts or (lambda e: True)
        self.search.blockSignals(True)
        self.search.clear()
        self.search.blockSignals(False)
        self._refilter("")

    def popup(self, global_pos: QPoint) -> None:
        screen = self.screen().availableGeometry() if self.screen() is not None else None
        x, y = global_pos.x(), global_pos.y()
        if screen is not None and screen.isValid():
            x = min(max(x, screen.left()), screen.right() - self.width())
            y = min(max(y, screen.top()), screen.bottom() - self.height())
        self.move(x, y)
        self.show()
        self.search.setFocus(Qt.FocusReason.PopupFocusReason)

    def set_filter_text(self, text: str) -> None:
        self.search.setText(text)

    def entries(self) -> list[QuickAddEntry]:
        """The entries listed now, in order."""
        return list(self._shown)

    def current_entry(self) -> QuickAddEntry | None:
        row = self.list.currentRow()
        return self._shown[row] if 0 <= row < len(self._shown) else None

    def accept_current(self) -> tuple[str, dict[str, Any]] | None:
        entry = self.current_entry()
        if entry is None:
            return None
        result = (entry.type_name, dict(entry.params))
        self.chosen.emit(*result)
        self.close()
        return result

    # ---- internals ----------------------------------------------------------------------------
    def _refilter(self, text: str) -> None:
        candidates = [e for e in self._all if self._accepts(e)]
        self._shown = match_entries(text, candidates)
        self.list.clear()
        for e in self._shown:
            item = QListWidgetItem(e.label)
            item.setData(Qt.ItemDataRole.UserRole, e)
            item.setToolTip(e.description or e.detail)
            self.list.addItem(item)
        if self._shown:
            self.list.setCurrentRow(0)

    def _move(self, step: int) -> None:
        n = len(self._shown)
        if n:
            self.list.setCurrentRow((self.list.currentRow() + step) % n)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if watched is self.search and event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent):
            key = event.key()
            if key == Qt.Key.Key_Down:
                self._move(1)
                return True
            if key == Qt.Key.Key_Up:
                self._move(-1)
                return True
            if key in (Qt.Key.Key_PageDown, Qt.Key.Key_PageUp):
                self._move(5 if key == Qt.Key.Key_PageDown else -5)
                return True
            if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                self.accept_current()
                return True
            if key == Qt.Key.Key_Escape:
                self.close()
                return True
        return super().eventFilter(watched, event)

    def hideEvent(self, event: QHideEvent) -> None:  # noqa: N802
        super().hideEvent(event)
        self.closed.emit()
