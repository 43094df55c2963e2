package io.orderflow.messaging;

import java.util.Map;

/**
 * A fault the chaos harness switches on and off in a running process (docs/reliability.md). Such faults exist as
 * beans only when {@value #CONTROLS_ENABLED} is {@code true} (default false); the operations module serves them to
 * operators at {@code /api/chaos/faults}. The kernel contributes the transport's faults (duplicate and reordered
 * delivery, poison messages), a module its own (payment: the provider's outage).
 */
public interface ChaosFault {

    /** The switch of every runtime fault and of their endpoints; never on in production. */
    String CONTROLS_ENABLED = "orderflow.chaos.controls-enabled";

    String name();

    /** One line: what the fault does while it is on. */
    String description();

    /** Whether it is on now (a one-shot fault, such as injecting poison messages, is never "on"). */
    boolean active();

    /**
     * Switches the fault on, or for a one-shot fault does it once; returns what it did.
     *
     * @throws IllegalArgumentException for a parameter it does not know or cannot use
     * @throws IllegalStateException when this process cannot inject it (e.g. a transport that lacks the hook)
     */
    Map<String, Object> inject(Map<String, String> parameters);

    /** Switches the fault off; nothing happens if it is off. */
    void heal();

    /** What it did since it was last switched on (counts, states seen), for the harness's report. */
    Map<String, Object> details();
}
