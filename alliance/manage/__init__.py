"""The alliance workspace of provincial staff (/alliance/manage/): the roster and its growth,
council rotations, campaigns, hosting calls with their reviews and decisions, and subsidies.

Provincial officers act (`access.may_run_alliance`); city officers read the same pages without
buttons (`access.may_view_alliance_work`); everyone else gets 404, and anonymous visitors the
sign-in page. The views parse with `alliance.manage_forms`, call one service or selector and
render; the services check the same access again.
"""
