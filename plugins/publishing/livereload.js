// Live preview client, added by the dev server to the pages it serves (never to output/).
// It listens to the server's events: "changed" lists the site paths a rebuild rewrote (this page
// reloads, keeping its scroll position, or goes to its new address if it moved; it reloads too
// when a picture it shows changed; a changed stylesheet is swapped in place), "problems" shows
// the build's errors over the last good page, and "hello" reloads a page served by an earlier
// server process once a restarted one has built the site.
(function () {
  "use strict";
  var server = document.currentScript.getAttribute("data-server");
  var scrollKey = "devserver-scroll:" + location.pathname;
  var saved = sessionStorage.getItem(scrollKey);
  if (saved !== null) {
    sessionStorage.removeItem(scrollKey);
    var y = parseInt(saved, 10);
    var restore = function () { window.scrollTo(0, y); };
    restore();
    window.addEventListener("load", restore);
  }

  function here() {
    var path = decodeURIComponent(location.pathname).replace(/^\/+/, "");
    return path === "" || path.slice(-1) === "/" ? path + "index.html" : path;
  }

  function reload() {
    sessionStorage.setItem(scrollKey, String(window.scrollY));
    location.reload();
  }

  // The page's Date or Slug changed: its old address is gone, so the tab goes where it went
  // (replacing the old address in the history, where Back would only find "Page not found").
  function follow(path) {
    var url = new URL("/" + path.replace(/(^|\/)index\.html$/, "$1"), location.href);
    sessionStorage.setItem("devserver-scroll:" + url.pathname, String(window.scrollY));
    location.replace(url.href + location.hash);
  }

  // The site's files this page loaded (pictures, scripts, fonts, a stylesheet's pictures):
  // saved again under the same name, they change no page, yet the tab shows them stale.
  function loadedHere(paths) {
    return performance.getEntriesByType("resource").some(function (entry) {
      var url = new URL(entry.name);
      return url.origin === location.origin &&
        paths.indexOf(decodeURIComponent(url.pathname).replace(/^\/+/, "")) >= 0;
    });
  }

  function swapStylesheets(paths) {
    var links = document.querySelectorAll('link[rel="stylesheet"]');
    var swapped = 0;
    links.forEach(function (link) {
      var url = new URL(link.href, location.href);
      if (url.origin !== location.origin) return;
      if (paths.indexOf(decodeURIComponent(url.pathname).replace(/^\/+/, "")) < 0) return;
      var fresh = link.cloneNode();
      url.searchParams.set("devserver", String(Date.now()));
      fresh.href = url.href;
      fresh.addEventListener("load", function () { link.remove(); });
      link.after(fresh);
      swapped += 1;
    });
    return swapped;
  }

  var overlay = null;
  function showProblems(problems) {
    if (!problems.length) {
      if (overlay) { overlay.remove(); overlay = null; }
      return;
    }
    if (!overlay) {
      overlay = document.createElement("div");
      overlay.id = "devserver-problems";
      overlay.setAttribute("role", "alert");
      overlay.style.cssText = "position:fixed;inset:auto 0 0 0;max-height:60vh;overflow:auto;" +
        "z-index:2147483647;margin:0;padding:1rem 1.25rem;background:#2b0b0b;color:#ffe9e9;" +
        "font:14px/1.5 ui-monospace,monospace;border-top:4px solid #e5484d;white-space:pre-wrap";
      document.body.appendChild(overlay);
    }
    var title = document.createElement("strong");
    title.textContent = "The preview is not up to date: fix the problem and save.\n";
    overlay.replaceChildren(title);
    problems.forEach(function (text) {
      var line = document.createElement("div");
      line.textContent = text;
      overlay.appendChild(line);
    });
  }

  var events = new EventSource("/__devserver/events");
  events.addEventListener("hello", function (event) {
    if (JSON.parse(event.data).server !== server) reload();
  });
  events.addEventListener("problems", function (event) {
    showProblems(JSON.parse(event.data).problems);
  });
  events.addEventListener("changed", function (event) {
    var data = JSON.parse(event.data);
    var paths = data.paths;
    if (Object.prototype.hasOwnProperty.call(data.moved, here())) {
      follow(data.moved[here()]);
      return;
    }
    var sheets = paths.filter(function (path) { return /\.css$/.test(path); });
    var others = paths.filter(function (path) { return !/\.css$/.test(path); });
    if (paths.indexOf(here()) >= 0 || loadedHere(others)) { reload(); return; }
    if (sheets.length) swapStylesheets(sheets);
  });
})();
