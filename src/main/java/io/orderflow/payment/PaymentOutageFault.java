package io.orderflow.payment;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.orderflow.messaging.ChaosFault;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Chaos fault {@code payment-outage}: the simulated provider fails every charge and refund as unavailable until
 * healed, in the running process, so the circuit breaker opens under load and closes again through its half-open
 * probes. Records the breaker's state transitions since the fault was switched on, for the harness's report.
 */
final class PaymentOutageFault implements ChaosFault {

    private static final int MAX_TRANSITIONS = 100;

    private final PaymentProvider provider;
    private final CircuitBreaker breaker;
    private final List<String> transitions = new ArrayList<>();
    private volatile boolean down;

    PaymentOutageFault(PaymentProvider provider, CircuitBreaker breaker) {
        this.provider = provider;
        this.breaker = breaker;
        breaker.getEventPublisher().onStateTransition(event -> {
            synchronized (transitions) {
                if (transitions.size() < MAX_TRANSITIONS) {
                    transitions.add(
                            event.getStateTransition().getToState().name().toLowerCase(Locale.ROOT));
                }
            }
        });
    }

    @Override
    public String name() {
        return "payment-outage";
    }

    @Override
    public String description() {
        return "the simulated payment provider fails every charge and refund as unavailable until healed";
    }

    @Override
    public boolean active() {
        return down;
    }

    @Override
    public Map<String, Object> inject(Map<String, String> parameters) {
        if (!parameters.isEmpty()) {
            throw new IllegalArgumentException("payment-outage takes no parameters, not " + parameters.keySet());
        }
        synchronized (transitions) {
            transitions.clear();
        }
        down = true;
        provider.setDown(true);
        return details();
    }

    @Override
    public void heal() {
        provider.setDown(false);
        down = false;
    }

    @Override
    public Map<String, Object> details() {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("provider_down", down);
        details.put("breaker_state", breaker.getState().name().toLowerCase(Locale.ROOT));
        synchronized (transitions) {
            details.put("breaker_transitions", List.copyOf(transitions));
        }
        return details;
    }
}
