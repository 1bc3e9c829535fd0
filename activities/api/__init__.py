"""Every endpoint of activities, gathered under `/api/v1/` (`urls.py`), and their shared error responses."""
