"""Help → Keyboard Shortcuts: every menu action with its shortcuts, generated from the actions.

Reading the menus (rather than a hand-written table) keeps the list true when an action or a
shortcut changes. Mouse gestures on the canvas, which are not actions, follow as a last group.
"""
from __future__ import annotations

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLineEdit,
    QMenu,
    QMenuBar,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

CANVAS_GESTURES = [
    ("Add a layer (fuzzy search)", "Tab, or double-click on empty canvas"),
    ("Connect two ports", "Drag from a port to a port"),
    ("Add a connected layer", "Drop a wire on empty canvas"),
    ("Select several nodes", "Drag a rectangle, or Ctrl+click"),
    ("Pan", "Middle-drag, or Space+drag"),
    ("Zoom under the mouse", "Mouse wheel"),
    ("Cancel a wire", "Esc"),
]


def action_label(action: QAction) -> str:
    """The action's menu text without mnemonics, ellipsis or the undo step's description."""
    text = action.text().replace("&&", "\0").replace("&", "").replace("\0", "&")
    return text.rstrip(".…").strip()


def shortcut_text(action: QAction) -> str:
    return " or ".join(s.toString(QKeySequence.SequenceFormat.NativeText) for s in action.shortcuts() if not s.isEmpty())


def menu_rows(menu_bar: QMenuBar) -> list[tuple[str, list[tuple[str, str]]]]:
    """(menu title, [(action, shortcuts), …]) for every top-level menu, including submenus' actions
    that have a shortcut."""
    groups = []
    for top in menu_bar.actions():
        menu = top.menu()
        if not isinstance(menu, QMenu):
            continue
        rows: list[tuple[str, str]] = []
        _collect(menu, rows, nested=False)
        if rows:
            groups.append((action_label(top), rows))
    return groups


def _collect(menu: QMenu, rows: list[tuple[str, str]], nested: bool) -> None:
    for action in menu.actions():
        if action.isSeparator():
            continue
        sub = action.menu()
        if isinstance(sub, QMenu):
            _collect(sub, rows, nested=True)
            continue
        keys = shortcut_text(action)
        if nested and not keys:
            continue  # recent files and examples: many entries, no shortcuts
        if action.isCheckable() and not keys:
            continue  # dock toggles
        label = action.data() if isinstance(action.data(), str) and action.data() else action_label(action)
        rows.append((label, keys))


class ShortcutsDialog(QDialog):
    def __init__(self, menu_bar: QMenuBar, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("shortcutsDialog")
        self.setWindowTitle("Keyboard Shortcuts")

        self.filter = QLineEdit()
        self.filter.setObjectName("shortcutsFilter")
        self.filter.setPlaceholderText("Filter")
        self.filter.setClearButtonEnabled(True)
        self.filter.textChanged.connect(self._apply_filter)

        self.tree = QTreeWidget()
        self.tree.setObjectName("shortcutsTree")
        self.tree.setColumnCount(2)
        self.tree.setHeaderLabels(["Command", "Shortcut"])
        self.tree.setRootIsDecorated(False)
        self.tree.setUniformRowHeights(True)
        self.tree.setAlternatingRowColors(True)
        self.tree.header().setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        self.tree.header().setStretchLastSection(True)
        groups = menu_rows(menu_bar) + [("Canvas", CANVAS_GESTURES)]
        for title, rows in groups:
            group = QTreeWidgetItem([title])
            font = group.font(0)
            font.setBold(True)
            group.setFont(0, font)
            self.tree.addTopLevelItem(group)
            for label, keys in rows:
                group.addChild(QTreeWidgetItem([label, keys or "—"]))
            group.setExpanded(True)
        self.tree.setItemsExpandable(False)

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.filter)
        layout.addWidget(self.tree, 1)
        layout.addWidget(buttons)
        fm = self.fontMetrics()
        rows = sum(1 + len(group_rows) for _, group_rows in groups)
        height = (fm.lineSpacing() + 4) * (rows + 1) + 70  # every row without scrolling, if it fits
        screen = (parent.screen() if parent is not None else None) or self.screen()
        if screen is not None:
            height = min(height, int(screen.availableGeometry().height() * 0.85))
        self.resize(fm.averageCharWidth() * 84, height)

    def rows(self) -> dict[str, list[tuple[str, str]]]:
        """{menu: [(command, shortcuts), …]} as listed (tests read it)."""
        out = {}
        for i in range(self.tree.topLevelItemCount()):
            group = self.tree.topLevelItem(i)
            out[group.text(0)] = [(group.child(j).text(0), group.child(j).text(1)) for j in range(group.childCount())]
        return out

    def _apply_filter(self, text: str) -> None:
        needle = text.strip().lower()
        for i in range(self.tree.topLevelItemCount()):
            group = self.tree.topLevelItem(i)
            visible = 0
            for j in range(group.childCount()):
                child = group.child(j)
                hit = not needle or needle in child.text(0).lower() or needle in child.text(1).lower()
                child.setHidden(not hit)
                visible += hit
            group.setHidden(visible == 0)
