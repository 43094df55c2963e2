package io.orderflow.messaging.deadletter;

import static java.util.Objects.requireNonNull;

/** Why the dead-letter store refused: the message says it in words an operator can act on. */
public abstract class DeadLetterException extends RuntimeException {

    DeadLetterException(String message) {
        super(message);
    }

    DeadLetterException(String message, Throwable cause) {
        super(message, cause);
    }

    /** Never null: every refusal says why. */
    @Override
    public String getMessage() {
        return requireNonNull(super.getMessage());
    }
}
