/* The pattern space's controls (auditor/replica/patterns.py): one setting drawn as any widget of the
 * WAI-ARIA Authoring Practices for its kind, named by any naming route, its options reached in a
 * dialog, an expanded section or a page of their own. comet.js hands over its helpers (api) and draws
 * every control whose data carries `ui` here. Saves go through the setting's own mutation (ui.write),
 * as on the plain page; a control shows a new value only once its save is answered. */
var CometPatterns = {};
CometPatterns.controls = function (api) {
  "use strict";
  var el = api.el, activate = api.activate, nextId = api.nextId, cx = api.cx, S = api.S;

  // ------------------------------------------------------------------ names
  // labelledby2 without a description names the control by the page's heading and its label.
  function headingId() {
    var heading = document.querySelector("[role=main] h1");
    if (heading && !heading.id) heading.id = nextId();
    return heading ? heading.id : "";
  }

  function texts(c, route, controlId) {
    var labelId = nextId(), descId = c.description ? nextId() : null;
    var label = route === "label_for"
      ? el("label", { id: labelId, "for": controlId, dir: "auto", class: cx.label }, [c.label])
      : el("span", { id: labelId, dir: "auto", class: cx.label }, [c.label]);
    var desc = c.description ? el("span", { id: descId, dir: "auto", class: cx.desc }, [c.description]) : null;
    return { label: label, desc: desc, labelId: labelId, descId: descId };
  }

  // Name `node` by the route and return the row holding it beside the setting's texts.
  function named(c, node, route) {
    if (route === "label_for" && !node.id) node.id = "f" + nextId().replace(/:/g, "");
    var t = texts(c, route, node.id);
    if (route === "labelledby") node.setAttribute("aria-labelledby", t.labelId);
    if (route === "labelledby2") {
      node.setAttribute("aria-labelledby", t.descId ? t.labelId + " " + t.descId : headingId() + " " + t.labelId);
    }
    if (route === "aria_label") node.setAttribute("aria-label", c.label);
    if (route === "title") node.setAttribute("title", c.label);
    if (t.descId && route !== "labelledby2") node.setAttribute("aria-describedby", t.descId);
    if (route === "wrap") return el("div", { class: cx.row }, [el("label", { class: cx.wrap }, [t.label, node]), t.desc]);
    return el("div", { class: cx.row }, [el("div", {}, [t.label, t.desc]), node]);
  }

  // ------------------------------------------------------------------ saving
  function summary(option) { return option.summary || option.text; }
  function chosen(c) { return c.options.filter(function (o) { return o.checked; })[0] || null; }

  // A boolean's save; one that asks first (Instagram's private account) saves only once confirmed.
  function saveBoolean(c, wanted, opener) {
    function save() {
      return api.saved(api.mutate("Toggle", { key: c.key, enabled: wanted })).then(function () { c.checked = wanted; });
    }
    if (!(wanted && c.confirm_title)) return save();
    return new Promise(function (resolve, reject) {
      var d = api.dialog(c.confirm_title, opener);
      var confirm = el("div", { role: "button", tabindex: "0", class: cx.primary }, [c.button]);
      var cancel = el("div", { role: "button", tabindex: "0", class: cx.button }, [S.cancel]);
      activate(confirm, function () { save().then(function () { d.close(); resolve(); }, reject); });
      activate(cancel, function () { d.close(); reject(new Error("cancelled")); });
      d.body.appendChild(el("div", {}, [cancel, confirm]));
    });
  }

  function choose(c, option, opener) {
    var saving = c.ui.write === "Toggle" ? saveBoolean(c, option.enabled, opener)
      : api.saved(api.mutate(c.ui.write, { key: c.key, option: option.id }));
    return saving.then(function () {
      c.options.forEach(function (o) { o.checked = o === option; });
      return option;
    });
  }

  // ------------------------------------------------------------------ booleans
  function boolean(kind) {
    return function (c) {
      var native = kind === "switch" || kind === "checkbox", node;
      if (native) {
        node = el("input", { type: "checkbox", role: kind === "switch" ? "switch" : null, class: kind === "switch" ? cx.switch : null });
      } else {
        node = el(kind === "button_switch" ? "button" : "div", {
          type: kind === "button_switch" ? "button" : null, role: "switch", tabindex: kind === "div_switch" ? "0" : null, class: cx.divswitch
        });
      }
      function show(on) {
        if (native) node.checked = on;
        if (kind !== "checkbox") node.setAttribute("aria-checked", String(on));
      }
      function flip(wanted) {
        show(!wanted);  // nothing changes until the save is answered
        saveBoolean(c, wanted, node).then(function () { show(wanted); }, function () {});
      }
      if (native) node.addEventListener("change", function () { flip(node.checked); });
      else activate(node, function () { flip(node.getAttribute("aria-checked") !== "true"); });
      show(c.checked);
      return named(c, node, c.ui.name);
    };
  }

  // ------------------------------------------------------------------ options opened somewhere
  // Native radios named by the setting; "Confirm" saves where the kind asks for it (Accounts Center).
  function panel(c, onSaved) {
    var group = el("div", { role: "radiogroup", "aria-label": c.label });
    var picked = chosen(c), inputs = [];
    c.options.forEach(function (option, i) {
      var input = el("input", { type: "radio", name: c.ui.radio_name === "radio" ? "radio" + (i + 1) : c.ui.radio_name, value: option.id });
      input.checked = option.checked;
      input.addEventListener("change", function () {
        inputs.forEach(function (other) { if (other !== input) other.checked = false; });
        picked = option;
        if (!c.ui.confirm) choose(c, option, input).then(onSaved, function () {});
      });
      inputs.push(input);
      group.appendChild(el("label", { class: cx.radio }, [input, el("span", { dir: "auto" }, [option.text])]));
    });
    var box = el("div", {}, [group]);
    if (c.ui.confirm) {
      var confirm = el("div", { role: "button", tabindex: "0", class: cx.primary }, [S.confirm]);
      activate(confirm, function () { if (picked) choose(c, picked, confirm).then(onSaved, function () {}); });
      box.appendChild(confirm);
    }
    return box;
  }

  function optionsDialog(c, opener, onSaved) {
    var d = api.dialog(c.label, opener);
    d.body.appendChild(panel(c, function (option) { d.close(); onSaved(option); }));
  }

  // What opens the options where the pattern says: a dialog, a section below (a disclosure), or a
  // page of their own (then it is a link). Returns the opener and the section, if any.
  function opener(c, content, attrs, onSaved) {
    if (c.ui.reach === "subpage") return { node: el("a", Object.assign({ href: c.ui.href, class: cx.button }, attrs), content) };
    var node = el("div", Object.assign({ role: "button", tabindex: "0", class: cx.button }, attrs), content);
    if (c.ui.reach !== "inline") {
      node.setAttribute("aria-haspopup", "dialog");
      activate(node, function () { optionsDialog(c, node, onSaved); });
      return { node: node };
    }
    var section = el("div", { id: nextId(), hidden: true });
    node.setAttribute("aria-expanded", "false");
    node.setAttribute("aria-controls", section.id);
    activate(node, function () {
      if (!section.firstChild) section.appendChild(panel(c, onSaved));
      section.hidden = !section.hidden;
      node.setAttribute("aria-expanded", String(!section.hidden));
    });
    return { node: node, section: section };
  }

  function rowWith(c, parts, o, t) {
    t = t || texts(c, "none");
    var row = el("div", { class: cx.row }, [el("div", {}, [t.label, t.desc])].concat(parts, [o.node]));
    return o.section ? el("div", {}, [row, o.section]) : row;
  }

  function pencil() {
    var svg = document.createElementNS("http://www.w3.org/2000/svg", "svg");
    svg.setAttribute("viewBox", "0 0 20 20"); svg.setAttribute("width", "16"); svg.setAttribute("height", "16");
    svg.setAttribute("aria-hidden", "true");
    var path = document.createElementNS("http://www.w3.org/2000/svg", "path");
    path.setAttribute("d", "M3 14.5V17h2.5l8.6-8.6-2.5-2.5L3 14.5zm13.7-7.9a.7.7 0 000-1l-1.3-1.3a.7.7 0 00-1 0l-1.2 1.2 2.5 2.5 1-1.4z");
    svg.appendChild(path);
    return svg;
  }

  // "Question · value · Edit": the value is text in the row, the button only says what it does.
  function valueRow(c) {
    var value = el("span", { dir: "auto", class: cx.desc }, [c.value_text]);
    var icon = c.ui.button === "icon";
    var o = opener(c, icon ? [pencil()] : [c.ui.button_text], icon ? { "aria-label": c.ui.button_text } : {},
      function (option) { value.textContent = summary(option); });
    return rowWith(c, [value], o);
  }

  // "Review setting" named by its text (none), by its text and the label (labelledby), or by the label.
  function review(c) {
    var textId = nextId(), t = texts(c, "none");
    var o = opener(c, [el("span", { id: textId }, [S.review_setting])], { class: cx.primary }, function () {});
    if (c.ui.name === "labelledby") o.node.setAttribute("aria-labelledby", textId + " " + t.labelId);
    if (c.ui.name === "aria_label") o.node.setAttribute("aria-label", c.label);
    return rowWith(c, [], o, t);
  }

  // ------------------------------------------------------------------ audiences as Meta shows them
  function audienceName(c, text) { return S.edit_privacy + ". " + S.sharing_with + " " + text + (c.ui.wording === "live" ? ". " : "."); }

  function audienceButton(c) {
    function chip(text) { return c.text ? c.text + " " + text : text; }
    var value = el("span", { dir: "auto" }, [chip(c.value_text)]);
    var button = el("div", { role: "button", tabindex: "0", "aria-haspopup": "dialog", "aria-label": audienceName(c, c.value_text), class: cx.button }, [value]);
    activate(button, function () {
      var d = api.dialog(S.select_audience, button);
      var list = el("div", { role: "radiogroup" });
      c.options.forEach(function (option) {
        var textId = nextId(), descId = option.description ? nextId() : null;
        var radio = el("div", {
          role: "radio", "aria-checked": String(option.checked), tabindex: option.checked ? "0" : "-1",
          "aria-labelledby": textId, "aria-describedby": descId, class: cx.radio
        }, [
          el("span", { id: textId, dir: "auto" }, [option.text]),
          option.description ? el("span", { id: descId, dir: "auto", class: cx.desc }, [option.description]) : null
        ]);
        activate(radio, function () {
          choose(c, option, radio).then(function () {
            value.textContent = chip(summary(option));
            button.setAttribute("aria-label", audienceName(c, summary(option)));
            d.close();
          }, function () {});
        });
        list.appendChild(radio);
      });
      d.body.appendChild(list);
    });
    return rowWith(c, [], { node: button });
  }

  // An Accounts Center row: the whole row is the button, the value beside the question.
  function choiceRow(c) {
    var value = el("span", { dir: "auto", class: cx.desc }, [c.value_text]);
    var button = el("div", { role: "button", tabindex: "0", "aria-haspopup": "dialog", class: cx.row }, [
      el("span", { dir: "auto", class: cx.label }, [c.label]), value
    ]);
    function open() { optionsDialog(c, button, function (option) { value.textContent = summary(option); }); }
    activate(button, function () {
      if (!c.accounts) { open(); return; }
      var picker = api.dialog(S.select_your_account, button);
      c.accounts.forEach(function (name) {
        var item = el("div", { role: "button", tabindex: "0", class: cx.radio }, [el("span", { dir: "auto" }, [name])]);
        activate(item, function () { picker.close(); open(); });
        picker.body.appendChild(item);
      });
    });
    return button;
  }

  // ------------------------------------------------------------------ choices inline
  function radios(c) {
    var items = c.options.map(function (option) {
      var input = el("input", { type: "radio", name: "choice_" + c.key, value: option.id });
      input.checked = option.checked;
      input.addEventListener("change", function () { choose(c, option, input).then(null, sync); });
      return el("label", { class: cx.radio }, [el("span", { dir: "auto" }, [option.text]), input]);
    });
    function sync() { items.forEach(function (item, i) { item.querySelector("input").checked = c.options[i].checked; }); }
    if (c.ui.name === "legend") {
      var legend = el("legend", { dir: "auto", class: cx.label }, [c.label]);
      return el("fieldset", { class: cx.fieldset }, [legend].concat(items));
    }
    return named(c, el("div", { role: "radiogroup" }, items), c.ui.name);
  }

  // role=radio or role=option items in a group: one is checked (aria-checked) or selected (aria-selected).
  function itemGroup(groupRole, itemRole, state) {
    return function (c) {
      var group = el("div", { role: groupRole });
      var nodes = c.options.map(function (option) {
        var node = el("div", { role: itemRole, tabindex: "-1", class: cx.radio }, [el("span", { dir: "auto" }, [option.text])]);
        activate(node, function () { choose(c, option, node).then(sync, function () {}); });
        group.appendChild(node);
        return node;
      });
      function sync() {
        nodes.forEach(function (node, i) {
          node.setAttribute(state, String(c.options[i].checked));
          node.tabIndex = c.options[i].checked ? 0 : -1;
        });
      }
      sync();
      return named(c, group, c.ui.name);
    };
  }

  function select(c) {
    var node = el("select", { class: cx.button });
    c.options.forEach(function (option) {
      var item = el("option", { value: option.id }, [option.text]);
      item.selected = option.checked;
      node.appendChild(item);
    });
    function sync() { node.selectedIndex = c.options.indexOf(chosen(c)); }
    node.addEventListener("change", function () { choose(c, c.options[node.selectedIndex], node).then(null, sync); });
    sync();
    return named(c, node, c.ui.name);
  }

  // A popup of the options under a button (menu button) or a combobox (APG select-only combobox).
  function popup(c, trigger, listRole, itemRole, state, onSaved) {
    var list = null;
    function onKey(event) { if (event.key === "Escape") { event.preventDefault(); close(); } }
    function close() {
      if (!list) return;
      list.remove(); list = null;
      trigger.setAttribute("aria-expanded", "false");
      document.removeEventListener("keydown", onKey, true);
      trigger.focus();
    }
    function open(row) {
      list = el("div", { role: listRole, id: trigger.getAttribute("aria-controls"), "aria-label": c.label, class: cx.popup });
      c.options.forEach(function (option) {
        var attrs = { role: itemRole, tabindex: "-1", class: cx.radio };
        attrs[state] = String(option.checked);
        var item = el("div", attrs, [el("span", { dir: "auto" }, [option.text])]);
        activate(item, function () { choose(c, option, trigger).then(function () { onSaved(option); close(); }, function () {}); });
        list.appendChild(item);
      });
      row.appendChild(list);
      trigger.setAttribute("aria-expanded", "true");
      document.addEventListener("keydown", onKey, true);
      var current = list.querySelector("[" + state + "=true]") || list.firstChild;
      if (current) current.focus();
    }
    return { toggle: function (row) { if (list) close(); else open(row); } };
  }

  function menu(c) {
    var value = el("span", { dir: "auto" }, [c.value_text]);
    var button = el("button", { type: "button", "aria-haspopup": "menu", "aria-expanded": "false", "aria-controls": nextId(), class: cx.button }, [value]);
    var row = named(c, button, c.ui.name);
    var pop = popup(c, button, "menu", "menuitemradio", "aria-checked", function (option) { value.textContent = summary(option); });
    button.addEventListener("click", function (event) { event.preventDefault(); pop.toggle(row); });
    return row;
  }

  function combobox(c) {
    var box = el("div", { role: "combobox", tabindex: "0", "aria-haspopup": "listbox", "aria-expanded": "false", "aria-controls": nextId(), class: cx.button }, [c.value_text]);
    var row = named(c, box, c.ui.name);
    var pop = popup(c, box, "listbox", "option", "aria-selected", function (option) { box.textContent = summary(option); });
    activate(box, function () { pop.toggle(row); });
    box.addEventListener("keydown", function (event) {
      if (event.key === "ArrowDown" && box.getAttribute("aria-expanded") === "false") { event.preventDefault(); pop.toggle(row); }
    });
    return row;
  }

  return {
    panel: panel,
    render: {
      "switch": boolean("switch"), button_switch: boolean("button_switch"), div_switch: boolean("div_switch"),
      checkbox: boolean("checkbox"), value_row: valueRow, review: review, audience_button: audienceButton,
      choice_row: choiceRow, radios: radios, aria_radios: itemGroup("radiogroup", "radio", "aria-checked"),
      listbox: itemGroup("listbox", "option", "aria-selected"), select: select, menu: menu, combobox: combobox
    }
  };
};
