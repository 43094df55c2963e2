package io.orderflow.order.analytics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class OrderFactsTest {

    private static final Instant T0 = Instant.parse("2026-03-01T10:00:00Z");

    /** A history written event by event, as the saga records it. */
    private static final class History {
        private final List<StoredEvent> events = new ArrayList<>();

        History at(long millis, String type, String status, String details) {
            int sequence = events.size() + 1;
            events.add(new StoredEvent(
                    new Position(100 + sequence, sequence),
                    "o-1",
                    sequence,
                    type,
                    status,
                    T0.plusMillis(millis),
                    details));
            return this;
        }

        OrderFacts.Derived derive() {
            return OrderFacts.derive("o-1", events);
        }
    }

    private static final String VALIDATED = "{\"items\":[{\"sku\":\"PROD-001\",\"name\":\"Laptop\",\"quantity\":2,"
            + "\"unit_price\":999.99,\"line_total\":1999.98},{\"sku\":\"PROD-002\",\"name\":\"Mouse\",\"quantity\":1,"
            + "\"unit_price\":29.99,\"line_total\":29.99}],\"total\":2029.97,\"currency\":\"USD\"}";

    @Test
    void aCompletedOrderHasItsTotalLinesMoneyAndTheTimeOfEachStage() {
        OrderFacts.Derived derived = new History()
                .at(0, "order_placed", "pending", "{}")
                .at(0, "fulfilment_started", "validating", "{}")
                .at(12, "order_validated", "inventory_check", VALIDATED)
                .at(40, "stock_reserved", "payment_processing", "{}")
                .at(
                        140,
                        "payment_charged",
                        "shipping",
                        "{\"payment_id\":\"p-1\",\"amount\":2029.97,\"currency\":\"USD\"}")
                .at(1140, "shipment_created", "completed", "{\"tracking_number\":\"T-1\",\"carrier\":\"x\"}")
                .at(1140, "order_completed", "completed", "{}")
                .derive();

        OrderFacts.Fact fact = derived.fact();
        assertThat(fact.placedAt()).isEqualTo(T0);
        assertThat(fact.status()).isEqualTo("completed");
        assertThat(fact.finishedAt()).isEqualTo(T0.plusMillis(1140));
        assertThat(fact.totalAmount()).isEqualByComparingTo("2029.97");
        assertThat(fact.currency()).isEqualTo("USD");
        assertThat(fact.chargedAmount()).isEqualByComparingTo("2029.97");
        assertThat(fact.refundedAmount()).isNull();
        assertThat(fact.failureReason()).isNull();
        assertThat(fact.compensations()).isZero();
        assertThat(fact.events()).isEqualTo(7);
        assertThat(fact.stage("validating")).isEqualByComparingTo("12");
        assertThat(fact.stage("inventory_check")).isEqualByComparingTo("28");
        assertThat(fact.stage("payment_processing")).isEqualByComparingTo("100");
        assertThat(fact.stage("shipping")).isEqualByComparingTo("1000");
        assertThat(derived.lines())
                .containsExactly(
                        new OrderFacts.Line(1, "PROD-001", 2, new BigDecimal("1999.98")),
                        new OrderFacts.Line(2, "PROD-002", 1, new BigDecimal("29.99")));
    }

    @Test
    void aDeclinedPaymentFailsTheOrderWithItsReasonAndCountsTheCompensation() {
        OrderFacts.Fact fact = new History()
                .at(0, "order_placed", "pending", "{}")
                .at(0, "fulfilment_started", "validating", "{}")
                .at(0, "order_validated", "inventory_check", VALIDATED)
                .at(5, "stock_reserved", "payment_processing", "{}")
                .at(25, "payment_declined", "failed", "{\"reason\":\"card_declined\"}")
                .at(25, "compensation_requested", "failed", "{\"action\":\"release_stock\"}")
                .at(25, "order_failed", "failed", "{\"reason\":\"payment_declined\",\"detail\":\"card_declined\"}")
                .at(60, "stock_released", "failed", "{}")
                .derive()
                .fact();

        assertThat(fact.status()).isEqualTo("failed");
        assertThat(fact.failureReason()).isEqualTo("payment_declined");
        assertThat(fact.compensations()).isEqualTo(1);
        assertThat(fact.finishedAt()).isEqualTo(T0.plusMillis(25));
        assertThat(fact.chargedAmount()).isNull();
        assertThat(fact.stage("validating")).isEqualByComparingTo("0");
        assertThat(fact.stage("payment_processing")).isEqualByComparingTo("20");
        assertThat(fact.stageMillis()).doesNotContainKey("shipping");
    }

    @Test
    void aCancelledOrderThatWasChargedLateCountsTheChargeAndItsRefund() {
        OrderFacts.Fact fact = new History()
                .at(0, "order_placed", "pending", "{}")
                .at(0, "fulfilment_started", "validating", "{}")
                .at(0, "order_validated", "inventory_check", VALIDATED)
                .at(5, "stock_reserved", "payment_processing", "{}")
                .at(10, "cancellation_requested", "cancelled", "{\"status\":\"payment_processing\"}")
                .at(10, "compensation_requested", "cancelled", "{\"action\":\"release_stock\"}")
                .at(10, "order_cancelled", "cancelled", "{}")
                .at(
                        30,
                        "payment_charged",
                        "cancelled",
                        "{\"payment_id\":\"p\",\"amount\":2029.97,\"currency\":\"USD\"}")
                .at(30, "compensation_requested", "cancelled", "{\"action\":\"refund_payment\"}")
                .at(50, "payment_refunded", "cancelled", "{\"amount\":2029.97,\"currency\":\"USD\"}")
                .derive()
                .fact();

        assertThat(fact.status()).isEqualTo("cancelled");
        assertThat(fact.finishedAt()).isEqualTo(T0.plusMillis(10));
        assertThat(fact.compensations()).isEqualTo(2);
        assertThat(fact.chargedAmount()).isEqualByComparingTo("2029.97");
        assertThat(fact.refundedAmount()).isEqualByComparingTo("2029.97");
        assertThat(fact.stage("payment_processing")).isEqualByComparingTo("5");
    }

    @Test
    void aRejectedOrderHasNoLinesUnlessThePlacementCarriedThem() {
        OrderFacts.Derived bare = new History()
                .at(0, "order_placed", "pending", "{}")
                .at(0, "fulfilment_started", "validating", "{}")
                .at(3, "order_rejected", "failed", "{\"reason\":\"unknown_sku\",\"detail\":\"NOPE\"}")
                .at(3, "order_failed", "failed", "{\"reason\":\"unknown_sku\",\"detail\":\"NOPE\"}")
                .derive();
        assertThat(bare.lines()).isEmpty();
        assertThat(bare.fact().totalAmount()).isNull();
        assertThat(bare.fact().failureReason()).isEqualTo("unknown_sku");

        OrderFacts.Derived carried = new History()
                .at(0, "order_placed", "pending", "{\"items\":[{\"sku\":\"NOPE\",\"quantity\":3}]}")
                .at(0, "fulfilment_started", "validating", "{}")
                .at(3, "order_rejected", "failed", "{\"reason\":\"unknown_sku\",\"detail\":\"NOPE\"}")
                .at(3, "order_failed", "failed", "{\"reason\":\"unknown_sku\",\"detail\":\"NOPE\"}")
                .derive();
        assertThat(carried.lines()).containsExactly(new OrderFacts.Line(1, "NOPE", 3, null));
    }

    @Test
    void linesFromThePlacementArePricedWhereItGaveAUnitPrice() {
        OrderFacts.Derived derived = new History()
                .at(
                        0,
                        "order_placed",
                        "pending",
                        "{\"items\":[{\"sku\":\"PROD-001\",\"quantity\":2,\"unit_price\":999.99},"
                                + "{\"sku\":\"PROD-002\",\"quantity\":1}]}")
                .at(0, "fulfilment_started", "validating", "{}")
                .derive();
        assertThat(derived.lines())
                .containsExactly(
                        new OrderFacts.Line(1, "PROD-001", 2, new BigDecimal("1999.98")),
                        new OrderFacts.Line(2, "PROD-002", 1, null));
        assertThat(derived.fact().status()).isEqualTo("validating");
        assertThat(derived.fact().finishedAt()).isNull();
        assertThat(derived.fact().stageMillis()).isEmpty();
    }

    @Test
    void theTotalFallsBackToTheChargeWhenNoValidationCarriedIt() {
        OrderFacts.Fact fact = new History()
                .at(0, "order_placed", "pending", "{}")
                .at(0, "fulfilment_started", "payment_processing", "{}")
                .at(10, "payment_charged", "shipping", "{\"payment_id\":\"p\",\"amount\":12.50,\"currency\":\"EUR\"}")
                .derive()
                .fact();
        assertThat(fact.totalAmount()).isEqualByComparingTo("12.50");
        assertThat(fact.currency()).isEqualTo("EUR");
    }

    @Test
    void derivingTwiceGivesTheSameFacts() {
        History history = new History()
                .at(0, "order_placed", "pending", "{}")
                .at(0, "fulfilment_started", "validating", "{}")
                .at(7, "order_validated", "inventory_check", VALIDATED);
        assertThat(history.derive()).isEqualTo(history.derive());
    }

    @Test
    void anEmptyHistoryHasNoFacts() {
        assertThatThrownBy(() -> OrderFacts.derive("o-1", List.of())).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void positionsOrderByTransactionThenPosition() {
        assertThat(new Position(5, 100).compareTo(new Position(6, 1))).isNegative();
        assertThat(new Position(6, 2).isAfter(new Position(6, 1))).isTrue();
        assertThat(Position.START.compareTo(new Position(0, 0))).isZero();
    }
}
