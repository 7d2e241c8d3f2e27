// Sort, filter and pages for tables marked data-sortable: click (or Enter on) a column heading
// to sort; type in the box above a table to show only rows containing that text; a table with
// data-page-size shows that many rows at a time, with Previous / Next / Show all below it.
// Without JavaScript every row shows. No network.
function enhanceTable(table) {
  const body = table.tBodies[0];
  if (!body) return;
  const rows = Array.from(body.rows);
  const size = parseInt(table.dataset.pageSize || "0", 10);
  let page = 0, showAll = !size, matching = rows;
  const label = document.createElement("label");
  label.className = "evidence-filter";
  label.textContent = "Filter rows: ";
  const input = document.createElement("input");
  input.type = "search";
  label.appendChild(input);
  const status = document.createElement("span");
  status.setAttribute("role", "status");
  status.className = "evidence-filter-status";
  label.appendChild(status);
  const box = table.closest(".evidence-table") || table;
  box.parentNode.insertBefore(label, box);
  let pager = null;
  const button = (text, act) => {
    const b = document.createElement("button");
    b.type = "button";
    b.className = "evidence-page";
    b.textContent = text;
    b.addEventListener("click", act);
    pager.appendChild(b);
    return b;
  };
  let prev, next, all;
  if (size) {
    pager = document.createElement("div");
    pager.className = "evidence-pager";
    prev = button("Previous rows", () => { page -= 1; show(); });
    next = button("Next rows", () => { page += 1; show(); });
    all = button("Show all rows", () => { showAll = !showAll; page = 0; show(); });
    box.parentNode.insertBefore(pager, box.nextSibling);
  }
  function show() {
    const pages = Math.max(1, Math.ceil(matching.length / (size || 1)));
    page = Math.min(Math.max(page, 0), pages - 1);
    const from = showAll ? 0 : page * size;
    const to = showAll ? matching.length : Math.min(from + size, matching.length);
    const shown = new Set(matching.slice(from, to));
    rows.forEach((r) => { r.hidden = !shown.has(r); });
    const range = matching.length ? `rows ${from + 1}–${to}` : "no rows";
    const filtered = matching.length < rows.length;
    if (size) {
      status.textContent = ` ${range} of ${matching.length}` +
        (filtered ? ` matching (${rows.length} in all)` : "");
    } else {
      status.textContent = filtered ? ` ${matching.length} of ${rows.length} rows` : "";
    }
    if (pager) {
      prev.disabled = showAll || page === 0;
      next.disabled = showAll || to >= matching.length;
      all.textContent = showAll ? `Show ${size} rows at a time` : "Show all rows";
      pager.hidden = matching.length <= size && !showAll;
    }
  }
  // a link to one row (comparison/#arrangement-x) opens the page of rows that holds it
  table.evidenceReveal = (row) => {
    if (!rows.includes(row)) return;
    input.value = ""; matching = rows;
    page = Math.floor(matching.indexOf(row) / (size || 1));
    show();
  };
  input.addEventListener("input", () => {
    const q = input.value.trim().toLowerCase();
    matching = rows.filter((r) => !q || r.textContent.toLowerCase().includes(q));
    page = 0;
    show();
  });
  Array.from(table.tHead.rows[0].cells).forEach((th, col) => {
    const sort = document.createElement("button");
    sort.type = "button";
    sort.className = "evidence-sort";
    sort.innerHTML = th.innerHTML;
    th.innerHTML = "";
    th.appendChild(sort);
    th.setAttribute("aria-sort", "none");
    sort.addEventListener("click", () => {
      const asc = th.getAttribute("aria-sort") !== "ascending";
      table.tHead.rows[0].querySelectorAll("th").forEach((h) => h.setAttribute("aria-sort", "none"));
      th.setAttribute("aria-sort", asc ? "ascending" : "descending");
      const key = (r) => {
        const cell = r.cells[col];
        const v = cell.dataset.value ?? cell.textContent.trim();
        const n = parseFloat(String(v).replace(/[£,%]/g, ""));
        return v === "" ? null : (isNaN(n) ? v.toLowerCase() : n);
      };
      const order = (a, b) => {
        const x = key(a), y = key(b);
        if (x === null) return 1;
        if (y === null) return -1;
        return (x < y ? -1 : x > y ? 1 : 0) * (asc ? 1 : -1);
      };
      rows.sort(order);
      matching = matching.slice().sort(order);
      rows.forEach((r) => body.appendChild(r));
      show();
    });
  });
  if (size || rows.length) show();
}
function revealTarget() {
  const id = decodeURIComponent(location.hash.slice(1));
  const target = id && document.getElementById(id);
  if (!target) return;
  const group = target.closest("details.reference-group");
  if (group && !group.open) {
    group.open = true;
    target.scrollIntoView();
  }
  if (target.tagName !== "TR") return;
  const table = target.closest("table");
  if (table && table.evidenceReveal) {
    table.evidenceReveal(target);
    target.scrollIntoView();
  }
}
window.addEventListener("hashchange", revealTarget);
// A long list marked data-filter (the References page) gets the same filter box. Its sections
// arrive open (so the page reads whole without JavaScript) and fold here, but for the one a
// link points into; while a filter is typed, sections with a match open and the rest hide.
function enhanceList(list) {
  const items = Array.from(list.querySelectorAll("li[id]"));
  const groups = Array.from(list.querySelectorAll("details.reference-group"));
  const label = document.createElement("label");
  label.className = "evidence-filter";
  label.textContent = "Filter sources: ";
  const input = document.createElement("input");
  input.type = "search";
  label.appendChild(input);
  const status = document.createElement("span");
  status.setAttribute("role", "status");
  status.className = "evidence-filter-status";
  label.appendChild(status);
  list.parentNode.insertBefore(label, list);
  const fold = () => groups.forEach((g) => { g.hidden = false; g.open = false; });
  fold();
  input.addEventListener("input", () => {
    const q = input.value.trim().toLowerCase();
    let shown = 0;
    items.forEach((item) => {
      item.hidden = Boolean(q) && !item.textContent.toLowerCase().includes(q);
      if (!item.hidden) shown += 1;
    });
    if (q) {
      groups.forEach((g) => {
        const any = Array.from(g.querySelectorAll("li[id]")).some((item) => !item.hidden);
        g.hidden = !any;
        g.open = any;
      });
    } else {
      fold();
    }
    status.textContent = q ? ` ${shown} of ${items.length} sources` : "";
  });
}
function enhanceTables() {
  document.querySelectorAll("table[data-sortable]").forEach(enhanceTable);
  document.querySelectorAll("[data-filter]").forEach(enhanceList);
  revealTarget();
}
if (document.readyState === "loading") {
  document.addEventListener("DOMContentLoaded", enhanceTables);
} else {
  enhanceTables();
}

// A table wider than the screen scrolls sideways; keyboard users must be able to reach and
// scroll it too (WCAG 2.1.1), so an overflowing table box becomes a focusable, named region.
function markScrollingTables() {
  document.querySelectorAll(".evidence-table").forEach((box) => {
    const caption = box.querySelector("caption");
    if (box.scrollWidth > box.clientWidth + 1) {
      box.setAttribute("tabindex", "0");
      box.setAttribute("role", "region");
      const name = caption ? caption.textContent.trim() : "";
      box.setAttribute("aria-label", name ? `Table: ${name}` : "Table (scrolls sideways)");
    } else if (box.getAttribute("role") === "region") {
      box.removeAttribute("tabindex");
      box.removeAttribute("role");
      box.removeAttribute("aria-label");
    }
  });
}
document.addEventListener("change", (event) => {
  if (event.target.matches(".tabbed-set > input")) markScrollingTables(); // a tab was shown
});
let scrollingTablesTimer = null;
window.addEventListener("resize", () => {
  clearTimeout(scrollingTablesTimer);
  scrollingTablesTimer = setTimeout(markScrollingTables, 150);
});
if (document.readyState === "loading") {
  document.addEventListener("DOMContentLoaded", markScrollingTables);
} else {
  markScrollingTables();
}
