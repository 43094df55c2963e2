package io.orderflow.tools;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import tools.jackson.databind.JsonNode;

/**
 * Poison messages ({@code POST /api/chaos/faults/poison}): at the injection, {@code count} malformed messages (an
 * unknown type, an unreadable payload) onto one module's queue, both chosen by the plan's seed. Each must end parked as
 * a dead letter and nothing else may change: the checker accounts for exactly these dead letters (and fails on any
 * other), then the harness discards them through the operator's dead-letter API. Nothing stays on to heal.
 */
final class PoisonNemesis implements Nemesis {

    static final String FAULT = "poison";
    /** The modules that consume messages, one of which gets the poison. */
    static final List<String> MODULES = List.of("order", "inventory", "payment", "shipping", "notification");

    private final String module;
    private final int count;
    private final List<UUID> injected = new ArrayList<>();

    PoisonNemesis(long seed) {
        Random random = new Random(seed);
        this.module = MODULES.get(random.nextInt(MODULES.size()));
        this.count = 3 + random.nextInt(3);
    }

    String module() {
        return module;
    }

    int count() {
        return count;
    }

    @Override
    public String name() {
        return FAULT;
    }

    @Override
    public String describe() {
        return count + " poison messages (unknown type, unreadable payload) onto the " + module + " queue, each to be "
                + "parked as a dead letter";
    }

    @Override
    public void inject(ChaosSystem system) throws IOException {
        JsonNode answer =
                system.controlsOf(module).inject(FAULT, Map.of("module", module, "count", Integer.toString(count)));
        for (JsonNode id : answer.path("injected").path("message_ids")) {
            injected.add(UUID.fromString(id.asString()));
        }
        if (injected.size() != count) {
            throw new IOException("asked for " + count + " poison messages, the application reports " + answer);
        }
        system.poisonInjected(module, injected);
    }

    @Override
    public void heal(ChaosSystem system) {
        // one-shot: nothing stays on
    }

    @Override
    public Map<String, Object> observe(ChaosSystem system) {
        Map<String, Object> observed = new LinkedHashMap<>();
        observed.put("module", module);
        observed.put("injected", injected.size());
        return observed;
    }
}
