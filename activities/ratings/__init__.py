"""Ratings of what people attended: venue bookings, course sessions, events (`/ratings/...`,
`/staff/ratings/...`, `/api/v1/ratings/`). The top layer: it reads classes and events."""
