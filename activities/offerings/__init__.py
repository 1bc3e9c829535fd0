"""What courses and events share on the bookings lifecycle: the publishing state, publish and
cancel, a sign-up's own pages (withdraw, accept, QR code, .ics) and status words, the roll call of
a session, the enrolments endpoint. Below `classes` and `events`, which never import each other."""
