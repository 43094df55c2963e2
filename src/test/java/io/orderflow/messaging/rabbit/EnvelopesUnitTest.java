package io.orderflow.messaging.rabbit;

import static org.assertj.core.api.Assertions.assertThat;

import com.rabbitmq.client.AMQP;
import io.orderflow.messaging.Envelope;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.MessageProperties;

class EnvelopesUnitTest {

    private static Envelope envelope(Instant occurredAt) {
        return new Envelope(
                UUID.randomUUID(),
                "StockReserved",
                Envelope.CURRENT_VERSION,
                "order-1",
                UUID.randomUUID(),
                occurredAt,
                "{\"orderId\":\"order-1\"}",
                Map.of("traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"));
    }

    /** What a consumer receives for these properties (the headers as the broker hands them back). */
    private static Message received(AMQP.BasicProperties props, String body) {
        MessageProperties p = new MessageProperties();
        p.setMessageId(props.getMessageId());
        p.setType(props.getType());
        p.setCorrelationId(props.getCorrelationId());
        props.getHeaders().forEach(p::setHeader);
        return new Message(body.getBytes(StandardCharsets.UTF_8), p);
    }

    @Test
    void theSendingTimeComesBackToTheNanosecond() {
        Instant at = Instant.parse("2026-12-03T07:23:08.123456789Z");
        Envelope sent = envelope(at);

        Envelope back = Envelopes.from(received(Envelopes.properties(sent, Map.of()), sent.payload()));

        assertThat(back.occurredAt()).isEqualTo(at);
        assertThat(back.messageId()).isEqualTo(sent.messageId());
        assertThat(back.causationId()).isEqualTo(sent.causationId());
        assertThat(back.headers()).isEqualTo(sent.headers());
    }

    @Test
    void bothFormsOfTheSendingTimeAreSent() {
        Instant at = Instant.parse("2026-12-03T07:23:08.5Z");

        Map<String, Object> headers =
                Envelopes.properties(envelope(at), Map.of()).getHeaders();

        assertThat(headers)
                .containsEntry(Envelopes.OCCURRED_AT, "2026-12-03T07:23:08.500Z")
                .containsEntry(Envelopes.OCCURRED_AT_NANOS, 1_796_282_588_500_000_000L);
    }

    @Test
    void aMessageOfAnEarlierVersionIsReadByItsIsoTime() {
        Envelope sent = envelope(Instant.parse("2026-12-03T07:23:08.123456Z"));
        Message message = received(Envelopes.properties(sent, Map.of()), sent.payload());
        message.getMessageProperties().getHeaders().remove(Envelopes.OCCURRED_AT_NANOS);

        assertThat(Envelopes.from(message).occurredAt()).isEqualTo(Instant.parse("2026-12-03T07:23:08.123456Z"));
    }

    @Test
    void timesBeforeTheEpochRoundTripToo() {
        Instant at = Instant.parse("1969-12-31T23:59:59.250Z");

        assertThat(Envelopes.occurredAt(Map.of(Envelopes.OCCURRED_AT_NANOS, Envelopes.epochNanos(at))))
                .isEqualTo(at);
    }
}
