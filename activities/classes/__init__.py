"""The night school (职工夜校): terms, courses and their sessions, sections, the lottery,
enrolments, attendance and certificates (`/classes/...`, `/staff/classes/...`, `/api/v1/courses/`)."""
