package io.orderflow.order;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class AdmissionLimitUnitTest {

    final AdmissionLimit policy = new AdmissionLimit(Duration.ofMillis(500), 8, 1000);

    @Test
    void shrinksByAQuarterWhenFinishedOrdersTookLongerThanTheTarget() {
        assertThat(policy.next(100, 90, Duration.ofMillis(900))).isEqualTo(75);
    }

    @Test
    void neverShrinksBelowTheMinimum() {
        assertThat(policy.next(9, 9, Duration.ofSeconds(5))).isEqualTo(8);
    }

    @Test
    void growsSlowlyWhileOrdersFinishInTimeAndTheLimitIsInUse() {
        assertThat(policy.next(100, 60, Duration.ofMillis(120))).isEqualTo(105);
        assertThat(policy.next(10, 6, Duration.ofMillis(120))).isEqualTo(11);
        assertThat(policy.next(999, 999, Duration.ofMillis(120))).isEqualTo(1000);
    }

    @Test
    void doesNotGrowALimitNobodyUses() {
        assertThat(policy.next(100, 10, Duration.ofMillis(120))).isEqualTo(100);
    }

    @Test
    void keepsTheLimitWhenNoOrderFinishedToJudgeBy() {
        assertThat(policy.next(100, 100, null)).isEqualTo(100);
    }

    @Test
    void refusesABoundThatCannotHold() {
        assertThatIllegalArgumentException().isThrownBy(() -> new AdmissionLimit(Duration.ofMillis(1), 0, 10));
        assertThatIllegalArgumentException().isThrownBy(() -> new AdmissionLimit(Duration.ofMillis(1), 10, 5));
    }
}
