package io.orderflow.messaging.rabbit;

import com.rabbitmq.client.AMQP;
import io.orderflow.messaging.Envelope;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Date;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.MessageProperties;

/**
 * Maps envelopes to AMQP properties and back: message id, type, correlation id, contract headers. The time the
 * message was sent travels twice: as {@value #OCCURRED_AT_NANOS} (nanoseconds since the epoch, a number), which is
 * what a consumer reads, and as {@value #OCCURRED_AT} (ISO-8601), for a person looking at the message and for a
 * consumer of an earlier version. Parsing the ISO form cost 1.6 % of the distributed mode's application CPU
 * (docs/benchmarks.md, 2026-12-03).
 */
final class Envelopes {

    static final String OCCURRED_AT = "x-occurred-at";
    static final String OCCURRED_AT_NANOS = "x-occurred-at-nanos";
    private static final long NANOS_PER_SECOND = 1_000_000_000L;

    private Envelopes() {}

    static AMQP.BasicProperties properties(Envelope e, Map<String, Object> extra) {
        Map<String, Object> headers = new HashMap<>(extra);
        e.headers().forEach(headers::putIfAbsent);
        headers.put("x-contract-version", e.version());
        headers.put(OCCURRED_AT, e.occurredAt().toString());
        headers.put(OCCURRED_AT_NANOS, epochNanos(e.occurredAt()));
        if (e.causationId() != null) {
            headers.put("x-causation-id", e.causationId().toString());
        }
        return new AMQP.BasicProperties.Builder()
                .contentType("application/json")
                .deliveryMode(2)
                .messageId(e.messageId().toString())
                .type(e.type())
                .correlationId(e.orderId())
                .timestamp(Date.from(e.occurredAt()))
                .headers(headers)
                .build();
    }

    static Envelope from(Message message) {
        MessageProperties p = message.getMessageProperties();
        Map<String, String> headers = new HashMap<>();
        p.getHeaders().forEach((k, v) -> {
            if (!k.startsWith("x-")) {
                headers.put(k, String.valueOf(v));
            }
        });
        Object causation = p.getHeaders().get("x-causation-id");
        Object version = p.getHeaders().get("x-contract-version");
        String messageId = p.getMessageId();
        String type = p.getType();
        if (messageId == null || type == null) {
            throw new IllegalArgumentException("a message needs a message id and a type");
        }
        return new Envelope(
                UUID.fromString(messageId),
                type,
                version == null ? Envelope.CURRENT_VERSION : Integer.parseInt(version.toString()),
                p.getCorrelationId(),
                causation == null ? null : UUID.fromString(causation.toString()),
                occurredAt(p.getHeaders()),
                new String(message.getBody(), StandardCharsets.UTF_8),
                headers);
    }

    /** Nanoseconds since the epoch: a long holds them until the year 2262. */
    static long epochNanos(Instant at) {
        return Math.addExact(Math.multiplyExact(at.getEpochSecond(), NANOS_PER_SECOND), at.getNano());
    }

    /** When the message was sent: the number when it has one, else the ISO form, else now (it says nothing). */
    static Instant occurredAt(Map<String, ?> headers) {
        Object nanos = headers.get(OCCURRED_AT_NANOS);
        if (nanos instanceof Number n) {
            long value = n.longValue();
            return Instant.ofEpochSecond(
                    Math.floorDiv(value, NANOS_PER_SECOND), Math.floorMod(value, NANOS_PER_SECOND));
        }
        Object iso = headers.get(OCCURRED_AT);
        return iso == null ? Instant.now() : Instant.parse(iso.toString());
    }

    /** What can be kept of a message whose metadata cannot be read, so it can be parked and inspected. */
    static Envelope unreadable(Message message) {
        MessageProperties p = message.getMessageProperties();
        return new Envelope(
                UUID.randomUUID(),
                String.valueOf(p.getType()),
                Envelope.CURRENT_VERSION,
                p.getCorrelationId(),
                null,
                Instant.now(),
                new String(message.getBody(), StandardCharsets.UTF_8),
                Map.of());
    }

    static int intHeader(Message message, String name) {
        Object value = message.getMessageProperties().getHeaders().get(name);
        return value == null ? 0 : Integer.parseInt(value.toString());
    }
}
