/*
 * A compliment's own fields in step "Tell us more": the city service it is for and, if known, the staff member.
 * Shown for the kind "compliment" only; a named service gets the compliment at once, whatever the category or
 * place. "I don't know" (no service) leaves it to the meldpunt coordinator, who finds the service.
 */

import { byId } from "./meld-util.js";

const KIND = "compliment";

export function setupCompliment(ctx) {
  const { state } = ctx;
  const fields = byId("meld-compliment");
  const department = byId("meld-compliment-department");
  const staffMember = byId("meld-compliment-staff");

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
    refreshKind() {
      fields.hidden = state.kind !== KIND;
    },
    restore() {
      // A service that is no longer offered is dropped rather than sent.
      const offered = Array.from(department.options).some((o) => o.value === state.compliment_department);
      state.compliment_department = offered ? state.compliment_department : "";
      department.value = state.compliment_department;
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
  };
}
