"""The staff dashboard in a real headless Chromium (Playwright), on the web app process started as
`bot run` starts it, over a database seeded with a known set of records (tests/metrics_data.py)."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Browser, Page, sync_playwright
from sqlalchemy import insert, select, update

from bot.processes import free_port, launched, web_service
from bot.settings import Settings, load_settings
from bot.storage.db import make_engine, upgrade
from bot.storage.models import Broadcast, DashboardSession, Quiz, QuizQuestion, Ticket, TicketMessage, utcnow
from tests import metrics_data
from tests.deployment import deployment_env

pytestmark = pytest.mark.e2e
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
PASSWORD = "song-to-gio-lon-2026"
RANGE = f"since={metrics_data.SINCE}&until={metrics_data.UNTIL}"
PROTECTED = ["/dashboard", "/dashboard/topics", "/dashboard/unanswered", "/dashboard/channels",
             "/dashboard/publications", "/dashboard/broadcasts", "/dashboard/report", "/dashboard/users",
             "/dashboard/broadcast", "/dashboard/series", "/dashboard/tickets", "/dashboard/tickets/figures",
             "/dashboard/tickets/1/draft", "/dashboard/quizzes", "/dashboard/quizzes/1",
             "/dashboard/quizzes/1/results", "/dashboard/rewards"]  # fmt: skip
LY_SON_ONLY = ["--role", "officer", "--area", "Lý Sơn", "--post", "Đồn Biên phòng Lý Sơn"]


@dataclass
class Site:
    settings: Settings
    env: dict[str, str]

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.settings.web_port}"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    var_dir = tmp_path_factory.mktemp("dashboard-var")
    settings = load_settings({**os.environ, **deployment_env(), "BOT_VAR_DIR": str(var_dir),
                              "WEB_PORT": str(free_port()), "PSEUDONYM_KEY": "k"})  # fmt: skip
    upgrade(settings.database_url)
    metrics_data.seed(make_engine(settings.database_url))
    env = {**os.environ, **settings.as_env()}
    for name, options in (("canbo", ["--role", "staff"]), ("quantri", ["--role", "admin"]), ("lyson", LY_SON_ONLY)):
        subprocess.run([sys.executable, "-m", "bot", "user", "add", name, *options], input=PASSWORD + "\n",
                       env=env, text=True, check=True, capture_output=True)  # fmt: skip
    with launched([web_service(settings)], var_dir / "logs"):
        yield Site(settings, env)


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium is needed at {CHROMIUM} (make test installs Debian's chromium package)")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync"],
        )  # fmt: skip
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(accept_downloads=True)
    page = context.new_page()
    page.on("dialog", lambda dialog: pytest.fail(f"a script ran in the page: {dialog.message}"))
    yield page
    context.close()


def log_in(page: Page, site: Site, user: str = "canbo", password: str = PASSWORD) -> None:
    page.goto(site.base + "/dashboard")
    assert page.url.endswith("/login")
    page.fill("input[name=username]", user)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")


def test_no_page_is_reachable_without_logging_in(site):
    for path in PROTECTED:
        response = httpx.get(site.base + path, follow_redirects=False)
        assert response.status_code == 302 and response.headers["location"] == "/login", path
    assert httpx.post(site.base + "/dashboard/broadcast", data={"text": "x"}).status_code in (302, 403)


def test_a_wrong_password_is_refused(page, site):
    log_in(page, site, password="sai-mat-khau-roi")
    assert "Sai tên đăng nhập hoặc mật khẩu" in page.content()
    assert page.url.endswith("/login")


def test_figures_match_the_records_and_the_date_filter_works(page, site):
    log_in(page, site)
    page.fill("input[name=since]", metrics_data.SINCE)
    page.fill("input[name=until]", metrics_data.UNTIL)
    page.click("#filter button[type=submit]")
    figure = lambda name: page.inner_text(f"[data-figure={name}]")  # noqa: E731
    expected = metrics_data.EXPECTED_OVERVIEW
    assert figure("users") == str(expected["users"])
    assert figure("messages") == f"{expected['messages_in']} / {expected['messages_out']}"
    assert figure("answered_rate") == "7 · 70.0%" and figure("choices_rate") == "2 · 20.0%"
    assert figure("declined_rate") == "0 · 0.0%" and figure("not_understood_rate") == "1 · 10.0%"
    assert figure("median_response_ms") == "50 ms" and figure("publications_sent") == "2"
    assert figure("broadcasts") == "1 / 3 / 75.0%" and figure("new_subscribers") == "2"
    assert page.evaluate("Chart.getChart('series').data.datasets[0].data") == [3, 4, 3]
    # a narrower range: only the 5th of October
    page.fill("input[name=since]", "2026-10-05")
    page.fill("input[name=until]", "2026-10-05")
    page.click("#filter button[type=submit]")
    assert figure("users") == "2" and figure("messages") == "3 / 4"


def test_a_csv_download_agrees_with_the_page_and_bot_stats(page, site):
    log_in(page, site)
    page.goto(f"{site.base}/dashboard/channels?{RANGE}")
    with page.expect_download() as download:
        page.click("text=Tải CSV")
    content = Path(download.value.path()).read_text(encoding="utf-8-sig")
    rows = {(r["Theo"], r["Kênh / khu vực"]): r for r in csv.DictReader(io.StringIO(content))}
    stats = json.loads(subprocess.run(
        [sys.executable, "-m", "bot", "stats", "--json", "--since", metrics_data.SINCE, "--until", metrics_data.UNTIL],
        env=site.env, capture_output=True, text=True, check=True).stdout)  # fmt: skip
    for channel, figures in metrics_data.EXPECTED_BY_CHANNEL.items():
        row = rows[("kênh", channel)]
        assert int(row["Tin nhắn"]) == figures["messages_in"] == stats["by_channel"][channel]["messages_in"]
        assert int(row["Người"]) == figures["users"] == stats["by_channel"][channel]["users"]
        assert int(row["Trả lời được"]) == figures["answered"] == stats["by_channel"][channel]["answered"]
    assert stats["users"] == metrics_data.EXPECTED_OVERVIEW["users"]
    assert page.inner_text("table.data").count("Đặc khu Lý Sơn") == 1


def test_user_messages_show_as_text_never_as_html(page, site):
    log_in(page, site)
    page.goto(f"{site.base}/dashboard/unanswered?{RANGE}")
    cells = page.locator("table.data td").all_inner_texts()
    assert "<script>alert('x')</script> thoi tiet mai?" in cells
    assert cells[:2] == ["Giá cá ngừ?", "2"]  # two wordings, one group


def test_the_periodic_report_prints_and_downloads_as_pdf(page, site):
    log_in(page, site)
    page.goto(f"{site.base}/dashboard/report?{RANGE}")
    assert "Báo cáo hoạt động Trợ lý biển đảo" in page.inner_text("h1")
    with page.expect_download() as download:
        page.click("text=Tải PDF")
    assert Path(download.value.path()).read_bytes().startswith(b"%PDF-")


def test_roles_and_csrf(page, site):
    log_in(page, site)  # staff
    assert page.goto(site.base + "/dashboard/users").status == 403
    assert page.goto(site.base + "/dashboard/broadcast").status == 403
    cookies = {c["name"]: c["value"] for c in page.context.cookies()}
    forged = httpx.post(
        site.base + "/dashboard/logout", cookies=cookies, data={"csrf": "forged"}, follow_redirects=False
    )
    assert forged.status_code == 403


def test_sessions_expire(page, site):
    log_in(page, site, user="quantri")
    assert page.goto(site.base + "/dashboard/users").status == 200
    with make_engine(site.settings.database_url).begin() as connection:
        connection.execute(update(DashboardSession.__table__).values(expires_at=metrics_data.vn("2026-01-01")))
    page.goto(site.base + "/dashboard")
    assert page.url.endswith("/login")


def questions(page: Page) -> set[str]:
    """The questions of the tickets listed on the page."""
    return set(page.locator("#tickets td.question").all_inner_texts())


def filter_tickets(page: Page, status: str = "", area: str = "", overdue: bool = False) -> None:
    page.select_option("select[name=status]", status)
    page.select_option("select[name=area]", area)
    page.set_checked("input[name=overdue]", overdue)
    page.click("#ticket-filter button[type=submit]")


def test_an_officer_sees_their_areas_tickets_filters_them_and_answers_one(page, site):
    asked = {n: f"Câu hỏi gửi cán bộ số {n}" for n in range(1, 11)}
    engine = make_engine(site.settings.database_url)
    with engine.begin() as connection:  # opened a minute ago: not yet overdue
        connection.execute(insert(Ticket).values(
            status="open", channel="zalo", channel_user_id="799", user_ref="t99", display_name="Ngư dân mới",
            area="ly_son", question="Câu hỏi vừa gửi", opened_at=utcnow(), created_at=utcnow()))  # fmt: skip
    log_in(page, site, user="lyson")
    page.click("nav >> text=Hỏi cán bộ")
    listed = questions(page)
    assert {asked[n] for n in (1, 2, 5, 7, 8, 9)} | {"Câu hỏi vừa gửi"} == listed  # Lý Sơn's, and no area
    assert page.locator("select[name=area] option").all_inner_texts() == ["Tất cả", "Đặc khu Lý Sơn"]
    row = page.locator("#tickets tr", has_text=asked[5])
    assert "Đặc khu Lý Sơn" in row.inner_text() and "2026-10-05 09:00" in row.inner_text()  # Vietnam time
    filter_tickets(page, status="open")
    assert questions(page) == {asked[5], "Câu hỏi vừa gửi"}
    filter_tickets(page, overdue=True)
    assert questions(page) == {asked[5]}

    row.locator("textarea[name=text]").fill("Bà con mang giấy tờ tàu đến Đồn Biên phòng Lý Sơn.")
    row.locator("button[value=answer]").click()
    assert page.inner_text("[role=status]").startswith("Đã gửi câu trả lời cho câu hỏi số")
    assert questions(page) == set()  # the filter holds: nothing overdue is left
    with engine.connect() as connection:
        ticket = connection.execute(select(Ticket).where(Ticket.question == asked[5])).one()
        (answer,) = connection.execute(
            select(TicketMessage).where(TicketMessage.ticket_id == ticket.id, TicketMessage.kind == "answer")
        ).all()
    assert (ticket.status, ticket.answered_by, ticket.answered_by_post) == (
        "answered", "dashboard:lyson", "Đồn Biên phòng Lý Sơn")  # fmt: skip
    assert answer.status == "queued" and answer.channel_user_id == "705"
    assert answer.text.startswith("Trả lời của Đồn Biên phòng Lý Sơn") and "mang giấy tờ tàu" in answer.text


def test_staff_read_tickets_of_every_area_without_answering_and_draft_a_knowledge_entry(page, site):
    log_in(page, site)  # staff
    page.goto(site.base + "/dashboard/tickets")
    filter_tickets(page, area="sa_huynh")
    assert questions(page) == {"Câu hỏi gửi cán bộ số 3", "Câu hỏi gửi cán bộ số 4", "Câu hỏi gửi cán bộ số 6"}
    filter_tickets(page, status="waiting")
    assert questions(page) == {"Câu hỏi gửi cán bộ số 3"}
    filter_tickets(page)
    assert page.locator("textarea[name=text]").count() == 0 and page.locator("button[value=answer]").count() == 0
    assert page.locator("#tickets tr", has_text="Câu hỏi gửi cán bộ số 10").count() == 0  # a draft is no ticket
    page.locator("#tickets tr", has_text="Câu hỏi gửi cán bộ số 1").locator("text=Tạo mục kiến thức nháp").click()
    draft = page.inner_text("#draft")
    assert "    - Câu hỏi gửi cán bộ số 1\n" in draft and "answer: 'TODO" in draft
    assert "  #   Trả lời câu hỏi số 1\n" in draft  # the officer's answer: a comment only
    with page.expect_download() as download:
        page.click("text=Tải về (.yml)")
    assert Path(download.value.path()).read_text(encoding="utf-8").strip() == draft.strip()


def test_the_review_figures_of_tickets_download_as_csv(page, site):
    log_in(page, site)
    page.goto(f"{site.base}/dashboard?{RANGE}")
    assert page.inner_text("[data-figure=tickets]") == "8 / 5"
    with page.expect_download() as download:
        page.click("text=Tải CSV câu hỏi gửi cán bộ")
    content = Path(download.value.path()).read_text(encoding="utf-8-sig")
    rows = {(r["Theo"], r["Khu vực / đồn"]): r for r in csv.DictReader(io.StringIO(content))}
    assert rows[("khu vực", "Đặc khu Lý Sơn")]["Giờ đến khi trả lời (trung vị)"] == "2.0"
    assert rows[("đồn biên phòng", metrics_data.SA_HUYNH)]["Đã trả lời"] == "1"


# ---- Cuộc thi and Khen thưởng ---------------------------------------------------------------------------


def csv_rows(page: Page, link: str) -> list[dict[str, str]]:
    with page.expect_download() as download:
        page.click(f"text={link}")
    return list(csv.DictReader(io.StringIO(Path(download.value.path()).read_text(encoding="utf-8-sig"))))


def test_a_quiz_is_created_from_the_page(page, site):
    log_in(page, site)  # staff create and review
    page.click("nav >> text=Cuộc thi")
    form = page.locator("#quiz-create")
    form.locator("input[name=title]").fill("Tìm hiểu biển đảo tháng 12")
    form.locator("input[name=questions]").fill("4")
    form.locator("input[name=start]").fill("2030-12-01T07:00")
    form.locator("input[name=end]").fill("2030-11-30T07:00")
    form.locator("button[type=submit]").click()
    assert page.inner_text("[role=alert]") == "Giờ kết thúc phải sau giờ bắt đầu."
    assert page.input_value("#quiz-create input[name=title]") == "Tìm hiểu biển đảo tháng 12"  # kept as typed
    page.fill("#quiz-create input[name=end]", "2030-12-15T22:00")
    page.click("#quiz-create button[type=submit]")
    assert page.inner_text("[role=status]").startswith("Đã tạo bản nháp.")
    assert page.locator("#questions > li").count() == 4
    assert "mở 2030-12-01 07:00, đóng 2030-12-15 22:00" in page.inner_text("main")


def test_a_draft_is_reviewed_by_staff_and_published_by_an_admin(browser, page, site):
    engine = make_engine(site.settings.database_url)
    with engine.begin() as connection:
        quiz = connection.execute(insert(Quiz).values(
            title="Thi thử biển đảo", track="residents", area="ly_son", status="draft", created_by="cli:staff",
            starts_at=metrics_data.vn("2030-12-01", 7), ends_at=metrics_data.vn("2030-12-15", 22),
        )).inserted_primary_key[0]  # fmt: skip
        connection.execute(insert(QuizQuestion), [
            {"quiz_id": quiz, "position": n, "entry_id": "lanh_hai_rong", "topic": "vung_bien",
             "prompt": f"Câu nháp {n}?", "options": "12 hải lý\n24 hải lý\n200 hải lý", "correct": 0,
             "explanation": "Lãnh hải rộng 12 hải lý.", "source": "Luật Biển Việt Nam 2012"}
            for n in (1, 2, 3)
        ])  # fmt: skip
    log_in(page, site)  # staff
    page.goto(f"{site.base}/dashboard/quizzes")
    page.locator("#quizzes tr", has_text="Thi thử biển đảo").locator("text=Duyệt, sửa").click()
    first = page.locator("#questions > li").nth(0)
    first.locator("textarea[name=prompt]").fill("Lãnh hải của Việt Nam rộng bao nhiêu hải lý?")
    first.locator("input[name=option]").nth(1).fill("24 hải lý (vùng tiếp giáp)")
    first.locator("input[name=correct]").nth(0).check()
    first.locator("button[value=edit]").click()
    assert page.inner_text("[role=status]") == "Đã lưu câu hỏi."
    page.locator("#questions > li").nth(2).locator("button[value=remove]").click()
    assert page.inner_text("[role=status]") == "Đã xóa câu hỏi."
    assert page.locator("#questions > li").count() == 2 and page.locator("#quiz-publish").count() == 0
    assert "Cán bộ (vai trò officer) hoặc quản trị viên xuất bản" in page.inner_text("main")
    cookies = {c["name"]: c["value"] for c in page.context.cookies()}
    csrf = page.locator("input[name=csrf]").first.get_attribute("value")
    refused = httpx.post(f"{site.base}/dashboard/quizzes/{quiz}", cookies=cookies,
                         data={"csrf": csrf, "action": "publish"})  # fmt: skip
    assert refused.status_code == 403

    admin = browser.new_context().new_page()
    log_in(admin, site, user="quantri")
    admin.goto(f"{site.base}/dashboard/quizzes/{quiz}")
    assert admin.is_checked("#quiz-publish input[name=announce]")
    admin.click("#quiz-publish button[value=publish]")
    assert admin.inner_text("[role=status]").startswith("Đã xuất bản: mở từ 2030-12-01 07:00 đến 2030-12-15 22:00")
    assert admin.locator("#questions textarea").count() == 0  # published: read only
    with engine.connect() as connection:
        published = connection.execute(select(Quiz).where(Quiz.id == quiz)).one()
        prompts = connection.execute(select(QuizQuestion.prompt, QuizQuestion.options).where(
            QuizQuestion.quiz_id == quiz).order_by(QuizQuestion.position)).all()  # fmt: skip
        told = connection.execute(select(Broadcast).where(Broadcast.id == published.broadcast_id)).one()
    assert (published.status, published.published_by) == ("published", "dashboard:quantri")
    assert prompts[0] == ("Lãnh hải của Việt Nam rộng bao nhiêu hải lý?",
                          "12 hải lý\n24 hải lý (vùng tiếp giáp)\n200 hải lý")  # fmt: skip
    assert len(prompts) == 2 and told.target_areas == "ly_son" and "Thi thử biển đảo" in told.text
    admin.context.close()


def test_the_results_of_a_contest_and_their_csv(page, site):
    log_in(page, site)
    page.goto(f"{site.base}/dashboard/quizzes")
    page.locator("#quizzes tr", has_text=metrics_data.CONTEST).locator("text=Kết quả").click()
    assert page.inner_text("[data-figure=participants]") == "4"
    assert page.inner_text("[data-figure=finished]") == "4 · 100.0%"
    assert page.inner_text("[data-figure=score_distribution]") == "0: 1 · 1: 1 · 2: 2"
    names = page.locator("#results-leaderboard tbody tr td:nth-child(2)").all_inner_texts()
    assert names == ["Ngư dân Lý Sơn Một", "(ẩn danh)", "(ẩn danh)", "(ẩn danh)"]  # named only with consent
    rows = csv_rows(page, "Tải CSV: tỷ lệ trả lời đúng theo câu hỏi")
    assert [(r["Câu"], r["Tỷ lệ đúng"]) for r in rows] == [("1", "0.75"), ("2", "0.5")]
    areas = {r["Khu vực"]: r for r in csv_rows(page, "Tải CSV: xã, phường, đặc khu")}
    ly_son = areas["Đặc khu Lý Sơn"]
    assert (ly_son["Người dự thi"], ly_son["Người nhận tin"]) == ("3", "4")  # subscribers active today


def test_the_rewards_table_its_csv_and_bot_stats_agree(page, site):
    log_in(page, site)
    page.click("nav >> text=Khen thưởng")
    page.fill("input[name=since]", metrics_data.SINCE)
    page.fill("input[name=until]", metrics_data.UNTIL)
    page.click("#filter button[type=submit]")
    ly_son = page.locator(f"#rewards-posts tr[data-post='{metrics_data.LY_SON}'] td").all_inner_texts()
    assert ly_son == ["Đặc khu Lý Sơn", "3", "1", "3 · 75.0%", "3", "2.0 giờ", "2", "0.667",
                      "1\nTập huấn Luật Biên phòng (2026-10-08 10:00, 2/2)", "0 · 0"]  # fmt: skip
    officer = page.locator("#rewards-officers tr[data-officer='telegram:901'] td").all_inner_texts()
    assert officer[:7] == [metrics_data.LY_SON, "Đặc khu Lý Sơn", "3", "1", "3 · 75.0%", "5", "4.0 giờ"]
    assert page.locator("#rewards-officers tr[data-officer='dashboard:lyson']").count() == 1  # an officer account
    rows = {(r["Theo"], r["Đồn biên phòng / cán bộ"]): r for r in csv_rows(page, "Tải CSV khen thưởng")}
    for post, expected in metrics_data.EXPECTED_REWARD_POSTS.items():
        row = rows[("đồn biên phòng", post)]
        assert int(row["Người nhận tin"]) == expected["subscribers"]
        assert int(row["Lượt dự thi"]) == expected["quiz_attempts"]
        assert int(row["Câu hỏi đã trả lời"]) == expected["tickets_answered"]
    stats = json.loads(subprocess.run(
        [sys.executable, "-m", "bot", "stats", "--json", "--since", metrics_data.SINCE, "--until", metrics_data.UNTIL],
        env=site.env, capture_output=True, text=True, check=True).stdout)  # fmt: skip
    assert {k: stats[k] for k in metrics_data.EXPECTED_QUIZ_TOTALS} == metrics_data.EXPECTED_QUIZ_TOTALS
    page.goto(f"{site.base}/dashboard/report?{RANGE}")
    assert "Trung úy A" in page.inner_text("#report-rewards")
