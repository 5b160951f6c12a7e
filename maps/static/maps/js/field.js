/*
 * The field page (/veld/): a warden on a phone reports what they see, with or without a connection.
 *
 * One screen: the place (the phone's position, a pin to drag), the open reports around it, the form (category
 * with the reporter's most used first, a photo from the camera, felt impact, a note) and one big send button.
 * A report is first kept on the phone (field-queue.js) and then sent to the public API as channel "field",
 * with an Idempotency-Key made when the report was made. The page and its assets are kept by a service worker
 * (/veld/sw.js), so the page opens without a connection too.
 *
 * Modules: field-place.js (map, pin, territory), field-queue.js (IndexedDB and sending), field-lists.js
 * ("around me" and "mine"). Texts come translated from the view (maps/views/field/texts.py).
 */

import { makeApi } from "./meld-api.js";
import { setupAround, setupMine } from "./field-lists.js";
import { setupPlace } from "./field-place.js";
import { newKey, setupQueue } from "./field-queue.js";
import { byId, debounce, el, fill } from "./meld-util.js";

const config = window.Meldpunt.jsonScript("field-config");
const strings = window.Meldpunt.jsonScript("field-strings");
const api = makeApi(config);

const connectionBar = byId("field-connection");
const sendStatus = byId("field-send-status");

function connection(online) {
  connectionBar.textContent = online ? "" : strings.offline;
  connectionBar.hidden = online;
  document.body.classList.toggle("field-offline", !online);
}

function say(text) {
  sendStatus.textContent = text || "";
}

const ctx = { config, strings, api, connection, say };
const place = setupPlace(ctx);
ctx.place = place;
const queue = setupQueue(ctx);
const around = setupAround(ctx);
const mine = setupMine(ctx);

// --- The form ------------------------------------------------------------------------------------------------

const form = byId("field-form");
const select = byId("field-category");
const frequent = Array.from(document.querySelectorAll('input[name="frequent"]'));
const categoryError = byId("field-category-error");
const photoInput = byId("field-photo");
const photoList = byId("field-photo-list");
const photoError = byId("field-photo-error");
const note = byId("field-note");
const names = Object.fromEntries(config.categories.map((category) => [category.slug, category.name]));
let photos = []; // {file, url}

function showError(element, text) {
  element.textContent = text || "";
  element.hidden = !text;
}

function chosenCategory() {
  const radio = frequent.find((input) => input.checked);
  return radio ? radio.value : select.value;
}

// The one-tap choices and the full list are one choice: picking in one clears the other.
frequent.forEach((input) =>
  input.addEventListener("change", () => {
    select.value = "";
    showError(categoryError, "");
  }),
);
select.addEventListener("change", () => {
  frequent.forEach((input) => {
    input.checked = false;
  });
  showError(categoryError, "");
});

function renderPhotos() {
  photoList.replaceChildren(
    ...photos.map((photo, index) =>
      el(
        "li",
        { className: "field-photo" },
        el("img", { src: photo.url, alt: fill(strings.photo_alt, { number: index + 1, name: photo.file.name }) }),
        el("button", {
          type: "button",
          className: "field-photo__remove",
          text: "×",
          "aria-label": fill(strings.photo_remove, { number: index + 1 }),
          on: {
            click: () => {
              URL.revokeObjectURL(photo.url);
              photos.splice(index, 1);
              renderPhotos();
            },
          },
        }),
      ),
    ),
  );
}

photoInput.addEventListener("change", () => {
  showError(photoError, "");
  for (const file of Array.from(photoInput.files)) {
    if (photos.length >= config.photo_max_count) {
      showError(photoError, fill(strings.photos_max, { max: config.photo_max_count }));
      break;
    }
    if (!file.type.startsWith("image/")) {
      showError(photoError, fill(strings.photo_not_image, { name: file.name }));
      continue;
    }
    if (file.size > config.photo_max_bytes) {
      showError(photoError, fill(strings.photo_too_large, { name: file.name, max: config.photo_max_bytes / 1048576 }));
      continue;
    }
    photos.push({ file, url: URL.createObjectURL(file) });
  }
  photoInput.value = ""; // the same camera button takes the next photo
  renderPhotos();
});

function resetForm() {
  form.reset();
  photos.forEach((photo) => URL.revokeObjectURL(photo.url));
  photos = [];
  renderPhotos();
}

form.addEventListener("submit", async (event) => {
  event.preventDefault();
  const { lat, lon, inside, address } = place.state;
  if (lat === null) {
    place.showError(strings.no_place);
    place.focusError();
    return;
  }
  if (inside === false) {
    place.focusError();
    return;
  }
  const category = chosenCategory();
  if (!category) {
    showError(categoryError, strings.choose_category);
    (frequent[0] || select).focus();
    return;
  }
  const impact = form.querySelector('input[name="impact"]:checked');
  const item = {
    key: newKey(),
    owner: config.user.id,
    createdAt: new Date().toISOString(),
    state: "waiting",
    errors: [],
    categoryName: names[category] || category,
    fields: {
      kind: config.kind,
      channel: config.channel,
      category,
      lat,
      lon,
      address,
      impact: impact ? impact.value : "",
      description: note.value.trim() || strings.default_description,
      language: config.language,
    },
    photos: photos.map((photo) => ({ blob: photo.file, name: photo.file.name || "foto.jpg", type: photo.file.type })),
  };
  try {
    await queue.add(item);
  } catch {
    say(strings.storage_failed); // nothing is lost: the form still holds what was entered
    return;
  }
  resetForm();
  say(strings.kept);
  queue.sendAll();
});

queue.onReceived(({ reference, again }) => {
  say(fill(again ? strings.received_before : strings.received, { reference }));
  mine.refresh();
  around.refresh();
});
queue.onRefused(() => say(strings.refused_notice));

// --- Start ------------------------------------------------------------------------------------------------------

place.onChange(debounce((state) => {
  if (!state.checking) around.refresh();
}, 300));

window.addEventListener("offline", () => connection(false));
window.addEventListener("online", () => {
  connection(true);
  if (place.state.lat !== null && place.state.inside === null) place.check(); // then "around me" follows
  else around.refresh();
  mine.refresh();
});
connection(navigator.onLine);

if ("serviceWorker" in navigator) {
  navigator.serviceWorker.register(config.urls.worker, { scope: config.urls.scope }).catch(() => {
    // No worker (a private window, a browser that refuses): the page still works while online.
  });
}

// Logging out forgets the kept copy of the page (it names this account); waiting reports stay: they are sent once
// their author logs in again on this phone.
const logout = document.querySelector(".field-logout");
logout.addEventListener("submit", async (event) => {
  if (!("caches" in window) || logout.dataset.cleared) return;
  event.preventDefault();
  try {
    const names = (await caches.keys()).filter((name) => name.startsWith("veld-"));
    await Promise.all(names.map(async (name) => (await caches.open(name)).delete(config.urls.scope)));
  } finally {
    logout.dataset.cleared = "true";
    logout.submit();
  }
});

place.locate();
mine.refresh();
queue
  .reload()
  .then(() => {
    if (navigator.onLine) queue.sendAll();
  })
  .catch(() => say(strings.storage_failed))
  .finally(() => {
    window.fieldReady = true; // for the browser tests
  });
