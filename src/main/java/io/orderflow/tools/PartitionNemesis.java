package io.orderflow.tools;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A network partition of the application from its database: the harness's {@link TcpProxy}, through which the
 * application reaches PostgreSQL in every iteration, blackholes every connection (bytes dropped, no reset; new
 * connections accepted and held), for longer than Hikari's connection timeout. Heal: forwarding resumes and the
 * connections the partition cut are closed, so the pool replaces them.
 */
final class PartitionNemesis implements Nemesis {

    private long closedAtHeal;
    private long droppedBefore;
    private long cutBefore;

    @Override
    public String name() {
        return "partition";
    }

    @Override
    public String describe() {
        return "network partition of the application from PostgreSQL (the harness's TCP proxy drops every byte and "
                + "holds new connections), then healed: forwarding resumes, the cut connections are closed";
    }

    @Override
    public void inject(ChaosSystem system) throws IOException {
        TcpProxy proxy = proxy(system);
        droppedBefore = proxy.droppedBytes();
        cutBefore = proxy.cutConnections();
        proxy.blackhole();
    }

    @Override
    public void heal(ChaosSystem system) throws IOException {
        closedAtHeal = proxy(system).heal();
    }

    @Override
    public Map<String, Object> observe(ChaosSystem system) {
        TcpProxy proxy = system.dbProxy;
        Map<String, Object> seen = new LinkedHashMap<>();
        if (proxy != null) {
            seen.put("connections_cut", proxy.cutConnections() - cutBefore);
            seen.put("bytes_dropped", proxy.droppedBytes() - droppedBefore);
            seen.put("closed_at_heal", closedAtHeal);
        }
        return seen;
    }

    private static TcpProxy proxy(ChaosSystem system) {
        if (system.dbProxy == null) {
            throw new IllegalStateException("no TCP proxy between the application and PostgreSQL");
        }
        return system.dbProxy;
    }
}
