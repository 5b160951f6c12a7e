/*
 * A compliment's own fields in step "Tell us more": the city service it is for and, if known, the staff member.
 * Shown for the kind "compliment" only; a named service gets the compliment at once, whatever the category or
 * place. "I don't know" (no service) leaves it to the meldpunt coordinator, who finds the service.
 * The services come from the API (names in the page's language), as the categories do.
 */

import { byId, el } from "./meld-util.js";

const KIND = "compliment";

export function setupCompliment(ctx) {
  const { config, api, state } = ctx;
  const fields = byId("meld-compliment");
  const department = byId("meld-compliment-department");
  const staffMember = byId("meld-compliment-staff");
  const impact = document.querySelector(".meld-impact");
  const hint = byId("meld-description-hint");

  const loaded = api
    .get(config.urls.compliment_departments)
    .then(({ data }) => {
      const services = Array.isArray(data) ? data : [];
      department.append(...services.map((service) => el("option", { value: service.slug, text: service.name })));
    })
    .catch(() => {
      // Without the list the compliment still goes out: "I don't know" lets the coordinator pass it on.
    })
    .then(showChosen);

  /** The chosen service in the list; one that is no longer offered is dropped rather than sent. */
  function showChosen() {
    const offered = Array.from(department.options).some((o) => o.value === state.compliment_department);
    if (!offered) state.compliment_department = "";
    department.value = state.compliment_department;
  }

  department.addEventListener("change", () => {
    state.compliment_department = department.value;
    ctx.clearError("compliment_department");
    ctx.save();
  });
  staffMember.addEventListener("input", () => {
    state.compliment_staff_member = staffMember.value;
    ctx.clearError("compliment_staff_member");
    ctx.save();
  });

  return {
    loaded,
    /** Fields for a compliment only; and praise is not asked how much it bothers anyone, nor "what is wrong". */
    refreshKind() {
      const praise = state.kind === KIND;
      fields.hidden = !praise;
      impact.hidden = praise;
      if (!("usual" in hint.dataset)) hint.dataset.usual = hint.textContent;
      hint.textContent = praise ? hint.dataset.complimentText : hint.dataset.usual;
    },
    restore() {
      loaded.then(showChosen);
      staffMember.value = state.compliment_staff_member;
    },
    /** The fields a report sends: nothing unless it is a compliment (the API refuses them on other kinds). */
    payload() {
      if (state.kind !== KIND) return {};
      return {
        compliment_department: state.compliment_department,
        compliment_staff_member: state.compliment_staff_member.trim(),
      };
    },
    /** Whether the felt impact goes with the report: not for praise (its question is hidden then). */
    asksImpact: () => state.kind !== KIND,
  };
}
