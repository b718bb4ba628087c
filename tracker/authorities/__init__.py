"""Councils: list, add, edit."""
