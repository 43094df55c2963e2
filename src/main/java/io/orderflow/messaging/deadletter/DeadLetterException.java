package io.orderflow.messaging.deadletter;

/** Why the dead-letter store refused: the message says it in words an operator can act on. */
public abstract class DeadLetterException extends RuntimeException {

    DeadLetterException(String message) {
        super(message);
    }

    DeadLetterException(String message, Throwable cause) {
        super(message, cause);
    }
}
