// Draws the time series of the overview page from the JSON the server put in the page.
const data = JSON.parse(document.getElementById("series-data").textContent);
new Chart(document.getElementById("series"), {
  type: "line",
  data: {
    labels: data.map((row) => row.period),
    datasets: [
      { label: "Tin nhắn đến", data: data.map((row) => row.messages_in), borderColor: "#0b4f6c" },
      { label: "Người", data: data.map((row) => row.users), borderColor: "#2a9d8f" },
      { label: "Chưa trả lời được", data: data.map((row) => row.fallbacks), borderColor: "#e76f51" },
    ],
  },
  options: { animation: false, scales: { y: { beginAtZero: true, ticks: { precision: 0 } } } },
});
