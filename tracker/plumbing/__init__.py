"""Plumbing: what every floor above stands on and no rule lives in — the clock, the
database engine, the evidence store and file types, e-mail, paging, settings, financial
years and handed-out tokens."""
