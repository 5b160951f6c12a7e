/*
 * Step "What is it about?": the categories that accept the chosen kind, grouped under their parent, with a search
 * that filters as you type (accents and case ignored). A parent is a choice too ("something else about ...").
 * Once a place is known, the routing preview says which department will get it.
 */

import { byId, debounce, el, fill, normalise, plural } from "./meld-util.js";

export function setupCategories(ctx) {
  const { config, strings, api, state } = ctx;
  const list = byId("meld-category-list");
  const query = byId("meld-category-q");
  const count = byId("meld-category-count");
  const routing = byId("meld-routing");
  let categories = [];

  const loaded = api
    .get(config.urls.categories)
    .then(({ data }) => {
      categories = Array.isArray(data) ? data : [];
      render();
    })
    .catch(() => {
      count.textContent = strings.categories_failed;
    });

  const bySlug = (slug) => categories.find((c) => c.slug === slug) || null;
  const accepts = (category) => !state.kind || category.kinds.includes(state.kind);

  /** Groups of {parent, options: [{category, label}]} for the chosen kind and the search text. */
  function groups() {
    const q = normalise(query.value);
    const matches = (text) => !q || normalise(text).includes(q);
    const parents = categories.filter((c) => !c.parent);
    const result = [];
    for (const parent of parents) {
      const children = categories.filter((c) => c.parent === parent.slug && accepts(c));
      const groupMatches = matches(parent.name);
      const options = children
        .filter((c) => groupMatches || matches(c.name) || c.slug === state.category)
        .map((c) => ({ category: c, label: c.name }));
      if (accepts(parent) && (groupMatches || parent.slug === state.category)) {
        const label = children.length ? fill(strings.other_in_group, { name: parent.name }) : parent.name;
        options.push({ category: parent, label });
      }
      if (options.length) result.push({ parent, options });
    }
    return result;
  }

  function render() {
    const shown = groups();
    const total = shown.reduce((sum, group) => sum + group.options.length, 0);
    count.textContent = total ? plural(strings.categories_count, total) : strings.categories_none;
    list.replaceChildren(
      ...shown.map(({ parent, options }) => {
        const titleId = `meld-category-group-${parent.slug}`;
        return el(
          "div",
          { class: "meld-category-group", role: "group", "aria-labelledby": titleId },
          el("h3", { id: titleId, text: parent.name }),
          ...options.map(({ category, label }) => {
            const id = `meld-category-${category.slug}`;
            return el(
              "div",
              { class: "meld-radio" },
              el("input", {
                type: "radio",
                name: "category",
                id,
                value: category.slug,
                checked: category.slug === state.category,
              }),
              el("label", { for: id, text: label }),
            );
          }),
        );
      }),
    );
  }

  // Asked only with a category and a pin the location step found inside the city: nothing the API would refuse.
  // Asked again whenever either changes.
  const showRouting = debounce(async () => {
    routing.textContent = "";
    if (!state.category || state.lat === null) return;
    const asked = `${state.category}|${state.lat}|${state.lon}`;
    const place = await ctx.location.placeCheck();
    if (place.stale || place.inside === false || asked !== `${state.category}|${state.lat}|${state.lon}`) return;
    try {
      const { data } = await api.get(config.urls.routing_preview, {
        lat: state.lat,
        lon: state.lon,
        category: state.category,
      });
      if (asked === `${state.category}|${state.lat}|${state.lon}`) {
        routing.textContent = fill(strings.handled_by, { department: data.department.name });
      }
    } catch {
      // The location step shows a refused place; the preview is a courtesy and may stay silent.
    }
  }, 250);

  list.addEventListener("change", (event) => {
    if (event.target.name !== "category") return;
    state.category = event.target.value;
    ctx.clearError("category");
    ctx.save();
    ctx.categoryChanged();
    showRouting();
  });
  query.addEventListener("input", render);
  query.addEventListener("keydown", (event) => {
    if (event.key === "Enter") event.preventDefault(); // filtering is live; Enter must not leave the step
  });

  return {
    loaded,
    bySlug,
    showRouting,
    refreshKind() {
      const chosen = bySlug(state.category);
      if (chosen && !accepts(chosen)) {
        state.category = "";
        routing.textContent = "";
        ctx.categoryChanged();
      }
      render();
    },
    async validate() {
      await loaded;
      if (!state.category || !bySlug(state.category)) {
        ctx.fieldError("category", [strings.choose_category]);
        return false;
      }
      return true;
    },
  };
}
