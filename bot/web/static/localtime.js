// Show each event's time in the visitor's own time zone (the venue's time stays visible).
(function () {
  "use strict";
  if (!window.Intl || !Intl.DateTimeFormat) return;
  var zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  // In the page's language (<html lang>), as the rest of the page is written; 24-hour
  // clocks as every other time on the page (Hindi and Marathi would otherwise say am/pm).
  var lang = document.documentElement.lang || undefined;
  var full = new Intl.DateTimeFormat(lang, {
    weekday: "short", day: "numeric", month: "short", year: "numeric",
    hour: "2-digit", minute: "2-digit", hourCycle: "h23", timeZoneName: "short"
  });
  var clock = new Intl.DateTimeFormat(lang, { hour: "2-digit", minute: "2-digit", hourCycle: "h23" });
  document.querySelectorAll("[data-your-zone]").forEach(function (node) {
    if (zone) node.textContent = zone;
  });
  document.querySelectorAll("time[data-start]:not([data-all-day])").forEach(function (node) {
    var start = new Date(node.getAttribute("data-start"));
    var end = new Date(node.getAttribute("data-end"));
    if (isNaN(start) || isNaN(end)) return;
    var target = node.closest("article").querySelector("[data-local-for]");
    if (!target) return;
    var sameDay = start.toDateString() === end.toDateString();
    target.querySelector("span").textContent =
      full.format(start) + " – " + (sameDay ? clock.format(end) : full.format(end));
    target.hidden = false;
  });
})();
