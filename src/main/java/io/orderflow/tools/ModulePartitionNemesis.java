package io.orderflow.tools;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Distributed mode: a network partition of ONE module process from the broker (the harness's RabbitMQ node or Redis
 * server) or from the database (the target, {@code payment-2 <-> broker}, comes from the plan's deck), the other processes keep both links. The
 * process's own {@link TcpProxy} to that side ({@link ModuleLinks}) blackholes every connection (bytes dropped, no
 * reset; new connections accepted and held) for longer than Hikari's connection timeout; heal: forwarding resumes and
 * the connections the partition cut are closed, so the pool and the AMQP client replace them.
 */
final class ModulePartitionNemesis implements Nemesis {

    private final String target;
    private final String process;
    private final String side;
    private long closedAtHeal;
    private long droppedBefore;
    private long cutBefore;
    private long acceptedBefore;
    private long acceptedDuring = -1;

    ModulePartitionNemesis(String target) {
        String[] ends = target.split(" <-> ");
        if (ends.length != 2 || !ModuleLinks.SIDES.contains(ends[1])) {
            throw new IllegalArgumentException("a partition's target is 'process <-> postgres|broker', not " + target);
        }
        this.target = target;
        this.process = ends[0];
        this.side = ends[1];
    }

    /** The target of {@code process} cut from {@code side}, as the plan writes it. */
    static String target(String process, String side) {
        return process + " <-> " + side;
    }

    String process() {
        return process;
    }

    String side() {
        return side;
    }

    @Override
    public String name() {
        return "partition-module";
    }

    @Override
    public String describe() {
        return "network partition of " + process + " from "
                + (side.equals("broker") ? "the broker (the harness's RabbitMQ node or Redis server)" : "PostgreSQL")
                + " (its own TCP proxy drops every byte and holds new connections; the other processes keep their "
                + "links), then healed: forwarding resumes, the cut connections are closed";
    }

    @Override
    public void inject(ChaosSystem system) throws IOException {
        TcpProxy proxy = proxy(system);
        droppedBefore = proxy.droppedBytes();
        cutBefore = proxy.cutConnections();
        acceptedBefore = proxy.accepted();
        proxy.blackhole();
    }

    @Override
    public void heal(ChaosSystem system) throws IOException {
        TcpProxy proxy = proxy(system);
        acceptedDuring = proxy.accepted() - acceptedBefore;
        closedAtHeal = proxy.heal();
    }

    @Override
    public Map<String, Object> observe(ChaosSystem system) {
        Map<String, Object> seen = new LinkedHashMap<>();
        seen.put("cut", target);
        if (system.deployment != null && system.deployment.links() != null) {
            TcpProxy proxy = proxy(system);
            seen.put("connections_cut", proxy.cutConnections() - cutBefore);
            seen.put("bytes_dropped", proxy.droppedBytes() - droppedBefore);
            seen.put("closed_at_heal", closedAtHeal);
            if (acceptedDuring >= 0) {
                seen.put("connections_tried_during", acceptedDuring);
            }
        }
        return seen;
    }

    private TcpProxy proxy(ChaosSystem system) {
        if (system.deployment == null || system.deployment.links() == null) {
            throw new IllegalStateException("no TCP proxies between the module processes and their servers "
                    + "(partition-module is the distributed mode's, with --db-proxy on)");
        }
        return system.deployment.links().proxy(process, side);
    }
}
