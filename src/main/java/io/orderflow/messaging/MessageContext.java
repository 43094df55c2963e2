package io.orderflow.messaging;

import java.util.UUID;
import org.jspecify.annotations.Nullable;

/** What a handler knows about the message it handles, and how it answers: through its module's outbox. */
public final class MessageContext {

    private final String module;
    private final Envelope envelope;
    private final Outbox outbox;

    MessageContext(String module, Envelope envelope, Outbox outbox) {
        this.module = module;
        this.envelope = envelope;
        this.outbox = outbox;
    }

    public UUID messageId() {
        return envelope.messageId();
    }

    public @Nullable String orderId() {
        return envelope.orderId();
    }

    public Envelope envelope() {
        return envelope;
    }

    /** Sends a message caused by this one, in the handler's transaction. */
    public void send(Object message) {
        outbox.send(module, message, envelope.orderId(), envelope.messageId());
    }
}
