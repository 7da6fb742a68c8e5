"""Checkers for the exercises of notebook correlation."""

__all__ = []
