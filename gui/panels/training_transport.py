"""The training panel's transport: Play/Pause, Step (Shift+click: one epoch), Reset, Stop, the epoch
counter, the steps per second and a one-line status.

The buttons only emit signals (``playClicked``, ``stepClicked(epoch)``, ``resetClicked``,
``stopClicked``); the window connects them to the training controller, as it does its menu actions.
"""
from __future__ import annotations

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QGuiApplication, QKeyEvent, QMouseEvent
from PySide6.QtWidgets import QHBoxLayout, QSizePolicy, QToolButton, QVBoxLayout, QWidget

from gui.icons import icon
from gui.training import icons as _training_icons  # noqa: F401 - registers the icons

from .theme import muted_color, scaled_font, set_text_color, status_color, text_label

STATE_TEXT = {
    "idle": "Ready", "loading": "Loading the data…", "playing": "Training", "paused": "Paused",
    "finished": "Finished", "crashed": "The training process stopped",
}


class StepButton(QToolButton):
    """A tool button that remembers whether Shift was held for the click that emits ``clicked``."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.shift = False

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        self.shift = bool(event.modifiers() & Qt.KeyboardModifier.ShiftModifier)
        super().mouseReleaseEvent(event)

    def keyReleaseEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Space on a focused button
        self.shift = bool(event.modifiers() & Qt.KeyboardModifier.ShiftModifier)
        super().keyReleaseEvent(event)

    def take_shift(self) -> bool:
        shift = self.shift or bool(QGuiApplication.keyboardModifiers() & Qt.KeyboardModifier.ShiftModifier)
        self.shift = False
        return shift


def _button(cls: type[QToolButton], name: str, text: str, icon_name: str, tip: str) -> QToolButton:
    button = cls()
    button.setObjectName(name)
    button.setText(text)
    button.setIcon(icon(icon_name))
    button.setIconSize(QSize(18, 18))
    button.setToolTip(tip)
    button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
    button.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
    return button


class TransportBar(QWidget):
    playClicked = Signal()
    stepClicked = Signal(bool)   # True: one epoch
    resetClicked = Signal()
    stopClicked = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("trainTransport")
        self.play = _button(QToolButton, "trainPlay", "Play", "play", "Start or pause training (Ctrl+Return)")
        self.step = _button(StepButton, "trainStep", "Step", "step",
                            "Train one batch (F10); Shift+click: one epoch (Shift+F10)")
        self.reset = _button(QToolButton, "trainReset", "Reset", "reset",
                             "New initial weights from the seed; the epoch counter starts over")
        self.stop = _button(QToolButton, "trainStop", "Stop", "stop", "Stop and keep the run in the document")
        self.play.setMinimumWidth(self.play.fontMetrics().horizontalAdvance("Pause") + 40)
        self.play.clicked.connect(self.playClicked.emit)
        self.step.clicked.connect(lambda: self.stepClicked.emit(self.step.take_shift()))
        self.reset.clicked.connect(self.resetClicked.emit)
        self.stop.clicked.connect(self.stopClicked.emit)

        self.epoch_label = text_label(self, "epochLabel", "Epoch 0")
        self.epoch_label.setFont(scaled_font(self, 1.35, bold=True))
        self.epoch_label.setToolTip("Epochs trained (one epoch: every training sample once)")
        self.steps_label = text_label(self, "stepsLabel", "")
        self.steps_label.setToolTip("Training steps (batches) per second while training; when paused, the steps "
                                    "trained since the run was loaded")
        self.steps_label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.status = text_label(self, "trainStatus", "Ready", wrap=True)

        buttons = QHBoxLayout()
        buttons.setSpacing(4)
        for button in (self.play, self.step, self.reset, self.stop):
            buttons.addWidget(button)
        # One line under the buttons: "Epoch 12   Training   1,250 steps/s" (a long message wraps in place).
        counters = QHBoxLayout()
        counters.setSpacing(10)
        counters.addWidget(self.epoch_label, 0, Qt.AlignmentFlag.AlignVCenter)
        counters.addWidget(self.status, 1, Qt.AlignmentFlag.AlignVCenter)
        counters.addWidget(self.steps_label, 0, Qt.AlignmentFlag.AlignVCenter)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        layout.addLayout(buttons)
        layout.addLayout(counters)
        self.show_progress(0, 0, 0.0)

    def set_playing(self, playing: bool) -> None:
        self.play.setText("Pause" if playing else "Play")
        self.play.setIcon(icon("pause" if playing else "play"))

    def show_progress(self, epoch: int, steps: int, per_second: float) -> None:
        self.epoch_label.setText(f"Epoch {epoch:,}")
        # No "0 steps" beside a reopened run's epoch: the file keeps epochs, not the steps that made them.
        self.steps_label.setText(f"{per_second:,.0f} steps/s" if per_second > 0
                                 else f"{steps:,} step{'' if steps == 1 else 's'}" if steps > 0 else "")
        set_text_color(self.steps_label, muted_color(self.palette()))

    def show_status(self, text: str, level: str = "info") -> None:
        self.status.setText(text)
        self.status.setToolTip(text)
        color = status_color(self.palette(), level) if level in ("error", "warning") else muted_color(self.palette())
        set_text_color(self.status, color)
