package io.orderflow.messaging.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import io.orderflow.messaging.MessageHandlers;
import io.orderflow.messaging.postgres.PostgresTransport.Queue;
import io.orderflow.messaging.postgres.PostgresTransport.Queue.Claim;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * How the PostgreSQL transport's consumers decide to claim: one claim per message announced in this process,
 * a drain when the number is unknown (another process, a poll, a retry coming due). No claim for nothing.
 */
class ConsumerWakeUpUnitTest {

    static final long A_MINUTE = 60_000;

    final Queue queue =
            new Queue("orderflow.test", MessageHandlers.forModule("test").build(), null);
    final ExecutorService consumers = Executors.newFixedThreadPool(2);

    @AfterEach
    void stopConsumers() {
        queue.wakeAll();
        consumers.shutdownNow();
    }

    @Test
    void claimsOncePerAnnouncedMessage() {
        queue.wake(2);

        assertThat(queue.await(A_MINUTE)).isEqualTo(Claim.ONE);
        assertThat(queue.await(A_MINUTE)).isEqualTo(Claim.ONE);
        // nothing more was announced: the third waits for its poll, then drains
        assertThat(queue.await(1)).isEqualTo(Claim.DRAIN);
    }

    @Test
    void drainsWhenAnotherProcessSaysThereIsWork() {
        queue.wakeToDrain();

        assertThat(queue.await(A_MINUTE)).isEqualTo(Claim.DRAIN);
        assertThat(queue.await(1)).isEqualTo(Claim.DRAIN); // the poll, not a second drain
    }

    @Test
    void looksAgainWhenARetryComesDue() {
        queue.dueIn(Duration.ZERO);

        assertThat(queue.await(A_MINUTE)).isEqualTo(Claim.DRAIN);
    }

    @Test
    void wakesAWaitingConsumerForAnAnnouncement() throws Exception {
        CompletableFuture<Claim> waiting = CompletableFuture.supplyAsync(() -> queue.await(A_MINUTE), consumers);

        queue.wake(1);

        assertThat(waiting.get(30, TimeUnit.SECONDS)).isEqualTo(Claim.ONE);
    }

    @Test
    void letsEveryConsumerGoWhenStopping() throws Exception {
        CompletableFuture<Claim> first = CompletableFuture.supplyAsync(() -> queue.await(A_MINUTE), consumers);
        CompletableFuture<Claim> second = CompletableFuture.supplyAsync(() -> queue.await(A_MINUTE), consumers);

        queue.wakeAll();

        assertThat(first.get(30, TimeUnit.SECONDS)).isEqualTo(Claim.DRAIN);
        assertThat(second.get(30, TimeUnit.SECONDS)).isEqualTo(Claim.DRAIN);
        assertThat(queue.await(A_MINUTE)).as("no consumer waits once stopping").isEqualTo(Claim.DRAIN);
    }
}
