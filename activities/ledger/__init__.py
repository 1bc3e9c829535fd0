"""The staff activity ledger: every activity a palace runs, logged by its staff, with its import
and export (`/staff/ledger/<palace_id>/...`, `/api/v1/activities/`). The lowest layer of
activities: it imports nothing of the other sub-domains (the kinds of activity live here)."""
