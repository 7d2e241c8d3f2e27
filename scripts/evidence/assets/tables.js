// Sort and filter for tables marked data-sortable: click (or Enter on) a column heading to
// sort; type in the box above a table to show only rows containing that text. No network.
function enhanceTable(table) {
  const body = table.tBodies[0];
  if (!body) return;
  const rows = Array.from(body.rows);
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
  input.addEventListener("input", () => {
    const q = input.value.trim().toLowerCase();
    let shown = 0;
    rows.forEach((r) => {
      const hit = !q || r.textContent.toLowerCase().includes(q);
      r.hidden = !hit;
      if (hit) shown += 1;
    });
    status.textContent = ` ${shown} of ${rows.length} rows`;
  });
  Array.from(table.tHead.rows[0].cells).forEach((th, col) => {
    const button = document.createElement("button");
    button.type = "button";
    button.className = "evidence-sort";
    button.innerHTML = th.innerHTML;
    th.innerHTML = "";
    th.appendChild(button);
    th.setAttribute("aria-sort", "none");
    button.addEventListener("click", () => {
      const asc = th.getAttribute("aria-sort") !== "ascending";
      table.tHead.rows[0].querySelectorAll("th").forEach((h) => h.setAttribute("aria-sort", "none"));
      th.setAttribute("aria-sort", asc ? "ascending" : "descending");
      const key = (r) => {
        const cell = r.cells[col];
        const v = cell.dataset.value ?? cell.textContent.trim();
        const n = parseFloat(String(v).replace(/[£,%]/g, ""));
        return v === "" ? null : (isNaN(n) ? v.toLowerCase() : n);
      };
      rows.sort((a, b) => {
        const x = key(a), y = key(b);
        if (x === null) return 1;
        if (y === null) return -1;
        return (x < y ? -1 : x > y ? 1 : 0) * (asc ? 1 : -1);
      });
      rows.forEach((r) => body.appendChild(r));
    });
  });
}
function enhanceTables() {
  document.querySelectorAll("table[data-sortable]").forEach(enhanceTable);
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
