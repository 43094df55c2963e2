package io.orderflow.it;

import org.junit.jupiter.api.extension.RegisterExtension;

/** Dead letters on Redis Streams. */
class DeadLetterRedisIntegrationTest extends DeadLetterScenarios {

    @RegisterExtension
    static final LocalApp local = LocalApp.onRedis(PROPERTIES);

    @Override
    RunningApp app() {
        return local.app();
    }
}
