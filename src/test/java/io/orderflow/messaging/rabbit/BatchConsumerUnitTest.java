package io.orderflow.messaging.rabbit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.rabbitmq.client.ConnectionFactory;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import org.junit.jupiter.api.Test;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.MessageProperties;

class BatchConsumerUnitTest {

    @Test
    void takesWhatHasArrivedUpToTheLimitWithoutWaitingForMore() throws InterruptedException {
        BlockingQueue<Message> received = new LinkedBlockingQueue<>();
        for (int i = 0; i < 5; i++) {
            received.add(message(i));
        }

        assertThat(ids(BatchConsumer.nextBatch(received, 3, 0))).containsExactly("0", "1", "2");
        assertThat(ids(BatchConsumer.nextBatch(received, 3, 0))).containsExactly("3", "4");
        assertThat(BatchConsumer.nextBatch(received, 3, 0)).isEmpty();
    }

    @Test
    void aSingleMessageIsABatchOfOneAsSoonAsItArrives() throws InterruptedException {
        BlockingQueue<Message> received = new LinkedBlockingQueue<>();
        Thread sender = new Thread(() -> received.add(message(7)));
        sender.start();

        // waits for the first (up to the limit given), never for a second
        assertThat(ids(BatchConsumer.nextBatch(received, 32, 10_000))).containsExactly("7");
        sender.join();
    }

    @Test
    void refusesABatchLargerThanThePrefetch() {
        assertThatThrownBy(() -> new BatchConsumer(
                        new ConnectionFactory(), "q", 10, 11, Duration.ofSeconds(1), () -> {}, (batch, channel) -> {}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("prefetch");
    }

    private static Message message(int id) {
        MessageProperties properties = new MessageProperties();
        properties.setMessageId(Integer.toString(id));
        return new Message(new byte[0], properties);
    }

    private static List<String> ids(List<Message> batch) {
        return batch.stream().map(m -> m.getMessageProperties().getMessageId()).toList();
    }
}
