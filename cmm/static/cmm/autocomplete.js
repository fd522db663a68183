// GOV.UK's accessible-autocomplete on the selects marked data-autocomplete (progressive enhancement:
// without JavaScript the plain select works and posts the same values).
//   data-autocomplete="single":   one choice; the select stays in the form, hidden, and follows the input.
//   data-autocomplete="multiple": several choices; each chosen one is listed with a "Fjern <name>" button,
//                                 and the hidden multiple select holds them (so a refused form keeps them).
(function () {
  "use strict";

  function optionByText(select, text) {
    var wanted = (text || "").trim().toLowerCase();
    for (var i = 0; i < select.options.length; i++) {
      var option = select.options[i];
      if (option.value && option.textContent.trim().toLowerCase() === wanted) { return option; }
    }
    return null;
  }

  function labels(select) {
    var names = [];
    for (var i = 0; i < select.options.length; i++) {
      if (select.options[i].value) { names.push(select.options[i].textContent); }
    }
    return names;
  }

  // The library points the input's aria-describedby at its own instructions only, so the field's hint and
  // error would not be read out (alphagov/accessible-autocomplete#589): as its maintainers suggest, they go
  // into those instructions, read before them.
  function describedText(select) {
    var ids = (select.getAttribute("aria-describedby") || select.id + "_helptext").split(/\s+/);
    var parts = [];
    for (var i = 0; i < ids.length; i++) {
      var element = ids[i] && document.getElementById(ids[i]);
      if (element) { parts.push(element.textContent.trim()); }
    }
    return parts.join(" ");
  }

  function texts(select) {
    var noResults = select.getAttribute("data-no-results") || "No results found";
    var assistive = [describedText(select), select.getAttribute("data-assistive-hint") || ""].join(" ").trim();
    return {
      tNoResults: function () { return noResults; },
      tStatusNoResults: function () { return noResults; },
      tAssistiveHint: function () { return assistive; }
    };
  }

  function focusIfAsked(select, id) {
    if (select.hasAttribute("autofocus")) {
      var input = document.getElementById(id);
      if (input) { input.focus(); }
    }
  }

  function single(select) {
    var id = select.id;
    var options = texts(select);
    options.selectElement = select;
    options.defaultValue = "";
    options.showAllValues = false;
    options.inputClasses = "form-input";
    // The library's own handler never clears the select: an emptied input must mean "no language".
    options.onConfirm = function (chosen) {
      var option = chosen ? optionByText(select, chosen) : null;
      if (option) { option.selected = true; }
    };
    window.accessibleAutocomplete.enhanceSelectElement(options);
    var input = document.getElementById(id);
    if (input) {
      input.addEventListener("blur", function () {
        if (!input.value.trim()) { select.value = ""; }
      });
    }
    focusIfAsked(select, id);
  }

  function multiple(select) {
    var id = select.id;
    var removeText = select.getAttribute("data-remove") || "Remove";
    var container = document.createElement("div");
    var chosenList = document.createElement("ul");
    chosenList.className = "nobullet-list autocomplete-chosen";
    chosenList.setAttribute("aria-label", select.getAttribute("data-chosen") || "");
    select.parentNode.insertBefore(container, select);
    select.parentNode.insertBefore(chosenList, select);

    function render() {
      chosenList.textContent = "";
      for (var i = 0; i < select.options.length; i++) {
        var option = select.options[i];
        if (!option.selected) { continue; }
        var item = document.createElement("li");
        var name = document.createElement("span");
        name.textContent = option.textContent;
        var remove = document.createElement("button");
        remove.type = "button";
        remove.className = "function-link ml-3";
        remove.textContent = removeText + " " + option.textContent;
        remove.addEventListener("click", removeOption.bind(null, option));
        item.appendChild(name);
        item.appendChild(remove);
        chosenList.appendChild(item);
      }
      chosenList.hidden = chosenList.children.length === 0;
    }

    function removeOption(option) {
      option.selected = false;
      render();
      // The removed item's button is gone: put the cursor back where more can be chosen.
      document.getElementById(id).focus();
    }

    select.id = id + "-select";
    select.hidden = true;
    var options = texts(select);
    options.element = container;
    options.id = id;
    options.source = labels(select);
    options.inputClasses = "form-input";
    options.confirmOnBlur = false;
    options.onConfirm = function (chosen) {
      var option = chosen ? optionByText(select, chosen) : null;
      if (!option) { return; }
      option.selected = true;
      render();
      // Empty the input for the next choice once the library has finished with it.
      window.setTimeout(function () {
        var input = document.getElementById(id);
        input.value = "";
        input.dispatchEvent(new Event("input", { bubbles: true }));
      }, 0);
    };
    window.accessibleAutocomplete(options);
    render();
    focusIfAsked(select, id);
  }

  document.addEventListener("DOMContentLoaded", function () {
    if (!window.accessibleAutocomplete) { return; }
    var selects = document.querySelectorAll("select[data-autocomplete]");
    for (var i = 0; i < selects.length; i++) {
      if (selects[i].getAttribute("data-autocomplete") === "multiple") { multiple(selects[i]); } else { single(selects[i]); }
    }
  });
})();
