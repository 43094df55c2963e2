package io.orderflow.order;

import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * How many orders may be in flight (accepted, not yet finished), adjusted from what the pipeline shows: when the
 * orders that finished lately took longer than the target, the limit shrinks by a quarter; when they were quick and
 * the limit was in use, it grows by a twentieth. Without finished orders to judge by, it stays. (Additive
 * increase, multiplicative decrease, as TCP finds a link's capacity.)
 *
 * @param target the end-to-end time (acceptance to final state) the pipeline should keep to
 */
record AdmissionLimit(Duration target, int min, int max) {

    AdmissionLimit {
        if (min < 1 || max < min) {
            throw new IllegalArgumentException(
                    "orderflow.admission: need 1 <= min-limit <= max-limit, not " + min + ".." + max);
        }
    }

    /**
     * @param recentLatency the slow end (p90) of the orders that finished since the last look, or null if none did
     */
    double next(double limit, long inFlight, @Nullable Duration recentLatency) {
        if (recentLatency == null) {
            return limit;
        }
        if (recentLatency.compareTo(target) > 0) {
            return Math.max(min, limit * 0.75);
        }
        if (inFlight >= limit * 0.5) {
            return Math.min(max, limit + Math.max(1, limit * 0.05));
        }
        return limit;
    }
}
