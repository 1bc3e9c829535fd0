"""The endpoints of this sub-domain under `/api/v1/`, gathered by `activities.api.urls`."""
