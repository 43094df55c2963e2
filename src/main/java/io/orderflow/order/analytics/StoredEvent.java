package io.orderflow.order.analytics;

import java.time.Instant;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * One entry of an order's history as the stream holds it: where it stands in the stream, and what it says. The details
 * stay the stored JSON text until {@link #details()} asks for them: a projection reads every event of a batch and of
 * the histories it touches, and most events' details change no fact (a tree per event was a tenth of the distributed
 * order process's allocation, docs/benchmarks.md).
 */
public record StoredEvent(
        Position at, String orderId, int sequence, String type, String status, Instant occurredAt, String detailsJson) {

    // money as written (BigDecimal), not through a double
    private static final JsonMapper JSON = JsonMapper.builder()
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .build();

    /** The details, parsed now: each call parses them again, so a caller that needs them twice keeps the tree. */
    public JsonNode details() {
        return JSON.readTree(detailsJson);
    }
}
