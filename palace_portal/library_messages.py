"""Messages of Django's admin and of django-axes that their own catalogues leave in English in
Simplified Chinese. Marked here with gettext_noop so that makemessages keeps them in the portal's
catalogue, which Django reads before the libraries' (LOCALE_PATHS): the back office is then Chinese
throughout. Nothing imports this module; it only has to be found by makemessages.
"""

from django.utils.translation import gettext_noop

# Django 5.2 admin: the index's table headers (admin/app_list.html) and the user add page.
gettext_noop("Model name")
gettext_noop("Add link")
gettext_noop("Change or view list link")
gettext_noop("After you’ve created a user, you’ll be able to edit more user options.")

# django-axes: its models, fields and admin (axes/models.py, axes/admin.py).
gettext_noop("access attempt")
gettext_noop("access attempts")
gettext_noop("Access Attempt")
gettext_noop("access attempt expiration")
gettext_noop("access attempt expirations")
gettext_noop("access failure")
gettext_noop("access failures")
gettext_noop("access log")
gettext_noop("access logs")
gettext_noop("User Agent")
gettext_noop("IP Address")
gettext_noop("HTTP Accept")
gettext_noop("Path")
gettext_noop("Attempt Time")
gettext_noop("Access lock out")
gettext_noop("GET Data")
gettext_noop("POST Data")
gettext_noop("Failed Logins")
gettext_noop("Expires At")
gettext_noop("The time when access attempt expires and is no longer valid.")
gettext_noop("Logout Time")
gettext_noop("Session key hash (sha256)")
gettext_noop("Locked Out")
gettext_noop("Form Data")
gettext_noop("Meta Data")
gettext_noop("Clean up expired attempts")
gettext_noop("Not set")
gettext_noop("Attempt Remaining")
