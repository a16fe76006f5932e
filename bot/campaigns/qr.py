"""A campaign's QR code and short link as a block of a PDF (the leaflet and every generated handbook)."""

from __future__ import annotations

import io

import segno
from fpdf import FPDF

from bot.campaigns import links


def qr_png(link: str) -> io.BytesIO:
    """The QR code of ``link`` as a PNG (error correction M: readable with a crease or a stain)."""
    image = io.BytesIO()
    segno.make(link, error="m").save(image, kind="png", scale=10, border=2)
    image.seek(0)
    return image


def qr_block(pdf: FPDF, code: str, size: float = 30) -> None:
    """The QR code, ``size`` mm wide, with beside it the links to the bot and the code, at the current line.
    The PDF must have the font "DejaVu" (bot/publications/pdf.py adds it)."""
    link = links.main_link(code)
    top, left = pdf.get_y(), pdf.l_margin
    pdf.image(qr_png(link), x=left, y=top, w=size, h=size, link=link, alt_text=link)
    pdf.set_xy(left + size + 3, top + 1)
    width = pdf.epw - size - 3
    pdf.set_font("DejaVu", "B", 9)
    pdf.multi_cell(width, 4.6, "Hỏi Trợ lý biển đảo: quét mã QR hoặc mở", new_x="LEFT", new_y="NEXT")
    pdf.set_font("DejaVu", size=8.5)
    web = links.web_link(code)
    if link != web:  # Telegram's link (else the QR code holds the web link, written below)
        pdf.multi_cell(width, 4.4, link, link=link, new_x="LEFT", new_y="NEXT")
    pdf.multi_cell(width, 4.4, links.zalo_howto(code), new_x="LEFT", new_y="NEXT")
    pdf.multi_cell(width, 4.4, f"Web: {web}", link=web, new_x="LEFT", new_y="NEXT")
    pdf.set_font("DejaVu", "B", 9)
    pdf.multi_cell(width, 4.6, f"Mã: {code}", new_x="LEFT", new_y="NEXT")
    pdf.set_xy(left, max(pdf.get_y(), top + size) + 2)
