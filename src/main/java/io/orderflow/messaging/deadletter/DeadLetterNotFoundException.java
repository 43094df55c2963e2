package io.orderflow.messaging.deadletter;

/** No dead letter with this id in the module's store. */
public class DeadLetterNotFoundException extends DeadLetterException {

    private final String module;
    private final long id;

    public DeadLetterNotFoundException(String module, long id) {
        super("Dead letter '" + module + "/" + id + "' does not exist");
        this.module = module;
        this.id = id;
    }

    public String module() {
        return module;
    }

    public long id() {
        return id;
    }
}
