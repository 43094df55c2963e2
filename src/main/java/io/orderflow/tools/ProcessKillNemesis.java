package io.orderflow.tools;

import java.io.IOException;

/**
 * Distributed mode: SIGKILL of the processes a target names, down for the fault's duration, then started again (the
 * heal waits for their health checks). {@code kill-module} names a module and kills every process of it (both payment
 * instances: the module is down); {@code kill-instance} names one of the two payment instances, and the other keeps
 * consuming from the shared queue, including the messages the killed one had taken and not acknowledged.
 */
final class ProcessKillNemesis implements Nemesis {

    private final String fault;
    private final String target;

    ProcessKillNemesis(String fault, String target) {
        this.fault = fault;
        this.target = target;
    }

    @Override
    public String name() {
        return fault;
    }

    @Override
    public String describe() {
        return fault.equals("kill-instance")
                ? "SIGKILL of " + target + " (one of two instances; the other keeps consuming), restarted at the heal"
                : "SIGKILL of the " + target + " module's process(es), down for the fault's duration, restarted at the "
                        + "heal";
    }

    @Override
    public void inject(ChaosSystem system) throws IOException {
        system.deployment.kill(target);
        system.recordPids();
    }

    @Override
    public void heal(ChaosSystem system) throws IOException {
        system.deployment.restart(target);
        system.recordPids();
    }
}
