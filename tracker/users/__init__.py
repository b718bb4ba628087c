"""Accounts, managed by admins."""
