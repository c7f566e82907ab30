// casebank's pages work without this script; it only saves round trips:
// results update while you type, the search box suggests completions, and
// the citation can be copied with one click.
(function () {
  "use strict";
  var box = document.getElementById("q");
  var results = document.getElementById("results");
  // Wide screens show the filters as a sidebar; CSS opens them where the
  // browser styles ::details-content, this where it does not.
  var openFilters = function () {
    var d = document.getElementById("filters");
    if (d && window.matchMedia && window.matchMedia("(min-width: 48.01rem)").matches) d.open = true;
  };
  openFilters();
  // Facet search boxes: shown only with this script; they hide the values
  // of a long facet that do not match (code or either label), opening its
  // "show more" while a word is typed.
  var findFacets = function () {
    document.querySelectorAll("input[data-facet-find]").forEach(function (input) {
      var section = input.closest("section");
      var more = section && section.querySelector("details.more");
      var none = input.parentNode.querySelector(".facet-none");
      if (!section || input.dataset.ready) return;
      input.dataset.ready = "1";
      var wasOpen = false, prev = "";
      input.parentNode.hidden = false;
      input.addEventListener("input", function () {
        var q = input.value.trim().toLowerCase(), shown = 0;
        if (prev === "" && more) wasOpen = more.open;
        prev = q;
        section.querySelectorAll("li[data-match]").forEach(function (li) {
          li.hidden = q !== "" && (li.textContent + " " + li.getAttribute("data-match")).toLowerCase().indexOf(q) < 0;
          if (!li.hidden) shown++;
        });
        if (more) more.open = q !== "" || wasOpen;
        if (none) none.hidden = shown > 0;
      });
    });
  };
  findFacets();
  if (box && box.form && results && window.fetch && window.DOMParser) {
    var timer, seq = 0;
    var update = function () {
      var params = new URLSearchParams(new FormData(box.form));
      params.delete("page");
      var url = "/?" + params.toString();
      var mine = ++seq;
      fetch(url, { headers: { "Accept": "text/html" } })
        .then(function (r) { return r.text(); })
        .then(function (html) {
          if (mine !== seq) return; // a newer search is on its way
          var doc = new DOMParser().parseFromString(html, "text/html");
          var fresh = doc.getElementById("results");
          if (!fresh) return;
          results.replaceChildren.apply(results, Array.prototype.slice.call(fresh.childNodes));
          openFilters();
          findFacets();
          history.replaceState(null, "", url);
          document.title = doc.title;
        })
        .catch(function () { /* the form still works with Enter */ });
    };
    var list = document.getElementById("suggestions");
    var suggest = function () {
      var word = box.value.split(/\s+/).pop();
      if (!list || word.length < 1) return;
      fetch("/api/v1/suggest?q=" + encodeURIComponent(word))
        .then(function (r) { return r.json(); })
        .then(function (data) {
          var head = box.value.slice(0, box.value.length - word.length);
          list.replaceChildren();
          (data.suggestions || []).forEach(function (s) {
            var o = document.createElement("option");
            o.value = head + s.text;
            list.appendChild(o);
          });
        })
        .catch(function () {});
    };
    box.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(function () { update(); suggest(); }, 250);
    });
    var n = box.value.length;
    box.setSelectionRange(n, n);
  }
  // Copy buttons: shown only when the clipboard can be used.
  document.querySelectorAll("button.copy").forEach(function (btn) {
    var target = document.getElementById(btn.getAttribute("data-copy"));
    if (!target || !navigator.clipboard) return;
    btn.hidden = false;
    btn.addEventListener("click", function () {
      navigator.clipboard.writeText(target.value || target.textContent).then(function () {
        btn.textContent = btn.textContent.replace(/^.*$/, document.documentElement.lang === "en" ? "Copied" : "已复制");
      });
    });
  });
})();
