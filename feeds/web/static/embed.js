/* eventfeed's widget for an organisation's own website. Put a link and this script where the list goes:
 *   <a class="eventfeed" href="https://events.example.org/">Our events</a>
 *   <script src="https://events.example.org/embed.js" data-feed="all" data-limit="5" async></script>
 * The list (the JSON feed's next events) replaces the link; without JavaScript the link stays.
 * Optional: data-source="id", data-category="id". No dependency; the feed allows other origins (CORS). */
(function () {
  "use strict";
  var script = document.currentScript;
  if (!script || !window.fetch) { return; }
  var src = new URL(script.src, document.baseURI);
  var base = src.origin + src.pathname.replace(/\/embed\.js$/, "");
  var data = script.dataset, limit = Math.max(1, Math.min(parseInt(data.limit, 10) || 5, 50));
  var params = new URLSearchParams({ upcoming: "1", limit: String(limit) });
  if (data.source) { params.append("source", data.source); }
  if (data.category) { params.append("category", data.category); }
  var link = script.previousElementSibling;
  var box = document.createElement("div");
  box.className = "eventfeed-list";
  if (link && link.classList.contains("eventfeed")) { link.replaceWith(box); } else { script.after(box); }

  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) { node.className = cls; }
    if (text) { node.textContent = text; }  // text only: nothing from a feed is ever markup here
    return node;
  }
  function show(feed) {
    var items = (feed.items || []).slice(0, limit), list = el("ul", "eventfeed-events");
    list.style.cssText = "list-style:none;margin:0;padding:0";
    items.forEach(function (item) {
      var e = item._event || {}, li = el("li", "eventfeed-event");
      li.style.cssText = "margin:0 0 .75em";
      var when = (item.content_text || "").split("\n")[0];
      li.appendChild(el("div", "eventfeed-when", when)).style.fontWeight = "600";
      var a = el("a", "eventfeed-title", item.title);
      a.href = base + "/events/" + encodeURIComponent(e.id || "");
      a.target = "_blank";
      a.rel = "noopener";
      li.appendChild(el("div")).appendChild(a);
      var where = [e.venue, e.address, e.locality].filter(function (p, i, all) { return p && all.indexOf(p) === i; })
        .join(", ") || (e.online ? "Online" : "");
      if (where) { li.appendChild(el("div", "eventfeed-where", where)); }
      list.appendChild(li);
    });
    box.textContent = "";
    box.appendChild(items.length ? list : el("p", "eventfeed-none", "No events coming up."));
    var all = el("a", "eventfeed-all", "All events");
    all.href = base + "/";
    box.appendChild(el("p")).appendChild(all);
  }
  fetch(base + "/feeds/" + encodeURIComponent(data.feed || "all") + ".json?" + params.toString())
    .then(function (r) { if (!r.ok) { throw new Error(String(r.status)); } return r.json(); })
    .then(show)
    .catch(function () {
      box.textContent = "";
      var a = el("a", "eventfeed", "Our events");
      a.href = base + "/";
      box.appendChild(a);
    });
})();
