// Progressive enhancement only: every page works without this file.
(function () {
  "use strict";
  // "Copy link" buttons: shown only where the Clipboard API exists.
  document.querySelectorAll("button.copy[data-copy]").forEach(function (btn) {
    if (!navigator.clipboard) return;
    btn.hidden = false;
    btn.addEventListener("click", function () {
      var url = new URL(btn.getAttribute("data-copy"), window.location.href).href;
      navigator.clipboard.writeText(url).then(function () {
        var label = btn.textContent;
        btn.textContent = btn.getAttribute("data-done");
        setTimeout(function () { btn.textContent = label; }, 2000);
      });
    });
  });
  // Filter selects apply themselves; the submit button stays for keyboard users.
  document.querySelectorAll("form.filters select, select[data-autosubmit]").forEach(function (sel) {
    sel.addEventListener("change", function () { sel.form.submit(); });
  });
  // On a phone the facets would push the results off the screen: fold the unused ones.
  if (window.matchMedia && window.matchMedia("(max-width: 52rem)").matches) {
    document.querySelectorAll("details.facet").forEach(function (d) {
      if (!d.querySelector("a.selected")) d.open = false;
    });
  }
  // Selects that apply themselves need no button.
  document.querySelectorAll("select[data-autosubmit]").forEach(function (sel) {
    var btn = sel.form && sel.form.querySelector("button[type=submit]");
    if (btn) btn.hidden = true;
  });
  // The chart builder redraws in place; without this file the form reloads the page.
  document.querySelectorAll("form.chart-form").forEach(function (form) {
    var figure = document.querySelector("figure.chart");
    if (!figure || !window.fetch || !window.URLSearchParams) return;
    var seq = 0;
    form.addEventListener("change", function () {
      var params = new URLSearchParams(new FormData(form));
      var lang = document.documentElement.lang === "en" ? "en" : "es";
      var mine = ++seq;
      params.set("lang", lang);
      fetch(form.action + ".svg?" + params.toString())
        .then(function (r) { return r.ok ? r.text() : null; })
        .then(function (svg) {
          if (svg === null || mine !== seq) return;
          var old = figure.querySelector("svg");
          var doc = new DOMParser().parseFromString(svg, "image/svg+xml");
          var fresh = document.importNode(doc.documentElement, true);
          if (old) figure.replaceChild(fresh, old); else figure.insertBefore(fresh, figure.firstChild);
          params.delete("lang");
          history.replaceState(null, "", form.action + "?" + params.toString());
          // The "save as view" form keeps what is drawn now.
          var save = document.querySelector("form.save-view");
          if (save) {
            save.querySelector("input[name=params]").value = params.toString();
            var title = save.querySelector("input[name=title]");
            var t = fresh.querySelector("title");
            if (title && !title.dataset.edited && t) title.value = t.textContent;
          }
        })
        .catch(function () {});
    });
  });
  document.querySelectorAll("form.save-view input[name=title]").forEach(function (input) {
    input.addEventListener("input", function () { input.dataset.edited = "1"; });
  });
  // Suggestions while typing (datasets, categories, publishers); the form works without.
  document.querySelectorAll("input[data-suggest]").forEach(function (input) {
    var base = input.getAttribute("data-suggest");
    var lang = base === "/en" ? "en" : "es";
    var box = document.createElement("ul");
    box.id = input.id + "-suggest";
    box.className = "suggest";
    box.setAttribute("role", "listbox");
    box.hidden = true;
    input.parentNode.insertBefore(box, input.nextSibling);
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-controls", box.id);
    input.setAttribute("aria-expanded", "false");
    var timer = null, last = "", active = -1, seq = 0;
    function close() {
      box.hidden = true; active = -1;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
    }
    function options() { return box.querySelectorAll("[role=option]"); }
    function highlight(i) {
      var opts = options();
      if (!opts.length) return;
      active = (i + opts.length) % opts.length;
      opts.forEach(function (o, j) { o.setAttribute("aria-selected", j === active ? "true" : "false"); });
      input.setAttribute("aria-activedescendant", opts[active].id);
    }
    function render(data) {
      box.textContent = "";
      var n = 0;
      [["datasets"], ["categories"], ["organizations"]].forEach(function (g) {
        (data[g[0]] || []).forEach(function (item) {
          var li = document.createElement("li");
          li.id = box.id + "-" + n++;
          li.setAttribute("role", "option");
          li.className = "suggest-" + g[0];
          var a = document.createElement("a");
          a.href = item.url;
          a.textContent = item.title;
          a.tabIndex = -1;
          li.appendChild(a);
          box.appendChild(li);
        });
      });
      if (n === 0) { close(); return; }
      box.hidden = false;
      input.setAttribute("aria-expanded", "true");
    }
    input.addEventListener("input", function () {
      var q = input.value.trim();
      clearTimeout(timer);
      if (q.length < 2) { close(); return; }
      timer = setTimeout(function () {
        if (q === last) return;
        last = q;
        var mine = ++seq;
        fetch("/api/v1/suggest?lang=" + lang + "&q=" + encodeURIComponent(q))
          .then(function (r) { return r.ok ? r.json() : null; })
          .then(function (data) { if (data && mine === seq) render(data); })
          .catch(function () { close(); });
      }, 150);
    });
    input.addEventListener("keydown", function (e) {
      if (box.hidden) return;
      if (e.key === "ArrowDown") { e.preventDefault(); highlight(active + 1); }
      else if (e.key === "ArrowUp") { e.preventDefault(); highlight(active - 1); }
      else if (e.key === "Escape") { close(); }
      else if (e.key === "Enter" && active >= 0) {
        e.preventDefault();
        window.location.href = options()[active].querySelector("a").href;
      }
    });
    input.addEventListener("blur", function () { setTimeout(close, 200); });
  });
  // The URL name follows the title until the publisher types one (new datasets only).
  document.querySelectorAll("input[data-slug-from]").forEach(function (name) {
    var title = document.getElementById(name.getAttribute("data-slug-from"));
    if (!title || name.hasAttribute("data-slug-locked")) return;
    var touched = name.value !== "";
    name.addEventListener("input", function () { touched = name.value !== ""; });
    title.addEventListener("input", function () {
      if (touched) return;
      name.value = title.value.toLowerCase().normalize("NFD").replace(/[\u0300-\u036f]/g, "")
        .replace(/[^a-z0-9]+/g, "-").replace(/^-+/, "").slice(0, 80).replace(/-+$/, "");
    });
  });
  // Markdown previews, drawn by the server with the same rules as the published page.
  document.querySelectorAll("textarea[data-preview]").forEach(function (area) {
    var box = document.getElementById(area.getAttribute("data-preview"));
    var form = area.form;
    if (!box || !form || !window.fetch || !window.URLSearchParams) return;
    var csrf = form.querySelector("input[name=_csrf]");
    var base = document.documentElement.lang === "en" ? "/en" : "";
    var timer = null, seq = 0;
    function draw() {
      var mine = ++seq;
      var body = new URLSearchParams();
      body.set("_csrf", csrf ? csrf.value : "");
      body.set("text", area.value);
      fetch(base + "/markdown/preview", { method: "POST", body: body, credentials: "same-origin" })
        .then(function (r) { return r.ok ? r.text() : ""; })
        .then(function (html) {
          if (mine !== seq) return;
          box.innerHTML = html;
          box.hidden = html === "";
        });
    }
    area.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(draw, 400);
    });
    if (area.value) draw();
  });
  // Uploads: too-large files are refused before sending, and a progress bar shows the
  // upload; without this file the form posts as usual.
  document.querySelectorAll("form[data-upload-progress]").forEach(function (form) {
    var input = form.querySelector("input[type=file]");
    var bar = form.querySelector("progress.upload-progress");
    var status = form.querySelector(".upload-status");
    if (!input || !window.FormData || !window.XMLHttpRequest) return;
    input.addEventListener("change", function () {
      var max = Number(input.getAttribute("data-max-bytes"));
      var file = input.files && input.files[0];
      if (file && max && file.size > max) {
        input.setCustomValidity(input.getAttribute("data-too-large"));
        if (status) status.textContent = input.getAttribute("data-too-large");
      } else {
        input.setCustomValidity("");
        if (status) status.textContent = "";
      }
    });
    form.addEventListener("submit", function (ev) {
      if (!input.files || !input.files[0]) return;
      ev.preventDefault();
      if (!input.checkValidity()) { input.reportValidity(); return; }
      var xhr = new XMLHttpRequest();
      xhr.open("POST", form.action);
      if (bar) { bar.hidden = false; bar.value = 0; }
      xhr.upload.addEventListener("progress", function (e) {
        if (!e.lengthComputable) return;
        var pct = Math.round(e.loaded * 100 / e.total);
        if (bar) bar.value = pct;
        if (status) status.textContent = pct + " %";
      });
      xhr.addEventListener("load", function () {
        if (xhr.status < 300 && xhr.responseURL && xhr.responseURL !== form.action) {
          window.location.assign(xhr.responseURL);
        } else {
          document.open();
          document.write(xhr.responseText);
          document.close();
        }
      });
      xhr.addEventListener("error", function () { form.submit(); });
      xhr.send(new FormData(form));
    });
  });
})();
