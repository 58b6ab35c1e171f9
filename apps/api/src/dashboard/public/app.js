// The dashboard's wiring: the key form, the time range, and which part redraws when a control changes.

import { forgetKey, getJson, KeyRefused, storedKey, storeKey } from './api.js';
import { chartData, drawFunnel, drawNps, drawReasons, drawTimeline } from './charts.js';
import { CustomerPanel } from './customer.js';
import { byId, el, show, utc } from './format.js';
import { DispatchLog } from './log.js';
import * as model from './stats-model.js';
import { renderFunnelTable, renderTiles } from './summary.js';

const state = {
  rules: new Map(),
  range: null,
  stats: null,
  /** Every stats query sent, oldest first (the browser test reads it). */
  statsQueries: [],
  /** Requests in flight, and tasks finished: `pending === 0` means the page shows its last answers. */
  pending: 0,
  finished: 0,
};

const ruleName = (id) => state.rules.get(id)?.name ?? `rule ${id.slice(0, 8)}`;

function showError(message) {
  byId('error').textContent = message ?? '';
  show(byId('error'), Boolean(message));
}

function setPending(delta) {
  state.pending += delta;
  document.documentElement.dataset.pending = String(state.pending);
}

/** Runs a task against the API: a refused key goes back to the key form, any other failure to the banner. */
async function run(task) {
  setPending(1);
  try {
    await task();
  } catch (error) {
    if (error instanceof KeyRefused) askForKey(`The key was refused (${error.message}). Enter it again.`);
    else showError(error.message);
  } finally {
    setPending(-1);
    state.finished += 1;
  }
}

const log = new DispatchLog({ ruleName, openCustomer: (id) => panel.open(id), run });
const panel = new CustomerPanel({ ruleName, run });

function askForKey(message = null) {
  forgetKey();
  show(byId('dashboard'), false);
  show(byId('range'), false);
  panel.close();
  show(byId('login'), true);
  const error = byId('login-error');
  error.textContent = message ?? '';
  show(error, message !== null);
  byId('api-key').value = '';
  byId('api-key').focus();
}

function useRules(items) {
  state.rules = new Map(items.map((rule) => [rule.id, rule]));
  const options = [...state.rules.values()]
    .sort((a, b) => a.name.localeCompare(b.name))
    .map((rule) => el('option', { value: rule.id }, rule.name));
  byId('filter-rule').replaceChildren(el('option', { value: '' }, 'any rule'), ...options);
}

async function enter() {
  show(byId('login'), false);
  show(byId('range'), true);
  show(byId('dashboard'), true);
  await refresh();
}

function rangeFromControls() {
  return model.resolveRange(byId('range-preset').value, byId('range-since').value, byId('range-until').value);
}

async function refresh() {
  showError(null);
  state.range = rangeFromControls();
  await Promise.all([loadStats(), log.search(state.range)]);
}

async function loadStats() {
  const bucket = byId('range-bucket').value;
  const query = {
    since: state.range.since.toISOString(),
    until: state.range.until.toISOString(),
    // "auto" leaves the choice to the API, which also keeps the page working with one that has no buckets.
    bucket: bucket === 'auto' ? undefined : bucket,
  };
  state.statsQueries.push(query);
  state.stats = await getJson('/dispatches/stats', query);
  renderStats();
}

function renderStats() {
  const { stats } = state;
  const rules = model.funnel(stats, state.rules);
  const reasons = model.reasons(stats);
  byId('range-label').textContent =
    `${utc(stats.since)} → ${utc(stats.until)} UTC` +
    (stats.bucket ? ` · ${stats.bucket === 'day' ? 'daily' : 'hourly'} buckets` : '');
  renderTiles(model.totals(stats, rules), model.shopNps(stats));
  drawTimeline(model.timeline(stats, byId('timeline-channel').value));
  drawReasons(reasons);
  drawFunnel(rules);
  drawNps(model.npsTimeline(stats));
  renderFunnelTable(rules);
  byId('known-reasons').replaceChildren(
    ...[...new Set(reasons.map((r) => r.reason))].map((r) => el('option', { value: r })),
  );
}

const toLocalInput = (date) => date.toISOString().slice(0, 16);

function wireControls() {
  byId('login-form').addEventListener('submit', (event) => {
    event.preventDefault();
    const key = byId('api-key').value.trim();
    run(async () => {
      try {
        useRules((await getJson('/rules', {}, key)).items);
      } catch (error) {
        if (!(error instanceof KeyRefused)) throw error;
        return askForKey('This key was refused: it is not an ops or marketer key of this API.');
      }
      storeKey(key);
      await enter();
    });
  });
  byId('range').addEventListener('submit', (event) => {
    event.preventDefault();
    run(refresh);
  });
  byId('range-preset').addEventListener('change', () => {
    const custom = byId('range-preset').value === 'custom';
    show(byId('custom-range'), custom);
    if (!custom) return run(refresh);
    // Start the custom range from the one shown, so only the end that matters needs changing.
    byId('range-since').value = toLocalInput(state.range.since);
    byId('range-until').value = toLocalInput(state.range.until);
  });
  byId('range-bucket').addEventListener('change', () => run(loadStats));
  byId('timeline-channel').addEventListener('change', () => {
    if (state.stats !== null) drawTimeline(model.timeline(state.stats, byId('timeline-channel').value));
  });
  byId('log-filters').addEventListener('submit', (event) => {
    event.preventDefault();
    run(() => log.search(state.range));
  });
  // The reset event fires before the form's fields are cleared: search once the current task is over.
  const nextTask = () => new Promise((resolve) => setTimeout(resolve));
  byId('log-filters').addEventListener('reset', () => run(() => nextTask().then(() => log.search(state.range))));
  byId('sign-out').addEventListener('click', () => askForKey());
}

/** For the browser test (and curious operators): what the page holds and what the charts draw. */
window.beckonDashboard = {
  state,
  charts: chartData,
  log: () => log.items,
  customer: () => panel.shown,
};

wireControls();
setPending(0);
if (storedKey() === null) {
  askForKey();
} else {
  run(async () => {
    useRules((await getJson('/rules')).items);
    await enter();
  });
}
