// Upgrade each static chart (an SVG image) to an interactive Vega-Lite view, using the
// vega bundle shipped with the site: nothing is fetched from another host.
function upgradeCharts() {
  if (!window.vegaEmbed) return;
  document.querySelectorAll("figure.evidence-chart").forEach((figure) => {
    if (figure.dataset.upgraded) return;
    const specNode = figure.querySelector("script.evidence-chart-spec");
    if (!specNode) return;
    const spec = JSON.parse(specNode.textContent);
    const target = document.createElement("div");
    target.className = "evidence-chart-view";
    const fallback = figure.querySelector("img.evidence-chart-fallback");
    figure.insertBefore(target, fallback);
    window.vegaEmbed(target, spec, { actions: false, renderer: "svg" }).then(() => {
      if (fallback) fallback.hidden = true;
      figure.dataset.upgraded = "1";
    }).catch(() => {
      target.remove();
      figure.dataset.failed = "1"; // the static SVG stays in place
    });
  });
}
if (document.readyState === "loading") {
  document.addEventListener("DOMContentLoaded", upgradeCharts);
} else {
  upgradeCharts();
}
