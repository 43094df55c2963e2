package io.orderflow.it;

import java.util.Map;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Retries on Redis Streams (a sorted set of failed entries keyed by when they are due). */
class RedisTransportRetryIntegrationTest extends RetryScenarios {

    @RegisterExtension
    static final LocalApp local = LocalApp.onRedis(
            Map.of("orderflow.messaging.retry.base", "100ms", "orderflow.saga.resend-after", RetryScenarios.NO_RESEND));

    @Override
    RunningApp app() {
        return local.app();
    }
}
