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
  // Switching version keeps the place: the version links carry the passage in view
  // (?near=<id>), and the other version opens at its counterpart (data-focus).
  // The version links stand above the text: scrolling up to them must not lose the place,
  // so above the text the last passage read is kept.
  var keepers = document.querySelectorAll("a[data-keep-place]");
  var text = document.querySelector("section.text");
  var passages = document.querySelectorAll("section.text article.passage[id]");
  var reading = null;
  function inView() {
    if (text && text.getBoundingClientRect().top > 80) { return reading; }
    for (var n = 0; n < passages.length; n++) {
      var box = passages[n].getBoundingClientRect();
      if (box.bottom > 80) { reading = passages[n]; break; }  // the first one not scrolled past
    }
    return reading;
  }
  function keepPlace() {
    var here = inView();
    keepers.forEach(function (a) {
      var url = new URL(a.href, window.location.href);
      if (here) { url.searchParams.set("near", here.id); } else { url.searchParams.delete("near"); }
      a.href = url.pathname + url.search;
    });
  }
  if (keepers.length && passages.length) {
    var pending = false;
    window.addEventListener("scroll", function () {
      if (!pending) {
        pending = true;
        window.requestAnimationFrame(function () { pending = false; keepPlace(); });
      }
    }, { passive: true });
    keepers.forEach(function (a) { a.addEventListener("focus", keepPlace); a.addEventListener("mouseenter", keepPlace); });
  }

  function showFocus() {
    var holder = document.querySelector("[data-focus]");
    var el = holder && document.getElementById(holder.getAttribute("data-focus"));
    if (!el || window.location.hash) { return false; }
    el.classList.add("focus");
    el.scrollIntoView({ block: "start" });
    reading = el;
    keepPlace();
    return true;
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

  // A filter field with data-suggest (the search page's interview) fills its <datalist>
  // with the titles the archive suggests for what is typed; the browser shows them and
  // the chosen title is sent as typed (the search reads a title or a slug).
  document.querySelectorAll("input[data-suggest][list]").forEach(function (field) {
    var list = document.getElementById(field.getAttribute("list"));
    var timer = null;
    var asked = "";
    function fill(items) {
      list.textContent = "";
      items.forEach(function (item) {
        var option = document.createElement("option");
        option.value = item.title;
        list.appendChild(option);
      });
    }
    function suggest() {
      var typed = field.value.trim();
      if (typed === asked) { return; }
      asked = typed;
      if (!typed) { fill([]); return; }
      var url = field.getAttribute("data-suggest") + "?q=" + encodeURIComponent(typed);
      fetch(url, { headers: { Accept: "application/json" } })
        .then(function (r) { return r.ok ? r.json() : { items: [] }; })
        .then(function (data) { if (asked === typed) { fill(data.items); } })
        .catch(function () { /* the field still takes what is typed */ });
    }
    field.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(suggest, 120);  // one request per pause in typing, not per key
    });
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
    if (showFocus()) {
      // opened at the counterpart of the passage read in another version (?near=)
    } else if (window.location.hash) {
      showTarget();
      showMatch(firstMatch(), false);
    } else {
      showMatch(0, true);
    }
    if (keepers.length) { keepPlace(); }
  });
})();
