"""Models built from the course's layers."""
from cs231n_layers.classifiers.cnn import ThreeLayerConvNet

__all__ = ["ThreeLayerConvNet"]
