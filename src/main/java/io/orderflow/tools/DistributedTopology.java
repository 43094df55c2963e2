package io.orderflow.tools;

import java.util.ArrayList;
import java.util.List;

/**
 * Which processes the distributed mode runs ({@code --topology}). {@code direct}, the default: every module once and
 * the payment module twice, the load straight to the order process; the plans of the seeds used before the other
 * topology existed stay as they were. {@code gateway}: the gateway in front (the load goes through it; it finds the
 * module instances in a static list, no discovery process) and the order module twice as well, so {@code
 * kill-instance} deals from {@code payment-1, payment-2, order-1, order-2} and {@code kill-module} from the seven
 * modules and the gateway.
 */
enum DistributedTopology {
    DIRECT("direct", List.of("payment")),
    GATEWAY("gateway", List.of("payment", "order"));

    /** The edge process of the gateway topology: its name, its role ({@code orderflow.modules}) and a target. */
    static final String GATEWAY_ROLE = "gateway";

    private final String label;
    private final List<String> twice;

    DistributedTopology(String label, List<String> twice) {
        this.label = label;
        this.twice = twice;
    }

    static DistributedTopology parse(String name) {
        for (DistributedTopology t : values()) {
            if (t.label.equals(name.trim())) {
                return t;
            }
        }
        throw new IllegalArgumentException("--topology '" + name + "': direct or gateway");
    }

    String label() {
        return label;
    }

    boolean gateway() {
        return this == GATEWAY;
    }

    /** The modules that run as two instances competing on their queue (and, for order, behind the gateway). */
    List<String> twice() {
        return twice;
    }

    /** The processes of a module: {@code payment-1, payment-2} for a module that runs twice, else the module. */
    List<String> instancesOf(String module) {
        return twice.contains(module) ? List.of(module + "-1", module + "-2") : List.of(module);
    }

    /** {@code kill-instance}'s cards: every instance of every module that runs twice. */
    List<String> instances() {
        List<String> all = new ArrayList<>();
        twice.forEach(module -> all.addAll(instancesOf(module)));
        return List.copyOf(all);
    }

    /** {@code kill-module}'s cards: every module, and the gateway where there is one. */
    List<String> killable() {
        if (!gateway()) {
            return DistributedDeployment.MODULES;
        }
        List<String> all = new ArrayList<>(DistributedDeployment.MODULES);
        all.add(GATEWAY_ROLE);
        return List.copyOf(all);
    }
}
