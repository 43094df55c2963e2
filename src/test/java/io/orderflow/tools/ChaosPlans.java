package io.orderflow.tools;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/** What the chaos harness's unit tests build the same way: settings from command-line words, targets, deployments. */
final class ChaosPlans {

    private ChaosPlans() {}

    /** The settings {@code chaos} would parse from {@code words}. */
    static ChaosPlan.Settings settings(String... words) {
        return ChaosPlan.Settings.from(new Args(words, 0));
    }

    /** The targets of {@code fault}'s steps, in the plan's order. */
    static List<String> targetsOf(ChaosPlan plan, String fault) {
        return plan.steps().stream()
                .filter(s -> s.fault().equals(fault))
                .map(ChaosPlan.Step::target)
                .toList();
    }

    /** A deployment of {@code topology} on {@code broker}, not started, with its files under {@code out}. */
    static DistributedDeployment deployment(Path out, HarnessTransport broker, DistributedTopology topology)
            throws Exception {
        return new DistributedDeployment(
                out.resolve("orderflow.jar"),
                List.of("-Xmx64m"),
                List.of("--orderflow.chaos.controls-enabled=true"),
                broker,
                "orderflow-chaos-test",
                "secret",
                out.resolve("logs"),
                Duration.ofSeconds(5),
                topology,
                null);
    }
}
