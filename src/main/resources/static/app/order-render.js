// Draws the order on screen: its status and outcome, the saga's steps as a timeline, what was undone, its items
// and its history. Everything from the server goes in as text.

import { $, el } from '../shared/dom.js';
import { dateTime, humanize, money, time, toCents } from '../shared/format.js';
import { CANCELLABLE, STAGES, STAGE_INDEX, STATUS_LABELS, TERMINAL } from '../shared/order-status.js';
import { renderScrubber, shownEvents } from './history-scrubber.js';
import { ICONS } from './icons.js';
import { COMPENSATIONS, EVENT_LABELS, EVENT_TONES, failureDetail, reasonLabel } from './words.js';

export const sortedEvents = (view) => Array.from(view.events.values()).sort((a, b) => a.sequence - b.sequence);

/** Where the order stopped: the last stage it was in before it failed or was cancelled. */
function stoppedAt(order, events) {
  let reached = null;
  for (const event of events) {
    if (TERMINAL.has(event.status)) break;
    if (STAGE_INDEX[event.status] !== undefined) reached = event.status;
  }
  const cancel = events.find((e) => e.type === 'cancellation_requested');
  if (cancel && cancel.details && cancel.details.status) return cancel.details.status;
  if (reached) return reached;
  return {
    unknown_sku: 'validating', price_changed: 'validating', mixed_currencies: 'validating',
    insufficient_stock: 'inventory_check', payment_declined: 'payment_processing', shipping_failed: 'shipping',
  }[order.failure_reason] || 'pending';
}

export function renderLoading(id) {
  $('[data-testid="order-id"]').textContent = id;
  $('[data-testid="order-meta"]').textContent = 'Loading…';
  const badge = $('[data-testid="order-status"]');
  badge.textContent = '';
  badge.dataset.status = '';
  $('[data-testid="order-total"]').textContent = '';
  $('[data-testid="outcome"]').hidden = true;
  $('[data-testid="timeline"]').replaceChildren();
  $('[data-testid="compensations"]').hidden = true;
  $('[data-testid="order-items"] tbody').replaceChildren();
  $('[data-testid="events"]').replaceChildren();
  $('[data-testid="event-count"]').textContent = '';
  $('[data-testid="ship-to"]').textContent = '';
  $('[data-testid="scrubber"]').hidden = true;
}

/**
 * The whole order view; fresh holds the sequences of events that just arrived. While the history scrubber shows an
 * earlier point (view.past), that is the order drawn, with its history up to there.
 */
export function renderOrder(view, fresh) {
  const order = view.past ? view.past.order : view.order;
  if (!order) return;
  const events = shownEvents(view);
  const status = order.status;
  const section = $('[data-testid="order-view"]');
  section.dataset.status = status;
  section.dataset.lastSequence = view.lastSequence;
  section.dataset.shownSequence = view.past ? view.past.sequence : view.lastSequence;
  renderScrubber(view);

  $('[data-testid="order-id"]').textContent = order.id;
  const meta = [];
  if (order.created_at) meta.push(`Placed ${dateTime(order.created_at)}`);
  if (order.customer_email) meta.push(order.customer_email);
  $('[data-testid="order-meta"]').textContent = meta.join(' · ');
  const badge = $('[data-testid="order-status"]');
  badge.textContent = STATUS_LABELS[status] || status;
  badge.dataset.status = status;
  badge.classList.toggle('in-progress', !TERMINAL.has(status));
  const total = order.total_amount !== undefined && order.total_amount !== null;
  $('[data-testid="order-total"]').textContent = total ? money(toCents(order.total_amount), order.currency) : '';

  renderOutcome(view, order, events);
  renderTimeline(order, events);
  renderCompensations(events);
  renderItems(order);
  renderEvents(events, view.past ? null : fresh);
}

function renderOutcome(view, order, events) {
  const box = $('[data-testid="outcome"]');
  const icon = $('.outcome-icon', box);
  const title = $('[data-testid="outcome-title"]');
  const detail = $('[data-testid="outcome-detail"]');
  const tracking = $('[data-testid="tracking-number"]');
  const cancel = $('[data-testid="cancel-order"]');
  tracking.hidden = true;
  box.hidden = false;
  const status = order.status;
  if (status === 'completed') {
    box.dataset.kind = 'completed';
    icon.innerHTML = ICONS.check;
    title.textContent = 'Completed and on its way';
    detail.textContent = 'Paid, packed and handed to the carrier.';
    if (order.tracking_number) {
      tracking.hidden = false;
      tracking.replaceChildren('Tracking number ', el('strong', { className: 'mono', text: order.tracking_number }));
    }
  } else if (status === 'failed') {
    box.dataset.kind = 'failed';
    icon.innerHTML = ICONS.cross;
    title.textContent = `Failed: ${reasonLabel(order.failure_reason || 'unknown')}`;
    detail.textContent = failureDetail(order.failure_detail) + undoneNote(events);
  } else if (status === 'cancelled') {
    box.dataset.kind = 'cancelled';
    icon.innerHTML = ICONS.stop;
    title.textContent = 'Cancelled';
    const at = stoppedAt(order, events);
    const stage = STAGES[STAGE_INDEX[at]];
    detail.textContent = `Cancelled at the ${(stage ? stage.label : humanize(at)).toLowerCase()} step.${undoneNote(events)}`;
  } else {
    box.dataset.kind = 'progress';
    icon.innerHTML = ICONS.progress;
    title.textContent = `${STATUS_LABELS[status] || humanize(status)}…`;
    detail.textContent = view.past
      ? 'This is how the order stood then; Latest shows where it is now.'
      : 'This page updates by itself as the order moves along.';
  }
  cancel.hidden = Boolean(view.past) || !CANCELLABLE.has(status); // no cancelling the past
  cancel.disabled = view.cancelling;
  cancel.textContent = view.cancelling ? 'Cancelling…' : 'Cancel order';
}

function undoneNote(events) {
  const requested = events.filter((e) => e.type === 'compensation_requested').length;
  if (!requested) return '';
  const done = events.filter((e) => e.type === 'stock_released' || e.type === 'payment_refunded').length;
  return done >= requested ? ' What was already done has been undone.' : ' Undoing what was already done…';
}

function renderTimeline(order, events) {
  const status = order.status;
  const reachedAt = {};
  for (const event of events) {
    if (!(event.status in reachedAt)) reachedAt[event.status] = event.occurred_at;
  }
  let stop = -1;
  let stopState = null;
  if (status === 'failed' || status === 'cancelled') {
    stop = STAGE_INDEX[stoppedAt(order, events)];
    stopState = status;
  }
  const currentIndex = STAGE_INDEX[status];
  $('[data-testid="timeline"]').replaceChildren(...STAGES.map((stage, i) => {
    let state;
    if (stopState) {
      state = i < stop ? 'done' : i === stop ? stopState : 'skipped';
    } else if (status === 'completed') {
      state = 'done';
    } else {
      state = i < currentIndex ? 'done' : i === currentIndex ? 'current' : 'upcoming';
    }
    const marker = { done: ICONS.check, failed: ICONS.cross, cancelled: ICONS.stop, current: ICONS.progress }[state]
      || String(i + 1);
    let note = '';
    if (state === 'failed') note = 'Failed here';
    else if (state === 'cancelled') note = 'Cancelled here';
    else if (state === 'current') note = 'In progress';
    else if (state === 'done' && reachedAt[stage.status]) note = time(reachedAt[stage.status]);
    return el('li', {
      className: 'step', 'data-testid': 'timeline-step', 'data-step': stage.status, 'data-state': state,
      'aria-current': state === 'current' ? 'step' : null,
    }, [
      el('span', { className: 'step-marker', html: marker }),
      el('span', { className: 'step-label', text: stage.label }),
      el('span', { className: 'step-note', text: note }),
    ]);
  }));
}

function renderCompensations(events) {
  const box = $('[data-testid="compensations"]');
  const actions = [];
  for (const event of events) {
    const action = event.type === 'compensation_requested' && event.details ? event.details.action : null;
    if (action && !actions.includes(action)) actions.push(action);
  }
  // an undo that happened without its request in view still counts
  for (const [action, info] of Object.entries(COMPENSATIONS)) {
    if (!actions.includes(action) && events.some((e) => e.type === info.event)) actions.push(action);
  }
  box.hidden = actions.length === 0;
  $('.compensation-list', box).replaceChildren(...actions.map((action) => {
    const info = COMPENSATIONS[action] || { done: humanize(action), pending: humanize(action), event: null };
    const done = info.event ? events.some((e) => e.type === info.event) : true;
    return el('li', {
      className: 'compensation', 'data-testid': 'compensation', 'data-action': action,
      'data-state': done ? 'done' : 'pending',
    }, [
      done ? el('span', { html: ICONS.check }) : el('span', { className: 'spinner' }),
      done ? info.done : `${info.pending}…`,
    ]);
  }));
}

function renderItems(order) {
  $('[data-testid="order-items"] tbody').replaceChildren(...(order.items || []).map((item) => {
    const unit = item.unit_price !== undefined && item.unit_price !== null ? toCents(item.unit_price) : null;
    const line = item.line_total !== undefined && item.line_total !== null
      ? toCents(item.line_total) : unit !== null ? unit * item.quantity : null;
    return el('tr', { 'data-testid': 'order-item', 'data-sku': item.sku }, [
      el('td', {}, [item.name || item.sku, el('span', { className: 'sku', text: item.sku })]),
      el('td', { className: 'num', text: String(item.quantity) }),
      el('td', { className: 'num', text: unit !== null ? money(unit, order.currency) : '—' }),
      el('td', { className: 'num', text: line !== null ? money(line, order.currency) : '—' }),
    ]);
  }));
  const address = order.shipping_address;
  const parts = address
    ? [address.name, address.line1, address.city, address.postal_code, address.country].filter(Boolean) : [];
  $('[data-testid="ship-to"]').textContent = address ? `Ships to ${parts.join(', ')}` : '';
}

function eventDetail(event) {
  const d = event.details && typeof event.details === 'object' ? event.details : {};
  switch (event.type) {
    case 'order_placed':
      return Array.isArray(d.items) && d.items.length
        ? `${d.items.reduce((n, item) => n + (Number(item.quantity) || 0), 0)} item(s)` : '';
    case 'order_failed':
      return [reasonLabel(d.reason), failureDetail(d.detail).replace(/\.$/, '')].filter(Boolean).join(' — ');
    case 'order_rejected':
      return [reasonLabel(d.reason), d.detail].filter(Boolean).join(' — ');
    case 'stock_unavailable':
      return `Not enough stock${Array.isArray(d.skus) && d.skus.length ? ` of ${d.skus.join(', ')}` : ''}`;
    case 'payment_declined':
      return d.reason ? reasonLabel(d.reason) : '';
    case 'shipment_failed':
      return d.reason || '';
    case 'shipment_created':
      return [d.carrier, d.tracking_number ? `tracking ${d.tracking_number}` : null].filter(Boolean).join(' · ');
    case 'compensation_requested':
      return d.action ? humanize(d.action) : '';
    case 'cancellation_requested':
      return d.status ? `while ${(STATUS_LABELS[d.status] || humanize(d.status)).toLowerCase()}` : '';
    case 'order_validated':
      return d.total !== undefined ? `Priced at ${money(toCents(d.total), d.currency)}` : '';
    case 'payment_charged':
      return [d.amount !== undefined ? `${money(toCents(d.amount), d.currency)} charged` : null,
        d.payment_id].filter(Boolean).join(' · ');
    case 'payment_refunded':
      return d.amount !== undefined ? `${money(toCents(d.amount), d.currency)} refunded` : '';
    default:
      return Object.entries(d)
        .filter(([, value]) => value !== null && typeof value !== 'object')
        .map(([key, value]) => `${humanize(key).toLowerCase()} ${value}`)
        .join(' · ');
  }
}

function renderEvents(events, fresh) {
  $('[data-testid="event-count"]').textContent = events.length ? `· ${events.length}` : '';
  $('[data-testid="events"]').replaceChildren(...events.map((event) => {
    const detail = eventDetail(event);
    return el('li', {
      className: `event${fresh && fresh.has(event.sequence) ? ' fresh' : ''}`,
      'data-testid': 'event', 'data-sequence': event.sequence, 'data-type': event.type,
      'data-status': event.status, 'data-tone': EVENT_TONES[event.type] || null,
    }, [
      el('div', { className: 'event-head' }, [
        el('span', { className: 'event-title' }, [
          el('span', { className: 'event-seq', text: `#${event.sequence}` }),
          EVENT_LABELS[event.type] || humanize(event.type),
        ]),
        el('time', { className: 'event-time', datetime: event.occurred_at, title: event.occurred_at, text: time(event.occurred_at) }),
      ]),
      detail ? el('p', { className: 'event-detail', text: detail }) : null,
    ]);
  }));
}
