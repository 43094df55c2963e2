package io.orderflow.messaging;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.orderflow.platform.ModuleDatabase;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The journal writer on the real PostgreSQL: every value comes back as it went in, whatever characters it holds, and a
 * null stays a null (not an empty string, nor the reverse).
 */
class JournalWriterIntegrationTest {

    @RegisterExtension
    static final ModuleDatabase db = ModuleDatabase.of("shipping");

    private final JournalWriter writer = new JournalWriter(
            db.jdbc(), null, "instance \"a\", b", false, Duration.ofSeconds(1), 10, 10, new SimpleMeterRegistry());

    record Row(
            String instance,
            String kind,
            @Nullable String causationId,
            @Nullable String orderId,
            @Nullable Integer attempt,
            @Nullable String queueMs,
            @Nullable String handlerMs,
            @Nullable String detail) {}

    @Test
    void writesEveryValueAsItWasWithQuotesCommasLineBreaksAndNulls() {
        String awkward = "he said \"no\", then \\ left;\nline two\r\n\ttab, and a trailing comma,";
        UUID first = UUID.randomUUID();
        UUID second = UUID.randomUUID();
        UUID causation = UUID.randomUUID();
        Instant at = Instant.now().truncatedTo(ChronoUnit.MICROS);
        var retried = new Journal.Entry(
                at,
                "shipping",
                Journal.Kind.RETRIED,
                new Journal.Message(
                        first, causation, "CreateShipment", "order \"1\",x", "0af7651916cd43dd8448eb211c80319c"),
                2,
                Duration.ofNanos(1_234_567),
                Duration.ofMillis(5),
                awkward);
        var sent = new Journal.Entry(
                at,
                "shipping",
                Journal.Kind.SENT,
                new Journal.Message(second, null, "ShipmentCreated", "", null),
                null,
                null,
                null,
                "");

        db.inTransaction(() -> writer.writeNow(List.of(retried, sent)));

        assertThat(row(first))
                .isEqualTo(new Row(
                        "instance \"a\", b",
                        "retried",
                        causation.toString(),
                        "order \"1\",x",
                        2,
                        "1.235",
                        "5.000",
                        awkward));
        assertThat(row(second))
                .as("nulls stay null, empty strings stay empty")
                .isEqualTo(new Row("instance \"a\", b", "sent", null, "", null, null, null, ""));
        assertThat(db.jdbc()
                        .sql("select at from shipping.journal where message_id = ?")
                        .param(first)
                        .query(Timestamp.class)
                        .single()
                        .toInstant())
                .isEqualTo(at);
    }

    private Row row(UUID messageId) {
        return db.jdbc()
                .sql("select instance, kind, causation_id::text, order_id, attempt, queue_ms::text, handler_ms::text, "
                        + "detail from shipping.journal where message_id = ?")
                .param(messageId)
                .query((rs, n) -> new Row(
                        rs.getString(1),
                        rs.getString(2),
                        rs.getString(3),
                        rs.getString(4),
                        (Integer) rs.getObject(5),
                        rs.getString(6),
                        rs.getString(7),
                        rs.getString(8)))
                .single();
    }
}
