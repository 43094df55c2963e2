package io.orderflow.messaging.rabbit;

import io.orderflow.messaging.BroadcastListeners;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.MessageDeliveryMode;
import org.springframework.amqp.core.MessageProperties;

/**
 * One process's broadcasts on RabbitMQ. Its own listeners hear each broadcast at once, on the broadcasting thread.
 * The other processes hear what was broadcast within one linger ({@code orderflow.messaging.rabbitmq.broadcast-linger},
 * 20 ms) as one transient message per topic: the payloads one per line, each once, in the order they were first
 * broadcast. A broadcast is a wake-up (an order changed: read it), so a payload broadcast twice within the linger
 * is sent once. Each order makes about five changes: on the broker they were five messages, and now they share one
 * with the changes of other orders.
 *
 * <p>A message carries the sending process's id ({@value #ORIGIN}), and the process drops its own when the fanout
 * brings it back; and the number of payloads it joins ({@value #PAYLOADS}). A message without that count (from a
 * version before this one, or a payload that holds a line break, which is sent alone) is one payload. A version before
 * this one hears a joined message as one unknown payload, and its live views catch up on their next sweep.
 */
final class Broadcasts {

    private static final Logger log = LoggerFactory.getLogger(Broadcasts.class);
    static final String ORIGIN = "x-orderflow-origin";
    static final String PAYLOADS = "x-orderflow-payloads";
    /** The most payloads one message joins (an order id is about 40 bytes). */
    static final int MOST_PER_MESSAGE = 500;

    private final String origin = UUID.randomUUID().toString();
    private final BroadcastListeners listeners;
    private final BiConsumer<String, Message> send;
    private final Duration linger;
    /** By topic, what waits for the next send; guarded by {@code this}. */
    private final Map<String, Set<String>> pending = new LinkedHashMap<>();

    private @Nullable ScheduledExecutorService sender;
    private boolean sendScheduled;

    /**
     * @param send publishes a message to a topic's fanout (a failure is logged and the message dropped: listeners
     *        catch up on their own)
     * @param linger how long a broadcast waits for others to share its message; zero sends each at once
     */
    Broadcasts(BroadcastListeners listeners, BiConsumer<String, Message> send, Duration linger) {
        this.listeners = listeners;
        this.send = send;
        this.linger = linger;
    }

    void broadcast(String topic, String payload) {
        listeners.deliver(topic, payload);
        ScheduledExecutorService scheduleOn;
        synchronized (this) {
            pending.computeIfAbsent(topic, t -> new LinkedHashSet<>()).add(payload);
            if (sendScheduled) {
                return;
            }
            scheduleOn = sender;
            if (scheduleOn != null && !linger.isZero()) {
                sendScheduled = true;
            }
        }
        if (scheduleOn == null || linger.isZero()) {
            sendPending(); // stopped, or no linger: this thread sends
        } else {
            try {
                scheduleOn.schedule(this::sendPending, linger.toNanos(), TimeUnit.NANOSECONDS);
            } catch (RejectedExecutionException stoppedMeanwhile) {
                sendPending();
            }
        }
    }

    /** Sends what waits, one message per topic (more when one would join more than {@link #MOST_PER_MESSAGE}). */
    void sendPending() {
        Map<String, Set<String>> due;
        synchronized (this) {
            due = new LinkedHashMap<>(pending);
            pending.clear();
            sendScheduled = false;
        }
        due.forEach(this::sendAll);
    }

    private void sendAll(String topic, Collection<String> payloads) {
        List<String> joinable = new ArrayList<>();
        for (String payload : payloads) {
            if (payload.indexOf('\n') >= 0) {
                sendQuietly(topic, message(payload, null));
            } else {
                joinable.add(payload);
            }
        }
        for (int from = 0; from < joinable.size(); from += MOST_PER_MESSAGE) {
            List<String> part = joinable.subList(from, Math.min(joinable.size(), from + MOST_PER_MESSAGE));
            sendQuietly(topic, message(String.join("\n", part), part.size()));
        }
    }

    private Message message(String body, @Nullable Integer payloads) {
        MessageProperties props = new MessageProperties();
        props.setDeliveryMode(MessageDeliveryMode.NON_PERSISTENT);
        props.setHeader(ORIGIN, origin);
        if (payloads != null) {
            props.setHeader(PAYLOADS, payloads);
        }
        return new Message(body.getBytes(StandardCharsets.UTF_8), props);
    }

    private void sendQuietly(String topic, Message message) {
        try {
            send.accept(topic, message);
        } catch (RuntimeException e) {
            log.debug("broadcast {} lost; subscribers catch up on their next sweep", topic, e);
        }
    }

    /** The payloads a broadcast message brings this process's listeners: none when this process sent it. */
    List<String> received(Message message) {
        Map<String, @Nullable Object> headers = message.getMessageProperties().getHeaders();
        if (origin.equals(headers.get(ORIGIN))) {
            return List.of(); // heard already, when it was broadcast
        }
        String body = new String(message.getBody(), StandardCharsets.UTF_8);
        return headers.containsKey(PAYLOADS) ? List.of(body.split("\n", -1)) : List.of(body);
    }

    /** From now on broadcasts linger (on a thread of its own) to share a message. */
    synchronized void start() {
        if (sender == null) {
            sender = Executors.newSingleThreadScheduledExecutor(runnable -> {
                Thread thread = new Thread(runnable, "rabbit-broadcasts");
                thread.setDaemon(true);
                return thread;
            });
        }
    }

    /** Sends what waits, and from now on each broadcast at once. */
    void stop() {
        ScheduledExecutorService stopping;
        synchronized (this) {
            stopping = sender;
            sender = null;
        }
        if (stopping != null) {
            stopping.shutdownNow();
        }
        sendPending();
    }
}
