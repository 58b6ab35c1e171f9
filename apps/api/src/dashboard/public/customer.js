// The customer side panel: GET /v1/customers/{id}, i.e. why this customer did or did not get a message.

import { ApiError, getJson } from './api.js';
import { amount, byId, el, show, utc } from './format.js';

const yesNo = (value) => el('span', { class: value ? 'yes' : 'no' }, value ? 'yes' : 'no');

function section(title, ...content) {
  return el('section', {}, el('h3', {}, title), ...content);
}

function facts(pairs) {
  return el(
    'dl',
    {},
    pairs.flatMap(([term, value]) => [
      el('dt', {}, term),
      el('dd', {}, value === null || value === undefined ? '—' : value),
    ]),
  );
}

function dispatchTable(dispatches, ruleName, timeOf) {
  if (dispatches.length === 0) return el('p', { class: 'note' }, 'none');
  return el(
    'table',
    { class: 'data compact' },
    el(
      'tbody',
      {},
      dispatches.map((d) =>
        el(
          'tr',
          {},
          el('td', { class: 'time' }, utc(timeOf(d))),
          el('td', {}, `${ruleName(d.ruleId)} · step ${d.step}`),
          el('td', {}, el('span', { class: `badge status-${d.status}` }, d.status), d.channel ? ` ${d.channel}` : ''),
          el('td', { class: 'reason' }, [d.reason, d.fallbackReason].filter(Boolean).join(' ')),
        ),
      ),
    ),
  );
}

export class CustomerPanel {
  constructor({ ruleName, run }) {
    this.ruleName = ruleName;
    this.shown = null;
    byId('customer-close').addEventListener('click', () => this.close());
    document.addEventListener('keydown', (event) => {
      if (event.key === 'Escape') this.close();
    });
    this.run = run;
  }

  open(id) {
    return this.run(async () => {
      byId('customer-title').textContent = id;
      byId('customer-body').replaceChildren(el('p', { class: 'note' }, 'loading…'));
      show(byId('customer-panel'), true);
      try {
        this.shown = await getJson(`/customers/${encodeURIComponent(id)}`);
      } catch (error) {
        if (!(error instanceof ApiError) || error.status !== 404) throw error;
        this.shown = null;
        byId('customer-body').replaceChildren(el('p', { class: 'error' }, `No customer has the id ${id}.`));
        return;
      }
      this.render(this.shown);
    });
  }

  close() {
    this.shown = null;
    show(byId('customer-panel'), false);
  }

  render(customer) {
    const { profile } = customer;
    const name = [profile.first_name, profile.last_name].filter(Boolean).join(' ');
    byId('customer-body').replaceChildren(
      customer.mergedInto
        ? el('p', { class: 'note' }, `${customer.requestedId} was merged into ${customer.mergedInto}.`)
        : '',
      section(
        'Profile',
        facts([
          ['Id', customer.id],
          ['Name', name || null],
          ['Email', profile.email],
          ['Time zone', profile.timezone],
          ['Locale', profile.locale],
          ['Birthday', profile.birthday],
          ['Last seen', profile.last_seen_at ? utc(profile.last_seen_at) : null],
        ]),
      ),
      section(
        'Consent',
        facts([
          ['Email', yesNo(customer.consent.email)],
          ['Web push', yesNo(customer.consent.webpush)],
        ]),
      ),
      section(
        'Push subscriptions',
        customer.pushSubscriptions.length === 0
          ? el('p', { class: 'note' }, 'none')
          : el(
              'ul',
              {},
              customer.pushSubscriptions.map((s) => el('li', {}, `${s.origin} since ${utc(s.createdAt)}`)),
            ),
      ),
      section(
        'Open carts',
        customer.openCarts.length === 0
          ? el('p', { class: 'note' }, 'none')
          : el(
              'ul',
              {},
              customer.openCarts.map((cart) =>
                el(
                  'li',
                  {},
                  `${cart.id}: ${cart.items.length} ${cart.items.length === 1 ? 'item' : 'items'}, ` +
                    `${[amount(cart.value), cart.currency].filter(Boolean).join(' ')}, active ${utc(cart.lastActivityAt)}`,
                ),
              ),
            ),
      ),
      section(
        'Pending steps',
        dispatchTable(customer.pendingDispatches, this.ruleName, (d) => d.dueAt),
      ),
      section(
        'Recent dispatches',
        dispatchTable(customer.recentDispatches, this.ruleName, (d) => d.createdAt),
      ),
    );
  }
}
