package io.orderflow.messaging.deadletter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class DeadLetterControlsUnitTest {

    @Test
    void pacesCallersToTheConfiguredRate() {
        RedriveRateLimiter limiter = new RedriveRateLimiter(100); // one slot every 10 ms
        long start = System.nanoTime();
        for (int i = 0; i < 6; i++) {
            limiter.acquire();
        }
        // the first slot is immediate, the next five are 10 ms apart: at least 50 ms, however fast the machine
        assertThat((System.nanoTime() - start) / 1_000_000).isGreaterThanOrEqualTo(49);
    }

    @Test
    void refusesANonPositiveRate() {
        assertThatThrownBy(() -> new RedriveRateLimiter(0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("orderflow.dead-letters.redrive-rate");
    }

    @Test
    void namesTheOperatorFromTheHeaderOrAnonymous() {
        assertThat(DeadLetterController.operator(null)).isEqualTo("anonymous");
        assertThat(DeadLetterController.operator("   ")).isEqualTo("anonymous");
        assertThat(DeadLetterController.operator(" alice ")).isEqualTo("alice");
        assertThat(DeadLetterController.operator("mallory\r\nX-Injected: 1")).isEqualTo("malloryX-Injected: 1");
        assertThat(DeadLetterController.operator("o".repeat(300))).hasSize(100);
    }
}
