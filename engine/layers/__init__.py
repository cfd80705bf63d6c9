"""The layer catalogue. Importing this package registers every layer type."""
from . import activation, batchnorm, dense, dropout, io, merge, reshape  # noqa: F401
