// One horizontal bar chart per suite: each case's ratio to the baseline,
// with a whisker for its spread and a line at 1.0×.
const esc = (s) => String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** ns in a readable unit (teardown rows reach seconds). */
const ns = (x) =>
  x >= 1e9
    ? `${(x / 1e9).toFixed(2)} s`
    : x >= 1e6
      ? `${(x / 1e6).toFixed(2)} ms`
      : x >= 1e4
        ? `${(x / 1e3).toFixed(1)} µs`
        : `${x.toFixed(1)} ns`;

export function svgChart(suite) {
  const rows = suite.rows;
  const labelW = 330;
  const barW = 420;
  const rowH = 26;
  const top = 44;
  const h = top + rows.length * rowH + 30;
  const w = labelW + barW + 230;
  const max = Math.max(1, ...rows.map((r) => r.ratio * (1 + r.ratioSpreadPct / 100)));
  const log = max > 8;
  const scale = (x) => (log ? (Math.log10(Math.max(x, 0.1)) + 1) / (Math.log10(max) + 1) : x / max) * barW;
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}" font-family="sans-serif" font-size="12">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    `<text x="10" y="18" font-size="14" font-weight="bold">${esc(suite.title)}</text>`,
    `<text x="10" y="34" fill="#555">ratio to ${esc(suite.baseline)} (same run, median across processes)${log ? ', log scale' : ''}; whisker = spread</text>`,
  ];
  rows.forEach((r, i) => {
    const y = top + i * rowH;
    const bw = scale(r.ratio);
    const lo = scale(r.ratio * (1 - r.ratioSpreadPct / 100));
    const hi = scale(r.ratio * (1 + r.ratioSpreadPct / 100));
    const color = r.baseline ? '#888' : r.ratio <= 1.1 ? '#2a7' : r.ratio <= 2 ? '#e90' : '#d33';
    parts.push(
      `<text x="${labelW - 6}" y="${y + 16}" text-anchor="end">${esc(r.name)}</text>`,
      `<rect x="${labelW}" y="${y + 4}" width="${bw.toFixed(1)}" height="${rowH - 10}" fill="${color}"/>`,
      `<line x1="${labelW + lo}" x2="${labelW + hi}" y1="${y + rowH / 2}" y2="${y + rowH / 2}" stroke="black"/>`,
      `<text x="${labelW + Math.max(bw, hi) + 6}" y="${y + 16}">${r.ratio.toFixed(2)}× · ${ns(r.nsPerOp)}${r.virtualNs !== undefined ? ` (virtual ${ns(r.virtualNs)})` : ''}</text>`,
    );
  });
  const one = labelW + scale(1);
  parts.push(
    `<line x1="${one}" x2="${one}" y1="${top}" y2="${top + rows.length * rowH}" stroke="#333" stroke-dasharray="4 3"/>`,
    `<text x="${one}" y="${h - 10}" text-anchor="middle" fill="#333">1.0×</text>`,
    '</svg>',
  );
  return `${parts.join('\n')}\n`;
}
