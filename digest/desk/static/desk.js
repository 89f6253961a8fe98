// The desk's only script (the CSP allows no other): preview toggles, kept across reloads, and the
// live reload: poll /version and reload when a build (a file change, a correction) has happened.
(function () {
  "use strict";
  const state = JSON.parse(sessionStorage.getItem("desk-view") || '{"width":"desktop","scheme":"light","part":"html"}');
  const preview = document.getElementById("preview");
  const frame = document.getElementById("email");
  const text = document.getElementById("text");

  function show() {
    if (!preview) return;
    preview.classList.toggle("phone", state.width === "phone");
    preview.classList.toggle("desktop", state.width !== "phone");
    if (frame && frame.dataset.src) {
      const src = frame.dataset.src + (state.scheme === "dark" ? "?scheme=dark" : "");
      if (frame.getAttribute("src") !== src) frame.setAttribute("src", src);
      frame.hidden = state.part === "text";
    }
    if (text) text.hidden = state.part !== "text";
    document.querySelectorAll("#toggles button").forEach(function (b) {
      const on = b.dataset.width === state.width || b.dataset.scheme === state.scheme || b.dataset.part === state.part;
      b.classList.toggle("on", on);
    });
    sessionStorage.setItem("desk-view", JSON.stringify(state));
  }

  document.querySelectorAll("#toggles button").forEach(function (b) {
    b.addEventListener("click", function () {
      if (b.dataset.width) state.width = b.dataset.width;
      if (b.dataset.scheme) { state.scheme = b.dataset.scheme; state.part = "html"; }
      if (b.dataset.part) state.part = state.part === "text" ? "html" : "text";
      show();
    });
  });
  show();

  const version = document.body.dataset.version;
  async function poll() {
    try {
      const answer = await fetch("/version", {cache: "no-store"});
      const now = await answer.json();
      if (String(now.version) !== version) { location.reload(); return; }
    } catch (e) { /* the desk is restarting: keep asking */ }
    setTimeout(poll, 700);
  }
  setTimeout(poll, 700);
})();
