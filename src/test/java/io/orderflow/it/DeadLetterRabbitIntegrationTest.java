package io.orderflow.it;

import org.junit.jupiter.api.extension.RegisterExtension;

/** Dead letters on RabbitMQ. */
class DeadLetterRabbitIntegrationTest extends DeadLetterScenarios {

    @RegisterExtension
    static final LocalApp local = LocalApp.onRabbitMq(PROPERTIES);

    @Override
    RunningApp app() {
        return local.app();
    }
}
