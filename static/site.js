// Progressive extras: copy buttons and bringing the targeted passage into view.
// Everything works without this file; the buttons stay hidden then.
(function () {
  "use strict";

  function copyText(text, button) {
    var done = function () {
      var label = button.textContent;
      button.textContent = "Copied";
      setTimeout(function () { button.textContent = label; }, 1500);
    };
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text).then(done, function () { fallbackCopy(text, done); });
    } else {
      fallbackCopy(text, done);
    }
  }

  // Plain http on a LAN address has no clipboard API: select a hidden textarea instead.
  function fallbackCopy(text, done) {
    var area = document.createElement("textarea");
    area.value = text;
    area.setAttribute("readonly", "");
    area.className = "offscreen";
    document.body.appendChild(area);
    area.select();
    try { document.execCommand("copy"); done(); } catch (e) { /* the text stays selectable */ }
    document.body.removeChild(area);
  }

  document.querySelectorAll("button.copy").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () {
      var href = button.getAttribute("data-copy-href");
      var target = button.getAttribute("data-copy-target");
      if (href) {
        copyText(new URL(href, window.location.href).href, button);
      } else if (target) {
        copyText(document.getElementById(target).value, button);
      }
    });
  });

  // Browsers put a targeted passage at the very top; centring it shows what led up to it,
  // and focus lets keyboard users go on from there.
  function showTarget() {
    var id = decodeURIComponent(window.location.hash.slice(1));
    var el = id && document.getElementById(id);
    if (el) {
      el.scrollIntoView({ block: "center" });
      if (!el.hasAttribute("tabindex")) { el.setAttribute("tabindex", "-1"); }
      el.focus({ preventScroll: true });
    }
  }
  window.addEventListener("hashchange", showTarget);

  // Matches of the search a reader came from: "3 of 17", n / p and the buttons move
  // between the marked words; the first one (or the first in the linked passage) is shown.
  var marks = Array.prototype.slice.call(document.querySelectorAll(".text mark"));
  var nav = document.querySelector(".match-nav");
  var current = -1;

  function showMatch(i, scroll) {
    if (!marks.length) { return; }
    if (current >= 0) { marks[current].classList.remove("current-match"); }
    current = (i + marks.length) % marks.length;
    var mark = marks[current];
    mark.classList.add("current-match");
    if (scroll) { mark.scrollIntoView({ block: "center" }); }
    nav.querySelector(".match-count").textContent = (current + 1) + " of " + marks.length;
  }

  function firstMatch() {
    var id = decodeURIComponent(window.location.hash.slice(1));
    var target = id && document.getElementById(id);
    for (var i = 0; target && i < marks.length; i++) {
      if (target.contains(marks[i])) { return i; }
    }
    return 0;
  }

  if (nav && marks.length) {
    nav.hidden = false;
    nav.querySelector(".next-match").addEventListener("click", function () { showMatch(current + 1, true); });
    nav.querySelector(".prev-match").addEventListener("click", function () { showMatch(current - 1, true); });
  } else if (nav) {
    nav.hidden = false;
    nav.querySelector(".match-count").textContent = "No match in this version";
    nav.querySelectorAll("button").forEach(function (b) { b.hidden = true; });
  }

  function typing(event) {
    var el = event.target;
    return el && (el.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(el.tagName));
  }

  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey || typing(event)) { return; }
    if (event.key === "/") {
      var box = document.querySelector("#q, input[type=search]");
      if (box) { event.preventDefault(); box.focus(); box.select(); }
    } else if (marks.length && (event.key === "n" || event.key === "p")) {
      event.preventDefault();
      showMatch(current + (event.key === "n" ? 1 : -1), true);
    }
  });

  // On a phone the interview's facts, versions and contents start folded (the text first).
  if (window.matchMedia("(max-width: 40rem)").matches) {
    document.querySelectorAll("details[data-fold-narrow]").forEach(function (d) { d.open = false; });
  }

  // Printed links carry their full address (print.css shows it after the link).
  // A link whose text is already its address is left alone.
  document.querySelectorAll("main a[href]").forEach(function (a) {
    if (a.textContent.trim() === a.getAttribute("href")) { a.classList.add("bare"); }
    else { a.setAttribute("data-href", a.href); }
  });

  // after "load": the browser's own jump to the fragment comes late and would undo ours
  window.addEventListener("load", function () {
    if (window.location.hash) {
      showTarget();
      showMatch(firstMatch(), false);
    } else {
      showMatch(0, true);
    }
  });
})();
