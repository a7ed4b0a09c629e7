// The journal of the chosen tenant, live: the entries so far, then the control plane's
// Server-Sent Events stream, read with fetch so the admin token rides in a header (EventSource
// cannot send one). A click opens the whole exchange, redacted as the journal stores it.
"use strict";

(() => {
  const { el, call, status, guard, headers, tenant, when } = Sandbox;
  const table = document.querySelector("#journal tbody");
  const panel = document.getElementById("exchange");
  const filters = document.getElementById("journal-filters");
  const live = document.getElementById("live");
  const entries = new Map();
  let last = 0;

  function matches(entry) {
    const f = Object.fromEntries(new FormData(filters));
    if (f.api && entry.api !== f.api) return false;
    if (f.operation && entry.operationId !== f.operation) return false;
    if (f.status) {
      const wanted = f.status.trim().toLowerCase();
      const code = String(entry.status);
      if (/^\dxx$/.test(wanted) ? code[0] !== wanted[0] : code !== wanted) return false;
    }
    const time = new Date(entry.time);
    if (f.since && time < new Date(f.since)) return false;
    if (f.until && time > new Date(f.until)) return false;
    return true;
  }

  function row(entry) {
    const target = entry.path + (entry.query.length ? "?" + entry.query.map(([k, v]) => `${k}=${v}`).join("&") : "");
    return el("tr", { id: `exchange-${entry.seq}`, "data-seq": entry.seq, class: `status-${String(entry.status)[0]}xx`, onclick: () => open(entry.seq) },
      el("td", {}, entry.seq), el("td", { title: when(entry.time) }, new Date(entry.time).toLocaleTimeString()), el("td", {}, entry.api), el("td", { class: "operation" }, entry.operationId || ""),
      el("td", { class: "path" }, entry.method, " ", target),
      el("td", { class: "status" }, entry.status, entry.fault ? el("small", { class: "fault" }, ` ${entry.fault}`) : null),
      el("td", {}, entry.durationMs));
  }

  function render() {
    const shown = [...entries.values()].filter(matches).reverse();
    table.replaceChildren(...shown.map(row));
    const operations = new Set([...entries.values()].map((e) => e.operationId).filter(Boolean));
    document.getElementById("operations").replaceChildren(...[...operations].sort().map((o) => el("option", { value: o })));
  }

  function add(entry) {
    entries.set(entry.seq, entry);
    last = Math.max(last, entry.seq);
  }

  function headerTable(pairs) {
    return el("table", { class: "headers" }, el("tbody", {}, pairs.map(([k, v]) => el("tr", {}, el("th", {}, k), el("td", {}, v)))));
  }

  function pretty(body) {
    if (body === null || body === undefined) return "(no body)";
    if (typeof body !== "string") return JSON.stringify(body, null, 2);
    try { return JSON.stringify(JSON.parse(body), null, 2); } catch { return body; }
  }

  function preview(message) {
    const seen = message.preview;
    if (!seen) return null;
    if (seen.zip) {
      return el("div", { class: "zip" }, el("p", {}, `A zip of ${seen.entries} entries`),
        el("table", { class: "zip-entries" }, el("tbody", {}, seen.zip.map((e) => el("tr", {}, el("td", {}, el("code", {}, e.name)), el("td", {}, `${e.size} bytes`))))));
    }
    if (seen.pdf) {
      const bytes = Uint8Array.from(atob(seen.pdf), (c) => c.charCodeAt(0));
      const url = URL.createObjectURL(new Blob([bytes], { type: "application/pdf" }));
      return el("div", { class: "pdf" }, el("iframe", { class: "pdf-preview", src: url, title: "PDF preview" }),
        el("p", {}, el("a", { href: url, download: "exchange.pdf" }, "Download the PDF")));
    }
    return null;
  }

  function message(title, part) {
    return el("section", { class: `message ${title.toLowerCase()}` }, el("h3", {}, title), headerTable(part.headers),
      preview(part), el("pre", { class: "body" }, pretty(part.body)));
  }

  function open(seq) {
    const entry = entries.get(Number(seq));
    if (!entry) return;
    for (const selected of table.querySelectorAll("tr.selected")) selected.classList.remove("selected");
    const line = document.getElementById(`exchange-${seq}`);
    if (line) { line.classList.add("selected"); line.scrollIntoView({ block: "nearest" }); }
    history.replaceState(null, "", `#exchange-${seq}`);
    panel.hidden = false;
    panel.replaceChildren(
      el("h2", {}, `#${entry.seq} ${entry.method} ${entry.path} → ${entry.status}`),
      el("p", {}, `${entry.api} · ${entry.operationId || "no operation"} · ${when(entry.time)} · sandbox clock ${when(entry.clock)} · ${entry.durationMs} ms`,
        entry.fault ? el("strong", { class: "fault" }, ` · fault: ${entry.fault}`) : null,
        entry.ignoredQuery && entry.ignoredQuery.length ? ` · ignored query: ${entry.ignoredQuery.join(", ")}` : null),
      message("Request", entry.request), message("Response", entry.response));
  }

  // Server-Sent Events over fetch: each event's data line is one journal entry.
  async function follow() {
    for (;;) {
      live.textContent = "live";
      live.className = "live on";
      const url = `/__sandbox/journal/stream?tenant=${encodeURIComponent(tenant())}&after=${last}&seconds=30`;
      const response = await fetch(url, { headers: headers({ Accept: "text/event-stream" }) });
      if (!response.ok) throw new Error(`the journal stream answered ${response.status}`);
      const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
      let buffer = "";
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buffer += value;
        let end;
        while ((end = buffer.indexOf("\n\n")) >= 0) {
          const event = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const data = event.split("\n").filter((l) => l.startsWith("data: ")).map((l) => l.slice(6)).join("\n");
          if (data) { add(JSON.parse(data)); render(); }
        }
      }
    }
  }

  async function start() {
    const read = await call("GET", `/journal?tenant=${encodeURIComponent(tenant())}`);
    read.entries.forEach(add);
    render();
    const wanted = location.hash.match(/^#exchange-(\d+)$/);
    if (wanted) open(wanted[1]);
    filters.addEventListener("input", render);
    filters.addEventListener("submit", (event) => event.preventDefault());
    follow().catch((error) => { live.textContent = "stopped"; live.className = "live"; status(error.message, true); });
  }

  Sandbox.ready.then(guard(start));
})();
