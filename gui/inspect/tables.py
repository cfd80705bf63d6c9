"""A read-only, sortable table of prepared rows (text, sort key, colour per cell), in tabular figures."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QSortFilterProxyModel, Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView, QWidget

from .style import number_font

SORT_ROLE = Qt.ItemDataRole.UserRole


@dataclass
class Cell:
    text: str
    sort: Any = None
    color: QColor | None = None
    numeric: bool = True
    tooltip: str = ""


class RowsModel(QAbstractTableModel):
    def __init__(self, headers: list[str], rows: list[list[Cell]], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.headers, self.rows = headers, rows

    def rowCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self.headers)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:  # noqa: N802
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.headers[section]
        return None

    def data(self, index: QModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        cell = self.rows[index.row()][index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            return cell.text
        if role == SORT_ROLE:
            return cell.sort if cell.sort is not None else cell.text
        if role == Qt.ItemDataRole.ForegroundRole:
            return cell.color
        if role == Qt.ItemDataRole.ToolTipRole:
            return cell.tooltip or None
        if role == Qt.ItemDataRole.TextAlignmentRole:
            horizontal = Qt.AlignmentFlag.AlignRight if cell.numeric else Qt.AlignmentFlag.AlignLeft
            return int(horizontal | Qt.AlignmentFlag.AlignVCenter)
        return None


class RowsTable(QTableView):
    """The view of a RowsModel: sortable by clicking a header, rows sized to the font, all text visible."""

    def __init__(self, name: str, headers: list[str], rows: list[list[Cell]], parent: QWidget | None = None,
                 max_visible_rows: int = 14) -> None:
        super().__init__(parent)
        self.setObjectName(name)
        self.source = RowsModel(headers, rows, self)
        proxy = QSortFilterProxyModel(self)
        proxy.setSourceModel(self.source)
        proxy.setSortRole(SORT_ROLE)
        self.setModel(proxy)
        self.horizontalHeader().setSortIndicator(-1, Qt.SortOrder.AscendingOrder)  # no sort until a click
        self.setSortingEnabled(True)
        self.setFont(number_font(self.font()))
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setAlternatingRowColors(True)
        self.setWordWrap(False)
        self.verticalHeader().hide()
        row_h = self.fontMetrics().height() + 8
        self.verticalHeader().setDefaultSectionSize(row_h)
        header = self.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setResizeContentsPrecision(200)
        header.setStretchLastSection(False)
        self.resizeColumnsToContents()
        visible = min(len(rows), max_visible_rows)
        self.setMinimumHeight(header.sizeHint().height() + row_h * max(visible, 1) + 4)
        self.setMaximumHeight(header.sizeHint().height() + row_h * max(visible, 1) + 4 + (0 if visible < max_visible_rows else 200))

    def column(self, header: str) -> list[str]:
        """The texts of one column, in the source order (tests and copying)."""
        j = self.source.headers.index(header)
        return [row[j].text for row in self.source.rows]
