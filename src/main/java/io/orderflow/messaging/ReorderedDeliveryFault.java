package io.orderflow.messaging;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Chaos fault {@code reorder}: while on, a seeded fraction of the messages is held back for a random delay, so messages
 * sent after them are delivered first: on the PostgreSQL queue transport those enqueued become available later, on
 * RabbitMQ those delivered are parked on the module's delay queue and come back to the end of its queue, on Redis
 * Streams those added wait in the module's retry set. Parameters:
 * {@code fraction} (default 0.3), {@code max_delay_ms} (default 2000), {@code seed} (default random).
 */
final class ReorderedDeliveryFault implements ChaosFault {

    private final TransportFaults faults;
    private final Transport transport;

    ReorderedDeliveryFault(TransportFaults faults, Transport transport) {
        this.faults = faults;
        this.transport = transport;
    }

    @Override
    public String name() {
        return "reorder";
    }

    @Override
    public String description() {
        return "a seeded fraction of the messages is held back (a later available_at on the PostgreSQL queue "
                + "transport, a delay queue on RabbitMQ, the module's retry set on Redis) for up to max_delay_ms, "
                + "so later messages overtake them";
    }

    @Override
    public boolean active() {
        return faults.reordering() != null;
    }

    @Override
    public Map<String, Object> inject(Map<String, String> parameters) {
        FaultParameters p = new FaultParameters(parameters, Set.of("fraction", "max_delay_ms", "seed"));
        if (!transport.holdsBack()) {
            throw new IllegalStateException("reorder is built into the PostgreSQL queue, RabbitMQ and Redis Streams "
                    + "transports only; this process uses " + transport.name());
        }
        faults.reorder(new TransportFaults.HoldBack(
                p.decimal("fraction", 0.3),
                Duration.ofMillis(p.integer("max_delay_ms", 2000, 1, 60_000)),
                p.integer("seed", ThreadLocalRandom.current().nextLong(), Long.MIN_VALUE, Long.MAX_VALUE)));
        return details();
    }

    @Override
    public void heal() {
        faults.reorder(null);
    }

    @Override
    public Map<String, Object> details() {
        Map<String, Object> details = new LinkedHashMap<>();
        TransportFaults.HoldBack settings = faults.reordering();
        if (settings != null) {
            details.put("fraction", settings.fraction());
            details.put("max_delay_ms", settings.maxDelay().toMillis());
            details.put("seed", settings.seed());
        }
        details.put("held_back", faults.heldBackCount());
        return details;
    }
}
