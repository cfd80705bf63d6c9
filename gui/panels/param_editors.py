"""One typed editor per ParamSpec kind, for the inspector.

An editor wraps one widget and speaks in parameter values: ``set_value`` shows a value without
emitting anything (the inspector follows the model this way), ``edited(value)`` reports a change
made by the person, and ``streakEnded`` says that the current editing streak is over (Enter or
focus-out), so the next change starts a new undo step. Editors with ``merges = True`` (spin boxes)
let the inspector merge one streak of changes — arrow presses, a held arrow, the wheel — into one
undo step.

Validation is not done here: the inspector asks the engine (``LayerSpec.make_params``) and shows
its message under the field. The widgets only keep input well-formed (a float field accepts
``1e-05``; a shape field accepts ``2`` or ``1, 8, 8``).
"""
from __future__ import annotations

import math
import re
from typing import Any

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QValidator, QWheelEvent
from PySide6.QtWidgets import (
    QAbstractSpinBox,
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QLineEdit,
    QSizePolicy,
    QSpinBox,
    QWidget,
)

from engine.params import ParamSpec

INT_LIMIT = 2**31 - 1
FLOAT_LIMIT = 1e9


def format_float(value: float) -> str:
    """Shortest faithful text: 0.5, 1.0, 1e-05, 0.0001, 1234.5 (never "0.00" for a tiny value)."""
    if not math.isfinite(value):
        return str(value)
    text = format(value, ".12g")
    if "e" not in text and "." not in text and "n" not in text:
        text += ".0"
    return text


def _range_note(spec: ParamSpec) -> str:
    """" (from 0 to 0.95)" for a bounded number."""
    if spec.kind not in ("int", "float") or (spec.minimum is None and spec.maximum is None):
        return ""

    def show(x: float) -> str:
        return str(int(x)) if spec.kind == "int" or float(x).is_integer() else format_float(x)
    low = "" if spec.minimum is None else ("above " if spec.exclusive_min else "from ") + show(spec.minimum)
    high = "" if spec.maximum is None else f"up to {show(spec.maximum)}"
    return f" ({' '.join(part for part in (low, high) if part)})"


def _wheel(widget: QWidget, base: type, event: QWheelEvent) -> None:
    """The wheel changes a field only when it has focus; otherwise it scrolls the panel."""
    if widget.hasFocus():
        base.wheelEvent(widget, event)
    else:
        event.ignore()


class SpinBox(QSpinBox):
    def wheelEvent(self, event: QWheelEvent) -> None:
        _wheel(self, QSpinBox, event)


class ComboBox(QComboBox):
    def wheelEvent(self, event: QWheelEvent) -> None:
        _wheel(self, QComboBox, event)


class ParamEditor(QObject):
    """Base: ``widget``, ``value()``, ``set_value(v)``; signals ``edited(object)`` and ``streakEnded()``."""

    edited = Signal(object)
    streakEnded = Signal()
    merges = False

    def __init__(self, spec: ParamSpec, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.spec = spec
        self.widget = self._make()
        self.widget.setToolTip(spec.help + _range_note(spec))
        self.widget.setAccessibleName(spec.title)
        self.widget.setAccessibleDescription(spec.help)
        self.widget.setObjectName(f"param_{spec.name}")

    def _make(self) -> QWidget:  # pragma: no cover - abstract
        raise NotImplementedError

    def value(self) -> Any:  # pragma: no cover - abstract
        raise NotImplementedError

    def set_value(self, value: Any) -> None:
        blocked = self.widget.blockSignals(True)
        try:
            self._show(value)
        finally:
            self.widget.blockSignals(blocked)

    def _show(self, value: Any) -> None:  # pragma: no cover - abstract
        raise NotImplementedError


class IntEditor(ParamEditor):
    merges = True

    def _make(self) -> QWidget:
        box = SpinBox()
        lo = self.spec.minimum if self.spec.minimum is not None else -INT_LIMIT
        if self.spec.exclusive_min and self.spec.minimum is not None:
            lo = math.floor(lo) + 1
        hi = self.spec.maximum if self.spec.maximum is not None else INT_LIMIT
        box.setRange(int(max(lo, -INT_LIMIT)), int(min(hi, INT_LIMIT)))
        box.setKeyboardTracking(False)  # typed digits apply on Enter / focus-out; arrows at once
        box.setAccelerated(True)
        box.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        box.valueChanged.connect(self.edited.emit)
        box.editingFinished.connect(self.streakEnded.emit)
        return box

    def value(self) -> int:
        return self.widget.value()

    def _show(self, value: Any) -> None:
        self.widget.setValue(int(value))


class FloatSpinBox(QDoubleSpinBox):
    """A double spin box that shows 1e-05 as "1e-05", accepts scientific input, and steps tiny
    positive values by factors of ten (1e-05 → 1e-04) and others by a fixed step without drift."""

    def __init__(self, log_steps: bool = False, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.log_steps = log_steps
        self.setDecimals(16)  # Qt rounds values to this many decimals; the text is ours

    def textFromValue(self, value: float) -> str:
        return format_float(value)

    def valueFromText(self, text: str) -> float:
        try:
            return float(text.strip())
        except ValueError:
            return self.value()

    def validate(self, text: str, pos: int) -> QValidator.State:
        t = text.strip()
        if not t:
            return QValidator.State.Intermediate
        try:
            value = float(t)
        except ValueError:
            partial = re.fullmatch(r"[+-]?(\d+\.?\d*|\.\d*)?([eE][+-]?)?", t)
            return QValidator.State.Intermediate if partial else QValidator.State.Invalid
        if not math.isfinite(value) or "n" in t.lower():  # no "inf" / "nan"
            return QValidator.State.Invalid
        if value < self.minimum() or value > self.maximum():
            return QValidator.State.Intermediate
        return QValidator.State.Acceptable

    def wheelEvent(self, event: QWheelEvent) -> None:
        _wheel(self, QDoubleSpinBox, event)

    def fixup(self, text: str) -> str:
        return format_float(self.value())

    def stepBy(self, steps: int) -> None:
        value = self.value()
        if self.log_steps and value > 0:
            new = value * 10.0 ** steps
            new = float(f"{new:.6g}")
        else:
            new = value + steps * self.singleStep()
            new = round(new, 10)
        self.setValue(min(max(new, self.minimum()), self.maximum()))
        self.selectAll()


class FloatEditor(ParamEditor):
    merges = True

    def _make(self) -> QWidget:
        spec = self.spec
        lo = spec.minimum if spec.minimum is not None else -FLOAT_LIMIT
        hi = spec.maximum if spec.maximum is not None else FLOAT_LIMIT
        tiny = spec.exclusive_min and (spec.minimum or 0.0) == 0.0 and 0 < abs(spec.default) < 1e-3
        box = FloatSpinBox(log_steps=tiny)
        box.setRange(float(lo), float(hi))
        box.setSingleStep(0.01 if hi - lo <= 1.0 else 0.1)
        box.setKeyboardTracking(False)
        box.setAccelerated(True)
        box.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        box.setCorrectionMode(QAbstractSpinBox.CorrectionMode.CorrectToPreviousValue)
        box.valueChanged.connect(self.edited.emit)
        box.editingFinished.connect(self.streakEnded.emit)
        return box

    def value(self) -> float:
        return self.widget.value()

    def _show(self, value: Any) -> None:
        self.widget.setValue(float(value))


class BoolEditor(ParamEditor):
    """A check box that carries the parameter's title as its text (so the text toggles it too)."""

    def _make(self) -> QWidget:
        box = QCheckBox(self.spec.title[:1].upper() + self.spec.title[1:])
        box.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        box.toggled.connect(self.edited.emit)
        return box

    def value(self) -> bool:
        return self.widget.isChecked()

    def _show(self, value: Any) -> None:
        self.widget.setChecked(bool(value))


class ChoiceEditor(ParamEditor):
    def _make(self) -> QWidget:
        box = ComboBox()
        for choice in self.spec.choices:
            box.addItem(str(choice), choice)
        box.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        box.setMaxVisibleItems(12)
        box.currentIndexChanged.connect(lambda i: self.edited.emit(box.itemData(i)))
        return box

    def value(self) -> Any:
        return self.widget.currentData()

    def _show(self, value: Any) -> None:
        index = self.widget.findData(value)
        if index < 0:  # a value outside the choices (cannot come from the engine): show it anyway
            self.widget.addItem(str(value), value)
            index = self.widget.count() - 1
        self.widget.setCurrentIndex(index)


class _TextEditor(ParamEditor):
    """A line edit that reports its value on Enter and on focus-out."""

    def _make(self) -> QWidget:
        edit = QLineEdit()
        edit.editingFinished.connect(lambda: self.edited.emit(self.value()))
        edit.editingFinished.connect(self.streakEnded.emit)
        return edit


def parse_shape(text: str) -> list[int] | str:
    """"2" → [2]; "1, 8, 8" (or "1 x 8 x 8") → [1, 8, 8]; anything else is returned as typed so that
    the engine's message explains what is expected."""
    cleaned = re.sub(r"(?<=\d)\s*[xX×*]\s*(?=\d)", ",", text.strip().strip("[]()"))
    parts = [p for p in re.split(r"[\s,]+", cleaned) if p]
    if parts and all(re.fullmatch(r"[+-]?\d+", p) for p in parts):
        return [int(p) for p in parts]
    return text


class ShapeEditor(_TextEditor):
    def _make(self) -> QWidget:
        edit = super()._make()
        edit.setPlaceholderText("e.g. 2 or 1, 8, 8")
        return edit

    def value(self) -> list[int] | str:
        return parse_shape(self.widget.text())

    def _show(self, value: Any) -> None:
        self.widget.setText(", ".join(str(v) for v in value) if isinstance(value, (list, tuple)) else str(value))


class TextEditor(_TextEditor):
    def value(self) -> str:
        return self.widget.text()

    def _show(self, value: Any) -> None:
        self.widget.setText(str(value))


EDITORS: dict[str, type[ParamEditor]] = {
    "int": IntEditor,
    "float": FloatEditor,
    "bool": BoolEditor,
    "choice": ChoiceEditor,
    "shape": ShapeEditor,
    "str": TextEditor,
}


def make_editor(spec: ParamSpec, parent: QObject | None = None) -> ParamEditor:
    return EDITORS[spec.kind](spec, parent)
