package io.orderflow.messaging.deadletter;

/**
 * The dead letter was re-driven or discarded already (perhaps a moment ago, by another operator or a bulk
 * re-drive): only parked ones can be acted on.
 */
public class DeadLetterNotParkedException extends DeadLetterException {

    private final String status;

    public DeadLetterNotParkedException(String module, long id, String status) {
        super("Dead letter " + module + "/" + id + " is " + status
                + "; only parked dead letters can be re-driven or discarded");
        this.status = status;
    }

    /** What it is instead: {@code redriven} or {@code discarded}. */
    public String status() {
        return status;
    }
}
