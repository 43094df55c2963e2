package io.orderflow.messaging;

import static java.util.Objects.requireNonNull;

import io.micrometer.core.instrument.Tags;
import io.orderflow.platform.Modules;
import io.orderflow.platform.SampledGauges;
import java.util.List;
import java.util.Map;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The kernel's gauges, sampled periodically for the modules this process runs:
 * <ul>
 * <li>{@code orderflow.outbox.backlog{module}}: outbox rows not yet published</li>
 * <li>{@code orderflow.outbox.oldest.age{module}} (seconds): how long the oldest of them has waited</li>
 * <li>{@code orderflow.dead_letters.parked{module}}: messages parked in the module's dead letters and not yet re-driven or discarded</li>
 * <li>{@code orderflow.consumer.lag{queue}}: messages ready in each consumed queue and not yet taken</li>
 * </ul>
 */
final class MessagingMetrics {

    private final List<String> modules;
    private final JdbcClient jdbc;
    private final Transport transport;
    private final SampledGauges gauges;

    MessagingMetrics(List<String> modules, JdbcClient jdbc, Transport transport, SampledGauges gauges) {
        this.modules = modules;
        this.jdbc = jdbc;
        this.transport = transport;
        this.gauges = gauges;
        gauges.register("outbox", this::sampleOutboxes);
        gauges.register("consumer lag", this::sampleConsumerLag);
    }

    void sampleOutboxes() {
        for (String module : modules) {
            String schema = Modules.schemaOf(module);
            Map<String, Object> outbox = jdbc.sql("select count(*) as backlog, "
                            + "coalesce(extract(epoch from now() - min(occurred_at)), 0)::float8 as oldest from "
                            + schema
                            + ".outbox")
                    .query()
                    .singleRow();
            long parked = jdbc.sql("select count(*) from " + schema + ".dead_letter where status = 'parked'")
                    .query(Long.class)
                    .single();
            Tags tags = Tags.of("module", module);
            gauges.set(
                    "orderflow.outbox.backlog",
                    "Outbox rows not yet published",
                    null,
                    tags,
                    ((Number) requireNonNull(outbox.get("backlog"))).doubleValue());
            gauges.set(
                    "orderflow.outbox.oldest.age",
                    "Age of the oldest unpublished outbox row",
                    "seconds",
                    tags,
                    ((Number) requireNonNull(outbox.get("oldest"))).doubleValue());
            gauges.set(
                    "orderflow.dead_letters.parked",
                    "Messages parked in the module's dead letters",
                    null,
                    tags,
                    parked);
        }
    }

    void sampleConsumerLag() {
        transport
                .backlog()
                .forEach((queue, ready) -> gauges.set(
                        "orderflow.consumer.lag",
                        "Messages ready in the queue and not yet taken by a consumer",
                        null,
                        Tags.of("queue", queue, "transport", transport.name()),
                        ready));
    }
}
