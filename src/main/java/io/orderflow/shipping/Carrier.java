package io.orderflow.shipping;

import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/** A stand-in carrier: rejects country {@code ZZ}; latency and random unavailability are configurable. */
@Component
class Carrier {

    static final String UNSERVED_COUNTRY = "ZZ";

    static final class Unavailable extends RuntimeException {
        Unavailable() {
            super("carrier unavailable (simulated)");
        }
    }

    private final Duration latency;
    private volatile double failureRate;

    Carrier(
            @Value("${orderflow.shipping.carrier.latency:0ms}") Duration latency,
            @Value("${orderflow.shipping.carrier.failure-rate:0}") double failureRate) {
        this.latency = latency;
        this.failureRate = failureRate;
    }

    /**
     * Operator/demo switch: changes the simulated unavailability at runtime, e.g. to show a fault being
     * fixed and its dead letters re-driven. Not an API; reached from tests and a debugger.
     */
    void failureRate(double rate) {
        this.failureRate = rate;
    }

    /** Flaky-carrier switch (demo, tests): the first {@code times} bookings of every order fail. */
    private volatile int failFirstBookingsPerOrder;

    private final Map<String, Integer> bookingsPerOrder = new ConcurrentHashMap<>();

    void failFirstBookingsOfEachOrder(int times) {
        bookingsPerOrder.clear();
        this.failFirstBookingsPerOrder = times;
    }

    /**
     * Books the shipment: its tracking number, or empty when the carrier does not serve the destination. An order
     * without an address is shipped (the simulation needs none).
     */
    Optional<String> book(String orderId, @Nullable ShippingAddress address) {
        if (failFirstBookingsPerOrder > 0
                && bookingsPerOrder.merge(orderId, 1, Integer::sum) <= failFirstBookingsPerOrder) {
            throw new Unavailable();
        }
        if (!latency.isZero()) {
            try {
                Thread.sleep(latency.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (failureRate > 0 && ThreadLocalRandom.current().nextDouble() < failureRate) {
            throw new Unavailable();
        }
        if (address != null
                && address.country() != null
                && UNSERVED_COUNTRY.equals(address.country().toUpperCase(Locale.ROOT))) {
            return Optional.empty();
        }
        return Optional.of("TRK"
                + UUID.randomUUID().toString().replace("-", "").substring(0, 12).toUpperCase(Locale.ROOT));
    }
}
