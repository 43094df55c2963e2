package io.orderflow.messaging;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.tracing.Tracer;
import io.micrometer.tracing.propagation.Propagator;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.support.StaticListableBeanFactory;

/** The kernel's decision on a failed delivery, which both transports only carry out. */
class DeliveryDecisionUnitTest {

    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final StaticListableBeanFactory none = new StaticListableBeanFactory();
    private final Dispatcher dispatcher = new Dispatcher(
            null,
            null,
            null,
            null,
            new RetryPolicy(Duration.ofMillis(100), Duration.ofSeconds(10), 3, 5),
            meters,
            new MessageTracing(none.getBeanProvider(Tracer.class), none.getBeanProvider(Propagator.class)),
            new Journal(null, false),
            Set.of(),
            Set.of(),
            new TransportFaults());
    private final Envelope envelope =
            new Envelope(UUID.randomUUID(), "CreateShipment", 1, "order-1", null, Instant.now(), "{}", Map.of());

    @Test
    void aFirstFailureIsRetriedAfterABackoffWithinTheFirstCeiling() {
        Dispatcher.Failed failed = dispatcher.failed("shipping", envelope, 0, null, new IllegalStateException("x"));

        assertThat(failed).isInstanceOf(Dispatcher.Failed.Retry.class);
        Dispatcher.Failed.Retry retry = (Dispatcher.Failed.Retry) failed;
        assertThat(retry.attempts()).isEqualTo(1);
        assertThat(retry.firstFailedAt()).isNotNull();
        assertThat(retry.backoff()).isBetween(Duration.ZERO, Duration.ofMillis(100));
        assertThat(meters.counter("orderflow.messages.retried", "module", "shipping", "type", "CreateShipment")
                        .count())
                .isEqualTo(1);
    }

    @Test
    void theFirstFailureTimeIsKeptAcrossAttempts() {
        Instant first = Instant.parse("2026-11-30T10:00:00Z");

        Dispatcher.Failed failed = dispatcher.failed("shipping", envelope, 1, first, new IllegalStateException("x"));

        assertThat(failed.attempts()).isEqualTo(2);
        assertThat(failed.firstFailedAt()).isEqualTo(first);
    }

    @Test
    void theLastAttemptOfTheBudgetIsParked() {
        Dispatcher.Failed failed =
                dispatcher.failed("shipping", envelope, 2, Instant.now(), new IllegalStateException("still failing"));

        assertThat(failed).isInstanceOf(Dispatcher.Failed.Park.class);
        assertThat(failed.attempts()).isEqualTo(3);
        assertThat(failed.error()).hasMessage("still failing");
    }

    @Test
    void anOutageGetsTheLargerBudget() {
        Dispatcher.Failed failed = dispatcher.failed(
                "payment", envelope, 2, Instant.now(), new DependencyUnavailableException("provider down"));

        assertThat(failed).isInstanceOf(Dispatcher.Failed.Retry.class);
        assertThat(dispatcher.failed(
                        "payment", envelope, 4, Instant.now(), new DependencyUnavailableException("provider down")))
                .isInstanceOf(Dispatcher.Failed.Park.class);
    }

    @Test
    void aPoisonMessageIsParkedAtOnce() {
        Dispatcher.Failed failed =
                dispatcher.failed("shipping", envelope, 0, null, new PoisonMessageException("unreadable"));

        assertThat(failed).isInstanceOf(Dispatcher.Failed.Park.class);
        assertThat(failed.attempts()).isEqualTo(1);
    }
}
