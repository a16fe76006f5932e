"""Texts the code sends by itself (not chosen by Rasa's rules). Rule-driven answers are in
domain.yml; knowledge answers in knowledge/kb.yml."""

TRY_AGAIN = "Hệ thống đang bận, bà con thử lại sau ít phút nhé. Nếu đang gặp nguy hiểm, gọi ngay 112."

SENDING_PUBLICATION = "Gửi bà con tài liệu: {title}."

WHICH_PUBLICATION = "Bà con muốn nhận tài liệu nào? Bấm vào tên tài liệu:"

# ---- gateways (Telegram, Zalo): welcome, consent, personal data -----------------------------------

WELCOME = (
    "Chào bà con! Tôi là Trợ lý biển đảo. Tôi trả lời về luật biển, luật thủy sản, an toàn trên biển và "
    "chính sách hỗ trợ ngư dân (mỗi câu trả lời có ghi nguồn văn bản), gửi tài liệu khi bà con cần, và gửi "
    "tin cảnh báo bão, tin pháp luật cho người đăng ký. Cứ gõ câu hỏi, có dấu hay không dấu đều được. "
    "Khẩn cấp trên biển: gọi ngay 112."
)

# Shown before consent and stored with it: purpose, what is kept, the person's rights (Law 91/2025/QH15).
CONSENT = (
    "Bà con có muốn nhận tin (cảnh báo bão, cấm biển, pháp luật, chính sách hỗ trợ) không?\n"
    "Để gửi tin, chúng tôi lưu: mã tài khoản {channel} của bà con, tên hiển thị, khu vực và chủ đề bà con "
    "chọn, thời điểm đồng ý. Nếu bà con cho biết tàu dài bao nhiêu mét, chúng tôi lưu cả chiều dài tàu để trả "
    "lời đúng cỡ tàu mà không hỏi lại. Dữ liệu chỉ dùng để gửi tin và trả lời bà con, trong chương trình "
    "thông tin, tuyên truyền biển đảo (cơ quan thông tin, truyền thông của tỉnh và Bộ đội Biên phòng tỉnh), "
    "không chia sẻ cho ai khác. "
    "Bà con xem dữ liệu bằng /dulieu, ngừng nhận tin bằng /stop, xóa dữ liệu bằng /xoadulieu, bất cứ lúc nào."
)
CONSENT_YES = "Đồng ý nhận tin"
CONSENT_NO = "Không, chỉ hỏi đáp"
NO_CONSENT = "Dạ, tôi sẽ không gửi tin. Bà con vẫn hỏi đáp và xin tài liệu bình thường. Đổi ý thì gõ /start."
ASK_AREA = "Bà con ở xã, phường hay đặc khu nào? Bấm chọn bên dưới, hoặc gõ tên (tên cũ cũng được, ví dụ: Phổ Thạnh)."
ASK_AREA_TYPED = "Bà con gõ tên xã, phường hay đặc khu nơi mình ở (tên cũ cũng được, ví dụ: Phổ Thạnh, Bình Châu)."
OTHER_AREA = "Nơi khác"
ASK_TOPICS = 'Bà con muốn nhận tin về chủ đề nào? Bấm để chọn hoặc bỏ chọn, xong thì bấm "Xong".'
TOPICS_DONE = "Xong"
SUBSCRIBED = "Đã đăng ký nhận tin. Khu vực: {area}. Chủ đề: {topics}. Ngừng nhận tin: gõ /stop."
NO_TOPIC_CHOSEN = 'Bà con chưa chọn chủ đề nào. Bấm ít nhất một chủ đề rồi bấm "Xong".'
UNSUBSCRIBED = "Đã ngừng gửi tin cho bà con. Bà con vẫn hỏi đáp bình thường. Muốn nhận tin lại, gõ /start."
NOT_SUBSCRIBED = "Bà con chưa đăng ký nhận tin. Muốn nhận tin, gõ /start."
RESUBSCRIBE = "Đăng ký lại"

MY_DATA = (
    "Dữ liệu chúng tôi lưu về bà con:\n"
    "- Kênh: {channel}, mã tài khoản: {user_id}\n"
    "- Tên hiển thị: {name}\n"
    "- Nhận tin: {status}\n"
    "- Khu vực: {area}\n"
    "- Chiều dài tàu: {vessel_length}\n"
    "- Chủ đề: {topics}\n"
    "- Đồng ý nhận tin lúc: {consent_at}\n"
    "- Nội dung đã đồng ý: {consent_text}\n"
    "- Rút lại đồng ý lúc: {withdrawn_at}\n"
    "- Lần đầu nhắn: {created_at}; lần cuối: {last_seen_at}\n"
    "- Số tài liệu đã nhận: {publications}\n"
    "- Số câu hỏi lưu trong lịch sử hỏi đáp: {messages}\n"
    "- Câu hỏi đã gửi cán bộ biên phòng: {tickets}\n"
    "- Số cuộc thi đã tham gia: {quizzes}\n"
    "Xóa toàn bộ dữ liệu: gõ /xoadulieu."
)
STATUS_NAMES = {
    "pending": "chưa đăng ký",
    "active": "đang nhận tin",
    "unsubscribed": "đã ngừng nhận tin",
    "blocked": "đã chặn bot",
}
CONFIRM_DELETE = (
    "Bà con chắc chắn muốn xóa toàn bộ dữ liệu của mình (đăng ký nhận tin, mã tài khoản, lịch sử hỏi đáp, "
    "câu hỏi đã gửi cán bộ, tên trong các cuộc thi)? "
    "Không thể khôi phục. Số liệu thống kê chung (không gắn với bà con) vẫn được giữ."
)
DELETE_YES = "Xóa dữ liệu"
DELETE_NO = "Không xóa"
DELETED = "Đã xóa toàn bộ dữ liệu của bà con. Cảm ơn bà con đã dùng Trợ lý biển đảo."
NOT_DELETED = "Dạ, dữ liệu vẫn giữ nguyên."

NOT_UNDERSTOOD_KIND = (
    "Tôi chỉ đọc được tin nhắn chữ. Bà con gõ câu hỏi bằng chữ nhé (có dấu hay không dấu đều được). "
    "Khẩn cấp: gọi ngay 112."
)
LOCATION_RECEIVED = "Cảm ơn bà con đã gửi vị trí. Tôi chưa đọc được vị trí; bà con chọn khu vực bên dưới nhé."
UNKNOWN_COMMAND = (
    "Tôi không hiểu lệnh này. Các lệnh: /start, /help, /tailieu, /lienhe, /hoicanbo, /thi, /dulieu, /xoadulieu, /stop."
)
TOO_FAST = "Bà con gửi nhanh quá, chờ một chút rồi gửi tiếp nhé."

OFFICERS_ONLY = "Xin lỗi, lệnh này chỉ dành cho cán bộ được cấp quyền gửi tin."

# ---- questions passed on to officers (bot/tickets/) ------------------------------------------------

# Shown once, before a person's first question is passed on, and stored with the ticket.
TICKET_CONSENT = (
    "Bà con có muốn gửi câu hỏi cho cán bộ biên phòng phụ trách {area} không? "
    "Cán bộ sẽ thấy: câu hỏi, tên hiển thị {channel} và khu vực của bà con; cán bộ trả lời ngay trong cuộc trò "
    "chuyện này. Bà con xem câu hỏi đã gửi bằng /dulieu, xóa bằng /xoadulieu."
)
TICKET_OFFER = "Bà con có muốn gửi câu hỏi này cho cán bộ biên phòng phụ trách {area} không?"
TICKET_WHICH_AREA = " Bà con ở đâu? Bấm khu vực để gửi."
TICKET_SEND = "Gửi cán bộ"
TICKET_SEND_ANY_AREA = "Nơi khác, không rõ"
TICKET_DONT_SEND = "Không gửi"
TICKET_ASK_QUESTION = (
    "Bà con gõ câu hỏi muốn gửi cán bộ biên phòng (một tin nhắn, ghi rõ tàu, nơi, việc gì). "
    "Việc khẩn cấp trên biển: gọi ngay 112, đừng chờ trả lời."
)
TICKET_SENT = (
    "Đã gửi câu hỏi số {id} tới cán bộ biên phòng phụ trách {area}. Khi cán bộ trả lời, tin nhắn sẽ đến ngay "
    "đây. Việc gấp: gọi đồn biên phòng gần nhất hoặc 112."
)
TICKET_NOT_SENT = "Dạ, tôi không gửi. Bà con cứ hỏi câu khác, hoặc gọi đồn biên phòng gần nhất."
TICKET_NO_DRAFT = "Câu hỏi này đã hết hạn gửi. Bà con gõ /hoicanbo rồi gõ lại câu hỏi nhé."
TICKET_ALL_AREAS = "khu vực của bà con"
TICKET_ONLY_CHAT = "Bà con nhắn qua Zalo hoặc Telegram của Trợ lý biển đảo để gửi câu hỏi cho cán bộ biên phòng."
# The answer, to the person: marked as coming from the border post.
TICKET_ANSWER = (
    "Trả lời của {post} cho câu hỏi số {id} của bà con (“{question}”):\n\n{answer}\n\nHỏi thêm cán bộ: /hoicanbo"
)
BORDER_GUARD = "Bộ đội Biên phòng tỉnh Quảng Ngãi"
TICKET_LIST_ITEM = "số {id} ({status}, {opened})"
TICKET_STATUS_NAMES = {
    "open": "đang chờ cán bộ",
    "taken": "cán bộ đang trả lời",
    "waiting": "đã trả lời, chờ gửi",
    "answered": "đã trả lời",
    "closed": "đã đóng",
}

# To officers.
TICKET_NOTICE = "Câu hỏi số {id} — {area} — {channel}, {name}, lúc {at}:\n“{question}”\n{how}"
TICKET_HOW_TELEGRAM = "Trả lời: bấm “Nhận trả lời” rồi gõ câu trả lời, hoặc trả lời (Reply) thẳng vào tin này."
TICKET_HOW = "Trả lời: bấm “Nhận trả lời” rồi gõ câu trả lời, hoặc gõ /traloi {id} <câu trả lời>."
TICKET_TAKE = "Nhận trả lời"
TICKET_TAKEN_BY_YOU = (
    "Đồng chí nhận câu hỏi số {id}. Gõ câu trả lời (một tin nhắn chữ) để gửi cho bà con; gõ /huy để thôi."
)
TICKET_TAKEN_NOTICE = "Câu hỏi số {id} đã có {who} nhận trả lời."
TICKET_ANSWERED_NOTICE = "Câu hỏi số {id} đã được {who} trả lời."
TICKET_ANSWER_SENT = "Đã gửi câu trả lời cho câu hỏi số {id}."
TICKET_ANSWER_WAITING = (
    "Câu trả lời cho câu hỏi số {id} chưa gửi được: người hỏi đã quá khung nhắn tin miễn phí của Zalo. "
    "Câu trả lời sẽ tự gửi khi họ nhắn lại."
)
TICKET_ANSWER_DELIVERED_LATER = "Câu trả lời cho câu hỏi số {id} đã đến người hỏi."
TICKET_ALREADY_TAKEN = "Câu hỏi số {id} đã có {who} nhận lúc {at}."
TICKET_ALREADY_ANSWERED = "Câu hỏi số {id} đã được {who} trả lời lúc {at}."
TICKET_ALREADY_CLOSED = "Câu hỏi số {id} đã đóng."
TICKET_ANSWER_NOT_SENT = " Câu trả lời của đồng chí không được gửi."
TICKET_NOT_YOUR_AREA = "Câu hỏi số {id} không thuộc khu vực của đồng chí."
TICKET_UNKNOWN = "Không có câu hỏi số {id}."
TICKET_EMPTY_ANSWER = "Câu trả lời phải là chữ và không để trống. Đồng chí gõ lại câu trả lời nhé."
TICKET_ANSWER_TEXT_ONLY = (
    "Câu trả lời chỉ gửi được bằng chữ (không gửi ảnh, tệp, nhãn dán). Đồng chí gõ lại bằng chữ nhé."
)
TICKET_OLD_REPLY = (
    "Tin đồng chí trả lời không phải một câu hỏi đang chờ. Để trả lời, bấm “Nhận trả lời” dưới câu hỏi, "
    "hoặc gõ /traloi <số> <câu trả lời>."
)
TICKET_CANCELLED = "Đã thôi trả lời câu hỏi số {id}; câu hỏi trở lại chờ cán bộ khác."
TICKET_NOTHING_TO_CANCEL = "Đồng chí không đang trả lời câu hỏi nào."
TICKET_ANSWER_USAGE = (
    "Cách dùng: /traloi <số câu hỏi> <câu trả lời>, ví dụ: /traloi 12 Bà con mang giấy tờ tàu đến đồn."
)

# ---- quizzes: contests for residents, training sets for officers (bot/quizzes/desk.py) --------------------

QUIZ_NONE = (
    "Hiện chưa có cuộc thi nào đang mở. Khi có cuộc thi mới, người đăng ký nhận tin (/start) sẽ được báo. "
    "Bà con vẫn hỏi đáp bình thường."
)
QUIZ_CHOOSE = "Đang mở {count} cuộc thi. Bà con bấm chọn một cuộc thi:"
QUIZ_TRAINING_LABEL = "Tập huấn: {title}"
QUIZ_INTRO = (
    "Cuộc thi “{title}”: {questions} câu hỏi, mở đến {end} (giờ Việt Nam).\n"
    "Mỗi người thi một lần. Sau mỗi câu, bà con xem ngay đáp án đúng và nguồn văn bản. "
    "Đang thi mà bận thì cứ để đó, gõ /thi để làm tiếp."
)
QUIZ_INTRO_TRAINING = (
    "Bộ câu hỏi tập huấn “{title}” (dành cho cán bộ): {questions} câu, mở đến {end} (giờ Việt Nam).\n"
    "Mỗi đồng chí làm một lần. Sau mỗi câu có đáp án đúng và nguồn văn bản. Kết quả ghi vào sổ tập huấn."
)
QUIZ_START = "Bắt đầu"
QUIZ_RESUME = "Bà con đang làm dở “{title}”. Làm tiếp câu đang chờ:"
QUIZ_QUESTION = "Câu {n}/{total}: {prompt}\n{options}"
QUIZ_RIGHT = "Đúng rồi!"
QUIZ_WRONG = "Chưa đúng."
QUIZ_FEEDBACK = "{verdict} Đáp án đúng: {letter}. {option}\n{explanation}\nNguồn: {source}"
QUIZ_DONE = "Bà con đã làm xong “{title}”: đúng {score}/{total} câu, trong {duration}. Cảm ơn bà con đã tham gia!"
QUIZ_DONE_TRAINING = (
    "Đồng chí đã làm xong “{title}”: đúng {score}/{total} câu, trong {duration}. Kết quả đã ghi vào sổ tập huấn{post}."
)
QUIZ_ASK_NAME = (
    "Bà con có đồng ý hiện tên “{name}” trên bảng xếp hạng của cuộc thi không? "
    "Nếu không, bảng xếp hạng ghi “(ẩn danh)”."
)
QUIZ_NAME_YES = "Đồng ý hiện tên"
QUIZ_NAME_NO = "Không, để ẩn danh"
QUIZ_NAME_SHOWN = "Dạ, tên bà con sẽ hiện trên bảng xếp hạng."
QUIZ_NAME_HIDDEN = "Dạ, bảng xếp hạng sẽ ghi bà con là “(ẩn danh)”."
QUIZ_FINISHED_BEFORE = "Bà con đã thi “{title}” rồi: đúng {score}/{total} câu. Mỗi người chỉ thi một lần."
QUIZ_LATE = "Cuộc thi “{title}” đã kết thúc lúc {end}, nên câu trả lời này không được tính. Cảm ơn bà con!"
QUIZ_LATE_SCORE = " Trước đó bà con đúng {score}/{answered} câu."
QUIZ_ALREADY_ANSWERED = "Câu đó bà con đã trả lời rồi. Câu đang chờ:"
QUIZ_CLOSED = "Cuộc thi này không còn mở. Gõ /thi để xem cuộc thi đang mở."
QUIZ_NOT_YOURS = "Nút này thuộc lượt thi của người khác. Bà con gõ /thi để tự thi nhé."
QUIZ_OLD_BUTTON = "Nút này không còn dùng được. Bà con gõ /thi để xem cuộc thi đang mở."
