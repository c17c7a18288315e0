// The live preview's one event stream, shared by every open tab of the preview (a SharedWorker
// that livereload.js starts). A browser opens at most six connections to one server: with a
// stream of its own in each tab, a seventh tab never loaded.
"use strict";
var ports = [];
// The latest "hello" and "problems", for a tab that opens later.
var latest = {};
var events = new EventSource("/__devserver/events");
// The server went away (restarted): a tab opened meanwhile is not to compare itself with it.
events.addEventListener("error", function () { delete latest.hello; });
["hello", "problems", "changed"].forEach(function (name) {
  events.addEventListener(name, function (event) {
    var message = { name: name, data: JSON.parse(event.data) };
    if (name !== "changed") latest[name] = message;
    ports.forEach(function (port) { port.postMessage(message); });
  });
});

self.onconnect = function (event) {
  var port = event.ports[0];
  ports.push(port);
  port.onmessage = function (message) {
    if (message.data === "bye" && ports.indexOf(port) >= 0) ports.splice(ports.indexOf(port), 1);
  };
  Object.keys(latest).forEach(function (name) { port.postMessage(latest[name]); });
};
