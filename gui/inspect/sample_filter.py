"""Filtering the step inspector's sample table: the sorting proxy that can keep only the
misclassified samples."""
from __future__ import annotations

from PySide6.QtCore import QModelIndex, QSortFilterProxyModel
from PySide6.QtWidgets import QWidget


class MisclassifiedFilter(QSortFilterProxyModel):
    """The sorting proxy of the table; ``only_wrong`` keeps the misclassified rows only."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.only_wrong = False

    def set_only_wrong(self, on: bool) -> None:
        self.refilter(lambda: setattr(self, "only_wrong", bool(on)))

    def refilter(self, change=None) -> None:
        """Apply the filter again (after ``change``, if given), the Qt 6.9+ way where there is one."""
        if hasattr(self, "beginFilterChange"):
            self.beginFilterChange()
            if change is not None:
                change()
            self.endFilterChange(QSortFilterProxyModel.Direction.Rows)
        else:  # Qt 6.8
            if change is not None:
                change()
            self.invalidateFilter()

    def filterAcceptsRow(self, row: int, parent: QModelIndex) -> bool:  # noqa: N802
        if not self.only_wrong:
            return True
        data = self.sourceModel().data_
        return data is not None and data.is_correct(row) is False
