package io.orderflow.messaging;

import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * An integration message as it travels: the published contract's metadata plus the JSON payload.
 *
 * @param messageId unique per message; consumers dedupe on it
 * @param type the message type, also the routing key (e.g. {@code ReserveStock})
 * @param orderId correlation id: the order this message is about
 * @param causationId the message that caused this one, if any
 * @param payload the message body as JSON
 */
public record Envelope(
        UUID messageId,
        String type,
        int version,
        @Nullable String orderId,
        @Nullable UUID causationId,
        Instant occurredAt,
        String payload,
        Map<String, String> headers) {

    public static final int CURRENT_VERSION = 1;

    public Envelope {
        headers = headers == null ? Map.of() : Map.copyOf(headers);
    }
}
