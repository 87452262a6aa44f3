// The "Wzory SMS" editor: "Wstaw" fields, a live counter of characters, parts and cost,
// and the "zamień" fix for characters outside GSM-7. The counting rules are those of
// notifications/sms/gsm7.py (tests compare both).
(function () {
  "use strict";
  var BASIC = "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?" +
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà";
  var EXTENSION = "\f^{}\\[~]|€";
  var POLISH_FROM = "ąćęłńóśźżĄĆĘŁŃÓŚŹŻ", POLISH_TO = "acelnoszzACELNOSZZ";
  var TYPOGRAPHY = {"„": '"', "”": '"', "“": '"', "«": '"', "»": '"', "‘": "'", "’": "'",
    "‚": "'", "–": "-", "—": "-", "…": "...", "\u00a0": " ", "\t": " "};

  function septets(ch) {
    if (BASIC.indexOf(ch) >= 0) { return 1; }
    if (EXTENSION.indexOf(ch) >= 0) { return 2; }
    return 0;
  }
  function replacement(ch) {
    if (septets(ch)) { return ch; }
    if (Object.prototype.hasOwnProperty.call(TYPOGRAPHY, ch)) { return TYPOGRAPHY[ch]; }
    var i = POLISH_FROM.indexOf(ch);
    if (i >= 0) { return POLISH_TO[i]; }
    var stripped = ch.normalize("NFKD").replace(/[\u0300-\u036f]/g, "");
    if (stripped && Array.from(stripped).every(septets)) { return stripped; }
    return "";
  }
  function transliterate(text) {
    return Array.from(text).map(function (ch) { return replacement(ch) || "?"; }).join("");
  }
  function count(text) {
    var plain = Array.from(transliterate(text));
    var total = plain.reduce(function (n, ch) { return n + septets(ch); }, 0);
    if (total === 0) { return {chars: 0, parts: 0}; }
    if (total <= 160) { return {chars: total, parts: 1}; }
    var parts = 1, used = 0;
    plain.forEach(function (ch) {
      var w = septets(ch);
      if (used + w > 153) { parts += 1; used = 0; }
      used += w;
    });
    return {chars: total, parts: parts};
  }
  function offenders(text) {
    var seen = [];
    Array.from(text).forEach(function (ch) {
      if (!septets(ch) && seen.indexOf(ch) < 0) { seen.push(ch); }
    });
    return seen;
  }
  window.smsCount = count;

  var form = document.getElementById("sms-editor");
  if (!form) { return; }
  var area = form.querySelector("textarea[name=text]");
  var counter = document.getElementById("sms-counter");
  var box = document.getElementById("sms-offenders");
  var list = document.getElementById("sms-offenders-list");
  var sample = JSON.parse(document.getElementById("sms-sample").textContent);
  var strings = document.getElementById("sms-strings").content;
  var price = parseFloat(form.dataset.price);

  function filled(text) {
    return text.replace(/\{([a-z_]+)\}/g, function (all, name) {
      return Object.prototype.hasOwnProperty.call(sample, name) ? sample[name] : all;
    });
  }
  function render() {
    var c = count(filled(area.value));
    var cost = (c.parts * price).toFixed(2).replace(".", ",");
    counter.textContent = strings.querySelector("[data-key=counter]").textContent
      .replace("%(chars)s", c.chars).replace("%(parts)s", c.parts).replace("%(cost)s", cost);
    counter.dataset.chars = c.chars;
    counter.dataset.parts = c.parts;
    var bad = offenders(area.value);
    list.textContent = "";
    bad.forEach(function (ch) {
      var li = document.createElement("li");
      var fix = replacement(ch) || "?";
      li.textContent = "„" + ch + "” → „" + fix + "” ";
      var button = document.createElement("button");
      button.type = "button";
      button.className = "button button--small sms-fix";
      button.dataset.char = ch;
      button.dataset.replacement = fix;
      button.textContent = strings.querySelector("[data-key=fix]").textContent;
      li.appendChild(button);
      list.appendChild(li);
    });
    box.hidden = bad.length === 0;
  }
  document.getElementById("sms-insert").addEventListener("click", function () {
    var field = "{" + document.getElementById("sms-field").value + "}";
    var start = area.selectionStart, end = area.selectionEnd;
    area.value = area.value.slice(0, start) + field + area.value.slice(end);
    area.selectionStart = area.selectionEnd = start + field.length;
    area.focus();
    render();
  });
  list.addEventListener("click", function (event) {
    var button = event.target.closest(".sms-fix");
    if (!button) { return; }
    area.value = area.value.split(button.dataset.char).join(button.dataset.replacement);
    render();
    area.focus();
  });
  area.addEventListener("input", render);
  render();
})();
