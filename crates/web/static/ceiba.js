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
  document.querySelectorAll("form.filters select").forEach(function (sel) {
    sel.addEventListener("change", function () { sel.form.submit(); });
  });
})();
