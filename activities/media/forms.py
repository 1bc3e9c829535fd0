"""Forms of the media centre: the news list's column filter and the staff's article, column and
channel forms. The rules live in `activities.media.services`."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from activities.series.models import Series
from palace_portal.images import PictureField
from palace_portal.service_forms import ServiceErrorsMixin
from venues.models import Palace

from . import selectors
from .models import Article, ChannelKind


class ColumnFilterForm(forms.Form):
    column = forms.ModelChoiceField(
        label=_("Column"), queryset=None, required=False, empty_label=_("All columns")
    )

    def __init__(self, *args, palace: Palace | None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["column"].queryset = selectors.columns_of(palace)

    def apply(self, articles):
        if not self.is_valid():
            return articles.none()
        column = self.cleaned_data.get("column")
        return articles.filter(column=column) if column else articles


class ArticleForm(ServiceErrorsMixin, forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    column = forms.ModelChoiceField(
        label=_("Column"), queryset=None, required=False, empty_label=_("— none —")
    )
    series = forms.ModelChoiceField(
        label=_("Series"), queryset=Series.objects.none(), required=False, empty_label=_("— none —")
    )
    summary = forms.CharField(
        label=_("Summary"),
        max_length=300,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("One or two sentences for the lists."),
    )
    body = forms.CharField(
        label=_("Text"),
        widget=forms.Textarea(attrs={"rows": 14}),
        help_text=_("Plain text: leave a blank line between paragraphs; web addresses become links."),
    )
    picture = PictureField(label=_("Picture"), prefix="news")
    picture_alt = forms.CharField(
        label=_("Picture description"),
        max_length=200,
        required=False,
        help_text=_("What the picture shows, for people who cannot see it."),
    )
    remove_picture = forms.BooleanField(label=_("Remove the picture"), required=False)

    def __init__(self, *args, palace: Palace | None, article: Article | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["column"].queryset = selectors.columns_of(palace)
        if palace is not None:
            self.fields["series"].queryset = Series.objects.filter(palace=palace).order_by("kind", "name")
        else:
            del self.fields["series"]
        if article is None or not article.picture:
            del self.fields["remove_picture"]

    @classmethod
    def initial_of(cls, article: Article) -> dict:
        return {
            "title": article.title,
            "column": article.column_id,
            "series": article.series_id,
            "summary": article.summary,
            "body": article.body,
            "picture_alt": article.picture_alt,
        }

    def values(self) -> dict:
        values = dict(self.cleaned_data)
        if values.pop("remove_picture", False):
            values["picture"] = False
            values["picture_alt"] = ""
        return values


class ColumnForm(ServiceErrorsMixin, forms.Form):
    name = forms.CharField(label=_("New column"), max_length=50)


class ChannelForm(ServiceErrorsMixin, forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=ChannelKind.choices)
    name = forms.CharField(label=_("Name"), max_length=100)
    url = forms.URLField(label=_("Web address"), max_length=500, assume_scheme="https")
