"""The dashboard: a manager reads the MRR movements of the last 12 months and exports them
as CSV; a rep sees their own book and pipeline; finance sees receivables. Each chart has its
figures as a table, and the charting library loads only with the dashboard."""

from __future__ import annotations

import csv
import io
import re

from playwright.sync_api import Browser, Page, expect

from e2e.people import log_in, person, shot, watch_console


def test_a_manager_reads_mrr_movements_for_12_months_and_exports_them(
    page: Page, server_url: str
) -> None:
    errors = watch_console(page)
    scripts: list[str] = []
    page.on("request", lambda request: scripts.append(request.url))
    log_in(page, server_url, "maria@recur.example")
    assert not [url for url in scripts if "uplot" in url.lower()], "the library loads on demand"
    nav = page.get_by_role("navigation", name="Main")
    expect(nav.get_by_role("link").first).to_have_text("Dashboard")
    nav.get_by_role("link", name="Dashboard").click()
    expect(page.get_by_role("heading", name="Dashboard", level=1)).to_be_visible()
    expect(page.get_by_text(re.compile(r"^Revenue of all accounts in USD, "))).to_be_visible()

    movements = page.get_by_role("figure").filter(has_text="MRR movements")
    expect(movements.locator("canvas")).to_be_visible()
    movements.get_by_text("Show the figures").click()
    table = movements.get_by_role("table", name="MRR movements in USD by month")
    expect(table).to_be_visible()
    rows = table.locator("tbody tr")
    expect(rows).to_have_count(12)
    assert [url for url in scripts if url.endswith("/uPlot.esm.js")], "charts.js brought uPlot"
    mrr_tile = page.locator(".kpi").filter(has_text="MRR").first.locator(".kpi__value")
    last = rows.nth(11).locator("td")
    shown_mrr = last.nth(6).inner_text()
    expect(mrr_tile).to_contain_text(f"${float(shown_mrr):,.2f}")
    # Each month's MRR is the previous one plus its movements, in the table as on the server.
    previous = None
    for n in range(12):
        cells = [rows.nth(n).locator("td").nth(i).inner_text() for i in range(7)]
        new, expansion, reactivation, contraction, churned, mrr = (float(c) for c in cells[1:])
        if previous is not None:
            moved = previous + new + expansion + reactivation - contraction - churned
            assert round(moved, 2) == round(mrr, 2)
        previous = mrr
    shot(page, "dashboard-manager")

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Export CSV").click()
    download = download_info.value
    assert re.fullmatch(
        r"revenue-metrics-USD-\d{4}-\d{2}-to-\d{4}-\d{2}\.csv", download.suggested_filename
    )
    with open(download.path(), encoding="utf-8") as exported:
        months = list(csv.DictReader(io.StringIO(exported.read())))
    assert len(months) == 12
    assert months[-1]["mrr"] == shown_mrr
    assert [m["new_mrr"] for m in months] == [
        rows.nth(n).locator("td").nth(1).inner_text() for n in range(12)
    ]
    assert errors == []


def test_a_rep_sees_their_book_pipeline_and_renewals(page: Page, server_url: str) -> None:
    errors = watch_console(page)
    log_in(page, server_url, "rita@recur.example")
    page.goto(f"{server_url}/dashboard")
    expect(page.get_by_text(re.compile(r"^Revenue of your accounts in "))).to_be_visible()
    expect(page.get_by_role("heading", name="Open pipeline")).to_be_visible()
    renewals = page.get_by_role("table", name=re.compile(r"^Renewals due in 30, 60 and 90 days"))
    expect(renewals.locator("tbody tr")).to_have_count(3)
    expect(page.locator(".kpi").filter(has_text="Approvals waiting")).to_be_visible()
    expect(page.locator(".kpi").filter(has_text="Discounts given")).to_have_count(0)
    assert errors == []


def test_finance_reads_receivables_on_a_phone(browser: Browser, server_url: str) -> None:
    with person(browser, server_url, "fiona@recur.example", width=390) as phone:
        errors = watch_console(phone)
        phone.goto(f"{server_url}/dashboard")
        expect(phone.get_by_role("heading", name="Receivables")).to_be_visible()
        expect(phone.locator(".kpi").filter(has_text="Days sales outstanding")).to_be_visible()
        billed = phone.get_by_role("figure").filter(has_text="Billed and collected")
        expect(billed.locator("canvas")).to_be_visible()
        box = billed.locator("canvas").bounding_box()
        assert box is not None and box["width"] <= 390
        expect(phone.get_by_role("heading", name="Open pipeline")).to_have_count(0)
        shot(phone, "dashboard-finance-phone")
        assert errors == []


def test_a_manager_narrows_the_dashboard_to_one_reps_book(page: Page, server_url: str) -> None:
    errors = watch_console(page)
    log_in(page, server_url, "maria@recur.example")
    page.goto(f"{server_url}/dashboard")
    everyone = page.locator(".kpi").filter(has_text="MRR").first.locator(".kpi__value")
    expect(everyone).to_be_visible()
    page.get_by_label("Book").select_option(label="Rita Reyes")
    expect(page).to_have_url(re.compile(r"/dashboard\?owner="))
    ritas = re.compile(r"^Revenue of Rita Reyes's accounts in USD")
    expect(page.get_by_text(ritas)).to_be_visible()
    expect(page.get_by_label("Book")).to_have_value(re.compile(r".+"))
    export = page.get_by_role("link", name="Export CSV")
    expect(export).to_have_attribute("href", re.compile(r"ownerId="))
    with page.expect_download() as download_info:
        export.click()
    with open(download_info.value.path(), encoding="utf-8") as exported:
        months = list(csv.DictReader(exported))
    assert len(months) == 12
    assert errors == []
