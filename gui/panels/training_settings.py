"""The training panel's settings: the ones people turn most — learning rate (Playground's list plus
free entry), batch size, optimizer, epochs or "until stopped" — in ``quick``, a compact grid the
panel keeps in view under the transport; the rest — the optimizer's hyperparameters, the
learning-rate schedule, regularization and its rate, the weight seed — in this widget, which the
panel folds into "More training settings" (``summary()`` says what they are while folded).

Each change is an undo command on the document's stack (gui.training.commands); the controller
pushes the live ones (learning rate, L1/L2, batch size, epochs) to a running worker at once.
"""
from __future__ import annotations

import math
from typing import Any, Callable

from PySide6.QtGui import QDoubleValidator
from PySide6.QtWidgets import QCheckBox, QFormLayout, QGridLayout, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from engine.hyperparams import HyperParam
from engine.optim import OPTIMIZERS, SCHEDULE_PARAMS
from engine.params import ParamSpec
from engine.train_config import TrainConfig
from gui.document import DocumentModel
from gui.training.commands import SetSettingsCommand, SettingsHub

from .dataset_data import PLAYGROUND_RATES, REGULARIZATION_RATES
from .param_editors import ComboBox, ParamEditor, SpinBox, make_editor
from .theme import set_text_color, status_color, text_label

OPTIMIZER_TITLES = {"sgd": "SGD", "rmsprop": "RMSProp", "adagrad": "Adagrad", "adam": "Adam", "adamw": "AdamW"}
SCHEDULE_TITLES = {"constant": "Constant", "step": "Step decay", "cosine": "Cosine"}
REGULARIZATION = ("None", "L1", "L2", "L1 + L2")
MAX_EPOCHS = 10_000_000
MAX_SEED = 2**31 - 1  # a spin box's limit (the file takes seeds up to 2**62)


def param_spec(hp: HyperParam) -> ParamSpec:
    """An optimizer's or schedule's hyperparameter as the inspector's editors describe one."""
    kind = {bool: "bool", int: "int"}.get(hp.type, "float")
    return ParamSpec(hp.name, kind, hp.default, hp.help, hp.min, hp.max, exclusive_min=hp.min_open)


def rate_combo(name: str, rates: tuple[float, ...], tip: str) -> ComboBox:
    """An editable combo of rates that also takes any typed number."""
    combo = ComboBox()
    combo.setObjectName(name)
    combo.setEditable(True)
    combo.setInsertPolicy(ComboBox.InsertPolicy.NoInsert)
    for rate in rates:
        combo.addItem(format_rate(rate), rate)
    validator = QDoubleValidator(0.0, 1e9, 12, combo)
    validator.setNotation(QDoubleValidator.Notation.ScientificNotation)
    combo.lineEdit().setValidator(validator)
    combo.setToolTip(tip)
    return combo


def count_box(name: str, low: int, high: int, tip: str, edited: Callable[[int], object]) -> SpinBox:
    """A whole-number field that reports a value on Enter, focus-out or an arrow step."""
    box = SpinBox()
    box.setObjectName(name)
    box.setRange(low, high)
    box.setKeyboardTracking(False)
    box.setToolTip(tip)
    box.valueChanged.connect(lambda v: edited(int(v)))
    return box


def format_rate(value: float) -> str:
    return "0" if value == 0 else format(value, "g")


def parse_rate(text: str) -> float | None:
    try:
        value = float(text.strip().replace(",", "."))
    except ValueError:
        return None
    return value if math.isfinite(value) and value >= 0 else None


class TrainingSettings(QWidget):
    def __init__(self, hub: SettingsHub, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.hub = hub
        self.model: DocumentModel | None = None
        self._refreshing = False
        self._editors: dict[str, ParamEditor] = {}
        self._schedule_editors: dict[str, ParamEditor] = {}

        self.optimizer = ComboBox()
        self.optimizer.setObjectName("trainOptimizer")
        for name in OPTIMIZERS:
            self.optimizer.addItem(OPTIMIZER_TITLES.get(name, name), name)
        self.optimizer.setToolTip("How the weights move along the gradient")
        self.optimizer.activated.connect(self._optimizer_picked)
        self.learning_rate = rate_combo("trainLearningRate", PLAYGROUND_RATES,
                                        "Learning rate: how far each step moves the weights (applies live; "
                                        "type any value)")
        self.learning_rate.activated.connect(lambda i: self._rate_entered(self.learning_rate, "learning_rate"))
        self.learning_rate.lineEdit().editingFinished.connect(
            lambda: self._rate_entered(self.learning_rate, "learning_rate"))
        self.optimizer_params = QWidget(self)
        self.optimizer_form = QFormLayout(self.optimizer_params)
        self.optimizer_form.setContentsMargins(12, 0, 0, 0)

        self.schedule = ComboBox()
        self.schedule.setObjectName("trainSchedule")
        for name in SCHEDULE_PARAMS:
            self.schedule.addItem(SCHEDULE_TITLES.get(name, name), name)
        self.schedule.setToolTip("How the learning rate changes over the epochs")
        self.schedule.activated.connect(self._schedule_picked)
        self.schedule_params = QWidget(self)
        self.schedule_form = QFormLayout(self.schedule_params)
        self.schedule_form.setContentsMargins(12, 0, 0, 0)

        self.batch_size = count_box("trainBatchSize", 1, 1_000_000,
                                    "Samples per step (a change applies from the next epoch)",
                                    lambda v: self._set({"batch_size": v}, "Change batch size"))
        self.epochs = count_box("trainEpochs", 1, MAX_EPOCHS, "Training stops after this many epochs",
                                lambda v: self._set({"epochs": v}, "Change epochs"))
        self.until_stopped = QCheckBox("until stopped")
        self.until_stopped.setObjectName("trainUntilStopped")
        self.until_stopped.setToolTip("Train until you press Pause or Stop")
        self.until_stopped.toggled.connect(self._until_stopped_toggled)

        self.regularization = ComboBox()
        self.regularization.setObjectName("trainRegularization")
        self.regularization.addItems(REGULARIZATION)
        self.regularization.setToolTip("Penalty on the weights' size (applies live)")
        self.regularization.activated.connect(lambda i: self._regularization_changed())
        self.regularization_rate = rate_combo("trainRegularizationRate", REGULARIZATION_RATES,
                                              "Regularization rate (applies live; type any value)")
        self.regularization_rate.activated.connect(lambda i: self._regularization_changed())
        self.regularization_rate.lineEdit().editingFinished.connect(self._regularization_changed)

        self.seed = count_box("trainSeed", 0, MAX_SEED,
                              "Seed of the initial weights and of the batch order (Reset starts from it)",
                              lambda v: self._set({"seed": v}, "Change weight seed"))
        self.error = text_label(self, "trainSettingsError", wrap=True)
        self.error.hide()

        # In view under the transport: two pairs a row (a 1280×800 window shows them without scrolling).
        self.quick = QWidget()
        self.quick.setObjectName("trainQuickSettings")
        grid = QGridLayout(self.quick)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setHorizontalSpacing(6)
        grid.setVerticalSpacing(4)
        for row, col, text, field in ((0, 0, "Learning rate", self.learning_rate), (0, 2, "Batch size", self.batch_size),
                                      (1, 0, "Optimizer", self.optimizer), (1, 2, "Epochs", self.epochs)):
            label = QLabel(text, self.quick)
            label.setBuddy(field)
            grid.addWidget(label, row, col)
            grid.addWidget(field, row, col + 1)
            field.setMinimumWidth(64)
        grid.addWidget(self.until_stopped, 2, 3)
        grid.setColumnStretch(1, 3)
        grid.setColumnStretch(3, 2)

        # Folded away by the panel: set once, or by people who know what they are for.
        form = QFormLayout()
        form.setContentsMargins(0, 0, 0, 0)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.optimizer_params_label = QLabel("", self)
        form.addRow(self.optimizer_params_label)
        form.addRow(self.optimizer_params)
        form.addRow("Schedule", self.schedule)
        form.addRow(self.schedule_params)
        reg = QHBoxLayout()
        reg.addWidget(self.regularization, 1)
        reg.addWidget(self.regularization_rate, 1)
        form.addRow("Regularization", reg)
        form.addRow("Weight seed", self.seed)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(form)

    # ---- showing the document --------------------------------------------------------------
    def set_document(self, model: DocumentModel | None) -> None:
        self.model = model
        self.refresh()

    @property
    def config(self) -> TrainConfig:
        return self.model.doc.training

    def refresh(self) -> None:
        if self.model is None:
            return
        cfg = self.config
        self._refreshing = True
        try:
            self.optimizer.setCurrentIndex(max(self.optimizer.findData(cfg.optimizer), 0))
            self.learning_rate.setEditText(format_rate(cfg.learning_rate))
            self._build_editors(self.optimizer_form, self._editors, self._optimizer_hyperparams(),
                                cfg.optimizer_params, "optimizer")
            self.schedule.setCurrentIndex(max(self.schedule.findData(cfg.schedule), 0))
            self._build_editors(self.schedule_form, self._schedule_editors, SCHEDULE_PARAMS.get(cfg.schedule, ()),
                                cfg.schedule_params, "schedule")
            self.schedule_params.setVisible(bool(self._schedule_editors))
            self.optimizer_params.setVisible(bool(self._editors))
            title = OPTIMIZER_TITLES.get(cfg.optimizer, cfg.optimizer)
            self.optimizer_params_label.setText(f"{title}'s settings")
            self.optimizer_params_label.setVisible(bool(self._editors))
            self.batch_size.setValue(int(cfg.batch_size))
            self.until_stopped.setChecked(not cfg.epochs)
            self.epochs.setEnabled(bool(cfg.epochs))
            if cfg.epochs:
                self.epochs.setValue(int(cfg.epochs))
            l1, l2 = float(cfg.l1), float(cfg.l2)
            kind = (1 if l1 else 0) + (2 if l2 else 0)
            self.regularization.setCurrentIndex(kind)
            self.regularization_rate.setEditText(format_rate(max(l1, l2)))
            self.regularization_rate.setEnabled(kind != 0)
            self.seed.setValue(int(cfg.seed))
        finally:
            self._refreshing = False

    def summary(self) -> str:
        """The folded settings in a line: "Constant schedule · no regularization · weight seed 0"."""
        if self.model is None:
            return ""
        cfg = self.config
        schedule = SCHEDULE_TITLES.get(cfg.schedule, cfg.schedule)
        l1, l2 = float(cfg.l1), float(cfg.l2)
        kind = REGULARIZATION[(1 if l1 else 0) + (2 if l2 else 0)]
        reg = "no regularization" if kind == "None" else f"{kind} {format_rate(max(l1, l2))}"
        return f"{schedule} schedule · {reg} · weight seed {int(cfg.seed)}"

    def _optimizer_hyperparams(self) -> tuple[HyperParam, ...]:
        cls = OPTIMIZERS.get(self.config.optimizer)
        return tuple(p for p in (cls.PARAMS if cls else ()) if p.name != "lr")

    def _build_editors(self, form: QFormLayout, editors: dict[str, ParamEditor], params: tuple[HyperParam, ...],
                       values: dict[str, Any], prefix: str) -> None:
        if [e.spec.name for e in editors.values()] != [p.name for p in params]:
            while form.rowCount():
                form.removeRow(0)
            editors.clear()
            for hp in params:
                editor = make_editor(param_spec(hp), self)
                editor.widget.setObjectName(f"{prefix}_{hp.name}")
                editor.edited.connect(lambda value, h=hp, p=prefix: self._hyperparam_edited(p, h, value))
                if hp.type is bool:  # the check box carries its own text
                    form.addRow(editor.widget)
                else:
                    form.addRow(hp.name.replace("_", " "), editor.widget)
                editors[hp.name] = editor
        for name, editor in editors.items():
            editor.set_value(values.get(name, editor.spec.default))

    # ---- edits -----------------------------------------------------------------------------
    def _set(self, changes: dict[str, Any], text: str) -> bool:
        if self._refreshing or self.model is None:
            return False
        current = {k: getattr(self.config, k) for k in changes}
        if current == changes:
            return False
        trial = TrainConfig.from_dict({**self.config.to_dict(), **changes})
        try:
            trial.validate()
        except ValueError as exc:
            self._show_error(str(exc))
            self.refresh()
            return False
        self._show_error("")
        self.model.push(SetSettingsCommand(self.model.doc, self.hub, text, training=changes))
        return True

    def _show_error(self, text: str) -> None:
        self.error.setText(text)
        self.error.setVisible(bool(text))
        set_text_color(self.error, status_color(self.palette(), "error"))

    def _rate_entered(self, combo: ComboBox, key: str) -> None:
        value = parse_rate(combo.currentText())
        if value is None or value <= 0:
            self._show_error(f"Expected a learning rate > 0, received {combo.currentText()!r}")
            self.refresh()
            return
        self._set({key: value}, "Change learning rate")

    def _optimizer_picked(self, index: int) -> None:
        name = self.optimizer.itemData(index)
        if name != self.config.optimizer:
            self._set({"optimizer": name, "optimizer_params": {}}, f"Use the {OPTIMIZER_TITLES.get(name, name)} optimizer")

    def _schedule_picked(self, index: int) -> None:
        name = self.schedule.itemData(index)
        if name != self.config.schedule:
            self._set({"schedule": name, "schedule_params": {}}, f"Use the {SCHEDULE_TITLES.get(name, name)} schedule")

    def _hyperparam_edited(self, prefix: str, hp: HyperParam, value: Any) -> None:
        try:
            value = hp.validate(value)
        except ValueError as exc:
            self._show_error(str(exc))
            return
        key = "optimizer_params" if prefix == "optimizer" else "schedule_params"
        params = {**getattr(self.config, key), hp.name: value}
        self._set({key: params}, f"Change {hp.name.replace('_', ' ')}")

    def _until_stopped_toggled(self, on: bool) -> None:
        self.epochs.setEnabled(not on)
        self._set({"epochs": 0 if on else int(self.epochs.value())}, "Train until stopped" if on else "Change epochs")

    def _regularization_changed(self) -> None:
        if self._refreshing:
            return
        kind = self.regularization.currentIndex()
        rate = parse_rate(self.regularization_rate.currentText())
        if rate is None:
            self._show_error(f"Expected a rate ≥ 0, received {self.regularization_rate.currentText()!r}")
            self.refresh()
            return
        if kind and rate == 0:
            rate = 0.001  # choosing L1/L2 with a rate of 0 would change nothing: start at Playground's smallest
        self._set({"l1": rate if kind in (1, 3) else 0.0, "l2": rate if kind in (2, 3) else 0.0},
                  "Change regularization")
