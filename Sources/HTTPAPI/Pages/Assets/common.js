// CallDesk pages: what every page shares. Plain JavaScript, no build step, no CDN.
"use strict";
const CD = (() => {
  const words = {
    zh: { login: "登录", name: "用户名", password: "密码", wrong: "用户名或密码错误", tooMany: "尝试次数过多，请稍后再试", logout: "退出",
          console: "坐席工作台", wallboard: "监控大屏", lang: "English", waiting: "等待中", longest: "最长等待", answered: "已接", abandoned: "放弃",
          sl: "服务水平", asa: "平均应答", aht: "平均通话", agents: "坐席", state: "状态", since: "持续", queue: "队列", calls: "通话", talk: "通话时长",
          logged_out: "未登录", available: "空闲", ringing: "振铃", on_call: "通话中", wrap_up: "话后处理", paused: "暂停",
          pause: "暂停", resume: "恢复", reason: "原因", noCall: "暂无来电", newCaller: "新客户", owner: "负责人", vehicles: "车辆", policy: "保险到期",
          lastContacts: "最近联系", openTasks: "待办", result: "通话结果", outcome: "结果", note: "备注", newGrade: "新等级", keep: "不变",
          followUp: "下次跟进", save: "保存", saved: "已保存", tasks: "今日及逾期任务", search: "客户搜索", searchHint: "姓名或电话",
          dial: "拨打", dialing: "正在呼叫…", overdue: "逾期", due: "到期", none: "无", callerLine: "排队来电", formula: "公式",
          abandonedToday: "今日放弃来电", calledBack: "已回拨", notCalledBack: "未回拨", connecting: "连接中…", offline: "连接已断开，正在重连…",
          interested: "有意向", follow: "需跟进", notInterested: "无意向", noAnswer: "未接通", wrongNumber: "号码错误", keys: "快捷键",
          follow_up: "跟进", callback: "回拨", complaint: "投诉",
          recentCalls: "我的最近通话", todayCalls: "今日通话", play: "播放", recordingMissing: "录音文件不在录音目录中（可能已移动或删除），请联系管理员",
          recordingFailed: "录音无法播放", live: "通话中", no_answer: "未接听", busy: "忙线", rejected: "拒接", invalid_number: "空号",
          network_failure: "网络故障", voicemail: "语音信箱", failed: "失败",
          reports: "报表", callLog: "通话记录", more: "更多", todayHint: "今天（YYYY-MM-DD）", period: "周期", day: "日", week: "周", month: "月", date: "日期", csv: "导出 CSV", perAgent: "各坐席", table: "明细",
          trend: "近 8 周趋势", callsMade: "外呼", inboundAnswered: "接听", tasksDue: "到期任务", tasksDone: "完成", tasksCancelled: "取消",
          upgraded: "升级", downgraded: "降级", conversions: "成交", callbacksInTime: "按时回拨", team: "团队", total: "合计",
          notices: "通知", noNotices: "暂无通知", markRead: "已读", cancelAsk: "申请取消", cancelSend: "提交申请", cancelPending: "已提交，待主管审批",
          number_unreachable: "号码无法接通", do_not_call: "客户要求勿扰", duplicate: "重复任务", no_longer_needed: "已无需跟进",
          approvals: "待审批", approve: "批准", reject: "驳回", task_cancel: "取消任务", lead_lost: "战败关闭",
          pool: "公海客户", inPool: "公海", claim: "认领", claimed: "已认领，已归入我的客户", pooledSince: "入池", lastOwner: "原负责人", marketing: "营销池",
          pauseTime: "暂停时长", slFormula: "阈值内接通 ÷ (接通 + 超过阈值后放弃)；短于短放弃时间的放弃不计", threshold: "阈值", shortAbandon: "短放弃" },
    en: { login: "Sign in", name: "User name", password: "Password", wrong: "Wrong name or password", tooMany: "Too many tries; wait a moment", logout: "Sign out",
          console: "Agent console", wallboard: "Wallboard", lang: "中文", waiting: "Waiting", longest: "Longest wait", answered: "Answered", abandoned: "Abandoned",
          sl: "Service level", asa: "Avg answer", aht: "Avg talk", agents: "Agents", state: "State", since: "For", queue: "Queue", calls: "Calls", talk: "Talk",
          logged_out: "Logged out", available: "Available", ringing: "Ringing", on_call: "On a call", wrap_up: "Wrap-up", paused: "Paused",
          pause: "Pause", resume: "Resume", reason: "Reason", noCall: "No call", newCaller: "New caller", owner: "Owner", vehicles: "Vehicles", policy: "Policy expires",
          lastContacts: "Last contacts", openTasks: "Open tasks", result: "Call result", outcome: "Outcome", note: "Note", newGrade: "New grade", keep: "Unchanged",
          followUp: "Next follow-up", save: "Save", saved: "Saved", tasks: "Today's and overdue tasks", search: "Customer search", searchHint: "Name or phone",
          dial: "Dial", dialing: "Calling…", overdue: "overdue", due: "due", none: "None", callerLine: "Callers in line", formula: "Formula",
          abandonedToday: "Abandoned today", calledBack: "called back", notCalledBack: "not called back", connecting: "Connecting…", offline: "Disconnected; reconnecting…",
          interested: "Interested", follow: "Follow up", notInterested: "Not interested", noAnswer: "No answer", wrongNumber: "Wrong number", keys: "Keys",
          follow_up: "Follow-up", callback: "Callback", complaint: "Complaint",
          recentCalls: "My recent calls", todayCalls: "Today's calls", play: "Play", recordingMissing: "The recording's file is not in the recordings directory (moved or deleted); ask an admin",
          recordingFailed: "The recording cannot be played", live: "Live", no_answer: "No answer", busy: "Busy", rejected: "Rejected", invalid_number: "Invalid number",
          network_failure: "Network failure", voicemail: "Voicemail", failed: "Failed",
          reports: "Reports", callLog: "Call log", more: "More", todayHint: "Today (YYYY-MM-DD)", period: "Period", day: "Day", week: "Week", month: "Month", date: "Date", csv: "Export CSV", perAgent: "Per agent", table: "Details",
          trend: "Last 8 weeks", callsMade: "Made", inboundAnswered: "Answered", tasksDue: "Tasks due", tasksDone: "Done", tasksCancelled: "Cancelled",
          upgraded: "Upgraded", downgraded: "Downgraded", conversions: "Won", callbacksInTime: "Callbacks in time", team: "Team", total: "Total",
          notices: "Notifications", noNotices: "No notifications", markRead: "Read", cancelAsk: "Ask to cancel", cancelSend: "Send request", cancelPending: "Sent; waiting for a manager",
          number_unreachable: "Number unreachable", do_not_call: "Asked not to be called", duplicate: "Duplicate task", no_longer_needed: "No longer needed",
          approvals: "Waiting for approval", approve: "Approve", reject: "Reject", task_cancel: "Cancel task", lead_lost: "Close as lost",
          pool: "Customer pool", inPool: "In the pool", claim: "Claim", claimed: "Claimed: now one of yours", pooledSince: "In pool since", lastOwner: "Last owner", marketing: "Marketing pool",
          pauseTime: "Paused", slFormula: "answered within the threshold ÷ (answered + abandoned after the threshold); abandoned within the short-abandon time left out",
          threshold: "threshold", shortAbandon: "short abandon" },
  };
  let lang = localStorage.getItem("calldesk.lang") === "en" ? "en" : "zh";
  let zone = "Asia/Shanghai";
  const t = (key) => (words[lang] && words[lang][key]) || key;
  const el = (tag, attrs = {}, ...children) => {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(attrs)) {
      if (value === undefined || value === null || value === false) continue;
      if (key === "class") node.className = value; else if (key.startsWith("on")) node.addEventListener(key.slice(2), value); else node.setAttribute(key, value);
    }
    for (const child of children.flat()) if (child !== null && child !== undefined) node.append(child instanceof Node ? child : String(child));
    return node;
  };
  const translate = () => {
    document.documentElement.lang = lang === "zh" ? "zh-CN" : "en";
    document.querySelectorAll("[data-t]").forEach((node) => { node.textContent = t(node.dataset.t); });
    document.querySelectorAll("[data-t-placeholder]").forEach((node) => { node.placeholder = t(node.dataset.tPlaceholder); });
  };
  // What a page drew itself is drawn again on "calldesk:lang".
  const setLang = (next) => { lang = next; localStorage.setItem("calldesk.lang", next); translate(); document.dispatchEvent(new Event("calldesk:lang")); };
  async function api(path, options = {}) {
    const response = await fetch(path, { method: options.method || "GET", credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CallDesk-CSRF": "1" }, body: options.body ? JSON.stringify(options.body) : undefined });
    if (response.status === 401) { location.href = "/"; throw new Error("signed out"); }
    const text = await response.text();
    const data = text ? JSON.parse(text) : null;
    if (!response.ok) { const error = new Error((data && data.message) || response.statusText); error.status = response.status; error.data = data; throw error; }
    return data;
  }
  function live(onMessage, onStatus) {
    let delay = 500;
    const open = () => {
      const socket = new WebSocket((location.protocol === "https:" ? "wss://" : "ws://") + location.host + "/v1/live");
      onStatus && onStatus("connecting");
      socket.onopen = () => { delay = 500; onStatus && onStatus("open"); };
      socket.onmessage = (event) => { const message = JSON.parse(event.data); if (message.event === "hello" && message.timeZone) zone = message.timeZone; onMessage(message); };
      socket.onclose = () => { onStatus && onStatus("closed"); setTimeout(open, delay); delay = Math.min(delay * 2, 10000); };
    };
    open();
  }
  const time = (iso) => iso ? new Intl.DateTimeFormat(lang === "zh" ? "zh-CN" : "en-GB", { timeZone: zone, hour: "2-digit", minute: "2-digit" }).format(new Date(iso)) : "";
  const day = (iso) => iso ? new Intl.DateTimeFormat("sv-SE", { timeZone: zone }).format(new Date(iso)) : "";
  const duration = (seconds) => { seconds = Math.max(0, Math.floor(seconds)); const m = Math.floor(seconds / 60), s = seconds % 60;
    return m >= 60 ? `${Math.floor(m / 60)}:${String(m % 60).padStart(2, "0")}:${String(s).padStart(2, "0")}` : `${m}:${String(s).padStart(2, "0")}`; };
  const since = (iso) => iso ? (Date.now() - new Date(iso).getTime()) / 1000 : 0;
  // Rows of a call log, newest first, each recorded call with a player; `nameOf` names an agent by id.
  function callRows(calls, nameOf = () => "") {
    return calls.map((c) => el("li", { "data-testid": "call", "data-call": c.id },
      `${time(c.ringAt)} ${c.direction === "inbound" ? "↙" : c.direction === "outbound" ? "↗" : "↔"} `,
      el("b", {}, (c.direction === "inbound" ? c.caller : c.callee) || ""), " ",
      el("span", { class: "muted" }, [nameOf(c.agentId), c.queue, t(c.result || c.status), c.talkTime ? duration(c.talkTime) : ""].filter(Boolean).join(" · ")), " ",
      c.recording ? el("button", { type: "button", "data-testid": "play", onclick: (event) => play(c, event.target.closest("li")) }, "▶ " + t("play")) : null));
  }
  // Plays a call's recording in its row (by range, through the access policy); a file that cannot be played says why.
  function play(call, row) {
    row.querySelectorAll("audio, .player-error").forEach((node) => node.remove());
    const audio = el("audio", { controls: "", preload: "metadata", src: `/v1/calls/${call.id}/recording`, "data-testid": "player" });
    audio.addEventListener("error", async () => {
      let message = t("recordingFailed");
      try {
        const answer = await fetch(audio.src, { headers: { Range: "bytes=0-0" }, credentials: "same-origin" });
        const data = answer.ok ? null : await answer.json();
        if (data) message = data.error === "recording_missing" ? t("recordingMissing") : data.message || message;
      } catch (_) { /* the generic message stays */ }
      audio.replaceWith(el("div", { class: "error player-error", "data-testid": "player-error" }, message));
    });
    row.append(audio);
    audio.play().catch(() => { /* a page without a gesture yet: the controls are there */ });
  }
  // The notifications: a count on the header's button, the list under it, each new one shown at once.
  function notices() {
    const button = document.getElementById("bell"), panel = document.getElementById("notices");
    let items = [];
    const render = () => {
      const unread = items.filter((n) => !n.read).length;
      button.textContent = `${t("notices")} ${unread}`;
      button.classList.toggle("unread", unread > 0);
      panel.replaceChildren(...(items.length ? items.slice(0, 20).map((n) => el("li", { "data-testid": "notice", class: n.read ? "muted" : "" },
        el("span", { class: "muted" }, `${time(n.createdAt)} `), n.message, " ",
        n.read ? null : el("button", { type: "button", onclick: async () => { await api(`/v1/notifications/${n.id}/read`, { method: "POST" }); n.read = true; render(); } }, t("markRead"))))
        : [el("li", { class: "muted" }, t("noNotices"))]));
    };
    button.addEventListener("click", () => { panel.hidden = !panel.hidden; });
    api("/v1/notifications?limit=20").then((page) => { items = page.items; render(); }).catch(() => {});
    document.addEventListener("calldesk:lang", render);
    return { arrived(notice) { items.unshift({ ...notice, read: false }); render(); } };
  }
  async function header(title) {
    const me = await api("/v1/me");
    document.getElementById("who").textContent = me.name;
    document.getElementById("lang").addEventListener("click", () => setLang(lang === "zh" ? "en" : "zh"));
    document.getElementById("logout").addEventListener("click", async () => { await api("/session/logout", { method: "POST" }); location.href = "/"; });
    translate();
    return me;
  }
  return { t, el, api, live, time, day, duration, since, header, translate, setLang, callRows, notices, get lang() { return lang; } };
})();
