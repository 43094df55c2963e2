package io.orderflow.messaging;

/** A message that no retry can help (malformed, unknown type, impossible values): parked at once. */
public class PoisonMessageException extends RuntimeException {

    public PoisonMessageException(String message) {
        super(message);
    }

    public PoisonMessageException(String message, Throwable cause) {
        super(message, cause);
    }
}
