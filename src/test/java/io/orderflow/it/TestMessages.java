package io.orderflow.it;

import io.orderflow.messaging.Envelope;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;

/** Envelopes the transport tests put on queues themselves. */
final class TestMessages {

    private TestMessages() {}

    /** A ReserveStock command for one unit of PROD-002, with a new message id. */
    static Envelope reserveStock(String orderId) {
        return new Envelope(
                UUID.randomUUID(),
                "ReserveStock",
                1,
                orderId,
                null,
                Instant.now(),
                "{\"order_id\":\"" + orderId + "\",\"items\":[{\"sku\":\"PROD-002\",\"quantity\":1}]}",
                Map.of());
    }
}
