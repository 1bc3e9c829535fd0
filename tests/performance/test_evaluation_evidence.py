"""Evidence files: checked by content and size, stored under a random name, served only to those
who may see the evaluation (404 to anyone else), never from a public URL."""

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils.translation import gettext as _

from palace_portal.errors import InvalidInput, NotFound, RuleViolation
from performance.evaluation import services
from performance.evaluation.models import Evaluation, Evidence
from performance.evaluation.uploads import MAX_BYTES, clean_name
from tests.performance.evaluation_support import indicator, make_scheme, walk

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 64


def office(member: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr(member, "<x/>")
    return buffer.getvalue()


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def draft(world):
    scheme = make_scheme(2024)
    return walk(world, scheme, to=Evaluation.Status.DRAFT)


def upload(world, evaluation, name, content, code="A1"):
    return services.evidence_add(
        actor=world.manager_a,
        evaluation=evaluation,
        indicator_id=indicator(evaluation.scheme, code).pk,
        upload=SimpleUploadedFile(name, content, content_type="application/octet-stream"),
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "content", "ext"),
    [
        ("面积测绘报告.pdf", PDF, ".pdf"),
        ("现场照片.JPG", JPEG, ".jpg"),
        ("photo.jpeg", JPEG, ".jpg"),
        ("场地.png", PNG, ".png"),
        ("制度汇编.docx", office("word/document.xml"), ".docx"),
        ("台账.xlsx", office("xl/workbook.xml"), ".xlsx"),
    ],
)
def test_it_accepts_the_five_types_by_content(world, draft, name, content, ext, tmp_path):
    evidence = upload(world, draft, name, content)
    assert evidence.extension == ext
    assert evidence.name.endswith(ext)
    stored = evidence.file.name
    assert stored.startswith(f"evaluation/{world.palace_a.pk}/")
    assert name.rsplit(".", 1)[0] not in stored  # a random name, never the upload's
    assert (tmp_path / stored).read_bytes() == content


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("script.pdf", b"<script>alert(1)</script>"),  # the name says PDF, the content does not
        ("page.html", b"<html></html>"),
        ("photo.pdf", PNG),  # a PNG named .pdf
        ("archive.docx", office("other.xml")),  # a zip, but not a Word document
        ("broken.xlsx", b"PK\x03\x04garbage"),
        ("empty.pdf", b""),
        ("noextension", PDF),
    ],
)
def test_it_refuses_what_the_content_does_not_support(world, draft, name, content):
    with pytest.raises(InvalidInput) as caught:
        upload(world, draft, name, content)
    assert "file" in caught.value.fields
    assert not Evidence.objects.exists()


@pytest.mark.django_db
def test_it_refuses_files_above_the_size_limit(world, draft):
    with pytest.raises(InvalidInput) as caught:
        upload(world, draft, "big.pdf", PDF + b"0" * MAX_BYTES)
    assert "10 MB" in str(caught.value.message)
    assert not Evidence.objects.exists()


def test_file_names_are_cleaned_for_display():
    assert clean_name("../../etc/passwd.pdf", ".pdf") == "passwd.pdf"
    assert clean_name("C:\\Users\\x\\报告.PDF", ".pdf") == "报告.pdf"
    assert clean_name("a\x00b\u202ec<d>.pdf", ".pdf") == "abc_d_.pdf"
    assert clean_name("....pdf", ".pdf") == f"{_('evidence')}.pdf"
    assert len(clean_name("长" * 300 + ".pdf", ".pdf")) == 100


@pytest.mark.django_db
def test_only_the_palaces_manager_uploads_and_only_while_editable(world, draft):
    for outsider in (world.staff_a, world.manager_b, world.city_officer, world.province_officer):
        with pytest.raises(NotFound):
            services.evidence_add(
                actor=outsider,
                evaluation=draft,
                indicator_id=indicator(draft.scheme, "A1").pk,
                upload=SimpleUploadedFile("a.pdf", PDF),
            )
    services.evaluation_self_save(
        actor=world.manager_a,
        evaluation=draft,
        entries={indicator(draft.scheme, c).pk: {"score": "1"} for c in ("A1", "A2", "B1")},
    )
    services.evaluation_submit(actor=world.manager_a, evaluation=draft)
    with pytest.raises(RuleViolation):
        upload(world, draft, "late.pdf", PDF)
    assert not Evidence.objects.exists()


@pytest.mark.django_db
def test_removing_a_file_deletes_it_after_commit(world, draft, tmp_path, django_capture_on_commit_callbacks):
    evidence = upload(world, draft, "a.pdf", PDF)
    path = tmp_path / evidence.file.name
    with django_capture_on_commit_callbacks(execute=True):
        services.evidence_remove(actor=world.manager_a, evidence=evidence)
    assert not Evidence.objects.exists()
    assert not path.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("manager_a", 200),
        ("staff_a", 200),
        ("city_officer", 200),
        ("province_officer", 200),
        ("manager_b", 404),
        ("staff_b", 404),
        ("worker", 404),
    ],
)
def test_evidence_is_served_only_to_those_who_may_see_the_evaluation(world, draft, who, status):
    evidence = upload(world, draft, "测绘报告.pdf", PDF)
    browser = Client()
    browser.force_login(getattr(world, who))
    response = browser.get(reverse("performance:evaluation:evidence", args=[draft.pk, evidence.pk]))
    assert response.status_code == status
    if status == 200:
        assert b"".join(response.streaming_content) == PDF
        assert response["Content-Type"] == "application/pdf"
        assert "attachment" in response["Content-Disposition"]
        assert response["Cache-Control"] == "private, no-store"


@pytest.mark.django_db
def test_evidence_needs_sign_in_and_is_not_under_the_public_media_url(world, draft, client):
    evidence = upload(world, draft, "a.pdf", PDF)
    response = client.get(reverse("performance:evaluation:evidence", args=[draft.pk, evidence.pk]))
    assert response.status_code == 302
    assert client.get(f"/media/{evidence.file.name}").status_code == 404


@pytest.mark.django_db
def test_uploading_through_the_page(world, draft, client):
    client.force_login(world.manager_a)
    url = reverse("performance:evaluation:evidence_upload", args=[draft.pk])
    a1 = indicator(draft.scheme, "A1").pk
    response = client.post(url, {"indicator": a1, "file": SimpleUploadedFile("报告.pdf", PDF)})
    assert response.status_code == 302
    assert Evidence.objects.get().name == "报告.pdf"
    response = client.post(
        url, {"indicator": a1, "file": SimpleUploadedFile("x.pdf", b"MZ\x90")}, follow=True
    )
    assert "PDF" in response.content.decode()
    assert Evidence.objects.count() == 1
    client.force_login(world.manager_b)
    response = client.post(url, {"indicator": a1, "file": SimpleUploadedFile("b.pdf", PDF)})
    assert response.status_code == 404
