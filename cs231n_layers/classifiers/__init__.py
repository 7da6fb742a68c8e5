"""Models built from the course's layers."""
# The public names are those of the modules' __all__ (one module so far).
from cs231n_layers.classifiers.cnn import *  # noqa: F403
from cs231n_layers.classifiers.cnn import __all__  # noqa: F401
