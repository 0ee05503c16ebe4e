// Refresh the values of the page: fetch its fragment every few seconds and swap it in.
(function () {
  "use strict";
  var main = document.getElementById("fragment");
  if (!main || !main.dataset.src) { return; }
  var every = Math.max(1, parseInt(main.dataset.refreshS || "5", 10)) * 1000;
  function refresh() {
    fetch(main.dataset.src, { credentials: "same-origin", cache: "no-store" })
      .then(function (response) {
        if (!response.ok) { throw new Error("HTTP " + response.status); }
        return response.text();
      })
      .then(function (html) {
        main.innerHTML = html;
        main.classList.remove("stale");
        main.dataset.refreshes = String(parseInt(main.dataset.refreshes || "0", 10) + 1);
      })
      .catch(function () { main.classList.add("stale"); });
  }
  setInterval(refresh, every);
}());
