"""Your account: sessions, password and two-step sign-in."""
