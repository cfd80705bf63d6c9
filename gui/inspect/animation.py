"""Walking through a step: ``StepAnimator`` steps over ``trace.walk()`` frames (forward node by node,
the loss, backward node by node, the updates) on a QTimer; ``WalkControls`` are its buttons (first,
previous, play/pause, next, last), a speed slider, a timeline coloured by phase that can be clicked,
and a line saying what the current frame shows."""
from __future__ import annotations

from typing import Callable

from PySide6.QtCore import QObject, QRectF, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QMouseEvent, QPainter, QPaintEvent, QPen, QShortcut
from PySide6.QtWidgets import QHBoxLayout, QLabel, QSizePolicy, QSlider, QStyle, QToolButton, QVBoxLayout, QWidget

from engine.explain import WalkStep

from .mathtext import FormulaLabel
from .style import colors

BASE_INTERVAL_MS = 1100          # one frame per this at 1× speed
SPEEDS = (0.25, 0.5, 1.0, 2.0, 4.0, 8.0)
PHASE_TITLES = {"forward": "Forward", "loss": "Loss", "backward": "Backward", "update": "Update"}


class StepAnimator(QObject):
    frameChanged = Signal(int)       # the new frame's index (-1: no frames)
    playingChanged = Signal(bool)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.frames: list[WalkStep] = []
        self.index = -1
        self.speed = 1.0
        self.timer = QTimer(self)
        self.timer.timeout.connect(self._tick)
        self._apply_speed()

    # ---- frames --------------------------------------------------------------------------------
    def set_frames(self, frames: list[WalkStep], start: int = 0) -> None:
        self.pause()
        self.frames = list(frames)
        self.index = -1
        self.go(min(start, len(self.frames) - 1) if self.frames else -1)

    @property
    def current(self) -> WalkStep | None:
        return self.frames[self.index] if 0 <= self.index < len(self.frames) else None

    def go(self, index: int) -> None:
        index = max(-1, min(index, len(self.frames) - 1))
        if index != self.index or index == -1:
            self.index = index
            self.frameChanged.emit(index)

    def next(self) -> bool:
        if self.index + 1 >= len(self.frames):
            return False
        self.go(self.index + 1)
        return True

    def previous(self) -> bool:
        if self.index <= 0:
            return False
        self.go(self.index - 1)
        return True

    def first(self) -> None:
        self.go(0)

    def last(self) -> None:
        self.go(len(self.frames) - 1)

    # ---- playing -------------------------------------------------------------------------------
    @property
    def playing(self) -> bool:
        return self.timer.isActive()

    def play(self) -> None:
        if not self.frames or self.playing:
            return
        if self.index >= len(self.frames) - 1:
            self.go(0)  # play at the end starts again
        self.timer.start()
        self.playingChanged.emit(True)

    def pause(self) -> None:
        if self.playing:
            self.timer.stop()
            self.playingChanged.emit(False)

    def toggle(self) -> None:
        self.pause() if self.playing else self.play()

    def set_speed(self, speed: float) -> None:
        self.speed = max(0.05, float(speed))
        self._apply_speed()

    def _apply_speed(self) -> None:
        self.timer.setInterval(max(30, round(BASE_INTERVAL_MS / self.speed)))

    def _tick(self) -> None:
        if not self.next():
            self.pause()


class Timeline(QWidget):
    """One segment per frame, coloured by phase; the current one raised. Click or drag to jump."""

    def __init__(self, animator: StepAnimator, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("stepTimeline")
        self.animator = animator
        self.setMinimumHeight(14)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setToolTip("The frames of the step: forward (blue), loss, backward (orange), update (green). Click to jump.")
        animator.frameChanged.connect(lambda _i: self.update())

    def sizeHint(self) -> QSize:  # noqa: N802
        return QSize(200, 16)

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802
        frames = self.animator.frames
        if not frames:
            return
        c = colors(self)
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        w = self.width() / len(frames)
        for i, frame in enumerate(frames):
            color = c.phase(frame.phase)
            current = i == self.animator.index
            if not current:
                color.setAlphaF(0.45 if i > self.animator.index else 0.8)
            rect = QRectF(i * w + 1, 2 if current else 5, w - 2, self.height() - (4 if current else 10))
            p.setPen(Qt.PenStyle.NoPen)
            p.setBrush(color)
            p.drawRoundedRect(rect, 2, 2)
            if current:
                p.setPen(QPen(c.text, 1.2))
                p.setBrush(Qt.BrushStyle.NoBrush)
                p.drawRoundedRect(rect, 2, 2)
        p.end()

    def _jump(self, x: float) -> None:
        if self.animator.frames:
            self.animator.pause()
            self.animator.go(int(x / max(self.width(), 1) * len(self.animator.frames)))

    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        self._jump(event.position().x())

    def mouseMoveEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        if event.buttons() & Qt.MouseButton.LeftButton:
            self._jump(event.position().x())


class WalkControls(QWidget):
    """Buttons, speed and the frame's description; ``describe(frame) -> html`` is set by the inspector."""

    def __init__(self, animator: StepAnimator, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("stepWalkControls")
        self.animator = animator
        self.describe = lambda frame: ""
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.setSpacing(4)
        row = QHBoxLayout()
        row.setSpacing(2)
        std = self.style().standardIcon
        sp = QStyle.StandardPixmap
        self.first_button = self._button("stepFirst", std(sp.SP_MediaSkipBackward), "First frame", animator.first)
        self.previous_button = self._button("stepPrevious", std(sp.SP_MediaSeekBackward), "Previous frame (Alt+Left)",
                                            animator.previous)
        self.play_button = self._button("stepPlay", std(sp.SP_MediaPlay), "Play / pause the walk through the step (Alt+P)",
                                        animator.toggle)
        self.next_button = self._button("stepNext", std(sp.SP_MediaSeekForward), "Next frame (Alt+Right)", animator.next)
        self.last_button = self._button("stepLast", std(sp.SP_MediaSkipForward), "Last frame", animator.last)
        for b in (self.first_button, self.previous_button, self.play_button, self.next_button, self.last_button):
            row.addWidget(b)
        row.addSpacing(10)
        speed_label = QLabel("Speed", self)
        row.addWidget(speed_label)
        self.speed = QSlider(Qt.Orientation.Horizontal, self)
        self.speed.setObjectName("stepSpeed")
        self.speed.setRange(0, len(SPEEDS) - 1)
        self.speed.setValue(SPEEDS.index(1.0))
        self.speed.setFixedWidth(90)
        self.speed.setToolTip("Frames per second of the animation")
        self.speed.valueChanged.connect(self._speed_changed)
        row.addWidget(self.speed)
        self.speed_value = QLabel("1×", self)
        self.speed_value.setMinimumWidth(self.fontMetrics().horizontalAdvance("0.25×") + 4)
        row.addWidget(self.speed_value)
        row.addStretch(1)
        self.position = QLabel("", self)
        self.position.setObjectName("stepFramePosition")
        row.addWidget(self.position)
        outer.addLayout(row)
        self.timeline = Timeline(animator, self)
        outer.addWidget(self.timeline)
        self.caption_row = QHBoxLayout()
        self.caption = FormulaLabel("", self, factor=1.05)
        self.caption.setObjectName("stepFrameLabel")
        self.caption_row.addWidget(self.caption, 1)
        outer.addLayout(self.caption_row)
        for keys, slot in (("Alt+Right", animator.next), ("Alt+Left", animator.previous), ("Alt+P", animator.toggle)):
            shortcut = QShortcut(QKeySequence(keys), self)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(slot)
        animator.frameChanged.connect(self._frame_changed)
        animator.playingChanged.connect(self._playing_changed)
        self._frame_changed(animator.index)

    def _button(self, name: str, icon, tip: str, slot) -> QToolButton:
        b = QToolButton(self)
        b.setObjectName(name)
        b.setIcon(icon)
        b.setToolTip(tip)
        b.setAutoRaise(True)
        b.clicked.connect(lambda _checked=False: slot())
        return b

    def set_describe(self, describe: Callable[[WalkStep | None], str]) -> None:
        self.describe = describe
        self._frame_changed(self.animator.index)

    def _speed_changed(self, value: int) -> None:
        speed = SPEEDS[value]
        self.animator.set_speed(speed)
        self.speed_value.setText(f"{speed:g}×")

    def _playing_changed(self, playing: bool) -> None:
        sp = QStyle.StandardPixmap
        self.play_button.setIcon(self.style().standardIcon(sp.SP_MediaPause if playing else sp.SP_MediaPlay))

    def _frame_changed(self, index: int) -> None:
        frames = self.animator.frames
        has = bool(frames)
        for b in (self.first_button, self.previous_button):
            b.setEnabled(has and index > 0)
        for b in (self.next_button, self.last_button):
            b.setEnabled(has and index < len(frames) - 1)
        self.play_button.setEnabled(has)
        frame = self.animator.current
        self.position.setText(f"frame {index + 1} of {len(frames)}" if frame is not None else "")
        self.caption.setText(self.describe(frame) if frame is not None else "")
