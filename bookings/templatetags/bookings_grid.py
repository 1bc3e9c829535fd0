"""`{% availability_grid venue %}`: the booking grid, rendered on the server into the venue page.

The venue page belongs to `venues`, which may not import `bookings`; its template asks for the
grid here, so the first load needs no JavaScript and no second request. Day tabs and slot buttons
then swap the grid through `bookings:availability` (htmx), or reload the page without JavaScript.
"""

from django import template

register = template.Library()


@register.simple_tag(takes_context=True)
def availability_grid(context, venue):
    from bookings.views import availability_grid_html

    return availability_grid_html(context["request"], venue)
