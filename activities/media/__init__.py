"""The media centre (工会融媒体中心): news and programme pages of each palace and of the province."""
