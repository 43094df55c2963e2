// The history scrubber: a slider over the order's history on the order view. Moving it shows the order as it was
// after that event, as the server folds it from the history (GET /api/orders/{id}?at_sequence=N); "Latest" (or the
// slider's last position) goes back to the live order. The order at a sequence never changes, so each one is fetched
// once per view. While an earlier point is shown, live events still arrive and extend the slider.

import { $ } from '../shared/dom.js';
import { humanize, time } from '../shared/format.js';
import { STATUS_LABELS } from '../shared/order-status.js';
import { api } from './api.js';
import { showError } from './errors.js';
import { orderHeaders } from './guest-orders.js';
import { renderOrder, sortedEvents } from './order-render.js';
import { screen } from './state.js';
import { EVENT_LABELS } from './words.js';

const range = () => $('[data-testid="scrubber-range"]');

/** What the slider's label says about the event at a sequence: "#3 · Order validated · 14:02:11". */
function describe(view, sequence) {
  const event = view.events.get(sequence);
  if (!event) return `#${sequence}`;
  const status = STATUS_LABELS[event.status] || humanize(event.status);
  return `#${sequence} · ${EVENT_LABELS[event.type] || humanize(event.type)} · ${time(event.occurred_at)} · ${status}`;
}

/** Draws the scrubber for the order on screen: its range is the history held, its position the point shown. */
export function renderScrubber(view) {
  const box = $('[data-testid="scrubber"]');
  const last = view.lastSequence;
  box.hidden = last < 2;
  const input = range();
  const shown = view.past ? view.past.sequence : last;
  input.max = String(Math.max(last, 1));
  input.value = String(shown);
  const text = describe(view, shown);
  input.setAttribute('aria-valuetext', text);
  const label = $('[data-testid="scrubber-label"]');
  label.textContent = view.past ? text : `${text} (latest)`;
  label.dataset.sequence = String(shown);
  box.dataset.state = view.past ? 'past' : view.pastWanted ? 'loading' : 'live';
  $('[data-testid="scrubber-latest"]').disabled = !view.past && !view.pastWanted;
}

/** The order as it was after event {@code sequence}; the last one held means the live order. */
export async function showPoint(sequence) {
  const view = screen.view;
  if (!view || !view.order) return;
  if (sequence >= view.lastSequence) {
    showLatest();
    return;
  }
  view.pastWanted = sequence;
  view.pastCache = view.pastCache || new Map();
  const label = $('[data-testid="scrubber-label"]');
  label.textContent = describe(view, sequence);
  label.dataset.sequence = String(sequence);
  let past = view.pastCache.get(sequence);
  if (!past) {
    try {
      past = await api('GET', `/api/orders/${encodeURIComponent(view.id)}?at_sequence=${sequence}`, undefined,
        orderHeaders(view.id));
    } catch (error) {
      if (screen.view !== view || view.pastWanted !== sequence) return;
      view.pastWanted = null;
      if (!error.problem.sessionExpired) showError(error.problem);
      renderOrder(view);
      return;
    }
    view.pastCache.set(sequence, past);
  }
  // only the point asked for last is shown: answers to earlier moves of the slider are kept, not drawn
  if (screen.view !== view || view.pastWanted !== sequence) return;
  view.pastWanted = null;
  view.past = { sequence, order: past };
  renderOrder(view);
}

/** Back to the live order. */
export function showLatest() {
  const view = screen.view;
  if (!view) return;
  view.past = null;
  view.pastWanted = null;
  renderOrder(view);
}

/** The events of the point shown: the past order's own history, or everything held. */
export function shownEvents(view) {
  return view.past ? view.past.order.events || [] : sortedEvents(view);
}

export function bindScrubber() {
  range().addEventListener('input', (event) => showPoint(Number(event.target.value)));
  $('[data-testid="scrubber-latest"]').addEventListener('click', () => {
    showLatest();
    range().focus();
  });
}
