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

/** Maps envelopes to AMQP properties and back: message id, type, correlation id, contract headers. */
final class Envelopes {

    private Envelopes() {}

    static AMQP.BasicProperties properties(Envelope e, Map<String, Object> extra) {
        Map<String, Object> headers = new HashMap<>(extra);
        e.headers().forEach(headers::putIfAbsent);
        headers.put("x-contract-version", e.version());
        headers.put("x-occurred-at", e.occurredAt().toString());
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
        Object occurred = p.getHeaders().get("x-occurred-at");
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
                occurred == null ? Instant.now() : Instant.parse(occurred.toString()),
                new String(message.getBody(), StandardCharsets.UTF_8),
                headers);
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
