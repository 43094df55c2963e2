package io.orderflow.order.analytics;

import java.time.Instant;
import tools.jackson.databind.JsonNode;

/** One entry of an order's history as the stream holds it: where it stands in the stream, and what it says. */
public record StoredEvent(
        Position at, String orderId, int sequence, String type, String status, Instant occurredAt, JsonNode details) {}
