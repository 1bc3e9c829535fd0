"""The media centre: columns, articles with their draft/publish step, channels, pages and the API."""

from __future__ import annotations

import io
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from activities.media.models import Article, Channel
from activities.media.services import (
    article_create,
    article_publish,
    article_unpublish,
    article_update,
    channel_create,
    column_create,
)
from activities.series.services import series_create
from activities.templatetags.media_tags import article_body
from palace_portal.errors import InvalidInput, NotFound, RuleViolation

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    # Pictures are written to a temporary folder, gone after the test.
    settings.MEDIA_ROOT = tmp_path


def _article(world, palace="a", *, publish=False, **values):
    palace = {"a": world.palace_a, "b": world.palace_b, None: None}[palace]
    actor = {world.palace_a: world.staff_a, world.palace_b: world.staff_b}.get(palace, world.province_officer)
    values.setdefault("title", "劳动美：记一位老劳模")
    values.setdefault("body", "第一段。\n\n第二段 https://example.org/a")
    article = article_create(actor=actor, palace=palace, **values)
    if publish:
        article = article_publish(actor=actor, article=article)
    return article


def _png() -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 30, 30)).save(out, "PNG")
    return SimpleUploadedFile("p.png", out.getvalue(), content_type="image/png")


# --- Services ------------------------------------------------------------------------------------


def test_an_article_starts_as_a_draft_and_publishing_sets_its_time(world):
    article = _article(world)
    assert article.state == "draft"
    assert article.published_at is None
    article = article_publish(actor=world.staff_a, article=article)
    assert article.state == "published"
    assert article.published_at is not None


def test_publishing_twice_is_refused_and_unpublishing_takes_it_back(world):
    article = _article(world, publish=True)
    with pytest.raises(RuleViolation):
        article_publish(actor=world.staff_a, article=article)
    article = article_unpublish(actor=world.staff_a, article=article)
    assert (article.state, article.published_at) == ("draft", None)
    with pytest.raises(RuleViolation):
        article_unpublish(actor=world.staff_a, article=article)


def test_only_the_palaces_staff_write_its_news(world):
    with pytest.raises(NotFound):
        article_create(actor=world.staff_b, palace=world.palace_a, title="x", body="y")
    with pytest.raises(NotFound):
        article_create(actor=world.city_officer, palace=world.palace_a, title="x", body="y")
    article = _article(world)
    with pytest.raises(NotFound):
        article_publish(actor=world.staff_b, article=article)
    with pytest.raises(NotFound):
        article_update(actor=world.worker, article=article, title="z")


def test_only_provincial_officers_write_province_wide_news(world):
    article = _article(world, None, publish=True)
    assert article.palace is None
    for actor in (world.staff_a, world.city_officer, world.worker):
        with pytest.raises(NotFound):
            article_create(actor=actor, palace=None, title="x", body="y")


def test_an_article_needs_a_title_and_text_and_its_own_column_and_series(world):
    other_column = column_create(actor=world.staff_b, palace=world.palace_b, name="劳动美")
    other_series = series_create(actor=world.staff_b, palace=world.palace_b, name="淮工阅读", kind="brand")
    with pytest.raises(InvalidInput) as error:
        article_create(
            actor=world.staff_a,
            palace=world.palace_a,
            title=" ",
            body="",
            column=other_column,
            series=other_series,
        )
    assert set(error.value.fields) == {"title", "body", "column", "series"}


def test_a_picture_needs_its_description(world):
    from palace_portal.images import prepare_picture

    with pytest.raises(InvalidInput) as error:
        _article(world, picture=prepare_picture(_png()))
    assert "picture_alt" in error.value.fields
    article = _article(world, picture=prepare_picture(_png()), picture_alt="劳模在车间")
    assert article.picture.name.startswith("news/")
    article = article_update(actor=world.staff_a, article=article, picture=False)
    assert not article.picture


def test_column_names_are_unique_per_news_page(world):
    column_create(actor=world.staff_a, palace=world.palace_a, name="劳动美")
    with pytest.raises(InvalidInput):
        column_create(actor=world.staff_a, palace=world.palace_a, name="劳动美")
    assert column_create(actor=world.staff_b, palace=world.palace_b, name="劳动美").position == 1
    column_create(actor=world.province_officer, palace=None, name="劳动美")
    with pytest.raises(InvalidInput):
        column_create(actor=world.province_officer, palace=None, name="劳动美")


@pytest.mark.parametrize("url", ["javascript:alert(1)", "ftp://example.org/x", "not a url", ""])
def test_a_channel_link_must_be_http_or_https(world, url):
    with pytest.raises(InvalidInput) as error:
        channel_create(actor=world.staff_a, palace=world.palace_a, kind="livestream", name="直播间", url=url)
    assert "url" in error.value.fields


def test_a_channel_link_is_kept(world):
    channel = channel_create(
        actor=world.staff_a, palace=world.palace_a, kind="douyin", name="抖音号", url="https://example.org/hb"
    )
    assert Channel.objects.get() == channel


# --- The body is text, never HTML ----------------------------------------------------------------


def test_the_body_is_escaped_with_paragraphs_and_links():
    html = article_body(
        '<script>alert(1)</script>\n\n见 https://example.org/x?a=1&b=2 和 <a href="javascript:x">y</a>'
    )
    assert "<script>" not in html
    assert "&lt;script&gt;" in html
    assert html.count("<p>") == 2
    assert 'href="https://example.org/x?a=1&amp;b=2"' in html
    assert 'href="javascript' not in html


# --- Pages ---------------------------------------------------------------------------------------


def test_the_palace_news_page_shows_published_articles_only_with_a_column_filter(world, client):
    column = column_create(actor=world.staff_a, palace=world.palace_a, name="工活动")
    _article(world, publish=True, title="已发布甲", column=column)
    _article(world, publish=True, title="已发布乙")
    _article(world, title="草稿丙")
    url = reverse("news:palace", args=[world.palace_a.pk])
    text = client.get(url).content.decode()
    assert "已发布甲" in text
    assert "已发布乙" in text
    assert "草稿丙" not in text
    text = client.get(url, {"column": column.pk}).content.decode()
    assert "已发布甲" in text
    assert "已发布乙" not in text
    assert client.get(url, {"column": "abc"}).status_code == 400


def test_the_province_news_page_lists_province_wide_news(world, client):
    _article(world, None, publish=True, title="全省新闻")
    _article(world, publish=True, title="南昌新闻")
    text = client.get(reverse("news:list")).content.decode()
    assert "全省新闻" in text
    assert "南昌新闻" not in text


def test_a_draft_is_a_404_except_for_its_writers(world, client):
    article = _article(world)
    url = reverse("news:article", args=[article.pk])
    assert client.get(url).status_code == 404
    client.force_login(world.staff_b)
    assert client.get(url).status_code == 404
    client.force_login(world.staff_a)
    assert client.get(url).status_code == 200


def test_the_home_page_shows_the_latest_published_news(world, client):
    _article(world, publish=True, title="最新一条")
    _article(world, title="还是草稿")
    text = client.get(reverse("home")).content.decode()
    assert "最新一条" in text
    assert "还是草稿" not in text


def test_the_home_page_s_cached_news_shows_each_write_on_the_next_request(world, client):
    # The block is cached (venues/home_cache.py); publishing and withdrawing go by update().
    draft = _article(world, title="还是草稿")
    assert "还是草稿" not in client.get(reverse("home")).content.decode()
    article_publish(actor=world.staff_a, article=draft)
    assert "还是草稿" in client.get(reverse("home")).content.decode()
    article_update(actor=world.staff_a, article=draft, title="改过的标题", body=draft.body)
    text = client.get(reverse("home")).content.decode()
    assert "改过的标题" in text
    assert "还是草稿" not in text
    article_unpublish(actor=world.staff_a, article=Article.objects.get(pk=draft.pk))
    assert "改过的标题" not in client.get(reverse("home")).content.decode()


def test_staff_write_and_publish_on_their_pages(world, client):
    client.force_login(world.staff_a)
    response = client.post(
        reverse("news_staff:new", args=[world.palace_a.pk]),
        {"title": "新职工书屋开放", "body": "欢迎。", "picture": _png(), "picture_alt": "书屋"},
    )
    assert response.status_code == 302
    article = Article.objects.get()
    assert article.picture.name.endswith(".jpg")  # prepared, never the file sent
    assert client.post(reverse("news_staff:publish", args=[article.pk])).status_code == 302
    article.refresh_from_db()
    assert article.is_published
    client.force_login(world.staff_b)
    assert client.post(reverse("news_staff:unpublish", args=[article.pk])).status_code == 404


# --- API -----------------------------------------------------------------------------------------


def test_the_api_lists_published_news_with_filters(world, client):
    column = column_create(actor=world.staff_a, palace=world.palace_a, name="工活动")
    _article(world, publish=True, title="甲", column=column)
    _article(world, "b", publish=True, title="乙")
    _article(world, title="草稿")
    data = client.get("/api/v1/news/").json()
    assert {a["title"] for a in data["results"]} == {"甲", "乙"}
    data = client.get("/api/v1/news/", {"palace": world.palace_a.pk}).json()
    assert [a["title"] for a in data["results"]] == ["甲"]
    data = client.get("/api/v1/news/", {"column": column.pk}).json()
    assert [a["title"] for a in data["results"]] == ["甲"]
    assert client.get("/api/v1/news/", {"palace": "0"}).status_code == 400


def test_the_api_lets_staff_write_only_for_their_palace(world, client):
    client.force_login(world.staff_b)
    body = {"palace": world.palace_a.pk, "title": "x", "body": "y"}
    assert client.post("/api/v1/news/", body, content_type="application/json").status_code == 404
    # Not allowed in, even with a bad body: 404 before the body is read.
    bad = {"palace": world.palace_a.pk, "title": ""}
    assert client.post("/api/v1/news/", bad, content_type="application/json").status_code == 404
    client.force_login(world.staff_a)
    response = client.post("/api/v1/news/", body, content_type="application/json")
    assert response.status_code == 201
    pk = response.json()["id"]
    assert response.json()["state"] == "draft"
    assert client.post(f"/api/v1/news/{pk}/publish/").json()["state"] == "published"
    response = client.patch(
        f"/api/v1/news/{pk}/", json.dumps({"title": "新标题"}), content_type="application/json"
    )
    assert response.json()["title"] == "新标题"
    client.force_login(world.staff_b)
    assert client.post(f"/api/v1/news/{pk}/unpublish/").status_code == 404


def test_the_api_refuses_province_news_from_palace_staff(world, client):
    client.force_login(world.staff_a)
    body = {"title": "全省", "body": "y"}
    assert client.post("/api/v1/news/", body, content_type="application/json").status_code == 404
    client.force_login(world.province_officer)
    assert client.post("/api/v1/news/", body, content_type="application/json").status_code == 201


def test_provincial_officers_run_the_province_desk_and_add_its_columns(world, client):
    url = reverse("news_staff:province_column_new")
    client.force_login(world.staff_a)
    assert client.get(reverse("news_staff:province")).status_code == 404
    assert client.post(url, {"name": "全省要闻"}).status_code == 404
    client.force_login(world.province_officer)
    assert client.get(reverse("news_staff:province")).status_code == 200
    assert client.post(url, {"name": "全省要闻"}).status_code == 302
    response = client.post(reverse("news_staff:province_new"), {"title": "全省新闻", "body": "正文"})
    assert response.status_code == 302
    assert Article.objects.get().palace is None
