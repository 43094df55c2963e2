package io.orderflow.order;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

class EventUpcasterUnitTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private static final String ROW = """
            {"customer_email": "ada@example.com",
             "items": [{"sku": "PROD-001", "quantity": 2, "unit_price": 999.99}],
             "shipping_address": {"line1": "1 Main St", "country": "GB"}}""";

    private final AtomicInteger asked = new AtomicInteger();
    private final Supplier<ObjectNode> placement = () -> {
        asked.incrementAndGet();
        return (ObjectNode) JSON.readTree(ROW);
    };

    @Test
    void givesAVersionOneOrderPlacedWhatWasPlacedFromThePlacementRecord() {
        JsonNode upcast = EventUpcaster.upcast("order_placed", 1, JSON.readTree("{}"), placement);

        assertThat(upcast).isEqualTo(JSON.readTree(ROW));
    }

    @Test
    void keepsWhatAVersionOneEventAlreadySaysAndLeavesTheStoredNodeAlone() {
        JsonNode stored = JSON.readTree("{\"customer_email\": \"old@example.com\"}");

        JsonNode upcast = EventUpcaster.upcast("order_placed", 1, stored, placement);

        assertThat(upcast.path("customer_email").asString()).isEqualTo("old@example.com");
        assertThat(upcast.path("items").size()).isEqualTo(1);
        assertThat(stored.has("items")).isFalse();
    }

    @Test
    void leavesOutWhatThePlacementRecordDoesNotHave() {
        JsonNode upcast = EventUpcaster.upcast(
                "order_placed", 1, JSON.readTree("{}"), () -> (ObjectNode) JSON.readTree("{\"items\": []}"));

        assertThat(upcast).isEqualTo(JSON.readTree("{\"items\": []}"));
    }

    @Test
    void leavesCurrentEventsAndOtherTypesAsTheyAreWithoutReadingThePlacement() {
        JsonNode current = JSON.readTree("{\"items\": [], \"customer_email\": \"ada@example.com\"}");
        JsonNode validated = JSON.readTree("{\"total\": 40.00, \"currency\": \"EUR\"}");

        assertThat(EventUpcaster.upcast("order_placed", OrderHistory.SCHEMA_VERSION, current, placement))
                .isSameAs(current);
        assertThat(EventUpcaster.upcast("order_validated", 1, validated, placement))
                .isSameAs(validated);
        assertThat(asked).hasValue(0);
    }
}
