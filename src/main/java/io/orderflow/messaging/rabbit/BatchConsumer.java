package io.orderflow.messaging.rabbit;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Envelope;
import com.rabbitmq.client.ShutdownSignalException;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.rabbit.support.DefaultMessagePropertiesConverter;
import org.springframework.amqp.rabbit.support.MessagePropertiesConverter;
import org.springframework.core.task.SyncTaskExecutor;
import org.springframework.core.task.support.ExecutorServiceAdapter;

/**
 * One consumer of a module's queue that hands its listener every delivery already received, up to {@code maxBatch},
 * as one batch: it waits for the first and takes the rest without waiting (ADR 0020). Under light load a batch is one
 * message, as soon as it arrives; under load it is what arrived while the previous batch was being applied, so the
 * batch grows with the backlog and the cost of a commit and an acknowledgement is shared by all of it.
 *
 * <p>The client calls {@link Deliveries} on the thread that read the delivery off the socket, the connection's own
 * ({@link #ON_READING_THREAD}): all it does is queue the delivery for the worker, which does not block, so the client's
 * pool of dispatch threads would only add a hand-off between threads to every delivery (ADR 0020, amendment of
 * 2026-12-06).
 *
 * <p>It owns its connection and channel ({@code basicQos(prefetch)}, manual acknowledgement). When the channel or the
 * connection closes (a broker restart, a cut connection, the queue deleted), the deliveries it holds are dropped (the
 * broker delivers them again, as they were never acknowledged), and it connects again after {@code recoveryInterval},
 * declaring the queue first through {@code redeclare}.
 */
final class BatchConsumer {

    private static final Logger log = LoggerFactory.getLogger(BatchConsumer.class);
    private static final MessagePropertiesConverter PROPERTIES = new DefaultMessagePropertiesConverter();
    /**
     * The consumer connection's executor for the client's callbacks: each runs on the thread that hands it over. The
     * client never shuts down an executor it was given, so one serves every connection.
     */
    static final ExecutorService ON_READING_THREAD = new ExecutorServiceAdapter(new SyncTaskExecutor());

    /** Applies one batch and acknowledges it on {@code channel}, the channel its messages came from. */
    interface Listener {
        void onBatch(List<Message> batch, Channel channel) throws IOException;
    }

    private final ConnectionFactory factory;
    private final String queue;
    private final int prefetch;
    private final int maxBatch;
    private final Duration recoveryInterval;
    private final Runnable redeclare;
    private final Listener listener;
    private volatile boolean running;
    private volatile @Nullable Thread worker;
    private volatile @Nullable Connection connection;

    BatchConsumer(
            ConnectionFactory factory,
            String queue,
            int prefetch,
            int maxBatch,
            Duration recoveryInterval,
            Runnable redeclare,
            Listener listener) {
        if (maxBatch < 1 || prefetch < maxBatch) {
            throw new IllegalArgumentException(
                    "a batch holds 1 to prefetch (" + prefetch + ") messages, not " + maxBatch);
        }
        this.factory = factory;
        this.queue = queue;
        this.prefetch = prefetch;
        this.maxBatch = maxBatch;
        this.recoveryInterval = recoveryInterval;
        this.redeclare = redeclare;
        this.listener = listener;
    }

    synchronized void start() {
        if (running) {
            return;
        }
        running = true;
        Thread thread = new Thread(this::run, "rabbit-consumer-" + queue);
        thread.setDaemon(true);
        worker = thread;
        thread.start();
    }

    /** Lets the batch being applied finish, then closes the connection; what it held is delivered again. */
    synchronized void stop(Duration timeout) {
        running = false;
        Thread thread = worker;
        if (thread == null) {
            return;
        }
        try {
            thread.join(timeout.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        closeQuietly(connection); // a worker still busy past the timeout loses its channel: redelivered
        worker = null;
    }

    private void run() {
        boolean first = true;
        while (running) {
            try {
                if (!first) {
                    redeclare.run();
                }
                first = false;
                consume();
            } catch (IOException | TimeoutException | RuntimeException e) {
                if (running) {
                    // a closed channel or connection, or a batch whose failure could not even be recorded (the
                    // database down while parking): what was not acknowledged is delivered again
                    log.warn(
                            "consumer of {} stopped ({}); connecting again in {} ms",
                            queue,
                            e.toString(),
                            recoveryInterval.toMillis());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } finally {
                closeQuietly(connection);
                connection = null;
            }
            if (running) {
                sleep(recoveryInterval);
            }
        }
    }

    /** Consumes until the channel closes or the consumer stops. */
    private void consume() throws IOException, TimeoutException, InterruptedException {
        Connection opened = factory.newConnection(ON_READING_THREAD, "orderflow-consumer-" + queue);
        connection = opened;
        Channel channel = opened.createChannel();
        channel.basicQos(prefetch);
        Deliveries deliveries = new Deliveries(channel);
        channel.basicConsume(queue, false, deliveries);
        while (running) {
            List<Message> batch = nextBatch(deliveries.received, maxBatch, 1000);
            if (deliveries.closed != null) {
                throw new IOException("channel closed: " + deliveries.closed);
            }
            if (!batch.isEmpty()) {
                listener.onBatch(batch, channel);
            }
        }
    }

    /**
     * The next batch from {@code received}: waits up to {@code waitMillis} for the first message, then takes what is
     * there without waiting, {@code maxBatch} at most; empty when nothing came.
     */
    static List<Message> nextBatch(BlockingQueue<Message> received, int maxBatch, long waitMillis)
            throws InterruptedException {
        Message first = received.poll(waitMillis, TimeUnit.MILLISECONDS);
        if (first == null) {
            return List.of();
        }
        List<Message> batch = new ArrayList<>(Math.min(maxBatch, received.size() + 1));
        batch.add(first);
        received.drainTo(batch, maxBatch - 1);
        return batch;
    }

    /**
     * The client's callbacks, on the connection's reading thread: deliveries into a queue for the worker, and whether
     * the channel has closed. None may block, or the connection would stop reading.
     */
    private final class Deliveries extends DefaultConsumer {

        final BlockingQueue<Message> received = new LinkedBlockingQueue<>();
        volatile @Nullable String closed;

        Deliveries(Channel channel) {
            super(channel);
        }

        @Override
        public void handleDelivery(
                String consumerTag, Envelope envelope, AMQP.BasicProperties properties, byte[] body) {
            received.add(new Message(body, PROPERTIES.toMessageProperties(properties, envelope, "UTF-8")));
        }

        @Override
        public void handleCancel(String consumerTag) {
            closed = "the broker cancelled the consumer (was " + queue + " deleted?)";
        }

        @Override
        public void handleShutdownSignal(String consumerTag, ShutdownSignalException signal) {
            closed = signal.getMessage();
        }
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void closeQuietly(@Nullable Connection connection) {
        if (connection != null && connection.isOpen()) {
            try {
                connection.close();
            } catch (IOException | RuntimeException e) {
                log.debug("closing a consumer connection", e);
            }
        }
    }
}
