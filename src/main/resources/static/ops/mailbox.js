// The mailbox: the newest customer messages the notification module kept, with where their e-mail stands
// (sent, pending while the SMTP server is away, undeliverable; none when no SMTP server is configured).

import { $, el } from '../shared/dom.js';
import { api, session } from './api.js';
import { timelineLink } from './timeline.js';

const SHOWN = 20;

/** An e-mail status as the operator reads it; null means the message was only kept. */
const emailStatus = (status) => status || 'kept (no SMTP)';

export async function refreshMailbox() {
  const asOf = session.generation;
  const messages = await api(`/api/notifications?limit=${SHOWN}`);
  if (asOf !== session.generation) return; // signed out meanwhile
  $('#mailbox-table tbody').replaceChildren(...messages.map((m) => el('tr', { 'data-id': m.id },
    el('td', { class: 'small', text: new Date(m.created_at).toLocaleString() }),
    el('td', { text: m.recipient }),
    el('td', {}, el('details', {}, el('summary', { text: m.subject }), el('pre', { class: 'small', text: m.body }))),
    el('td', { class: 'small' }, timelineLink(m.order_id)),
    el('td', { class: `small email-${m.email_status || 'kept'}`, text: emailStatus(m.email_status) }))));
  $('#mailbox-count').textContent = messages.length ? `the newest ${messages.length}` : 'empty';
}
