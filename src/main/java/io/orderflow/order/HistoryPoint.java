package io.orderflow.order;

import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * A point in an order's history, to see the order as it was then: after the event with a given sequence
 * ({@code at_sequence}), or after the last event that happened at or before an instant ({@code as_of}). Exactly one
 * of the two is set.
 */
public record HistoryPoint(
        @Nullable Integer sequence, @Nullable Instant instant) {

    public HistoryPoint {
        if ((sequence == null) == (instant == null)) {
            throw new IllegalArgumentException("a point in history is a sequence or an instant, not both nor neither");
        }
        if (sequence != null && sequence < 1) {
            throw new IllegalArgumentException("sequences start at 1");
        }
    }

    public static HistoryPoint atSequence(int sequence) {
        return new HistoryPoint(sequence, null);
    }

    public static HistoryPoint asOf(Instant instant) {
        return new HistoryPoint(null, instant);
    }
}
