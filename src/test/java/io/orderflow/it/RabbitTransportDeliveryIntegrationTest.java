package io.orderflow.it;

import java.util.Map;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The RabbitMQ transport, with every module in one process so the test can reach every bean. */
class RabbitTransportDeliveryIntegrationTest extends MessageDeliveryScenarios {

    @RegisterExtension
    static final LocalApp local = LocalApp.onRabbitMq(Map.of("orderflow.payment.provider.slow-card-latency", "1500ms"));

    @Override
    RunningApp app() {
        return local.app();
    }
}
