"""Cases: list and search, add with recommendations, view, correct."""
