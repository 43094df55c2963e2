package io.orderflow.tools;

import java.io.IOException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

/**
 * Clock skew of the application process: its wall clock jumps {@link #SKEW} forward or backward (the direction drawn
 * from the fault's seed) at the injection and back to real time at the heal, so every iteration has one jump each
 * way; the direction says which side of real time the clock stays on while the fault lasts. Moved with libfaketime
 * ({@link FakeClock}); PostgreSQL's {@code now()} stays real, so the application's timestamps and the database's
 * disagree by ten minutes for the fault's duration.
 */
final class ClockSkewNemesis implements Nemesis {

    /**
     * Larger than the saga's re-send interval (10 s) and its default give-up deadline (2 min), smaller than the
     * payment step's deadline and the access tokens' lifetime (15 min each).
     */
    static final Duration SKEW = Duration.ofMinutes(10);

    private static final Duration TOLERANCE = Duration.ofSeconds(5);
    private static final Duration SETTLE = Duration.ofSeconds(15);

    private final long seed;
    private final boolean forward;
    private Duration seenAtInjection;
    private Duration seenAtHeal;

    ClockSkewNemesis(long seed) {
        this.seed = seed;
        this.forward = new Random(seed).nextBoolean();
    }

    boolean forward() {
        return forward;
    }

    /** The offset while the fault lasts: {@code +SKEW} or {@code -SKEW}. */
    Duration skew() {
        return forward ? SKEW : SKEW.negated();
    }

    @Override
    public Duration orderClockSkew() {
        return skew();
    }

    @Override
    public String name() {
        return "clock-skew";
    }

    @Override
    public String describe() {
        return "the application's wall clock jumps " + (forward ? "forward" : "backward") + " "
                + SKEW.toMinutes() + " min (libfaketime; seed " + seed + "), back to real time at the heal; "
                + "the monotonic clock and PostgreSQL's now() stay real";
    }

    @Override
    public void inject(ChaosSystem system) throws IOException {
        clock(system).set(skew().toSeconds());
        seenAtInjection = FakeClock.awaitOffset(system.app.url(), skew(), TOLERANCE, SETTLE);
    }

    @Override
    public void heal(ChaosSystem system) throws IOException {
        clock(system).set(0);
        if (system.app.pid() > 0) {
            seenAtHeal = FakeClock.awaitOffset(system.app.url(), Duration.ZERO, TOLERANCE, SETTLE);
        }
    }

    @Override
    public Map<String, Object> observe(ChaosSystem system) {
        Map<String, Object> seen = new LinkedHashMap<>();
        seen.put("skew_s", skew().toSeconds());
        if (seenAtInjection != null) {
            seen.put("app_clock_off_at_injection_s", seenAtInjection.toSeconds());
        }
        if (seenAtHeal != null) {
            seen.put("app_clock_off_after_heal_s", seenAtHeal.toSeconds());
        }
        return seen;
    }

    private static FakeClock clock(ChaosSystem system) {
        if (system.clock == null) {
            throw new IllegalStateException(
                    "the application was not started under libfaketime: " + FakeClock.INSTALL_HINT);
        }
        return system.clock;
    }
}
