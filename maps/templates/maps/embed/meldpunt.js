/*
 * Meldpunt on the city's own web site: the "meld iets" button, alone or under a small map of open reports.
 *
 *   <script src="https://meldpunt.example.be/embed/meldpunt.js" data-map="1" data-lang="fr" async></script>
 *
 *   data-map     "1": the button under a small map of open reports; left out: the button alone
 *   data-lang    nl, fr, de or en; left out: the page's own <html lang> when the meldpunt offers it, else Dutch
 *   data-height  the frame's height in pixels (80 for the button, 420 with the map)
 *
 * The script inserts one iframe right after its own tag, from the server it was loaded from, and does nothing
 * else: it reads no cookie, sets none and asks nothing of any other server. The frame is sandboxed: it runs its
 * own scripts and may open the report page in a tab of its own, but it cannot navigate the city's page. The
 * meldpunt shows it only on the sites it was configured for (MELDPUNT_EMBED_ORIGINS).
 */
(function (document) {
  "use strict";

  var config = {{ config|safe }};
  var script = document.currentScript;
  if (!script || !script.src || script.hasAttribute("data-meldpunt-inserted")) return;
  script.setAttribute("data-meldpunt-inserted", "");

  function language() {
    var wanted = (script.getAttribute("data-lang") || document.documentElement.lang || "").toLowerCase().slice(0, 2);
    return config.languages.indexOf(wanted) !== -1 ? wanted : config.default_language;
  }

  var map = script.getAttribute("data-map");
  var kind = map && map !== "0" && map !== "false" ? "kaart" : "knop";
  var lang = language();
  var height = parseInt(script.getAttribute("data-height"), 10);

  var frame = document.createElement("iframe");
  frame.src = new URL(config.paths[kind] + "?lang=" + lang, script.src).href;
  frame.title = config.titles[lang][kind];
  frame.className = "meldpunt-embed meldpunt-embed--" + kind;
  frame.setAttribute("loading", "lazy");
  frame.setAttribute("sandbox", "allow-scripts allow-same-origin allow-popups allow-popups-to-escape-sandbox");
  frame.style.display = "block";
  frame.style.width = "100%";
  frame.style.border = "0";
  frame.style.height = (height > 0 ? height : config.heights[kind]) + "px";
  script.parentNode.insertBefore(frame, script.nextSibling);
})(document);
