package io.orderflow.it;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Order timelines on RabbitMQ (every module in one process), with every saga command travelling as a message: the
 * catalog's validation too, so its hops are in the timeline.
 */
class OrderTimelineRabbitIntegrationTest extends OrderTimelineScenarios {

    @RegisterExtension
    static final LocalApp local = LocalApp.onRabbitMq(properties());

    private static Map<String, String> properties() {
        Map<String, String> properties = new HashMap<>(PROPERTIES);
        properties.put("orderflow.saga.inline-read-only-steps", "false");
        return properties;
    }

    @Override
    RunningApp app() {
        return local.app();
    }

    @Override
    boolean inlineValidation() {
        return false;
    }
}
