package io.orderflow.tools;

import java.io.IOException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Distributed mode: the broker the harness runs for itself crashes, stays down for the fault's duration and is started
 * again on the same directory and port; the heal returns once it answers. {@code rabbitmq-restart}: SIGKILL of the
 * RabbitMQ node's Erlang VM (no graceful close of any connection, queue or message store); durable queues and the
 * persistent messages it had confirmed survive. {@code redis-restart}: SIGKILL of the Redis server (no shutdown, no
 * last write of its append-only file); what it had answered is in that file ({@code appendfsync always}), and entries
 * whose acknowledgement was lost with it are taken over after the claim idle time and dropped by the inboxes. Either
 * way the relays keep their outbox rows while it is away, and the consumers reconnect by themselves.
 */
final class BrokerRestartNemesis implements Nemesis {

    private static final Duration START_TIMEOUT = Duration.ofSeconds(120);

    private final String name;
    private long crashedPid = -1;
    private long downMillis = -1;
    private long crashedAt;

    /** @param name {@code rabbitmq-restart} or {@code redis-restart}: the fault of the run's transport */
    BrokerRestartNemesis(String name) {
        this.name = name;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String describe() {
        return name.equals(ChaosTransport.REDIS_RESTART)
                ? "SIGKILL of the harness's Redis server, down for the fault's duration, then started again on its "
                        + "append-only file"
                : "SIGKILL of the harness's RabbitMQ node, down for the fault's duration, then started again";
    }

    @Override
    public void inject(ChaosSystem system) throws IOException {
        HarnessTransport broker = broker(system);
        crashedPid = broker.pid();
        broker.crash();
        crashedAt = System.nanoTime();
        system.recordPids();
    }

    @Override
    public void heal(ChaosSystem system) throws IOException {
        broker(system).start(START_TIMEOUT);
        downMillis = (System.nanoTime() - crashedAt) / 1_000_000;
        system.recordPids();
    }

    @Override
    public Map<String, Object> observe(ChaosSystem system) {
        HarnessTransport broker = broker(system);
        Map<String, Object> observed = new LinkedHashMap<>();
        observed.put("crashed_pid", crashedPid);
        observed.put("restarted_pid", broker.pid());
        observed.put("down_ms", downMillis);
        if (broker instanceof HarnessRedis redis) {
            observed.put("appendfsync", redis.appendFsync());
        }
        return observed;
    }

    /** The run's broker, if it is the one this fault restarts. */
    private HarnessTransport broker(ChaosSystem system) {
        String transport = name.equals(ChaosTransport.REDIS_RESTART) ? ChaosTransport.REDIS : ChaosTransport.RABBITMQ;
        if (system.deployment == null || !system.deployment.transport.name().equals(transport)) {
            throw new IllegalStateException(name + " needs the distributed mode with --transport " + transport);
        }
        return system.deployment.transport;
    }
}
