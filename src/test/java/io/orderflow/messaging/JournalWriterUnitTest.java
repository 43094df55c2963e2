package io.orderflow.messaging;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The batched writer's buffer is bounded: what does not fit is dropped and counted, never waited for. */
class JournalWriterUnitTest {

    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();

    private static Journal.Entry entry() {
        Envelope envelope =
                new Envelope(UUID.randomUUID(), "CreateShipment", 1, "order-1", null, Instant.now(), "{}", Map.of());
        return new Journal.Entry(
                Instant.now(), "shipping", Journal.Kind.SENT, Journal.Message.of(envelope), null, null, null, null);
    }

    @Test
    void dropsAndCountsTheEntriesAFullBufferCannotTake() {
        JournalWriter writer = new JournalWriter(null, null, "test", true, Duration.ofSeconds(1), 2, 10, meters);

        writer.offer(List.of(entry(), entry(), entry()));
        writer.offer(List.of(entry()));

        assertThat(meters.get("orderflow.journal.dropped").counter().count()).isEqualTo(2.0);
        assertThat(meters.get("orderflow.journal.buffered").gauge().value()).isEqualTo(2.0);
    }
}
