"""Models of the alliance app arrive with their issue."""
