"""The training panel's data section: the dataset picker (every catalogue dataset, grouped, a CSV
file, an image folder, IDX files), noise, train ratio, data seed, Regenerate, a preview (points or
sample images), the CSV target column, image options, and Playground's input features as toggle chips.

Changes become undo commands on the document's stack (gui.training.commands). Choosing data with
another input shape — a features chip, another dataset, images — also sets the Input node's shape in
the same undo step, and the hint under the chips says so. Files are read here for the preview and
the Input's shape, and again by the training worker (as for a CSV file).

Files load in a background thread (gui.panels.dataset_loading), with their progress and a Cancel
button under the picker. Choosing a file that loads slowly is a pending choice: the document keeps
its data until the file has loaded, then the choice and the Input's new shape go in as one undo
step. Cancel, or any other data choice meanwhile, drops it (a late result only goes into the cache).

The parts are mixins, as ImagePicking (gui.panels.dataset_images) is: the loading row and the pending
choice in gui.panels.dataset_loading_row, the CSV file and its target column in gui.panels.dataset_csv;
this module builds the section and wires the picker, the sliders, the chips and the preview.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any, Callable

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QSlider,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from engine.data import DATASETS, FEATURE_LABELS, FEATURES
from engine.data.catalogue import describe
from engine.data.spec import is_image_spec
from gui.document import DocumentModel
from gui.training.commands import SettingsHub, input_change

from .dataset_csv import CSV_FILTER, CsvPicking  # noqa: F401 - CSV_FILTER re-exported
from .dataset_data import DataCache, Loaded, raw_dims, spec_for_dataset
from .dataset_loading import DataLoader
from .dataset_loading_row import BackgroundLoading, PendingChoice
from .dataset_images import ImageOptions, ImagePicking, common_image_size, gui_error
from .dataset_picker import CSV_ITEM, IDX_ITEM, IMAGE_SUFFIX, IMAGES_ITEM, fill_combo, show_choice
from .dataset_preview import DatasetPreview
from .param_editors import ComboBox
from .theme import muted_color, scaled_font, set_text_color, status_color, text_label
from .training_settings import MAX_SEED, count_box

FEATURE_IDS = {"x1": "x1", "x2": "x2", "x1^2": "x1sq", "x2^2": "x2sq", "x1*x2": "x1x2", "sin(x1)": "sinx1",
               "sin(x2)": "sinx2"}

# Chips read as on/off at a glance in light and dark themes (palette roles, no fixed colours).
CHIP_STYLE = ("QToolButton { border: 1px solid palette(mid); border-radius: 4px; padding: 2px 4px; }"
              "QToolButton:checked { background: palette(highlight); color: palette(highlighted-text);"
              " border-color: palette(highlight); }")


SPLIT_KEYS = {"train_ratio", "seed", "stratify"}  # changes that never change the Input's shape


def _slider(name: str, low: int, high: int, tip: str) -> QSlider:
    slider = QSlider(Qt.Orientation.Horizontal)
    slider.setObjectName(name)
    slider.setRange(low, high)
    slider.setToolTip(tip)
    slider.setPageStep(5)
    return slider


class DatasetSection(BackgroundLoading, CsvPicking, ImagePicking, QWidget):
    """The data section; ``base_dir()`` is the folder a relative CSV path is read from.

    ``dataArrived(key)``: a file finished loading in the background (the window re-checks the data fit).
    """

    dataArrived = Signal(str)

    def __init__(self, hub: SettingsHub, base_dir: Callable[[], Path | None], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.hub = hub
        self.base_dir = base_dir
        self.model: DocumentModel | None = None
        self.cache = DataCache()
        self.loader = DataLoader(self.cache, self)
        self.loader.arrived.connect(self._data_arrived)
        self.loader.progressed.connect(self._show_loading)
        self._pending: PendingChoice | None = None
        self._requests = 0
        self._skipped: set[str] = set()  # the document's data the user stopped loading
        self._refreshing = False

        self.combo = ComboBox()
        self.combo.setObjectName("datasetCombo")
        self.combo.setAccessibleName("Dataset")
        self.combo.setMaxVisibleItems(20)
        fill_combo(self.combo)
        self.combo.activated.connect(self._dataset_picked)
        self.description = text_label(self, "datasetDescription", wrap=True)
        self._create_loading_row()

        self.preview = DatasetPreview(self)
        self.noise = _slider("datasetNoise", 0, 50, "Noise (%): Playground's 0–50 %")
        self.ratio = _slider("datasetRatio", 10, 90, "Share of the data used for training (%); the rest is test data")
        self.noise_value, self.ratio_value = QLabel(), QLabel()
        for label in (self.noise_value, self.ratio_value):
            label.setMinimumWidth(label.fontMetrics().horizontalAdvance("100 %"))
            label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.noise.valueChanged.connect(lambda v: self._slid("noise", v / 100))
        self.ratio.valueChanged.connect(lambda v: self._slid("train_ratio", v / 100))
        self.seed = count_box("datasetSeed", 0, MAX_SEED, "Seed of the generated points and of the train/test split",
                              lambda v: self._change({"seed": v}, "Change data seed"))
        self.regenerate = QPushButton("Regenerate")
        self.regenerate.setObjectName("datasetRegenerate")
        self.regenerate.setToolTip("New random data: the next data seed")
        self.regenerate.clicked.connect(self._regenerate)

        controls = QVBoxLayout()
        controls.setContentsMargins(0, 0, 0, 0)
        controls.setSpacing(2)
        for title, slider, value in (("Noise", self.noise, self.noise_value),
                                     ("Training data", self.ratio, self.ratio_value)):
            controls.addWidget(QLabel(title))
            controls.addLayout(self._with_value(slider, value))
            controls.addSpacing(4)
        controls.addStretch(1)
        top = QHBoxLayout()
        top.setSpacing(8)
        top.addWidget(self.preview, 0, Qt.AlignmentFlag.AlignTop)
        top.addLayout(controls, 1)
        seed_row = QHBoxLayout()
        seed_row.addWidget(QLabel("Data seed"))
        seed_row.addWidget(self.seed, 1)
        seed_row.addWidget(self.regenerate)

        self._create_csv_row()
        self.image_options = ImageOptions(self._change, self._repick_images, self)

        # Playground's input features
        self.features_box = QWidget(self)
        grid = QGridLayout(self.features_box)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setSpacing(3)
        self.features_box.setStyleSheet(CHIP_STYLE)
        self.chips: dict[str, QToolButton] = {}
        for i, name in enumerate(FEATURES):
            chip = QToolButton(self.features_box)
            chip.setObjectName(f"feature_{FEATURE_IDS[name]}")
            chip.setText(FEATURE_LABELS[name])
            chip.setCheckable(True)
            chip.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
            chip.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
            chip.setToolTip(f"Feed {FEATURE_LABELS[name]} to the network")
            chip.toggled.connect(lambda _on, n=name: self._features_toggled(n))
            grid.addWidget(chip, i // 4, i % 4)
            self.chips[name] = chip
        self.features_hint = text_label(self, "featuresHint", wrap=True)
        self.error = text_label(self, "datasetError", wrap=True, selectable=True)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(6)
        layout.addWidget(self.combo)
        layout.addWidget(self.description)
        layout.addWidget(self.loading_row)
        layout.addWidget(self.csv_row)
        layout.addWidget(self.image_options)
        layout.addLayout(top)
        layout.addLayout(seed_row)
        self.features_title = QLabel("Input features")
        self.features_title.setFont(scaled_font(self, bold=True))
        layout.addWidget(self.features_title)
        layout.addWidget(self.features_box)
        layout.addWidget(self.features_hint)
        layout.addWidget(self.error)

        self._preview_timer = QTimer(self)
        self._preview_timer.setSingleShot(True)
        self._preview_timer.setInterval(60)
        self._preview_timer.timeout.connect(self._update_preview)

    @staticmethod
    def _with_value(slider: QSlider, label: QLabel) -> QHBoxLayout:
        row = QHBoxLayout()
        row.addWidget(slider, 1)
        row.addWidget(label)
        return row

    # ---- the document ----------------------------------------------------------------------
    def set_document(self, model: DocumentModel | None) -> None:
        self._drop_pending()
        self.model = model
        self.refresh()

    @property
    def spec(self) -> dict[str, Any]:
        return self.model.doc.dataset if self.model is not None else {}

    def loaded(self, spec: dict[str, Any] | None = None) -> Loaded:
        """The data of ``spec`` (the document's by default), loading it here and now if need be."""
        return self.cache.load(self.spec if spec is None else spec, self.base_dir())

    def refresh(self) -> None:
        """Show the document's dataset spec (after an edit, undo or redo)."""
        if self.model is None:
            return
        self._refreshing = True
        try:
            spec = self.spec
            kind = spec.get("kind", "generator")
            csv, files = kind == "csv", kind != "generator"
            show_choice(self.combo, spec)
            info = DATASETS.get(spec.get("name", "")) if not files else None
            self.description.setText(describe(spec) if info else self._file_description(spec))
            set_text_color(self.description, muted_color(self.palette()))
            real = info is not None and info.kind == "real"
            self.noise.setValue(round(float(spec.get("noise", 0.0)) * 100))
            self.noise.setEnabled(not files and not real)
            self.ratio.setValue(round(float(spec.get("train_ratio", 0.5)) * 100))
            self.seed.setValue(int(spec.get("seed", 0)))
            self.regenerate.setEnabled(not files and not real)
            self._slid_labels()
            self.csv_row.setVisible(csv)
            if csv:
                self._fill_targets(spec)
            features = spec.get("features")
            at_hand = self._document_data()
            loaded = at_hand or Loaded(None)  # no data yet while a file loads
            self.image_options.setVisible(kind in ("images", "idx"))
            if kind in ("images", "idx"):
                shape = loaded.prepared.train.input_shape if loaded.prepared is not None else None
                size = list(shape[1:]) if shape else None
                if size is None and at_hand is not None and kind == "images" and not spec.get("size") \
                        and spec.get("path"):
                    size = common_image_size(self._csv_path(spec))  # differing sizes: propose the usual one
                self.image_options.show_spec(spec, size)
            two_d = (raw_dims(spec) == 2) if not files else loaded.raw_dims == 2
            for name, chip in self.chips.items():
                chip.setChecked(bool(features) and name in features)
                chip.setEnabled(two_d)
            self.features_box.setEnabled(two_d)
            images = is_image_spec(spec) or (loaded.input_shape is not None and len(loaded.input_shape) > 1)
            self.features_title.setVisible(not images)  # Playground's features mean nothing for images
            self.features_box.setVisible(not images)
            self._show_hint(loaded, two_d)
        finally:
            self._refreshing = False
        self._show_loading()
        self._preview_timer.start()

    def _show_hint(self, loaded: Loaded, two_d: bool) -> None:
        palette = self.palette()
        self.error.setText(gui_error(loaded.error))
        self.error.setVisible(bool(loaded.error))
        set_text_color(self.error, status_color(palette, "error"))
        width, wanted = loaded.input_width, loaded.input_shape
        node = self._single_input()
        text, kind = "", None
        if wanted is not None and len(wanted) > 1 and node is not None:
            shape, size = list(node.params.get("shape") or []), " × ".join(map(str, wanted))
            text, kind = (f"{node.name} takes images of {size} (channels × height × width).", None) if shape == wanted \
                else (f"This data gives images of {size} but {node.name} expects {shape}: set its shape to {wanted} "
                      f"(choosing the data again does it).", "warning")
        elif width is not None and node is not None:
            shape = list(node.params.get("shape") or [])
            if shape == [width]:
                text = (f"{node.name} takes {width} input{'s' if width != 1 else ''}. Changing the features changes "
                        f"its shape too (one undo step).") if two_d else f"{node.name} takes {width} inputs."
            else:
                text, kind = (f"This data gives {width} inputs but {node.name} expects {shape}: set its shape to "
                              f"[{width}] (choosing the data again does it)."), "warning"
        elif not two_d and not is_image_spec(self.spec):
            text = "Input features apply to data with two inputs (x₁, x₂)."
        self.features_hint.setText(text)
        set_text_color(self.features_hint, status_color(palette, kind) if kind else muted_color(palette))

    def _single_input(self):
        if self.model is None:
            return None
        inputs = [n for n in self.model.graph if n.type == "Input"]
        return inputs[0] if len(inputs) == 1 else None

    def _update_preview(self) -> None:
        if self.model is None:
            return
        loaded = self.loader.peek(self.spec, self.base_dir())
        if loaded is None:
            skipped = self.loader.key(self.spec, self.base_dir()) in self._skipped
            self.preview.show_note("Not loaded" if skipped else "Loading…")
            return
        prepared = loaded.prepared
        if prepared is None:
            self.preview.show_note("No data")
            return
        train, test = prepared.train, prepared.test
        dims = train.input_shape
        if len(dims) != 1:
            colour = "RGB " if dims[0] == 3 else ""
            self.preview.show_images(train.X, train.y, f"{train.n_samples + test.n_samples:,} {colour}images "
                                                       f"{dims[-2]}×{dims[-1]}")
            return
        info = DATASETS.get(self.spec.get("name", "")) if self.spec.get("kind", "generator") == "generator" else None
        extent = info.extent if info is not None and info.dims == 2 else None
        note = "" if dims[0] <= 2 else f"first 2 of {dims[0]} inputs"
        X, tX = train.X, test.X
        if dims[0] > 2:  # standardise the two columns shown so they fill the box
            mean, std = X[:, :2].mean(axis=0), X[:, :2].std(axis=0) + 1e-12
            X, tX = (X[:, :2] - mean) / std, (tX[:, :2] - mean) / std
        self.preview.show_data(X, train.y, tX, test.y, train.task, extent, note)

    # ---- edits -----------------------------------------------------------------------------
    def _change(self, changes: dict[str, Any], text: str, new_spec: dict[str, Any] | None = None) -> None:
        """Push one undo step for a dataset change (with the Input's shape when it must follow)."""
        if self._refreshing or self.model is None:
            return
        spec = dict(new_spec) if new_spec is not None else {**self.spec, **changes}
        spec = {k: v for k, v in spec.items() if v is not None}
        self._requests += 1  # a newer choice: a pending one is stale
        if spec == self.spec:
            self._drop_pending()
            return
        diff = {k: spec.get(k) for k in set(spec) | set(self.spec) if spec.get(k) != self.spec.get(k)}
        node = self._single_input()
        shape = None
        if node is not None and not set(diff) <= SPLIT_KEYS:  # [7] or [1, 8, 8]: the Input follows
            base = self.base_dir()
            key = self.loader.key(spec, base)
            self._skipped.discard(key)  # choosing it again loads it again
            loaded = self.loader.get(spec, base)
            if loaded is None:  # a file still loading: the choice waits for it
                self._set_pending(PendingChoice(self._requests, key, spec, text, node.id))
                return
            shape = loaded.input_shape
        self._drop_pending()
        self.model.push(input_change(self.model.doc, self.hub, text, diff, node.id if node else None, shape))

    def _dataset_picked(self, index: int) -> None:
        key = self.combo.itemData(index)
        if key == CSV_ITEM:
            self.pick_csv()
        elif key == IMAGES_ITEM:
            self.pick_images()
        elif key == IDX_ITEM:
            self.pick_idx()
        elif key in DATASETS:
            self._change({}, f"Use the {DATASETS[key].title} data", spec_for_dataset(self.spec, key))
        elif isinstance(key, str) and key.removesuffix(IMAGE_SUFFIX) in DATASETS:
            name = key.removesuffix(IMAGE_SUFFIX)
            self._change({}, f"Use the {DATASETS[name].image_title} data", spec_for_dataset(self.spec, name, True))
        self.refresh()  # a cancelled file dialog shows the current choice again

    def _slid(self, key: str, value: float) -> None:
        self._change({key: round(value, 2)}, "Change noise" if key == "noise" else "Change the training share")

    def _slid_labels(self) -> None:
        """The document's values (a file may hold a split beyond the slider's 10–90 %)."""
        spec = self.spec
        self.noise_value.setText(f"{round(float(spec.get('noise', 0.0)) * 100)} %")
        self.ratio_value.setText(f"{round(float(spec.get('train_ratio', 0.5)) * 100)} %")

    def _regenerate(self) -> None:
        self.seed.setValue(self.seed.value() + 1)

    def _features_toggled(self, name: str) -> None:
        if self._refreshing:
            return
        chosen = [f for f in FEATURES if self.chips[f].isChecked()]
        if not chosen:  # at least one feature: keep this one on
            self._refreshing = True
            self.chips[name].setChecked(True)
            self._refreshing = False
            return
        self._change({"features": chosen}, "Change input features")
