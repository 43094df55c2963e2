package io.orderflow.messaging;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/** Moves envelopes between modules. The handler code above it is the same for every transport. */
public interface Transport extends DirectEnqueue {

    /**
     * Publishes durably: when this returns, the broker holds every routed message. Returns the ids of
     * messages that no queue is bound for yet; they stay in the outbox and are tried again later.
     */
    Set<UUID> publish(List<Envelope> batch);

    /**
     * {@link #publish}, without waiting for the broker to hold the messages: the future completes when it does (with
     * the ids no queue is bound for) or exceptionally when it will not, so that the caller can send the next batch
     * meanwhile. It does not throw: a batch that could not even be sent fails its future, as a refused one does. A
     * transport whose publish does not wait for a confirm (or that cannot pipeline) keeps this default, which
     * publishes before it returns.
     */
    default CompletableFuture<Set<UUID>> publishAsync(List<Envelope> batch) {
        try {
            return CompletableFuture.completedFuture(publish(batch));
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /**
     * {@link #publishAsync} on {@code lane}'s channel: the sends of one lane go out in the order they are made, and
     * its caller sends on it from one thread at a time. With {@code mayWait} false it sends only if it can without
     * waiting (the lane's connection is open and the broker is not holding it back), and returns null if it cannot:
     * a thread that has just committed sends its own messages when that is free, and leaves them to one that may
     * wait otherwise. A transport that cannot pipeline its sends keeps this default, which never sends without
     * waiting.
     */
    default @Nullable CompletableFuture<Set<UUID>> publishAsync(List<Envelope> batch, Object lane, boolean mayWait) {
        return mayWait ? publishAsync(batch) : null;
    }

    /**
     * Declares every module's queue and its bindings, whether or not the module runs in this process, so
     * nothing sent to a module that has not started yet is unroutable. Idempotent; called once at start.
     */
    void declare(Topology topology);

    /** Starts delivering the module's message types to the dispatcher (at least once). */
    void subscribe(MessageHandlers handlers, Dispatcher dispatcher);

    /** Only a transport that lives in the application's own database can; see {@link DirectEnqueue}. */
    @Override
    default boolean publishWithinTransaction(Envelope envelope) {
        return false;
    }

    String name();

    /**
     * Whether this transport implements the chaos harness's reordered delivery ({@link TransportFaults#holdBack()}):
     * the PostgreSQL queue transport makes a held-back message available later, RabbitMQ parks it on a delay queue.
     */
    default boolean holdsBack() {
        return false;
    }

    /**
     * Consumer lag: for each queue this process consumes, how many messages are ready for delivery and not
     * yet taken (messages waiting out a retry backoff are not counted).
     */
    Map<String, Long> backlog();

    /**
     * Tells every running process subscribed to {@code topic}, best effort and after the caller's commit:
     * a wake-up, not a record. Subscribers re-read the truth from their own tables, so a lost broadcast
     * only delays them until their next sweep.
     */
    void broadcast(String topic, String payload);

    void onBroadcast(String topic, Consumer<String> listener);

    /**
     * Puts {@code envelope} back on {@code module}'s own queue, and only there: other subscribers of its type
     * do not see it again. Used to re-drive a dead letter; the envelope keeps its message id, so a module that
     * did apply it after all skips it in its inbox. The attempt count starts again from zero.
     * <p>
     * PostgreSQL: one queue row, written in the caller's transaction (there must be one), so the message is
     * back exactly when the caller's other changes (marking the dead letter re-driven) commit. RabbitMQ: a
     * persistent message published with confirms before this returns; if the caller's transaction then fails
     * the message is delivered anyway (at least once). Redis: an {@code XADD} to the module's stream, answered
     * before this returns, likewise outside the caller's transaction.
     *
     * @throws IllegalStateException when the module's queue does not exist or the broker refuses the message
     */
    void redeliver(String module, Envelope envelope);
}
