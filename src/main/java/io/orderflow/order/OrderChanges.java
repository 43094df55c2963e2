package io.orderflow.order;

import io.orderflow.messaging.Transport;
import io.orderflow.platform.AfterCommit;
import java.util.function.Consumer;
import org.springframework.stereotype.Component;

/**
 * Announces, after commit, that an order changed, to every process that runs the order module, so live
 * views anywhere can catch up. The announcement carries only the id: listeners read the history itself.
 */
@Component
public class OrderChanges {

    public static final String TOPIC = "order-changed";

    private final Transport transport;

    OrderChanges(Transport transport) {
        this.transport = transport;
    }

    void announceAfterCommit(String orderId) {
        AfterCommit.run(() -> transport.broadcast(TOPIC, orderId));
    }

    /** Calls {@code listener} with the id of every order that changed, in any process. */
    public void subscribe(Consumer<String> listener) {
        transport.onBroadcast(TOPIC, listener);
    }
}
