package io.orderflow.tools;

import java.io.IOException;

/**
 * Distributed mode: SIGSTOP of every process of one saga participant while the order module runs, for longer than
 * {@code orderflow.saga.resend-after}, then SIGCONT. The saga's deadlines pass and it re-sends the step; the paused
 * process keeps its connections and the messages it had taken, and applies them (and the re-sent ones) once resumed.
 */
final class ProcessPauseNemesis implements Nemesis {

    private final String target;

    ProcessPauseNemesis(String target) {
        this.target = target;
    }

    @Override
    public String name() {
        return "pause-module";
    }

    @Override
    public String describe() {
        return "SIGSTOP of the " + target + " module's process(es) while the order module runs, longer than "
                + "orderflow.saga.resend-after, then SIGCONT";
    }

    @Override
    public void inject(ChaosSystem system) throws IOException {
        system.deployment.pause(target);
    }

    @Override
    public void heal(ChaosSystem system) throws IOException {
        system.deployment.resume(target);
    }
}
