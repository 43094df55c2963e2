package io.orderflow.order.analytics;

import io.orderflow.platform.PeriodicTask;
import java.time.Duration;

/**
 * Keeps the projections caught up in the background: every {@code orderflow.projections.interval}, and
 * {@code orderflow.projections.linger} after an order changes anywhere (the order module's change announcement wakes
 * it; the changes of the linger join one round). Each round re-derives the rows of every order it touches from that
 * order's whole history, so a longer linger touches an order fewer times: at 50 ms an order was rewritten about three
 * times during its life (docs/benchmarks.md). Off with {@code orderflow.projections.enabled=false}: then only
 * {@link Projections#catchUp} (tests) and replay move them.
 */
public final class Projector extends PeriodicTask {

    private final Projections projections;
    private final boolean enabled;

    public Projector(Projections projections, Duration interval, Duration linger, boolean enabled) {
        super("projector", interval, linger);
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
