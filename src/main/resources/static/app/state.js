// What the page knows of orders: every one it has seen (the sidebar's and the full list's), and the one on screen.

/** id -> summary; the highest version wins. */
export const known = new Map();

/** Takes in an order's summary unless a newer one is held; true when it was taken. */
export function upsert(order) {
  if (!order || !order.id) return false;
  const held = known.get(order.id);
  if (held && (held.version || 0) > (order.version || 0)) return false;
  known.set(order.id, { ...held, ...order, events: undefined, order_token: undefined });
  return true;
}

export const newestFirst = (a, b) => String(b.created_at || '').localeCompare(String(a.created_at || ''));

/** The order on screen (order-view.js): { id, order, events, lastSequence, socket, ... }, or null. */
export const screen = { view: null };
