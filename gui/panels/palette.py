"""The layer palette: every layer type of the catalogue, grouped by kind, searchable.

Drag an entry onto the canvas (the drag carries ``LAYER_MIME`` with the type name), or double-click
it / press Enter to ask for it at the centre of the view (``addRequested``). The search matches the
type name, kind, description, the choices of its parameters (so "relu" finds Activation and Dense)
and common names from other tools ("fc", "linear", "cross-entropy", "residual" …).
"""
from __future__ import annotations

import re

from PySide6.QtCore import QEvent, QMimeData, QModelIndex, QObject, QPoint, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QDrag, QFontMetrics, QIcon, QKeyEvent, QPainter, QPalette, QPixmap
from PySide6.QtWidgets import (
    QAbstractItemView,
    QLabel,
    QLineEdit,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from engine import registry
from engine.registry import LayerSpec
from gui.editor.items.icons import draw_icon
from gui.editor.items.style import CATEGORY_COLORS, FALLBACK_CATEGORY  # the canvas's kind colours
from gui.editor.mime import LAYER_MIME

from .theme import PALETTE_EVENTS, muted_color, scaled_font, set_text_color

# Names people search for that are neither in a layer's text nor in its parameters' choices.
SEARCH_ALIASES: dict[str, tuple[str, ...]] = {
    "Input": ("data", "features", "sample", "x"),
    "Loss": ("objective", "criterion", "target", "cost", "cross-entropy", "log loss", "l2", "l1"),
    "Dense": ("fc", "linear", "fully connected", "perceptron", "mlp", "hidden", "neurons", "matmul", "weights"),
    "Activation": ("nonlinearity", "non-linearity", "function", "logistic"),
    "Softmax": ("probabilities", "classes", "multiclass", "cross-entropy"),
    "Add": ("sum", "plus", "residual", "skip"),
    "Concat": ("concatenate", "join", "stack"),
    "Dropout": ("regularisation", "noise"),
    "BatchNorm": ("batch normalization", "batch normalisation", "bn", "standardize"),
    "Flatten": ("vector", "ravel"),
    "Reshape": ("unflatten", "view", "dimensions"),
    "Conv2D": ("cnn", "kernel", "filters", "feature maps", "image"),
    "MaxPool2D": ("max pooling", "downsample", "subsample"),
    "AvgPool2D": ("average pooling", "mean pooling", "downsample", "subsample"),
    "GlobalAveragePooling2D": ("gap", "global average pooling", "global pooling"),
}

TYPE_ROLE = Qt.ItemDataRole.UserRole


def category_color(category: str) -> QColor:
    return QColor(CATEGORY_COLORS.get(category, FALLBACK_CATEGORY))


def kind_icon(spec: LayerSpec, size: int = 18, params: dict | None = None) -> QIcon:
    """The layer's badge as on the canvas: its kind colour with the type's white icon (1× and 2×);
    ``params`` pick the drawing where it depends on them (Activation's function)."""
    icon = QIcon()
    color = category_color(spec.category)
    params = params if params is not None else spec.params.defaults()
    for ratio in (1.0, 2.0):
        pixmap = QPixmap(round(size * ratio), round(size * ratio))
        pixmap.setDevicePixelRatio(ratio)
        pixmap.fill(Qt.GlobalColor.transparent)
        p = QPainter(pixmap)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(color)
        p.drawRoundedRect(QRectF(0, 0, size, size), size * 0.22, size * 0.22)
        inset = size * 0.2
        draw_icon(p, spec.type, params, QRectF(inset, inset, size - 2 * inset, size - 2 * inset), QColor("white"))
        p.end()
        icon.addPixmap(pixmap)
    return icon


def mime_for(type_name: str) -> QMimeData:
    """What a palette drag carries: the layer type name (UTF-8) under ``LAYER_MIME``."""
    mime = QMimeData()
    mime.setData(LAYER_MIME, type_name.encode("utf-8"))
    return mime


def _norm(text: str) -> str:
    return re.sub(r"[^0-9a-z]", "", text.lower())


def search_keys(spec: LayerSpec) -> dict[str, int]:
    """Normalized words a search term is matched against, with a weight: the type's own name and
    the names other tools give it weigh 2, words of its kind, description and choices 1."""
    strong = [spec.type, *(alias for alias, target in registry.ALIASES.items() if target == spec.type)]
    strong += SEARCH_ALIASES.get(spec.type, ())
    weak = [spec.category, *spec.category.split(), *re.findall(r"[A-Za-z0-9_\-]+", spec.description)]
    weak += [str(c) for p in spec.params if p.kind == "choice" for c in p.choices]
    weak += [w for alias in SEARCH_ALIASES.get(spec.type, ()) for w in alias.split()]
    keys = {_norm(w): 1 for w in weak}
    keys.update({_norm(w): 2 for w in strong})
    keys.pop("", None)
    return keys


def match_score(keys: dict[str, int], query: str) -> int:
    """0 when some word of ``query`` matches no key; else higher for better matches. A word matches
    a key it starts (or, from 3 letters on, appears inside); an exact match counts double."""
    score = 0
    for term in (_norm(t) for t in query.split()):
        if not term:
            continue
        best = max((w * (2 if k == term else 1) for k, w in keys.items()
                    if k.startswith(term) or (len(term) >= 3 and term in k)), default=0)
        if not best:
            return 0
        score += best
    return max(score, 1)


class _PaletteTree(QTreeWidget):
    """The list of layer types; starts drags with LAYER_MIME and a chip as the drag image."""

    activatedType = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setHeaderHidden(True)
        self.setColumnCount(1)
        self.setRootIsDecorated(False)
        self.setItemsExpandable(False)
        self.setIndentation(0)
        self.setUniformRowHeights(False)
        self.setDragEnabled(True)
        self.setDragDropMode(QAbstractItemView.DragDropMode.DragOnly)
        self.setDefaultDropAction(Qt.DropAction.CopyAction)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setIconSize(QSize(18, 18))
        self.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.itemDoubleClicked.connect(self._double_clicked)

    def current_type(self) -> str | None:
        item = self.currentItem()
        return item.data(0, TYPE_ROLE) if item is not None and not item.isHidden() else None

    # ---- drag -----------------------------------------------------------------------------
    def mimeTypes(self) -> list[str]:
        return [LAYER_MIME]

    def mimeData(self, items: list[QTreeWidgetItem]) -> QMimeData:
        types = [i.data(0, TYPE_ROLE) for i in items if i.data(0, TYPE_ROLE)]
        return mime_for(types[0]) if types else QMimeData()

    def supportedDropActions(self) -> Qt.DropAction:
        return Qt.DropAction.CopyAction

    def startDrag(self, actions: Qt.DropAction) -> None:
        type_name = self.current_type()
        if not type_name:
            return
        drag = QDrag(self)
        drag.setMimeData(mime_for(type_name))
        chip = self._chip(type_name, self.currentItem().data(0, Qt.ItemDataRole.DecorationRole))
        drag.setPixmap(chip)
        drag.setHotSpot(QPoint(12, chip.height() // (2 * max(1, round(chip.devicePixelRatio())))))
        drag.exec(Qt.DropAction.CopyAction, Qt.DropAction.CopyAction)

    def _chip(self, text: str, icon: QIcon | None) -> QPixmap:
        """The drag image: the entry as a rounded chip in the palette's colours."""
        ratio = self.devicePixelRatioF()
        fm = QFontMetrics(self.font())
        w, h = fm.horizontalAdvance(text) + 42, max(fm.height(), 18) + 12
        pixmap = QPixmap(round(w * ratio), round(h * ratio))
        pixmap.setDevicePixelRatio(ratio)
        pixmap.fill(Qt.GlobalColor.transparent)
        p = QPainter(pixmap)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        pal = self.palette()
        p.setPen(pal.color(QPalette.ColorRole.Mid))
        p.setBrush(pal.color(QPalette.ColorRole.Base))
        p.drawRoundedRect(QRectF(0.5, 0.5, w - 1, h - 1), 6, 6)
        if icon is not None:
            icon.paint(p, 8, (h - 18) // 2, 18, 18)
        p.setPen(pal.color(QPalette.ColorRole.Text))
        p.setFont(self.font())
        p.drawText(QRectF(32, 0, w - 34, h), Qt.AlignmentFlag.AlignVCenter, text)
        p.end()
        return pixmap

    # ---- keyboard and activation -----------------------------------------------------------
    def moveCursor(self, action: QAbstractItemView.CursorAction, modifiers: Qt.KeyboardModifier) -> QModelIndex:
        """Arrow keys skip the kind headers (they are labels, not entries)."""
        index = super().moveCursor(action, modifiers)
        if index.isValid() and not index.data(TYPE_ROLE):
            step = {QAbstractItemView.CursorAction.MoveUp: self.indexAbove,
                    QAbstractItemView.CursorAction.MovePageUp: self.indexAbove,
                    QAbstractItemView.CursorAction.MoveHome: self.indexBelow}.get(action, self.indexBelow)
            probe = index
            while probe.isValid() and (not probe.data(TYPE_ROLE) or self.isRowHidden(probe.row(), probe.parent())):
                probe = step(probe)
            if not probe.isValid():  # nothing beyond the header: stay where we are
                return self.currentIndex()
            index = probe
        return index

    def _double_clicked(self, item: QTreeWidgetItem, column: int) -> None:
        type_name = item.data(0, TYPE_ROLE)
        if type_name:
            self.activatedType.emit(type_name)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.current_type():
            self.activatedType.emit(self.current_type())
            event.accept()
            return
        super().keyPressEvent(event)


class LayerPalette(QWidget):
    """Layer types by kind with a search field. Signals: ``addRequested(type_name)``."""

    addRequested = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("layerPalette")
        self._items: dict[str, QTreeWidgetItem] = {}
        self._headers: dict[str, QTreeWidgetItem] = {}
        self._keys: dict[str, dict[str, int]] = {}

        self.search = QLineEdit(self)
        self.search.setObjectName("paletteSearch")
        self.search.setPlaceholderText("Search layers (relu, fc, mse…)")
        self.search.setClearButtonEnabled(True)
        self.search.setToolTip("Filter by name, kind, description or a common name such as relu, fc, bce")
        self.search.textChanged.connect(self.set_filter)
        self.search.installEventFilter(self)

        self.tree = _PaletteTree(self)
        self.tree.setObjectName("paletteTree")
        self.tree.activatedType.connect(self.addRequested)
        self.tree.currentItemChanged.connect(lambda *_: self._show_details())

        self.empty = QLabel(self)
        self.empty.setObjectName("paletteEmpty")
        self.empty.setWordWrap(True)
        self.empty.setAlignment(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop)
        self.empty.hide()

        self.details = QLabel(self)
        self.details.setObjectName("paletteDetails")
        self.details.setWordWrap(True)
        self.details.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        self.details.setMinimumHeight(QFontMetrics(self.details.font()).lineSpacing() * 3 + 4)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.setSpacing(6)
        layout.addWidget(self.search)
        layout.addWidget(self.tree, 1)
        layout.addWidget(self.empty, 1)
        layout.addWidget(self.details)

        self._populate()
        self._restyle()
        self._show_details()

    # ---- public ---------------------------------------------------------------------------
    def mime_for(self, type_name: str) -> QMimeData:
        """The MIME data a drag of ``type_name`` carries (LAYER_MIME: the type name)."""
        return mime_for(type_name)

    def item_for(self, type_name: str) -> QTreeWidgetItem:
        return self._items[type_name]

    def visible_types(self) -> list[str]:
        return [t for t, item in self._items.items() if not item.isHidden()]

    def set_filter(self, text: str) -> None:
        """Show the layer types matching ``text`` (all when empty); the first match becomes current."""
        if self.search.text() != text:
            self.search.setText(text)  # re-enters through textChanged
            return
        scores = {t: match_score(self._keys[t], text) for t in self._items}
        for type_name, item in self._items.items():
            item.setHidden(not scores[type_name])
        for category, header in self._headers.items():
            header.setHidden(all(header.child(i).isHidden() for i in range(header.childCount())))
        visible = self.visible_types()
        self.tree.setVisible(bool(visible))
        self.empty.setVisible(not visible)
        self.empty.setText(f"No layer matches “{text.strip()}”.\nTry a name such as Dense, relu or mse.")
        current = self.tree.current_type()
        if visible and (current not in visible or text.strip()):
            best = max(visible, key=lambda t: scores[t])  # the first of the best matches
            self.tree.setCurrentItem(self._items[best])
        self._show_details()

    # ---- building -------------------------------------------------------------------------
    def _populate(self) -> None:
        header_font = scaled_font(self.tree, 0.92, bold=True)
        for category, specs in registry.by_category().items():
            header = QTreeWidgetItem(self.tree, [category.upper()])
            header.setFlags(Qt.ItemFlag.ItemIsEnabled)  # disabled parents would grey their children
            header.setFont(0, header_font)
            header.setSizeHint(0, QSize(0, QFontMetrics(header_font).height() + 14))
            header.setTextAlignment(0, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignBottom)
            self._headers[category] = header
            for spec in specs:
                item = QTreeWidgetItem(header, [spec.type])
                item.setData(0, TYPE_ROLE, spec.type)
                item.setIcon(0, kind_icon(spec))
                item.setToolTip(0, f"<b>{spec.type}</b> · {spec.category}<br>{spec.description}"
                                   "<br><i>Drag onto the canvas, or double-click to add</i>")
                item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
                              | Qt.ItemFlag.ItemIsDragEnabled)
                item.setSizeHint(0, QSize(0, max(QFontMetrics(self.tree.font()).height(), 18) + 10))
                self._items[spec.type] = item
                self._keys[spec.type] = search_keys(spec)
        self.tree.expandAll()

    def _show_details(self) -> None:
        type_name = self.tree.current_type()
        if type_name:
            spec = registry.get(type_name)
            self.details.setText(f"<b>{spec.type}</b> — {spec.description}")
        else:
            self.details.setText("Drag a layer onto the canvas, or double-click it to add it.")

    def _restyle(self) -> None:
        muted = muted_color(self.palette())
        for header in self._headers.values():
            header.setForeground(0, muted)
        set_text_color(self.details, muted)
        set_text_color(self.empty, muted)

    # ---- events ---------------------------------------------------------------------------
    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() in PALETTE_EVENTS and self._headers:
            self._restyle()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.search and event.type() == QEvent.Type.KeyPress:
            key = event.key()
            if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                if self.tree.current_type():
                    self.addRequested.emit(self.tree.current_type())
                return True
            if key in (Qt.Key.Key_Down, Qt.Key.Key_Up) and self.visible_types():
                self.tree.setFocus(Qt.FocusReason.TabFocusReason)
                if not self.tree.current_type():
                    self.tree.setCurrentItem(self._items[self.visible_types()[0]])
                return True
            if key == Qt.Key.Key_Escape and self.search.text():
                self.search.clear()
                return True
        return super().eventFilter(watched, event)
