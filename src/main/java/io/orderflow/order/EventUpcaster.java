package io.orderflow.order;

import java.util.function.Supplier;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Reads an event of an older schema version in the current shape ({@link OrderHistory#SCHEMA_VERSION}), so that
 * everything that reads the history (the API, the live stream, time travel) sees one shape. Pure.
 *
 * <p>Version 1 to 2: {@code order_placed} recorded nothing ({@code {}}); version 2 records what was placed (items,
 * e-mail address, shipping address). Those facts never change after placement, so a version-1 {@code order_placed}
 * takes them from the placement record, the order's row ({@code placement}, asked only when needed). Every other
 * event type has the same shape in both versions.
 */
final class EventUpcaster {

    private EventUpcaster() {}

    /**
     * The event's details in the current shape.
     *
     * @param placement the facts fixed at placement, as version-2 {@code order_placed} details ({@code customer_email},
     *     {@code items}, {@code shipping_address}); asked for only to upcast a version-1 {@code order_placed}
     */
    static JsonNode upcast(String type, int schemaVersion, JsonNode details, Supplier<ObjectNode> placement) {
        if (schemaVersion >= OrderHistory.SCHEMA_VERSION || !OrderHistory.ORDER_PLACED.equals(type)) {
            return details;
        }
        ObjectNode upcast =
                details instanceof ObjectNode object ? object.deepCopy() : JsonNodeFactory.instance.objectNode();
        ObjectNode facts = placement.get();
        for (String field : new String[] {"customer_email", "items", "shipping_address"}) {
            JsonNode value = facts.get(field);
            if (!upcast.has(field) && value != null && !value.isNull()) {
                upcast.set(field, value.deepCopy());
            }
        }
        return upcast;
    }
}
