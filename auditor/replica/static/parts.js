/* Pages in parts (auditor/replica/layout.py): a part of a page arrives through a read of its own
 * (...SectionQuery) after the page's first read: streamed (no loading sign), behind a skeleton,
 * slow (a progress bar in the part) or once scrolled into view; a part may sit collapsed behind a
 * button with aria-expanded. And a setting's options on a page of their own (?screen=KEY). */
CometPatterns.parts = function (api, controls) {
  "use strict";
  var el = api.el, cx = api.cx, S = api.S, boot = api.boot;

  function fill(body, list) { list.forEach(function (c) { body.appendChild(api.render(c)); }); }

  function load(body, p) {
    var name = boot.query.replace(/Query$/, "SectionQuery");
    api.graphql(name, { route: boot.variables.route, part: p.id }).then(function (json) {
      body.textContent = "";
      fill(body, json.data.settings_section.controls);
    }, function () {
      body.textContent = "";
      body.appendChild(el("div", { role: "alert" }, ["Sorry, something went wrong."]));
    });
  }

  // Render once the node scrolls into view (IntersectionObserver), as long pages do.
  function whenSeen(node, callback) {
    var watcher = new IntersectionObserver(function (entries) {
      if (entries.some(function (entry) { return entry.isIntersecting; })) { watcher.disconnect(); callback(); }
    });
    watcher.observe(node);
  }

  function part(p) {
    var block = el("div", {}), body = block;
    if (p.collapsed) {
      body = el("div", { id: api.nextId(), hidden: true });
      var tile = el("div", { role: "button", tabindex: "0", "aria-expanded": "false", "aria-controls": body.id, class: cx.row }, [
        el("span", { dir: "auto", class: cx.label }, [p.text])
      ]);
      api.activate(tile, function () {
        body.hidden = !body.hidden;
        tile.setAttribute("aria-expanded", String(!body.hidden));
      });
      block.appendChild(tile);
      block.appendChild(body);
    }
    if (p.load === "now") { fill(body, p.controls); return block; }
    if (p.load === "skeleton") {
      // Placeholder blocks without text, as Meta's glimmers (data-visualcompletion="loading-state").
      [0, 1, 2].forEach(function () { body.appendChild(el("div", { "data-visualcompletion": "loading-state", class: cx.skeleton })); });
    }
    if (p.load === "slow") {
      body.appendChild(el("div", { role: "progressbar", "aria-label": p.loading, "aria-valuemin": "0", "aria-valuemax": "100", class: cx.progress }));
    }
    if (p.load === "scroll") {
      var sentinel = el("div", { class: cx.sentinel });
      body.appendChild(sentinel);
      whenSeen(sentinel, function () { load(body, p); });
    } else {
      load(body, p);  // streamed: nothing shows it is coming
    }
    return block;
  }

  function longIntro(paragraphs) {
    return el("div", { class: cx.longintro }, paragraphs.map(function (text) { return el("p", { class: cx.desc }, [text]); }));
  }

  // A setting's options on a page of their own: a back link, the question, the options inline.
  function screen(main) {
    api.graphql(boot.query, boot.variables).then(function (json) {
      var answer = json.data.settings_screen, c = answer.control;
      main.textContent = "";
      main.appendChild(el("a", { href: answer.back, class: cx.button }, [S.back]));
      main.appendChild(el("h1", { class: cx.h1 }, [c.label]));
      if (c.description) main.appendChild(el("p", { class: cx.desc }, [c.description]));
      main.appendChild(controls.panel(c, function () {}));
    }, function () {
      main.textContent = "";
      main.appendChild(el("div", { role: "alert" }, ["Sorry, something went wrong."]));
    }).then(function () { main.setAttribute("aria-busy", "false"); });
  }

  return { part: part, longIntro: longIntro, screen: screen };
};
