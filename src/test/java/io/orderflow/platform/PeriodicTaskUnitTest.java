package io.orderflow.platform;

import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatNoException;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** A task's linger is checked when it is made: a negative setting stops the start-up instead of the task's thread. */
class PeriodicTaskUnitTest {

    static final class Idle extends PeriodicTask {
        Idle(Duration interval, Duration linger) {
            super("idle", interval, linger);
        }

        @Override
        protected boolean runOnce() {
            return false;
        }
    }

    @Test
    void refusesANegativeLinger() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> new Idle(Duration.ofSeconds(1), Duration.ofMillis(-1)))
                .withMessageContaining("idle: the linger must not be negative");
        assertThatNoException().isThrownBy(() -> new Idle(Duration.ofSeconds(1), Duration.ZERO));
    }
}
