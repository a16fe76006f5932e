"""The printable leaflet of a campaign (A5 or A4): its name, the QR code, the links on each platform, the
code to type, and the rescue hotlines (bot/rescue.py)."""

from __future__ import annotations

from pathlib import Path

from fpdf import FPDF

from bot.areas import by_key
from bot.campaigns import links
from bot.campaigns.qr import qr_png
from bot.publications.pdf import add_fonts
from bot.rescue import rescue_contacts
from bot.storage.models import Campaign

SIZES = {"a5": (148, 210), "a4": (210, 297)}
INVITATION = (
    "Hỏi đáp pháp luật biển, thủy sản, chính sách hỗ trợ ngư dân; nhận tài liệu và tin bão, cấm biển của khu vực "
    "mình. Miễn phí, trả lời ngay, ghi rõ nguồn văn bản."
)


def leaflet(campaign: Campaign, out: Path, size: str = "a5") -> Path:
    width, height = SIZES[size]
    scale = width / SIZES["a5"][0]  # A4: everything 1.4 times bigger
    pdf = FPDF(format=(width, height))
    pdf.set_title(campaign.name)
    pdf.set_lang("vi")
    add_fonts(pdf)
    pdf.set_auto_page_break(auto=False)
    pdf.set_margins(12 * scale, 12 * scale)
    pdf.add_page()
    pdf.set_font("DejaVu", "B", 18 * scale)
    pdf.multi_cell(0, 9 * scale, "Trợ lý biển đảo", align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("DejaVu", size=10 * scale)
    area = by_key(campaign.area)
    pdf.multi_cell(0, 5 * scale, campaign.name + (f" – {area.name}" if area else ""), align="C",
                   new_x="LMARGIN", new_y="NEXT")  # fmt: skip
    pdf.ln(2 * scale)
    pdf.multi_cell(0, 5 * scale, INVITATION, align="C", new_x="LMARGIN", new_y="NEXT")
    side = 64 * scale
    link = links.main_link(campaign.code)
    pdf.image(qr_png(link), x=(width - side) / 2, y=pdf.get_y() + 3 * scale, w=side, h=side, link=link,
              alt_text=link)  # fmt: skip
    pdf.set_y(pdf.get_y() + side + 5 * scale)
    pdf.set_font("DejaVu", "B", 11 * scale)
    pdf.multi_cell(0, 6 * scale, link, align="C", link=link, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("DejaVu", size=9.5 * scale)
    web = links.web_link(campaign.code)
    pdf.multi_cell(0, 5 * scale, links.zalo_howto(campaign.code), align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.multi_cell(0, 5 * scale, f"Web: {web}", align="C", link=web, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("DejaVu", "B", 14 * scale)
    pdf.multi_cell(0, 8 * scale, f"Mã: {campaign.code}", align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3 * scale)
    pdf.set_font("DejaVu", "B", 8.5 * scale)
    pdf.multi_cell(0, 4.4 * scale, rescue_contacts(), border=1, padding=2 * scale, new_x="LMARGIN", new_y="NEXT")
    out.parent.mkdir(parents=True, exist_ok=True)
    pdf.output(str(out))
    return out
