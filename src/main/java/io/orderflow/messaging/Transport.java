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

    /**
     * For a transport that lives in the application's own database: enqueue the message in the caller's
     * transaction, so it becomes visible exactly when the state change commits, with no relay hop. Returns
     * false when this transport cannot (or no queue is bound yet); the message then goes through the outbox.
     */
    default boolean publishWithinTransaction(Envelope envelope) {
        return false;
    }

    String name();

    /**
     * Tells every running process subscribed to {@code topic}, best effort and after the caller's commit:
     * a wake-up, not a record. Subscribers re-read the truth from their own tables, so a lost broadcast
     * only delays them until their next sweep.
     */
    void broadcast(String topic, String payload);

    void onBroadcast(String topic, java.util.function.Consumer<String> listener);
}
