package io.orderflow.it;

import java.util.Map;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Retries on the PostgreSQL queue transport. */
class PostgresTransportRetryIntegrationTest extends RetryScenarios {

    @RegisterExtension
    static final LocalApp local = LocalApp.onPostgresTransport(
            Map.of("orderflow.messaging.retry.base", "100ms", "orderflow.saga.resend-after", RetryScenarios.NO_RESEND));

    @Override
    RunningApp app() {
        return local.app();
    }
}
