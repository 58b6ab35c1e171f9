// The searchable dispatch log: GET /v1/dispatches with the filters and the page's time range,
// newest first, one page at a time through `nextCursor`.

import { getJson } from './api.js';
import { byId, el, show, utc } from './format.js';

const PAGE_SIZE = 50;
const FILTERS = ['ruleId', 'customerId', 'channel', 'status', 'reason'];

export class DispatchLog {
  /** `ruleName(id)` labels rules; `openCustomer(id)` shows the side panel; `run(task)` reports failures. */
  constructor({ ruleName, openCustomer, run }) {
    this.ruleName = ruleName;
    this.openCustomer = openCustomer;
    this.items = [];
    this.nextCursor = null;
    this.query = {};
    // A newer search makes the answers of older ones stale; they are dropped, not rendered.
    this.generation = 0;
    byId('load-more').addEventListener('click', () => run(() => this.loadMore()));
  }

  filters() {
    const form = new FormData(byId('log-filters'));
    return Object.fromEntries(FILTERS.map((name) => [name, String(form.get(name) ?? '').trim()]));
  }

  async search(range) {
    this.query = { ...this.filters(), since: range.since.toISOString(), until: range.until.toISOString() };
    const generation = ++this.generation;
    const page = await getJson('/dispatches', { ...this.query, limit: PAGE_SIZE });
    if (generation !== this.generation) return;
    this.items = page.items;
    this.nextCursor = page.nextCursor;
    this.render();
  }

  async loadMore() {
    if (this.nextCursor === null) return;
    const generation = this.generation;
    const page = await getJson('/dispatches', { ...this.query, limit: PAGE_SIZE, cursor: this.nextCursor });
    if (generation !== this.generation) return;
    this.items = [...this.items, ...page.items];
    this.nextCursor = page.nextCursor;
    this.render();
  }

  render() {
    const rows = this.items.map((dispatch) =>
      el(
        'tr',
        { 'data-dispatch-id': dispatch.id, 'data-status': dispatch.status },
        el('td', { class: 'time' }, utc(dispatch.createdAt, true)),
        el('td', {}, this.ruleName(dispatch.ruleId)),
        el(
          'td',
          {},
          el(
            'button',
            {
              type: 'button',
              class: 'link',
              'data-customer': dispatch.customerId,
              onclick: () => this.openCustomer(dispatch.customerId),
            },
            dispatch.customerId,
          ),
        ),
        el('td', { class: 'num' }, dispatch.step),
        el('td', {}, dispatch.channel ?? '—'),
        el('td', {}, el('span', { class: `badge status-${dispatch.status}` }, dispatch.status)),
        el('td', { class: 'reason' }, dispatch.reason ?? ''),
        // Answers "why push, not email?": set only when the step passed over its first channel.
        el('td', { class: 'reason fallback' }, dispatch.fallbackReason ?? ''),
        el('td', { class: 'time' }, utc(dispatch.sentAt, true)),
      ),
    );
    byId('log-table').tBodies[0].replaceChildren(...rows);
    const note = byId('log-note');
    note.textContent =
      this.items.length === 0 ? 'No dispatch matches these filters in this range.' : `${this.items.length} shown`;
    show(note, true);
    show(byId('load-more'), this.nextCursor !== null);
  }
}
