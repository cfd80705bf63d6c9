"""MIME types shared by the palette (drag source), the canvas (drop target) and the clipboard."""

LAYER_MIME = "application/x-neurocanvas-layer"  # payload: the layer type name, UTF-8 (e.g. b"Dense")
NETWORK_FILE_SUFFIX = ".nnd"
