"""Checkers for the exercises of notebook im2col."""

__all__ = []
