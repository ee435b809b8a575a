// The reader's only script: the Summarize toggle and source highlighting.
// Without it the summary is simply shown and "source" links jump to the original text.
"use strict";

(function () {
  const button = document.getElementById("summarize");
  const summary = document.getElementById("summary");
  if (button && summary) {
    button.hidden = false;
    summary.hidden = true;
    button.addEventListener("click", function () {
      const opening = summary.hidden;
      summary.hidden = !opening;
      button.setAttribute("aria-expanded", String(opening));
      button.textContent = opening ? "Hide summary" : "Summarize";
    });
  }

  // Pieces of the original text, each tagged with its [start, end) offsets.
  const pieces = Array.from(document.querySelectorAll("#source [data-s]"));
  if (!pieces.length) return;
  let pinned = null;

  function spansOf(el) {
    return (el.dataset.spans || "").split(" ").filter(Boolean).map(function (pair) {
      return pair.split("-").map(Number);
    });
  }

  function highlight(el) {
    const spans = el ? spansOf(el) : [];
    let first = null;
    for (const piece of pieces) {
      const s = Number(piece.dataset.s), e = Number(piece.dataset.e);
      const on = spans.some(function (span) { return s < span[1] && span[0] < e; });
      piece.classList.toggle("hl", on);
      if (on && !first) first = piece;
    }
    return first;
  }

  function owner(target) {
    return target.closest ? target.closest("[data-spans]") : null;
  }

  document.addEventListener("mouseover", function (event) {
    const el = owner(event.target);
    if (el) highlight(el);
  });
  document.addEventListener("mouseout", function (event) {
    if (owner(event.target)) highlight(pinned);
  });
  document.addEventListener("focusin", function (event) {
    const el = owner(event.target);
    if (el) highlight(el);
  });
  document.addEventListener("focusout", function (event) {
    if (owner(event.target)) highlight(pinned);
  });
  document.addEventListener("click", function (event) {
    const link = event.target.closest ? event.target.closest("a.src") : null;
    if (!link) return;
    event.preventDefault();
    pinned = pinned === link ? null : link;
    const first = highlight(pinned);
    if (first) first.scrollIntoView({ block: "center", behavior: "smooth" });
  });
})();
