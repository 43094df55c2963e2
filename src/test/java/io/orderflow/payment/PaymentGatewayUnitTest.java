package io.orderflow.payment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.orderflow.messaging.DependencyUnavailableException;
import io.orderflow.messaging.RetryPolicy;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The circuit breaker around the simulated provider, on a clock the test moves (no waiting). */
class PaymentGatewayUnitTest {

    final MovableClock clock = new MovableClock();
    final CountingProvider provider = new CountingProvider();
    final CircuitBreaker breaker = CircuitBreaker.of(
            "payment-provider",
            CircuitBreakerConfig.custom()
                    .slidingWindowType(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
                    .slidingWindowSize(10)
                    .minimumNumberOfCalls(4)
                    .failureRateThreshold(50)
                    .waitDurationInOpenState(Duration.ofSeconds(10))
                    .permittedNumberOfCallsInHalfOpenState(2)
                    .clock(clock)
                    .build());
    final PaymentGateway gateway = new PaymentGateway(provider, breaker);

    @Test
    void passesAnswersThroughAndCountsADeclineAsAnAnswerNotAFailure() {
        assertThat(gateway.charge("tok_visa", "o-1")).isInstanceOf(PaymentProvider.Approved.class);
        for (int i = 0; i < 5; i++) {
            assertThat(gateway.charge(PaymentProvider.DECLINED_CARD, "o-2"))
                    .isInstanceOf(PaymentProvider.Declined.class);
        }

        assertThat(gateway.state()).isEqualTo(CircuitBreaker.State.CLOSED);
    }

    @Test
    void opensAfterTheProviderKeepsFailingThenFailsFastWithoutCallingIt() {
        provider.setDown(true);
        for (int i = 0; i < 4; i++) {
            assertThatThrownBy(() -> gateway.charge("tok_visa", "o-1"))
                    .isInstanceOf(DependencyUnavailableException.class);
        }
        assertThat(gateway.state()).isEqualTo(CircuitBreaker.State.OPEN);
        int calls = provider.calls.get();

        assertThatThrownBy(() -> gateway.charge("tok_visa", "o-1"))
                .isInstanceOf(DependencyUnavailableException.class)
                .hasCauseInstanceOf(CallNotPermittedException.class)
                .hasMessageContaining("open");
        assertThatThrownBy(() -> gateway.refund("ch_1")).isInstanceOf(DependencyUnavailableException.class);
        assertThat(provider.calls.get())
                .as("calls reaching the provider while open")
                .isEqualTo(calls);
    }

    @Test
    void anOpenBreakerIsAnOutageForTheRetryPolicyNotAReasonToPark() {
        provider.setDown(true);
        RetryPolicy policy = new RetryPolicy(Duration.ofMillis(200), Duration.ofSeconds(30), 8, 240);
        Throwable failure = null;
        for (int i = 0; i < 5; i++) {
            try {
                gateway.charge("tok_visa", "o-1");
            } catch (RuntimeException e) {
                failure = e;
            }
        }

        assertThat(gateway.state()).isEqualTo(CircuitBreaker.State.OPEN);
        assertThat(policy.allowsAnotherAttempt(8, failure)).isTrue();
        assertThat(policy.allowsAnotherAttempt(239, failure)).isTrue();
        assertThat(policy.allowsAnotherAttempt(240, failure)).isFalse();
        assertThat(policy.allowsAnotherAttempt(8, new IllegalStateException("bug")))
                .isFalse();
    }

    @Test
    void halfOpenProbesCloseTheBreakerOnceTheProviderIsBack() {
        provider.setDown(true);
        for (int i = 0; i < 4; i++) {
            assertThatThrownBy(() -> gateway.charge("tok_visa", "o-1"))
                    .isInstanceOf(DependencyUnavailableException.class);
        }
        provider.setDown(false);

        clock.advance(Duration.ofSeconds(9));
        assertThatThrownBy(() -> gateway.charge("tok_visa", "o-1")).hasCauseInstanceOf(CallNotPermittedException.class);

        clock.advance(Duration.ofSeconds(2));
        assertThat(gateway.charge("tok_visa", "o-1")).isInstanceOf(PaymentProvider.Approved.class);
        assertThat(gateway.state()).isEqualTo(CircuitBreaker.State.HALF_OPEN);
        assertThat(gateway.charge("tok_visa", "o-1")).isInstanceOf(PaymentProvider.Approved.class);
        assertThat(gateway.state()).isEqualTo(CircuitBreaker.State.CLOSED);
    }

    @Test
    void aFailedProbeOpensTheBreakerAgain() {
        provider.setDown(true);
        for (int i = 0; i < 4; i++) {
            assertThatThrownBy(() -> gateway.charge("tok_visa", "o-1"))
                    .isInstanceOf(DependencyUnavailableException.class);
        }
        clock.advance(Duration.ofSeconds(11));

        assertThatThrownBy(() -> gateway.charge("tok_visa", "o-1")).isInstanceOf(PaymentProvider.Unavailable.class);
        assertThatThrownBy(() -> gateway.charge("tok_visa", "o-1")).isInstanceOf(PaymentProvider.Unavailable.class);

        assertThat(gateway.state()).isEqualTo(CircuitBreaker.State.OPEN);
    }

    static final class CountingProvider extends PaymentProvider {

        final AtomicInteger calls = new AtomicInteger();

        CountingProvider() {
            super(Duration.ZERO, Duration.ZERO, 0, false);
        }

        @Override
        Outcome charge(String cardToken, String orderId) {
            calls.incrementAndGet();
            return super.charge(cardToken, orderId);
        }

        @Override
        void refund(String reference) {
            calls.incrementAndGet();
            super.refund(reference);
        }
    }

    static final class MovableClock extends Clock {

        private Instant now = Instant.parse("2026-01-01T00:00:00Z");

        void advance(Duration duration) {
            now = now.plus(duration);
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }
    }
}
