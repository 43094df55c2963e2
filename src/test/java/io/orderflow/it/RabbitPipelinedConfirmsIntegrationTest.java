package io.orderflow.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.rabbitmq.client.Connection;
import io.orderflow.messaging.Envelope;
import io.orderflow.messaging.rabbit.RabbitTransport;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.amqp.core.BindingBuilder;
import org.springframework.amqp.core.Queue;
import org.springframework.amqp.core.QueueBuilder;
import org.springframework.amqp.core.TopicExchange;
import org.springframework.amqp.rabbit.connection.CachingConnectionFactory;
import org.springframework.amqp.rabbit.core.RabbitAdmin;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

/**
 * The outbox relay sends a batch before the broker has confirmed the one before it ({@link
 * RabbitTransport#publishAsync}): each batch still learns its own outcome, confirmed, returned as unroutable, or
 * refused, on the local broker.
 */
class RabbitPipelinedConfirmsIntegrationTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    private final String namespace = TestInfrastructure.newNamespace();
    private final RecordingRabbitFactory publishers = new RecordingRabbitFactory("orderflow-publisher"::equals);
    private final List<Connection> opened = publishers.opened();
    private final CachingConnectionFactory factory = new CachingConnectionFactory(publishers);
    private final RabbitAdmin admin = new RabbitAdmin(factory);
    private RabbitTransport transport;

    @BeforeEach
    void setUp() {
        transport = new RabbitTransport(
                namespace, factory, new DataSourceTransactionManager(new DriverManagerDataSource()), 10, 1);
    }

    @AfterEach
    void tearDown() {
        transport.stop();
        admin.deleteQueue(namespace + ".probes");
        admin.deleteQueue(namespace + ".full");
        factory.destroy();
        TestInfrastructure.deleteNamespace(namespace);
    }

    @Test
    void batchesSentBackToBackAreEachConfirmedWithTheirOwnUnroutableMessages() {
        Queue probes = bind(QueueBuilder.durable(namespace + ".probes").build(), "PipelineProbe");
        List<CompletableFuture<Set<UUID>>> sent = new ArrayList<>();
        List<UUID> unroutable = new ArrayList<>();
        for (int b = 0; b < 6; b++) {
            List<Envelope> batch = new ArrayList<>(IntStream.range(0, 25)
                    .mapToObj(i -> envelope("PipelineProbe"))
                    .toList());
            if (b % 2 == 1) {
                Envelope nobodyListens = envelope("NobodyListens");
                batch.add(nobodyListens);
                unroutable.add(nobodyListens.messageId());
            }
            sent.add(transport.publishAsync(batch)); // none waited for before the next is sent
        }

        for (int b = 0; b < sent.size(); b++) {
            Set<UUID> returned =
                    sent.get(b).orTimeout(WAIT.toSeconds(), TimeUnit.SECONDS).join();
            assertThat(returned).isEqualTo(b % 2 == 1 ? Set.of(unroutable.get(b / 2)) : Set.of());
        }
        assertThat(admin.getQueueInfo(probes.getName()).getMessageCount()).isEqualTo(6 * 25);
        assertThat(opened).hasSize(1); // one channel carried all of them
    }

    @Test
    void aBatchTheBrokerRefusesFailsAndTheNextOneIsStillConfirmed() {
        // a full queue that rejects what comes on top: the broker nacks the message
        bind(
                QueueBuilder.durable(namespace + ".full")
                        .maxLength(1)
                        .overflow(QueueBuilder.Overflow.rejectPublish)
                        .build(),
                "FullProbe");
        bind(QueueBuilder.durable(namespace + ".probes").build(), "PipelineProbe");

        CompletableFuture<Set<UUID>> refused =
                transport.publishAsync(List.of(envelope("FullProbe"), envelope("FullProbe")));
        CompletableFuture<Set<UUID>> next = transport.publishAsync(List.of(envelope("PipelineProbe")));

        assertThat(next.orTimeout(WAIT.toSeconds(), TimeUnit.SECONDS).join()).isEmpty();
        assertThat(refused).failsWithin(WAIT);
    }

    @Test
    void aPublisherWhoseConnectionDiedIsReplacedForTheNextBatch() {
        bind(QueueBuilder.durable(namespace + ".probes").build(), "PipelineProbe");
        assertThat(transport.publishAsync(List.of(envelope("PipelineProbe"))))
                .succeedsWithin(WAIT)
                .isEqualTo(Set.of());

        opened.forEach(Connection::abort);

        assertThat(transport.publishAsync(List.of(envelope("PipelineProbe"))))
                .succeedsWithin(WAIT)
                .isEqualTo(Set.of());
        assertThat(opened).hasSize(2);
        assertThat(opened.get(1).isOpen()).isTrue();
    }

    @Test
    void aSendThatMayNotWaitGoesOnlyOnItsLanesOpenConnection() {
        Queue probes = bind(QueueBuilder.durable(namespace + ".probes").build(), "PipelineProbe");
        Object lane = new Object();
        assertThat(transport.publishAsync(List.of(envelope("PipelineProbe")), lane, false))
                .as("no connection of the lane's yet: opening one could wait")
                .isNull();
        assertThat(opened).isEmpty();

        assertThat(transport.publishAsync(List.of(envelope("PipelineProbe")), lane, true))
                .succeedsWithin(WAIT)
                .isEqualTo(Set.of());
        assertThat(transport.publishAsync(List.of(envelope("PipelineProbe")), lane, false))
                .succeedsWithin(WAIT)
                .isEqualTo(Set.of());
        assertThat(opened).hasSize(1); // the lane's one connection carried both
        assertThat(admin.getQueueInfo(probes.getName()).getMessageCount()).isEqualTo(2);

        opened.forEach(Connection::abort);
        assertThat(transport.publishAsync(List.of(envelope("PipelineProbe")), lane, false))
                .as("its connection died: a sender that may wait opens the next")
                .isNull();
        assertThat(opened).hasSize(1);
    }

    private Queue bind(Queue queue, String type) {
        admin.declareQueue(queue);
        admin.declareBinding(
                BindingBuilder.bind(queue).to(new TopicExchange(namespace)).with(type));
        return queue;
    }

    private static Envelope envelope(String type) {
        return new Envelope(
                UUID.randomUUID(), type, Envelope.CURRENT_VERSION, null, null, Instant.now(), "{}", Map.of());
    }
}
