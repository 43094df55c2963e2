package io.orderflow.tools;

import java.util.Map;

/**
 * Reordered delivery for the fault's duration: a fraction of the messages enqueued on the PostgreSQL queue transport
 * is held back up to {@link #MAX_DELAY_MS} (a later {@code available_at}), chosen by a random stream seeded from the
 * plan, so later messages overtake them. The report says how many were held back.
 */
final class ReorderNemesis extends RuntimeFaultNemesis {

    static final double FRACTION = 0.3;
    static final long MAX_DELAY_MS = 2000;

    ReorderNemesis(long seed) {
        super(
                "reorder",
                "a seeded " + Math.round(FRACTION * 100) + " % of the messages enqueued held back up to " + MAX_DELAY_MS
                        + " ms (seed " + seed + "), for the fault's duration",
                Map.of(
                        "fraction",
                        Double.toString(FRACTION),
                        "max_delay_ms",
                        Long.toString(MAX_DELAY_MS),
                        "seed",
                        Long.toString(seed)));
    }
}
