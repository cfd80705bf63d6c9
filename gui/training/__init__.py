"""Live training in the GUI: the controller (document <-> worker), the window's wiring and the
undo commands of the training settings."""
