// orderflow operations page: order counts, throughput / latency / backlog charts, saga diagram, mailbox, dead-letter
// console.
// Its entry point. No build step, no external resources; every value from the server is put into the page as text
// (textContent / SVG text nodes), never as markup.
//
// Nothing is loaded before the operator signs in (api.js); signed out, only the sign-in panel shows, and nothing of
// the data stays on screen.

import { $ } from '../shared/dom.js';
import { refreshAnalytics, replayAnalytics } from './analytics.js';
import { onSessionEnd, session, signIn } from './api.js';
import {
  bulkRedrive, dlq, forgetDeadLetters, inspectLinked, refreshDeadLetterCounts, refreshDeadLetters,
} from './dead-letters.js';
import { refreshMailbox } from './mailbox.js';
import { forgetMetrics, METRICS_POLL_MS, pollMetrics, renderRawSamples } from './metrics.js';
import { forgetOrderCounts, refreshOrderCounts } from './order-counts.js';
import { refreshSaga } from './saga.js';
import { forgetTimeline, initTimeline, showLinkedTimeline } from './timeline.js';
import { report } from './toast.js';

const REFRESH_MS = 5000;

let timers = [];

async function refreshAll() {
  await Promise.allSettled([refreshOrderCounts(), refreshDeadLetterCounts()]);
  await Promise.allSettled([refreshSaga(), refreshDeadLetters(), refreshMailbox(), refreshAnalytics()]);
}

function startConsole() {
  $('#gate').hidden = true;
  $('#console').hidden = false;
  $('#session').hidden = false;
  $('#session-client').textContent = session.value.client_id;
  refreshAll();
  inspectLinked();
  showLinkedTimeline();
  pollMetrics();
  timers = [
    setInterval(() => {
      if (!document.hidden) refreshAll();
    }, REFRESH_MS),
    setInterval(() => {
      if (!document.hidden) pollMetrics();
    }, METRICS_POLL_MS),
  ];
}

function showSignIn(notice) {
  timers.forEach(clearInterval);
  timers = [];
  $('#console').hidden = true;
  $('#session').hidden = true;
  $('#gate').hidden = false;
  // what the last session saw goes with it
  forgetOrderCounts();
  forgetMetrics();
  forgetDeadLetters();
  forgetTimeline();
  for (const id of ['#order-counts', '#orders-updated', '#metrics-notice', '#metrics-stats', '#charts', '#backlog-table',
    '#metrics', '#saga', '#saga-compensations', '#mailbox-table tbody', '#mailbox-count', '#dlq-counts', '#dlq-table tbody', '#page-info', '#bulk-result', '#served',
    '#analytics-charts', '#analytics-status', '#analytics-replay-result']) {
    $(id).replaceChildren();
  }
  $('#sign-in-notice').textContent = notice || '';
  $('#sign-in-notice').hidden = !notice;
  $('#sign-in-error').hidden = true;
  $('#client-secret').value = '';
  ($('#client-id').value ? $('#client-secret') : $('#client-id')).focus();
}

/** The token is gone or refused: stop everything and ask for the credentials again. */
function sessionEnded(notice) {
  if (!session.value) return;
  session.store(null);
  showSignIn(notice);
}

async function submitSignIn(event) {
  event.preventDefault();
  const button = $('#sign-in');
  const error = $('#sign-in-error');
  error.hidden = true;
  button.disabled = true;
  try {
    await signIn($('#client-id').value.trim(), $('#client-secret').value);
    $('#client-secret').value = '';
    $('#sign-in-notice').hidden = true;
    startConsole();
  } catch (e) {
    error.textContent = e.message;
    error.hidden = false;
    $('#client-secret').select();
  } finally {
    button.disabled = false;
  }
}

function init() {
  onSessionEnd(sessionEnded);
  const saved = localStorage.getItem('orderflow.operator');
  if (saved) $('#operator').value = saved;
  $('#operator').addEventListener('change', () => localStorage.setItem('orderflow.operator', $('#operator').value.trim()));
  $('#sign-in-form').addEventListener('submit', submitSignIn);
  initTimeline();
  $('#sign-out').addEventListener('click', () => {
    session.store(null);
    showSignIn('Signed out.');
  });
  $('#dlq-filter').addEventListener('submit', (event) => {
    event.preventDefault();
    dlq.page = 0;
    refreshDeadLetters().catch(report);
  });
  $('#prev').addEventListener('click', () => {
    dlq.page = Math.max(0, dlq.page - 1);
    refreshDeadLetters().catch(report);
  });
  $('#next').addEventListener('click', () => {
    dlq.page += 1;
    refreshDeadLetters().catch(report);
  });
  $('#bulk-redrive').addEventListener('click', bulkRedrive);
  $('#analytics-granularity').addEventListener('change', () => refreshAnalytics().catch(report));
  $('#analytics-replay').addEventListener('click', replayAnalytics);
  $('#metrics-raw').addEventListener('toggle', () => {
    if ($('#metrics-raw').open) renderRawSamples();
  });
  const stored = session.read();
  if (stored && stored.expires_at > Date.now()) {
    session.store(stored);
    startConsole();
  } else {
    if (stored) session.store(null);
    showSignIn(stored ? 'The session has expired. Sign in again.' : '');
  }
}

init();
