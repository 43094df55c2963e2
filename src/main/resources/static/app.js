/*
 * orderflow web client: place orders and follow them live.
 *
 * No build step and no third-party code. Everything talks to the same origin the page came from:
 * REST under /api, live updates over WebSocket under /ws (ws:// or wss:// to match the page).
 *
 * Live updates never lose an event: each order's history has gap-free sequence numbers; the page
 * remembers the last one it holds and reconnects with ?after=<last>, so the server sends exactly what
 * was missed. Events are stored by sequence, so nothing can be listed twice.
 *
 * Who may see what is the server's decision; the page only presents its credentials. A signed-in customer's
 * access token lives in sessionStorage and goes in the Authorization header of every API call; a guest
 * order's order token (shown once, when the order is placed) lives in localStorage and goes in the
 * Order-Token header. Browsers cannot set headers on a WebSocket, so each socket sends them in its first
 * message instead. Neither ever goes into a URL: URLs end up in histories and logs.
 */
(function () {
    'use strict';

    // ------------------------------------------------------------------ vocabulary

    const STAGES = [
        { status: 'pending', label: 'Placed' },
        { status: 'validating', label: 'Validating' },
        { status: 'inventory_check', label: 'Inventory check' },
        { status: 'payment_processing', label: 'Payment' },
        { status: 'shipping', label: 'Shipping' },
        { status: 'completed', label: 'Completed' },
    ];
    const STAGE_INDEX = Object.fromEntries(STAGES.map((s, i) => [s.status, i]));

    const STATUS_LABELS = {
        pending: 'Pending',
        validating: 'Validating',
        inventory_check: 'Checking inventory',
        payment_processing: 'Processing payment',
        shipping: 'Shipping',
        completed: 'Completed',
        failed: 'Failed',
        cancelled: 'Cancelled',
    };
    const CANCELLABLE = new Set(['pending', 'validating', 'inventory_check', 'payment_processing']);
    const TERMINAL = new Set(['completed', 'failed', 'cancelled']);

    const EVENT_LABELS = {
        order_placed: 'Order placed',
        fulfilment_started: 'Fulfilment started',
        order_validated: 'Order validated',
        order_rejected: 'Order rejected',
        stock_reserved: 'Stock reserved',
        stock_unavailable: 'Stock unavailable',
        payment_charged: 'Payment charged',
        payment_declined: 'Payment declined',
        shipment_created: 'Shipment created',
        shipment_failed: 'Shipment failed',
        compensation_requested: 'Compensation requested',
        stock_released: 'Stock released',
        payment_refunded: 'Payment refunded',
        cancellation_requested: 'Cancellation requested',
        order_cancelled: 'Order cancelled',
        order_completed: 'Order completed',
        order_failed: 'Order failed',
    };
    const EVENT_TONES = {
        order_validated: 'ok', stock_reserved: 'ok', payment_charged: 'ok', shipment_created: 'ok', order_completed: 'ok',
        order_rejected: 'bad', stock_unavailable: 'bad', payment_declined: 'bad', shipment_failed: 'bad', order_failed: 'bad',
        compensation_requested: 'undo', stock_released: 'undo', payment_refunded: 'undo', cancellation_requested: 'neutral',
        order_cancelled: 'neutral',
    };

    const REASONS = {
        insufficient_stock: 'Out of stock',
        payment_declined: 'Payment declined',
        card_declined: 'Card declined',
        shipping_failed: 'The carrier could not ship it',
        unknown_sku: 'Unknown product',
        price_changed: 'The price changed',
        mixed_currencies: 'Mixed currencies',
        step_timed_out: 'A step timed out',
    };

    const COMPENSATIONS = {
        release_stock: { done: 'Stock released', pending: 'Releasing stock', event: 'stock_released' },
        refund_payment: { done: 'Payment refunded', pending: 'Refunding payment', event: 'payment_refunded' },
    };

    const ICONS = {
        check: '<svg viewBox="0 0 20 20" aria-hidden="true"><path d="M4.5 10.5l3.5 3.5 7.5-8" fill="none" stroke="currentColor" stroke-width="2.4" stroke-linecap="round" stroke-linejoin="round"/></svg>',
        cross: '<svg viewBox="0 0 20 20" aria-hidden="true"><path d="M5.5 5.5l9 9M14.5 5.5l-9 9" fill="none" stroke="currentColor" stroke-width="2.4" stroke-linecap="round"/></svg>',
        stop: '<svg viewBox="0 0 20 20" aria-hidden="true"><path d="M5 10h10" fill="none" stroke="currentColor" stroke-width="2.6" stroke-linecap="round"/></svg>',
        undo: '<svg viewBox="0 0 20 20" aria-hidden="true"><path d="M7 5L3.5 8.5 7 12M4 8.5h7.5a4.5 4.5 0 010 9H9" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round"/></svg>',
    };

    // ------------------------------------------------------------------ small helpers

    const $ = (selector, root) => (root || document).querySelector(selector);
    const $$ = (selector, root) => Array.from((root || document).querySelectorAll(selector));

    function el(tag, attrs, children) {
        const node = document.createElement(tag);
        for (const [key, value] of Object.entries(attrs || {})) {
            if (value === null || value === undefined || value === false) continue;
            if (key === 'text') node.textContent = value;
            else if (key === 'html') node.innerHTML = value; // only ever our own constant markup
            else if (key === 'className') node.className = value;
            else node.setAttribute(key, value === true ? '' : value);
        }
        for (const child of [].concat(children || [])) {
            if (child !== null && child !== undefined) node.append(child);
        }
        return node;
    }

    /** Exact money: a decimal from the API ("999.99" or 999.99) as integer cents. */
    function toCents(value) {
        if (value === null || value === undefined || value === '') return 0;
        const text = String(value).trim();
        const match = /^(-?)(\d*)(?:\.(\d*))?$/.exec(text);
        if (!match) return Math.round(Number(text) * 100);
        const whole = parseInt(match[2] || '0', 10);
        const fraction = parseInt(((match[3] || '') + '00').slice(0, 2), 10);
        const rest = (match[3] || '').slice(2);
        const roundUp = rest.length > 0 && rest.charCodeAt(0) >= 53 ? 1 : 0; // half up on a third decimal
        const cents = whole * 100 + fraction + roundUp;
        return match[1] === '-' ? -cents : cents;
    }

    const formatters = {};
    function money(cents, currency) {
        const code = currency || 'USD';
        if (!formatters[code]) {
            try {
                formatters[code] = new Intl.NumberFormat(undefined, { style: 'currency', currency: code });
            } catch (e) {
                formatters[code] = { format: (n) => code + ' ' + n.toFixed(2) };
            }
        }
        // cents are exact integers; dividing once for display gives the nearest decimal exactly
        return formatters[code].format(cents / 100);
    }

    function count(n) {
        return new Intl.NumberFormat().format(n);
    }

    function time(iso) {
        if (!iso) return '';
        const date = new Date(iso);
        return isNaN(date) ? '' : date.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', second: '2-digit' });
    }

    function dateTime(iso) {
        if (!iso) return '';
        const date = new Date(iso);
        if (isNaN(date)) return '';
        const today = new Date().toDateString() === date.toDateString();
        return today ? 'today ' + time(iso) : date.toLocaleString([], { dateStyle: 'medium', timeStyle: 'short' });
    }

    function humanize(word) {
        if (!word) return '';
        const text = String(word).replace(/_/g, ' ');
        return text.charAt(0).toUpperCase() + text.slice(1);
    }

    function reasonLabel(reason) {
        return REASONS[reason] || humanize(reason);
    }

    function newKey() {
        if (window.crypto && typeof window.crypto.randomUUID === 'function') return window.crypto.randomUUID();
        return 'k-' + Date.now().toString(36) + '-' + Math.random().toString(36).slice(2, 12);
    }

    // ------------------------------------------------------------------ REST

    class ApiError extends Error {
        constructor(problem) {
            super(problem.detail || problem.title || 'Request failed');
            this.problem = problem;
            this.status = problem.status || 0;
        }
    }

    /**
     * One API call. While signed in it carries the access token, unless the caller brings its own
     * Authorization (signing in checks a token before keeping it). A 401 to our token means the server no
     * longer accepts it: the session has ended, and the error says so instead of being shown as a failure.
     */
    async function api(method, path, body, headers) {
        const init = { method, headers: Object.assign({ Accept: 'application/json, application/problem+json' }, headers || {}) };
        const token = session && !init.headers.Authorization ? session.access_token : null;
        if (token) init.headers.Authorization = 'Bearer ' + token;
        if (body !== undefined) {
            init.headers['Content-Type'] = 'application/json';
            init.body = JSON.stringify(body);
        }
        let response;
        try {
            response = await fetch(path, init);
        } catch (e) {
            throw new ApiError({
                title: 'Cannot reach orderflow',
                detail: 'The server did not answer. Check your connection and try again.',
                status: 0,
            });
        }
        let data = null;
        const type = response.headers.get('Content-Type') || '';
        if (type.includes('json')) {
            try {
                data = await response.json();
            } catch (e) {
                data = null;
            }
        }
        if (!response.ok) {
            const problem = data && typeof data === 'object' ? data : {};
            problem.status = problem.status || response.status;
            problem.title = problem.title || response.statusText || 'Request failed';
            problem.detail = problem.detail || 'The server answered ' + response.status + '.';
            if (response.status === 401 && token && session && session.access_token === token) {
                problem.sessionExpired = true;
                sessionExpired();
            }
            throw new ApiError(problem);
        }
        return data;
    }

    // ------------------------------------------------------------------ error box

    const FIELD_LABELS = {
        customer_email: 'Email',
        email: 'Email',
        password: 'Password',
        name: 'Name',
        items: 'Items',
        'shipping_address.country': 'Country',
        'shipping_address.name': 'Full name',
        'shipping_address.line1': 'Address',
        'shipping_address.city': 'City',
        'shipping_address.postal_code': 'Postal code',
        'payment.card_token': 'Card',
    };

    function fieldLabel(field) {
        const item = /^items\[(\d+)]\.?(.*)$/.exec(field || '');
        if (item) {
            const what = item[2] ? humanize(item[2].replace(/^sku_or_product_id_given$/, 'product')) : '';
            return 'Item ' + (Number(item[1]) + 1) + (what ? ' ' + what.toLowerCase() : '');
        }
        return FIELD_LABELS[field] || humanize(field);
    }

    /** Titles in words for the problems a person meets; the server's title is the bare HTTP reason. */
    const PROBLEM_TITLES = {
        validation: 'Validation failed',
        'invalid-credentials': 'Could not sign you in',
        'email-taken': 'This e-mail address already has an account',
        'sign-in-locked': 'Signing in is paused',
        'rate-limited': 'Too many requests',
    };

    /** The last part of a problem's type URI: "https://orderflow.io/problems/email-taken" is email-taken. */
    function problemType(problem) {
        const type = /\/problems\/([a-z-]+)$/.exec((problem && problem.type) || '');
        return type ? type[1] : '';
    }

    function problemTitle(problem) {
        return PROBLEM_TITLES[problemType(problem)] || problem.title || 'Something went wrong';
    }

    function showError(problem) {
        if (problem.sessionExpired) return; // the sign-in view says so already
        const box = $('[data-testid="error-box"]');
        $('.alert-title', box).textContent = problemTitle(problem);
        $('.alert-detail', box).textContent = problem.detail || '';
        const list = $('.alert-fields', box);
        list.replaceChildren();
        for (const error of Array.isArray(problem.errors) ? problem.errors : []) {
            list.append(el('li', { 'data-testid': 'error-field', 'data-field': error.field }, [
                el('strong', { text: fieldLabel(error.field) }), ' ' + (error.message || 'is not valid'),
            ]));
        }
        box.hidden = false;
        box.scrollIntoView({ block: 'nearest', behavior: 'smooth' });
    }

    function clearError() {
        $('[data-testid="error-box"]').hidden = true;
    }

    // ------------------------------------------------------------------ session (a signed-in customer)

    /*
     * { access_token, expires_at (ms since the epoch), customer: { id, email, name } }, in sessionStorage:
     * it ends with the tab, and it is never in localStorage, where it would outlive the person's visit.
     * Without storage (private modes may refuse it) the session lasts as long as the page.
     */
    const SESSION_KEY = 'orderflow.session';
    let session = readSession();
    let sessionTimer = null;
    /** Bumped at every sign-in and sign-out, so an answer that arrives afterwards is not taken for the new account. */
    let accountGeneration = 0;

    function readSession() {
        try {
            const stored = JSON.parse(sessionStorage.getItem(SESSION_KEY) || 'null');
            if (stored && typeof stored.access_token === 'string' && stored.customer && typeof stored.expires_at === 'number') {
                return stored;
            }
        } catch (e) {
            // unreadable or no storage: signed out
        }
        return null;
    }

    function storeSession(value) {
        session = value;
        accountGeneration++;
        try {
            if (value) sessionStorage.setItem(SESSION_KEY, JSON.stringify(value));
            else sessionStorage.removeItem(SESSION_KEY);
        } catch (e) {
            // no storage: the session lives in this page only
        }
        clearTimeout(sessionTimer);
        if (value) {
            // the server refuses the token from then on; say so when it happens, not at the next click
            const delay = Math.min(2147483647, Math.max(0, value.expires_at - Date.now()));
            sessionTimer = setTimeout(sessionExpired, delay);
        }
    }

    /** Exchanges e-mail and password for an access token and keeps it, with the account it belongs to. */
    async function signIn(email, password) {
        const asked = Date.now();
        const token = await api('POST', '/api/auth/token', { email, password });
        const bearer = { Authorization: 'Bearer ' + token.access_token };
        const customer = await api('GET', '/api/customers/me', undefined, bearer);
        storeSession({
            access_token: token.access_token,
            // counted from before the request, so the page never believes in a token the server has dropped
            expires_at: asked + Number(token.expires_in || 0) * 1000,
            customer: { id: customer.id, email: customer.email, name: customer.name },
        });
        accountChanged();
    }

    function signOut() {
        if (!session) return;
        storeSession(null);
        accountChanged();
    }

    /** What the sign-in view says next time it shows, and where it goes once the person has signed in. */
    let authNotice = '';
    let returnTo = null;

    /**
     * The server no longer takes the token (it expired, or was signed with a key that is gone): sign out,
     * ask the person to sign in again, and bring them back to what they were looking at.
     */
    function sessionExpired() {
        if (!session) return;
        const where = location.hash;
        signOut();
        authNotice = 'Your session has expired. Please sign in again.';
        returnTo = /^#\/(orders\/.+|my-orders)$/.test(where) ? where : null;
        go('#/sign-in');
    }

    /** Moves to a route; a move to where the page already is still renders it again. */
    function go(hash) {
        if (location.hash === hash) route();
        else location.hash = hash;
    }

    /** The top bar, the sidebar and the live feed follow who is signed in. */
    function accountChanged() {
        recent.clear();
        myOrders.total = null;
        myOrders.nextPage = 0;
        if (session) {
            feed.start();
        } else {
            feed.stop();
        }
        renderAccount();
        renderRecent();
        refreshGuestOrders();
    }

    function renderAccount() {
        const signedIn = Boolean(session);
        $('[data-testid="signed-in-as"]').hidden = !signedIn;
        $('.signed-in-name').textContent = signedIn ? session.customer.name || session.customer.email : '';
        $('[data-testid="signed-in-as"]').title = signedIn ? session.customer.email : '';
        $('[data-testid="my-orders-link"]').hidden = !signedIn;
        $('[data-testid="sign-out"]').hidden = !signedIn;
        $('[data-testid="sign-in-link"]').hidden = signedIn;
        $('[data-testid="sign-up-link"]').hidden = signedIn;
        $('[data-testid="recent-title"]').textContent = signedIn ? 'My orders' : 'Your recent orders';
        $('[data-testid="recent-hint"]').textContent = signedIn ? 'live' : 'on this device';
        document.body.dataset.account = signedIn ? 'customer' : 'guest';
    }

    // ------------------------------------------------------------------ guest orders (placed in this browser)

    /*
     * A guest order's token opens it to whoever holds it, and the server shows it once, in the answer that
     * placed the order. The page keeps { id, order_token, created_at } of the newest 50 in localStorage, so a
     * guest finds their orders again after a reload or on their next visit from this browser.
     */
    const GUEST_ORDERS_KEY = 'orderflow.guestOrders';
    const GUEST_ORDERS_KEPT = 50;

    function guestOrders() {
        try {
            const list = JSON.parse(localStorage.getItem(GUEST_ORDERS_KEY) || '[]');
            return Array.isArray(list) ? list.filter((o) => o && typeof o.id === 'string') : [];
        } catch (e) {
            return [];
        }
    }

    function saveGuestOrders(list) {
        try {
            localStorage.setItem(GUEST_ORDERS_KEY, JSON.stringify(list.slice(0, GUEST_ORDERS_KEPT)));
        } catch (e) {
            // no storage: the orders are still on the server, this browser just will not list them
        }
    }

    function rememberGuestOrder(order) {
        const others = guestOrders().filter((o) => o.id !== order.id);
        saveGuestOrders([{ id: order.id, order_token: order.order_token, created_at: order.created_at }, ...others]);
    }

    function forgetGuestOrder(id) {
        saveGuestOrders(guestOrders().filter((o) => o.id !== id));
    }

    /** The Order-Token header for an order this browser placed as a guest, or none. */
    function orderHeaders(id) {
        const known = guestOrders().find((o) => o.id === id);
        return known && known.order_token ? { 'Order-Token': known.order_token } : {};
    }

    function orderToken(id) {
        return orderHeaders(id)['Order-Token'];
    }

    // ------------------------------------------------------------------ live sockets

    let suspended = false; // test hook: hold all sockets closed, as when the network is gone
    const sockets = new Set();

    function wsUrl(path) {
        return (location.protocol === 'https:' ? 'wss://' : 'ws://') + location.host + path;
    }

    /**
     * One WebSocket that comes back by itself, with backoff, until stopped. Its first message says who is
     * listening (handlers.auth); it counts as live once the server answers with its snapshot.
     */
    class LiveSocket {
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
                // credentials go in the first message, never in the URL; a socket the server opens to
                // everyone (a guest order by its id) has started already and ignores it
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
                if (data.type === 'snapshot') {
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
            const delay = Math.min(10000, 400 * Math.pow(2, this.attempts)) * (0.75 + Math.random() * 0.5);
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

    function renderConnection() {
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
        $('.connection-label', indicator).textContent =
            { live: 'Live', connecting: 'Connecting…', reconnecting: 'Reconnecting…', offline: 'Offline' }[state];
        indicator.title = {
            live: 'Receiving live updates',
            connecting: 'Connecting to live updates',
            reconnecting: 'Connection lost; reconnecting. Nothing will be missed.',
            offline: 'No connection; updates will catch up when it is back.',
        }[state];
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

    // ------------------------------------------------------------------ recent orders

    /*
     * The sidebar lists the orders that are the person's own. Signed in: their orders, from the /ws/orders
     * feed (the server sends a customer only theirs). As a guest: the orders this browser placed, read one by
     * one with their order tokens, again on every route change and while one is still moving; the order on
     * screen keeps its own entry current through its socket. (Guests have no feed: it would be everyone's.)
     */
    const recent = new Map(); // id -> summary, highest version wins
    const RECENT_LIMIT = 20;
    const GUEST_POLL_MS = 5000;

    function upsertRecent(order) {
        if (!order || !order.id) return false;
        const known = recent.get(order.id);
        if (known && (known.version || 0) > (order.version || 0)) return false;
        recent.set(order.id, Object.assign({}, known, order, { events: undefined, order_token: undefined }));
        return true;
    }

    const feed = new LiveSocket(() => '/ws/orders', {
        auth: () => ({ type: 'auth', access_token: session ? session.access_token : undefined }),
        message(data) {
            if (data.type === 'snapshot' && Array.isArray(data.orders)) {
                data.orders.forEach(upsertRecent);
                renderRecent();
            } else if (data.type === 'order_update' && data.order) {
                if (upsertRecent(data.order)) renderRecent(data.order.id);
            }
        },
        closed(event) {
            if (event.code === 4401) {
                sessionExpired();
                return false;
            }
            return event.code !== 4403; // not for this caller: asking again will not change that
        },
    });

    /** The sidebar's orders, newest first: the customer's own, or this browser's guest orders. */
    function recentOrders() {
        if (session) {
            return Array.from(recent.values())
                .sort((a, b) => String(b.created_at || '').localeCompare(String(a.created_at || '')))
                .slice(0, RECENT_LIMIT);
        }
        // until its status has been read, a guest order shows as what this browser remembers of it
        return guestOrders().slice(0, RECENT_LIMIT).map((g) => recent.get(g.id) || { id: g.id, created_at: g.created_at });
    }

    let guestRefresh = null;

    /**
     * Reads the status of this browser's guest orders in the sidebar, skipping those known to be finished and
     * the one on screen (its socket keeps it current). An order the server no longer knows is forgotten.
     */
    function refreshGuestOrders() {
        if (session || guestRefresh) return guestRefresh;
        const generation = accountGeneration;
        const due = guestOrders().slice(0, RECENT_LIMIT).filter((g) => {
            const known = recent.get(g.id);
            if (current && current.id === g.id && current.order) return false;
            return !known || !TERMINAL.has(known.status);
        });
        if (due.length === 0) return null;
        guestRefresh = Promise.all(due.map((g) => api('GET', '/api/orders/' + encodeURIComponent(g.id), undefined, orderHeaders(g.id))
            .then((order) => {
                if (generation === accountGeneration) upsertRecent(order);
            })
            .catch((error) => {
                if (error.status === 404 && generation === accountGeneration) {
                    forgetGuestOrder(g.id);
                    recent.delete(g.id);
                }
            })))
            .then(() => {
                guestRefresh = null;
                if (!session) renderRecent();
            });
        return guestRefresh;
    }

    /** Keeps a guest's orders that are still moving fresh while the page is in view. */
    function pollGuestOrders() {
        if (document.hidden || session) return;
        if (recentOrders().some((o) => !TERMINAL.has(o.status))) refreshGuestOrders();
    }

    /** One order in a list; the full list (withDate) also says when it was placed. */
    function orderItem(order, testId, flashId, withDate) {
        let items = (order.items || []).map((i) => (i.name || i.sku) + ' ×' + i.quantity).join(', ');
        if (withDate && order.created_at) items = [items, 'placed ' + dateTime(order.created_at)].filter(Boolean).join(' · ');
        const amount = order.total_amount !== undefined && order.total_amount !== null
            ? money(toCents(order.total_amount), order.currency) : '';
        const classes = ['recent-item'];
        if (current && order.id === current.id) classes.push('active');
        if (order.id === flashId) classes.push('flash');
        const status = order.status || '';
        return el('li', {
            className: classes.join(' '), 'data-testid': testId, 'data-order-id': order.id,
            'data-status': status, 'data-version': order.version,
        }, el('a', { href: '#/orders/' + encodeURIComponent(order.id), title: order.id }, [
            el('span', { className: 'recent-id', text: order.id }),
            el('span', {
                className: 'badge' + (TERMINAL.has(status) ? '' : ' in-progress'),
                'data-status': status, 'data-testid': 'recent-status', text: STATUS_LABELS[status] || status || '…',
            }),
            el('span', { className: 'recent-sub', text: items || order.customer_email || dateTime(order.created_at) }),
            el('span', { className: 'recent-amount', text: amount }),
        ]));
    }

    function renderRecent(flashId) {
        const list = $('[data-testid="recent-orders"]');
        const orders = recentOrders();
        if (orders.length === 0) {
            list.replaceChildren(el('li', {
                className: 'recent-empty muted', 'data-testid': 'recent-empty',
                text: session ? 'No orders yet.' : 'No orders from this browser yet.',
            }));
        } else {
            list.replaceChildren(...orders.map((order) => orderItem(order, 'recent-order', flashId)));
        }
        if (document.body.dataset.view === 'my-orders') renderMyOrders(flashId);
    }

    // ------------------------------------------------------------------ my orders (signed in)

    /** The full list: the feed's orders and older pages of GET /api/customers/me/orders, in one map. */
    const myOrders = { total: null, nextPage: 0, loading: false };
    const MY_ORDERS_PAGE = 20;

    async function loadMyOrders() {
        if (!session || myOrders.loading) return;
        const generation = accountGeneration;
        myOrders.loading = true;
        renderMyOrders();
        try {
            const page = await api('GET', '/api/customers/me/orders?page=' + myOrders.nextPage + '&size=' + MY_ORDERS_PAGE);
            if (generation !== accountGeneration) return;
            // an order placed since the first page pushes the rest down by one: a repeat, never a gap
            page.items.forEach(upsertRecent);
            myOrders.total = page.total_elements;
            myOrders.nextPage = page.page + 1;
        } catch (error) {
            if (generation === accountGeneration) showError(error.problem);
        } finally {
            myOrders.loading = false;
        }
        renderRecent();
        renderMyOrders();
    }

    function renderMyOrders(flashId) {
        const orders = Array.from(recent.values())
            .sort((a, b) => String(b.created_at || '').localeCompare(String(a.created_at || '')));
        const list = $('[data-testid="my-orders"]');
        if (orders.length === 0) {
            list.replaceChildren(el('li', {
                className: 'recent-empty muted', 'data-testid': 'my-orders-empty',
                text: myOrders.loading ? 'Loading…' : 'No orders yet. Orders you place while signed in appear here.',
            }));
        } else {
            list.replaceChildren(...orders.map((order) => orderItem(order, 'my-order', flashId, true)));
        }
        const total = Math.max(myOrders.total || 0, orders.length);
        $('[data-testid="my-orders-count"]').textContent = myOrders.total === null ? '' : count(total) + (total === 1 ? ' order' : ' orders');
        const more = $('[data-testid="my-orders-more"]');
        more.hidden = myOrders.total === null || myOrders.nextPage * MY_ORDERS_PAGE >= myOrders.total;
        more.disabled = myOrders.loading;
    }

    // ------------------------------------------------------------------ one order

    /** The order on screen: its latest state, its history by sequence, and its own live socket. */
    let current = null;

    function openOrder(id, initial) {
        if (current && current.id === id) return;
        closeOrder();
        const view = {
            id,
            order: null,
            events: new Map(), // sequence -> event
            lastSequence: 0, // every event up to here is held (no gaps below it)
            socket: null,
            refilling: false,
            cancelling: false,
        };
        current = view;
        showView('order');
        $('[data-testid="order-view"]').dataset.orderId = id;
        if (initial) {
            applyOrder(view, initial);
        } else {
            renderLoading(id);
        }
        renderRecent();
        api('GET', '/api/orders/' + encodeURIComponent(id), undefined, orderHeaders(id))
            .then((order) => {
                if (current !== view) return;
                applyOrder(view, order);
                follow(view);
            })
            .catch((error) => {
                if (current !== view || error.problem.sessionExpired) return;
                if (error.status === 404) {
                    // no such order, or someone else's: the server does not say which, nor does the page
                    showNotFound(id);
                } else {
                    showError(error.problem);
                    follow(view); // the live snapshot brings the order as soon as the server is back
                }
            });
    }

    function closeOrder() {
        if (current && current.socket) current.socket.stop();
        current = null;
    }

    /** Live updates for the order on screen, resuming after the last event held. */
    function follow(view) {
        view.socket = new LiveSocket(() => '/ws/orders/' + encodeURIComponent(view.id) + '?after=' + view.lastSequence, {
            // whatever opens this order: the customer's token, this browser's order token for it, or nothing
            auth: () => ({
                type: 'auth',
                access_token: session ? session.access_token : undefined,
                order_token: orderToken(view.id),
            }),
            message(data) {
                if (current !== view) return;
                if (data.type === 'snapshot') {
                    applyOrder(view, data.order, data.events || []);
                } else if (data.type === 'status_update') {
                    applyOrder(view, data.order, data.event ? [data.event] : []);
                }
            },
            closed(event) {
                if (event.code === 4404) {
                    if (current === view) showNotFound(view.id);
                    return false;
                }
                if (event.code === 4401 && session) {
                    sessionExpired();
                    return false;
                }
                return true; // a guest's 4401 means the auth message came too late: try again
            },
        });
        view.socket.start();
    }

    /** Takes in an order state and history events; keeps the newest state and each event once. */
    function applyOrder(view, order, events) {
        const history = events || (order && Array.isArray(order.events) ? order.events : []);
        if (order && (!view.order || (order.version || 0) >= (view.order.version || 0))) {
            view.order = Object.assign({}, view.order, order);
            delete view.order.events;
            delete view.order.order_token;
            // a guest's list is decided by what this browser placed; a customer's holds only their own orders
            if (!session || recent.has(order.id)) upsertRecent(view.order);
        }
        const fresh = [];
        for (const event of history) {
            if (typeof event.sequence !== 'number' || view.events.has(event.sequence)) continue;
            view.events.set(event.sequence, event);
            fresh.push(event.sequence);
        }
        while (view.events.has(view.lastSequence + 1)) view.lastSequence++;
        // an event beyond a gap means something was not delivered: fetch the full history once
        if (view.events.size > view.lastSequence && !view.refilling) refill(view);
        renderOrder(view, new Set(fresh));
        renderRecent();
    }

    function refill(view) {
        view.refilling = true;
        api('GET', '/api/orders/' + encodeURIComponent(view.id), undefined, orderHeaders(view.id))
            .then((order) => {
                view.refilling = false;
                if (current === view) applyOrder(view, order);
            })
            .catch(() => {
                view.refilling = false;
            });
    }

    function sortedEvents(view) {
        return Array.from(view.events.values()).sort((a, b) => a.sequence - b.sequence);
    }

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

    function renderLoading(id) {
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
    }

    function renderOrder(view, fresh) {
        const order = view.order;
        if (!order) return;
        const events = sortedEvents(view);
        const status = order.status;
        const section = $('[data-testid="order-view"]');
        section.dataset.status = status;
        section.dataset.lastSequence = view.lastSequence;

        $('[data-testid="order-id"]').textContent = order.id;
        const meta = [];
        if (order.created_at) meta.push('Placed ' + dateTime(order.created_at));
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
        renderEvents(events, fresh);
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
            title.textContent = 'Failed: ' + reasonLabel(order.failure_reason || 'unknown');
            detail.textContent = failureDetail(order.failure_detail) + undoneNote(events);
        } else if (status === 'cancelled') {
            box.dataset.kind = 'cancelled';
            icon.innerHTML = ICONS.stop;
            title.textContent = 'Cancelled';
            const at = stoppedAt(order, events);
            const stage = STAGES[STAGE_INDEX[at]];
            detail.textContent = 'Cancelled at the ' + (stage ? stage.label : humanize(at)).toLowerCase() + ' step.'
                + undoneNote(events);
        } else {
            box.dataset.kind = 'progress';
            icon.innerHTML = '<span></span>';
            title.textContent = (STATUS_LABELS[status] || humanize(status)) + '…';
            detail.textContent = 'This page updates by itself as the order moves along.';
        }
        const cancellable = CANCELLABLE.has(status);
        cancel.hidden = !cancellable;
        cancel.disabled = view.cancelling;
        cancel.textContent = view.cancelling ? 'Cancelling…' : 'Cancel order';
    }

    /** A machine-readable detail ("card_declined") reads better as words. */
    function failureDetail(detail) {
        if (!detail) return '';
        const text = /^[a-z]+(_[a-z]+)+$/.test(detail) ? reasonLabel(detail) : detail;
        return /[.!?…]$/.test(text) ? text : text + '.';
    }

    function undoneNote(events) {
        const requested = events.filter((e) => e.type === 'compensation_requested').length;
        if (!requested) return '';
        const done = events.filter((e) => e.type === 'stock_released' || e.type === 'payment_refunded').length;
        return done >= requested ? ' What was already done has been undone.' : ' Undoing what was already done…';
    }

    function renderTimeline(order, events) {
        const status = order.status;
        const list = $('[data-testid="timeline"]');
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
        list.replaceChildren(...STAGES.map((stage, i) => {
            let state;
            if (stopState) {
                state = i < stop ? 'done' : i === stop ? stopState : 'skipped';
            } else if (status === 'completed') {
                state = 'done';
            } else {
                state = i < currentIndex ? 'done' : i === currentIndex ? 'current' : 'upcoming';
            }
            let marker;
            if (state === 'done') marker = ICONS.check;
            else if (state === 'failed') marker = ICONS.cross;
            else if (state === 'cancelled') marker = ICONS.stop;
            else if (state === 'current') marker = '<span></span>';
            else marker = String(i + 1);
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
                done ? info.done : info.pending + '…',
            ]);
        }));
    }

    function renderItems(order) {
        const body = $('[data-testid="order-items"] tbody');
        body.replaceChildren(...(order.items || []).map((item) => {
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
        const shipTo = $('[data-testid="ship-to"]');
        if (address) {
            const parts = [address.name, address.line1, address.city, address.postal_code, address.country].filter(Boolean);
            shipTo.textContent = 'Ships to ' + parts.join(', ');
        } else {
            shipTo.textContent = '';
        }
    }

    function eventDetail(event) {
        const d = event.details && typeof event.details === 'object' ? event.details : {};
        switch (event.type) {
            case 'order_failed':
                return [reasonLabel(d.reason), failureDetail(d.detail).replace(/\.$/, '')].filter(Boolean).join(' — ');
            case 'order_rejected':
                return [reasonLabel(d.reason), d.detail].filter(Boolean).join(' — ');
            case 'stock_unavailable':
                return 'Not enough stock' + (Array.isArray(d.skus) && d.skus.length ? ' of ' + d.skus.join(', ') : '');
            case 'payment_declined':
                return d.reason ? reasonLabel(d.reason) : '';
            case 'shipment_failed':
                return d.reason || '';
            case 'shipment_created':
                return [d.carrier, d.tracking_number ? 'tracking ' + d.tracking_number : null].filter(Boolean).join(' · ');
            case 'compensation_requested':
                return d.action ? humanize(d.action) : '';
            case 'cancellation_requested':
                return d.status ? 'while ' + (STATUS_LABELS[d.status] || humanize(d.status)).toLowerCase() : '';
            case 'order_validated':
                return d.total !== undefined ? 'Priced at ' + money(toCents(d.total), d.currency) : '';
            case 'payment_charged':
                return [d.amount !== undefined ? money(toCents(d.amount), d.currency) + ' charged' : null,
                    d.payment_id].filter(Boolean).join(' · ');
            case 'payment_refunded':
                return d.amount !== undefined ? money(toCents(d.amount), d.currency) + ' refunded' : '';
            default: {
                const parts = [];
                for (const [key, value] of Object.entries(d)) {
                    if (value === null || typeof value === 'object') continue;
                    parts.push(humanize(key).toLowerCase() + ' ' + value);
                }
                return parts.join(' · ');
            }
        }
    }

    function renderEvents(events, fresh) {
        $('[data-testid="event-count"]').textContent = events.length ? '· ' + events.length : '';
        $('[data-testid="events"]').replaceChildren(...events.map((event) => {
            const detail = eventDetail(event);
            return el('li', {
                className: 'event' + (fresh && fresh.has(event.sequence) ? ' fresh' : ''),
                'data-testid': 'event', 'data-sequence': event.sequence, 'data-type': event.type,
                'data-status': event.status, 'data-tone': EVENT_TONES[event.type] || null,
            }, [
                el('div', { className: 'event-head' }, [
                    el('span', { className: 'event-title' }, [
                        el('span', { className: 'event-seq', text: '#' + event.sequence }),
                        EVENT_LABELS[event.type] || humanize(event.type),
                    ]),
                    el('time', { className: 'event-time', datetime: event.occurred_at, title: event.occurred_at, text: time(event.occurred_at) }),
                ]),
                detail ? el('p', { className: 'event-detail', text: detail }) : null,
            ]);
        }));
    }

    async function cancelCurrent() {
        const view = current;
        if (!view || view.cancelling) return;
        view.cancelling = true;
        renderOrder(view);
        clearError();
        try {
            const order = await api('POST', '/api/orders/' + encodeURIComponent(view.id) + '/cancel', undefined, orderHeaders(view.id));
            view.cancelling = false;
            if (current === view) applyOrder(view, order);
        } catch (error) {
            view.cancelling = false;
            if (current !== view) return;
            showError(error.problem);
            renderOrder(view);
            if (error.status === 409) refill(view); // our view was behind: show where the order really is
        }
    }

    function showNotFound(id) {
        if (current && current.socket) current.socket.stop();
        showView('not-found');
        $('[data-testid="not-found-id"]').textContent = id;
        $('[data-testid="not-found-hint"]').hidden = Boolean(session);
    }

    // ------------------------------------------------------------------ new order form

    let products = [];
    let productsLoaded = false;

    async function loadProducts() {
        try {
            products = await api('GET', '/api/products');
            productsLoaded = true;
            refreshLines();
        } catch (error) {
            showError(Object.assign({}, error.problem, { title: 'Could not load products' }));
        }
    }

    function product(sku) {
        return products.find((p) => p.sku === sku);
    }

    function addLine(sku) {
        const used = $$('[data-testid="line-product"]').map((s) => s.value);
        const choice = sku || (products.find((p) => p.available > 0 && !used.includes(p.sku)) || products[0] || {}).sku;
        const line = $('#line-template').content.firstElementChild.cloneNode(true);
        $('#lines').append(line);
        fillProducts($('select', line), choice);
        updateLine(line);
        updateTotal();
        return line;
    }

    function fillProducts(select, chosen) {
        const value = chosen || select.value;
        select.replaceChildren(...products.map((p) => el('option', {
            value: p.sku,
            text: p.name + ' — ' + money(toCents(p.price), p.currency) + (p.available > 0 ? '' : ' · out of stock'),
        })));
        if (value && products.some((p) => p.sku === value)) select.value = value;
    }

    function refreshLines() {
        const lines = $$('[data-testid="order-line"]');
        if (lines.length === 0 && products.length) {
            addLine();
            return;
        }
        lines.forEach((line) => {
            fillProducts($('select', line));
            updateLine(line);
        });
        updateTotal();
    }

    function lineQuantity(line) {
        const text = $('input', line).value.trim();
        return /^\d+$/.test(text) ? parseInt(text, 10) : null;
    }

    function updateLine(line) {
        const p = product($('select', line).value);
        const quantity = lineQuantity(line);
        const stock = $('[data-testid="line-stock"]', line);
        stock.classList.remove('out', 'low');
        if (!p) {
            stock.textContent = '';
            $('[data-testid="line-total"]', line).textContent = '';
            return;
        }
        if (p.available <= 0) {
            stock.textContent = 'Out of stock — this order will fail at the inventory check';
            stock.classList.add('out');
        } else if (quantity !== null && quantity > p.available) {
            stock.textContent = 'Only ' + count(p.available) + ' in stock';
            stock.classList.add('low');
        } else {
            stock.textContent = (p.description ? p.description + ' · ' : '') + count(p.available) + ' in stock';
        }
        $('[data-testid="line-total"]', line).textContent = money(toCents(p.price) * (quantity || 0), p.currency);
        $$('[data-testid="remove-item"]').forEach((b) => { b.disabled = $$('[data-testid="order-line"]').length <= 1; });
    }

    function updateTotal() {
        let cents = 0;
        let currency = 'USD';
        for (const line of $$('[data-testid="order-line"]')) {
            const p = product($('select', line).value);
            if (!p) continue;
            currency = p.currency || currency;
            cents += toCents(p.price) * (lineQuantity(line) || 0);
        }
        const total = $('[data-testid="form-total"]');
        total.textContent = money(cents, currency);
        total.dataset.cents = String(cents);
    }

    function clearFieldErrors() {
        $$('#order-form .field-error').forEach((e) => { e.textContent = ''; });
        $$('#order-form .invalid').forEach((e) => e.classList.remove('invalid'));
    }

    function showFieldErrors(errors) {
        const lines = $$('[data-testid="order-line"]');
        for (const error of errors || []) {
            const item = /^items\[(\d+)]/.exec(error.field || '');
            if (item && lines[Number(item[1])]) {
                const line = lines[Number(item[1])];
                line.classList.add('invalid');
                const slot = $('.line-error', line);
                slot.textContent = [slot.textContent, fieldLabel(error.field) + ' ' + error.message].filter(Boolean).join('; ');
                continue;
            }
            const slot = $('#order-form .field-error[data-field="' + CSS.escape(error.field) + '"]');
            if (slot) {
                slot.textContent = error.message;
                const input = slot.parentElement.querySelector('input, select');
                if (input) input.classList.add('invalid');
            }
        }
    }

    function readForm() {
        const items = $$('[data-testid="order-line"]').map((line) => {
            const p = product($('select', line).value);
            const text = $('input', line).value.trim();
            const quantity = /^-?\d+$/.test(text) ? parseInt(text, 10) : null;
            const item = { sku: $('select', line).value, quantity };
            if (p) item.unit_price = p.price; // the price the customer saw; the server refuses a changed one
            return item;
        });
        const address = { country: $('#ship-country').value };
        for (const [key, id] of [['name', '#ship-name'], ['line1', '#ship-line1'], ['city', '#ship-city'], ['postal_code', '#ship-postal']]) {
            const value = $(id).value.trim();
            if (value) address[key] = value;
        }
        return {
            customer_email: $('#customer-email').value.trim(),
            items,
            payment: { card_token: $('input[name="card"]:checked').value },
            shipping_address: address,
        };
    }

    let placing = false;

    async function placeOrder(event) {
        event.preventDefault();
        if (placing) return;
        clearError();
        clearFieldErrors();
        const body = readForm();
        const button = $('[data-testid="place-order"]');
        placing = true;
        button.disabled = true;
        button.textContent = 'Placing order…';
        try {
            // signed in, the order is the customer's; as a guest, the answer carries its order token (only this once)
            const order = await api('POST', '/api/orders', body, { 'Idempotency-Key': newKey() });
            try {
                localStorage.setItem('orderflow.email', body.customer_email);
            } catch (e) {
                // storage may be off; remembering the email is only a convenience
            }
            if (order.order_token) rememberGuestOrder(order);
            delete order.order_token;
            upsertRecent(order);
            pendingInitial = order;
            location.hash = '#/orders/' + encodeURIComponent(order.id);
        } catch (error) {
            showError(error.problem);
            showFieldErrors(error.problem.errors);
        } finally {
            placing = false;
            button.disabled = false;
            button.textContent = 'Place order';
        }
    }

    function bindForm() {
        $('#order-form').addEventListener('submit', placeOrder);
        $('#add-line').addEventListener('click', () => {
            const line = addLine();
            $('select', line).focus();
        });
        $('#lines').addEventListener('click', (event) => {
            const line = event.target.closest('[data-testid="order-line"]');
            if (!line) return;
            const step = event.target.closest('.qty-step');
            if (step) {
                const input = $('input', line);
                const next = Math.min(1000, Math.max(1, (lineQuantity(line) || 0) + Number(step.dataset.step)));
                input.value = String(next);
                updateLine(line);
                updateTotal();
            } else if (event.target.closest('[data-testid="remove-item"]')) {
                if ($$('[data-testid="order-line"]').length > 1) line.remove();
                $$('[data-testid="order-line"]').forEach(updateLine);
                updateTotal();
            }
        });
        const onChange = (event) => {
            const line = event.target.closest('[data-testid="order-line"]');
            if (line) {
                line.classList.remove('invalid');
                $('.line-error', line).textContent = '';
                updateLine(line);
                updateTotal();
            }
        };
        $('#lines').addEventListener('input', onChange);
        $('#lines').addEventListener('change', onChange);
        $('#order-form').addEventListener('input', (event) => {
            if (event.target.closest('[data-testid="order-line"]')) return;
            event.target.classList.remove('invalid');
            const slot = event.target.parentElement.querySelector('.field-error');
            if (slot) slot.textContent = '';
        });
        try {
            const email = session ? session.customer.email : localStorage.getItem('orderflow.email');
            if (email) $('#customer-email').value = email;
        } catch (e) {
            // no storage: start empty
        }
    }

    // ------------------------------------------------------------------ sign in, create account

    let authMode = 'sign-in';
    let authBusy = false;

    function showAuth(mode) {
        authMode = mode;
        const signUp = mode === 'sign-up';
        showView('auth');
        const form = $('#auth-form');
        // one form, two modes: the test ids and the password manager's hints follow the mode
        form.dataset.testid = signUp ? 'sign-up-form' : 'sign-in-form';
        $$('#auth-view [data-only]').forEach((node) => { node.hidden = node.dataset.only !== mode; });
        $('[data-testid="auth-title"]').textContent = signUp ? 'Create your account' : 'Sign in';
        $('[data-testid="auth-submit"]').textContent = signUp ? 'Create account' : 'Sign in';
        $('#auth-password').autocomplete = signUp ? 'new-password' : 'current-password';
        const notice = $('[data-testid="auth-notice"]');
        notice.textContent = authNotice;
        notice.hidden = !authNotice;
        authNotice = '';
        clearAuthErrors();
        document.title = (signUp ? 'Create account' : 'Sign in') + ' · orderflow';
        (signUp ? $('#auth-name') : $('#auth-email').value ? $('#auth-password') : $('#auth-email')).focus();
    }

    function clearAuthErrors() {
        $$('#auth-form .field-error').forEach((e) => { e.textContent = ''; });
        $$('#auth-form .invalid').forEach((e) => e.classList.remove('invalid'));
    }

    function authFieldError(field, message) {
        const slot = $('#auth-form .field-error[data-field="' + CSS.escape(field) + '"]');
        if (!slot) return;
        slot.textContent = message;
        const input = slot.parentElement.querySelector('input');
        if (input) input.classList.add('invalid');
    }

    /** The server's answer on the field it concerns, and in the error box with its detail. */
    function showAuthProblem(problem) {
        showError(problem);
        for (const error of Array.isArray(problem.errors) ? problem.errors : []) {
            authFieldError(error.field, error.message || 'is not valid');
        }
        const type = problemType(problem);
        if (type === 'email-taken') {
            authFieldError('email', 'already has an account');
            $('#auth-email').focus();
        } else if (type === 'invalid-credentials') {
            $('#auth-password').classList.add('invalid');
            $('#auth-password').select();
        }
    }

    async function submitAuth(event) {
        event.preventDefault();
        if (authBusy) return;
        clearError();
        clearAuthErrors();
        $('[data-testid="auth-notice"]').hidden = true;
        const mode = authMode;
        const email = $('#auth-email').value.trim();
        const password = $('#auth-password').value;
        const name = $('#auth-name').value.trim();
        const button = $('[data-testid="auth-submit"]');
        authBusy = true;
        button.disabled = true;
        button.textContent = mode === 'sign-up' ? 'Creating account…' : 'Signing in…';
        let registered = false;
        try {
            if (mode === 'sign-up') {
                await api('POST', '/api/customers', { email, password, name });
                registered = true;
            }
            await signIn(email, password);
            $('#auth-password').value = '';
            $('#customer-email').value = session.customer.email;
            // a new customer goes to the order form; someone signing in back to what they were looking at
            const target = mode === 'sign-in' && returnTo ? returnTo : '#/';
            returnTo = null;
            go(target);
        } catch (error) {
            if (registered) {
                // the account exists now; signing in is what is left to do
                authNotice = 'Your account has been created. Please sign in.';
                showAuth('sign-in');
                history.replaceState(null, '', '#/sign-in');
            }
            showAuthProblem(error.problem);
        } finally {
            authBusy = false;
            button.disabled = false;
            button.textContent = authMode === 'sign-up' ? 'Create account' : 'Sign in';
        }
    }

    function bindAuth() {
        $('#auth-form').addEventListener('submit', submitAuth);
        $('#auth-form').addEventListener('input', (event) => {
            event.target.classList.remove('invalid');
            const slot = event.target.parentElement.querySelector('.field-error');
            if (slot) slot.textContent = '';
        });
        $('[data-testid="sign-out"]').addEventListener('click', () => {
            signOut();
            go('#/');
        });
        $('[data-testid="my-orders-more"]').addEventListener('click', loadMyOrders);
    }

    // ------------------------------------------------------------------ routing

    let pendingInitial = null;

    function showView(name) {
        $('[data-testid="order-form-view"]').hidden = name !== 'form';
        $('[data-testid="order-view"]').hidden = name !== 'order';
        $('[data-testid="not-found-view"]').hidden = name !== 'not-found';
        $('[data-testid="auth-view"]').hidden = name !== 'auth';
        $('[data-testid="my-orders-view"]').hidden = name !== 'my-orders';
        document.body.dataset.view = name;
        // the top bar marks where the person is
        const here = { form: 'new-order-link', 'my-orders': 'my-orders-link', auth: authMode + '-link' }[name];
        for (const id of ['new-order-link', 'my-orders-link', 'sign-in-link', 'sign-up-link']) {
            const link = $('[data-testid="' + id + '"]');
            if (id === here) link.setAttribute('aria-current', 'page');
            else link.removeAttribute('aria-current');
        }
    }

    let previousHash = '';

    function route() {
        const hash = location.hash;
        const from = previousHash;
        previousHash = hash;
        const match = /^#\/orders\/(.+)$/.exec(hash);
        if (match) {
            returnTo = null;
            const id = decodeURIComponent(match[1]);
            const initial = pendingInitial && pendingInitial.id === id ? pendingInitial : null;
            pendingInitial = null;
            if (!current || current.id !== id) clearError();
            openOrder(id, initial);
            document.title = 'Order ' + id.slice(0, 8) + ' · orderflow';
        } else if (hash === '#/sign-in' || hash === '#/sign-up') {
            closeOrder();
            clearError();
            if (session) {
                go('#/');
                return;
            }
            // signing in from an order (say, one not found while signed out) comes back to it
            if (!returnTo && /^#\/orders\/.+$/.test(from)) returnTo = from;
            showAuth(hash === '#/sign-up' ? 'sign-up' : 'sign-in');
        } else if (hash === '#/my-orders') {
            returnTo = null;
            closeOrder();
            clearError();
            if (!session) {
                authNotice = 'Sign in to see your orders.';
                returnTo = '#/my-orders';
                go('#/sign-in');
                return;
            }
            showView('my-orders');
            renderMyOrders();
            document.title = 'My orders · orderflow';
            // the feed brings the newest; the first page fills in what it does not hold
            if (myOrders.total === null) loadMyOrders();
        } else {
            returnTo = null;
            closeOrder();
            clearError();
            showView('form');
            document.title = 'New order · orderflow';
            if (productsLoaded) loadProducts(); // stock levels move; show what is available now
        }
        renderRecent();
        refreshGuestOrders();
        window.scrollTo(0, 0);
    }

    // ------------------------------------------------------------------ start

    function start() {
        bindForm();
        bindAuth();
        $('.alert-close').addEventListener('click', clearError);
        $('[data-testid="cancel-order"]').addEventListener('click', cancelCurrent);
        window.addEventListener('hashchange', route);
        renderConnection();
        renderAccount();
        if (session) {
            storeSession(session); // arms the expiry timer; a session that ran out while away ends at once
            feed.start();
        }
        setInterval(pollGuestOrders, GUEST_POLL_MS);
        loadProducts();
        route();
    }

    /**
     * Hooks for the browser tests (and for trying things out in the console): drop the live connections as
     * a network failure would, or hold them down until restored.
     */
    window.orderflow = {
        dropConnection() {
            for (const socket of sockets) socket.drop();
        },
        goOffline() {
            suspended = true;
            for (const socket of sockets) socket.drop();
            renderConnection();
        },
        goOnline() {
            suspended = false;
            reconnectAllNow();
            renderConnection();
        },
        state() {
            return {
                orderId: current ? current.id : null,
                lastSequence: current ? current.lastSequence : 0,
                sequences: current ? sortedEvents(current).map((e) => e.sequence) : [],
                orderConnects: current && current.socket ? current.socket.connects : 0,
                feedConnects: feed.connects,
                connection: $('[data-testid="connection"]').dataset.state,
                signedIn: Boolean(session),
            };
        },
    };

    if (document.readyState === 'loading') {
        document.addEventListener('DOMContentLoaded', start);
    } else {
        start();
    }
})();
