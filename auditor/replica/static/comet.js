/* The replica's front end. Like Meta's React pages it renders settings after page load, from a
 * POST /api/graphql/ read (fb_api_req_friendly_name ...Query), and saves through ...Mutation
 * requests. It knows display texts and opaque ids only, never setting ids or canonical values. */
(function () {
  "use strict";
  var bootNode = document.getElementById("__bootstrap");
  var boot = bootNode ? JSON.parse(bootNode.textContent) : {};
  var cx = boot.cx || {};
  var S = boot.strings || {};
  var counter = 0;

  function nextId() { counter += 1; return ":r" + counter.toString(36) + ":"; }

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (name) {
      var value = attrs[name];
      if (value === null || value === undefined || value === false) return;
      node.setAttribute(name, value === true ? "" : String(value));
    });
    (children || []).forEach(function (child) {
      if (child === null || child === undefined) return;
      node.appendChild(typeof child === "string" ? document.createTextNode(child) : child);
    });
    return node;
  }

  function cookie(name) {
    var match = document.cookie.match(new RegExp("(?:^|; )" + name + "=([^;]*)"));
    return match ? decodeURIComponent(match[1]) : "";
  }

  // A div[role=button] acts on click, Enter and Space, as Meta's do.
  function activate(node, action) {
    node.addEventListener("click", function (event) { event.preventDefault(); action(); });
    node.addEventListener("keydown", function (event) {
      if (event.key === "Enter" || event.key === " ") { event.preventDefault(); action(); }
    });
  }

  // ------------------------------------------------------------------ transport
  function post(path, params, headers) {
    var body = new URLSearchParams(params).toString();
    var all = Object.assign({ "Content-Type": "application/x-www-form-urlencoded" }, headers || {});
    return fetch(path, { method: "POST", body: body, headers: all, credentials: "include" }).then(function (response) {
      return response.json().then(function (json) {
        if (!response.ok || json.errors) { throw new Error((json.errors && json.errors[0].message) || response.status); }
        return json;
      });
    });
  }

  function graphql(name, variables) {
    var headers = { "X-FB-Friendly-Name": name };
    if (boot.site === "instagram") {
      headers["X-CSRFToken"] = cookie("csrftoken");
      headers["X-IG-App-ID"] = "936619743392459";
    }
    return post(boot.site === "instagram" ? "/api/graphql" : "/api/graphql/", {
      av: boot.user, __user: boot.user, __a: "1", fb_dtsg: boot.dtsg, fb_api_caller_class: "RelayModern",
      fb_api_req_friendly_name: name, variables: JSON.stringify(variables), server_timestamps: "true",
      doc_id: String(Math.abs(hash(name)))
    }, headers);
  }

  function hash(text) {
    var h = 0;
    for (var i = 0; i < text.length; i++) { h = (h * 31 + text.charCodeAt(i)) | 0; }
    return h;
  }

  var PREFIX = { facebook: "CometSettings", accounts_center: "FXAccountsCenter", instagram: "PolarisSettings" };
  function mutate(kind, variables) { return graphql(PREFIX[boot.site] + kind + "Mutation", variables); }

  // The stray fault (a test knob): once a save is answered, the page also saves another control of the
  // page (a switch turned on) before it shows the change as done. A guard must stop that second write.
  var strayKey = null;
  function saved(promise) {
    if (!boot.stray) return promise;
    return promise.then(function (json) {
      if (!strayKey) return json;
      return mutate("Toggle", { key: strayKey, enabled: true }).then(function () { return json; }, function () { return json; });
    });
  }

  // ------------------------------------------------------------------ dialogs
  // `answered`: only answered away (a survey): no close control, and neither Escape nor the overlay takes it.
  function dialog(title, opener, answered) {
    var headingId = nextId();
    var overlay = el("div", { class: cx.overlay });
    var close = answered ? null
      : el("div", { role: "button", tabindex: "0", "aria-label": S.close, class: cx.button }, ["\u00d7"]);
    var body = el("div", {});
    var box = el("div", { role: "dialog", "aria-modal": "true", "aria-labelledby": headingId, class: cx.dialog }, [
      el("h2", { id: headingId, class: cx.h2 }, [title]), close, body
    ]);
    function dismiss() {
      overlay.remove(); box.remove();
      document.removeEventListener("keydown", onKey, true);
      if (opener) opener.focus();
    }
    function onKey(event) {
      if (event.key !== "Escape") return;
      event.preventDefault();
      if (!answered) dismiss();
    }
    if (close) activate(close, dismiss);
    if (!answered) overlay.addEventListener("click", dismiss);
    document.addEventListener("keydown", onKey, true);
    document.body.appendChild(overlay);
    document.body.appendChild(box);
    if (close) setTimeout(function () { close.focus(); }, 0);
    return { body: body, close: dismiss };
  }

  // ------------------------------------------------------------------ controls
  function labelled(c) {
    var labelId = nextId();
    var descId = c.description ? nextId() : null;
    var text = el("div", {}, [
      el("span", { id: labelId, dir: "auto", class: cx.label }, [c.label]),
      c.description ? el("span", { id: descId, dir: "auto", class: cx.desc }, [c.description]) : null
    ]);
    return { text: text, labelId: labelId, descId: descId };
  }

  function row(parts, control) { return el("div", { class: cx.row }, [parts.text, control]); }

  function audienceLabel(text) { return S.edit_privacy + ". " + S.sharing_with + " " + text + "."; }

  function audience(c) {
    // Some chips name the audience after a prefix: "Shared with Only me" (profile details).
    function chip(text) { return c.text ? c.text + " " + text : text; }
    var value = el("span", { dir: "auto" }, [chip(c.value_text)]);
    var button = el("div", { role: "button", tabindex: "0", "aria-haspopup": "dialog", "aria-label": audienceLabel(c.value_text), class: cx.button }, [value]);
    activate(button, function () {
      var d = dialog(S.select_audience, button);
      var list = el("div", { role: "radiogroup" });
      c.options.forEach(function (option) {
        var textId = nextId();
        var descId = option.description ? nextId() : null;
        var radio = el("div", {
          role: "radio", "aria-checked": String(option.checked), tabindex: option.checked ? "0" : "-1",
          "aria-labelledby": textId, "aria-describedby": descId, class: cx.radio
        }, [el("span", { id: textId, dir: "auto" }, [option.text]),
            option.description ? el("span", { id: descId, dir: "auto", class: cx.desc }, [option.description]) : null]);
        activate(radio, function () {
          saved(mutate("PrivacySelector", { key: c.key, option: option.id })).then(function () {
            c.options.forEach(function (o) { o.checked = o === option; });
            value.textContent = chip(option.text);
            button.setAttribute("aria-label", audienceLabel(option.text));
            d.close();
          });
        });
        list.appendChild(radio);
      });
      d.body.appendChild(list);
    });
    return row(labelled(c), button);
  }

  function toggle(c) {
    var parts = labelled(c);
    var input = el("input", { type: "checkbox", role: "switch", "aria-labelledby": parts.labelId, "aria-describedby": parts.descId, class: cx.switch });
    input.checked = c.checked;
    input.setAttribute("aria-checked", String(c.checked));
    function save(wanted, done) {
      input.disabled = true;
      saved(mutate("Toggle", { key: c.key, enabled: wanted })).then(function () {
        input.checked = wanted;
        input.setAttribute("aria-checked", String(wanted));
        if (done) done();
      }, function () { input.checked = !wanted; }).then(function () { input.disabled = false; });
    }
    input.addEventListener("change", function () {
      var wanted = input.checked;
      if (!(wanted && c.confirm_title)) { save(wanted); return; }
      // Instagram asks before a public account turns private; nothing is saved until it is confirmed.
      input.checked = false;
      var d = dialog(c.confirm_title, input);
      var confirm = el("div", { role: "button", tabindex: "0", class: cx.primary }, [c.button]);
      var cancel = el("div", { role: "button", tabindex: "0", class: cx.button }, [S.cancel]);
      activate(confirm, function () { save(true, d.close); });
      activate(cancel, d.close);
      d.body.appendChild(el("div", {}, [cancel, confirm]));
    });
    return row(parts, input);
  }

  // The same boolean as a div with role=switch (no input), as Comet builds controls from divs.
  function divSwitch(c) {
    var parts = labelled(c);
    var node = el("div", { role: "switch", tabindex: "0", "aria-checked": String(c.checked), "aria-labelledby": parts.labelId, "aria-describedby": parts.descId, class: cx.divswitch });
    activate(node, function () {
      var wanted = node.getAttribute("aria-checked") !== "true";
      mutate("Toggle", { key: c.key, enabled: wanted }).then(function () { node.setAttribute("aria-checked", String(wanted)); });
    });
    return row(parts, node);
  }

  // The same boolean as a plain checkbox named by a <label for> (no role=switch), as older pages had.
  function checkbox(c) {
    var id = "cb" + nextId().replace(/:/g, "");
    var descId = c.description ? nextId() : null;
    var input = el("input", { type: "checkbox", id: id, "aria-describedby": descId });
    input.checked = c.checked;
    input.addEventListener("change", function () {
      var wanted = input.checked;
      mutate("Toggle", { key: c.key, enabled: wanted }).then(null, function () { input.checked = !wanted; });
    });
    var text = el("div", {}, [
      el("label", { "for": id, dir: "auto", class: cx.label }, [c.label]),
      c.description ? el("span", { id: descId, dir: "auto", class: cx.desc }, [c.description]) : null
    ]);
    return el("div", { class: cx.row }, [text, input]);
  }

  // Radios inside a dialog, saved only by "Confirm" (Accounts Center).
  function confirmDialog(c, opener, names, onSaved) {
    var d = dialog(c.label, opener);
    var chosen = c.options.filter(function (o) { return o.checked; })[0] || null;
    var inputs = [];
    c.options.forEach(function (option, i) {
      var input = el("input", { type: "radio", name: names(i), value: option.id });
      input.checked = option.checked;
      input.addEventListener("change", function () {
        inputs.forEach(function (other) { if (other !== input) other.checked = false; });
        chosen = option;
      });
      inputs.push(input);
      d.body.appendChild(el("label", { class: cx.radio }, [input, el("span", { dir: "auto" }, [option.text])]));
    });
    var confirm = el("div", { role: "button", tabindex: "0", class: cx.primary }, [S.confirm]);
    activate(confirm, function () {
      if (!chosen) return;
      saved(mutate("AdPreferencesSetting", { key: c.key, option: chosen.id })).then(function () {
        c.options.forEach(function (o) { o.checked = o === chosen; });
        d.close();
        if (onSaved) onSaved(chosen);
      });
    });
    d.body.appendChild(confirm);
  }

  function review(c) {
    var button = el("div", { role: "button", tabindex: "0", "aria-haspopup": "dialog", class: cx.primary }, [S.review_setting]);
    // The real page names its two radios radio1 and radio2 (catalog: S-webmunk2-strategy).
    activate(button, function () { confirmDialog(c, button, function (i) { return "radio" + (i + 1); }); });
    return row(labelled(c), button);
  }

  function choice(c) {
    var value = el("span", { dir: "auto", class: cx.desc }, [c.value_text]);
    var button = el("div", { role: "button", tabindex: "0", "aria-haspopup": "dialog", class: cx.row }, [
      el("span", { dir: "auto", class: cx.label }, [c.label]), value
    ]);
    function open() {
      confirmDialog(c, button, function () { return "choice_" + c.key; }, function (chosen) { value.textContent = chosen.text; });
    }
    activate(button, function () {
      if (!c.accounts) { open(); return; }
      var picker = dialog(S.select_your_account, button);
      c.accounts.forEach(function (name) {
        var item = el("div", { role: "button", tabindex: "0", class: cx.radio }, [el("span", { dir: "auto" }, [name])]);
        activate(item, function () { picker.close(); open(); });
        picker.body.appendChild(item);
      });
    });
    return button;
  }

  function radioGroup(c) {
    var headingId = nextId();
    var group = el("div", { role: "radiogroup", "aria-labelledby": headingId });
    c.options.forEach(function (option) {
      var input = el("input", { type: "radio", name: "choice_" + c.key, value: option.id });
      input.checked = option.checked;
      input.addEventListener("change", function () { saved(mutate("Radio", { key: c.key, option: option.id })); });
      group.appendChild(el("label", { class: cx.radio }, [el("span", { dir: "auto" }, [option.text]), input]));
    });
    return el("div", { class: cx.row }, [el("span", { id: headingId, dir: "auto", class: cx.label }, [c.label]), group]);
  }

  function link(c) {
    // Without its own link text the whole row is the link, as Accounts Center's rows with a chevron.
    if (!c.text) return el("a", { href: c.href, class: cx.row }, [labelled(c).text, el("span", { "aria-hidden": "true" }, ["\u203a"])]);
    return row(labelled(c), el("a", { href: c.href, class: cx.button }, [c.text]));
  }

  function action(c) {
    var button = el("div", { role: "button", tabindex: "0", "aria-haspopup": "dialog", class: cx.button }, [c.button]);
    activate(button, function () {
      var d = dialog(c.confirm_title || c.label, button);
      var confirm = el("div", { role: "button", tabindex: "0", class: cx.primary }, [c.button]);
      var cancel = el("div", { role: "button", tabindex: "0", class: cx.button }, [S.cancel]);
      activate(confirm, function () { mutate("Action", { key: c.key }).then(d.close); });
      activate(cancel, d.close);
      d.body.appendChild(el("div", {}, [cancel, confirm]));
    });
    return row(labelled(c), button);
  }

  function list(c) {
    var headingId = nextId();
    var items = el("ul", { role: "list", "aria-labelledby": headingId, class: cx.list });
    (c.items || []).forEach(function (text) {
      var remove = el("div", { role: "button", tabindex: "0", "aria-label": c.button + " " + text, class: cx.button }, [c.button]);
      var item = el("li", { class: cx.item }, [el("span", { dir: "auto" }, [text]), remove]);
      activate(remove, function () { mutate("RemoveItem", { key: c.key, remove_item: text }).then(function () { item.remove(); }); });
      items.appendChild(item);
    });
    var empty = c.items && c.items.length ? null : el("span", { class: cx.desc }, [S.nothing_here]);
    return el("div", {}, [el("h3", { id: headingId, class: cx.label }, [c.label]), items, empty]);
  }

  function status(c) {
    return row(labelled(c), el("span", { dir: "auto", class: cx.label }, [c.value_text]));
  }

  var RENDER = { audience: audience, "switch": toggle, div_switch: divSwitch, checkbox: checkbox, review: review,
                 choice: choice, radio_group: radioGroup, link: link, action: action, list: list, status: status };

  // The pattern space (patterns.js, parts.js, loaded first): a control whose data carries `ui` is drawn
  // there, and so is a part of a page that arrives later or sits collapsed.
  var patterns = null, parts = null;
  function render(c) {
    if (c.type === "part") return parts.part(c);
    return (c.ui ? patterns.render : RENDER)[c.type](c);
  }
  if (window.CometPatterns) {
    var api = { el: el, activate: activate, nextId: nextId, mutate: mutate, saved: saved, dialog: dialog,
                graphql: graphql, cx: cx, S: S, boot: boot, render: render };
    patterns = CometPatterns.controls(api);
    parts = CometPatterns.parts(api, patterns);
  }

  // A feature announcement over the page: Close or Escape dismisses it for this page view; nothing is sent.
  // A survey (a.survey) goes only when answered, and the answer is sent.
  function announce(a) {
    var d = dialog(a.title, null, a.survey);
    d.body.appendChild(el("p", { class: cx.desc }, [a.body]));
    (a.survey ? [a.action, a.other] : [a.action]).forEach(function (text) {
      var answer = el("div", { role: "button", tabindex: "0", class: cx.primary }, [text]);
      activate(answer, a.survey ? function () {
        graphql("SurveyResponseSubmitMutation", { survey: "privacy_sentiment", answer: text }).then(d.close);
      } : d.close);
      d.body.appendChild(answer);
    });
  }

  function renderSettings() {
    var main = document.querySelector("[role=main]");
    if (boot.consent) cookieDialog(boot.consent);  // the cookie dialog the server put over the page
    if (boot.screen) { parts.screen(main); return; }  // a setting's options on a page of their own
    graphql(boot.query, boot.variables).then(function (json) {
      var page = json.data.settings_page;
      main.textContent = "";
      main.appendChild(el("h1", { class: cx.h1 }, [page.title]));
      if (page.intro) main.appendChild(el("p", { class: cx.desc }, [page.intro]));
      if (page.long_intro) main.appendChild(parts.longIntro(page.long_intro));
      page.sections.forEach(function (section) {
        var block = el("div", { style: "margin-bottom:8px" });
        var body = block;
        if (section.heading && section.collapsed) {
          // A tile: its controls show once it is clicked (Facebook's "Your contact information").
          body = el("div", { hidden: true });
          var tile = el("div", { role: "button", tabindex: "0", "aria-expanded": "false", class: cx.row }, [
            el("span", { dir: "auto", class: cx.label }, [section.heading])
          ]);
          activate(tile, function () {
            body.hidden = !body.hidden;
            tile.setAttribute("aria-expanded", String(!body.hidden));
          });
          block.appendChild(tile);
          block.appendChild(body);
        } else if (section.heading) {
          block.appendChild(el("h2", { class: cx.h2 }, [section.heading]));
        }
        section.controls.forEach(function (c) {
          if (c.type === "switch" && !strayKey) strayKey = c.key;
          body.appendChild(render(c));
        });
        main.appendChild(block);
      });
      if (page.announcement) announce(page.announcement);
    }, function () {
      main.textContent = "";
      main.appendChild(el("div", { role: "alert" }, ["Sorry, something went wrong."]));
    }).then(function () { main.setAttribute("aria-busy", "false"); });
  }

  // ------------------------------------------------------------------ login pages
  function cookieDialog(consentPath) {
    document.querySelectorAll("[data-cookiebanner]").forEach(function (button) {
      activate(button, function () {
        post(consentPath, { choice: button.getAttribute("data-cookiebanner") }).then(function () {
          document.querySelectorAll("[data-cookie-dialog], [data-overlay]").forEach(function (n) { n.remove(); });
        });
      });
    });
  }

  function facebookLogin() {
    var form = document.getElementById("login_form");
    cookieDialog("/cookie/consent/");
    // Since 2026 the "Log In" control is nested divs, not a submit button; Enter submits (catalog 9.3).
    activate(document.querySelector("[data-login=submit]"), function () { form.submit(); });
    form.querySelectorAll("input").forEach(function (input) {
      input.addEventListener("keydown", function (event) { if (event.key === "Enter") { event.preventDefault(); form.submit(); } });
    });
  }

  function facebookTwoFactor() {
    var form = document.getElementById("tfa_form");
    activate(document.querySelector("[data-submit]"), function () { form.submit(); });
  }

  function instagramLogin() {
    var form = document.getElementById("loginForm");
    var alert = document.getElementById("slfErrorAlert");
    cookieDialog("/api/v1/web/consent/");
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var password = "#PWD_INSTAGRAM_BROWSER:0:" + Math.floor(Date.now() / 1000) + ":" + form.pass.value;
      fetch("/api/v1/web/accounts/login/ajax/", {
        method: "POST", credentials: "include",
        headers: { "Content-Type": "application/x-www-form-urlencoded", "X-CSRFToken": cookie("csrftoken"), "X-IG-App-ID": "936619743392459" },
        body: new URLSearchParams({ username: form.email.value, enc_password: password, queryParams: "{}", optIntoOneTap: "false" }).toString()
      }).then(function (r) { return r.json(); }).then(function (json) {
        var next = encodeURIComponent(boot.next || "/");
        if (json.authenticated) { location.assign("/accounts/onetap/?next=" + next); return; }
        if (json.two_factor_required) {
          sessionStorage.setItem("two_factor_identifier", json.two_factor_info.two_factor_identifier);
          location.assign("/accounts/login/two_factor?next=" + next);
          return;
        }
        if (json.checkpoint_url) { location.assign(json.checkpoint_url); return; }
        alert.hidden = false;
        alert.textContent = json.message || S.ig_wrong_password;
      });
    });
  }

  function instagramTwoFactor() {
    var form = document.getElementById("tfaForm");
    var alert = form.querySelector("[role=alert]");
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      fetch("/api/v1/web/accounts/login/ajax/two_factor/", {
        method: "POST", credentials: "include",
        headers: { "Content-Type": "application/x-www-form-urlencoded", "X-CSRFToken": cookie("csrftoken") },
        body: new URLSearchParams({
          identifier: sessionStorage.getItem("two_factor_identifier") || "",
          verificationCode: form.querySelector("input[type=text]").value, trust_signal: "true"
        }).toString()
      }).then(function (r) { return r.json(); }).then(function (json) {
        if (json.authenticated) { location.assign("/accounts/onetap/?next=" + encodeURIComponent(boot.next || "/")); return; }
        alert.hidden = false;
        alert.textContent = json.message;
      });
    });
  }

  function instagramOneTap() {
    document.querySelectorAll("[data-next]").forEach(function (node) {
      activate(node, function () { location.assign(node.getAttribute("data-next") || "/"); });
    });
  }

  // ------------------------------------------------------------------ the script knob (auditor/replica/strays.py)
  // A script of the page sends a write of its own, in one of the ways a script can send a request.
  function sendStray(s) {
    var type = "application/x-www-form-urlencoded";
    var body = new URLSearchParams(s.fields).toString();
    var csrf = boot.site === "instagram" ? { "X-CSRFToken": cookie("csrftoken") } : {};
    var headers = Object.assign({ "Content-Type": type }, csrf);
    var url = location.origin + s.path;
    function send(init) { return fetch(url, Object.assign({ method: "POST", credentials: "include" }, init)); }
    var senders = {
      fetch: function () { return send({ body: body, headers: headers }); },
      keepalive: function () { return send({ body: body, headers: headers, keepalive: true }); },
      blob: function () { return send({ body: new Blob([body], { type: type }), headers: csrf }); },
      arraybuffer: function () { return send({ body: new TextEncoder().encode(body).buffer, headers: headers }); },
      large: function () { return send({ body: body + "&pad=" + "x".repeat(1 << 20), headers: headers }); },
      beacon: function () { navigator.sendBeacon(url, new Blob([body], { type: type })); },
      form: function () {
        var sink = el("iframe", { name: "stray_sink", hidden: true });
        var form = el("form", { method: "post", action: url, target: "stray_sink", hidden: true });
        Object.keys(s.fields).forEach(function (name) {
          form.appendChild(el("input", { type: "hidden", name: name, value: s.fields[name] }));
        });
        document.body.appendChild(sink);
        document.body.appendChild(form);
        form.submit();
      },
      worker: function () { new Worker(workerSending(url, body, headers)); },
      shared_worker: function () { new SharedWorker(workerSending(url, body, headers)); }
    };
    window.__strays = (window.__strays || 0) + 1;  // how many the page sent: tests compare the guard's count
    try { Promise.resolve(senders[s.shape]()).catch(function () {}); } catch (e) { /* blocked: as a script would */ }
  }

  // A worker's script that sends the write once it has started.
  function workerSending(url, body, headers) {
    var init = { method: "POST", body: body, headers: headers, credentials: "include" };
    var source = "fetch(" + JSON.stringify(url) + ", " + JSON.stringify(init) + ").catch(function () {});";
    return URL.createObjectURL(new Blob([source], { type: "text/javascript" }));
  }

  function stray(s) {
    if (s.when === "before") {
      var once = function () { document.removeEventListener("pointerover", once, true); sendStray(s); };
      document.addEventListener("pointerover", once, true);
    } else {
      document.addEventListener("click", function () {
        if (s.when === "at") sendStray(s); else setTimeout(function () { sendStray(s); }, 50);
      }, true);
    }
  }

  (boot.script || []).forEach(stray);
  var VIEWS = { settings: renderSettings, fb_login: facebookLogin, fb_two_factor: facebookTwoFactor,
                ig_login: instagramLogin, ig_two_factor: instagramTwoFactor, ig_onetap: instagramOneTap };
  if (VIEWS[boot.view]) VIEWS[boot.view]();
})();
