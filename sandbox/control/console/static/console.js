// The console's shared helpers: calls to the control plane (with the admin token kept in this
// tab's sessionStorage, never in a URL), the chosen tenant, and a small DOM builder.
"use strict";

const Sandbox = (() => {
  const TOKEN = "sandbox.adminToken";
  const TENANT = "sandbox.tenant";

  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(attrs || {})) {
      if (value === undefined || value === null || value === false) continue;
      if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
      else if (key === "text") node.textContent = value;
      else node.setAttribute(key, value === true ? "" : value);
    }
    for (const child of children.flat()) {
      if (child !== undefined && child !== null) node.append(child instanceof Node ? child : String(child));
    }
    return node;
  }

  function status(message, isError) {
    const line = document.getElementById("status");
    line.textContent = message || "";
    line.className = isError ? "error" : "";
  }

  let asking = null;
  function askToken() {
    // one dialog at a time, whatever number of calls were refused
    asking = asking || new Promise((resolve) => {
      const dialog = document.getElementById("admin-token");
      const form = document.getElementById("admin-token-form");
      form.addEventListener("submit", () => {
        sessionStorage.setItem(TOKEN, document.getElementById("admin-token-input").value.trim());
        asking = null;
        resolve();
      }, { once: true });
      dialog.showModal();
    });
    return asking;
  }

  function headers(extra) {
    const all = Object.assign({ Accept: "application/json" }, extra || {});
    const token = sessionStorage.getItem(TOKEN);
    if (token) all.Authorization = "Bearer " + token;
    return all;
  }

  // A control-plane call; a 401 asks for the admin token once, then tries again.
  async function call(method, path, body) {
    const init = { method, headers: headers(body === undefined ? {} : { "Content-Type": "application/json" }) };
    if (body !== undefined) init.body = JSON.stringify(body);
    const response = await fetch("/__sandbox" + path, init);
    if (response.status === 401) {
      sessionStorage.removeItem(TOKEN);
      await askToken();
      return call(method, path, body);
    }
    const text = await response.text();
    const data = text ? JSON.parse(text) : null;
    if (!response.ok) {
      const violations = (data && data.violations || []).map((v) => `${v.field}: ${v.message}`).join("; ");
      throw new Error(`${response.status} ${data && (data.detail || data.title) || ""}${violations ? " (" + violations + ")" : ""}`);
    }
    return data;
  }

  function tenant() {
    return new URLSearchParams(location.search).get("tenant") || sessionStorage.getItem(TENANT) || "demo";
  }

  function choose(id) {
    sessionStorage.setItem(TENANT, id);
    const url = new URL(location.href);
    url.searchParams.set("tenant", id);
    location.assign(url.pathname + url.search + url.hash);
  }

  async function fillPicker() {
    const picker = document.getElementById("tenant-picker");
    const current = tenant();
    sessionStorage.setItem(TENANT, current);
    for (const link of document.querySelectorAll("a[data-keep-tenant]")) {
      link.href = link.pathname + "?tenant=" + encodeURIComponent(current);
    }
    const tenants = await call("GET", "/tenants");
    picker.replaceChildren(...tenants.map((t) => el("option", { value: t.id, selected: t.id === current }, `${t.name} (${t.id})`)));
    picker.addEventListener("change", () => choose(picker.value));
    return tenants;
  }

  function copyButton(value) {
    return el("button", {
      type: "button", class: "copy", title: "copy",
      onclick: async (event) => {
        await navigator.clipboard.writeText(value).catch(() => {});
        event.target.textContent = "copied";
        setTimeout(() => { event.target.textContent = "copy"; }, 1500);
      },
    }, "copy");
  }

  function when(iso) {
    return iso ? new Date(iso).toLocaleString() : "";
  }

  // a datetime-local value (the browser's zone) as an ISO instant, and back
  function instant(local) {
    return local ? new Date(local).toISOString() : null;
  }

  function local(iso) {
    const date = new Date(iso);
    const pad = (n) => String(n).padStart(2, "0");
    return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}`;
  }

  function guard(work) {
    return (...args) => Promise.resolve(work(...args)).catch((error) => status(error.message, true));
  }

  const ready = fillPicker().catch((error) => status(error.message, true));

  return { el, status, call, tenant, choose, ready, copyButton, when, instant, local, guard, headers, askToken };
})();
