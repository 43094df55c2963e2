package io.orderflow.tools;

import java.io.IOException;

/**
 * A fault, in the sense of Jepsen's nemesis: {@link #inject} starts it, {@link #heal} ends it. The harness
 * waits the planned duration between the two and times both from its own clock.
 */
interface Nemesis {

    String name();

    /** One line for the report: what the fault does. */
    String describe();

    void inject(ChaosSystem system) throws IOException;

    /** Ends the fault; returns once the healed part is back (a restarted process answers its health check). */
    void heal(ChaosSystem system) throws IOException;

    static Nemesis named(String name) {
        return switch (name) {
            case "kill" -> new KillNemesis();
            case "pause" -> new PauseNemesis();
            case "postgres-crash" -> new PostgresCrashNemesis();
            case "payment-outage" -> new PaymentOutageNemesis();
            default -> throw new IllegalArgumentException("no nemesis named " + name);
        };
    }
}
