// Interactive docs of one API: Swagger UI (served from the sandbox) over the sandbox's own spec,
// its servers and OAuth2 URLs pointed at this sandbox, authorized with the chosen tenant's
// credentials (a key, Basic, or a token fetched from the sandbox's OAuth2 server).
"use strict";

(() => {
  const { call, guard, tenant } = Sandbox;
  const config = JSON.parse(document.getElementById("docs-config").textContent);
  const authorized = document.getElementById("authorized");

  // an absolute URL of a real host becomes the same path under that API's prefix here
  function local(url) {
    if (!url) return url;
    if (url.startsWith("/")) return location.origin + url;
    const parsed = new URL(url);
    const path = parsed.pathname.replace(/\/$/, "");
    const match = config.addresses
      .filter((a) => a.host === parsed.hostname && (!a.base || path === a.base || path.startsWith(a.base + "/")))
      .sort((a, b) => b.base.length - a.base.length)[0];
    return match ? location.origin + match.prefix + parsed.pathname.slice(match.base.length) : url;
  }

  function pointHere(spec) {
    spec.servers = [{ url: location.origin + config.prefix, description: "this sandbox" }];
    for (const item of Object.values(spec.paths || {})) {
      delete item.servers;
      for (const operation of Object.values(item)) if (operation && typeof operation === "object") delete operation.servers;
    }
    for (const scheme of Object.values((spec.components || {}).securitySchemes || {})) {
      for (const flow of Object.values(scheme.flows || {})) {
        for (const key of ["authorizationUrl", "tokenUrl", "refreshUrl"]) if (flow[key]) flow[key] = local(flow[key]);
      }
    }
    return spec;
  }

  function client(credentials, own) {
    if (own && own.client_id) return own;
    return (credentials.oauth2 || {}).client || Object.values(credentials).flatMap(Object.values).find((c) => c && c.client_id);
  }

  function tokenUrl(spec) {
    for (const scheme of Object.values(spec.components.securitySchemes || {})) {
      for (const flow of Object.values(scheme.flows || {})) if (flow.tokenUrl) return flow.tokenUrl;
    }
    return location.origin + "/oauth2/token";
  }

  async function fetchToken(url, found) {
    const body = new URLSearchParams({ grant_type: "client_credentials", client_id: found.client_id, client_secret: found.client_secret });
    const response = await fetch(url, { method: "POST", body, headers: { Accept: "application/json" } });
    const answer = await response.json();
    if (!response.ok) throw new Error(`the OAuth2 server refused client ${found.client_id}: ${answer.error_description || answer.error}`);
    return answer;
  }

  async function authorize(ui, spec) {
    const id = tenant();
    const all = (await call("GET", `/tenants/${encodeURIComponent(id)}`)).credentials;
    const mine = all[config.api] || {};
    const done = [];
    for (const [name, scheme] of Object.entries(spec.components.securitySchemes || {})) {
      if (scheme["x-sandbox-admin"]) {
        const token = sessionStorage.getItem("sandbox.adminToken");
        if (token) { ui.preauthorizeApiKey(name, token); done.push(`${name} (admin token)`); }
        continue;
      }
      const own = mine[name];
      if (scheme.type === "apiKey" && own) {
        ui.preauthorizeApiKey(name, own.secret);
        done.push(`${name} (key)`);
      } else if (scheme.type === "http" && String(scheme.scheme).toLowerCase() === "basic" && own) {
        const [username, ...rest] = own.secret.split(":");
        ui.preauthorizeBasic(name, own.username || username, own.password || rest.join(":"));
        done.push(`${name} (Basic ${own.username || username})`);
      } else if (scheme.type === "oauth2" || scheme.type === "openIdConnect" || scheme.type === "http") {
        const found = client(all, own);
        if (!found) continue;
        try {
          const token = await fetchToken(tokenUrl(spec), found);
          if (scheme.type === "http") ui.preauthorizeApiKey(name, token.access_token);
          else ui.authActions.authorizeOauth2({ auth: { name, schema: scheme }, token });
          done.push(`${name} (token of ${found.client_id})`);
        } catch (error) {
          done.push(`${name}: ${error.message}`);
        }
      }
    }
    authorized.textContent = done.length ? `tenant ${id}: ${done.join(", ")}` : `tenant ${id} holds no credential for this API`;
    authorized.dataset.tenant = id;
  }

  // The request-id header a client sends on every request (NBB's X-Request-Id), when the spec
  // declares one: its name and the example Swagger UI fills in.
  function requestIdParameter(spec) {
    const name = String((spec["x-sandbox"] || {})["request-id-header"] || "").toLowerCase();
    if (!name) return null;
    const shared = (spec.components || {}).parameters || {};
    const resolve = (p) => (p.$ref ? shared[p.$ref.split("/").pop()] || {} : p);
    const declared = Object.values(spec.paths || {})
      .flatMap((item) => [item.parameters || [], ...Object.values(item).map((op) => (op && op.parameters) || [])])
      .flat()
      .map(resolve)
      .find((p) => p.in === "header" && String(p.name).toLowerCase() === name);
    return declared ? { name: declared.name, example: declared.example } : null;
  }

  // a version 4 UUID from the browser's random source (crypto.randomUUID needs a secure context,
  // and a sandbox in a test network is often reached over plain http)
  function uuid4() {
    const b = crypto.getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    const hex = Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  }

  // Each "try it" call gets a fresh request id, as a careful client sends: the example Swagger UI
  // fills in would be the same on every call (a value typed by hand is sent as typed).
  function freshRequestId(parameter) {
    return (request) => {
      if (!parameter) return request;
      const sent = Object.keys(request.headers).find((h) => h.toLowerCase() === parameter.name.toLowerCase());
      if (sent === undefined || !request.headers[sent] || request.headers[sent] === parameter.example) {
        if (sent !== undefined) delete request.headers[sent];
        request.headers[parameter.name] = uuid4();
      }
      return request;
    };
  }

  async function start() {
    const spec = pointHere(await call("GET", `/specs/${encodeURIComponent(config.api)}`));
    const ui = SwaggerUIBundle({
      requestInterceptor: freshRequestId(requestIdParameter(spec)),
      spec,
      dom_id: "#swagger-ui",
      deepLinking: true,
      validatorUrl: null,
      tryItOutEnabled: true,
      displayRequestDuration: true,
      persistAuthorization: false,
    });
    await authorize(ui, spec);
  }

  Sandbox.ready.then(guard(start));
})();
