"""The data section's CSV file: choosing it, its target column (the row under the picker), and how
a file's data is described and found (a relative path is read from the document's folder). A mixin of
``DatasetSection`` (gui.panels.dataset_section)."""
from __future__ import annotations

from pathlib import Path
from typing import Any, Callable

from PySide6.QtWidgets import QFileDialog, QHBoxLayout, QLabel, QPushButton, QWidget

from engine.data.csv_table import read_table

from .dataset_data import spec_for_csv
from .dataset_picker import file_label
from .param_editors import ComboBox

CSV_FILTER = "Data files (*.csv *.tsv *.txt *.csv.gz);;All files (*)"


class CsvPicking:
    """The "CSV file…" choice and the target column (mixed into DatasetSection, which has ``spec``,
    ``base_dir`` and ``_change``). Tests replace ``_ask_csv_path``."""

    spec: dict[str, Any]
    base_dir: Callable[[], Path | None]
    _change: Callable[..., None]
    csv_row: QWidget
    csv_target: ComboBox
    csv_button: QPushButton

    def _create_csv_row(self) -> None:
        """The CSV file's target column and its File… button (shown for CSV data only)."""
        self.csv_row = QWidget(self)
        self.csv_target = ComboBox()
        self.csv_target.setObjectName("datasetTarget")
        self.csv_target.setToolTip("The column the network learns to predict; the others are its inputs")
        self.csv_target.activated.connect(self._target_picked)
        self.csv_button = QPushButton("File…")
        self.csv_button.setObjectName("datasetCsvButton")
        self.csv_button.clicked.connect(self.pick_csv)
        csv_layout = QHBoxLayout(self.csv_row)
        csv_layout.setContentsMargins(0, 0, 0, 0)
        csv_layout.addWidget(QLabel("Target"))
        csv_layout.addWidget(self.csv_target, 1)
        csv_layout.addWidget(self.csv_button)

    @staticmethod
    def _file_description(spec: dict[str, Any]) -> str:
        kind = spec.get("kind")
        if kind == "images":
            return f"Your images: the folder {file_label(spec)}, one sub-folder per class"
        if kind == "idx":
            return f"Your IDX files: {file_label(spec)} and {Path(str(spec.get('labels'))).name}"
        return f"Your data: {file_label(spec)}"

    def _fill_targets(self, spec: dict[str, Any]) -> None:
        self.csv_target.clear()
        try:
            table = read_table(self._csv_path(spec))
        except Exception:
            return
        names = table.names or [f"column {j + 1}" for j in range(table.width)]
        for j, name in enumerate(names):
            self.csv_target.addItem(name, name if table.names else j)
        target = spec.get("target")
        index = self.csv_target.findData(target) if target is not None else self.csv_target.count() - 1
        self.csv_target.setCurrentIndex(max(index, 0))

    def _csv_path(self, spec: dict[str, Any]) -> Path:
        path = Path(str(spec.get("path")))
        base = self.base_dir()
        return path if path.is_absolute() or base is None else base / path

    def pick_csv(self) -> bool:
        path = self._ask_csv_path()
        if not path:
            return False
        self._change({}, f"Use {Path(path).name}", spec_for_csv(self.spec, str(Path(path).resolve())))
        return True

    def _ask_csv_path(self) -> str | None:
        """The CSV file to train on (tests replace this method)."""
        path, _ = QFileDialog.getOpenFileName(self, "Train on a CSV file", str(self.base_dir() or ""), CSV_FILTER)
        return path or None

    def _target_picked(self, index: int) -> None:
        self._change({"target": self.csv_target.itemData(index)}, "Change the target column")
