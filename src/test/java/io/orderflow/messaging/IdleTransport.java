package io.orderflow.messaging;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * A transport for tests of the kernel's own parts: it declares, subscribes and broadcasts nothing, has no backlog,
 * and refuses to publish or re-deliver unless a test overrides what it needs.
 */
class IdleTransport implements Transport {

    private final String name;

    IdleTransport(String name) {
        this.name = name;
    }

    @Override
    public Set<UUID> publish(List<Envelope> batch) {
        throw new UnsupportedOperationException();
    }

    @Override
    public void declare(Topology topology) {}

    @Override
    public void subscribe(MessageHandlers handlers, Dispatcher dispatcher) {}

    @Override
    public String name() {
        return name;
    }

    @Override
    public Map<String, Long> backlog() {
        return Map.of();
    }

    @Override
    public void broadcast(String topic, String payload) {}

    @Override
    public void onBroadcast(String topic, Consumer<String> listener) {}

    @Override
    public void redeliver(String module, Envelope envelope) {
        throw new UnsupportedOperationException();
    }
}
