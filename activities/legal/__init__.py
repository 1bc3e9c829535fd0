"""Legal help and dispute resolution (劳动争议调解, 律师轮值, 调裁诉一体化): the duty lawyers of a
palace, workers' confidential cases from intake to their outcome, and the record of every read."""
