// Arbitre's pages: the upload progress bar (HTMX's XHR progress events); nothing else runs here.
"use strict";
document.addEventListener("htmx:xhr:progress", function (event) {
  var form = event.target.closest("form");
  var bar = form && form.querySelector("progress");
  if (bar && event.detail.lengthComputable) {
    bar.hidden = false;
    bar.value = Math.round((event.detail.loaded / event.detail.total) * 100);
  }
});
document.addEventListener("htmx:beforeRequest", function (event) {
  var form = event.target.closest("form");
  var bar = form && form.querySelector("progress");
  if (bar) { bar.hidden = false; bar.value = 0; }
});
document.addEventListener("htmx:afterRequest", function (event) {
  var form = event.target.closest("form");
  var bar = form && form.querySelector("progress");
  if (bar) { bar.value = 100; }
});
