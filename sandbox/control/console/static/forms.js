// Forms generated from a JSON schema (an object's properties): text, numbers, booleans, choices,
// lists; anything deeper is edited as JSON. `value()` gives the body, leaving empty fields out.
"use strict";

const SchemaForm = (() => {
  const { el } = Sandbox;

  // local $refs of the document the schema came from
  function resolve(schema, root) {
    let found = schema || {};
    while (found.$ref && found.$ref.startsWith("#/")) {
      found = found.$ref.slice(2).split("/").reduce((node, key) => node[key.replace(/~1/g, "/").replace(/~0/g, "~")], root);
    }
    if (found.allOf) return Object.assign({}, ...found.allOf.map((part) => resolve(part, root)));
    return found;
  }

  function choices(schema) {
    if (schema.enum) return schema.enum;
    if (schema.const !== undefined) return [schema.const];
    return null;
  }

  function field(name, schema, required, root) {
    const id = "f-" + Math.random().toString(36).slice(2);
    const hint = [schema.description, schema.pattern && "pattern " + schema.pattern, schema.format,
      schema.minimum !== undefined && "min " + schema.minimum, schema.maximum !== undefined && "max " + schema.maximum]
      .filter(Boolean).join("; ");
    const label = el("label", { for: id }, name, required ? " *" : "");
    const type = Array.isArray(schema.type) ? schema.type.find((t) => t !== "null") : schema.type;
    const options = choices(schema);
    const items = schema.items ? resolve(schema.items, root) : null;
    let input, read;
    if (options) {
      input = el("select", { id, name }, el("option", { value: "" }, "—"), options.map((o) => el("option", { value: JSON.stringify(o) }, String(o))));
      read = () => (input.value ? JSON.parse(input.value) : undefined);
    } else if (type === "boolean") {
      input = el("select", { id, name }, el("option", { value: "" }, "—"), el("option", { value: "true" }, "true"), el("option", { value: "false" }, "false"));
      read = () => (input.value ? input.value === "true" : undefined);
    } else if (type === "integer" || type === "number") {
      input = el("input", { id, name, type: "number", step: type === "integer" ? "1" : "any", min: schema.minimum, max: schema.maximum });
      read = () => (input.value === "" ? undefined : Number(input.value));
    } else if (type === "array" && items && choices(items)) {
      const boxes = choices(items).map((o) => el("input", { type: "checkbox", value: JSON.stringify(o), "data-choice": String(o) }));
      input = el("span", { id, class: "choices", "data-name": name }, boxes.map((box) => el("label", {}, box, " ", box.dataset.choice)));
      read = () => { const picked = boxes.filter((b) => b.checked).map((b) => JSON.parse(b.value)); return picked.length ? picked : undefined; };
    } else if (type === "array" && items && ["string", "integer", "number"].includes(items.type)) {
      input = el("textarea", { id, name, rows: 2, placeholder: "one per line" });
      read = () => {
        const lines = input.value.split(/\n|,/).map((s) => s.trim()).filter(Boolean);
        return lines.length ? lines.map((s) => (items.type === "string" ? s : Number(s))) : undefined;
      };
    } else if (type === "array" || type === "object") {
      input = el("textarea", { id, name, rows: 3, placeholder: "JSON" });
      read = () => (input.value.trim() ? JSON.parse(input.value) : undefined);
    } else {
      const kind = schema.format === "date" ? "date" : "text";
      input = el("input", { id, name, type: kind, pattern: kind === "text" ? schema.pattern : undefined, placeholder: schema.example || "" });
      read = () => (input.value === "" ? undefined : schema.format === "date-time" ? new Date(input.value).toISOString() : input.value);
    }
    return { row: el("div", { class: "field" }, label, input, hint ? el("small", {}, hint) : null), name, read };
  }

  // The form's fields for an object schema, inside `container`; returns a function reading the body.
  function build(container, schema, root) {
    const resolved = resolve(schema, root || schema);
    const required = new Set(resolved.required || []);
    const fields = Object.entries(resolved.properties || {}).map(([name, property]) =>
      field(name, resolve(property, root || schema), required.has(name), root || schema));
    container.replaceChildren(...(fields.length ? fields.map((f) => f.row) : [el("p", { class: "empty" }, "No fields.")]));
    return () => {
      const body = {};
      for (const f of fields) {
        const value = f.read();
        if (value !== undefined) body[f.name] = value;
      }
      return body;
    };
  }

  return { build, resolve };
})();
