package io.orderflow.order.analytics;

import io.orderflow.platform.PeriodicTask;
import java.time.Duration;

/**
 * Keeps the projections caught up in the background: every {@code orderflow.projections.interval}, and soon after
 * an order changes anywhere (the order module's change announcement wakes it; wake-ups coalesce). Off with
 * {@code orderflow.projections.enabled=false}: then only {@link Projections#catchUp} (tests) and replay move them.
 */
public final class Projector extends PeriodicTask {

    private static final Duration COALESCE = Duration.ofMillis(50);

    private final Projections projections;
    private final boolean enabled;

    public Projector(Projections projections, Duration interval, boolean enabled) {
        super("projector", interval, COALESCE);
        this.projections = projections;
        this.enabled = enabled;
    }

    @Override
    protected boolean runOnce() {
        for (String name : projections.names()) {
            projections.catchUp(name, true);
        }
        return false;
    }

    @Override
    public boolean isAutoStartup() {
        return enabled;
    }
}
