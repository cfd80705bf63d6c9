"""Hover highlighting shared by the canvas items."""
from __future__ import annotations

from PySide6.QtWidgets import QGraphicsSceneHoverEvent


class HoverHighlight:
    """Mixin for a QGraphicsItem that repaints itself highlighted while the mouse is over it
    (call ``setAcceptHoverEvents(True)``; paint reads ``self._hover``)."""

    _hover = False

    @property
    def hovered(self) -> bool:
        return self._hover

    def hoverEnterEvent(self, event: QGraphicsSceneHoverEvent) -> None:  # noqa: N802 (Qt naming)
        self._hover = True
        self._hover_changed()

    def hoverLeaveEvent(self, event: QGraphicsSceneHoverEvent) -> None:  # noqa: N802
        self._hover = False
        self._hover_changed()

    def _hover_changed(self) -> None:
        self.update()
