package io.orderflow.messaging;

/**
 * What the {@link Outbox} needs of a transport: whether it can enqueue a message in the sender's own transaction (the
 * PostgreSQL queue, which lives in the application's database; ADR 0007). Its own type, so the outbox does not depend
 * on {@link Transport}, which depends on the {@link Dispatcher}, which depends on the outbox.
 */
public interface DirectEnqueue {

    /**
     * Enqueues the message in the caller's transaction, so it becomes visible exactly when the state change commits,
     * with no relay hop. Returns false when this transport cannot (or no queue is bound yet); the message then goes
     * through the outbox.
     */
    boolean publishWithinTransaction(Envelope envelope);
}
