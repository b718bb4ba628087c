"""Importing earlier years' records: the managers' upload page and `flask import cases`."""
