// Web chat: sends the question to /api/chat and shows the replies. Text is always inserted with
// textContent (never innerHTML), so nothing a user or the bot writes can run as script.
const log = document.getElementById("log");
const form = document.getElementById("ask");
const input = document.getElementById("text");

function show(text, who) {
  const div = document.createElement("div");
  div.className = "msg " + who;
  div.textContent = text;
  log.appendChild(div);
  log.scrollTop = log.scrollHeight;
  return div;
}

function showReply(reply) {
  const div = show(reply.text || "", "bot");
  if (reply.buttons && reply.buttons.length) {
    const row = document.createElement("div");
    row.className = "buttons";
    for (const button of reply.buttons) {
      const b = document.createElement("button");
      b.type = "button";
      b.textContent = button.title;
      b.addEventListener("click", () => send(button.payload, button.title));
      row.appendChild(b);
    }
    div.appendChild(row);
  }
  if (reply.custom && reply.custom.document) {
    const a = document.createElement("a");
    a.href = reply.custom.document.url;
    a.textContent = "Tải về: " + reply.custom.document.title;
    a.setAttribute("download", "");
    div.appendChild(document.createElement("br"));
    div.appendChild(a);
  }
}

async function send(message, shown) {
  show(shown || message, "user");
  try {
    const response = await fetch("/api/chat", {
      method: "POST",
      headers: {"Content-Type": "application/json"},
      body: JSON.stringify({message}),
    });
    const data = await response.json();
    for (const reply of data.replies || []) showReply(reply);
  } catch (error) {
    show("Không kết nối được. Bà con thử lại sau nhé. Khẩn cấp: gọi 112.", "bot");
  }
}

form.addEventListener("submit", (event) => {
  event.preventDefault();
  const message = input.value;
  input.value = "";
  send(message);
});
