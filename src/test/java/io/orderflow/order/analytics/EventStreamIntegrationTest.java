package io.orderflow.order.analytics;

import static org.assertj.core.api.Assertions.assertThat;

import io.orderflow.platform.ModuleDatabase;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The stream's order is the transactions' ids as numbers: written by transactions 9 and 10, the event of 10 comes
 * last (as text, "10" sorts before "9").
 */
class EventStreamIntegrationTest {

    @RegisterExtension
    static final ModuleDatabase db = ModuleDatabase.of("order");

    private final EventStream stream = new EventStream(db.jdbc());

    @Test
    void ordersTheStreamByTransactionIdAsANumberNotAsText() {
        insertOrder("o-1");
        // two events "written" by transactions 9 and 10 (any id below every running transaction's: settled), the
        // later one first, and a third by transaction 10 after it
        insertEvent("o-1", 1, 10, 2);
        insertEvent("o-1", 2, 9, 1);
        insertEvent("o-1", 3, 10, 3);

        assertThat(stream.head()).contains(new Position(10, 3));
        assertThat(stream.end()).contains(new Position(10, 3));
        List<StoredEvent> all = stream.between(Position.START, new Position(10, 3), 10);
        assertThat(all)
                .extracting(StoredEvent::at)
                .containsExactly(new Position(9, 1), new Position(10, 2), new Position(10, 3));
        assertThat(stream.between(Position.START, new Position(10, 3), 2))
                .as("a batch takes the first events in stream order")
                .extracting(StoredEvent::at)
                .containsExactly(new Position(9, 1), new Position(10, 2));
        assertThat(stream.between(new Position(9, 1), new Position(10, 3), 10))
                .extracting(StoredEvent::at)
                .containsExactly(new Position(10, 2), new Position(10, 3));
        assertThat(stream.countAfter(new Position(9, 1))).isEqualTo(2);
    }

    private static void insertOrder(String id) {
        Timestamp now = Timestamp.from(Instant.now());
        db.jdbc()
                .sql("insert into orders.purchase_order (id, customer_email, status, items, version, created_at, "
                        + "updated_at) values (?, 'a@example.com', 'pending', '[]'::jsonb, 1, ?, ?)")
                .params(id, now, now)
                .update();
    }

    private static void insertEvent(String orderId, int sequence, long tx, long position) {
        db.jdbc()
                .sql("insert into orders.order_event (order_id, sequence, type, status, occurred_at, tx, position) "
                        + "overriding system value values (?, ?, 'order_placed', 'pending', now(), ?::xid8, ?)")
                .params(orderId, sequence, Long.toString(tx), position)
                .update();
    }
}
