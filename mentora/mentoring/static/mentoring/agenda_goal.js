// Goal templates on the agenda, without a reload when the goal box is empty.
// Without this file the template buttons submit the agenda form and the server
// does the same (and, when a goal is typed, offers the template beside it).
(function () {
  "use strict";
  var form = document.getElementById("agenda-form");
  var goal = document.getElementById("id_goal");
  var chosen = form && form.querySelector("input[name=goal_template]");
  if (!form || !goal || !chosen) return;
  form.addEventListener("click", function (event) {
    var button = event.target.closest("button[data-template]");
    if (!button || goal.value.trim() !== "") return; // a typed goal: let the server ask
    event.preventDefault();
    goal.value = button.getAttribute("data-label");
    chosen.value = button.getAttribute("data-template");
    goal.focus();
  });
})();
