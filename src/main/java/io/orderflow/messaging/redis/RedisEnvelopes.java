package io.orderflow.messaging.redis;

import io.orderflow.messaging.Envelope;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/**
 * Maps envelopes to the fields of a stream entry and back. Every value is a string, so an entry also round-trips
 * through the JSON member of the retry set, which the move script turns back into fields.
 */
final class RedisEnvelopes {

    static final String ID = "id";
    static final String TYPE = "type";
    static final String VERSION = "version";
    static final String ORDER_ID = "order_id";
    static final String CAUSATION_ID = "causation_id";
    static final String OCCURRED_AT = "occurred_at";
    static final String PAYLOAD = "payload";
    static final String HEADERS = "headers";
    /** Failed attempts so far; absent on a first delivery (and on a re-drive, which starts again from zero). */
    static final String ATTEMPTS = "attempts";

    static final String FIRST_FAILED_AT = "first_failed_at";

    private RedisEnvelopes() {}

    static Map<String, String> fields(Envelope e, JsonMapper json) {
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put(ID, e.messageId().toString());
        fields.put(TYPE, e.type());
        fields.put(VERSION, Integer.toString(e.version()));
        if (e.orderId() != null) {
            fields.put(ORDER_ID, e.orderId());
        }
        if (e.causationId() != null) {
            fields.put(CAUSATION_ID, e.causationId().toString());
        }
        fields.put(OCCURRED_AT, e.occurredAt().toString());
        fields.put(PAYLOAD, e.payload());
        fields.put(HEADERS, json.writeValueAsString(e.headers()));
        return fields;
    }

    /** The entry as it goes back on its stream after {@code attempts} failures, the first at {@code firstFailedAt}. */
    static Map<String, String> retried(Map<String, String> fields, int attempts, Instant firstFailedAt) {
        Map<String, String> retried = new LinkedHashMap<>(fields);
        retried.put(ATTEMPTS, Integer.toString(attempts));
        retried.put(FIRST_FAILED_AT, firstFailedAt.toString());
        return retried;
    }

    static Envelope from(Map<String, String> fields, JsonMapper json) {
        String id = fields.get(ID);
        String type = fields.get(TYPE);
        String payload = fields.get(PAYLOAD);
        if (id == null || type == null || payload == null) {
            throw new IllegalArgumentException("a message needs an id, a type and a payload");
        }
        String version = fields.get(VERSION);
        String causation = fields.get(CAUSATION_ID);
        String occurred = fields.get(OCCURRED_AT);
        String headers = fields.get(HEADERS);
        return new Envelope(
                UUID.fromString(id),
                type,
                version == null ? Envelope.CURRENT_VERSION : Integer.parseInt(version),
                fields.get(ORDER_ID),
                causation == null ? null : UUID.fromString(causation),
                occurred == null ? Instant.now() : Instant.parse(occurred),
                payload,
                headers == null ? Map.of() : json.readValue(headers, new TypeReference<Map<String, String>>() {}));
    }

    /** What can be kept of an entry whose metadata cannot be read, so it can be parked and inspected. */
    static Envelope unreadable(Map<String, String> fields) {
        Map<String, String> rest = new HashMap<>(fields);
        String payload = rest.remove(PAYLOAD);
        return new Envelope(
                UUID.randomUUID(),
                String.valueOf(fields.get(TYPE)),
                Envelope.CURRENT_VERSION,
                fields.get(ORDER_ID),
                null,
                Instant.now(),
                payload == null ? rest.toString() : payload,
                Map.of());
    }

    static int attempts(Map<String, String> fields) {
        String attempts = fields.get(ATTEMPTS);
        return attempts == null ? 0 : Integer.parseInt(attempts);
    }

    static @Nullable Instant firstFailedAt(Map<String, String> fields) {
        String first = fields.get(FIRST_FAILED_AT);
        return first == null ? null : Instant.parse(first);
    }
}
