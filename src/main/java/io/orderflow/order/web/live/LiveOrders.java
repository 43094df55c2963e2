package io.orderflow.order.web.live;

import io.orderflow.order.OrderChanges;
import io.orderflow.order.OrderManagement;
import io.orderflow.order.OrderPage;
import io.orderflow.order.OrderView;
import io.orderflow.platform.PeriodicTask;
import io.orderflow.platform.security.Caller;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.SmartLifecycle;
import org.springframework.scheduling.concurrent.CustomizableThreadFactory;
import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtException;
import org.springframework.stereotype.Component;
import org.springframework.web.socket.CloseStatus;
import org.springframework.web.socket.TextMessage;
import org.springframework.web.socket.WebSocketSession;
import org.springframework.web.socket.handler.ConcurrentWebSocketSessionDecorator;
import org.springframework.web.socket.handler.TextWebSocketHandler;
import org.springframework.web.util.UriComponentsBuilder;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Pushes order changes to browsers. Every message a client gets is read from the order's history, past the
 * last sequence that client has seen, so updates arrive in order, none is skipped, and a client that
 * reconnects with {@code ?after=<sequence>} receives exactly what it missed. Change announcements come from
 * every process (see {@link OrderChanges}); a sweep every {@code orderflow.live.sweep-interval} catches up
 * every watched order an announcement lost, and sends the all-orders feed the updates a full push queue
 * dropped.
 *
 * <p>Bounded: at most {@code orderflow.live.max-connections} sockets; each socket's unsent data is capped
 * and a client that does not read within the send time limit is disconnected.
 */
@Component
class LiveOrders extends TextWebSocketHandler implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(LiveOrders.class);
    static final CloseStatus UNKNOWN_ORDER = new CloseStatus(4404, "order not found");
    /** Past this many missed orders (a client that has fallen this far behind reloads on reconnect). */
    static final int MAX_MISSED = 10_000;

    static final CloseStatus BAD_REQUEST = new CloseStatus(4400, "bad request: after must be a sequence number");
    static final CloseStatus TOO_MANY = new CloseStatus(1013, "too many live connections; try again later");
    static final CloseStatus AUTHENTICATION_REQUIRED =
            new CloseStatus(4401, "authenticate first: {\"type\":\"auth\",\"access_token\":...} or order_token");
    static final CloseStatus INVALID_TOKEN = new CloseStatus(4401, "the access token is invalid or expired");
    static final CloseStatus FORBIDDEN = new CloseStatus(4403, "the all-orders feed is for operators and customers");

    /**
     * One connected client: which order (or all), the last sequence it was sent, and on the all-orders feed
     * whose orders it gets (a customer's own; null: every order, for operators).
     */
    private static final class Subscriber {
        final WebSocketSession session;
        final @Nullable String orderId;
        final @Nullable String customerId;
        int lastSequence;

        Subscriber(WebSocketSession session, @Nullable String orderId, int lastSequence, @Nullable String customerId) {
            this.session = session;
            this.orderId = orderId;
            this.lastSequence = lastSequence;
            this.customerId = customerId;
        }
    }

    /** A socket that has not authenticated yet, and what it asked to watch: one order, or (no id) all. */
    private record Target(
            WebSocketSession session, @Nullable String orderId, int after) {}

    private final OrderManagement orders;
    private final OrderChanges changes;
    private final JsonMapper json;
    private final int maxConnections;
    private final PeriodicTask sweeper;
    private final Map<String, Subscriber> subscribers = new ConcurrentHashMap<>();
    private final Map<String, Set<Subscriber>> byOrder = new ConcurrentHashMap<>();
    private final Set<Subscriber> allOrders = ConcurrentHashMap.newKeySet();
    /** Orders whose update the all-orders feed missed (push queue full); the sweep sends them. */
    private final Set<String> missed = ConcurrentHashMap.newKeySet();

    private final AtomicInteger connections = new AtomicInteger();
    private final Map<String, Target> pending = new ConcurrentHashMap<>();
    private final ScheduledExecutorService authTimeouts =
            Executors.newSingleThreadScheduledExecutor(new CustomizableThreadFactory("live-orders-auth-"));
    private final JwtDecoder jwtDecoder;
    private final Duration authTimeout;
    private final ExecutorService pushes;
    private volatile boolean running;

    LiveOrders(
            OrderManagement orders,
            OrderChanges changes,
            JsonMapper json,
            JwtDecoder jwtDecoder,
            @Value("${orderflow.live.max-connections:1000}") int maxConnections,
            @Value("${orderflow.live.sweep-interval:2s}") Duration sweepInterval,
            @Value("${orderflow.live.auth-timeout:5s}") Duration authTimeout) {
        this.orders = orders;
        this.jwtDecoder = jwtDecoder;
        this.authTimeout = authTimeout;
        this.changes = changes;
        this.json = json;
        this.maxConnections = maxConnections;
        this.sweeper = new PeriodicTask("live-orders-sweep", sweepInterval) {
            @Override
            protected boolean runOnce() {
                sweepOnce();
                return false;
            }
        };
        // one pusher keeps per-order ordering simple; the queue is bounded and a dropped announcement is
        // made good by the sweep
        this.pushes = new ThreadPoolExecutor(
                1,
                1,
                0,
                TimeUnit.MILLISECONDS,
                new LinkedBlockingQueue<>(10_000),
                new CustomizableThreadFactory("live-orders-"));
    }

    @Override
    public void afterConnectionEstablished(WebSocketSession raw) throws IOException {
        if (connections.incrementAndGet() > maxConnections) {
            raw.close(TOO_MANY);
            return;
        }
        WebSocketSession session = new ConcurrentWebSocketSessionDecorator(
                raw, 10_000, 512 * 1024, ConcurrentWebSocketSessionDecorator.OverflowStrategy.TERMINATE);
        URI uri = raw.getUri();
        String path = uri == null ? "" : uri.getPath();
        String orderId = path.startsWith("/ws/orders/") ? path.substring("/ws/orders/".length()) : null;
        Optional<Integer> after = after(uri);
        if (after.isEmpty() || (orderId != null && (orderId.isEmpty() || orderId.length() > 64))) {
            raw.close(after.isEmpty() ? BAD_REQUEST : UNKNOWN_ORDER);
            return;
        }
        Target target = new Target(session, orderId, after.get());
        Caller caller =
                raw.getPrincipal() instanceof Authentication authentication ? Caller.of(authentication) : Caller.GUEST;
        if (!caller.isGuest()) {
            admit(target, caller, null); // the upgrade request carried a valid token
            return;
        }
        if (orderId != null
                && orders.ownership(orderId)
                        .map(o -> o.admits(Caller.GUEST, null))
                        .orElse(false)) {
            admit(target, Caller.GUEST, null); // a guest order whose server-chosen id is its own key
            return;
        }
        // everything else authenticates in its first message, within the time limit
        pending.put(raw.getId(), target);
        authTimeouts.schedule(
                () -> {
                    if (pending.remove(raw.getId()) != null) {
                        close(session, AUTHENTICATION_REQUIRED);
                    }
                },
                authTimeout.toMillis(),
                TimeUnit.MILLISECONDS);
    }

    /**
     * The first message of a socket that did not authenticate on the upgrade request:
     * {@code {"type":"auth","access_token":"..."}} for a signed-in customer or an operator, or
     * {@code {"type":"auth","order_token":"..."}} for a guest order. After that, clients only listen.
     */
    @Override
    protected void handleTextMessage(WebSocketSession raw, TextMessage message) {
        Target target = pending.remove(raw.getId());
        if (target == null) {
            return; // authenticated already: what a listener says is ignored (and bounded by the container)
        }
        JsonNode auth;
        try {
            auth = json.readTree(message.getPayload());
        } catch (RuntimeException e) {
            auth = null;
        }
        if (auth == null || !auth.isObject() || !"auth".equals(auth.path("type").asString(""))) {
            close(target.session(), AUTHENTICATION_REQUIRED);
            return;
        }
        Caller caller = Caller.GUEST;
        String accessToken = auth.path("access_token").asString(null);
        if (accessToken != null) {
            try {
                caller = Caller.of(jwtDecoder.decode(accessToken));
            } catch (JwtException e) {
                close(target.session(), INVALID_TOKEN);
                return;
            }
        }
        admit(target, caller, auth.path("order_token").asString(null));
    }

    /** Subscribes the socket if {@code caller} may watch what it asked for; closes it otherwise. */
    private void admit(Target target, Caller caller, @Nullable String orderToken) {
        WebSocketSession session = target.session();
        if (target.orderId() == null) {
            if (!caller.isOperator() && !caller.isCustomer()) {
                close(session, caller.isGuest() ? AUTHENTICATION_REQUIRED : FORBIDDEN);
                return;
            }
            // operators follow every order; a customer follows their own
            String customerId = caller.isOperator() ? null : caller.subject();
            Subscriber subscriber = new Subscriber(session, null, 0, customerId);
            subscribers.put(session.getId(), subscriber);
            // listening before the snapshot is read, so no change falls between them; the pusher waits for
            // this lock, so the snapshot still goes out first (clients keep the highest version per order)
            synchronized (subscriber) {
                allOrders.add(subscriber);
                OrderPage recent = orders.list(null, null, customerId, 0, 20);
                send(subscriber, Map.of("type", "snapshot", "orders", recent.items()));
            }
            return;
        }
        String orderId = target.orderId();
        if (!orders.ownership(orderId).map(o -> o.admits(caller, orderToken)).orElse(false)) {
            close(session, UNKNOWN_ORDER); // not found, whether it does not exist or is someone else's
            return;
        }
        Subscriber subscriber = new Subscriber(session, orderId, target.after(), null);
        subscribers.put(session.getId(), subscriber);
        byOrder.computeIfAbsent(orderId, id -> ConcurrentHashMap.newKeySet()).add(subscriber);
        synchronized (subscriber) {
            OrderView current = orders.summary(orderId).orElseThrow();
            List<OrderView.Event> missed = upTo(current, orders.eventsAfter(orderId, subscriber.lastSequence));
            // the same type as every later message, as the seeds' client reads it (docs/compatibility.md); this
            // first one carries the history past `after` in "events", later ones one "event" each
            Map<String, Object> first = new LinkedHashMap<>();
            first.put("type", "status_update");
            first.put("order", current);
            first.put("events", missed);
            send(subscriber, first);
            if (!missed.isEmpty()) {
                subscriber.lastSequence = missed.get(missed.size() - 1).sequence();
            }
        }
    }

    /**
     * The events the order's version covers. The order and its history are read by two statements; an event
     * committed between them waits for the push its own commit triggers, which sends it with its order.
     */
    private static List<OrderView.Event> upTo(OrderView order, List<OrderView.Event> events) {
        return events.stream().filter(e -> e.sequence() <= order.version()).toList();
    }

    @Override
    public void afterConnectionClosed(WebSocketSession session, CloseStatus status) {
        connections.decrementAndGet();
        pending.remove(session.getId());
        Subscriber subscriber = subscribers.remove(session.getId());
        if (subscriber == null) {
            return;
        }
        allOrders.remove(subscriber);
        if (subscriber.orderId != null) {
            byOrder.computeIfPresent(subscriber.orderId, (id, set) -> {
                set.remove(subscriber);
                return set.isEmpty() ? null : set;
            });
        }
    }

    private static void close(WebSocketSession session, CloseStatus status) {
        try {
            session.close(status);
        } catch (IOException | RuntimeException e) {
            log.debug("closing live socket {}: {}", session.getId(), e.toString());
        }
    }

    @Override
    public void handleTransportError(WebSocketSession session, Throwable exception) {
        log.debug("live socket {} failed: {}", session.getId(), exception.toString());
    }

    /** An order changed somewhere: bring its watchers, and the all-orders watchers, up to date. */
    void changed(String orderId) {
        // nobody to tell: a subscriber added after this check reads the order after the change committed
        if (allOrders.isEmpty() && byOrder.getOrDefault(orderId, Set.of()).isEmpty()) {
            return;
        }
        try {
            pushes.execute(() -> push(orderId));
        } catch (RejectedExecutionException e) {
            // per-order watchers are caught up by their versions; the all-orders feed has none, so the sweep
            // pushes what it missed from this set
            if (!allOrders.isEmpty() && missed.size() < MAX_MISSED) {
                missed.add(orderId);
            }
            log.debug("live push queue full; the sweep will catch up {}", orderId);
        }
    }

    private void push(String orderId) {
        Set<Subscriber> watchers = byOrder.getOrDefault(orderId, Set.of());
        if (watchers.isEmpty() && allOrders.isEmpty()) {
            return;
        }
        Optional<OrderView> current = orders.summary(orderId);
        if (current.isEmpty()) {
            return;
        }
        for (Subscriber watcher : watchers) {
            synchronized (watcher) {
                for (OrderView.Event event : upTo(current.get(), orders.eventsAfter(orderId, watcher.lastSequence))) {
                    Map<String, Object> message = new LinkedHashMap<>();
                    message.put("type", "status_update");
                    message.put("order", current.get());
                    message.put("event", event);
                    if (!send(watcher, message)) {
                        break;
                    }
                    watcher.lastSequence = event.sequence();
                }
            }
        }
        String owner = null;
        boolean ownerKnown = false;
        for (Subscriber watcher : allOrders) {
            if (watcher.customerId != null) {
                if (!ownerKnown) {
                    owner = orders.ownership(orderId).map(o -> o.customerId()).orElse(null);
                    ownerKnown = true;
                }
                if (!watcher.customerId.equals(owner)) {
                    continue;
                }
            }
            synchronized (watcher) {
                send(watcher, Map.of("type", "order_update", "order", current.get()));
            }
        }
    }

    /** Catches up every watched order that has moved past what its watchers were sent. */
    private void sweepOnce() {
        for (String orderId : List.copyOf(missed)) {
            missed.remove(orderId);
            changed(orderId);
        }
        if (byOrder.isEmpty()) {
            return;
        }
        orders.versions(byOrder.keySet()).forEach((orderId, version) -> {
            boolean behind = byOrder.getOrDefault(orderId, Set.of()).stream().anyMatch(s -> s.lastSequence < version);
            if (behind) {
                changed(orderId);
            }
        });
    }

    private boolean send(Subscriber subscriber, Object message) {
        if (!subscriber.session.isOpen()) {
            return false;
        }
        try {
            subscriber.session.sendMessage(new TextMessage(json.writeValueAsString(message)));
            return true;
        } catch (IOException | RuntimeException e) {
            // the decorator has closed a client that stopped reading; it will reconnect and resume
            log.debug("dropping live socket {}: {}", subscriber.session.getId(), e.toString());
            return false;
        }
    }

    /** The {@code after} query parameter, 0 when absent; empty when it is malformed. */
    private static Optional<Integer> after(@Nullable URI uri) {
        if (uri == null) {
            return Optional.of(0);
        }
        String value =
                UriComponentsBuilder.fromUri(uri).build().getQueryParams().getFirst("after");
        if (value == null) {
            return Optional.of(0);
        }
        try {
            int after = Integer.parseInt(value);
            return after < 0 ? Optional.empty() : Optional.of(after);
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    @Override
    public void start() {
        running = true;
        changes.subscribe(this::changed);
        sweeper.start();
    }

    @Override
    public void stop() {
        running = false;
        sweeper.stop();
        pushes.shutdownNow();
        authTimeouts.shutdownNow();
    }

    @Override
    public boolean isRunning() {
        return running;
    }
}
