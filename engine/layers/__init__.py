"""The layer catalogue. Importing this package registers every layer type (in catalogue order)."""
from . import activation, batchnorm, dense, dropout, io, merge, reshape  # noqa: F401
from . import conv, pool  # noqa: F401  (after the others: the image layers come last in listings)
