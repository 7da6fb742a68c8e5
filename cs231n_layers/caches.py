"""The caches that forward passes return and backward passes take.

Every ``*_forward`` returns ``(out, cache)``. Its cache is a named tuple:
still a tuple, so code written for CS231n's plain tuples unpacks it as
before (``x, w, b, conv_param = cache``), but its type also records which
forward pass made it (``type(cache).forward``). Every ``*_backward`` checks
that type before anything else and raises ``TypeError`` naming both
functions when it gets the cache of another layer, ``None``, or a tuple
built by hand: a max-pooling cache cannot flow into an average-pooling
backward pass unnoticed, although both hold ``(x, pool_param)``.

Naive and fast caches are not interchangeable: each backward pass takes the
cache of its own forward pass and no other. The fast convolution and max
pooling keep more than their naive versions (the column matrices, the
position of each maximum); the average-pooling caches hold the same
``(x, pool_param)`` but follow the same rule, so there is one rule to
remember.
"""
from collections import namedtuple

__all__ = [
    "AffineCache",
    "ReluCache",
    "ConvNaiveCache",
    "ConvFastCache",
    "MaxPoolNaiveCache",
    "MaxPoolFastCache",
    "AvgPoolNaiveCache",
    "AvgPoolFastCache",
    "AffineReluCache",
    "ConvReluCache",
    "ConvReluPoolCache",
]


def _cache_type(name, forward, fields):
    """A named tuple type for the cache of the function named ``forward``."""
    cls = namedtuple(name, fields, module=__name__)
    cls.forward = forward
    cls.__doc__ = (f"The cache of ``{forward}``: the named tuple "
                   f"``({', '.join(cls._fields)})``.")
    return cls


AffineCache = _cache_type("AffineCache", "affine_forward", "x w b")
ReluCache = _cache_type("ReluCache", "relu_forward", "x")
ConvNaiveCache = _cache_type("ConvNaiveCache", "conv_forward_naive",
                             "x w b conv_param")
ConvFastCache = _cache_type("ConvFastCache", "conv_forward_fast",
                            "x w b conv_param cols")
MaxPoolNaiveCache = _cache_type("MaxPoolNaiveCache", "max_pool_forward_naive",
                                "x pool_param")
MaxPoolFastCache = _cache_type("MaxPoolFastCache", "max_pool_forward_fast",
                               "x pool_param argmax")
AvgPoolNaiveCache = _cache_type("AvgPoolNaiveCache", "avg_pool_forward_naive",
                                "x pool_param")
AvgPoolFastCache = _cache_type("AvgPoolFastCache", "avg_pool_forward_fast",
                               "x pool_param")
AffineReluCache = _cache_type("AffineReluCache", "affine_relu_forward",
                              "affine_cache relu_cache")
ConvReluCache = _cache_type("ConvReluCache", "conv_relu_forward",
                            "conv_cache relu_cache")
ConvReluPoolCache = _cache_type("ConvReluPoolCache", "conv_relu_pool_forward",
                                "conv_cache relu_cache pool_cache")
