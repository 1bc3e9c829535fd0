"""Models of the bookings app arrive with their issue."""
