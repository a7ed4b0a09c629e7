// The contract report of the chosen tenant; each finding links to its exchanges in the journal.
"use strict";

(() => {
  const { el, call, guard, tenant, when } = Sandbox;
  const table = document.querySelector("#contracts tbody");
  const ORDER = { failed: 0, passed: 1, "not exercised": 2 };

  function findings(check) {
    if (!check.findings.length) return null;
    return el("ul", { class: "findings" }, check.findings.map((finding) => el("li", {}, finding.message, " ",
      finding.exchanges.map((x) => el("a", {
        class: "exchange-link",
        href: `/console/journal?tenant=${encodeURIComponent(tenant())}#exchange-${x.seq}`,
        title: `${x.method} ${x.target} → ${x.status} at ${when(x.time)}`,
      }, `#${x.seq} ${x.method} ${x.target} → ${x.status}`)))));
  }

  async function judge() {
    const report = await call("GET", `/tenants/${encodeURIComponent(tenant())}/contracts`);
    document.getElementById("summary").textContent =
      `${report.failed} failed, ${report.passed} passed, ${report.notExercised} not exercised, over ${report.exchanges} exchanges`;
    const checks = [...report.checks].sort((a, b) => ORDER[a.outcome] - ORDER[b.outcome]);
    table.replaceChildren(...checks.map((check) => el("tr", { "data-check": check.name, class: `outcome ${check.outcome.replace(" ", "-")}` },
      el("td", { class: "outcome" }, check.outcome), el("td", {}, el("code", {}, check.name), el("br"), el("small", {}, check.group)),
      el("td", {}, check.rule), el("td", {}, el("small", {}, check.source)),
      el("td", {}, check.summary, findings(check)))));
  }

  document.getElementById("rerun").addEventListener("click", guard(judge));
  Sandbox.ready.then(guard(judge));
})();
