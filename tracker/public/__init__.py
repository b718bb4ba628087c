"""The public council performance pages: published figures and service improvements."""
