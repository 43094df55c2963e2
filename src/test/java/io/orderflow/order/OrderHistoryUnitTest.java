package io.orderflow.order;

import static io.orderflow.order.OrderFixtures.KEYBOARD;
import static io.orderflow.order.OrderFixtures.LAPTOP;
import static io.orderflow.order.OrderFixtures.MOUSE;
import static io.orderflow.order.OrderFixtures.ORDER_ID;
import static io.orderflow.order.OrderFixtures.PLACED_AT;
import static io.orderflow.order.OrderFixtures.anOrderOf;
import static io.orderflow.order.OrderFixtures.cardDeclined;
import static io.orderflow.order.OrderFixtures.destinationNotServed;
import static io.orderflow.order.OrderFixtures.line;
import static io.orderflow.order.OrderFixtures.outOfStock;
import static io.orderflow.order.OrderFixtures.paymentCharged;
import static io.orderflow.order.OrderFixtures.shipmentCreated;
import static io.orderflow.order.OrderFixtures.stockReserved;
import static io.orderflow.order.OrderFixtures.unknownSku;
import static io.orderflow.order.OrderFulfilment.SAGA;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.orderflow.catalog.OrderValidated;
import io.orderflow.inventory.StockReleased;
import io.orderflow.order.Saga.Decision;
import io.orderflow.payment.PaymentRefunded;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectReader;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The fold of an order's history: driven through the real saga, the order's history replayed up to each decision
 * is the order that decision left, as the plain read shows it ({@link OrderManagement#view}); and in between, each
 * event's own contribution.
 */
class OrderHistoryUnitTest {

    /** The application's JSON settings for stored JSON: snake_case, no nulls; read back keeping decimals exact. */
    static final JsonMapper JSON = JsonMapper.builder()
            .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .changeDefaultPropertyInclusion(
                    i -> JsonInclude.Value.construct(JsonInclude.Include.NON_NULL, JsonInclude.Include.NON_NULL))
            .build();

    static final ObjectReader STORED = JSON.reader().with(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);

    /**
     * An order and its history as OrderManagement records them: each decision's events with the status it left the
     * order in, all at the decision's time, details as stored (without the order id) and read back.
     */
    static final class Recorder {

        final Order order;
        final List<OrderView.Event> events = new ArrayList<>();
        private Instant now = PLACED_AT;

        Recorder(Order pending) {
            this.order = pending;
            record(new Decision(
                    List.of(), List.of(new Saga.Recorded(OrderHistory.ORDER_PLACED, OrderHistory.placed(order)))));
        }

        Recorder record(Decision decision) {
            for (Saga.Recorded recorded : decision.history()) {
                JsonNode details = JSON.valueToTree(recorded.details());
                if (details instanceof ObjectNode object) {
                    object.remove("order_id");
                }
                events.add(new OrderView.Event(
                        events.size() + 1,
                        recorded.type(),
                        order.status().wireName(),
                        now,
                        STORED.readTree(JSON.writeValueAsString(details))));
            }
            order.recorded(decision.history().size(), now);
            now = now.plusMillis(1500);
            return this;
        }

        Recorder reply(Object reply) {
            return record(SAGA.on(order, reply));
        }

        /** The order now, as the plain read shows it. */
        OrderView current() {
            return OrderManagement.view(order, List.copyOf(events));
        }

        OrderView replayed() {
            return OrderHistory.replay(ORDER_ID, events);
        }

        OrderView at(int sequence) {
            return OrderHistory.replay(ORDER_ID, events.subList(0, sequence));
        }
    }

    @Nested
    class EveryDecisionOfTheSaga {

        @Test
        void aCompletedOrder() {
            var draft = anOrderOf(line(2, LAPTOP), line(1, MOUSE));
            Recorder order = new Recorder(draft.pending());
            assertThat(order.replayed()).isEqualTo(order.current());

            order.record(SAGA.start(order.order));
            assertThat(order.replayed()).isEqualTo(order.current());
            order.reply(draft.validated());
            assertThat(order.replayed()).isEqualTo(order.current());
            order.reply(stockReserved());
            assertThat(order.replayed()).isEqualTo(order.current());
            order.reply(paymentCharged(draft.catalogTotal()));
            assertThat(order.replayed()).isEqualTo(order.current());
            order.reply(shipmentCreated());

            OrderView completed = order.replayed();
            assertThat(completed).isEqualTo(order.current());
            assertThat(completed.status()).isEqualTo("completed");
            assertThat(completed.totalAmount()).isEqualTo(new BigDecimal("2029.97"));
            assertThat(completed.paymentId()).isEqualTo(OrderFixtures.PAYMENT_ID);
            assertThat(completed.trackingNumber()).isEqualTo(OrderFixtures.TRACKING_NUMBER);
            assertThat(completed.version()).isEqualTo(7);
        }

        @Test
        void anOrderWhoseCardWasDeclined() {
            var draft = anOrderOf(1, KEYBOARD);
            Recorder order = new Recorder(draft.pending());
            order.record(SAGA.start(order.order))
                    .reply(draft.validated())
                    .reply(stockReserved())
                    .reply(cardDeclined());
            assertThat(order.replayed()).isEqualTo(order.current());
            order.reply(new StockReleased(ORDER_ID));

            OrderView failed = order.replayed();
            assertThat(failed).isEqualTo(order.current());
            assertThat(failed.failureReason()).isEqualTo("payment_declined");
            assertThat(failed.failureDetail()).isEqualTo("card_declined");
            assertThat(failed.paymentId()).isNull();
        }

        @Test
        void anOrderCancelledWhileBeingChargedWhoseChargeArrivesLate() {
            var draft = anOrderOf(1, LAPTOP);
            Recorder order = new Recorder(draft.pending());
            order.record(SAGA.start(order.order)).reply(draft.validated()).reply(stockReserved());
            order.record(SAGA.cancel(order.order).orElseThrow());
            assertThat(order.replayed()).isEqualTo(order.current());

            // the charge went through after all: recorded, refunded, and no payment id on the cancelled order
            order.reply(paymentCharged(draft.catalogTotal()));
            order.reply(new StockReleased(ORDER_ID));
            order.reply(new PaymentRefunded(ORDER_ID, draft.catalogTotal(), OrderFixtures.CURRENCY));

            OrderView cancelled = order.replayed();
            assertThat(cancelled).isEqualTo(order.current());
            assertThat(cancelled.status()).isEqualTo("cancelled");
            assertThat(cancelled.paymentId()).isNull();
            assertThat(order.events).extracting(OrderView.Event::type).contains("payment_charged");
        }

        @Test
        void ordersThatFailAtEachStep() {
            var draft = anOrderOf(1, MOUSE);

            Recorder rejected = new Recorder(draft.pending());
            rejected.record(SAGA.start(rejected.order)).reply(unknownSku("PROD-404"));
            assertThat(rejected.replayed()).isEqualTo(rejected.current());

            Recorder noStock = new Recorder(draft.pending());
            noStock.record(SAGA.start(noStock.order)).reply(draft.validated()).reply(outOfStock(MOUSE));
            assertThat(noStock.replayed()).isEqualTo(noStock.current());

            Recorder notServed = new Recorder(draft.pending());
            notServed
                    .record(SAGA.start(notServed.order))
                    .reply(draft.validated())
                    .reply(stockReserved())
                    .reply(paymentCharged(draft.catalogTotal()))
                    .reply(destinationNotServed());
            assertThat(notServed.replayed()).isEqualTo(notServed.current());
            assertThat(notServed.replayed().paymentId()).isEqualTo(OrderFixtures.PAYMENT_ID);

            Recorder timedOut = new Recorder(draft.pending());
            timedOut.record(SAGA.start(timedOut.order))
                    .reply(draft.validated())
                    .record(SAGA.onDeadline(timedOut.order, false))
                    .record(SAGA.onDeadline(timedOut.order, true));
            assertThat(timedOut.replayed()).isEqualTo(timedOut.current());
            assertThat(timedOut.replayed().failureReason()).isEqualTo("step_timed_out");
        }

        @Test
        void anOrderPlacedWithoutClientPricesOrAnAddress() {
            var draft = anOrderOf(3, MOUSE).withoutClientPrices();
            Order pending =
                    Order.place(ORDER_ID, null, List.of(new Order.Item(MOUSE.sku(), 3, null)), null, null, PLACED_AT);
            Recorder order = new Recorder(pending);
            assertThat(order.replayed()).isEqualTo(order.current());
            assertThat(order.replayed().customerEmail()).isNull();
            assertThat(order.replayed().items()).containsExactly(new OrderView.Item(MOUSE.sku(), null, 3, null, null));
            order.record(SAGA.start(order.order)).reply(draft.validated());
            assertThat(order.replayed()).isEqualTo(order.current());
        }
    }

    @Nested
    class APointInTheMiddle {

        @Test
        void isTheOrderAfterThatEventWithTheHistoryCutThere() {
            var draft = anOrderOf(2, LAPTOP);
            Recorder order = new Recorder(draft.pending());
            order.record(SAGA.start(order.order))
                    .reply(draft.validated())
                    .reply(stockReserved())
                    .reply(paymentCharged(draft.catalogTotal()))
                    .reply(shipmentCreated());

            OrderView placed = order.at(1);
            assertThat(placed.status()).isEqualTo("pending");
            assertThat(placed.version()).isEqualTo(1);
            assertThat(placed.events()).hasSize(1);
            assertThat(placed.totalAmount()).isNull();
            assertThat(placed.items()).containsExactly(new OrderView.Item(LAPTOP.sku(), null, 2, LAPTOP.price(), null));
            assertThat(placed.createdAt()).isEqualTo(PLACED_AT);
            assertThat(placed.updatedAt()).isEqualTo(PLACED_AT);
            assertThat(placed.shippingAddress()).isEqualTo(OrderFixtures.ADDRESS);
            assertThat(placed.customerEmail()).isEqualTo(OrderFixtures.CUSTOMER);

            OrderView priced = order.at(3);
            assertThat(priced.status()).isEqualTo("inventory_check");
            assertThat(priced.totalAmount()).isEqualTo(draft.catalogTotal());
            assertThat(priced.currency()).isEqualTo(OrderFixtures.CURRENCY);
            assertThat(priced.items()).extracting(OrderView.Item::name).containsExactly("Laptop");
            assertThat(priced.updatedAt()).isEqualTo(order.events.get(2).occurredAt());
            assertThat(priced.paymentId()).isNull();

            OrderView charged = order.at(5);
            assertThat(charged.status()).isEqualTo("shipping");
            assertThat(charged.paymentId()).isEqualTo(OrderFixtures.PAYMENT_ID);
            assertThat(charged.trackingNumber()).isNull();
        }

        @Test
        void keepsAmountsAsTheyWereWritten() {
            var draft = anOrderOf(1, MOUSE);
            Recorder order = new Recorder(draft.pending());
            order.record(SAGA.start(order.order));
            order.record(SAGA.on(
                    order.order,
                    new OrderValidated(
                            ORDER_ID,
                            List.of(new OrderValidated.PricedItem(
                                    MOUSE.sku(), "Mouse", 4, new BigDecimal("10.00"), new BigDecimal("40.00"))),
                            new BigDecimal("40.00"),
                            "EUR")));

            assertThat(order.replayed().totalAmount()).hasToString("40.00");
            assertThat(order.replayed().items().get(0).lineTotal()).hasToString("40.00");
        }
    }

    @Nested
    class ABrokenHistory {

        @Test
        void isRefused() {
            Recorder order = new Recorder(anOrderOf(1, MOUSE).pending());
            order.record(SAGA.start(order.order));

            assertThatIllegalArgumentException().isThrownBy(() -> OrderHistory.replay(ORDER_ID, List.of()));
            assertThatIllegalArgumentException()
                    .isThrownBy(() -> OrderHistory.replay(ORDER_ID, order.events.subList(1, 2)))
                    .withMessageContaining("sequence 2 where 1 was expected");
        }
    }

    @Nested
    class AVersionOneHistory {

        @Test
        void replaysLikeTheCurrentOneOnceUpcastFromThePlacementRecord() {
            var draft = anOrderOf(line(2, LAPTOP), line(1, KEYBOARD));
            Recorder order = new Recorder(draft.pending());
            order.record(SAGA.start(order.order)).reply(draft.validated());
            // the placement record: the order's row, as Orders reads it for the upcaster
            ObjectNode row = (ObjectNode) STORED.readTree(JSON.writeValueAsString(Map.of(
                    "customer_email", order.order.customerEmail(),
                    "items", order.order.items(),
                    "shipping_address", order.order.shippingAddress())));

            List<OrderView.Event> v1 = new ArrayList<>();
            for (OrderView.Event event : order.events) {
                JsonNode stored =
                        event.type().equals(OrderHistory.ORDER_PLACED) ? JSON.createObjectNode() : event.details();
                v1.add(new OrderView.Event(
                        event.sequence(),
                        event.type(),
                        event.status(),
                        event.occurredAt(),
                        EventUpcaster.upcast(event.type(), 1, stored, () -> row)));
            }

            assertThat(v1).isEqualTo(order.events);
            assertThat(OrderHistory.replay(ORDER_ID, v1)).isEqualTo(order.current());
        }
    }
}
