// Tenants: create (the form follows createTenant's body schema), reset, delete; credentials shown
// with copy buttons.
"use strict";

(() => {
  const { el, call, status, guard, copyButton, when } = Sandbox;
  const table = document.querySelector("#tenants tbody");
  const detail = document.getElementById("tenant-detail");

  function credentialRows(credentials) {
    const rows = [];
    for (const [api, schemes] of Object.entries(credentials)) {
      for (const [scheme, credential] of Object.entries(schemes)) {
        const values = credential.client_id
          ? [["client_id", credential.client_id], ["client_secret", credential.client_secret], ["scopes", (credential.scopes || []).join(" ")]]
          : credential.username
            ? [["username", credential.username], ["password", credential.password]]
            : [[credential.name ? `${credential.in} ${credential.name}` : "secret", credential.secret]];
        rows.push(el("tr", { "data-api": api, "data-scheme": scheme },
          el("td", {}, api), el("td", {}, scheme),
          el("td", {}, values.map(([label, value]) => el("div", { class: "copyable" },
            el("small", {}, label), " ", el("code", { "data-field": label }, value), " ", copyButton(value))))));
      }
    }
    return rows;
  }

  async function show(id) {
    const tenant = await call("GET", `/tenants/${encodeURIComponent(id)}`);
    detail.hidden = false;
    detail.querySelector(".tenant-id").textContent = `${tenant.name} (${tenant.id})`;
    detail.querySelector(".credentials").replaceChildren(el("table", { class: "credentials" },
      el("thead", {}, el("tr", {}, el("th", {}, "API"), el("th", {}, "Scheme"), el("th", {}, "Credential"))),
      el("tbody", {}, credentialRows(tenant.credentials))));
  }

  async function list() {
    const tenants = await call("GET", "/tenants");
    table.replaceChildren(...tenants.map((t) => el("tr", { "data-tenant": t.id },
      el("td", {}, el("code", {}, t.id)), el("td", {}, t.name), el("td", {}, when(t.created)), el("td", {}, t.tokenLifetime),
      el("td", {},
        el("button", { type: "button", class: "show", onclick: guard(() => show(t.id)) }, "Credentials"), " ",
        el("button", { type: "button", class: "use", onclick: () => Sandbox.choose(t.id) }, "Use"), " ",
        el("button", { type: "button", class: "reset", onclick: guard(async () => {
          await call("POST", `/tenants/${encodeURIComponent(t.id)}/reset`);
          status(`Tenant ${t.id} reset: its state, journal, clock, limits and faults are as new.`);
        }) }, "Reset"), " ",
        t.id === "demo" ? null : el("button", { type: "button", class: "delete", onclick: guard(async () => {
          if (!confirm(`Delete tenant ${t.id}?`)) return;
          await call("DELETE", `/tenants/${encodeURIComponent(t.id)}`);
          if (t.id === Sandbox.tenant()) Sandbox.choose("demo");  // the pages cannot follow a deleted tenant
          status(`Tenant ${t.id} deleted.`);
          await list();
        }) }, "Delete")))));
  }

  async function start() {
    const spec = await call("GET", "/specs/sandbox");
    const schema = spec.paths["/tenants"].post.requestBody.content["application/json"].schema;
    const form = document.getElementById("create-tenant");
    const read = SchemaForm.build(form.querySelector(".fields"), schema, spec);
    form.addEventListener("submit", guard(async (event) => {
      event.preventDefault();
      const tenant = await call("POST", "/tenants", read());
      await list();
      await show(tenant.id);
      status(`Tenant ${tenant.id} created.`);
    }));
    await list();
    await show(Sandbox.tenant());
  }

  Sandbox.ready.then(guard(start));
})();
