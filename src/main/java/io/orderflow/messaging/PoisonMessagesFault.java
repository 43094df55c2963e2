package io.orderflow.messaging;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

/**
 * Chaos fault {@code poison}, one-shot: puts {@code count} malformed messages on {@code module}'s queue through the
 * transport's re-delivery path, alternately of a type no module handles and of a type the module handles with a
 * payload that does not read as it. The dispatcher must park each at once as a dead letter and nothing else may
 * change; the answer names their message ids, so the harness can account for exactly these dead letters.
 */
final class PoisonMessagesFault implements ChaosFault {

    /** The type of the poison messages no handler knows. */
    static final String UNKNOWN_TYPE = "ChaosPoison";

    /** Valid JSON (the PostgreSQL queue stores payloads as jsonb) that no message record reads. */
    static final String UNREADABLE_PAYLOAD = "[\"chaos\", \"poison\"]";

    private final Map<String, MessageHandlers> handlers = new LinkedHashMap<>();
    private final Transport transport;
    private final TransactionTemplate tx;
    private final JsonMapper json;
    private final AtomicLong injected = new AtomicLong();

    PoisonMessagesFault(List<MessageHandlers> handlers, Transport transport, TransactionTemplate tx, JsonMapper json) {
        handlers.forEach(h -> this.handlers.put(h.module(), h));
        this.transport = transport;
        this.tx = tx;
        this.json = json;
    }

    @Override
    public String name() {
        return "poison";
    }

    @Override
    public String description() {
        return "one-shot: count malformed messages (unknown type, unreadable payload) onto module's queue; each must be "
                + "parked as a dead letter and nothing else affected";
    }

    @Override
    public boolean active() {
        return false;
    }

    @Override
    public Map<String, Object> inject(Map<String, String> parameters) {
        FaultParameters p = new FaultParameters(parameters, Set.of("module", "count"));
        String module = p.text("module");
        MessageHandlers target = module == null ? null : handlers.get(module);
        if (module == null || target == null) {
            throw new IllegalArgumentException("module must be one this process consumes for: " + handlers.keySet());
        }
        int count = (int) p.integer("count", 1, 1, 100);
        List<Envelope> poison = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            poison.add(poison(target, i));
        }
        tx.executeWithoutResult(status -> poison.forEach(e -> transport.redeliver(module, e)));
        injected.addAndGet(count);
        Map<String, Object> done = new LinkedHashMap<>();
        done.put("module", module);
        done.put(
                "message_ids",
                poison.stream().map(e -> e.messageId().toString()).toList());
        done.put("types", poison.stream().map(Envelope::type).collect(Collectors.toCollection(TreeSet::new)));
        return done;
    }

    /** The {@code i}-th poison message: an unknown type for even {@code i}, an unreadable payload for odd. */
    Envelope poison(MessageHandlers module, int i) {
        String type = UNKNOWN_TYPE;
        String payload = "{\"chaos\": \"poison\"}";
        if (i % 2 == 1) {
            List<String> types = new ArrayList<>(new TreeSet<>(module.types()));
            String candidate = types.get((i / 2) % types.size());
            if (!readable(module, candidate)) {
                type = candidate;
                payload = UNREADABLE_PAYLOAD;
            }
        }
        return new Envelope(
                UUID.randomUUID(),
                type,
                Envelope.CURRENT_VERSION,
                null,
                null,
                Instant.now(),
                payload,
                Map.of("x-chaos-fault", "poison"));
    }

    private boolean readable(MessageHandlers module, String type) {
        MessageHandlers.Handler<?> handler = module.handlerFor(type);
        if (handler == null) {
            return false;
        }
        try {
            json.readValue(UNREADABLE_PAYLOAD, handler.type());
            return true;
        } catch (JacksonException expected) {
            return false;
        }
    }

    @Override
    public void heal() {
        // one-shot: nothing stays on
    }

    @Override
    public Map<String, Object> details() {
        return Map.of("injected", injected.get());
    }
}
