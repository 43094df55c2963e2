package io.orderflow.tools;

import java.util.Map;

/**
 * Reordered delivery for the fault's duration: a fraction of the messages is held back up to {@link #MAX_DELAY_MS}
 * (on the PostgreSQL queue transport a later {@code available_at}; on RabbitMQ, in every module process of the
 * distributed mode, a confirmed hop through the module's delay queue), chosen by a random stream seeded from the plan,
 * so later messages overtake them. The report says how many were held back.
 */
final class ReorderNemesis extends RuntimeFaultNemesis {

    static final double FRACTION = 0.3;
    static final long MAX_DELAY_MS = 2000;

    ReorderNemesis(long seed) {
        super(
                "reorder",
                "a seeded " + Math.round(FRACTION * 100) + " % of the messages held back up to " + MAX_DELAY_MS
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
