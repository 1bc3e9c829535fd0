"""Teams and volunteers attached to a palace: volunteer organisations (劳模工匠宣讲团,
律师法律援助志愿团 …) and professional teams (健身协会, 舞蹈队, 艺术团 …), their members, requests to
join, and the volunteer hours each member gives."""
