package io.orderflow.messaging;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

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

    /**
     * The envelope in the current row of a table that stores one ({@code message_id, type, version, order_id,
     * causation_id, occurred_at, payload} as text, {@code headers} as JSON text): the outbox and the PostgreSQL
     * transport's queue. Headers that cannot be read are dropped rather than the message.
     */
    public static Envelope read(ResultSet rs, JsonMapper json) throws SQLException {
        Map<String, String> headers;
        try {
            headers = json.readValue(rs.getString("headers"), new TypeReference<Map<String, String>>() {});
        } catch (RuntimeException e) {
            headers = Map.of();
        }
        return new Envelope(
                rs.getObject("message_id", UUID.class),
                rs.getString("type"),
                rs.getInt("version"),
                rs.getString("order_id"),
                rs.getObject("causation_id", UUID.class),
                rs.getTimestamp("occurred_at").toInstant(),
                rs.getString("payload"),
                headers);
    }
}
