package io.orderflow.tools;

import java.io.IOException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Distributed mode on the Redis transport: the harness's own Redis server crashes (SIGKILL: no shutdown, no last
 * write of its append-only file), stays down for the fault's duration and is started again on the same directory and
 * port, and the heal returns once it answers PING (after replaying its append-only file). What it had answered is in
 * that file ({@code appendfsync always}); the relays keep their outbox rows while it is away, the consumers back off
 * and reconnect, and entries whose acknowledgement was lost with it are taken over after the claim idle time and
 * dropped by the inboxes.
 */
final class RedisRestartNemesis implements Nemesis {

    private long crashedPid = -1;
    private long downMillis = -1;
    private long crashedAt;

    @Override
    public String name() {
        return ChaosTransport.REDIS_RESTART;
    }

    @Override
    public String describe() {
        return "SIGKILL of the harness's Redis server, down for the fault's duration, then started again on its "
                + "append-only file";
    }

    @Override
    public void inject(ChaosSystem system) throws IOException {
        HarnessRedis redis = redis(system);
        crashedPid = redis.pid();
        redis.crash();
        crashedAt = System.nanoTime();
        system.recordPids();
    }

    @Override
    public void heal(ChaosSystem system) throws IOException {
        redis(system).start(Duration.ofSeconds(60));
        downMillis = (System.nanoTime() - crashedAt) / 1_000_000;
        system.recordPids();
    }

    @Override
    public Map<String, Object> observe(ChaosSystem system) {
        Map<String, Object> observed = new LinkedHashMap<>();
        observed.put("crashed_pid", crashedPid);
        observed.put("restarted_pid", redis(system).pid());
        observed.put("down_ms", downMillis);
        observed.put("appendfsync", redis(system).appendFsync());
        return observed;
    }

    private static HarnessRedis redis(ChaosSystem system) {
        if (system.deployment == null || system.deployment.redis == null) {
            throw new IllegalStateException("redis-restart needs the distributed mode with --transport redis");
        }
        return system.deployment.redis;
    }
}
