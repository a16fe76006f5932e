"""A draft knowledge entry from an answered ticket, for staff to complete in knowledge/kb.yml.

The person's question becomes the entry's first wording. The officer's answer is only a YAML comment: it
was written for one person, not checked against the fact sheet, so ``answer``, ``source``, ``facts`` and the
other wordings say ``TODO`` until staff write them, and ``bot kb check`` refuses the entry until then.
"""

from __future__ import annotations

import yaml

from bot.knowledge.base import MIN_QUESTIONS, TO_FILL, knowledge
from bot.storage.models import Ticket
from bot.tickets.figures import PROVINCE_POST
from bot.tickets.store import area_name
from bot.vietnam_time import shown


def draft_entry(ticket: Ticket) -> str:
    """The snippet to paste under ``entries:`` of knowledge/kb.yml (indented as the entries there are)."""
    entry = {
        "id": f"hoi_can_bo_{ticket.id}",
        "topic": TO_FILL,
        "title": f"{TO_FILL}: tiêu đề ngắn (tối đa 40 chữ)",
        "facts": [f"{TO_FILL}: mã dữ kiện trong shared/knowledge/facts.md"],
        "answer": f"{TO_FILL}: câu trả lời đã kiểm tra với văn bản, câu ngắn, lời dễ hiểu",
        "source": f"{TO_FILL}: số văn bản, điều, khoản",
        "questions": [" ".join(ticket.question.split())]
        + [f"{TO_FILL}: cách hỏi thứ {n} (không dấu, viết tắt, tiếng địa phương)" for n in range(2, MIN_QUESTIONS + 1)],
    }
    who = ticket.answered_by_post or ticket.answered_by_name or PROVINCE_POST
    header = [
        f"Mục nháp từ câu hỏi số {ticket.id} ({area_name(ticket.area)}), trả lời lúc {shown(ticket.answered_at)} "
        f"bởi {who}.",
        f"Chưa dùng được: sửa mọi chỗ {TO_FILL}, rồi chạy `bot kb check`.",
        f"topic là một trong: {', '.join(knowledge().topics)}.",
        "Câu trả lời của cán bộ (chỉ để tham khảo, chưa kiểm chứng, không chép nguyên văn):",
    ]
    answer = [f"  {line}" for line in (ticket.answer or "").splitlines()]
    comment = "".join(f"  # {line}".rstrip() + "\n" for line in header + answer)
    body = yaml.safe_dump([entry], allow_unicode=True, sort_keys=False, width=1000)
    return comment + "".join(f"  {line}\n" for line in body.splitlines())
