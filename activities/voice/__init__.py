"""Worker voice (你点菜我买单): wishes workers propose and vote on, the palace's answers, and demand
surveys (`/voice/...`, `/staff/voice/...`, `/api/v1/wishes/`, `/api/v1/surveys/`). A wish's answer
may link a course, so voice sits above classes."""
