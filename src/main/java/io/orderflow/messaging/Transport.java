package io.orderflow.messaging;

import java.util.List;
import java.util.Set;
import java.util.UUID;

/** Moves envelopes between modules. The handler code above it is the same for every transport. */
public interface Transport {

    /**
     * Publishes durably: when this returns, the broker holds every routed message. Returns the ids of
     * messages that no queue is bound for yet; they stay in the outbox and are tried again later.
     */
    Set<UUID> publish(List<Envelope> batch);

    /** Starts delivering the module's message types to the dispatcher (at least once). */
    void subscribe(MessageHandlers handlers, Dispatcher dispatcher);

    String name();

    /**
     * Consumer lag: for each queue this process consumes, how many messages are ready for delivery and not
     * yet taken (messages waiting out a retry backoff are not counted).
     */
    java.util.Map<String, Long> backlog();

    /**
     * Tells every running process subscribed to {@code topic}, best effort and after the caller's commit:
     * a wake-up, not a record. Subscribers re-read the truth from their own tables, so a lost broadcast
     * only delays them until their next sweep.
     */
    void broadcast(String topic, String payload);

    void onBroadcast(String topic, java.util.function.Consumer<String> listener);
}
