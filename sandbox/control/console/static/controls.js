// The chosen tenant's clock, rate limits, faults and the APIs' sandbox actions, each action with a
// form generated from its JSON schema.
"use strict";

(() => {
  const { el, call, status, guard, tenant, when, instant } = Sandbox;
  const base = () => `/tenants/${encodeURIComponent(tenant())}`;
  const journaled = JSON.parse(document.getElementById("journaled-apis").textContent);

  function showClock(clock) {
    document.querySelector("#clock .now").textContent = when(clock.now);
    document.querySelector("#clock .now").dataset.iso = clock.now;
    document.querySelector("#clock .frozen").textContent = clock.frozen ? "(frozen)" : "(running)";
  }

  async function setClock(change) {
    showClock(await call("PUT", base() + "/clock", change));
    status("Clock changed.");
  }

  function wireClock() {
    document.getElementById("clock-set").addEventListener("submit", guard(async (event) => {
      event.preventDefault();
      const form = new FormData(event.target);
      await setClock({ now: instant(form.get("now")), frozen: form.get("frozen") === "on" });
    }));
    document.getElementById("clock-advance").addEventListener("submit", guard(async (event) => {
      event.preventDefault();
      await setClock({ advanceSeconds: Number(new FormData(event.target).get("seconds")) });
    }));
    document.getElementById("clock-freeze").addEventListener("click", guard(() => setClock({ frozen: true })));
    document.getElementById("clock-release").addEventListener("click", guard(() => setClock({ frozen: false })));
    document.getElementById("clock-reset").addEventListener("click", guard(async () => {
      showClock(await call("DELETE", base() + "/clock"));
      status("Clock back to real time.");
    }));
  }

  async function showLimits() {
    const limits = await call("GET", base() + "/rate-limits");
    document.querySelector("#rate-limits tbody").replaceChildren(...Object.entries(limits).map(([api, limit]) => {
      const requests = el("input", { type: "number", min: 1, value: limit.requests, name: "requests" });
      const windowSeconds = el("input", { type: "number", min: 1, value: limit.window, name: "window" });
      return el("tr", { "data-api": api }, el("td", {}, api), el("td", {}, requests), el("td", {}, windowSeconds),
        el("td", {}, el("button", { type: "button", onclick: guard(async () => {
          await call("PUT", base() + "/rate-limits", { [api]: { requests: Number(requests.value), window: Number(windowSeconds.value) } });
          status(`Rate limit of ${api} set.`);
          await showLimits();
        }) }, "Set")));
    }));
  }

  async function showFaults() {
    const faults = await call("GET", base() + "/faults");
    document.querySelector("#faults tbody").replaceChildren(...faults.map((f) => el("tr", { "data-fault": f.id },
      el("td", {}, el("code", {}, f.id)), el("td", {}, f.kind), el("td", {}, f.api || "every API"), el("td", {}, f.operationId || "every operation"),
      el("td", {}, f.count === null ? "∞" : f.count),
      el("td", {}, f.kind === "status" ? `status ${f.status}` : f.kind === "latency" ? `${f.latencyMs}${f.latencyMaxMs ? "–" + f.latencyMaxMs : ""} ms` : f.kind === "slow_job" ? `× ${f.factor}` : ""),
      el("td", {}, el("button", { type: "button", onclick: guard(async () => {
        await call("DELETE", `${base()}/faults/${encodeURIComponent(f.id)}`);
        await showFaults();
      }) }, "Remove")))));
  }

  async function wireFaults(spec) {
    const schema = SchemaForm.resolve(spec.components.schemas.FaultRequest, spec);
    // the API field offers the journaled APIs by name
    const withApis = { ...schema, properties: { ...schema.properties, api: { ...schema.properties.api, enum: journaled } } };
    const form = document.getElementById("fault-add");
    const read = SchemaForm.build(form.querySelector(".fields"), withApis, spec);
    form.addEventListener("submit", guard(async (event) => {
      event.preventDefault();
      const fault = await call("POST", base() + "/faults", read());
      status(`Fault ${fault.id} (${fault.kind}) switched on.`);
      await showFaults();
    }));
    document.getElementById("faults-clear").addEventListener("click", guard(async () => {
      await call("DELETE", base() + "/faults");
      status("Every fault cleared.");
      await showFaults();
    }));
  }

  async function showActions() {
    const container = document.querySelector("#actions .actions");
    const listed = await Promise.all(journaled.map((api) => call("GET", `${base()}/apis/${encodeURIComponent(api)}/actions`)));
    for (const [index, api] of journaled.entries()) {
      const actions = listed[index];
      if (!actions.length) continue;
      container.append(el("h3", {}, api), ...actions.map((action) => {
        const fields = el("div", { class: "fields" });
        const result = el("pre", { class: "result" });
        const read = SchemaForm.build(fields, action.schema);
        return el("form", {
          class: "action", "data-api": api, "data-action": action.name,
          onsubmit: guard(async (event) => {
            event.preventDefault();
            result.textContent = "";
            try {
              const answer = await call("POST", `${base()}/apis/${encodeURIComponent(api)}/actions/${encodeURIComponent(action.name)}`, read());
              result.textContent = JSON.stringify(answer.result, null, 2);
              result.className = "result ok";
            } catch (error) {
              result.textContent = error.message;
              result.className = "result error";
            }
          }),
        }, el("h4", {}, el("code", {}, action.name)), el("p", {}, action.summary || ""), fields, el("button", { type: "submit" }, "Run"), result);
      }));
    }
  }

  async function start() {
    wireClock();
    const spec = await call("GET", "/specs/sandbox");
    showClock(await call("GET", base() + "/clock"));
    await Promise.all([showLimits(), showFaults(), wireFaults(spec)]);
    await showActions();
  }

  Sandbox.ready.then(guard(start));
})();
