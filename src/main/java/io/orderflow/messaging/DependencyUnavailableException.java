package io.orderflow.messaging;

/**
 * A dependency a handler needs (a payment provider, a carrier) is down, or its circuit breaker is open:
 * nothing is wrong with the message, so the transport retries it with capped backoff for as long as
 * {@code orderflow.messaging.retry.outage-max-attempts} allows instead of parking it after the few attempts
 * meant for ordinary failures. The order waits and goes on when the dependency is back.
 */
public class DependencyUnavailableException extends RuntimeException {

    public DependencyUnavailableException(String message) {
        super(message);
    }

    public DependencyUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
