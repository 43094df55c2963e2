package io.orderflow.operations;

import static org.assertj.core.api.Assertions.assertThat;

import io.orderflow.operations.Timeline.DeadLetter;
import io.orderflow.operations.Timeline.Entry;
import io.orderflow.operations.Timeline.Event;
import io.orderflow.operations.Timeline.Hop;
import io.orderflow.operations.Timeline.JournalRow;
import io.orderflow.operations.Timeline.Notification;
import io.orderflow.operations.Timeline.View;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.assertj.core.groups.Tuple;
import org.junit.jupiter.api.Test;

/** The timeline's assembly: causal order even when clocks disagree, the hops, the slowest one and the summary. */
class TimelineUnitTest {

    static final Instant T0 = Instant.parse("2026-01-05T10:00:00Z");
    static final Set<String> COMPENSATIONS = Set.of("ReleaseStock", "RefundPayment", "CancelShipment");

    final List<JournalRow> journal = new ArrayList<>();
    long ids;

    static Instant at(double millis) {
        return T0.plusNanos((long) (millis * 1_000_000));
    }

    UUID sent(double millis, String module, String type, UUID causation) {
        UUID id = UUID.randomUUID();
        journal.add(new JournalRow(
                ++ids, at(millis), module, module + "-1", "sent", id, causation, type, null, null, null, null, null));
        return id;
    }

    void delivered(
            String kind,
            double millis,
            String module,
            UUID message,
            String type,
            int attempt,
            double queue,
            Double handler,
            String detail) {
        journal.add(new JournalRow(
                ++ids,
                at(millis),
                module,
                module + "-1",
                kind,
                message,
                null,
                type,
                attempt,
                BigDecimal.valueOf(queue),
                handler == null ? null : BigDecimal.valueOf(handler),
                null,
                detail));
    }

    void applied(double millis, String module, UUID message, String type, double queue, double handler) {
        delivered("applied", millis, module, message, type, 1, queue, handler, null);
    }

    static Event event(int sequence, String type, String status, double millis) {
        return new Event(sequence, type, status, at(millis), null);
    }

    View assemble(String status, List<Event> events, List<Notification> notifications, List<DeadLetter> letters) {
        return Timeline.assemble(
                new Timeline.Order("o-1", status, T0),
                journal,
                events,
                notifications,
                letters,
                COMPENSATIONS,
                List.of("orders.journal"),
                List.of(),
                false);
    }

    @Test
    void ordersADeclinedCardsSagaCausallyWithHopsCompensationsAndASummary() {
        UUID reserve = sent(1, "order", "ReserveStock", null);
        applied(3, "inventory", reserve, "ReserveStock", 2, 1.5);
        UUID reserved = sent(4, "inventory", "StockReserved", reserve);
        applied(6, "order", reserved, "StockReserved", 2, 1);
        UUID charge = sent(7, "order", "ChargePayment", reserved);
        applied(10, "payment", charge, "ChargePayment", 3, 40); // the slowest: 43 ms
        UUID declined = sent(51, "payment", "PaymentDeclined", charge);
        applied(52, "order", declined, "PaymentDeclined", 1, 1);
        UUID release = sent(53, "order", "ReleaseStock", declined);
        applied(55, "inventory", release, "ReleaseStock", 2, 1);
        UUID released = sent(57, "inventory", "StockReleased", release);
        applied(58, "order", released, "StockReleased", 1, 1);
        List<Event> events = List.of(
                event(1, "order_placed", "pending", 0),
                event(2, "fulfilment_started", "validating", 0),
                event(3, "stock_reserved", "payment_processing", 6.5),
                event(4, "payment_declined", "failed", 52.5),
                event(5, "compensation_requested", "failed", 52.5),
                event(6, "order_failed", "failed", 52.5),
                event(7, "stock_released", "failed", 58.5));
        List<Notification> kept =
                List.of(new Notification(1, "order_failed", "Your order failed", "sent", at(60), at(61)));

        View view = assemble("failed", events, kept, List.of());

        assertThat(view.entries().get(0).kind()).isEqualTo("request");
        assertThat(view.entries().get(0).type()).isEqualTo("order_placed");
        assertThat(view.entries()).extracting(Entry::index).isSorted();
        assertThat(view.entries()).extracting(Entry::at).isSorted();
        assertThat(view.hops())
                .extracting(Hop::type, Hop::receiver, Hop::outcome)
                .containsExactly(
                        tuple("ReserveStock", "inventory"),
                        tuple("StockReserved", "order"),
                        tuple("ChargePayment", "payment"),
                        tuple("PaymentDeclined", "order"),
                        tuple("ReleaseStock", "inventory"),
                        tuple("StockReleased", "order"));
        assertThat(view.hops())
                .filteredOn(Hop::compensation)
                .extracting(Hop::type)
                .containsExactly("ReleaseStock");
        Hop charged = view.hops().get(2);
        assertThat(charged.slowest()).isTrue();
        assertThat(charged.sender()).isEqualTo("order");
        assertThat(charged.startOffsetMs()).isEqualByComparingTo("7");
        assertThat(charged.endOffsetMs()).isEqualByComparingTo("50");
        assertThat(view.hops()).filteredOn(Hop::slowest).hasSize(1);
        assertThat(view.summary().slowestHop()).satisfies(s -> {
            assertThat(s.type()).isEqualTo("ChargePayment");
            assertThat(s.receiver()).isEqualTo("payment");
            assertThat(s.totalMs()).isEqualByComparingTo("43");
        });
        assertThat(view.summary().terminal()).isTrue();
        assertThat(view.summary().totalMs()).isEqualByComparingTo("52.5");
        assertThat(view.summary().messages()).isEqualTo(6);
        assertThat(view.summary().compensations()).isEqualTo(1);
        assertThat(view.summary().retries()).isZero();
        assertThat(view.summary().notifications()).isEqualTo(1);
        assertThat(view.summary().events()).isEqualTo(7);
        assertThat(view.entries())
                .filteredOn(e -> e.kind().equals("notification"))
                .singleElement()
                .satisfies(n -> {
                    assertThat(n.status()).isEqualTo("sent");
                    assertThat(n.emailSentAt()).isEqualTo(at(61));
                });
    }

    @Test
    void putsCausesFirstWhenTheClocksOfTwoProcessesDisagree() {
        UUID charge = sent(10, "order", "ChargePayment", null);
        // the payment process's clock is 5 ms behind the order process's: by time alone, its handling comes first
        applied(6, "payment", charge, "ChargePayment", 0, 1);
        UUID charged = sent(7.5, "payment", "PaymentCharged", charge);
        applied(12, "order", charged, "PaymentCharged", 4.5, 1);

        View view =
                assemble("payment_processing", List.of(event(1, "order_placed", "pending", 0)), List.of(), List.of());

        assertThat(view.entries())
                .extracting(e -> e.kind() + " " + e.type() + (e.module() == null ? "" : " @" + e.module()))
                .containsExactly(
                        "request order_placed @order",
                        "sent ChargePayment @order",
                        "applied ChargePayment @payment",
                        "sent PaymentCharged @payment",
                        "applied PaymentCharged @order");
        assertThat(view.summary().terminal()).isFalse();
        assertThat(view.summary().totalMs()).isNull();
    }

    @Test
    void showsRetriesDeadLettersAndARedriveOnTheHopTheyHappenedTo() {
        UUID ship = sent(1, "order", "CreateShipment", null);
        delivered("retried", 5, "shipping", ship, "CreateShipment", 1, 4, 2.0, "carrier timeout");
        delivered("parked", 20, "shipping", ship, "CreateShipment", 2, 19, null, "carrier timeout");
        delivered("redriven", 30, "shipping", ship, "CreateShipment", 0, 0, null, "ops: carrier back");
        applied(31, "shipping", ship, "CreateShipment", 30, 2);
        DeadLetter letter = new DeadLetter(
                "shipping",
                7,
                ship,
                "CreateShipment",
                "redriven",
                "carrier timeout",
                2,
                at(5),
                at(20),
                at(30),
                List.of(new Timeline.DeadLetterAction("redrive", "ops", null, at(30))));

        View view = assemble("shipping", List.of(event(1, "order_placed", "pending", 0)), List.of(), List.of(letter));

        assertThat(view.hops()).singleElement().satisfies(hop -> {
            assertThat(hop.outcome()).isEqualTo("applied");
            assertThat(hop.retries()).isEqualTo(1);
            assertThat(hop.deadLettered()).isTrue();
            assertThat(hop.deadLetterId()).isEqualTo(7L);
            assertThat(hop.failures()).extracting(Timeline.Failure::kind).containsExactly("retried", "parked");
            assertThat(hop.queueMs()).isEqualByComparingTo("30");
            assertThat(hop.totalMs()).isEqualByComparingTo("32");
        });
        assertThat(view.summary().retries()).isEqualTo(1);
        assertThat(view.summary().deadLetters()).isEqualTo(1);
        assertThat(view.summary().redriven()).isEqualTo(1);
        assertThat(view.deadLetters())
                .singleElement()
                .satisfies(d -> assertThat(d.actions()).hasSize(1));
    }

    @Test
    void aMessageSentButNotYetDeliveredIsAHopInFlight() {
        sent(1, "order", "ReserveStock", null);

        View view = assemble("inventory_check", List.of(event(1, "order_placed", "pending", 0)), List.of(), List.of());

        assertThat(view.hops()).singleElement().satisfies(hop -> {
            assertThat(hop.outcome()).isEqualTo("in_flight");
            assertThat(hop.receiver()).isNull();
            assertThat(hop.slowest()).isFalse();
        });
        assertThat(view.summary().slowestHop()).isNull();
    }

    static Tuple tuple(String type, String receiver) {
        return Tuple.tuple(type, receiver, "applied");
    }
}
