package io.orderflow.order;

import java.time.Duration;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;

/**
 * How long a saga step may stay silent: after {@code orderflow.saga.resend-after} its command goes out
 * again; after {@code orderflow.saga.deadlines.default} (or {@code orderflow.saga.deadlines.<status>}) the
 * order fails and is compensated. application.properties gives payment 15 minutes, so an order rides out a
 * payment provider outage behind the circuit breaker instead of failing after two.
 */
@Component
class DeadlinePolicy {

    private final Environment environment;
    private final Duration resendAfter;
    private final Duration defaultDeadline;

    DeadlinePolicy(Environment environment) {
        this.environment = environment;
        this.resendAfter =
                environment.getProperty("orderflow.saga.resend-after", Duration.class, Duration.ofSeconds(10));
        this.defaultDeadline =
                environment.getProperty("orderflow.saga.deadlines.default", Duration.class, Duration.ofMinutes(2));
    }

    Duration resendAfter() {
        return resendAfter;
    }

    Duration giveUpAfter(OrderStatus status) {
        return environment.getProperty(
                "orderflow.saga.deadlines." + status.wireName(), Duration.class, defaultDeadline);
    }
}
