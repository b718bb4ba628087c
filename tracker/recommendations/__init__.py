"""A recommendation's own page: what is expected, its deadline, its history."""
