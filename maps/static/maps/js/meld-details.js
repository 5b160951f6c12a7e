/*
 * Step "Tell us more": description, photos, the felt impact and the contact details.
 *
 * Photos stay in memory (localStorage cannot hold them). A JPEG that carries the GPS position where it was taken
 * proposes that place for the pin; the server strips every EXIF tag from the copy it stores.
 */

import { gpsFromFile } from "./meld-exif.js";
import { byId, distanceMetres, el, fill, formatMetres, formatNumber } from "./meld-util.js";

const PHOTO_TYPES = ["image/jpeg", "image/png", "image/webp"];
// Closer than this, the photo's place and the pin are the same spot: no need to ask.
const SAME_PLACE_M = 15;

export function setupDetails(ctx) {
  const { config, strings, state } = ctx;
  const description = byId("meld-description");
  const counter = byId("meld-description-count");
  const name = byId("meld-name");
  const email = byId("meld-email");
  const phone = byId("meld-phone");
  const photoInput = byId("meld-photos");
  const photoList = byId("meld-photo-list");
  const proposal = byId("meld-photo-location");
  const photos = []; // {file, url, gps}
  let proposed = null;

  function showCount() {
    const left = config.description_max_length - description.value.length;
    counter.textContent = fill(strings.characters_left, { count: formatNumber(left) });
  }

  // --- Photos ----------------------------------------------------------------------------------------------------

  async function addPhotos(files) {
    ctx.clearError("photos");
    const problems = [];
    const added = [];
    for (const file of files) {
      if (photos.length >= config.photo_max_count) {
        problems.push(fill(strings.photos_max, { max: config.photo_max_count }));
        break;
      }
      if (!PHOTO_TYPES.includes(file.type)) {
        problems.push(fill(strings.photo_not_image, { name: file.name }));
        continue;
      }
      if (file.size > config.photo_max_bytes) {
        problems.push(
          fill(strings.photo_too_large, { name: file.name, max: Math.round(config.photo_max_bytes / 1048576) }),
        );
        continue;
      }
      const photo = { file, url: URL.createObjectURL(file), gps: null };
      photos.push(photo);
      added.push(photo);
    }
    photoInput.value = ""; // the same file can be chosen again after removing it
    state.photo_count = photos.length;
    ctx.save();
    renderPhotos();
    if (problems.length) ctx.fieldError("photos", problems);
    for (const photo of added) {
      if (photo.file.type !== "image/jpeg") continue;
      photo.gps = await gpsFromFile(photo.file);
      if (photo.gps && !proposed) propose(photo);
    }
  }

  function removePhoto(photo) {
    const index = photos.indexOf(photo);
    if (index < 0) return;
    URL.revokeObjectURL(photo.url);
    photos.splice(index, 1);
    state.photo_count = photos.length;
    if (proposed === photo) hideProposal();
    ctx.save();
    renderPhotos();
    photoInput.focus();
  }

  function renderPhotos() {
    photoList.replaceChildren(
      ...photos.map((photo, index) => {
        const number = index + 1;
        const remove = el("button", {
          type: "button",
          class: "meld-button meld-button--secondary meld-button--small",
          text: fill(strings.photo_remove, { number }),
        });
        remove.addEventListener("click", () => removePhoto(photo));
        return el(
          "li",
          { class: "meld-photo" },
          el("img", {
            src: photo.url,
            alt: fill(strings.photo_alt, { number, name: photo.file.name }),
            width: 96,
            height: 96,
          }),
          remove,
        );
      }),
    );
  }

  function propose(photo) {
    const pin = state.lat !== null ? { lat: state.lat, lon: state.lon } : null;
    const distance = pin ? distanceMetres(pin, photo.gps) : null;
    if (distance !== null && distance < SAME_PLACE_M) return;
    proposed = photo;
    const far = distance !== null ? ` ${fill(strings.photo_location_far, { distance: formatMetres(distance) })}` : "";
    byId("meld-photo-location-text").textContent =
      `${strings.photo_location_title}${far} ${strings.photo_location_question}`;
    byId("meld-photo-location-result").textContent = "";
    byId("meld-photo-location-actions").hidden = false;
    proposal.hidden = false;
  }

  function hideProposal() {
    proposal.hidden = true;
    proposed = null;
  }

  byId("meld-photo-location-use").textContent = strings.photo_location_use;
  byId("meld-photo-location-ignore").textContent = strings.photo_location_ignore;
  byId("meld-photo-location-use").addEventListener("click", async () => {
    if (!proposed) return;
    const result = byId("meld-photo-location-result");
    byId("meld-photo-location-actions").hidden = true;
    result.textContent = strings.location_checking;
    result.tabIndex = -1;
    result.focus(); // the buttons are gone: keep the keyboard user's place in the page
    const check = await ctx.location.setPin(proposed.gps.lat, proposed.gps.lon, {
      source: "photo",
      zoom: config.map.pin_zoom,
    });
    if (check.stale) return;
    if (check.inside === false) {
      result.textContent = check.message;
    } else {
      const address = check.address ? ` ${fill(strings.address_near, { address: check.address })}` : "";
      result.textContent = `${strings.photo_location_used}${address}`;
    }
  });
  byId("meld-photo-location-ignore").addEventListener("click", () => {
    hideProposal();
    photoInput.focus();
  });

  // --- Wiring ------------------------------------------------------------------------------------------------------

  description.addEventListener("input", () => {
    state.description = description.value;
    showCount();
    if (description.value.trim()) ctx.clearError("description");
    ctx.save();
  });
  for (const [input, key] of [
    [name, "reporter_name"],
    [email, "reporter_email"],
    [phone, "reporter_phone"],
  ]) {
    input.addEventListener("input", () => {
      state[key] = input.value;
      ctx.clearError(key);
      ctx.save();
    });
  }
  document.querySelectorAll('input[name="impact"]').forEach((radio) => {
    radio.addEventListener("change", () => {
      state.impact = Number(radio.value);
      ctx.clearError("impact");
      ctx.save();
    });
  });
  photoInput.addEventListener("change", () => addPhotos(Array.from(photoInput.files || [])));

  return {
    photos: () => photos.map((photo) => photo.file),
    clearPhotos() {
      photos.splice(0).forEach((photo) => URL.revokeObjectURL(photo.url));
      state.photo_count = 0;
      renderPhotos();
    },
    refreshKind() {
      const required = config.kinds_needing_email.includes(state.kind);
      byId("meld-email-required").hidden = !required;
      byId("meld-email-optional").hidden = required;
      byId("meld-email-hint").textContent = required ? strings.email_required : strings.email_optional;
      if (required) email.setAttribute("aria-required", "true");
      else email.removeAttribute("aria-required");
    },
    restore() {
      description.value = state.description || "";
      name.value = state.reporter_name || "";
      email.value = state.reporter_email || "";
      phone.value = state.reporter_phone || "";
      const impact = document.querySelector(`input[name="impact"][value="${state.impact}"]`);
      if (impact) impact.checked = true;
      showCount();
    },
    validate() {
      if (!description.value.trim()) {
        ctx.fieldError("description", [strings.give_description]);
        return false;
      }
      return true;
    },
    showCount,
  };
}
