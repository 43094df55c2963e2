// The dead-letter console: counts per module, a filtered and paged list, one letter in detail with its audit trail,
// and re-driving or discarding (one, or in bulk by the filter).

import { $, el } from '../shared/dom.js';
import { fullDateTime, toInstant } from '../shared/format.js';
import { api } from './api.js';
import { timelineLink } from './timeline.js';
import { report, toast } from './toast.js';

export const dlq = { page: 0, size: 25, total: 0, selected: null };

function filterValues() {
  const form = new FormData($('#dlq-filter'));
  return {
    module: form.get('module') || undefined,
    type: (form.get('type') || '').trim() || undefined,
    order_id: (form.get('order_id') || '').trim() || undefined,
    status: form.get('status') || 'parked',
    parked_after: toInstant(form.get('parked_after')),
    parked_before: toInstant(form.get('parked_before')),
  };
}

export async function refreshDeadLetterCounts() {
  const counts = await api('/api/dead-letters/counts');
  const modules = Object.keys(counts.modules || {});
  const select = $('#dlq-filter select[name=module]');
  if (select.options.length === 1) {
    for (const m of modules) select.append(el('option', { value: m }, m));
  }
  $('#served').textContent = `dead letters of: ${modules.join(', ') || 'no module'}`;
  const parked = modules.reduce((total, m) => total + (counts.modules[m].parked || 0), 0);
  const busy = modules.filter((m) => counts.modules[m].parked);
  $('#dlq-counts').textContent = `${parked} parked${busy.length
    ? ` · ${busy.map((m) => `${m} ${counts.modules[m].parked}`).join(', ')}` : ''}`;
}

export async function refreshDeadLetters() {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(filterValues())) if (value !== undefined) params.set(key, value);
  params.set('page', dlq.page);
  params.set('size', dlq.size);
  const page = await api(`/api/dead-letters?${params}`);
  dlq.total = page.total_elements;
  const body = $('#dlq-table tbody');
  body.replaceChildren(...page.items.map((item) => {
    const row = el('tr', { onclick: () => inspect(item.module, item.id) },
      el('td', {}, fullDateTime(item.parked_at)), el('td', {}, item.module), el('td', {}, item.id),
      el('td', {}, item.type), el('td', {}, timelineLink(item.order_id)), el('td', {}, item.attempts),
      el('td', { class: `status-${item.status}` }, item.status), el('td', { class: 'error', title: item.error }, item.error));
    if (dlq.selected && dlq.selected.module === item.module && dlq.selected.id === item.id) row.classList.add('selected');
    return row;
  }));
  if (!page.items.length) body.append(el('tr', {}, el('td', { colspan: 8, class: 'notice' }, 'No dead letters match.')));
  const pages = Math.max(1, Math.ceil(dlq.total / dlq.size));
  $('#page-info').textContent = `page ${dlq.page + 1} of ${pages} · ${dlq.total} dead letter(s)`;
  $('#prev').disabled = dlq.page === 0;
  $('#next').disabled = dlq.page + 1 >= pages;
}

function prettyJson(text) {
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch (e) {
    return text; // malformed payloads are shown as they arrived
  }
}

/** One letter in detail, with what can be done to it and what has been; the URL's hash links to it. */
export async function inspect(module, id) {
  dlq.selected = { module, id };
  const box = $('#dlq-detail');
  let d;
  try {
    d = await api(`/api/dead-letters/${encodeURIComponent(module)}/${encodeURIComponent(id)}`);
  } catch (e) {
    report(e);
    return;
  }
  const facts = el('dl');
  const fact = (name, value) => facts.append(el('dt', {}, name), el('dd', {}, value ?? ''));
  fact('Module / id', `${d.module} / ${d.id}`);
  fact('Status', d.status + (d.status_changed_at ? ` (since ${fullDateTime(d.status_changed_at)})` : ''));
  fact('Message id', d.message_id);
  fact('Type', `${d.type} v${d.version}`);
  fact('Order', d.order_id);
  fact('Caused by', d.causation_id);
  fact('Occurred', fullDateTime(d.occurred_at));
  fact('Attempts', d.attempts);
  fact('First failed', fullDateTime(d.first_failed_at));
  fact('Last failed', fullDateTime(d.last_failed_at));
  fact('Parked', fullDateTime(d.parked_at));
  fact('Error', d.error);
  if (d.other_parkings_of_this_message && d.other_parkings_of_this_message.length) {
    fact('Also parked as', d.other_parkings_of_this_message.map((o) => `${d.module}/${o}`).join(', '));
  }

  const actions = el('div', { class: 'actions' });
  if (d.status === 'parked') {
    const reason = el('textarea', { placeholder: 'Reason for discarding (required, recorded)', maxlength: 1000 });
    const discard = () => {
      if (!reason.value.trim()) {
        toast('A reason is required to discard a dead letter.', true);
        reason.focus();
        return;
      }
      act(d, 'discard', { reason: reason.value.trim() });
    };
    actions.append(
      el('button', { type: 'button', onclick: () => act(d, 'redrive') }, 'Re-drive'),
      el('div', {}, reason, el('br'), el('button', { type: 'button', class: 'danger', onclick: discard }, 'Discard')));
  } else {
    actions.append(el('span', { class: 'notice' }, `This dead letter is ${d.status}; only parked ones can be re-driven or discarded.`));
  }

  const trail = el('table', {}, el('thead', {}, el('tr', {}, el('th', {}, 'When'), el('th', {}, 'Who'),
    el('th', {}, 'What'), el('th', {}, 'Why'), el('th', {}, 'Bulk'))));
  const rows = el('tbody', {}, (d.actions || []).map((a) => el('tr', {}, el('td', {}, fullDateTime(a.at)),
    el('td', {}, a.operator), el('td', {}, a.action), el('td', {}, a.reason || ''), el('td', {}, a.bulk_id || ''))));
  if (!(d.actions || []).length) rows.append(el('tr', {}, el('td', { colspan: 5, class: 'notice' }, 'No action yet.')));
  trail.append(rows);

  box.replaceChildren(
    el('h3', {}, `Dead letter ${d.module}/${d.id}`),
    facts, actions,
    el('h4', {}, 'Payload'), el('pre', {}, prettyJson(d.payload)),
    el('h4', {}, 'Headers'), el('pre', {}, JSON.stringify(d.headers || {}, null, 2)),
    el('details', {}, el('summary', {}, 'Stack summary'), el('pre', {}, d.stack || '')),
    el('h4', {}, 'Audit trail'), trail);
  box.hidden = false;
  history.replaceState(null, '', `#dead-letter/${d.module}/${d.id}`);
  for (const row of $('#dlq-table tbody').children) row.classList.remove('selected');
}

/** The letter named by a link to it (#dead-letter/<module>/<id>), if the URL holds one. */
export function inspectLinked() {
  const link = location.hash.match(/^#dead-letter\/([a-z]+)\/(\d+)$/);
  if (link) inspect(link[1], Number(link[2]));
}

async function act(d, action, body) {
  try {
    await api(`/api/dead-letters/${encodeURIComponent(d.module)}/${encodeURIComponent(d.id)}/${action}`,
      { method: 'POST', body });
    toast(`${action === 'redrive' ? 'Re-drove' : 'Discarded'} ${d.module}/${d.id}`);
  } catch (e) {
    report(e);
  }
  await Promise.allSettled([inspect(d.module, d.id), refreshDeadLetters(), refreshDeadLetterCounts()]);
}

export async function bulkRedrive() {
  const filter = filterValues();
  const limit = parseInt($('#bulk-limit').value, 10) || 100;
  const probe = new URLSearchParams();
  for (const [key, value] of Object.entries(filter)) if (value !== undefined && key !== 'status') probe.set(key, value);
  probe.set('status', 'parked');
  probe.set('size', 1);
  let matched;
  try {
    matched = (await api(`/api/dead-letters?${probe}`)).total_elements;
  } catch (e) {
    report(e);
    return;
  }
  if (!matched) {
    toast('No parked dead letter matches the filter.');
    return;
  }
  const described = Object.entries(filter).filter(([k, v]) => v !== undefined && k !== 'status')
    .map(([k, v]) => `${k}=${v}`).join(', ') || 'no filter: every served module';
  if (!confirm(`Re-drive ${Math.min(matched, limit)} of ${matched} parked dead letter(s) (${described})?`)) return;
  const button = $('#bulk-redrive');
  button.disabled = true;
  $('#bulk-result').textContent = 'Re-driving (paced by orderflow.dead-letters.redrive-rate)…';
  try {
    const result = await api('/api/dead-letters/redrive', { method: 'POST', body: {
      module: filter.module, type: filter.type, order_id: filter.order_id,
      parked_after: filter.parked_after, parked_before: filter.parked_before, limit } });
    $('#bulk-result').textContent = `${result.redriven.length} re-driven, ${result.skipped.length} skipped, `
      + `${result.failed.length} failed, ${result.remaining} left (at ${result.rate_per_second}/s; bulk ${result.bulk_id})`;
    if (result.failed.length) toast(result.failed.map((f) => `${f.module}/${f.id}: ${f.error}`).join('\n'), true);
  } catch (e) {
    $('#bulk-result').textContent = '';
    report(e);
  } finally {
    button.disabled = false;
  }
  await Promise.allSettled([refreshDeadLetters(), refreshDeadLetterCounts()]);
}

/** Nothing of the last session's letters stays. */
export function forgetDeadLetters() {
  Object.assign(dlq, { page: 0, total: 0, selected: null });
  $('#dlq-detail').hidden = true;
  $('#dlq-detail').replaceChildren();
}
