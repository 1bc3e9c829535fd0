"""Employment over the API (`/api/v1/jobs/`, `/api/v1/job-postings/`, `/api/v1/job-applications/`)."""
