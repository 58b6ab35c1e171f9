// The headline tiles and the per-rule table under the charts: the exact figures the bars stand for.
// The NPS tile is the shop's (every survey answer in the range); a post_purchase rule's own is in its row.

import { amount, byId, count, el, percent, points } from './format.js';

/** NPS in whole points, and how many answers it stands on; '—' without answers or from an older API. */
const npsText = (nps) => (typeof nps?.score === 'number' ? count(nps.score) : '—');
const answersText = (nps) =>
  nps === undefined ? null : `${count(nps.answers)} ${nps.answers === 1 ? 'answer' : 'answers'}`;

export function renderTiles(figures, nps) {
  const tile = (name, label, value, detail = null) =>
    el(
      'div',
      { class: `tile tile-${name}`, 'data-tile': name },
      el('span', {}, label),
      el('strong', {}, value),
      detail === null ? null : el('small', {}, detail),
    );
  byId('tiles').replaceChildren(
    tile('dispatches', 'Dispatches', count(figures.dispatches)),
    tile('sent', 'Sent', count(figures.sent)),
    tile('suppressed', 'Suppressed', count(figures.suppressed)),
    tile('failed', 'Failed', count(figures.failed)),
    tile('conversions', 'Conversions', count(figures.conversions)),
    tile('revenue', 'Revenue', amount(figures.revenue)),
    tile('nps', 'NPS', npsText(nps), answersText(nps)),
  );
}

function holdoutText(holdout, holdoutPercent) {
  if (holdout === undefined || holdout === null) return '—';
  if (!holdoutPercent && holdout.heldOut.customers === 0) return 'no holdout';
  const group = (label, g) => `${label} ${percent(g.conversionRate)} of ${count(g.customers)}`;
  const uplift = holdout.uplift === null ? 'no held-out customers yet' : `uplift ${points(holdout.uplift)}`;
  return `${uplift} · ${group('messaged', holdout.messaged)} vs ${group('held out', holdout.heldOut)}`;
}

const figureCells = (row) => [
  el('td', { class: 'num' }, count(row.triggered)),
  el('td', { class: 'num' }, count(row.sent)),
  el('td', { class: 'num' }, count(row.suppressed)),
  el('td', { class: 'num' }, count(row.failed)),
  el('td', { class: 'num', 'data-field': 'conversions' }, count(row.conversions)),
  el('td', { class: 'num' }, percent(row.conversionRate)),
  el('td', { class: 'num', 'data-field': 'revenue' }, amount(row.revenue)),
  // Opens after the revenue, clicks last: opens are the weak signal (privacy proxies load every pixel).
  el('td', { class: 'num weak', 'data-field': 'opened' }, count(row.opened)),
  el('td', { class: 'num weak', 'data-field': 'openRate' }, percent(row.openRate)),
  el('td', { class: 'num', 'data-field': 'clicked' }, count(row.clicked)),
  el('td', { class: 'num', 'data-field': 'clickRate' }, percent(row.clickRate)),
];

export function renderFunnelTable(rules) {
  const rows = [];
  for (const rule of rules) {
    const detail = [
      rule.trigger,
      rule.holdoutPercent ? `${rule.holdoutPercent} % holdout` : null,
      rule.nps ? `NPS ${npsText(rule.nps)} (${answersText(rule.nps)})` : null,
    ].filter(Boolean);
    rows.push(
      el(
        'tr',
        { class: 'rule-row', 'data-rule-id': rule.ruleId },
        el('th', { scope: 'row' }, rule.name, detail.length > 0 ? el('small', {}, ` ${detail.join(' · ')}`) : null),
        ...figureCells(rule),
        el('td', { 'data-field': 'holdout' }, holdoutText(rule.holdout, rule.holdoutPercent)),
      ),
    );
    for (const step of rule.steps ?? []) {
      rows.push(
        el(
          'tr',
          { class: 'step-row' },
          el('th', { scope: 'row' }, `step ${step.step}`),
          ...figureCells(step),
          el('td'),
        ),
      );
    }
  }
  if (rows.length === 0)
    rows.push(el('tr', {}, el('td', { colspan: 13, class: 'empty' }, 'No rule had dispatches in this range.')));
  byId('funnel-table').tBodies[0].replaceChildren(...rows);
}
