package io.orderflow.tools;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Which process each planned fault acts on. Embedded mode has one application process ({@link ChaosPlan#targetOf}).
 * In distributed mode the process faults deal their targets like cards, from a stream of the seed's own: each
 * {@code kill-module} takes the next module of a shuffled deck of all seven (so over the iterations every module is
 * killed in turn), each {@code kill-instance} the next of the two payment instances, each {@code pause-module} the
 * next of the five saga participants. With {@code --topology gateway} ({@link DistributedTopology}) the decks of
 * {@code kill-instance} (the order instances too) and {@code kill-module} (the gateway too) are larger. The opt-in
 * faults act on one process: each {@code partition-module} takes the next card of a deck of every module process cut
 * from either side (sixteen cards in the direct topology: {@code payment-2 <-> broker}), each {@code
 * clock-skew-module} the next process of its own deck. A combination's parts draw from their decks in turn, its
 * target joins theirs with {@code " + "}.
 */
final class TargetDecks {

    /** Between the targets of a combination's parts ({@code inventory + transport (every module process)}). */
    static final String COMBINED = " + ";

    /** Mixed into the plan's seed for the targets' own random stream. */
    static final long SALT = 0x5DEECE66DL * 31 + 0x7A11;

    private final String mode;
    private final DistributedTopology topology;
    private final Random random;
    private final Map<String, List<String>> decks = new HashMap<>();

    TargetDecks(String mode, Random random) {
        this(mode, DistributedTopology.DIRECT, random);
    }

    TargetDecks(String mode, DistributedTopology topology, Random random) {
        this.mode = mode;
        this.topology = topology;
        this.random = random;
    }

    /** The cards of a distributed fault that acts on a process (direct topology); empty for the faults that do not. */
    static List<String> cards(String fault) {
        return cards(fault, DistributedTopology.DIRECT);
    }

    static List<String> cards(String fault, DistributedTopology topology) {
        return switch (fault) {
            case "kill-module" -> topology.killable();
            case "kill-instance" -> topology.instances();
            case "pause-module" -> DistributedDeployment.PARTICIPANTS;
            case "partition-module" ->
                ModuleLinks.processes(topology).stream()
                        .flatMap(p -> ModuleLinks.SIDES.stream().map(side -> ModulePartitionNemesis.target(p, side)))
                        .toList();
            case "clock-skew-module" ->
                ModuleLinks.processes(topology).stream()
                        .map(ModuleClockSkewNemesis::target)
                        .toList();
            default -> List.of();
        };
    }

    String next(String fault) {
        if (!"distributed".equals(mode)) {
            return ChaosPlan.targetOf(fault);
        }
        if (fault.contains("+")) { // a combination: each part draws from its own deck, in the combination's order
            return String.join(
                    COMBINED, ChaosPlan.parts(fault).stream().map(this::next).toList());
        }
        List<String> cards = cards(fault, topology);
        if (cards.isEmpty()) {
            return switch (fault) {
                case "rabbitmq-restart" -> "rabbitmq (the harness's node)";
                case "redis-restart" -> "redis (the harness's server)";
                case "postgres-crash" -> "postgres";
                case "payment-outage" -> "payment provider (every payment instance)";
                case "duplicate", "reorder" -> "transport (every module process)";
                case "poison" -> "transport (one module's queue)";
                default -> "?";
            };
        }
        List<String> deck = decks.computeIfAbsent(fault, f -> new ArrayList<>());
        if (deck.isEmpty()) {
            deck.addAll(cards);
            Collections.shuffle(deck, random);
        }
        return deck.remove(0);
    }
}
