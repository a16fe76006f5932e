"""Texts the code sends by itself (not chosen by Rasa's rules). Rule-driven answers are in
domain.yml; knowledge answers in knowledge/kb.yml."""

DID_YOU_MEAN = "Ý bà con muốn hỏi điều nào dưới đây?"

DONT_KNOW = (
    "Xin lỗi, tôi chưa có câu trả lời chắc chắn cho câu hỏi này. Bà con hỏi đồn biên phòng gần nhất "
    "(số đường dây nóng in trên móc khóa, bảng niêm yết của đồn) hoặc cơ quan thủy sản của tỉnh. "
    "Nếu đang gặp nguy hiểm, gọi ngay 112."
)

TRY_AGAIN = "Hệ thống đang bận, bà con thử lại sau ít phút nhé. Nếu đang gặp nguy hiểm, gọi ngay 112."
