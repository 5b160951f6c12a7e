/**
 * The address search of /meld/ and /balie/: asks the geocoder, says what it found and lists the answers as buttons.
 * What choosing an answer does (the pin, the focus) stays with the page.
 */
import { el, plural } from "./meld-util.js";

/**
 * @param {object} o
 * @param o.api the page's API client (meld-api.js)
 * @param o.url the geocoder's address
 * @param o.q what was typed
 * @param o.status the element that says what happened (a live region)
 * @param o.list the <ul> the answers go into
 * @param o.strings search_empty, searching, search_failed, search_none, search_results (plural forms)
 * @param o.buttonClass the answers' class
 * @param o.onChoose called with the chosen answer
 * @param o.limit how many answers at most (the geocoder's default when left out)
 * @returns {Promise<number>} how many answers are listed
 */
export async function addressSearch({ api, url, q, status, list, strings, buttonClass, onChoose, limit }) {
  list.replaceChildren();
  q = q.trim();
  if (!q) {
    status.textContent = strings.search_empty;
    return 0;
  }
  status.textContent = strings.searching;
  let results;
  try {
    ({ data: results } = await api.get(url, limit ? { q, limit } : { q }));
  } catch (error) {
    const body = error.kind === "invalid" && error.body;
    status.textContent = body && body.q ? [].concat(body.q).join(" ") : strings.search_failed;
    return 0;
  }
  results = Array.isArray(results) ? results : [];
  if (!results.length) {
    status.textContent = strings.search_none;
    return 0;
  }
  status.textContent = plural(strings.search_results, results.length);
  for (const result of results) {
    const button = el("button", { type: "button", class: buttonClass, text: result.label });
    button.addEventListener("click", () => onChoose(result));
    list.append(el("li", {}, button));
  }
  return results.length;
}
