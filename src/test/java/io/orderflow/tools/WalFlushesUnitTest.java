package io.orderflow.tools;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.Map;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

class WalFlushesUnitTest {

    @Test
    void givesTheMeanFlushAndTheWorstSecondBetweenTwoSamples() {
        WalFlushes flushes = WalFlushes.none();
        WalFlushes.Sample start = sample(flushes, 1_000, 500.0);
        // three seconds: 100 flushes of 1 ms each, 50 of 40 ms each (a disk that stalled), none
        WalFlushes.Sample first = new WalFlushes.Sample(1_100, 600.0, new Histogram(1));
        flushes.record(start, first);
        WalFlushes.Sample second = new WalFlushes.Sample(1_150, 2_600.0, new Histogram(1));
        flushes.record(first, second);
        flushes.record(second, new WalFlushes.Sample(1_150, 2_600.0, new Histogram(1)));
        WalFlushes.Sample end = sample(flushes, 1_150, 2_600.0);

        Map<String, Object> summary = WalFlushes.summary(start, end);

        assertThat(summary)
                .containsEntry("flushes", 150L)
                .containsEntry("mean", 14.0) // 2,100 ms over 150 flushes
                .containsEntry("interval_ms", 1_000L);
        assertThat((Double) summary.get("worst_interval_mean"))
                .as("the stalled second, within the recording's precision")
                .isCloseTo(40.0, within(0.05));
        assertThat(List.copyOf(summary.keySet()))
                .as("the mean before the worst second in results.json")
                .containsExactly("flushes", "mean", "worst_interval_mean", "interval_ms");
    }

    @Test
    void countsOnlyTheSecondsBetweenTheTwoSamples() {
        WalFlushes flushes = WalFlushes.none();
        flushes.record(
                new WalFlushes.Sample(0, 0, new Histogram(1)), new WalFlushes.Sample(10, 900.0, new Histogram(1)));
        WalFlushes.Sample start = sample(flushes, 10, 900.0);
        flushes.record(start, new WalFlushes.Sample(20, 920.0, new Histogram(1)));
        WalFlushes.Sample end = sample(flushes, 20, 920.0);

        assertThat(WalFlushes.summary(start, end))
                .as("the 90 ms second before the phase is not the phase's")
                .containsEntry("mean", 2.0)
                .hasEntrySatisfying(
                        "worst_interval_mean",
                        worst -> assertThat((Double) worst).isCloseTo(2.0, within(0.01)));
    }

    @Test
    void saysNothingWhenTheServerDoesNotTimeItsFlushes() {
        WalFlushes flushes = WalFlushes.none();

        assertThat(flushes.timed()).isFalse();
        assertThat(flushes.between(flushes.sample(), flushes.sample())).isNull();
        assertThat(Benchmark.walFlushCell(Map.of("cpu", Map.of()))).isEqualTo("not timed");
        assertThat(Benchmark.walFlushCell(
                        Map.of("cpu", Map.of("wal_flush_ms", Map.of("mean", 1.25, "worst_interval_mean", 48.0)))))
                .isEqualTo("1.3 / 48.0");
    }

    /** The counters given, with what {@code flushes} recorded so far. */
    private static WalFlushes.Sample sample(WalFlushes flushes, long count, double millis) {
        return new WalFlushes.Sample(count, millis, flushes.sample().intervalMeans());
    }
}
