"""Checkers for the exercises of notebook convnet."""

__all__ = []
