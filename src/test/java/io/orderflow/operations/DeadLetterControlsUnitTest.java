package io.orderflow.operations;

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
        assertThatThrownBy(() -> new RedriveRateLimiter(0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("orderflow.dead-letters.redrive-rate");
    }

    @Test
    void auditsTheAuthenticatedClientAndThePersonItNames() {
        assertThat(DeadLetterController.operator("operator", null)).isEqualTo("operator");
        assertThat(DeadLetterController.operator("operator", "   ")).isEqualTo("operator");
        assertThat(DeadLetterController.operator("operator", " alice ")).isEqualTo("alice (client operator)");
        assertThat(DeadLetterController.operator(null, null)).isEqualTo("anonymous");
        assertThat(DeadLetterController.operator("operator", "mallory\r\nX-Injected: 1"))
                .isEqualTo("malloryX-Injected: 1 (client operator)");
        assertThat(DeadLetterController.operator("operator", "o".repeat(300))).startsWith("o".repeat(100) + " (");
    }
}
