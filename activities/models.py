"""Models of the activities app arrive with their issue."""
