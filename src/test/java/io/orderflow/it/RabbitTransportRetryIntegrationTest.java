package io.orderflow.it;

import java.util.Map;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Retries on RabbitMQ (retry queue with per-message TTL). */
class RabbitTransportRetryIntegrationTest extends RetryScenarios {

    @RegisterExtension
    static final LocalApp local = LocalApp.onRabbitMq(
            Map.of("orderflow.messaging.retry.base", "100ms", "orderflow.saga.resend-after", RetryScenarios.NO_RESEND));

    @Override
    RunningApp app() {
        return local.app();
    }
}
