package io.orderflow.it;

import java.util.Map;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The PostgreSQL queue transport, here on the local PostgreSQL server (external database mode). */
class PostgresTransportDeliveryIntegrationTest extends MessageDeliveryScenarios {

    // the slow card keeps the payment consumer inside its transaction long enough for the test to find and kill it
    @RegisterExtension
    static final LocalApp local =
            LocalApp.onPostgresTransport(Map.of("orderflow.payment.provider.slow-card-latency", "5s"));

    @Override
    RunningApp app() {
        return local.app();
    }
}
