package io.orderflow.tools;

import java.io.IOException;
import java.time.Duration;
import java.util.Map;

/**
 * Distributed mode: the harness's own RabbitMQ node crashes (SIGKILL of its Erlang VM: no graceful close of any
 * connection, queue or message store), stays down for the fault's duration and is started again on the same
 * directory. Durable queues and the persistent messages it had confirmed survive; the processes' publishers and
 * consumers must reconnect by themselves, and the outboxes hold what could not be published meanwhile.
 */
final class RabbitRestartNemesis implements Nemesis {

    private long crashedPid = -1;

    @Override
    public String name() {
        return "rabbitmq-restart";
    }

    @Override
    public String describe() {
        return "SIGKILL of the harness's RabbitMQ node, down for the fault's duration, then started again";
    }

    @Override
    public void inject(ChaosSystem system) throws IOException {
        crashedPid = system.deployment.rabbit.pid();
        system.deployment.rabbit.crash();
    }

    @Override
    public void heal(ChaosSystem system) throws IOException {
        system.deployment.rabbit.start(Duration.ofSeconds(120));
        system.recordPids();
    }

    @Override
    public Map<String, Object> observe(ChaosSystem system) {
        return Map.of("crashed_pid", crashedPid, "restarted_pid", system.deployment.rabbit.pid());
    }
}
