package io.orderflow.order.web.live;

import io.orderflow.order.OrderChanges;
import io.orderflow.order.OrderManagement;
import io.orderflow.order.OrderPage;
import io.orderflow.order.OrderView;
import io.orderflow.platform.PeriodicTask;
import java.io.IOException;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.SmartLifecycle;
import org.springframework.scheduling.concurrent.CustomizableThreadFactory;
import org.springframework.stereotype.Component;
import org.springframework.web.socket.CloseStatus;
import org.springframework.web.socket.TextMessage;
import org.springframework.web.socket.WebSocketSession;
import org.springframework.web.socket.handler.ConcurrentWebSocketSessionDecorator;
import org.springframework.web.socket.handler.TextWebSocketHandler;
import org.springframework.web.util.UriComponentsBuilder;
import tools.jackson.databind.json.JsonMapper;

/**
 * Pushes order changes to browsers. Every message a client gets is read from the order's history, past the
 * last sequence that client has seen, so updates arrive in order, none is skipped, and a client that
 * reconnects with {@code ?after=<sequence>} receives exactly what it missed. Change announcements come from
 * every process (see {@link OrderChanges}); a sweep every {@code orderflow.live.sweep-interval} catches up
 * anything an announcement lost.
 *
 * <p>Bounded: at most {@code orderflow.live.max-connections} sockets; each socket's unsent data is capped
 * and a client that does not read within the send time limit is disconnected.
 */
@Component
class LiveOrders extends TextWebSocketHandler implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(LiveOrders.class);
    static final CloseStatus UNKNOWN_ORDER = new CloseStatus(4404, "order not found");
    static final CloseStatus BAD_REQUEST = new CloseStatus(4400, "bad request: after must be a sequence number");
    static final CloseStatus TOO_MANY = new CloseStatus(1013, "too many live connections; try again later");

    /** One connected client: which order (or all), and the last sequence it was sent. */
    private static final class Subscriber {
        final WebSocketSession session;
        final String orderId;
        int lastSequence;

        Subscriber(WebSocketSession session, String orderId, int lastSequence) {
            this.session = session;
            this.orderId = orderId;
            this.lastSequence = lastSequence;
        }
    }

    private final OrderManagement orders;
    private final OrderChanges changes;
    private final JsonMapper json;
    private final int maxConnections;
    private final PeriodicTask sweeper;
    private final Map<String, Subscriber> subscribers = new ConcurrentHashMap<>();
    private final Map<String, Set<Subscriber>> byOrder = new ConcurrentHashMap<>();
    private final Set<Subscriber> allOrders = ConcurrentHashMap.newKeySet();
    private final AtomicInteger connections = new AtomicInteger();
    private final ExecutorService pushes;
    private volatile boolean running;

    LiveOrders(OrderManagement orders, OrderChanges changes, JsonMapper json,
            @Value("${orderflow.live.max-connections:1000}") int maxConnections,
            @Value("${orderflow.live.sweep-interval:2s}") java.time.Duration sweepInterval) {
        this.orders = orders;
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
        this.pushes = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>(10_000),
                new CustomizableThreadFactory("live-orders-"));
    }

    @Override
    public void afterConnectionEstablished(WebSocketSession raw) throws IOException {
        if (connections.incrementAndGet() > maxConnections) {
            connections.decrementAndGet();
            raw.close(TOO_MANY);
            return;
        }
        WebSocketSession session = new ConcurrentWebSocketSessionDecorator(raw, 10_000, 512 * 1024,
                ConcurrentWebSocketSessionDecorator.OverflowStrategy.TERMINATE);
        URI uri = raw.getUri();
        String path = uri == null ? "" : uri.getPath();
        String orderId = path.startsWith("/ws/orders/") ? path.substring("/ws/orders/".length()) : null;
        Optional<Integer> after = after(uri);
        if (after == null) {
            raw.close(BAD_REQUEST);
            return;
        }
        if (orderId == null) {
            Subscriber subscriber = new Subscriber(session, null, 0);
            subscribers.put(raw.getId(), subscriber);
            // listening before the snapshot is read, so no change falls between them; the pusher waits for
            // this lock, so the snapshot still goes out first (clients keep the highest version per order)
            synchronized (subscriber) {
                allOrders.add(subscriber);
                OrderPage recent = orders.list(null, null, 0, 20);
                send(subscriber, Map.of("type", "snapshot", "orders", recent.items()));
            }
            return;
        }
        Optional<OrderView> order = orderId.isEmpty() || orderId.length() > 64 ? Optional.empty() : orders.summary(orderId);
        if (order.isEmpty()) {
            raw.close(UNKNOWN_ORDER);
            return;
        }
        Subscriber subscriber = new Subscriber(session, orderId, after.orElse(0));
        subscribers.put(raw.getId(), subscriber);
        byOrder.computeIfAbsent(orderId, id -> ConcurrentHashMap.newKeySet()).add(subscriber);
        synchronized (subscriber) {
            List<OrderView.Event> missed = orders.eventsAfter(orderId, subscriber.lastSequence);
            OrderView current = orders.summary(orderId).orElseThrow();
            send(subscriber, Map.of("type", "snapshot", "order", current, "events", missed));
            if (!missed.isEmpty()) {
                subscriber.lastSequence = missed.get(missed.size() - 1).sequence();
            }
        }
    }

    @Override
    protected void handleTextMessage(WebSocketSession session, TextMessage message) {
        // clients only listen; what they say is ignored (and bounded by the container)
    }

    @Override
    public void afterConnectionClosed(WebSocketSession session, CloseStatus status) {
        Subscriber subscriber = subscribers.remove(session.getId());
        if (subscriber == null) {
            return;
        }
        connections.decrementAndGet();
        allOrders.remove(subscriber);
        if (subscriber.orderId != null) {
            byOrder.computeIfPresent(subscriber.orderId, (id, set) -> {
                set.remove(subscriber);
                return set.isEmpty() ? null : set;
            });
        }
    }

    @Override
    public void handleTransportError(WebSocketSession session, Throwable exception) {
        log.debug("live socket {} failed: {}", session.getId(), exception.toString());
    }

    /** An order changed somewhere: bring its watchers, and the all-orders watchers, up to date. */
    void changed(String orderId) {
        try {
            pushes.execute(() -> push(orderId));
        } catch (RejectedExecutionException e) {
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
                for (OrderView.Event event : orders.eventsAfter(orderId, watcher.lastSequence)) {
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
        for (Subscriber watcher : allOrders) {
            synchronized (watcher) {
                send(watcher, Map.of("type", "order_update", "order", current.get()));
            }
        }
    }

    /** Catches up every watched order that has moved past what its watchers were sent. */
    private void sweepOnce() {
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

    /** The {@code after} query parameter: empty when absent, null when malformed. */
    private static Optional<Integer> after(URI uri) {
        if (uri == null) {
            return Optional.empty();
        }
        String value = UriComponentsBuilder.fromUri(uri).build().getQueryParams().getFirst("after");
        if (value == null) {
            return Optional.empty();
        }
        try {
            int after = Integer.parseInt(value);
            return after < 0 ? null : Optional.of(after);
        } catch (NumberFormatException e) {
            return null;
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
    }

    @Override
    public boolean isRunning() {
        return running;
    }
}
