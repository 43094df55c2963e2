package io.orderflow.messaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

/** The pure parts of the runtime chaos faults: the seeded hold-back, the switches, the parameters, the poison. */
class ChaosFaultsUnitTest {

    record ReserveSomething(String orderId, int quantity) {}

    @Test
    void theSameSeedHoldsBackTheSameSequence() {
        List<Duration> a = draws(new TransportFaults.HoldBack(0.3, Duration.ofSeconds(2), 42), 1000);
        List<Duration> b = draws(new TransportFaults.HoldBack(0.3, Duration.ofSeconds(2), 42), 1000);
        List<Duration> other = draws(new TransportFaults.HoldBack(0.3, Duration.ofSeconds(2), 43), 1000);

        assertThat(a).isEqualTo(b).isNotEqualTo(other);
        long held = a.stream().filter(d -> !d.isZero()).count();
        assertThat(held).isBetween(230L, 370L);
        assertThat(a).allSatisfy(d -> assertThat(d).isBetween(Duration.ZERO, Duration.ofSeconds(2)));
        assertThat(a.stream().filter(d -> !d.isZero()).distinct().count()).isGreaterThan(100);
    }

    @Test
    void holdsBackNothingOrEverythingAtTheEnds() {
        assertThat(draws(new TransportFaults.HoldBack(0, Duration.ofSeconds(2), 1), 200))
                .containsOnly(Duration.ZERO);
        assertThat(draws(new TransportFaults.HoldBack(1, Duration.ofMillis(5), 1), 200))
                .allSatisfy(d -> assertThat(d).isBetween(Duration.ofMillis(1), Duration.ofMillis(5)));
        assertThatThrownBy(() -> new TransportFaults.HoldBack(1.5, Duration.ofSeconds(1), 1))
                .hasMessageContaining("fraction");
        assertThatThrownBy(() -> new TransportFaults.HoldBack(0.5, Duration.ZERO, 1))
                .hasMessageContaining("max_delay");
    }

    @Test
    void theTransportFaultsAreOffUntilSwitchedOnAndCountWhatTheyDid() {
        TransportFaults faults = new TransportFaults();
        assertThat(faults.duplicating()).isFalse();
        assertThat(IntStream.range(0, 100).mapToObj(i -> faults.holdBack())).containsOnly(Duration.ZERO);

        ReorderedDeliveryFault reorder = new ReorderedDeliveryFault(faults, transportNamed("postgres"));
        Map<String, Object> on = reorder.inject(Map.of("fraction", "1", "max_delay_ms", "10", "seed", "7"));
        assertThat(on)
                .containsEntry("fraction", 1.0)
                .containsEntry("max_delay_ms", 10L)
                .containsEntry("seed", 7L);
        assertThat(reorder.active()).isTrue();
        IntStream.range(0, 5).forEach(i -> assertThat(faults.holdBack()).isPositive());
        reorder.heal();
        assertThat(reorder.active()).isFalse();
        assertThat(faults.holdBack()).isZero();
        assertThat(reorder.details()).containsEntry("held_back", 5L);

        DuplicateDeliveryFault duplicate = new DuplicateDeliveryFault(faults);
        List<String> redelivered = new ArrayList<>();
        faults.redeliverThrough((module, envelope) -> redelivered.add(module + ":" + envelope.type()));
        duplicate.inject(Map.of());
        assertThat(faults.duplicating()).isTrue();
        faults.duplicate(
                "shipping",
                new Envelope(UUID.randomUUID(), "CreateShipment", 1, null, null, Instant.now(), "{}", Map.of()));
        assertThat(redelivered).containsExactly("shipping:CreateShipment");
        duplicate.heal();
        assertThat(faults.duplicating()).isFalse();
        assertThat(duplicate.details()).containsEntry("duplicated", 1L);
        duplicate.inject(Map.of());
        assertThat(duplicate.details()).containsEntry("duplicated", 0L);
    }

    @Test
    void refusesParametersItDoesNotKnowAndTransportsWithoutTheHook() {
        TransportFaults faults = new TransportFaults();
        assertThatThrownBy(() -> new DuplicateDeliveryFault(faults).inject(Map.of("rate", "1")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("unknown parameter(s) [rate]");
        ReorderedDeliveryFault reorder = new ReorderedDeliveryFault(faults, transportNamed("postgres"));
        assertThatThrownBy(() -> reorder.inject(Map.of("max_delay_ms", "soon")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("max_delay_ms must be an integer");
        assertThatThrownBy(() -> reorder.inject(Map.of("max_delay_ms", "0"))).hasMessageContaining("1..60000");
        assertThatThrownBy(
                        () -> new ReorderedDeliveryFault(faults, transportNamed("without-hold-back")).inject(Map.of()))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("PostgreSQL queue, RabbitMQ and Redis Streams transports only");
        assertThat(reorder.active()).isFalse();
    }

    @Test
    void poisonIsAnUnknownTypeOrAHandledTypeWhosePayloadDoesNotRead() {
        MessageHandlers inventory = MessageHandlers.forModule("inventory")
                .on(ReserveSomething.class, (message, context) -> {})
                .build();
        PoisonMessagesFault poison = new PoisonMessagesFault(
                List.of(inventory),
                transportNamed("postgres"),
                null,
                JsonMapper.builder().build());

        Envelope unknown = poison.poison(inventory, 0);
        Envelope unreadable = poison.poison(inventory, 1);

        assertThat(unknown.type()).isEqualTo(PoisonMessagesFault.UNKNOWN_TYPE);
        assertThat(inventory.handlerFor(unknown.type())).isNull();
        assertThat(unreadable.type()).isEqualTo("ReserveSomething");
        assertThat(unreadable.payload()).isEqualTo(PoisonMessagesFault.UNREADABLE_PAYLOAD);
        assertThat(Set.of(
                        unknown.messageId(),
                        unreadable.messageId(),
                        poison.poison(inventory, 2).messageId()))
                .hasSize(3);
        assertThatThrownBy(() -> poison.inject(Map.of("module", "payment", "count", "2")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("[inventory]");
        assertThatThrownBy(() -> poison.inject(Map.of("module", "inventory", "count", "0")))
                .hasMessageContaining("count must be 1..100");
    }

    private static List<Duration> draws(TransportFaults.HoldBack holdBack, int n) {
        List<Duration> all = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            all.add(holdBack.next());
        }
        return all;
    }

    private static Transport transportNamed(String name) {
        return new IdleTransport(name) {
            @Override
            public boolean holdsBack() {
                return !name.equals("without-hold-back");
            }
        };
    }
}
