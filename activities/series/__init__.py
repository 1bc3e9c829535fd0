"""Series: a palace's named service brands (淮工阅读, 淮工鹊桥) and recurring programmes (monthly
singles mixers, a collective wedding every two years, "一瓶水·传递爱") that events and logged
activities belong to, so that a series' page adds up what it has done (issue 12).

The bottom layer of activities: the ledger, events and the media centre point here, never back.
"""
