"""Notices: how the Ombudsman's reminders, chasers and escalations reach people.

- `ledger`: the daily jobs record each notice once, say what it says and address it;
- `inbox`: the notices as each person receives them, and who was told what;
- `digests`: one e-mail a person, listing what waits for them;
- `delivery`: sending those e-mails, at most once each.

The ledger's tables are `tracker.models.notification`; the pages are `tracker.notifications`.
"""
