/*
 * Small helpers shared by the report flow's modules (meld*.js).
 */

export function byId(id) {
  return document.getElementById(id);
}

export function pageLanguage() {
  return document.documentElement.lang || "nl";
}

/** Fill "%(name)s" placeholders, as the translated strings from the view use them. */
export function fill(template, values) {
  return String(template).replace(/%\((\w+)\)s/g, (match, name) => (values[name] !== undefined ? values[name] : match));
}

/** A counted text: `forms` is {one, other} from the view; the page's language picks the form. */
export function plural(forms, count) {
  const rule = new Intl.PluralRules(pageLanguage()).select(count);
  return fill(rule === "one" ? forms.one : forms.other, { count: formatNumber(count) });
}

export function formatNumber(value, options) {
  return new Intl.NumberFormat(pageLanguage(), options).format(value);
}

export function formatMetres(metres) {
  if (metres >= 1000) {
    return formatNumber(metres / 1000, { style: "unit", unit: "kilometer", maximumFractionDigits: 1 });
  }
  return formatNumber(Math.round(metres), { style: "unit", unit: "meter" });
}

/** "3 days ago" in the page's language, from an ISO date-time. */
export function formatAge(iso, now = Date.now()) {
  const seconds = (new Date(iso).getTime() - now) / 1000;
  const format = new Intl.RelativeTimeFormat(pageLanguage(), { numeric: "auto" });
  const units = [
    ["year", 365 * 86400],
    ["month", 30 * 86400],
    ["week", 7 * 86400],
    ["day", 86400],
    ["hour", 3600],
    ["minute", 60],
  ];
  for (const [unit, size] of units) {
    if (Math.abs(seconds) >= size) {
      return format.format(Math.round(seconds / size), unit);
    }
  }
  // Under a minute: "nu" / "now". Zero minutes reads as the future in some languages ("binnen een minuut").
  return format.format(0, "second");
}

/** A date (YYYY-MM-DD) as the page's language writes it: "14 maart 2026". */
export function formatDate(isoDate) {
  // Noon, so that no time zone moves the day.
  return new Intl.DateTimeFormat(pageLanguage(), { dateStyle: "long" }).format(new Date(`${isoDate}T12:00:00`));
}

/** Great-circle distance in metres (haversine on a sphere: plenty for "is the photo far from the pin?"). */
export function distanceMetres(a, b) {
  const rad = (deg) => (deg * Math.PI) / 180;
  const dLat = rad(b.lat - a.lat);
  const dLon = rad(b.lon - a.lon);
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(rad(a.lat)) * Math.cos(rad(b.lat)) * Math.sin(dLon / 2) ** 2;
  return 2 * 6371008.8 * Math.asin(Math.sqrt(h));
}

/** Lowercase without accents, for searching "ideeen" in "Ideeën". */
export function normalise(text) {
  return String(text)
    .normalize("NFD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .trim();
}

export function debounce(fn, ms) {
  let timer = null;
  return (...args) => {
    clearTimeout(timer);
    timer = setTimeout(() => fn(...args), ms);
  };
}

/** Create an element with attributes, properties and children in one call. */
export function el(tag, attributes = {}, ...children) {
  const element = document.createElement(tag);
  for (const [key, value] of Object.entries(attributes)) {
    if (value === null || value === undefined || value === false) continue;
    if (key === "text") element.textContent = value;
    else if (key === "on")
      Object.entries(value).forEach(([event, handler]) => element.addEventListener(event, handler));
    else if (key in element && !key.includes("-") && key !== "list") element[key] = value;
    else element.setAttribute(key, value === true ? "" : value);
  }
  element.append(...children.filter((child) => child !== null && child !== undefined));
  return element;
}
