package io.orderflow.tools;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The distributed mode's message transport, {@code --transport rabbitmq|redis} (default {@code rabbitmq}, so the plans
 * and runs of the seeds used before it existed do not change): which server the harness starts for the module
 * processes, and which of the transport's faults a plan may hold. The Redis transport's fault list is the RabbitMQ
 * one with {@code redis-restart} in {@code rabbitmq-restart}'s place, so a seed deals it in the same order and at the
 * same times. The opt-in faults ({@link ChaosPlan#DISTRIBUTED_OPT_IN_FAULTS}, such as {@code reorder}) are named
 * explicitly ({@code --faults ...,reorder} or {@code all}) on either transport.
 */
final class ChaosTransport {

    static final String RABBITMQ = "rabbitmq";
    static final String REDIS = "redis";

    /** The crash and restart of each transport's server, by transport. */
    static final String RABBITMQ_RESTART = "rabbitmq-restart";

    static final String REDIS_RESTART = "redis-restart";

    private ChaosTransport() {}

    /** The run's transport: {@code --transport} (distributed mode only; the embedded mode's is PostgreSQL's queue). */
    static String of(Args args, String mode) {
        String transport = args.get("transport", RABBITMQ).trim();
        if (!transport.equals(RABBITMQ) && !transport.equals(REDIS)) {
            throw new IllegalArgumentException("--transport: rabbitmq or redis, not '" + transport + "'");
        }
        if (!mode.equals("distributed") && args.has("transport")) {
            throw new IllegalArgumentException(
                    "--transport is the distributed mode's (the embedded mode runs on the PostgreSQL queue)");
        }
        return transport;
    }

    /** The distributed mode's default (and {@code all}) faults on a transport. */
    static List<String> faults(String transport) {
        if (transport.equals(RABBITMQ)) {
            return ChaosPlan.DISTRIBUTED_FAULTS;
        }
        List<String> faults = new ArrayList<>();
        for (String fault : ChaosPlan.DISTRIBUTED_FAULTS) {
            faults.add(fault.equals(RABBITMQ_RESTART) ? REDIS_RESTART : fault);
        }
        return List.copyOf(faults);
    }

    /** {@code --faults all} on a transport: the default list and the faults named only explicitly. */
    static List<String> all(String transport) {
        List<String> all = new ArrayList<>(faults(transport));
        all.addAll(ChaosPlan.DISTRIBUTED_OPT_IN_FAULTS);
        return List.copyOf(all);
    }

    /** Every fault the distributed mode knows, on either transport. */
    static List<String> known() {
        List<String> known = new ArrayList<>(ChaosPlan.ALL_DISTRIBUTED_FAULTS);
        known.add(REDIS_RESTART);
        return List.copyOf(known);
    }

    /** A server's restart only on its own transport. */
    static void check(List<String> faults, String transport) {
        String other = transport.equals(REDIS) ? RABBITMQ_RESTART : REDIS_RESTART;
        if (faults.contains(other)) {
            throw new IllegalArgumentException(other + " needs --transport "
                    + (transport.equals(REDIS) ? RABBITMQ : REDIS) + " (this run's is " + transport + ")");
        }
    }

    /**
     * The server the harness runs for the transport, not started: its own RabbitMQ node ({@code --rabbitmq-bin},
     * {@code --rabbitmq-port}) or its own Redis ({@code --redis-server}, {@code --redis-port},
     * {@code --redis-appendfsync always|everysec}).
     */
    static HarnessTransport harness(Args args, String transport, Path out) throws IOException {
        if (transport.equals(REDIS)) {
            return new HarnessRedis(
                    args.get("redis-server", "redis-server"),
                    args.integer("redis-port", 0) == 0 ? Chaos.freePort() : args.integer("redis-port", 0),
                    args.get("redis-appendfsync", "always"),
                    out);
        }
        return new HarnessRabbit(
                Path.of(args.get("rabbitmq-bin", "/usr/lib/rabbitmq/bin")),
                args.integer("rabbitmq-port", 0) == 0 ? Chaos.freePort() : args.integer("rabbitmq-port", 0),
                Chaos.freePort(),
                out);
    }
}
