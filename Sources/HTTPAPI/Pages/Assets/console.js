// The agent console: the screen-pop, the call timer, the result form, tasks, search, dial, pause.
// Works from the keyboard alone: "/" search, Alt+R result, Alt+P pause reason, Ctrl+Enter saves.
"use strict";
(async () => {
  const { t, el, api } = CD;
  const me = await CD.header("console");
  const bell = CD.notices();
  const callTasks = ["follow_up", "callback"];
  const cancelReasons = ["number_unreachable", "do_not_call", "duplicate", "no_longer_needed"];
  let pop = null, answeredAt = null, endedCall = null, board = null, pauseCodes = [];

  function renderState() {
    const state = document.getElementById("state"), sinceNode = document.getElementById("state-since");
    const name = board ? board.state : "logged_out";
    state.className = "badge state-" + name + (board && board.overLimit ? " over" : "");
    state.textContent = t(name) + (board && board.reason ? " · " + (pauseCodes.find((c) => c.code === board.reason) || { label: board.reason }).label : "");
    sinceNode.textContent = board && board.since ? CD.duration(CD.since(board.since)) : "";
    document.getElementById("pause").textContent = t(name === "paused" ? "resume" : "pause");
  }

  function renderPop() {
    const box = document.getElementById("pop");
    box.replaceChildren();
    box.classList.toggle("pop-ringing", !!pop && pop.event === "ringing");
    if (!pop) { box.append(el("h2", {}, t("noCall")), el("div", { class: "pop-empty" }, t("noCall"))); return; }
    const card = pop.customers[0];
    box.append(el("h2", {}, `${pop.queue || ""} · ${pop.number || ""}`, answeredAt ? el("span", { class: "timer", id: "timer", style: "float:right" }, "0:00") : null));
    if (!card) { box.append(el("div", { class: "card-name", "data-testid": "pop-name" }, t("newCaller")), el("div", { class: "muted" }, pop.number || "")); return; }
    box.append(el("div", { class: "card-name", "data-testid": "pop-name" }, card.name, card.grade ? el("span", { class: "card-grade grade-" + card.grade }, card.grade) : null));
    const policy = (card.policies || []).map((p) => p.expiryDate).sort()[0];
    box.append(el("dl", { class: "facts" },
      el("dt", {}, t("owner")), el("dd", {}, card.ownerName || t("inPool")),
      el("dt", {}, t("vehicles")), el("dd", {}, (card.vehicles || []).map((v) => [v.model, v.plate].filter(Boolean).join(" ")).join("；") || t("none")),
      el("dt", {}, t("policy")), el("dd", {}, policy || t("none")),
      el("dt", {}, t("lastContacts")), el("dd", {}, (card.lastInteractions || []).length ? el("ul", { class: "plain" }, card.lastInteractions.slice(0, 3).map((i) =>
        el("li", {}, `${CD.day(i.occurredAt)} ${t(i.outcome || i.kind)} ${i.note || ""}`))) : t("none")),
      el("dt", {}, t("openTasks")), el("dd", {}, (card.openTasks || []).map((task) => `${t(task.kind)} ${CD.day(task.dueAt)}`).join("；") || t("none"))));
  }

  async function loadTasks() {
    const page = await api("/v1/tasks?due=today");
    const list = document.getElementById("tasks");
    list.replaceChildren(...(page.items.length ? page.items.map((task) => el("li", { "data-testid": "task" },
      el("b", {}, task.customerName || ""), " ", el("span", { class: task.overdue ? "overdue" : "muted" }, `${t(task.kind)} · ${task.overdue ? t("overdue") : t("due")} ${CD.day(task.dueAt)} ${CD.time(task.dueAt)}`),
      task.note ? el("div", { class: "muted" }, task.note) : null,
      task.customerId ? el("button", { type: "button", class: "primary", style: "margin-top:4px", onclick: () => dial(task.customerId, task.id) }, t("dial")) : null,
      callTasks.includes(task.kind) ? el("button", { type: "button", "data-testid": "cancel-ask", style: "margin-left:6px", onclick: (event) => askCancel(task, event.target.closest("li")) }, t("cancelAsk")) : null))
      : [el("li", { class: "muted" }, t("none"))]));
  }

  // A list with a player open (or its explanation) is left alone until it is closed by a new call's pop.
  async function loadCalls() {
    if (document.querySelector("#calls audio, #calls .player-error")) return;
    const page = await api("/v1/calls?limit=8");
    document.getElementById("calls").replaceChildren(...(page.items.length ? CD.callRows(page.items, (id) => (id === me.id ? me.name : ""))
      : [el("li", { class: "muted" }, t("none"))]));
  }

  // The team's pool (公海), longest waiting first: a click claims one (within the daily limit) and it joins the agent's customers.
  async function loadPool() {
    const page = await api("/v1/pool?kind=team&limit=8");
    document.getElementById("pool").replaceChildren(...(page.items.length ? page.items.map((entry) => el("li", { "data-testid": "pool-entry" },
      el("b", {}, entry.customer.name), " ", entry.customer.grade ? el("span", { class: "card-grade grade-" + entry.customer.grade }, entry.customer.grade) : "", " ",
      el("span", { class: "muted" }, `${(entry.customer.phones[0] || {}).number || ""} · ${t("pooledSince")} ${CD.day(entry.pooledAt)}`), " ",
      el("button", { type: "button", class: "primary", "data-testid": "claim", onclick: () => claim(entry.customer) }, t("claim"))))
      : [el("li", { class: "muted" }, t("none"))]));
  }

  async function claim(customer) {
    const status = document.getElementById("pool-status");
    try { await api(`/v1/pool/${customer.id}/claim`, { method: "POST" }); status.className = "ok"; status.textContent = `${customer.name}：${t("claimed")}`; }
    catch (error) { status.className = "error"; status.textContent = error.message; }
    loadPool(); loadTasks();
  }

  // A call task is not ticked off: the agent asks a manager to cancel it, with a reason code.
  function askCancel(task, row) {
    if (row.querySelector("form")) return;
    const reason = el("select", { "aria-label": t("reason"), "data-testid": "cancel-reason" }, cancelReasons.map((code) => el("option", { value: code }, t(code))));
    const status = el("span", { class: "muted", "data-testid": "cancel-status" });
    const form = el("form", { class: "row", style: "margin-top:6px;align-items:center" }, reason, el("button", { type: "submit", class: "primary" }, t("cancelSend")), status);
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      try { await api(`/v1/tasks/${task.id}/cancel`, { method: "POST", body: { reason: reason.value } }); status.className = "ok"; status.textContent = t("cancelPending"); }
      catch (error) { status.className = "error"; status.textContent = error.message; }
    });
    row.append(form);
    reason.focus();
  }

  async function dial(customerId, taskId) {
    try { await api("/v1/dial", { method: "POST", body: taskId ? { customerId, taskId } : { customerId } }); document.getElementById("link").textContent = t("dialing"); }
    catch (error) { document.getElementById("link").textContent = error.message; }
  }

  let searchTimer = null;
  document.getElementById("search").addEventListener("input", (event) => {
    clearTimeout(searchTimer);
    const q = event.target.value.trim();
    searchTimer = setTimeout(async () => {
      const list = document.getElementById("found");
      if (!q) { list.replaceChildren(); return; }
      const page = await api("/v1/customers?limit=10&q=" + encodeURIComponent(q));
      if (!page.items.length) { list.replaceChildren(el("li", { class: "muted" }, t("none"))); return; }
      list.replaceChildren(...page.items.map((c) => el("li", { "data-testid": "found" }, el("b", {}, c.name), " ", c.grade || "", " ",
        el("span", { class: "muted" }, (c.phones[0] || {}).number || ""), " ",
        el("button", { type: "button", class: "primary", onclick: () => dial(c.id) }, t("dial")))));
    }, 250);
  });

  document.getElementById("pause").addEventListener("click", async () => {
    const paused = board && board.state === "paused";
    try { await api(`/v1/agents/${me.id}/pause`, { method: "POST", body: paused ? { paused: false } : { paused: true, reason: document.getElementById("pause-reason").value } }); }
    catch (error) { document.getElementById("link").textContent = error.message; }
  });

  document.getElementById("result").addEventListener("submit", async (event) => {
    event.preventDefault();
    const status = document.getElementById("result-status");
    try {
      // The call log writes the call's end a moment after the pop's "ended": look again a few times.
      let call = null, seen = [];
      for (let attempt = 0; attempt < 6 && !call; attempt++) {
        if (attempt) await new Promise((resolve) => setTimeout(resolve, 500));
        const calls = await api("/v1/calls?limit=20");
        seen = calls.items.map((c) => c.linkedId);
        call = calls.items.find((c) => c.linkedId === endedCall.callId);
      }
      if (!call) throw new Error(`call ${endedCall.callId} is not in your call log (${seen.join(", ")})`);
      const body = { outcome: document.getElementById("outcome").value, note: document.getElementById("note").value };
      const grade = document.getElementById("grade").value, followUp = document.getElementById("follow-up").value;
      if (grade) body.grade = grade;
      if (followUp) body.followUpOn = followUp;
      if (endedCall.customers[0]) body.customerId = endedCall.customers[0].id;
      await api(`/v1/calls/${call.id}/outcome`, { method: "POST", body });
      status.className = "ok"; status.textContent = t("saved");
      document.getElementById("result").reset();
      setTimeout(() => { document.getElementById("result").hidden = true; status.textContent = ""; }, 800);
      loadTasks(); loadCalls();
    } catch (error) { status.className = "error"; status.textContent = error.message; }
  });

  document.addEventListener("keydown", (event) => {
    if (event.key === "/" && !/INPUT|TEXTAREA|SELECT/.test(document.activeElement.tagName)) { event.preventDefault(); document.getElementById("search").focus(); }
    if (event.key === "Enter" && event.ctrlKey && !document.getElementById("result").hidden) document.getElementById("result").requestSubmit();
  });

  CD.live((message) => {
    if (message.event === "notification") { bell.arrived(message); if (message.kind === "approval_decided" || message.kind === "reassigned") loadTasks(); return; }
    if (message.event === "hello") {
      pauseCodes = message.pauseCodes || [];
      document.getElementById("pause-reason").replaceChildren(...pauseCodes.map((code) => el("option", { value: code.code }, code.label)));
    } else if (message.event === "agent") {
      board = message; renderState();
    } else if (message.event === "ringing") {
      pop = message; answeredAt = null; renderPop();
      document.querySelectorAll("#calls audio, #calls .player-error").forEach((node) => node.remove());
    } else if (message.event === "answered" && pop && pop.callId === message.callId) {
      answeredAt = message.answeredBy === me.extension ? Date.now() : null;
      if (!answeredAt) pop = null;
      renderPop();
    } else if ((message.event === "ended" || message.event === "stopped") && pop && pop.callId === message.callId) {
      if (message.event === "ended" && answeredAt) {
        endedCall = pop; const form = document.getElementById("result"); form.hidden = false; document.getElementById("outcome").focus();
      }
      pop = null; answeredAt = null; renderPop(); loadTasks(); setTimeout(loadCalls, 1500);
    }
  }, (status) => { document.getElementById("link").textContent = status === "open" ? "" : t(status === "connecting" ? "connecting" : "offline"); });

  document.addEventListener("calldesk:lang", () => { renderPop(); renderState(); loadTasks(); loadCalls(); loadPool(); document.getElementById("result-status").textContent = ""; });

  setInterval(() => {
    const timer = document.getElementById("timer");
    if (timer && answeredAt) timer.textContent = CD.duration((Date.now() - answeredAt) / 1000);
    renderState();
  }, 1000);
  loadTasks(); loadCalls(); loadPool();
})();
