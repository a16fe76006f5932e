"""The periodic report as a PDF (the same figures as the printable page), for the review meetings."""

from __future__ import annotations

from typing import Any

from fpdf import FPDF

from bot.campaigns.figures import COUNTS
from bot.metrics.figures import Period
from bot.metrics.outcomes import OUTCOME_LABELS
from bot.publications.pdf import add_fonts

LABELS = [
    ("users", "Số người đã hỏi (mọi kênh)"),
    ("messages_in", "Tin nhắn đến"),
    ("messages_out", "Tin nhắn trả lời"),
    *OUTCOME_LABELS.items(),
    *((f"{key}_rate", f"Tỷ lệ: {label.lower()}") for key, label in OUTCOME_LABELS.items()),
    ("median_response_ms", "Thời gian bà con chờ trả lời (trung vị, ms)"),
    ("median_rasa_ms", "Thời gian xử lý trong Rasa, tin gửi thẳng qua REST API (trung vị, ms)"),
    ("new_subscribers", "Người đăng ký nhận tin mới"),
    ("active_users_30d", "Người hỏi trong 30 ngày cuối kỳ"),
    ("publications_sent", "Tài liệu đã gửi"),
    ("broadcasts", "Tin đã phát"),
    ("broadcast_deliveries", "Lượt nhận tin"),
    ("broadcast_delivery_rate", "Tỷ lệ nhận tin"),
    ("tickets", "Câu hỏi gửi cán bộ biên phòng"),
    ("tickets_answered", "Câu hỏi cán bộ đã trả lời"),
    ("ticket_answer_p50_hours", "Giờ đến khi cán bộ trả lời (trung vị)"),
    ("ticket_answer_p90_hours", "Giờ đến khi cán bộ trả lời (90% câu hỏi)"),
]


def _value(value: Any, key: str = "") -> str:
    if isinstance(value, float):
        return f"{value:.1f} giờ".replace(".", ",") if key.endswith("_hours") else f"{100 * value:.1f}%"
    return "–" if value is None else f"{value:,}".replace(",", ".")


def report_pdf(report: dict[str, Any], period: Period) -> bytes:
    pdf = FPDF(format=(210, 297))
    add_fonts(pdf)
    pdf.set_title("Báo cáo hoạt động Trợ lý biển đảo")
    pdf.add_page()
    pdf.set_font("DejaVu", "B", 15)
    pdf.multi_cell(0, 8, "Báo cáo hoạt động Trợ lý biển đảo", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("DejaVu", size=10)
    pdf.multi_cell(0, 6, f"Kỳ báo cáo: {period.since:%d/%m/%Y} – {period.until:%d/%m/%Y}. Chương trình phối hợp "
                         "thông tin, truyền thông về biên giới biển, đảo (2021–2030): truyền thông mới.",
                   new_x="LMARGIN", new_y="NEXT")  # fmt: skip
    _section(pdf, "Số liệu chính", [(label, _value(report["overview"].get(key), key)) for key, label in LABELS])
    outcomes = " / ".join(label.lower() for label in OUTCOME_LABELS.values())
    _section(pdf, f"Theo kênh (tin: {outcomes})", [
        (r["key"], f"{r['users']} người, {r['messages_in']} tin: " + " / ".join(str(r[k]) for k in OUTCOME_LABELS))
        for r in report["by_channel"]
    ])  # fmt: skip
    _section(
        pdf, "Theo khu vực", [(r["name"], f"{r['users']} người, {r['messages_in']} tin") for r in report["by_area"]]
    )
    _section(pdf, "Được hỏi nhiều", [(r["title"], str(r["count"])) for r in report["top"]])
    _section(pdf, "Tài liệu đã gửi", [(r["title"], str(r["sends"])) for r in report["publications"]])
    _section(pdf, "Tin đã phát", [(f"#{r['id']} {r['text'][:50]}", f"{r['sent']}/{r['recipients']} đã nhận")
                                  for r in report["broadcasts"]])  # fmt: skip
    tickets = report["tickets"]
    _section(pdf, "Câu hỏi gửi cán bộ biên phòng, theo khu vực (gửi / đã trả lời, giờ đến khi trả lời)",
             [(r["name"], _tickets(r)) for r in tickets["by_area"]])  # fmt: skip
    _section(pdf, "Câu hỏi đã trả lời, theo đồn biên phòng", [(r["name"], _tickets(r)) for r in tickets["by_post"]])
    campaigns = report["campaigns"]
    _section(pdf, "Chiến dịch, mã QR trên tài liệu in (người bắt đầu / đăng ký / hỏi / dự thi)",
             [(f"{r['name'][:70]} ({r['code']})", _campaign(r)) for r in campaigns["by_campaign"]])  # fmt: skip
    _section(pdf, "Chiến dịch, theo đồn biên phòng", [(r["name"], _campaign(r)) for r in campaigns["by_post"]])
    rewards = report["rewards"]
    _section(pdf, "Khen thưởng, theo đồn (người nhận tin; tin, tỷ lệ nhận; đã trả lời, trung vị; dự thi; tập huấn)",
             [(r["post"], _reward(r)) for r in rewards["posts"]])  # fmt: skip
    _section(pdf, "Khen thưởng, theo cán bộ (cùng các cột)",
             [(f"{r['name']} ({r['post'] or '–'})", _reward(r)) for r in rewards["officers"]])  # fmt: skip
    _section(pdf, "Tập huấn cán bộ hoàn thành trong kỳ (bài, lúc, điểm)",
             [(r["name"], r["training"][:60]) for r in rewards["officers"] if r["training"]])  # fmt: skip
    _section(pdf, "Câu hỏi bot chưa trả lời (xem có cần bổ sung kiến thức)",
             [(r["question"][:80], f"{r['count']} lần") for r in report["unanswered"]])  # fmt: skip
    return bytes(pdf.output())


def _tickets(row: dict[str, Any]) -> str:
    sent = f"{row['tickets']} / " if "tickets" in row else ""
    p50, p90 = (_value(row[f"ticket_answer_{p}_hours"], "_hours") for p in ("p50", "p90"))
    return f"{sent}{row['tickets_answered']} đã trả lời; trung vị {p50}, 90%: {p90}"


def _campaign(row: dict[str, Any]) -> str:
    return " / ".join(str(row[count]) for count in COUNTS)


def _reward(row: dict[str, Any]) -> str:
    rate, p50 = _value(row["delivery_rate"]), _value(row["ticket_answer_p50_hours"], "_hours")
    return (f"{row['subscribers']}; {row['broadcasts']}, {rate}; {row['tickets_answered']}, {p50}; "
            f"{row['quiz_attempts']}; {row['trainings_completed']}")  # fmt: skip


def _section(pdf: FPDF, title: str, rows: list[tuple[str, str]]) -> None:
    pdf.ln(3)
    pdf.set_font("DejaVu", "B", 12)
    pdf.multi_cell(0, 7, title, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("DejaVu", size=9.5)
    for label, value in rows or [("Không có số liệu", "")]:
        pdf.cell(125, 6, label[:90])
        pdf.cell(0, 6, value, new_x="LMARGIN", new_y="NEXT")
