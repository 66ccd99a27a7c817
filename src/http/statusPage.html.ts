import { formatTime } from '../core/time.ts';
import type { IncidentView, StatusView } from '../service/publicStatus.ts';

/**
 * drbot's public status page as one self-contained HTML document: inline CSS, no scripts, no
 * external assets (the CSP header says so too), readable on a phone. Every value is escaped.
 */
export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

const LABEL: Record<string, string> = {
  operational: 'Operational', degraded_performance: 'Degraded performance', partial_outage: 'Partial outage', major_outage: 'Major outage',
  investigating: 'Investigating', identified: 'Identified', monitoring: 'Monitoring', resolved: 'Resolved',
};
const BANNER: Record<string, string> = {
  operational: 'All systems operational', degraded_performance: 'Degraded performance', partial_outage: 'Partial outage', major_outage: 'Major outage',
};

const CSS = `
*{box-sizing:border-box}
body{margin:0;font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1d2433;background:#f5f6f8}
main{max-width:42rem;margin:0 auto;padding:1rem}
h1{font-size:1.4rem;margin:.5rem 0 1rem}
h2{font-size:1.1rem;margin:1.5rem 0 .5rem}
h3{font-size:1rem;margin:0 0 .25rem;overflow-wrap:anywhere}
.banner{padding:.9rem 1rem;border-radius:.5rem;color:#fff;font-weight:600}
.operational{background:#1f883d}.degraded_performance{background:#9a6700}.partial_outage{background:#bc4c00}.major_outage{background:#cf222e}
ul.components{list-style:none;margin:0;padding:0;background:#fff;border-radius:.5rem}
ul.components li{display:flex;justify-content:space-between;gap:1rem;padding:.7rem 1rem;border-bottom:1px solid #e4e7ec;overflow-wrap:anywhere}
ul.components li:last-child{border-bottom:0}
.pill{flex:none;font-size:.85rem;padding:.1rem .6rem;border-radius:1rem;color:#fff}
article{background:#fff;border-radius:.5rem;padding:.8rem 1rem;margin:.6rem 0}
.meta{color:#57606a;font-size:.9rem;margin:0 0 .5rem}
ol.updates{list-style:none;margin:0;padding:0}
ol.updates li{border-left:3px solid #d0d7de;padding:.2rem 0 .2rem .7rem;margin:.4rem 0;overflow-wrap:anywhere}
time{display:block;color:#57606a;font-size:.85rem}
footer{color:#57606a;font-size:.85rem;margin:2rem 0 1rem}
a{color:#0969da}
`;

function incident(v: IncidentView, when: (iso: string) => string): string {
  const meta = [v.severity, LABEL[v.status], v.resolvedAt ? `${when(v.startedAt)} – ${when(v.resolvedAt)} (${v.duration})` : `since ${when(v.startedAt)}`];
  if (v.components.length) meta.push(`affects ${v.components.join(', ')}`);
  const updates = v.updates.length
    ? `<ol class="updates">${v.updates.map((u) => `<li><time datetime="${escapeHtml(u.at)}">${escapeHtml(when(u.at))}</time><strong>${escapeHtml(LABEL[u.status] ?? u.status)}</strong> — ${escapeHtml(u.body)}</li>`).join('')}</ol>`
    : '<p class="meta">No public update yet.</p>';
  return `<article><h3>${escapeHtml(v.title)}</h3><p class="meta">${escapeHtml(meta.join(' · '))}</p>${updates}</article>`;
}

export function statusPageHtml(v: StatusView, tz: { timeZone: string; label?: string }): string {
  const when = (iso: string) => formatTime(new Date(iso), tz.timeZone, tz.label);
  const components = v.components.length
    ? `<ul class="components">${v.components.map((c) => `<li><span>${escapeHtml(c.name)}</span><span class="pill ${c.status}">${LABEL[c.status]}</span></li>`).join('')}</ul>`
    : '<p class="meta">No public components configured.</p>';
  const open = v.incidents.length ? v.incidents.map((i) => incident(i, when)).join('') : '<p class="meta">No open incidents.</p>';
  const history = v.history.length ? v.history.map((i) => incident(i, when)).join('') : '<p class="meta">No incidents in the past 90 days.</p>';
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="refresh" content="60"><title>${escapeHtml(v.service)} status</title><style>${CSS}</style></head>
<body><main>
<h1>${escapeHtml(v.service)} status</h1>
<p class="banner ${v.overall}" role="status">${BANNER[v.overall]}</p>
<h2>Components</h2>${components}
<h2>Open incidents</h2>${open}
<h2>Past 90 days</h2>${history}
<footer>${escapeHtml(v.organization)} · updated ${escapeHtml(when(v.generatedAt))} · also as <a href="/status.json">JSON</a></footer>
</main></body></html>
`;
}
