// Live updates over WebSocket under /ws (ws:// or wss:// to match the page). Browsers cannot set headers on a
// WebSocket, so each socket sends its credentials in its first message instead, never in the URL.

import { $ } from '../shared/dom.js';

let suspended = false; // test hook: hold all sockets closed, as when the network is gone
const sockets = new Set();

const wsUrl = (path) => `${location.protocol === 'https:' ? 'wss://' : 'ws://'}${location.host}${path}`;

/**
 * One WebSocket that comes back by itself, with backoff, until stopped. Its first message says who is
 * listening (handlers.auth); it counts as live once the server answers with what it has: the feed's snapshot, or an
 * order's first status_update, the one that carries its history ("events").
 */
export class LiveSocket {
  constructor(path, handlers) {
    this.path = path; // function: the path to connect to now (it may depend on what we already have)
    this.handlers = handlers; // auth(): the first message; message(data); closed(event): false to give up
    this.ws = null;
    this.state = 'idle';
    this.attempts = 0;
    this.timer = null;
    this.wanted = false;
    this.connects = 0;
  }

  start() {
    this.wanted = true;
    sockets.add(this);
    this.connect();
  }

  stop() {
    this.wanted = false;
    sockets.delete(this);
    clearTimeout(this.timer);
    const ws = this.ws;
    this.ws = null;
    if (ws) ws.close(1000, 'bye');
    this.setState('idle');
  }

  connect() {
    clearTimeout(this.timer);
    if (!this.wanted || this.ws) return;
    if (suspended) {
      this.setState('reconnecting');
      return;
    }
    const ws = new WebSocket(wsUrl(this.path()));
    this.ws = ws;
    this.connects++;
    this.setState(this.connects === 1 ? 'connecting' : 'reconnecting');
    ws.onopen = () => {
      if (this.ws !== ws) return;
      // a socket the server opens to everyone (a guest order by its id) has started already and ignores it
      ws.send(JSON.stringify(this.handlers.auth ? this.handlers.auth() : { type: 'auth' }));
    };
    ws.onmessage = (message) => {
      if (this.ws !== ws) return;
      let data;
      try {
        data = JSON.parse(message.data);
      } catch (e) {
        return;
      }
      if (data.type === 'snapshot' || Array.isArray(data.events)) {
        this.attempts = 0;
        this.setState('open');
      }
      this.handlers.message(data);
    };
    ws.onclose = (event) => {
      if (this.ws !== ws) return;
      this.ws = null;
      if (this.handlers.closed && this.handlers.closed(event) === false) {
        this.stop();
        return;
      }
      this.setState('reconnecting');
      this.retry();
    };
  }

  retry() {
    if (!this.wanted) return;
    const delay = Math.min(10000, 400 * 2 ** this.attempts) * (0.75 + Math.random() * 0.5);
    this.attempts++;
    this.timer = setTimeout(() => this.connect(), delay);
  }

  /** Closes the socket as a network failure would; it reconnects by itself. */
  drop() {
    if (this.ws) this.ws.close(4000, 'dropped');
  }

  setState(state) {
    this.state = state;
    renderConnection();
  }
}

const LABELS = { live: 'Live', connecting: 'Connecting…', reconnecting: 'Reconnecting…', offline: 'Offline' };
const TITLES = {
  live: 'Receiving live updates',
  connecting: 'Connecting to live updates',
  reconnecting: 'Connection lost; reconnecting. Nothing will be missed.',
  offline: 'No connection; updates will catch up when it is back.',
};

/** The indicator in the top bar: live only when every socket is. */
export function renderConnection() {
  const active = Array.from(sockets);
  let state = 'live';
  if (active.some((s) => s.state === 'reconnecting')) {
    state = suspended || navigator.onLine === false ? 'offline' : 'reconnecting';
  } else if (active.some((s) => s.state === 'connecting' || s.state === 'idle')) {
    state = 'connecting';
  }
  const indicator = $('[data-testid="connection"]');
  if (indicator.dataset.state === state) return;
  indicator.dataset.state = state;
  $('.connection-label', indicator).textContent = LABELS[state];
  indicator.title = TITLES[state];
}

function reconnectAllNow() {
  for (const socket of sockets) {
    if (!socket.ws) {
      socket.attempts = 0;
      socket.connect();
    }
  }
}

window.addEventListener('online', reconnectAllNow);
window.addEventListener('offline', renderConnection);

/** Test hooks: drop every socket as a network failure would, or hold them all down until restored. */
export function dropConnections() {
  for (const socket of sockets) socket.drop();
}

export function goOffline() {
  suspended = true;
  dropConnections();
  renderConnection();
}

export function goOnline() {
  suspended = false;
  reconnectAllNow();
  renderConnection();
}
