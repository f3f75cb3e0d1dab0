"""Data sets (being written)."""

__all__ = []
