package io.orderflow.it;

import java.util.Map;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The RabbitMQ transport, with every module in one process so the test can reach every bean. */
class RabbitTransportDeliveryIntegrationTest extends MessageDeliveryScenarios {

    // the slow card keeps the payment consumer inside its transaction long enough for the test to find and kill it
    @RegisterExtension
    static final LocalApp local = LocalApp.onRabbitMq(Map.of("orderflow.payment.provider.slow-card-latency", "5s"));

    @Override
    RunningApp app() {
        return local.app();
    }
}
