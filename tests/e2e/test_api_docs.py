"""The self-hosted API docs (Swagger UI) in a real browser, under the portal's strict CSP."""

import pytest

pytestmark = pytest.mark.django_db(transaction=True)


def test_api_docs_render_every_endpoint_with_local_assets_only(live_server, desktop_page, page_watch):
    page = desktop_page
    page.goto(live_server.url + "/api/docs/")
    # Swagger UI fetched the schema and drew one block per operation.
    page.locator(".opblock").first.wait_for(timeout=15000)
    page.wait_for_load_state("networkidle")
    watch = page_watch[page]

    assert watch.foreign_requests(live_server.url) == []
    summaries = page.locator(".opblock-summary-path").all_inner_texts()
    for path in (
        "/api/v1/palaces/",
        "/api/v1/palaces/{id}/",
        "/api/v1/venues/",
        "/api/v1/venues/{id}/availability/",
        "/api/v1/network/summary/",
    ):
        assert any(text.replace("\u200b", "") == path for text in summaries), (path, summaries)
    # Swagger UI's own stylesheet applies (it is a file, so the CSP allows it).
    assert page.locator(".swagger-ui .info .title").is_visible()


def test_api_docs_try_it_out_calls_the_api(live_server, desktop_page, page_watch):
    page = desktop_page
    page.goto(live_server.url + "/api/docs/")
    operation = page.locator("#operations-v1-v1_network_summary_retrieve")
    operation.locator(".opblock-summary").click()
    operation.get_by_role("button", name="Try it out").click()
    operation.get_by_role("button", name="Execute").click()

    live = operation.locator(".live-responses-table tbody .response-col_status").first
    live.wait_for(timeout=15000)
    assert live.inner_text().strip() == "200"
    assert '"palaces_in_service"' in operation.locator(".live-responses-table .microlight").first.inner_text()
