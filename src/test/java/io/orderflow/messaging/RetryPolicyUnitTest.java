package io.orderflow.messaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.time.Duration;
import java.util.LongSummaryStatistics;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The jitter is random, so these tests sample many draws. The bounds they check hold for every draw; the
 * checks that a ceiling is actually reached fail by chance with probability below 2^-1000.
 */
class RetryPolicyUnitTest {

    private static final int DRAWS = 2_000;

    private final RetryPolicy policy = new RetryPolicy(Duration.ofMillis(100), Duration.ofSeconds(10), 8);

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3, 4, 5, 6, 7, 8})
    void waitsBetweenZeroAndBaseTimesTwoToTheAttemptsBeforeTheCap(int attempts) {
        long ceiling = Math.min(10_000, 100L << (attempts - 1));

        LongSummaryStatistics waits = sample(policy, attempts);

        assertThat(waits.getMin()).isGreaterThanOrEqualTo(0);
        assertThat(waits.getMax()).isLessThanOrEqualTo(ceiling);
        // and the whole range is used: some draw lands in the upper half
        assertThat(waits.getMax()).isGreaterThan(ceiling / 2);
    }

    @Test
    void waitsLongerAsAttemptsGrow() {
        long previousMax = sample(policy, 1).getMax();
        for (int attempts = 2; attempts <= 7; attempts++) {
            long previousCeiling = 100L << (attempts - 2);
            long max = sample(policy, attempts).getMax();
            // beyond the previous ceiling, so the growth is the doubling and not chance
            assertThat(max)
                    .as("largest wait after %d attempts", attempts)
                    .isGreaterThan(previousMax)
                    .isGreaterThan(previousCeiling);
            previousMax = max;
        }
    }

    @Test
    void spreadsRetriesOutInsteadOfWaitingTheSameForEveryMessage() {
        long distinct = IntStream.range(0, 200)
                .mapToLong(i -> policy.backoffAfter(5).toMillis())
                .distinct()
                .count();

        assertThat(distinct).isGreaterThan(50);
    }

    @ParameterizedTest
    @ValueSource(ints = {8, 20, 31, 64, 1_000, Integer.MAX_VALUE})
    void neverWaitsLongerThanTheCap(int attempts) {
        LongSummaryStatistics waits = sample(policy, attempts);

        assertThat(waits.getMin()).isGreaterThanOrEqualTo(0);
        assertThat(waits.getMax()).isLessThanOrEqualTo(10_000).isGreaterThan(5_000);
    }

    @Test
    void treatsAFirstOrUncountedAttemptLikeTheFirst() {
        assertThat(sample(policy, 0).getMax()).isLessThanOrEqualTo(100);
    }

    @Test
    void allowsAttemptsUpToTheMaximumAndNoMore() {
        RetryPolicy threeTries = new RetryPolicy(Duration.ofMillis(100), Duration.ofSeconds(1), 3);

        assertThat(threeTries.allowsAnotherAttempt(0)).isTrue();
        assertThat(threeTries.allowsAnotherAttempt(1)).isTrue();
        assertThat(threeTries.allowsAnotherAttempt(2)).isTrue();
        assertThat(threeTries.allowsAnotherAttempt(3)).isFalse();
        assertThat(threeTries.allowsAnotherAttempt(4)).isFalse();
    }

    @Test
    void aSingleAttemptPolicyNeverRetries() {
        RetryPolicy once = new RetryPolicy(Duration.ofMillis(100), Duration.ofSeconds(1), 1);

        assertThat(once.allowsAnotherAttempt(0)).isTrue();
        assertThat(once.allowsAnotherAttempt(1)).isFalse();
    }

    @ParameterizedTest
    @ValueSource(ints = {0, -1, Integer.MIN_VALUE})
    void refusesAPolicyWithoutAnyAttempt(int maxAttempts) {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> new RetryPolicy(Duration.ofMillis(100), Duration.ofSeconds(1), maxAttempts))
                .withMessageContaining("maxAttempts");
    }

    private static LongSummaryStatistics sample(RetryPolicy policy, int attempts) {
        return IntStream.range(0, DRAWS)
                .mapToLong(i -> policy.backoffAfter(attempts).toMillis())
                .summaryStatistics();
    }
}
