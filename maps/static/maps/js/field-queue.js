/*
 * The field page's queue: every report is first kept on the phone (IndexedDB, photos as Blobs), then sent.
 *
 * A report leaves the queue only when the server answered 201 (received) or 200 (already received: the same
 * Idempotency-Key was sent before and the answer got lost). A 4xx is shown on the item ("not accepted", with the
 * server's messages) and kept until the reporter removes it or tries again; no connection, a 5xx or an expired
 * login keep it waiting. Each report carries its own idempotency key from the moment it is made, so sending it
 * twice (a retry, a second tab, a replayed queue) never makes a second report.
 *
 * Sending happens after a report is made, when the connection returns (the "online" event), every
 * RETRY_MS while something waits, and on demand ("send now", which also retries refused ones).
 */

import { messagesOf } from "./meld-api.js";
import { byId, el, fill, formatAge, plural } from "./meld-util.js";

const DB_NAME = "meldpunt-veld";
const STORE = "queue";
const RETRY_MS = 30000;

// --- IndexedDB ------------------------------------------------------------------------------------------------

let dbPromise = null;

function openDb() {
  if (!dbPromise) {
    dbPromise = new Promise((resolve, reject) => {
      const request = indexedDB.open(DB_NAME, 1);
      request.onupgradeneeded = () => request.result.createObjectStore(STORE, { keyPath: "key" });
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
  }
  return dbPromise;
}

async function withStore(mode, work) {
  const db = await openDb();
  return new Promise((resolve, reject) => {
    const transaction = db.transaction(STORE, mode);
    const result = work(transaction.objectStore(STORE));
    transaction.oncomplete = () => resolve(result && "result" in result ? result.result : undefined);
    transaction.onerror = () => reject(transaction.error);
    transaction.onabort = () => reject(transaction.error);
  });
}

export const store = {
  all: async () =>
    ((await withStore("readonly", (s) => s.getAll())) || []).sort((a, b) => a.createdAt.localeCompare(b.createdAt)),
  put: (item) => withStore("readwrite", (s) => s.put(item)),
  remove: (key) => withStore("readwrite", (s) => s.delete(key)),
};

/** A random idempotency key: crypto.randomUUID where the page is a secure context, else the same from random bytes. */
export function newKey() {
  if (crypto.randomUUID) return crypto.randomUUID();
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  bytes[6] = (bytes[6] & 0x0f) | 0x40;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

// --- Sending --------------------------------------------------------------------------------------------------

function formFor(item) {
  const form = new FormData();
  for (const [name, value] of Object.entries(item.fields)) {
    if (value !== null && value !== undefined && value !== "") form.append(name, String(value));
  }
  item.photos.forEach((photo) => form.append("photos", photo.blob, photo.name));
  return form;
}

async function readJson(response) {
  try {
    return await response.json();
  } catch {
    return null;
  }
}

export function setupQueue(ctx) {
  const { config, strings } = ctx;
  const section = byId("field-queue");
  const summary = byId("field-queue-summary");
  const list = byId("field-queue-list");
  const login = byId("field-login");
  const sendNow = byId("field-send-now");
  byId("field-login-text").textContent = strings.login_needed;

  let items = []; // as stored, plus `sending` while a request runs
  const sent = []; // received during this visit: {key, reference, outcome ("received" or "again"), categoryName}
  let running = null;
  const listeners = [];
  const refusedListeners = [];

  // --- Showing the queue ----------------------------------------------------------------------------------

  function itemState(item) {
    if (item.owner !== config.user.id) return { name: "other", text: strings.state_other_user };
    if (item.sending) return { name: "sending", text: strings.state_sending };
    if (item.state === "refused") return { name: "refused", text: strings.state_refused };
    return { name: "waiting", text: strings.state_waiting };
  }

  function render() {
    const waiting = items.filter((item) => item.owner === config.user.id);
    section.hidden = items.length === 0 && sent.length === 0;
    summary.textContent = waiting.length ? plural(strings.queue_count, waiting.length) : "";
    sendNow.hidden = waiting.length === 0 && sent.length === 0;
    list.replaceChildren(
      ...items.map((item) => {
        const state = itemState(item);
        const meta = [fill(strings.made_at, { age: formatAge(item.createdAt) })];
        if (item.photos.length) meta.push(plural(strings.photos_count, item.photos.length));
        const errors = item.state === "refused" ? item.errors || [] : [];
        return el(
          "li",
          { className: `field-item field-item--${state.name}`, "data-state": state.name, "data-key": item.key },
          el("p", { className: "field-item__title" }, el("strong", { text: item.categoryName })),
          el("p", { className: "field-item__state", text: state.text }),
          el("p", { className: "field-item__meta", text: meta.join(" · ") }),
          errors.length ? el("ul", { className: "field-item__errors" }, ...errors.map((m) => el("li", { text: m }))) : null,
          item.state === "refused" && item.owner === config.user.id
            ? el("button", {
                type: "button",
                className: "field-button field-button--secondary field-button--small",
                text: strings.remove,
                "data-testid": "remove",
                on: { click: () => removeItem(item) },
              })
            : null,
        );
      }),
      ...sent.map((done) =>
        el(
          "li",
          {
            className: "field-item field-item--sent",
            "data-state": "sent",
            "data-outcome": done.outcome,
            "data-key": done.key,
          },
          el("p", { className: "field-item__title" }, el("strong", { text: done.categoryName })),
          el("p", { className: "field-item__state", text: fill(strings.state_sent, { reference: done.reference }) }),
        ),
      ),
    );
  }

  async function reload() {
    const stored = await store.all();
    const sending = new Set(items.filter((item) => item.sending).map((item) => item.key));
    items = stored.map((item) => ({ ...item, sending: sending.has(item.key) }));
    render();
  }

  async function removeItem(item) {
    if (!window.confirm(strings.remove_confirm)) return;
    await store.remove(item.key);
    await reload();
  }

  // --- Keeping and sending --------------------------------------------------------------------------------

  /** Keep a new report on the phone. Throws when the phone cannot store it (the form keeps what was typed). */
  async function add(item) {
    await store.put(item);
    await reload();
  }

  function showLogin(needed) {
    login.hidden = !needed;
  }

  /** A fresh CSRF token and the logged-in user, or {offline} / {loggedOut}. */
  async function session() {
    let response;
    try {
      response = await fetch(config.urls.session, { headers: { Accept: "application/json" }, credentials: "same-origin" });
    } catch {
      return { offline: true };
    }
    if (response.status === 401 || response.status === 403) return { loggedOut: true };
    if (!response.ok) return { serverProblem: true };
    const data = await readJson(response);
    return data ? { token: data.csrf_token, userId: data.user.id } : { serverProblem: true };
  }

  /** Send one report; returns "received", "again", "refused", "offline", "server" or "login". */
  async function sendOne(item, token) {
    let response;
    try {
      response = await fetch(config.urls.reports, {
        method: "POST",
        body: formFor(item),
        credentials: "same-origin",
        headers: {
          Accept: "application/json",
          "Accept-Language": item.fields.language || config.language,
          "X-CSRFToken": token,
          "Idempotency-Key": item.key,
        },
      });
    } catch {
      return { outcome: "offline" };
    }
    const body = await readJson(response);
    if (response.status === 201 || response.status === 200) {
      await store.remove(item.key);
      return { outcome: response.status === 201 ? "received" : "again", reference: body && body.reference };
    }
    if (response.status >= 500) return { outcome: "server" };
    // 403: the CSRF check failed, which with a fresh token means the login ended meanwhile.
    if (response.status === 401 || response.status === 403) return { outcome: "login" };
    const errors = messagesOf(body).filter((m) => typeof m === "string" && m.length > 1);
    await store.put({ ...stripRuntime(item), state: "refused", errors: errors.length ? errors : [strings.error_generic] });
    return { outcome: "refused" };
  }

  function stripRuntime(item) {
    const { sending: _sending, ...stored } = item;
    return stored;
  }

  async function run({ retryRefused }) {
    await reload();
    const mine = items.filter(
      (item) => item.owner === config.user.id && (retryRefused || item.state !== "refused"),
    );
    if (!mine.length) return;
    const current = await session();
    if (current.loggedOut) {
      showLogin(true);
      return;
    }
    showLogin(false);
    if (current.offline || current.serverProblem) {
      ctx.connection(!current.offline);
      return;
    }
    ctx.connection(true);
    config.csrf_token = current.token;
    for (const item of mine) {
      if (item.owner !== current.userId) continue;
      item.sending = true;
      render();
      const result = await sendOne(item, current.token);
      item.sending = false;
      if (result.outcome === "received" || result.outcome === "again") {
        sent.unshift({
          key: item.key,
          reference: result.reference,
          outcome: result.outcome,
          categoryName: item.categoryName,
        });
        listeners.forEach((listener) => listener({ item, reference: result.reference, again: result.outcome === "again" }));
      }
      if (result.outcome === "refused") refusedListeners.forEach((listener) => listener({ item }));
      if (result.outcome === "offline") ctx.connection(false);
      if (result.outcome === "login") showLogin(true);
      if (["offline", "server", "login"].includes(result.outcome)) {
        if (result.outcome === "server") ctx.say(strings.server_problem);
        break;
      }
    }
    await reload();
  }

  /** Send what waits (and, on demand, what was refused). One run at a time; a call during a run waits for it. */
  function sendAll({ retryRefused = false } = {}) {
    if (!running) {
      running = run({ retryRefused }).finally(() => {
        running = null;
      });
    }
    return running;
  }

  sendNow.addEventListener("click", () => sendAll({ retryRefused: true }));
  window.addEventListener("online", () => sendAll());
  setInterval(() => {
    if (navigator.onLine && items.some((item) => item.owner === config.user.id && item.state !== "refused")) sendAll();
  }, RETRY_MS);

  return {
    add,
    sendAll,
    reload,
    onReceived: (listener) => listeners.push(listener),
    onRefused: (listener) => refusedListeners.push(listener),
  };
}
