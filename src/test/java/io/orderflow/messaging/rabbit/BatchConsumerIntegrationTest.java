package io.orderflow.messaging.rabbit;

import static org.assertj.core.api.Assertions.assertThat;

import com.rabbitmq.client.Connection;
import io.orderflow.it.RecordingRabbitFactory;
import io.orderflow.it.TestInfrastructure;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.stream.IntStream;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.Queue;
import org.springframework.amqp.rabbit.connection.CachingConnectionFactory;
import org.springframework.amqp.rabbit.core.RabbitAdmin;
import org.springframework.amqp.rabbit.core.RabbitTemplate;

/**
 * The batch consumer on the local RabbitMQ: a backlog comes in batches up to the limit, in order, each batch
 * acknowledged by one multiple-ack; when its connection dies it connects again and goes on.
 */
class BatchConsumerIntegrationTest {

    private final String queue = "orderflow-it-batch-" + UUID.randomUUID();
    private final CachingConnectionFactory rabbit = TestInfrastructure.rabbitConnectionFactory();
    private final RabbitAdmin admin = new RabbitAdmin(rabbit);
    private final RecordingRabbitFactory connections = new RecordingRabbitFactory(name -> true);
    private final List<Connection> opened = connections.opened();
    private final List<List<String>> batches = new CopyOnWriteArrayList<>();
    private BatchConsumer consumer;

    @AfterEach
    void tearDown() {
        if (consumer != null) {
            consumer.stop(Duration.ofSeconds(5));
        }
        admin.deleteQueue(queue);
        rabbit.destroy();
    }

    @Test
    void takesABacklogInBatchesAcknowledgesEachAtOnceAndResumesAfterItsConnectionDied() {
        admin.declareQueue(new Queue(queue, false));
        send(0, 30); // waiting before the consumer starts
        consumer = new BatchConsumer(
                connections,
                queue,
                50,
                10,
                Duration.ofMillis(200),
                () -> admin.declareQueue(new Queue(queue, false)),
                (batch, channel) -> {
                    if (batches.isEmpty()) {
                        pause(); // the rest of the backlog arrives meanwhile
                    }
                    batches.add(batch.stream()
                            .map(BatchConsumerIntegrationTest::body)
                            .toList());
                    channel.basicAck(
                            batch.get(batch.size() - 1).getMessageProperties().getDeliveryTag(), true);
                });
        consumer.start();

        Awaitility.await("the backlog consumed")
                .atMost(Duration.ofSeconds(30))
                .until(() -> received().size() == 30);
        assertThat(received()).isEqualTo(bodies(0, 30));
        assertThat(batches).allSatisfy(b -> assertThat(b).hasSizeLessThanOrEqualTo(10));
        assertThat(batches.stream().mapToInt(List::size).max().orElse(0)).isEqualTo(10);
        assertThat(opened).hasSize(1);
        assertRunsCallbacksOnTheReadingThread(opened.get(0));

        opened.get(0).abort(); // as a broker restart or a cut connection would
        send(30, 35);

        Awaitility.await("the messages sent after the connection died")
                .atMost(Duration.ofSeconds(30))
                .until(() -> received().size() >= 35);
        assertThat(received()).isEqualTo(bodies(0, 35));
        assertThat(opened).hasSize(2);
        assertRunsCallbacksOnTheReadingThread(opened.get(1));

        consumer.stop(Duration.ofSeconds(5));
        var info = admin.getQueueInfo(queue);
        assertThat(info).isNotNull();
        assertThat(info.getMessageCount()).as("every delivery acknowledged").isZero();
    }

    /**
     * The connection hands the client's callbacks (each delivery) to an executor that runs them on the thread that
     * hands them over, the connection's reading thread, not to a pool of threads of its own.
     */
    private void assertRunsCallbacksOnTheReadingThread(Connection connection) {
        ExecutorService executor = connections
                .consumerExecutorOf(connection)
                .orElseThrow(() -> new AssertionError("the consumer's connection dispatches on the client's own pool"));
        List<Thread> ranOn = new CopyOnWriteArrayList<>();
        executor.execute(() -> ranOn.add(Thread.currentThread()));
        assertThat(ranOn).as("run at once, on the thread that handed it over").containsExactly(Thread.currentThread());
    }

    private void send(int from, int to) {
        RabbitTemplate template = new RabbitTemplate(rabbit);
        bodies(from, to).forEach(body -> template.send("", queue, new Message(body.getBytes(StandardCharsets.UTF_8))));
    }

    private List<String> received() {
        return batches.stream().flatMap(List::stream).toList();
    }

    private static List<String> bodies(int from, int to) {
        return IntStream.range(from, to).mapToObj(i -> "m" + i).toList();
    }

    private static String body(Message message) {
        return new String(message.getBody(), StandardCharsets.UTF_8);
    }

    private static void pause() {
        try {
            Thread.sleep(300);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
