package io.orderflow.shipping;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.orderflow.platform.ModuleDatabase;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.json.JsonMapper;

/**
 * Shipping's rules that live in SQL, on the real PostgreSQL: one shipment per order, booked with the carrier
 * once, and a cancel that overtakes the request fences it off.
 */
class ShippingRulesIntegrationTest {

    @RegisterExtension
    static final ModuleDatabase db = ModuleDatabase.of("shipping");

    static final ShippingAddress BERLIN = new ShippingAddress("Ada", "Main St 1", "Berlin", "10115", "DE");
    static final ShippingAddress NOWHERE = new ShippingAddress("Ada", "Main St 1", "Nowhere", "0", "ZZ");

    final CountingCarrier carrier = new CountingCarrier();
    final Shipments shipments =
            new Shipments(db.jdbc(), carrier, JsonMapper.builder().build());

    @Nested
    class Booking {

        @Test
        void booksTheShipmentWithATrackingNumber() {
            String order = order();

            Object reply = create(order, BERLIN);

            assertThat(reply).isInstanceOfSatisfying(ShipmentCreated.class, created -> {
                assertThat(created.trackingNumber()).startsWith("TRK");
                assertThat(created.carrier()).isEqualTo("orderflow-express");
            });
            assertThat(shipment(order)).isEqualTo("created DE");
        }

        @Test
        void recordsTheCarriersRefusalOfADestinationItDoesNotServe() {
            String order = order();

            assertThat(create(order, NOWHERE))
                    .isEqualTo(new ShipmentFailed(order, "carrier_rejected: destination ZZ is not served"));
            assertThat(shipment(order)).isEqualTo("failed ZZ");
        }

        @Test
        void recordsNothingWhileTheCarrierIsUnavailableSoTheRetryBooks() {
            String order = order();
            carrier.failFirstBookingsOfEachOrder(1);

            assertThatThrownBy(() -> create(order, BERLIN)).isInstanceOf(Carrier.Unavailable.class);
            assertThat(shipment(order)).isNull();

            assertThat(create(order, BERLIN)).isInstanceOf(ShipmentCreated.class);
        }
    }

    @Nested
    class DuplicateCommands {

        @Test
        void aRepeatedRequestBooksNothingMoreAndAnswersTheSameTrackingNumber() {
            String order = order();
            Object first = create(order, BERLIN);

            assertThat(create(order, BERLIN)).isEqualTo(first);
            assertThat(carrier.bookings).hasValue(1);
        }

        @Test
        void aRepeatedRequestForAnUnservedDestinationAnswersTheSameFailureWithoutAskingAgain() {
            String order = order();
            Object first = create(order, NOWHERE);

            assertThat(create(order, NOWHERE)).isEqualTo(first);
            assertThat(carrier.bookings).hasValue(1);
        }
    }

    @Nested
    class Compensation {

        @Test
        void aCancelCancelsTheBookedShipmentAndARepeatedRequestFailsAsCancelled() {
            String order = order();
            create(order, BERLIN);

            assertThat(cancel(order)).isEqualTo(new ShipmentCancelled(order));
            assertThat(shipment(order)).isEqualTo("cancelled DE");
            assertThat(create(order, BERLIN)).isEqualTo(new ShipmentFailed(order, "shipment_cancelled"));
        }

        @Test
        void aSecondCancelIsANoOpThatAnswersCancelledAgain() {
            String order = order();
            create(order, BERLIN);
            cancel(order);

            assertThat(cancel(order)).isEqualTo(new ShipmentCancelled(order));
            assertThat(shipment(order)).isEqualTo("cancelled DE");
        }

        @Test
        void aCancelBeforeTheRequestFencesItOffWithoutAskingTheCarrier() {
            String order = order();

            assertThat(cancel(order)).isEqualTo(new ShipmentCancelled(order));
            Object late = create(order, BERLIN);

            assertThat(late).isEqualTo(new ShipmentFailed(order, "shipment_cancelled"));
            assertThat(carrier.bookings).hasValue(0);
            assertThat(db.jdbc()
                            .sql("select count(*) from shipping.shipment where order_id = ?")
                            .param(order)
                            .query(Integer.class)
                            .single())
                    .isEqualTo(1);
        }

        @Test
        void aCancelOfARefusedShipmentKeepsTheRefusal() {
            String order = order();
            create(order, NOWHERE);

            assertThat(cancel(order)).isEqualTo(new ShipmentCancelled(order));
            assertThat(shipment(order)).isEqualTo("failed ZZ");
        }
    }

    @Test
    void storesEveryStateTheSchemaAllows() {
        for (ShipmentState state : ShipmentState.values()) {
            String order = order();
            db.jdbc()
                    .sql("insert into shipping.shipment (order_id, status) values (?, ?)")
                    .params(order, state.dbName())
                    .update();
            assertThat(shipment(order)).startsWith(state.dbName());
        }
    }

    private Object create(String order, ShippingAddress address) {
        return db.inTransaction(() ->
                shipments.create(new CreateShipment(order, address, List.of(new CreateShipment.Item("PROD-001", 1)))));
    }

    private ShipmentCancelled cancel(String order) {
        return db.inTransaction(() -> shipments.cancel(new CancelShipment(order)));
    }

    private static String order() {
        return "order-" + UUID.randomUUID();
    }

    /** The order's shipment row, or null: state and destination country. */
    private static String shipment(String order) {
        return db.jdbc()
                .sql("select status || ' ' || coalesce(country, '-') from shipping.shipment where order_id = ?")
                .param(order)
                .query(String.class)
                .optional()
                .orElse(null);
    }

    /** The simulated carrier, counting the shipments it booked or refused. */
    static final class CountingCarrier extends Carrier {

        final AtomicInteger bookings = new AtomicInteger();

        CountingCarrier() {
            super(Duration.ZERO, 0);
        }

        @Override
        Optional<String> book(String orderId, ShippingAddress address) {
            Optional<String> tracking = super.book(orderId, address);
            bookings.incrementAndGet();
            return tracking;
        }
    }
}
