// Progressive enhancement of the ANSM request form; without JavaScript the fields accept a name,
// a postal code or an official code and the server resolves them.
(function () {
  "use strict";

  // An error summary, when present, takes the focus so that screen readers announce it first.
  var summary = document.getElementById("resume-erreurs");
  if (summary) {
    summary.focus();
  }

  // Accessible autocomplete (ARIA 1.2 combobox with a listbox) on the territories API.
  document.querySelectorAll("[data-autocomplete]").forEach(function (container, index) {
    var input = container.querySelector("input");
    if (!input) {
      return;
    }
    var endpoint = container.getAttribute("data-autocomplete");
    var codeField = container.getAttribute("data-code-field");
    var listId = "autocomplete-liste-" + index;
    var list = document.createElement("ul");
    var status = document.createElement("p");
    var options = [];
    var active = -1;
    var timer = null;
    var lastQuery = "";

    container.classList.add("portail-autocomplete");
    list.id = listId;
    list.className = "portail-autocomplete__list";
    list.setAttribute("role", "listbox");
    list.setAttribute("aria-label", "Suggestions");
    list.hidden = true;
    status.className = "fr-sr-only";
    status.setAttribute("aria-live", "polite");
    input.insertAdjacentElement("afterend", list);
    list.insertAdjacentElement("afterend", status);
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", listId);
    input.setAttribute("autocomplete", "off");

    function close() {
      list.hidden = true;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
      active = -1;
    }

    function highlight(position) {
      options.forEach(function (option, i) {
        option.setAttribute("aria-selected", i === position ? "true" : "false");
      });
      active = position;
      if (position >= 0) {
        input.setAttribute("aria-activedescendant", options[position].id);
        options[position].scrollIntoView({ block: "nearest" });
      } else {
        input.removeAttribute("aria-activedescendant");
      }
    }

    function choose(position) {
      var option = options[position];
      if (!option) {
        return;
      }
      input.value = option.getAttribute("data-value");
      lastQuery = input.value;
      status.textContent = option.textContent + " choisi.";
      close();
    }

    function describe(item) {
      // Name, postal codes and département, so that Condat (Cantal) and Condat (Lot) are told apart.
      var parts = [item.nom];
      if (item.codes_postaux && item.codes_postaux.length) {
        parts.push(item.codes_postaux.slice(0, 3).join(", ") + (item.codes_postaux.length > 3 ? "…" : ""));
      }
      if (item.departement_nom) {
        parts.push(item.departement_nom + " (" + item.departement + ")");
      }
      var population = item.population !== null && item.population !== undefined
        ? ", " + item.population.toLocaleString("fr-FR") + " hab." : "";
      return parts.join(" — ") + population;
    }

    function render(results, total) {
      list.innerHTML = "";
      options = results.map(function (item, i) {
        var option = document.createElement("li");
        option.id = listId + "-option-" + i;
        option.className = "portail-autocomplete__option";
        option.setAttribute("role", "option");
        option.setAttribute("aria-selected", "false");
        option.setAttribute("data-value", item.nom + " (" + item[codeField] + ")");
        option.textContent = describe(item);
        option.addEventListener("mousedown", function (event) {
          event.preventDefault();
          choose(i);
        });
        list.appendChild(option);
        return option;
      });
      var more = total - options.length;
      if (more > 0) {
        var note = document.createElement("li");
        note.className = "portail-autocomplete__more";
        note.setAttribute("role", "presentation");
        note.textContent = "… et " + more + " autre" + (more > 1 ? "s" : "") + " : précisez le nom ou tapez le code postal.";
        list.appendChild(note);
      }
      list.hidden = options.length === 0;
      input.setAttribute("aria-expanded", options.length ? "true" : "false");
      status.textContent = options.length
        ? total + " suggestion" + (total > 1 ? "s" : "") + (more > 0 ? ", " + options.length + " affichées" : "")
          + ", utilisez les flèches pour choisir."
        : "Aucune suggestion.";
      active = -1;
    }

    function search() {
      var query = input.value.trim();
      if (query.length < 2 || query === lastQuery) {
        if (query.length < 2) {
          close();
        }
        return;
      }
      lastQuery = query;
      // A postal code shows every commune it covers (46 at most in France); a name, the first twelve.
      var size = /^[0-9]{5}$/.test(query) ? 60 : 12;
      fetch(endpoint + "?page_size=" + size + "&q=" + encodeURIComponent(query), { headers: { Accept: "application/json" } })
        .then(function (response) {
          return response.ok ? response.json() : { results: [] };
        })
        .then(function (data) {
          if (input.value.trim() === query) {
            render(data.results || [], data.count || 0);
          }
        })
        .catch(function () {
          close();
        });
    }

    input.addEventListener("input", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(search, 200);
    });
    input.addEventListener("keydown", function (event) {
      if (event.key === "ArrowDown") {
        event.preventDefault();
        if (list.hidden && options.length) {
          list.hidden = false;
          input.setAttribute("aria-expanded", "true");
        }
        highlight(Math.min(active + 1, options.length - 1));
      } else if (event.key === "ArrowUp") {
        event.preventDefault();
        highlight(Math.max(active - 1, 0));
      } else if (event.key === "Enter" && !list.hidden && active >= 0) {
        event.preventDefault();
        choose(active);
      } else if (event.key === "Escape") {
        close();
      }
    });
    input.addEventListener("blur", function () {
      window.setTimeout(close, 100);
    });
  });
})();
