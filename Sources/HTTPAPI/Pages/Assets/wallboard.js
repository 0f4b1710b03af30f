// The supervisor's wallboard: queues and agents live, coloured when a wait, a pause or the service
// level crosses its threshold; pause and resume an agent from here.
"use strict";
(async () => {
  const { t, el, api } = CD;
  await CD.header("wallboard");
  const bell = CD.notices();
  const queues = new Map(), agents = new Map();
  let pauseCodes = [];
  const slTarget = 0.8;

  function renderQueues() {
    const box = document.getElementById("queues");
    box.replaceChildren(...[...queues.values()].sort((a, b) => a.queue.localeCompare(b.queue)).map((q) => {
      const f = q.figures || {}, threshold = f.thresholdSeconds || 20;
      const longest = q.longestWaitSince ? CD.since(q.longestWaitSince) : 0;
      const sl = typeof f.serviceLevel === "number" ? f.serviceLevel : null;
      return el("div", { class: "panel", "data-testid": "queue-" + q.queue },
        el("h2", {}, `${t("queue")} ${q.queue}`),
        el("div", { class: "tiles" },
          el("div", { class: "tile" + (q.callers.length ? " alert" : ""), "data-testid": "waiting" }, el("b", {}, q.callers.length), t("waiting")),
          el("div", { class: "tile" + (longest > threshold ? " alert" : ""), "data-testid": "longest" }, el("b", {}, CD.duration(longest)), t("longest")),
          el("div", { class: "tile" + (sl === null ? "" : sl < slTarget ? " alert" : " good"), "data-testid": "service-level" },
            el("b", {}, sl === null ? "—" : Math.round(sl * 100) + "%"), t("sl")),
          el("div", { class: "tile", "data-testid": "answered" }, el("b", {}, f.answered || 0), t("answered")),
          el("div", { class: "tile" + ((f.abandoned || 0) > 0 ? " alert" : ""), "data-testid": "abandoned" }, el("b", {}, f.abandoned || 0), t("abandoned")),
          el("div", { class: "tile" }, el("b", {}, typeof f.averageSpeedOfAnswer === "number" ? CD.duration(f.averageSpeedOfAnswer) : "—"), t("asa")),
          el("div", { class: "tile", "data-testid": "aht" }, el("b", {}, typeof f.averageHandleTime === "number" ? CD.duration(f.averageHandleTime) : "—"), t("aht")),
          el("div", { class: "tile", "data-testid": "members" }, el("b", {}, q.members || 0), t("agents"))),
        q.callers.length ? el("div", {}, el("h2", { style: "margin-top:10px" }, t("callerLine")), el("ul", { class: "plain" }, q.callers.map((c) =>
          el("li", { "data-testid": "caller" }, `${c.position}. ${c.name || ""} ${c.number || ""} · `, el("b", {}, CD.duration(CD.since(c.waitingSince))))))) : null,
        (q.abandoned || []).length ? el("div", {}, el("h2", { style: "margin-top:10px" }, t("abandonedToday")), el("ul", { class: "plain" }, q.abandoned.slice(0, 5).map((a) =>
          el("li", {}, `${CD.time(a.at)} ${a.caller || ""} · `, el("span", { class: a.calledBack ? "ok" : "error" }, t(a.calledBack ? "calledBack" : "notCalledBack")))))) : null,
        el("div", { class: "formula" }, `${t("sl")} = ${t("slFormula")} (${t("threshold")} ${threshold} s, ${t("shortAbandon")} ${f.shortAbandonSeconds || 5} s)`));
    }));
  }

  function renderAgents() {
    const body = document.getElementById("agents");
    body.replaceChildren(...[...agents.values()].sort((a, b) => (a.name || "").localeCompare(b.name || "")).map((a) => {
      const code = pauseCodes.find((c) => c.code === a.reason);
      return el("tr", { "data-testid": "agent-" + (a.extension || a.interface) },
        el("td", {}, el("b", {}, a.name || a.interface), " ", el("span", { class: "muted" }, a.extension || "")),
        el("td", {}, el("span", { class: "badge state-" + a.state + (a.overLimit ? " over" : "") }, t(a.state) + (a.reason ? " · " + (code ? code.label : a.reason) : "")),
          a.caller ? el("div", { class: "muted" }, a.caller) : null),
        el("td", { class: a.overLimit ? "error" : "" }, a.since ? CD.duration(CD.since(a.since)) : ""),
        el("td", {}, a.queue || a.queues.join(", ")),
        el("td", {}, a.callsToday), el("td", {}, CD.duration(a.talkSecondsToday)), el("td", {}, CD.duration(a.pauseSecondsToday || 0)),
        el("td", {}, a.userId ? el("button", { type: "button", onclick: () => togglePause(a) }, t(a.state === "paused" ? "resume" : "pause")) : null));
    }));
  }

  // Today's calls of the supervisor's team, to listen to for coaching; a list with a player open is left alone.
  async function loadCalls() {
    const list = document.getElementById("calls");
    if (list.querySelector("audio, .player-error")) return;
    const page = await api("/v1/calls?limit=12&from=" + CD.day(new Date().toISOString()));
    const names = new Map([...agents.values()].filter((a) => a.userId).map((a) => [a.userId, a.name]));
    list.replaceChildren(...(page.items.length ? CD.callRows(page.items, (id) => names.get(id) || "") : [el("li", { class: "muted" }, t("none"))]));
  }

  // Requests that wait for this supervisor: cancelling a call task, closing a lead as lost.
  async function loadApprovals() {
    const page = await api("/v1/approvals?status=pending&limit=20");
    const names = new Map([...agents.values()].filter((a) => a.userId).map((a) => [a.userId, a.name]));
    document.getElementById("approvals").replaceChildren(...(page.items.length ? page.items.map((a) => el("li", { "data-testid": "approval" },
      `${CD.time(a.requestedAt)} `, el("b", {}, names.get(a.requestedBy) || `#${a.requestedBy}`), ` · ${t(a.kind)} #${a.subjectId} · ${t(a.reason.split(":")[0])} `,
      el("button", { type: "button", onclick: () => decide(a, true) }, t("approve")), " ",
      el("button", { type: "button", "data-testid": "reject", onclick: () => decide(a, false) }, t("reject"))))
      : [el("li", { class: "muted" }, t("none"))]));
  }

  async function decide(approval, approve) {
    try { await api(`/v1/approvals/${approval.id}/decision`, { method: "POST", body: { approve } }); }
    catch (error) { document.getElementById("link").textContent = error.message; }
    loadApprovals();
  }

  async function togglePause(agent) {
    const paused = agent.state === "paused";
    try { await api(`/v1/agents/${agent.userId}/pause`, { method: "POST", body: paused ? { paused: false } : { paused: true, reason: (pauseCodes[0] || {}).code } }); }
    catch (error) { document.getElementById("link").textContent = error.message; }
  }

  CD.live((message) => {
    if (message.event === "hello") pauseCodes = message.pauseCodes || [];
    else if (message.event === "notification") { bell.arrived(message); loadApprovals(); }
    else if (message.event === "queue") { queues.set(message.pbx + "/" + message.queue, message); renderQueues(); }
    else if (message.event === "agent") { agents.set(message.pbx + "/" + message.interface, message); renderAgents(); }
  }, (status) => { document.getElementById("link").textContent = status === "open" ? "" : t(status === "connecting" ? "connecting" : "offline"); });

  loadCalls(); loadApprovals();
  setInterval(() => { loadCalls().catch(() => {}); loadApprovals().catch(() => {}); }, 5000);
  document.addEventListener("calldesk:lang", () => { const list = document.getElementById("calls"); list.replaceChildren(); loadCalls(); loadApprovals(); });
  setInterval(() => { document.getElementById("clock").textContent = CD.time(new Date().toISOString()); renderQueues(); renderAgents(); }, 1000);
})();
