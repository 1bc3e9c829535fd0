"""The alliance workspace of provincial staff (/alliance/manage/): the roster and its growth,
council rotations, campaigns, hosting calls with their reviews and decisions, and subsidies.

Provincial officers act (`alliance.access.may_run_alliance`); city officers read the same pages
without buttons (`may_view_alliance_work`), and of the applications only their own city's
palaces' (`applications_visible_to`, as the API); everyone else gets 404, and anonymous visitors
the sign-in page. The views parse with `alliance.manage_forms`, call one service or selector and
render; the services check the same access again.
"""
