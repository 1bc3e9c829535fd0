"""The portal's Chinese formats, over Django's zh_Hans ones (read through FORMAT_MODULE_PATH;
what is not set here comes from Django).

- Month and day without a leading zero: "3月4日", "12月28日至1月3日" (Django's "m月j日" gives
  "03月4日").
- Numbers grouped by thousands with a comma, as official statistics and invoices print them
  ("1,118,385 参与人次", "263,000"): Django's zh_Hans has no separator at all. Used where a
  template asks for grouping (`intcomma`, `portal_numbers`); USE_THOUSAND_SEPARATOR stays off, so
  ids in URLs and form values are never grouped.
"""

MONTH_DAY_FORMAT = "n月j日"
THOUSAND_SEPARATOR = ","
NUMBER_GROUPING = 3
