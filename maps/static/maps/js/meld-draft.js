/*
 * The draft of a report, kept in localStorage so that nothing typed is lost when sending fails or the page
 * reloads. Photos are not in it: localStorage holds text only (and a few MB at most), so they live in memory and
 * the page says so after a reload. A draft older than DRAFT_MAX_AGE_MS is dropped: on a shared computer the next
 * visitor should not find someone else's e-mail address.
 */

const KEY = "meldpunt.meld.draft.v1";
const DRAFT_MAX_AGE_MS = 3 * 24 * 3600 * 1000;

export function draftLoad() {
  try {
    const raw = window.localStorage.getItem(KEY);
    if (!raw) return null;
    const draft = JSON.parse(raw);
    if (!draft || typeof draft !== "object" || Date.now() - (draft.saved_at || 0) > DRAFT_MAX_AGE_MS) {
      draftClear();
      return null;
    }
    return draft;
  } catch {
    return null; // storage disabled (private mode) or a damaged draft: start empty
  }
}

export function draftSave(values) {
  try {
    window.localStorage.setItem(KEY, JSON.stringify({ ...values, saved_at: Date.now() }));
  } catch {
    // Full or disabled storage: the form still works, only the safety net is gone.
  }
}

export function draftClear() {
  try {
    window.localStorage.removeItem(KEY);
  } catch {
    // nothing to clear
  }
}
