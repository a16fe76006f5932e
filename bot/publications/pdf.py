"""PDF handbooks generated from the knowledge file: every question of some topics, its answer and its
source, in Vietnamese with an embedded Unicode font (DejaVu Sans, shipped with matplotlib)."""

from __future__ import annotations

import importlib.util
from datetime import datetime
from pathlib import Path

from fpdf import FPDF

from bot.campaigns.qr import qr_block
from bot.knowledge.base import KnowledgeBase
from bot.publications.catalogue import Publication
from bot.rescue import rescue_contacts

FONT_DIR = Path(importlib.util.find_spec("matplotlib").origin).parent / "mpl-data" / "fonts" / "ttf"  # type: ignore[union-attr, arg-type]
# Fixed so that the same knowledge gives byte-identical files.
CREATION_DATE = datetime(2026, 3, 31)
INTRO = (
    "Tài liệu tổng hợp các câu hỏi thường gặp của bà con ngư dân, trả lời theo các trích đoạn văn bản pháp luật "
    "và bài báo đăng công khai, chưa đối chiếu hết với bản gốc (thông tin đến tháng 3/2026). Mỗi câu trả lời ghi "
    "rõ nguồn. Việc chưa rõ, bà con hỏi đồn biên phòng gần nhất hoặc cơ quan thủy sản của tỉnh."
)


class _Handbook(FPDF):
    def footer(self) -> None:
        self.set_y(-12)
        self.set_font("DejaVu", size=8)
        self.cell(0, 8, f"Trang {self.page_no()}", align="C")


def add_fonts(pdf: FPDF) -> None:
    """The embedded Unicode font, regular and bold, as "DejaVu"."""
    pdf.add_font("DejaVu", "", str(FONT_DIR / "DejaVuSans.ttf"))
    pdf.add_font("DejaVu", "B", str(FONT_DIR / "DejaVuSans-Bold.ttf"))


def build_handbook(publication: Publication, kb: KnowledgeBase, out: Path, campaign_code: str | None = None) -> Path:
    """The handbook; with ``campaign_code``, its first page carries the QR code and links of that campaign."""
    pdf = _Handbook(format=(148, 210))  # A5, in millimetres
    pdf.set_creation_date(CREATION_DATE)
    pdf.set_title(publication.title)
    pdf.set_author(publication.issuer)
    pdf.set_lang("vi")
    add_fonts(pdf)
    pdf.set_auto_page_break(auto=True, margin=15)
    pdf.add_page()
    pdf.set_font("DejaVu", "B", 15)
    pdf.multi_cell(0, 8, publication.title, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("DejaVu", size=8)
    pdf.multi_cell(0, 5, f"{publication.issuer} – {publication.date}", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)
    pdf.set_font("DejaVu", size=9)
    pdf.multi_cell(0, 5, INTRO, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)
    pdf.set_font("DejaVu", "B", 9)
    pdf.multi_cell(0, 5, rescue_contacts(), border=1, padding=2, new_x="LMARGIN", new_y="NEXT")
    if campaign_code:
        pdf.ln(3)
        qr_block(pdf, campaign_code)
    for topic in publication.from_topics:
        pdf.ln(4)
        pdf.set_font("DejaVu", "B", 12)
        pdf.multi_cell(0, 7, kb.topics[topic], new_x="LMARGIN", new_y="NEXT")
        for entry in (e for e in kb.entries if e.topic == topic):
            pdf.ln(1.5)
            pdf.set_font("DejaVu", "B", 9.5)
            pdf.multi_cell(0, 5, entry.title, new_x="LMARGIN", new_y="NEXT")
            pdf.set_font("DejaVu", size=9)
            pdf.multi_cell(0, 4.6, entry.answer, new_x="LMARGIN", new_y="NEXT")
            pdf.set_font("DejaVu", size=7.5)
            pdf.multi_cell(0, 4, f"Nguồn: {entry.source}", new_x="LMARGIN", new_y="NEXT")
    out.parent.mkdir(parents=True, exist_ok=True)
    pdf.output(str(out))
    return out
