package io.orderflow.messaging.deadletter;

/** The transport would not take the message back; nothing changed, so the re-drive can be tried again. */
public class RedriveFailedException extends DeadLetterException {

    public RedriveFailedException(String module, long id, String reason, Throwable cause) {
        super("Dead letter " + module + "/" + id + " could not be put back on its queue: " + reason, cause);
    }
}
