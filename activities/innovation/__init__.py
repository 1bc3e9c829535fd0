"""Innovation: the studio alliance, innovation mentors and the problem clinic (问诊平台)."""
