"""The issues panel: what the analysis found (errors first, then warnings) and what the loader had to
fix or skip when the file was opened. Clicking an issue that concerns a node asks for that node
(``nodeRequested``: the window selects and centres it)."""
from __future__ import annotations

from PySide6.QtCore import QEvent, QModelIndex, QPersistentModelIndex, QRect, QSize, Qt, Signal
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QStackedWidget,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from engine.validation import Analysis, Issue
from gui.document import DocumentModel

from .theme import PALETTE_EVENTS, muted_color, plural, set_text_color, severity_icon

NODE_ROLE = Qt.ItemDataRole.UserRole
KIND_ROLE = Qt.ItemDataRole.UserRole + 1  # "error" | "warning" | "problem" | "group"
READY_TEXT = "No problems — the network is ready to train"


def issue_order(issues: list[Issue]) -> list[Issue]:
    """Errors first, then warnings; otherwise in the analysis's order."""
    return sorted(issues, key=lambda i: not i.is_error)


class _WrappingDelegate(QStyledItemDelegate):
    """Rows as tall as their word-wrapped text at the column's current width, icons at the top
    (QTreeView alone sizes rows for one line and elides the rest)."""

    def __init__(self, tree: QTreeWidget) -> None:
        super().__init__(tree)
        self.tree = tree

    def initStyleOption(self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex) -> None:
        super().initStyleOption(option, index)
        option.displayAlignment = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop
        option.decorationAlignment = Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop

    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex) -> QSize:
        size = super().sizeHint(option, index)
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        if not opt.text:
            return size
        margin = self.tree.style().pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin, None, self.tree) + 1
        width = self.tree.columnWidth(index.column()) - 2 * margin
        if not opt.icon.isNull():
            width -= opt.decorationSize.width() + 2 * margin
        if index.column() == 0:
            width -= self.tree.indentation() * (1 + (index.parent().isValid()))
        text = opt.fontMetrics.boundingRect(QRect(0, 0, max(width, 40), 100_000), Qt.TextFlag.TextWordWrap, opt.text)
        return QSize(size.width(), max(size.height(), text.height() + 2 * margin))


class _IssueTree(QTreeWidget):
    """Keeps word-wrapped rows the right height when the panel or a column is resized."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setItemDelegate(_WrappingDelegate(self))
        self.setWordWrap(True)
        self.setUniformRowHeights(False)
        self.header().sectionResized.connect(lambda *_: self.scheduleDelayedItemsLayout())

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if event.size().width() != event.oldSize().width():
            self.scheduleDelayedItemsLayout()


class IssuesPanel(QWidget):
    """The list of issues and load problems of a document.

    Signals: ``nodeRequested(node_id)`` when an issue about a node is clicked or activated;
    ``countChanged(errors, warnings)`` when the numbers change (load problems count as warnings).
    """

    nodeRequested = Signal(str)
    countChanged = Signal(int, int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("issuesPanel")
        self.document: DocumentModel | None = None
        self._counts: tuple[int, int] | None = None

        self.tree = _IssueTree(self)
        self.tree.setObjectName("issuesTree")
        self.tree.setColumnCount(2)
        self.tree.setHeaderLabels(["Node", "Description"])
        self.tree.setRootIsDecorated(False)
        self.tree.setAlternatingRowColors(True)
        self.tree.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.tree.setIconSize(QSize(16, 16))
        self.tree.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        header = self.tree.header()
        header.setStretchLastSection(True)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Interactive)
        self.tree.itemClicked.connect(self._clicked)
        self.tree.itemActivated.connect(self._clicked)

        self.empty = QWidget(self)
        self.empty.setObjectName("issuesEmpty")
        self.empty_icon = QLabel(self.empty)
        self.empty_text = QLabel(READY_TEXT, self.empty)
        self.empty_text.setObjectName("issuesEmptyText")
        row = QHBoxLayout(self.empty)
        row.addStretch(1)
        row.addWidget(self.empty_icon)
        row.addWidget(self.empty_text)
        row.addStretch(1)

        self.pages = QStackedWidget(self)
        self.pages.addWidget(self.tree)
        self.pages.addWidget(self.empty)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.pages)
        self._restyle()
        self.refresh()

    # ---- public ---------------------------------------------------------------------------
    def set_document(self, document: DocumentModel | None) -> None:
        if self.document is not None:
            try:
                self.document.analysisChanged.disconnect(self.refresh)
            except (RuntimeError, TypeError):
                pass
        self.document = document
        self._counts = None
        if document is not None:
            document.analysisChanged.connect(self.refresh)
        self.refresh()

    def counts(self) -> tuple[int, int]:
        """(errors, warnings) shown now; load problems count as warnings."""
        return self._counts or (0, 0)

    def title(self) -> str:
        """A dock title with the counts: "Issues", "Issues (1 error, 2 warnings)"."""
        errors, warnings = self.counts()
        parts = ([plural(errors, "error")] if errors else []) + ([plural(warnings, "warning")] if warnings else [])
        return "Issues" + (f" ({', '.join(parts)})" if parts else "")

    def refresh(self, analysis: Analysis | None = None) -> None:
        """Rebuild the list from the document's analysis and load problems."""
        doc = self.document
        if doc is not None and analysis is None:
            analysis = doc.analysis
        selected = self._selected_key()
        self.tree.clear()
        errors = warnings = 0
        if doc is not None and analysis is not None:
            for issue in issue_order(analysis.issues):
                self._add_issue(issue)
                errors += issue.is_error
                warnings += not issue.is_error
            problems = doc.problems
            if problems:
                self._add_problems(problems)
                warnings += len(problems)
        self.tree.resizeColumnToContents(0)
        self.tree.setColumnWidth(0, min(max(self.tree.columnWidth(0) + 8, 110), 260))
        self._restore_selection(selected)
        self.pages.setCurrentWidget(self.tree if self.tree.topLevelItemCount() else self.empty)
        if doc is None:
            self.empty_text.setText("No network open")
        elif analysis is not None and analysis.trainable:
            self.empty_text.setText(READY_TEXT)
        else:
            self.empty_text.setText("No problems found")
        if self._counts != (errors, warnings):
            self._counts = (errors, warnings)
            self.countChanged.emit(errors, warnings)

    # ---- building -------------------------------------------------------------------------
    def _add_issue(self, issue: Issue) -> None:
        graph = self.document.graph
        name = graph.node(issue.node).name if issue.node is not None and issue.node in graph else "Network"
        item = QTreeWidgetItem(self.tree, [name, issue.message])
        item.setIcon(0, severity_icon(self, issue.severity))
        item.setData(0, NODE_ROLE, issue.node)
        item.setData(0, KIND_ROLE, issue.severity)
        blocks = {"graph": "the network cannot run", "train": "the network cannot be trained",
                  "data": "the network cannot be trained on this data"}.get(issue.scope, "it blocks training") \
            if issue.is_error else "nothing is blocked"
        tip = f"{issue.message}\n\n{issue.severity.capitalize()}: {blocks}."
        if issue.node is not None:
            tip += " Click to show the node."
        for column in (0, 1):
            item.setToolTip(column, tip)

    def _add_problems(self, problems: list[str]) -> None:
        group = QTreeWidgetItem(self.tree, [f"The file was opened with {plural(len(problems), 'problem')}: "
                                            "what could not be read was skipped or replaced"])
        group.setFirstColumnSpanned(True)
        group.setIcon(0, self.style().standardIcon(QStyle.StandardPixmap.SP_FileIcon))
        group.setData(0, KIND_ROLE, "group")
        font = group.font(0)
        font.setBold(True)
        group.setFont(0, font)
        for problem in problems:
            path = getattr(problem, "path", "")
            message = getattr(problem, "message", str(problem))
            child = QTreeWidgetItem(group, [path or "file", message])
            child.setIcon(0, severity_icon(self, "warning"))
            child.setData(0, KIND_ROLE, "problem")
            for column in (0, 1):
                child.setToolTip(column, str(problem))
        self.tree.setRootIsDecorated(True)
        group.setExpanded(True)

    def _selected_key(self) -> tuple | None:
        items = self.tree.selectedItems()
        return (items[0].data(0, NODE_ROLE), items[0].text(1)) if items else None

    def _restore_selection(self, key: tuple | None) -> None:
        self.tree.setRootIsDecorated(any(self.tree.topLevelItem(i).childCount()
                                         for i in range(self.tree.topLevelItemCount())))
        if key is None:
            return
        for i in range(self.tree.topLevelItemCount()):
            item = self.tree.topLevelItem(i)
            if (item.data(0, NODE_ROLE), item.text(1)) == key:
                self.tree.setCurrentItem(item)
                return

    # ---- events ---------------------------------------------------------------------------
    def _clicked(self, item: QTreeWidgetItem, column: int = 0) -> None:
        node_id = item.data(0, NODE_ROLE)
        if node_id and self.document is not None and node_id in self.document.graph:
            self.nodeRequested.emit(node_id)

    def _restyle(self) -> None:
        self.empty_icon.setPixmap(self.style().standardIcon(QStyle.StandardPixmap.SP_DialogApplyButton).pixmap(20, 20))
        set_text_color(self.empty_text, muted_color(self.palette()))

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() in PALETTE_EVENTS and hasattr(self, "empty_text"):
            self._restyle()
