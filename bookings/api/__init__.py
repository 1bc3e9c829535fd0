"""The bookings part of the REST API (API.md, "Bookings"), included under `/api/v1/`."""
