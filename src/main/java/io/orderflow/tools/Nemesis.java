package io.orderflow.tools;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;

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

    /**
     * What the fault was seen to do, read after the drain for the report (e.g. how many messages were duplicated,
     * the circuit breaker's transitions): a fault that did nothing tested nothing. Empty when there is nothing to read.
     */
    default Map<String, Object> observe(ChaosSystem system) throws IOException {
        return Map.of();
    }

    /**
     * How far the clock that stamps the orders' times (the order module's) is off real time while the fault lasts:
     * zero but for clock skew of that process. The report corrects the end-to-end latency by it.
     */
    default Duration orderClockSkew() {
        return Duration.ZERO;
    }

    /** The {@code details} of a runtime fault as the application's chaos controls report them. */
    @SuppressWarnings("unchecked")
    static Map<String, Object> details(JsonNode fault) {
        return Report.JSON.convertValue(fault.path("details"), Map.class);
    }

    /**
     * The nemesis of a planned step: the distributed mode's process faults act on the step's target (a module or one
     * instance), the others are {@link #named(String, long) named}.
     */
    static Nemesis of(ChaosPlan.Step step) {
        return of(step.fault(), step.target(), step.faultSeed());
    }

    /**
     * The nemesis of {@code fault} on {@code target}; a combination's parts each on their part of the target (joined
     * by {@link TargetDecks#COMBINED}) and with a seed of their own, as {@link #named(String, long)} gives them.
     */
    static Nemesis of(String fault, String target, long seed) {
        if (fault.contains("+")) {
            List<String> parts = ChaosPlan.parts(fault);
            List<String> targets = List.of(target.split(Pattern.quote(TargetDecks.COMBINED)));
            if (targets.size() != parts.size()) {
                throw new IllegalArgumentException("the target " + target + " does not name one per part of " + fault);
            }
            List<Nemesis> nemeses = new ArrayList<>();
            for (int i = 0; i < parts.size(); i++) {
                nemeses.add(of(parts.get(i), targets.get(i), seed + i));
            }
            return new CombinedNemesis(fault, nemeses);
        }
        return switch (fault) {
            case "kill-module", "kill-instance" -> new ProcessKillNemesis(fault, target);
            case "pause-module" -> new ProcessPauseNemesis(target);
            case "rabbitmq-restart", "redis-restart" -> new BrokerRestartNemesis(fault);
            case "partition-module" -> new ModulePartitionNemesis(target);
            case "clock-skew-module" -> new ModuleClockSkewNemesis(target, seed);
            default -> named(fault, seed);
        };
    }

    static Nemesis named(String name) {
        return named(name, 0);
    }

    /** The nemesis of {@code name}; {@code seed} chooses what a randomised fault does (which messages, which queue). */
    static Nemesis named(String name, long seed) {
        if (name.contains("+")) { // a combination, e.g. kill+duplicate: each part with a seed of its own
            String[] parts = name.split("\\+");
            List<Nemesis> nemeses = new ArrayList<>();
            for (int i = 0; i < parts.length; i++) {
                nemeses.add(named(parts[i], seed + i));
            }
            return new CombinedNemesis(name, nemeses);
        }
        return switch (name) {
            case "kill" -> new KillNemesis();
            case "pause" -> new PauseNemesis();
            case "postgres-crash" -> new PostgresCrashNemesis();
            case "payment-outage" -> new PaymentOutageNemesis();
            case "duplicate" -> new DuplicateNemesis();
            case "reorder" -> new ReorderNemesis(seed);
            case "poison" -> new PoisonNemesis(seed);
            case "partition" -> new PartitionNemesis();
            case "clock-skew" -> new ClockSkewNemesis(seed);
            default -> throw new IllegalArgumentException("no nemesis named " + name);
        };
    }
}
