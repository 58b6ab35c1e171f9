// Formatting and DOM helpers. Everything shown comes from the API (customer ids, reasons, rule names),
// so text is only ever set through textContent, never parsed as HTML.

/** `el('td', { class: 'num' }, '12')`: an element with attributes and text or element children. */
export function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === null || value === false) continue;
    if (name === 'onclick') node.addEventListener('click', value);
    else node.setAttribute(name, value === true ? '' : String(value));
  }
  for (const child of children.flat()) {
    if (child === undefined || child === null) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

export const byId = (id) => document.getElementById(id);

export function show(node, visible) {
  node.hidden = !visible;
}

/** `2026-11-23 10:00` in UTC: the buckets are UTC, so every time on the page is too. */
export function utc(value, withSeconds = false) {
  if (value === null || value === undefined) return '—';
  const iso = new Date(value).toISOString();
  return `${iso.slice(0, 10)} ${iso.slice(11, withSeconds ? 19 : 16)}`;
}

const integer = new Intl.NumberFormat('en', { maximumFractionDigits: 0 });
const money = new Intl.NumberFormat('en', { minimumFractionDigits: 2, maximumFractionDigits: 2 });

export const count = (value) => (typeof value === 'number' ? integer.format(value) : '—');
export const amount = (value) => (typeof value === 'number' ? money.format(value) : '—');
export const percent = (fraction) => (typeof fraction === 'number' ? `${(fraction * 100).toFixed(1)} %` : '—');
/** An absolute difference of two rates, in percentage points. */
export const points = (fraction) =>
  typeof fraction === 'number' ? `${fraction >= 0 ? '+' : '−'}${Math.abs(fraction * 100).toFixed(1)} pts` : '—';

/** A stable colour per status, shared by the timeline, the reasons and the log's badges (see app.css). */
export const STATUS_COLOURS = {
  sent: '#2e9d5b',
  queued: '#3b82c4',
  scheduled: '#9aa5b1',
  deferred: '#d8a31a',
  holdout: '#8e6cc2',
  suppressed: '#e07b39',
  failed: '#d0443e',
};
export const STATUS_ORDER = Object.keys(STATUS_COLOURS);
export const statusColour = (status) => STATUS_COLOURS[status] ?? '#6b7785';
