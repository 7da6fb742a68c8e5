"""Checkers for the exercises of notebook conv_pool."""

__all__ = []
