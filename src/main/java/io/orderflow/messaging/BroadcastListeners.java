package io.orderflow.messaging;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The broadcast listeners of one process, by topic, for a transport to hand what it hears to: every listener of the
 * topic gets each payload, and one that fails keeps it from no other (a broadcast is a best-effort wake-up).
 */
public final class BroadcastListeners {

    private static final Logger log = LoggerFactory.getLogger(BroadcastListeners.class);

    private final Map<String, List<Consumer<String>>> byTopic = new ConcurrentHashMap<>();

    /** Adds {@code listener}; true when it is the topic's first, so the transport starts listening to the topic. */
    public boolean add(String topic, Consumer<String> listener) {
        List<Consumer<String>> listeners = new CopyOnWriteArrayList<>(List.of(listener));
        List<Consumer<String>> known = byTopic.putIfAbsent(topic, listeners);
        if (known == null) {
            return true;
        }
        known.add(listener);
        return false;
    }

    /** Hands {@code payload} to every listener of {@code topic}. */
    public void deliver(String topic, String payload) {
        for (Consumer<String> listener : byTopic.getOrDefault(topic, List.of())) {
            try {
                listener.accept(payload);
            } catch (RuntimeException e) {
                log.warn("a listener of broadcast {} failed; it catches up on its next sweep", topic, e);
            }
        }
    }
}
