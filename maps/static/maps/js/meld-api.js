/*
 * The report flow's calls to the API. Every call sends the page's language (Accept-Language), so the API's texts
 * and error messages come back in it. A failure is an ApiError whose `kind` tells the page what to do:
 *   "network"  no answer at all (offline, connection dropped): keep everything, offer to retry
 *   "server"   5xx: the same
 *   "notfound" 404
 *   "invalid"  another 4xx; `body` holds the API's {field: [messages]}
 */

import { pageLanguage } from "./meld-util.js";

export class ApiError extends Error {
  constructor(kind, status, body) {
    super(`API ${kind} (${status})`);
    this.kind = kind;
    this.status = status;
    this.body = body;
  }
}

export function makeApi(config) {
  async function request(method, url, { params, json, form, signal, headers: extra } = {}) {
    const query = params ? `?${new URLSearchParams(params)}` : "";
    const headers = { Accept: "application/json", "Accept-Language": pageLanguage(), ...extra };
    let body;
    if (json !== undefined) {
      headers["Content-Type"] = "application/json";
      body = JSON.stringify(json);
    } else if (form !== undefined) {
      body = form; // multipart: the browser sets the boundary
    }
    if (method !== "GET") {
      // Anonymous requests need no token; a logged-in member of staff using the form does.
      headers["X-CSRFToken"] = config.csrf_token;
    }
    let response;
    try {
      response = await fetch(url + query, { method, headers, body, signal, credentials: "same-origin" });
    } catch (error) {
      if (error.name === "AbortError") throw error;
      throw new ApiError("network", 0, null);
    }
    let data = null;
    try {
      data = await response.json();
    } catch {
      data = null; // an HTML error page from a proxy, or an empty body
    }
    if (response.ok) return { status: response.status, data };
    if (response.status >= 500) throw new ApiError("server", response.status, data);
    if (response.status === 404) throw new ApiError("notfound", response.status, data);
    throw new ApiError("invalid", response.status, data);
  }

  return {
    get: (url, params, options = {}) => request("GET", url, { params, ...options }),
    // options: {headers}, e.g. an Idempotency-Key
    postJson: (url, json, options = {}) => request("POST", url, { json, ...options }),
    postForm: (url, form, options = {}) => request("POST", url, { form, ...options }),
  };
}

/** The messages of one field in an API error body, flattened ({"photos": {"0": [...]}} included). */
export function messagesOf(value) {
  if (value === null || value === undefined) return [];
  if (typeof value === "string") return [value];
  if (Array.isArray(value)) return value.flatMap(messagesOf);
  if (typeof value === "object") return Object.values(value).flatMap(messagesOf);
  return [String(value)];
}
