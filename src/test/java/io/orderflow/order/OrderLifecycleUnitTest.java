package io.orderflow.order;

import static io.orderflow.order.OrderFixtures.LAPTOP;
import static io.orderflow.order.OrderFixtures.anOrderOf;
import static io.orderflow.order.OrderStatus.CANCELLED;
import static io.orderflow.order.OrderStatus.COMPLETED;
import static io.orderflow.order.OrderStatus.FAILED;
import static io.orderflow.order.OrderStatus.INVENTORY_CHECK;
import static io.orderflow.order.OrderStatus.PAYMENT_PROCESSING;
import static io.orderflow.order.OrderStatus.PENDING;
import static io.orderflow.order.OrderStatus.SHIPPING;
import static io.orderflow.order.OrderStatus.VALIDATING;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

import java.util.Arrays;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * The order guards its own lifecycle: it moves forward through fulfilment one way, ends in exactly one final
 * state, and refuses any other move, whatever asks for it, leaving itself as it was.
 */
class OrderLifecycleUnitTest {

    @Test
    void goesForwardThroughFulfilmentAndCompletes() {
        Order order = anOrderOf(1, LAPTOP).pending();

        for (OrderStatus step : new OrderStatus[] {VALIDATING, INVENTORY_CHECK, PAYMENT_PROCESSING, SHIPPING}) {
            order.advanceTo(step);
            assertThat(order.status()).isEqualTo(step);
        }
        order.complete();

        assertThat(order.status()).isEqualTo(COMPLETED);
    }

    @Test
    void neverGoesBackNorEntersAStepTwice() {
        refused(PAYMENT_PROCESSING, order -> order.advanceTo(INVENTORY_CHECK));
        refused(PAYMENT_PROCESSING, order -> order.advanceTo(PAYMENT_PROCESSING));
        refused(VALIDATING, order -> order.advanceTo(PENDING));
    }

    @Test
    void reachesAFinalStateOnlyThroughItsOwnMove() {
        for (OrderStatus last : new OrderStatus[] {COMPLETED, FAILED, CANCELLED}) {
            refused(SHIPPING, order -> order.advanceTo(last));
        }
    }

    @Test
    void completesOnlyOnceFulfilmentStarted() {
        refused(PENDING, Order::complete);
    }

    @Test
    void isCancelledOnlyBeforeTheShipmentIsRequested() {
        for (OrderStatus status : new OrderStatus[] {PENDING, VALIDATING, INVENTORY_CHECK, PAYMENT_PROCESSING}) {
            Order order = anOrderOf(1, LAPTOP).in(status);
            order.cancel();
            assertThat(order.status()).isEqualTo(CANCELLED);
        }
        refused(SHIPPING, Order::cancel);
    }

    @Test
    void failsFromAnyStateThatIsNotFinal() {
        Arrays.stream(OrderStatus.values()).filter(s -> !s.isTerminal()).forEach(status -> {
            Order order = anOrderOf(1, LAPTOP).in(status);
            order.fail("step_timed_out", "No answer in time");
            assertThat(order.status()).isEqualTo(FAILED);
            assertThat(order.failureReason()).isEqualTo("step_timed_out");
        });
    }

    @Test
    void aFinalStateIsFinal() {
        for (OrderStatus last : new OrderStatus[] {COMPLETED, FAILED, CANCELLED}) {
            refused(last, order -> order.advanceTo(SHIPPING));
            refused(last, Order::complete);
            refused(last, Order::cancel);
            refused(last, order -> order.fail("late", "too late"));
        }
    }

    /** {@code move} on an order in {@code from} is refused, and the order is left exactly as it was. */
    private static void refused(OrderStatus from, Consumer<Order> move) {
        Order order = anOrderOf(1, LAPTOP).in(from);
        String reasonBefore = order.failureReason();

        assertThatIllegalStateException()
                .isThrownBy(() -> move.accept(order))
                .withMessageContaining("cannot move from " + from.wireName());
        assertThat(order.status()).isEqualTo(from);
        assertThat(order.failureReason()).isEqualTo(reasonBefore);
    }
}
