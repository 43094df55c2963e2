package io.orderflow.order;

import static io.orderflow.order.OrderFixtures.ADDRESS;
import static io.orderflow.order.OrderFixtures.CARD;
import static io.orderflow.order.OrderFixtures.CURRENCY;
import static io.orderflow.order.OrderFixtures.KEYBOARD;
import static io.orderflow.order.OrderFixtures.LAPTOP;
import static io.orderflow.order.OrderFixtures.MOUSE;
import static io.orderflow.order.OrderFixtures.ORDER_ID;
import static io.orderflow.order.OrderFixtures.PAYMENT_ID;
import static io.orderflow.order.OrderFixtures.TRACKING_NUMBER;
import static io.orderflow.order.OrderFixtures.anOrderOf;
import static io.orderflow.order.OrderFixtures.cardDeclined;
import static io.orderflow.order.OrderFixtures.destinationNotServed;
import static io.orderflow.order.OrderFixtures.line;
import static io.orderflow.order.OrderFixtures.outOfStock;
import static io.orderflow.order.OrderFixtures.paymentCharged;
import static io.orderflow.order.OrderFixtures.priceChanged;
import static io.orderflow.order.OrderFixtures.shipmentCreated;
import static io.orderflow.order.OrderFixtures.stockReserved;
import static io.orderflow.order.OrderFixtures.unknownSku;
import static io.orderflow.order.OrderFulfilment.SAGA;
import static io.orderflow.order.OrderStatus.CANCELLED;
import static io.orderflow.order.OrderStatus.COMPLETED;
import static io.orderflow.order.OrderStatus.FAILED;
import static io.orderflow.order.OrderStatus.INVENTORY_CHECK;
import static io.orderflow.order.OrderStatus.PAYMENT_PROCESSING;
import static io.orderflow.order.OrderStatus.SHIPPING;
import static io.orderflow.order.OrderStatus.VALIDATING;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.assertj.core.api.Assertions.tuple;

import io.orderflow.catalog.OrderRejected;
import io.orderflow.catalog.OrderValidated;
import io.orderflow.catalog.ValidateOrder;
import io.orderflow.inventory.CommitStock;
import io.orderflow.inventory.ReleaseStock;
import io.orderflow.inventory.ReserveStock;
import io.orderflow.inventory.StockReleased;
import io.orderflow.inventory.StockReserved;
import io.orderflow.inventory.StockUnavailable;
import io.orderflow.order.Saga.Decision;
import io.orderflow.order.Saga.Failure;
import io.orderflow.order.Saga.Recorded;
import io.orderflow.payment.ChargePayment;
import io.orderflow.payment.PaymentCharged;
import io.orderflow.payment.PaymentDeclined;
import io.orderflow.payment.PaymentRefunded;
import io.orderflow.payment.RefundPayment;
import io.orderflow.shipping.CancelShipment;
import io.orderflow.shipping.CreateShipment;
import io.orderflow.shipping.ShipmentCancelled;
import io.orderflow.shipping.ShipmentCreated;
import io.orderflow.shipping.ShipmentFailed;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The fulfilment saga as given/when/then: given an order in some state, when a reply arrives (or the
 * customer cancels), then these commands go out, the order has this status, and these entries are added to
 * its history. History entries are written as {@code type} or, for compensations, {@code
 * compensation_requested:<action>}.
 */
class OrderFulfilmentUnitTest {

    @Nested
    class Starting {

        @Test
        void movesAPendingOrderToValidatingAndAsksTheCatalogWithTheCustomersPrices() {
            Order order = anOrderOf(line(2, LAPTOP), line(3, MOUSE)).pending();

            Decision decision = SAGA.start(order);

            assertThat(order.status()).isEqualTo(VALIDATING);
            assertThat(decision.commands())
                    .containsExactly(new ValidateOrder(
                            ORDER_ID,
                            List.of(
                                    new ValidateOrder.Item(LAPTOP.sku(), 2, LAPTOP.price()),
                                    new ValidateOrder.Item(MOUSE.sku(), 3, MOUSE.price()))));
            assertThat(history(decision)).containsExactly("fulfilment_started");
        }

        @Test
        void asksTheCatalogWithoutPricesWhenTheCustomerSentNone() {
            Order order = anOrderOf(2, LAPTOP).withoutClientPrices().pending();

            Decision decision = SAGA.start(order);

            assertThat(decision.commands())
                    .containsExactly(
                            new ValidateOrder(ORDER_ID, List.of(new ValidateOrder.Item(LAPTOP.sku(), 2, null))));
        }

        @Test
        void aSecondStartChangesNothing() {
            Order order = anOrderOf(2, LAPTOP).pending();
            SAGA.start(order);

            Decision again = SAGA.start(order);

            assertThat(again.changesNothing()).isTrue();
            assertThat(order.status()).isEqualTo(VALIDATING);
        }

        @ParameterizedTest
        @EnumSource(value = OrderStatus.class, names = "PENDING", mode = EnumSource.Mode.EXCLUDE)
        void doesNotStartAnOrderThatIsNoLongerPending(OrderStatus status) {
            Order order = anOrderOf(2, LAPTOP).in(status);

            Decision decision = SAGA.start(order);

            assertThat(decision.changesNothing()).isTrue();
            assertThat(order.status()).isEqualTo(status);
        }
    }

    @Nested
    class Validation {

        @Test
        void reservesStockAndPricesTheOrderOnceTheCatalogValidatedIt() {
            var draft = anOrderOf(line(2, LAPTOP), line(3, MOUSE));
            Order order = draft.in(VALIDATING);
            OrderValidated validated = draft.validated();

            Decision decision = SAGA.on(order, validated);

            assertThat(order.status()).isEqualTo(INVENTORY_CHECK);
            assertThat(decision.commands())
                    .containsExactly(new ReserveStock(
                            ORDER_ID,
                            List.of(new ReserveStock.Item(LAPTOP.sku(), 2), new ReserveStock.Item(MOUSE.sku(), 3))));
            assertThat(order.pricedItems())
                    .containsExactly(
                            new Order.PricedItem(LAPTOP.sku(), "Laptop", 2, LAPTOP.price(), new BigDecimal("1999.98")),
                            new Order.PricedItem(MOUSE.sku(), "Mouse", 3, MOUSE.price(), new BigDecimal("89.97")));
            assertThat(order.totalAmount()).isEqualByComparingTo("2089.95");
            assertThat(order.currency()).isEqualTo(CURRENCY);
            assertThat(order.failureReason()).isNull();
            assertThat(decision.history()).containsExactly(new Recorded("order_validated", validated));
        }

        @Test
        void failsWithoutCompensationWhenTheCatalogDoesNotKnowAnSku() {
            Order order = anOrderOf(2, LAPTOP).in(VALIDATING);

            Decision decision = SAGA.on(order, unknownSku("PROD-999"));

            assertThat(order.status()).isEqualTo(FAILED);
            assertThat(order.failureReason()).isEqualTo("unknown_sku");
            assertThat(order.failureDetail()).isEqualTo("Unknown SKU(s): PROD-999");
            assertThat(decision.commands()).isEmpty();
            assertThat(history(decision)).containsExactly("order_rejected", "order_failed");
            assertThat(decision.history().get(1).details())
                    .isEqualTo(new Failure("unknown_sku", "Unknown SKU(s): PROD-999"));
        }

        @Test
        void failsWithoutCompensationWhenThePriceChanged() {
            Order order = anOrderOf(2, LAPTOP).in(VALIDATING);
            OrderRejected rejected = priceChanged(LAPTOP, "899.99");

            Decision decision = SAGA.on(order, rejected);

            assertThat(order.status()).isEqualTo(FAILED);
            assertThat(order.failureReason()).isEqualTo("price_changed");
            assertThat(order.failureDetail()).isEqualTo(rejected.detail());
            assertThat(order.totalAmount()).isNull();
            assertThat(decision.commands()).isEmpty();
            assertThat(history(decision)).containsExactly("order_rejected", "order_failed");
        }
    }

    @Nested
    class Inventory {

        @Test
        void chargesTheCatalogTotalToTheCustomersCardOnceStockIsReserved() {
            Order order = anOrderOf(line(2, LAPTOP), line(1, KEYBOARD))
                    .paidWith("tok_mastercard")
                    .in(INVENTORY_CHECK);

            Decision decision = SAGA.on(order, stockReserved());

            assertThat(order.status()).isEqualTo(PAYMENT_PROCESSING);
            assertThat(decision.commands()).singleElement().isInstanceOfSatisfying(ChargePayment.class, charge -> {
                assertThat(charge.orderId()).isEqualTo(ORDER_ID);
                assertThat(charge.amount()).isEqualByComparingTo("2079.97");
                assertThat(charge.currency()).isEqualTo(CURRENCY);
                assertThat(charge.cardToken()).isEqualTo("tok_mastercard");
            });
            assertThat(history(decision)).containsExactly("stock_reserved");
        }

        @Test
        void chargesWhatTheCatalogPricedWhenTheCustomerSentNoPrices() {
            var draft = anOrderOf(3, MOUSE).withoutClientPrices();
            Order order = draft.pending();
            SAGA.start(order);
            SAGA.on(order, draft.validated());

            Decision decision = SAGA.on(order, stockReserved());

            assertThat(decision.commands())
                    .singleElement()
                    .isInstanceOfSatisfying(
                            ChargePayment.class,
                            charge -> assertThat(charge.amount()).isEqualByComparingTo("89.97"));
        }

        @Test
        void failsWithNothingToCompensateWhenStockIsUnavailable() {
            Order order = anOrderOf(line(2, LAPTOP), line(1, MOUSE)).in(INVENTORY_CHECK);

            Decision decision = SAGA.on(order, outOfStock(LAPTOP));

            assertThat(order.status()).isEqualTo(FAILED);
            assertThat(order.failureReason()).isEqualTo("insufficient_stock");
            assertThat(order.failureDetail()).isEqualTo("Not enough stock of PROD-001");
            assertThat(decision.commands()).isEmpty();
            assertThat(history(decision)).containsExactly("stock_unavailable", "order_failed");
        }
    }

    @Nested
    class Payment {

        @Test
        void requestsTheShipmentToTheCustomersAddressOnceThePaymentIsCharged() {
            var draft = anOrderOf(line(2, LAPTOP), line(3, MOUSE));
            Order order = draft.in(PAYMENT_PROCESSING);

            Decision decision = SAGA.on(order, paymentCharged(draft.catalogTotal()));

            assertThat(order.status()).isEqualTo(SHIPPING);
            assertThat(order.paymentId()).isEqualTo(PAYMENT_ID);
            assertThat(decision.commands())
                    .containsExactly(new CreateShipment(
                            ORDER_ID,
                            ADDRESS,
                            List.of(
                                    new CreateShipment.Item(LAPTOP.sku(), 2),
                                    new CreateShipment.Item(MOUSE.sku(), 3))));
            assertThat(history(decision)).containsExactly("payment_charged");
        }

        @Test
        void failsAndReleasesStockWhenCardIsDeclined() {
            Order order = anOrderOf(2, LAPTOP).in(PAYMENT_PROCESSING);

            Decision decision = SAGA.on(order, cardDeclined());

            assertThat(order.status()).isEqualTo(FAILED);
            assertThat(order.failureReason()).isEqualTo("payment_declined");
            assertThat(order.failureDetail()).isEqualTo("card_declined");
            assertThat(decision.commands()).containsExactly(new ReleaseStock(ORDER_ID));
            assertThat(history(decision))
                    .containsExactly("payment_declined", "compensation_requested:release_stock", "order_failed");
        }
    }

    @Nested
    class Shipping {

        @Test
        void completesTheOrderAndCommitsTheStockOnceTheShipmentIsCreated() {
            Order order = anOrderOf(2, LAPTOP).in(SHIPPING);

            Decision decision = SAGA.on(order, shipmentCreated());

            assertThat(order.status()).isEqualTo(COMPLETED);
            assertThat(order.trackingNumber()).isEqualTo(TRACKING_NUMBER);
            assertThat(order.failureReason()).isNull();
            assertThat(decision.commands()).containsExactly(new CommitStock(ORDER_ID));
            assertThat(history(decision)).containsExactly("shipment_created", "order_completed");
        }

        @Test
        void failsAndRefundsThenReleasesStockWhenTheShipmentFails() {
            Order order = anOrderOf(2, LAPTOP).in(SHIPPING);

            Decision decision = SAGA.on(order, destinationNotServed());

            assertThat(order.status()).isEqualTo(FAILED);
            assertThat(order.failureReason()).isEqualTo("shipping_failed");
            assertThat(order.failureDetail()).isEqualTo("carrier_rejected: destination ZZ is not served");
            // undone in reverse: the payment (taken last) first, then the stock
            assertThat(decision.commands())
                    .containsExactly(new RefundPayment(ORDER_ID, CURRENCY), new ReleaseStock(ORDER_ID));
            assertThat(history(decision))
                    .containsExactly(
                            "shipment_failed",
                            "compensation_requested:refund_payment",
                            "compensation_requested:release_stock",
                            "order_failed");
        }
    }

    @Nested
    class Cancellation {

        @ParameterizedTest
        @EnumSource(
                value = OrderStatus.class,
                names = {"PENDING", "VALIDATING"})
        void cancelsWithoutCompensationBeforeAnythingWasReserved(OrderStatus status) {
            Order order = anOrderOf(2, LAPTOP).in(status);

            Optional<Decision> decision = SAGA.cancel(order);

            assertThat(order.status()).isEqualTo(CANCELLED);
            assertThat(decision).hasValueSatisfying(d -> {
                assertThat(d.commands()).isEmpty();
                assertThat(history(d)).containsExactly("cancellation_requested", "order_cancelled");
                assertThat(d.history().get(0).details()).isEqualTo(Map.of("status", status.wireName()));
            });
        }

        @Test
        void cancelsDuringTheStockCheckWithNothingToUndoYet() {
            Order order = anOrderOf(2, LAPTOP).in(INVENTORY_CHECK);

            Optional<Decision> decision = SAGA.cancel(order);

            assertThat(order.status()).isEqualTo(CANCELLED);
            assertThat(decision).hasValueSatisfying(d -> {
                assertThat(d.commands()).isEmpty();
                assertThat(history(d)).containsExactly("cancellation_requested", "order_cancelled");
            });
        }

        @Test
        void releasesStockReservedAfterTheOrderWasCancelledDuringTheStockCheck() {
            Order order = anOrderOf(2, LAPTOP).in(INVENTORY_CHECK);
            SAGA.cancel(order);

            Decision late = SAGA.on(order, stockReserved());

            assertThat(order.status()).isEqualTo(CANCELLED);
            assertThat(late.commands()).containsExactly(new ReleaseStock(ORDER_ID));
            assertThat(history(late)).containsExactly("stock_reserved", "compensation_requested:release_stock");
        }

        @Test
        void recordsOnlyALateStockShortageOfAnOrderCancelledDuringTheStockCheck() {
            Order order = anOrderOf(2, LAPTOP).in(INVENTORY_CHECK);
            SAGA.cancel(order);

            Decision late = SAGA.on(order, outOfStock(LAPTOP));

            assertThat(order.status()).isEqualTo(CANCELLED);
            assertThat(order.failureReason()).isNull();
            assertThat(late.commands()).isEmpty();
            assertThat(history(late)).containsExactly("stock_unavailable");
        }

        @Test
        void releasesStockRightAwayWhenCancelledDuringPayment() {
            Order order = anOrderOf(2, LAPTOP).in(PAYMENT_PROCESSING);

            Optional<Decision> decision = SAGA.cancel(order);

            assertThat(order.status()).isEqualTo(CANCELLED);
            assertThat(decision).hasValueSatisfying(d -> {
                assertThat(d.commands()).containsExactly(new ReleaseStock(ORDER_ID));
                assertThat(history(d))
                        .containsExactly(
                                "cancellation_requested", "compensation_requested:release_stock", "order_cancelled");
            });
        }

        @Test
        void refundsAPaymentChargedAfterTheOrderWasCancelledDuringPayment() {
            var draft = anOrderOf(2, LAPTOP);
            Order order = draft.in(PAYMENT_PROCESSING);
            SAGA.cancel(order);

            Decision late = SAGA.on(order, paymentCharged(draft.catalogTotal()));

            assertThat(order.status()).isEqualTo(CANCELLED);
            assertThat(late.commands()).containsExactly(new RefundPayment(ORDER_ID, CURRENCY));
            assertThat(history(late)).containsExactly("payment_charged", "compensation_requested:refund_payment");
        }

        @Test
        void recordsOnlyADeclineThatArrivesAfterTheOrderWasCancelledDuringPayment() {
            Order order = anOrderOf(2, LAPTOP).in(PAYMENT_PROCESSING);
            SAGA.cancel(order);

            Decision late = SAGA.on(order, cardDeclined());

            assertThat(order.status()).isEqualTo(CANCELLED);
            assertThat(late.commands()).isEmpty();
            assertThat(history(late)).containsExactly("payment_declined");
        }

        @Test
        void recordsOnlyAValidationThatArrivesAfterTheOrderWasCancelled() {
            var draft = anOrderOf(2, LAPTOP);
            Order order = draft.in(VALIDATING);
            SAGA.cancel(order);

            Decision late = SAGA.on(order, draft.validated());

            assertThat(order.status()).isEqualTo(CANCELLED);
            assertThat(order.pricedItems()).isNull();
            assertThat(late.commands()).isEmpty();
            assertThat(history(late)).containsExactly("order_validated");
        }

        @ParameterizedTest
        @EnumSource(
                value = OrderStatus.class,
                names = {"SHIPPING", "COMPLETED", "FAILED", "CANCELLED"})
        void refusesToCancelOnceTheShipmentIsRequestedOrTheOrderHasEnded(OrderStatus status) {
            Order order = anOrderOf(2, LAPTOP).in(status);

            Optional<Decision> decision = SAGA.cancel(order);

            assertThat(decision).isEmpty();
            assertThat(order.status()).isEqualTo(status);
        }
    }

    @Nested
    class RepeatedAndLateReplies {

        @Test
        void aRepeatedValidationOfAnOrderAlreadyCheckingStockChangesNothing() {
            var draft = anOrderOf(2, LAPTOP);
            Order order = draft.in(INVENTORY_CHECK);

            Decision decision = SAGA.on(order, draft.validated());

            assertThat(decision.changesNothing()).isTrue();
            assertThat(order.status()).isEqualTo(INVENTORY_CHECK);
        }

        @Test
        void aRepeatedStockReservationOfAnOrderAlreadyShippingChangesNothing() {
            Order order = anOrderOf(2, LAPTOP).in(SHIPPING);

            Decision decision = SAGA.on(order, stockReserved());

            assertThat(decision.changesNothing()).isTrue();
            assertThat(order.status()).isEqualTo(SHIPPING);
        }

        @Test
        void aRepeatedReplyDeliveredTwiceInARowIsAppliedOnce() {
            var draft = anOrderOf(2, LAPTOP);
            Order order = draft.in(PAYMENT_PROCESSING);
            PaymentCharged charged = paymentCharged(draft.catalogTotal());
            SAGA.on(order, charged);

            Decision again = SAGA.on(order, charged);

            assertThat(again.changesNothing()).isTrue();
            assertThat(order.status()).isEqualTo(SHIPPING);
        }

        @Test
        void aLateFailureReplyForAStepAlreadyPassedDoesNotFailTheOrder() {
            Order order = anOrderOf(2, LAPTOP).in(SHIPPING);

            Decision decision = SAGA.on(order, cardDeclined());

            assertThat(decision.changesNothing()).isTrue();
            assertThat(order.status()).isEqualTo(SHIPPING);
            assertThat(order.failureReason()).isNull();
        }

        @Test
        void recordsTheReleaseOfStockWithoutDecidingAnything() {
            Order order = anOrderOf(2, LAPTOP).in(FAILED);
            StockReleased released = new StockReleased(ORDER_ID);

            Decision decision = SAGA.on(order, released);

            assertThat(decision.commands()).isEmpty();
            assertThat(decision.history()).containsExactly(new Recorded("stock_released", released));
            assertThat(order.status()).isEqualTo(FAILED);
        }

        @Test
        void recordsTheRefundOfAPaymentWithoutDecidingAnything() {
            Order order = anOrderOf(2, LAPTOP).in(CANCELLED);
            PaymentRefunded refunded = new PaymentRefunded(ORDER_ID, new BigDecimal("1999.98"), CURRENCY);

            Decision decision = SAGA.on(order, refunded);

            assertThat(decision.commands()).isEmpty();
            assertThat(decision.history()).containsExactly(new Recorded("payment_refunded", refunded));
            assertThat(order.status()).isEqualTo(CANCELLED);
        }

        @Test
        void recordsOnlyALateStockReservationOnACompletedOrder() {
            Order order = anOrderOf(2, LAPTOP).in(COMPLETED);

            Decision decision = SAGA.on(order, stockReserved());

            assertThat(decision.commands()).isEmpty();
            assertThat(history(decision)).containsExactly("stock_reserved");
            assertThat(order.status()).isEqualTo(COMPLETED);
        }

        @Test
        void recordsOnlyALatePaymentOnACompletedOrderAndNeverRefundsIt() {
            var draft = anOrderOf(2, LAPTOP);
            Order order = draft.in(COMPLETED);

            Decision decision = SAGA.on(order, paymentCharged(draft.catalogTotal()));

            assertThat(decision.commands()).isEmpty();
            assertThat(history(decision)).containsExactly("payment_charged");
            assertThat(order.status()).isEqualTo(COMPLETED);
            assertThat(order.trackingNumber()).isEqualTo(TRACKING_NUMBER);
        }

        @Test
        void recordsOnlyALateShipmentFailureOnACompletedOrder() {
            Order order = anOrderOf(2, LAPTOP).in(COMPLETED);

            Decision decision = SAGA.on(order, destinationNotServed());

            assertThat(decision.commands()).isEmpty();
            assertThat(history(decision)).containsExactly("shipment_failed");
            assertThat(order.status()).isEqualTo(COMPLETED);
            assertThat(order.failureReason()).isNull();
        }

        @Test
        void refusesAReplyItHasNoStepFor() {
            Order order = anOrderOf(2, LAPTOP).in(VALIDATING);

            assertThatIllegalArgumentException()
                    .isThrownBy(() -> SAGA.on(order, new CommitStock(ORDER_ID)))
                    .withMessageContaining("CommitStock");
        }
    }

    @Nested
    class HappyPath {

        @Test
        void takesAnOrderFromPendingToCompletedSendingEachCommandOnce() {
            var draft = anOrderOf(line(1, LAPTOP), line(2, MOUSE));
            Order order = draft.pending();

            List<Object> sent = new ArrayList<>(SAGA.start(order).commands());
            sent.addAll(SAGA.on(order, draft.validated()).commands());
            sent.addAll(SAGA.on(order, stockReserved()).commands());
            sent.addAll(SAGA.on(order, paymentCharged(draft.catalogTotal())).commands());
            sent.addAll(SAGA.on(order, shipmentCreated()).commands());

            assertThat(order.status()).isEqualTo(COMPLETED);
            assertThat(sent)
                    .extracting(Object::getClass)
                    .containsExactly(
                            ValidateOrder.class,
                            ReserveStock.class,
                            ChargePayment.class,
                            CreateShipment.class,
                            CommitStock.class);
            assertThat(((ChargePayment) sent.get(2)).amount()).isEqualByComparingTo("1059.97");
            assertThat(((ChargePayment) sent.get(2)).cardToken()).isEqualTo(CARD);
        }
    }

    @Nested
    class Deadlines {

        @Test
        void resendsTheCommandOfASilentStepBeforeGivingUp() {
            Order order = anOrderOf(2, LAPTOP).in(INVENTORY_CHECK);

            Decision decision = SAGA.onDeadline(order, false);

            assertThat(decision.commands()).singleElement().isInstanceOf(ReserveStock.class);
            assertThat(history(decision)).containsExactly("step_retried");
            assertThat(order.status()).isEqualTo(INVENTORY_CHECK);
        }

        @Test
        void givesUpOnASilentStepUndoingItAndEverythingBeforeItInReverse() {
            Order order = anOrderOf(2, LAPTOP).in(SHIPPING);

            Decision decision = SAGA.onDeadline(order, true);

            assertThat(order.status()).isEqualTo(OrderStatus.FAILED);
            assertThat(order.failureReason()).isEqualTo("step_timed_out");
            assertThat(decision.commands())
                    .extracting(c -> c.getClass().getSimpleName())
                    .containsExactly("CancelShipment", "RefundPayment", "ReleaseStock");
            assertThat(history(decision))
                    .containsExactly(
                            "step_timed_out",
                            "compensation_requested:cancel_shipment",
                            "compensation_requested:refund_payment",
                            "compensation_requested:release_stock",
                            "order_failed");
        }

        @Test
        void startsAnOrderThatNeverStarted() {
            Order order = anOrderOf(1, MOUSE).in(OrderStatus.PENDING);

            Decision decision = SAGA.onDeadline(order, false);

            assertThat(order.status()).isEqualTo(VALIDATING);
            assertThat(decision.commands()).singleElement().isInstanceOf(ValidateOrder.class);
        }

        @Test
        void cancelsAShipmentThatArrivesAfterTheOrderTimedOut() {
            Order order = anOrderOf(1, MOUSE).in(SHIPPING);
            SAGA.onDeadline(order, true);

            Decision decision = SAGA.on(order, shipmentCreated());

            assertThat(decision.commands()).singleElement().isInstanceOf(CancelShipment.class);
            assertThat(order.status()).isEqualTo(OrderStatus.FAILED);
        }

        @Test
        void leavesATerminalOrderAlone() {
            Order order = anOrderOf(1, MOUSE).in(OrderStatus.COMPLETED);

            assertThat(SAGA.onDeadline(order, true).changesNothing()).isTrue();
        }
    }

    @Test
    void describesItselfForTheStateDiagramWithTheCommandsEachMoveSends() {
        assertThat(SAGA.transitions())
                .contains(
                        new Saga.Transition(OrderStatus.PENDING, VALIDATING, "OrderPlaced", ValidateOrder.class),
                        new Saga.Transition(SHIPPING, OrderStatus.COMPLETED, "ShipmentCreated", CommitStock.class),
                        new Saga.Transition(
                                PAYMENT_PROCESSING, OrderStatus.FAILED, "PaymentDeclined", ReleaseStock.class),
                        new Saga.Transition(
                                SHIPPING,
                                OrderStatus.FAILED,
                                "deadline",
                                CancelShipment.class,
                                RefundPayment.class,
                                ReleaseStock.class),
                        new Saga.Transition(PAYMENT_PROCESSING, OrderStatus.CANCELLED, "cancel", ReleaseStock.class),
                        new Saga.Transition(VALIDATING, OrderStatus.FAILED, "OrderRejected"));
        assertThat(SAGA.transitions()).noneMatch(t -> t.from() == SHIPPING && t.to() == OrderStatus.CANCELLED);
    }

    @Test
    void declaresEachCompensationWithTheReplyThatConfirmsIt() {
        assertThat(SAGA.steps())
                .filteredOn(Saga.Step::compensable)
                .extracting(
                        Saga.Step::status,
                        s -> s.compensation().command(),
                        s -> s.compensation().confirmedBy())
                .containsExactly(
                        tuple(INVENTORY_CHECK, ReleaseStock.class, StockReleased.class),
                        tuple(PAYMENT_PROCESSING, RefundPayment.class, PaymentRefunded.class),
                        tuple(SHIPPING, CancelShipment.class, ShipmentCancelled.class));
    }

    /** A participant's closed set of replies, for the definition's own checks. */
    sealed interface Answer permits Yes, No {}

    record Yes() implements Answer {}

    record No() implements Answer {}

    record Ask() {}

    @Test
    void refusesAStepThatLeavesOneOfItsRepliesUnhandled() {
        assertThatIllegalStateException()
                .isThrownBy(() -> Saga.define()
                        .step(VALIDATING, Answer.class)
                        .invoke(Ask.class, o -> new Ask())
                        .onReply(Yes.class)
                        .whenCompleted(Ask.class, o -> new Ask()))
                .withMessageContaining("[No]");
    }

    @Test
    void refusesAStepWhoseRepliesAreNotAClosedSet() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> Saga.define().step(VALIDATING, Record.class))
                .withMessageContaining("not sealed");
    }

    @Test
    void refusesAReplyHandledTwice() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> Saga.define()
                        .step(VALIDATING, Answer.class)
                        .onReply(Yes.class)
                        .failOn(Yes.class, r -> new Failure("x", "y")))
                .withMessageContaining("twice");
    }

    @Test
    void listensToEveryReplyOfEveryStepAndToTheCompensationReplies() {
        assertThat(SAGA.replyTypes())
                .containsExactlyInAnyOrder(
                        OrderValidated.class,
                        OrderRejected.class,
                        StockReserved.class,
                        StockUnavailable.class,
                        PaymentCharged.class,
                        PaymentDeclined.class,
                        ShipmentCreated.class,
                        ShipmentFailed.class,
                        StockReleased.class,
                        PaymentRefunded.class,
                        ShipmentCancelled.class);
    }

    @Test
    void runsItsStepsInTheOrderStockBeforeMoney() {
        assertThat(SAGA.steps())
                .extracting(Saga.Step::status)
                .containsExactly(VALIDATING, INVENTORY_CHECK, PAYMENT_PROCESSING, SHIPPING);
    }

    /** The history as {@code type}, or {@code compensation_requested:<action>} for compensations. */
    private static List<String> history(Decision decision) {
        return decision.history().stream()
                .map(r -> r.type().equals("compensation_requested")
                        ? r.type() + ":" + ((Map<?, ?>) r.details()).get("action")
                        : r.type())
                .toList();
    }
}
