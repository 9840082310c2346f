// Coalition's progressive enhancement, in plain JavaScript (no build step, no library).
// Every page works without it; with it:
//  - [data-autofocus-errors]: focus the list of a form's errors after a failed submit;
//  - input[data-search]: search-as-you-type against a JSON endpoint of the same site,
//    filling a hidden field with the chosen value (see the post-demand form);
//  - [data-live]: a region refreshed from a server-sent events stream of the same site.
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    var errors = document.getElementById("form-errors");
    if (errors) { errors.focus(); }
    document.querySelectorAll("input[data-search]").forEach(setupSearch);
    document.querySelectorAll("[data-live]").forEach(setupLive);
  });

  function setupSearch(input) {
    var list = document.getElementById(input.getAttribute("aria-controls"));
    var target = document.getElementById(input.dataset.target);
    var timer = null;
    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(function () { search(input, list, target); }, 200);
    });
  }

  function search(input, list, target) {
    var q = input.value.trim();
    if (q.length < 2) { list.innerHTML = ""; input.setAttribute("aria-expanded", "false"); return; }
    fetch(input.dataset.search + "?q=" + encodeURIComponent(q), { credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.json() : []; })
      .then(function (items) {
        list.innerHTML = "";
        items.forEach(function (item) {
          var li = document.createElement("li");
          var b = document.createElement("button");
          b.type = "button";
          b.textContent = item.label;
          b.addEventListener("click", function () {
            target.value = item.value;
            input.value = item.label;
            list.innerHTML = "";
            input.setAttribute("aria-expanded", "false");
            input.dispatchEvent(new Event("change"));
            input.focus();
          });
          li.appendChild(b);
          list.appendChild(li);
        });
        input.setAttribute("aria-expanded", items.length ? "true" : "false");
        var status = document.getElementById(input.id + "-status");
        if (status) { status.textContent = items.length + " occupations found"; }
      });
  }

  // One stream per address, shared by the regions that name it; at each "refresh" the
  // page is fetched again (as the signed-in person) and each region swapped for its new
  // self, then a polite status message says so.
  var streams = {};
  function setupLive(region) {
    if (!window.EventSource) { return; }
    var url = region.dataset.live;
    if (streams[url]) { streams[url].push(region); return; }
    streams[url] = [region];
    var source = new EventSource(url);
    source.addEventListener("refresh", function () {
      fetch(window.location.href, { credentials: "same-origin", headers: { "X-Fragment": "1" } })
        .then(function (r) { return r.ok ? r.text() : null; })
        .then(function (html) {
          if (html === null) { return; }
          var doc = new DOMParser().parseFromString(html, "text/html");
          streams[url].forEach(function (old) {
            var fresh = doc.getElementById(old.id);
            if (fresh) { old.innerHTML = fresh.innerHTML; old.dataset.updated = String(Date.now()); }
          });
          var status = document.getElementById("live-status");
          if (status) { status.textContent = "Updated " + new Date().toLocaleTimeString(); }
        });
    });
  }
})();
