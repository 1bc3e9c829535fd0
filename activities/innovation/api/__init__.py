"""The endpoints of innovation under `/api/v1/`: `/mentors/` and `/problems/`."""
