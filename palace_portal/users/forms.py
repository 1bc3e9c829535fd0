"""Input shapes of the account pages. Rules live in services.py; forms only parse."""

from __future__ import annotations

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

from .models import User
from .validators import clean_phone

# Room for "+86 138 0000 0000" and the like; normalised to 11 digits on cleaning.
PHONE_INPUT_MAX = 20


class PhoneInput(forms.TextInput):
    input_type = "tel"

    def __init__(self, attrs=None):
        defaults = {
            "autocomplete": "tel-national",
            "inputmode": "tel",
            "maxlength": str(PHONE_INPUT_MAX),
            "placeholder": "13800000000",
        }
        super().__init__({**defaults, **(attrs or {})})


class PhoneField(forms.CharField):
    """A mainland mobile number; cleans to 11 digits, explaining what is wrong otherwise."""

    widget = PhoneInput

    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("Mobile number"))
        kwargs.setdefault("max_length", PHONE_INPUT_MAX)
        super().__init__(**kwargs)

    def clean(self, value):
        value = super().clean(value)
        if value in self.empty_values:
            return value
        return clean_phone(value)


class CodeField(forms.CharField):
    """Six digits. Checked for shape here so a typo does not use up one of the code's tries."""

    default_validators = [
        RegexValidator(r"^[0-9]{6}$", _("The code has 6 digits."), code="invalid_code"),
    ]

    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("Verification code"))
        kwargs.setdefault("max_length", 6)
        kwargs.setdefault("error_messages", {"max_length": _("The code has 6 digits.")})
        kwargs.setdefault(
            "widget",
            forms.TextInput(
                attrs={"inputmode": "numeric", "autocomplete": "one-time-code", "pattern": "[0-9]{6}"}
            ),
        )
        kwargs.setdefault("help_text", _("The 6 digits in the text message."))
        super().__init__(**kwargs)


def _password_widget(autocomplete: str) -> forms.PasswordInput:
    return forms.PasswordInput(attrs={"autocomplete": autocomplete})


class LoginForm(AuthenticationForm):
    """Django's login form, asking for a mobile number instead of a user name."""

    username = PhoneField(widget=PhoneInput(attrs={"autofocus": True, "autocomplete": "username"}))

    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _(
            "Please enter a correct mobile number and password. Note that the password is case-sensitive."
        ),
    }

    def __init__(self, request=None, *args, **kwargs):
        super().__init__(request, *args, **kwargs)
        # AuthenticationForm sizes the field to the model's 11 characters; allow a +86 prefix.
        self.fields["username"].max_length = PHONE_INPUT_MAX
        self.fields["username"].widget.attrs["maxlength"] = str(PHONE_INPUT_MAX)
        self.fields["username"].label = _("Mobile number")


class SendCodeForm(forms.Form):
    phone = PhoneField()


class PasswordPairMixin:
    """Two password boxes that must match; strength is checked by the service's validators."""

    password_mismatch = _("The two passwords do not match.")

    def clean(self):
        cleaned = super().clean()
        first, second = cleaned.get("password1"), cleaned.get("password2")
        if first and second and first != second:
            self.add_error("password2", self.password_mismatch)
        return cleaned


class SignupForm(PasswordPairMixin, forms.Form):
    phone = PhoneField()
    code = CodeField()
    real_name = forms.CharField(
        label=_("Real name"),
        max_length=User._meta.get_field("real_name").max_length,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
        help_text=_("As on your ID card; palaces use it to check you in."),
    )
    membership_number = forms.CharField(
        label=_("Union membership number (optional)"),
        max_length=User._meta.get_field("membership_number").max_length,
        required=False,
        help_text=_("Members can book members-only venues."),
    )
    workplace = forms.CharField(
        label=_("Workplace (optional)"),
        max_length=User._meta.get_field("workplace").max_length,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "organization"}),
    )
    password1 = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=_password_widget("new-password"),
        help_text=_("At least 8 characters, not only digits, not too common."),
    )
    password2 = forms.CharField(
        label=_("Password again"), strip=False, widget=_password_widget("new-password")
    )

    # Values kept when the page is shown again after "send code" without JavaScript.
    kept_fields = ("phone", "real_name", "membership_number", "workplace")


class PasswordResetForm(PasswordPairMixin, forms.Form):
    phone = PhoneField()
    code = CodeField()
    password1 = forms.CharField(
        label=_("New password"),
        strip=False,
        widget=_password_widget("new-password"),
        help_text=_("At least 8 characters, not only digits, not too common."),
    )
    password2 = forms.CharField(
        label=_("New password again"), strip=False, widget=_password_widget("new-password")
    )

    kept_fields = ("phone",)


class ProfileForm(forms.Form):
    """The user's own details. A plain form: the service, not the form, writes to the user."""

    real_name = forms.CharField(
        label=_("Real name"),
        max_length=User._meta.get_field("real_name").max_length,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    membership_number = forms.CharField(
        label=_("Union membership number (optional)"),
        max_length=User._meta.get_field("membership_number").max_length,
        required=False,
    )
    workplace = forms.CharField(
        label=_("Workplace (optional)"),
        max_length=User._meta.get_field("workplace").max_length,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "organization"}),
    )
    email = forms.EmailField(
        label=_("E-mail (optional)"),
        required=False,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    new_form_worker = forms.BooleanField(
        label=_("I work in a new employment form (courier, ride-hailing or truck driver, delivery rider…)"),
        required=False,
        help_text=_("Some classes let these workers draw first in their lottery."),
    )

    @classmethod
    def for_user(cls, user: User, data=None) -> ProfileForm:
        initial = {name: getattr(user, name) for name in cls.base_fields}
        return cls(data=data, initial=initial)
