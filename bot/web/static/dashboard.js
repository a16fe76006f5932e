// Draws the time series of the overview page from the JSON the server put in the page.
const data = JSON.parse(document.getElementById("series-data").textContent);
const outcomes = JSON.parse(document.getElementById("outcome-labels").textContent);
const colours = { answered: "#264653", choices: "#e9c46a", declined: "#8d99ae", not_understood: "#e76f51" };
new Chart(document.getElementById("series"), {
  type: "line",
  data: {
    labels: data.map((row) => row.period),
    datasets: [
      { label: "Tin nhắn đến", data: data.map((row) => row.messages_in), borderColor: "#0b4f6c" },
      { label: "Người", data: data.map((row) => row.users), borderColor: "#2a9d8f" },
      ...Object.entries(outcomes).map(([key, label]) => (
        { label, data: data.map((row) => row[key]), borderColor: colours[key] }
      )),
    ],
  },
  options: { animation: false, scales: { y: { beginAtZero: true, ticks: { precision: 0 } } } },
});
