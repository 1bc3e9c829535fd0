"""Models of the performance app arrive with their issue."""
