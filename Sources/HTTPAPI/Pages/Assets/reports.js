// The reports: a day's, week's or month's work per agent as bars and a table, the total, and the
// trend over the last eight weeks. What the user may see only (an agent herself, a supervisor the team).
"use strict";
(async () => {
  const { t, el, api } = CD;
  await CD.header("reports");
  const bell = CD.notices();
  // The server's day is the center's: without a date the report is today's there.
  const columns = [["callsMade", "callsMade"], ["inboundAnswered", "inboundAnswered"], ["talkSeconds", "talk"], ["tasksDue", "tasksDue"],
    ["tasksDone", "tasksDone"], ["tasksOverdue", "overdue"], ["tasksCancelled", "tasksCancelled"], ["leadsUpgraded", "upgraded"],
    ["leadsDowngraded", "downgraded"], ["conversions", "conversions"], ["callbacksInTime", "callbacksInTime"]];

  // Horizontal bars, one per row, scaled to the largest; `value` picks the figure, `label` formats it.
  function bars(box, rows, value, label) {
    const top = Math.max(1, ...rows.map(value));
    box.replaceChildren(...rows.map((row) => el("div", { class: "bar-row", "data-testid": "bar" },
      el("span", { class: "bar-name" }, row.name), el("span", { class: "bar" , style: `width:${Math.round(value(row) / top * 100)}%` }),
      el("span", { class: "bar-value" }, label(row)))));
  }

  async function load() {
    const period = document.getElementById("period").value, date = document.getElementById("date").value.trim();
    const query = `period=${period}` + (date ? `&date=${encodeURIComponent(date)}` : "");
    document.getElementById("csv").href = `/v1/reports?${query}&format=csv`;
    let report;
    try { report = await api(`/v1/reports?${query}`); }
    catch (error) { document.getElementById("range").textContent = error.message; return; }
    const sl = typeof report.inbound.serviceLevel === "number" ? Math.round(report.inbound.serviceLevel * 100) + "%" : "—";
    document.getElementById("range").textContent = `${CD.day(report.from)} – ${CD.day(new Date(new Date(report.to).getTime() - 1000).toISOString())} · `
      + `${t("answered")} ${report.inbound.answered} · ${t("abandoned")} ${report.inbound.abandoned} · ${t("sl")} ${sl}`;
    names = new Map(report.agents.map((a) => [a.userId, a.name]));
    bars(document.getElementById("bars"), report.agents, (r) => r.callsMade + r.inboundAnswered,
      (r) => `${r.callsMade + r.inboundAnswered} ${t("calls")} · ${CD.duration(r.talkSeconds)}`);
    const cell = (row, key) => key === "talkSeconds" ? CD.duration(row[key]) : key === "callbacksInTime" ? `${row.callbacksInTime}/${row.callbacksDue}` : row[key];
    document.getElementById("table").replaceChildren(
      el("thead", {}, el("tr", {}, el("th", {}, t("agents")), columns.map(([, word]) => el("th", {}, t(word))))),
      el("tbody", {}, [...report.agents, ...report.teams.map((r) => ({ ...r, name: `${t("team")} ${r.name}` })), { ...report.total, name: t("total") }]
        .map((row) => el("tr", { "data-testid": "report-row" }, el("td", {}, el("b", {}, row.name)), columns.map(([key]) => el("td", {}, cell(row, key)))))));
  }

  // The last eight weeks, oldest first: calls handled and the service level each week. Each week is
  // named by a day in it, counted back from this week's start as the server has it (noon, so the date holds in any zone).
  async function trend() {
    const weeks = [], current = await api("/v1/reports?period=week");
    const noon = new Date(current.from).getTime() + 12 * 3600000;
    for (let back = 7; back >= 0; back--) {
      const day = new Date(noon - back * 7 * 86400000).toISOString().slice(0, 10);
      const report = back === 0 ? current : await api(`/v1/reports?period=week&date=${day}`);
      weeks.push({ name: CD.day(report.from).slice(5), calls: report.total.callsMade + report.total.inboundAnswered, sl: report.inbound.serviceLevel });
    }
    bars(document.getElementById("trend"), weeks, (w) => w.calls,
      (w) => `${w.calls} ${t("calls")}` + (typeof w.sl === "number" ? ` · ${t("sl")} ${Math.round(w.sl * 100)}%` : ""));
  }

  // The call log of one day (today by default), newest first, a page at a time, each recording playable.
  let names = new Map(), cursor = null;
  async function loadCalls(more) {
    const typed = document.getElementById("log-day").value.trim();
    const day = typed || CD.day(new Date().toISOString());
    const next = new Date(new Date(day + "T12:00:00Z").getTime() + 86400000).toISOString().slice(0, 10);
    let page;
    try { page = await api(`/v1/calls?limit=20&from=${day}&to=${next}` + (more && cursor ? `&cursor=${encodeURIComponent(cursor)}` : "")); }
    catch (error) { document.getElementById("calls").replaceChildren(el("li", { class: "error" }, error.message)); return; }
    cursor = page.nextCursor || null;
    document.getElementById("more").hidden = !cursor;
    const rows = CD.callRows(page.items, (id) => names.get(id) || "");
    if (more) document.getElementById("calls").append(...rows);
    else document.getElementById("calls").replaceChildren(...(rows.length ? rows : [el("li", { class: "muted" }, t("none"))]));
  }
  document.getElementById("log-day").addEventListener("change", () => loadCalls(false));
  document.getElementById("more").addEventListener("click", () => loadCalls(true));

  document.getElementById("period").addEventListener("change", load);
  document.getElementById("date").addEventListener("change", load);
  document.addEventListener("calldesk:lang", () => { load(); loadCalls(false); trend(); });
  CD.live((message) => { if (message.event === "notification") bell.arrived(message); });
  await load();
  await loadCalls(false);
  await trend();
})();
