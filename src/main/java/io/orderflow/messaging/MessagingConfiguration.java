package io.orderflow.messaging;

import io.micrometer.core.instrument.MeterRegistry;
import io.orderflow.messaging.postgres.PostgresTransport;
import io.orderflow.messaging.rabbit.RabbitTransport;
import io.orderflow.messaging.redis.RedisTransport;
import io.orderflow.messaging.redis.RedisTransportHealth;
import io.orderflow.platform.ConditionalOnAnyModule;
import io.orderflow.platform.Modules;
import io.orderflow.platform.SampledGauges;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import javax.sql.DataSource;
import org.springframework.amqp.rabbit.connection.CachingConnectionFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.ComponentScan;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.json.JsonMapper;

/**
 * Wires the kernel: one transport ({@code orderflow.transport}), every module's handlers subscribed to it,
 * and an outbox relay for each module this process runs.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnAnyModule
@ComponentScan
public class MessagingConfiguration {

    @Bean
    RetryPolicy retryPolicy(
            @Value("${orderflow.messaging.retry.base:200ms}") Duration base,
            @Value("${orderflow.messaging.retry.cap:30s}") Duration cap,
            @Value("${orderflow.messaging.retry.max-attempts:8}") int maxAttempts,
            @Value("${orderflow.messaging.retry.outage-max-attempts:240}") int outageMaxAttempts) {
        return new RetryPolicy(base, cap, maxAttempts, outageMaxAttempts);
    }

    @Bean
    Dispatcher dispatcher(
            DataSource dataSource,
            JdbcClient jdbc,
            JsonMapper json,
            Outbox outbox,
            RetryPolicy retryPolicy,
            MeterRegistry meters,
            MessageTracing tracing,
            Journal journal,
            @Value("${orderflow.chaos.lose-messages:}") Set<String> lost,
            @Value("${orderflow.chaos.skip-inbox:}") Set<String> inboxSkipped,
            TransportFaults faults) {
        return new Dispatcher(
                dataSource, jdbc, json, outbox, retryPolicy, meters, tracing, journal, lost, inboxSkipped, faults);
    }

    /** The kernel's chaos hooks: always there, all off; only the chaos controls below switch them. */
    @Bean
    TransportFaults transportFaults() {
        return new TransportFaults();
    }

    @Bean
    @ConditionalOnBooleanProperty(ChaosFault.CONTROLS_ENABLED)
    ChaosFault duplicateDeliveryFault(TransportFaults faults) {
        return new DuplicateDeliveryFault(faults);
    }

    @Bean
    @ConditionalOnBooleanProperty(ChaosFault.CONTROLS_ENABLED)
    ChaosFault reorderedDeliveryFault(TransportFaults faults, Transport transport) {
        return new ReorderedDeliveryFault(faults, transport);
    }

    @Bean
    @ConditionalOnBooleanProperty(ChaosFault.CONTROLS_ENABLED)
    ChaosFault poisonMessagesFault(
            List<MessageHandlers> handlers,
            Transport transport,
            PlatformTransactionManager transactions,
            JsonMapper json) {
        return new PoisonMessagesFault(handlers, transport, new TransactionTemplate(transactions), json);
    }

    @Bean
    Journal journal(JournalWriter writer, @Value("${orderflow.journal.enabled:true}") boolean enabled) {
        return new Journal(writer, enabled);
    }

    @Bean
    JournalWriter journalWriter(
            JdbcClient jdbc,
            PlatformTransactionManager transactions,
            MeterRegistry meters,
            @Value("${orderflow.journal.enabled:true}") boolean enabled,
            @Value("${orderflow.journal.instance:}") String instance,
            @Value("${orderflow.journal.write:batched}") String write,
            @Value("${orderflow.journal.flush-interval:200ms}") Duration flushInterval,
            @Value("${orderflow.journal.buffer-capacity:100000}") int capacity) {
        boolean batched = switch (write) {
            case "batched" -> true;
            case "in-transaction" -> false;
            default ->
                throw new IllegalArgumentException(
                        "orderflow.journal.write must be batched or in-transaction, not " + write);
        };
        return new JournalWriter(
                jdbc,
                new TransactionTemplate(transactions),
                instance.isBlank() ? Journal.thisInstance() : instance,
                enabled && batched,
                flushInterval,
                capacity,
                1000,
                meters);
    }

    @Bean
    JournalMaintenance journalMaintenance(
            Environment environment,
            JdbcClient jdbc,
            PlatformTransactionManager transactions,
            @Value("${orderflow.journal.retention:7d}") Duration retention,
            @Value("${orderflow.journal.maintenance-interval:1h}") Duration interval) {
        return new JournalMaintenance(
                jdbc,
                new TransactionTemplate(transactions),
                Modules.from(environment).running(),
                retention,
                interval);
    }

    @Bean
    MessagingMetrics messagingMetrics(
            Environment environment, JdbcClient jdbc, Transport transport, SampledGauges gauges) {
        return new MessagingMetrics(Modules.from(environment).running(), jdbc, transport, gauges);
    }

    @Bean
    @ConditionalOnProperty(name = "orderflow.transport", havingValue = "postgres", matchIfMissing = true)
    PostgresTransport postgresTransport(
            DataSource dataSource,
            PlatformTransactionManager transactions,
            JsonMapper json,
            @Value("${orderflow.messaging.consumers:4}") int consumers,
            @Value("${orderflow.messaging.poll-interval:1s}") Duration pollInterval,
            @Value("${orderflow.messaging.postgres.direct-publish:true}") boolean directPublish,
            // costs nothing while no other process is heard on the database (PostgresTransport#heard)
            @Value("${orderflow.messaging.postgres.notify-other-processes:true}") boolean notifyOthers,
            TransportFaults faults) {
        return new PostgresTransport(
                dataSource, transactions, json, consumers, pollInterval, directPublish, notifyOthers, faults);
    }

    @Bean
    @ConditionalOnProperty(name = "orderflow.transport", havingValue = "rabbitmq")
    RabbitTransport rabbitTransport(
            @Value("${orderflow.messaging.rabbitmq.namespace:orderflow}") String namespace,
            CachingConnectionFactory connectionFactory,
            PlatformTransactionManager transactions,
            @Value("${orderflow.messaging.prefetch:50}") int prefetch,
            @Value("${orderflow.messaging.consumers:4}") int consumers,
            @Value("${orderflow.messaging.batch-size:32}") int batchSize,
            @Value("${orderflow.messaging.rabbitmq.broadcast-linger:20ms}") Duration broadcastLinger,
            TransportFaults faults) {
        return new RabbitTransport(
                namespace, connectionFactory, transactions, prefetch, consumers, batchSize, faults, broadcastLinger);
    }

    @Bean
    @ConditionalOnProperty(name = "orderflow.transport", havingValue = "redis")
    RedisTransport redisTransport(
            @Value("${orderflow.redis.url:redis://127.0.0.1:6379}") String url,
            @Value("${orderflow.redis.prefix:orderflow}") String prefix,
            @Value("${orderflow.redis.claim-idle:30s}") Duration claimIdle,
            PlatformTransactionManager transactions,
            JsonMapper json,
            @Value("${orderflow.messaging.consumers:4}") int consumers,
            SampledGauges gauges,
            TransportFaults faults) {
        return new RedisTransport(url, prefix, transactions, json, consumers, claimIdle, gauges, faults);
    }

    @Bean
    @ConditionalOnProperty(name = "orderflow.transport", havingValue = "redis")
    RedisTransportHealth redisTransportHealthIndicator(RedisTransport transport) {
        return new RedisTransportHealth(transport);
    }

    /**
     * Subscribes every module's handlers just before the transport starts delivering. Done here rather than
     * when the transport is built, because handlers may themselves need the transport (to broadcast).
     */
    @Bean
    SmartLifecycle subscriptions(
            Transport transport,
            Topology topology,
            List<MessageHandlers> handlers,
            Dispatcher dispatcher,
            TransportFaults faults) {
        handlers.forEach(topology::check);
        faults.redeliverThrough(transport::redeliver);
        return atPhase(
                -100,
                () -> {
                    transport.declare(topology);
                    handlers.forEach(h -> transport.subscribe(h, dispatcher));
                },
                () -> {});
    }

    /** The relays start after the consumers (so bindings exist), before the web server takes traffic. */
    @Bean
    SmartLifecycle outboxRelays(
            Environment environment,
            JdbcClient jdbc,
            PlatformTransactionManager transactions,
            Transport transport,
            JsonMapper json,
            Outbox outbox,
            @Value("${orderflow.messaging.relay.sweep-interval:1s}") Duration sweepInterval,
            @Value("${orderflow.messaging.relay.delete-delay:250ms}") Duration deleteDelay) {
        TransactionTemplate tx = new TransactionTemplate(transactions);
        List<OutboxRelay> relays = Modules.from(environment).running().stream()
                .map(m -> new OutboxRelay(m, jdbc, tx, transport, json, outbox, sweepInterval, deleteDelay))
                .toList();
        return atPhase(100, () -> relays.forEach(OutboxRelay::start), () -> relays.forEach(OutboxRelay::stop));
    }

    @Bean
    InboxRetention inboxRetention(
            Environment environment,
            JdbcClient jdbc,
            @Value("${orderflow.messaging.inbox.retention:14d}") Duration retention,
            @Value("${orderflow.messaging.inbox.retention-check-interval:1h}") Duration interval) {
        return new InboxRetention(jdbc, Modules.from(environment).running(), retention, interval);
    }

    /** A start-up step: what to start and stop, and when relative to the rest of the application. */
    private static SmartLifecycle atPhase(int phase, Runnable start, Runnable stop) {
        return new SmartLifecycle() {
            private volatile boolean running;

            @Override
            public void start() {
                start.run();
                running = true;
            }

            @Override
            public void stop() {
                stop.run();
                running = false;
            }

            @Override
            public boolean isRunning() {
                return running;
            }

            @Override
            public int getPhase() {
                return phase;
            }
        };
    }
}
