"""Each person's notifications: the notices the scheduler recorded for them."""
