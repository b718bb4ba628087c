"""Workflow rules as plain functions of (session, …, *, actor, now): no Flask request here."""
