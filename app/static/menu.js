// The top bar's menu is a <details> and works without this file. This adds what people expect
// of a menu: Escape closes it (back to its button), and so does a tap or click outside it.
"use strict";

document.addEventListener("keydown", function (event) {
  var menu = document.querySelector("details.menu[open]");
  if (event.key !== "Escape" || !menu) return;
  menu.open = false;
  menu.querySelector("summary").focus();
});

document.addEventListener("click", function (event) {
  var menu = document.querySelector("details.menu[open]");
  if (menu && !menu.contains(event.target)) menu.open = false;
});
