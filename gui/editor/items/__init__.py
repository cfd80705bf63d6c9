"""Graphics items of the canvas: nodes, ports, wires, and their shared geometry and style."""
