package io.orderflow.messaging.rabbit;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class ConfirmsUnitTest {

    private final Confirms confirms = new Confirms();
    private long nextSequence = 1;

    @Test
    void aBatchCompletesWhenItsLastMessageIsConfirmedNotBefore() {
        UUID a = UUID.randomUUID();
        UUID b = UUID.randomUUID();
        CompletableFuture<Set<UUID>> batch = send(a, b);

        confirms.acked(1, false);
        assertThat(batch).isNotDone();

        confirms.acked(2, false);
        assertThat(batch).isCompletedWithValue(Set.of());
        assertThat(confirms.unconfirmed()).isZero();
    }

    @Test
    void oneMultipleAckSettlesEveryBatchUpToItsTagAndNoneAfter() {
        CompletableFuture<Set<UUID>> first = send(UUID.randomUUID(), UUID.randomUUID());
        CompletableFuture<Set<UUID>> second = send(UUID.randomUUID());
        CompletableFuture<Set<UUID>> third = send(UUID.randomUUID(), UUID.randomUUID());

        confirms.acked(4, true); // the first four messages: the first two batches and half of the third

        assertThat(first).isCompletedWithValue(Set.of());
        assertThat(second).isCompletedWithValue(Set.of());
        assertThat(third).isNotDone();
        assertThat(confirms.unconfirmed()).isEqualTo(1);

        confirms.acked(5, true);
        assertThat(third).isCompletedWithValue(Set.of());
    }

    @Test
    void aBatchReportsTheMessagesReturnedAsUnroutableAndOnlyItsOwn() {
        UUID routed = UUID.randomUUID();
        UUID unroutable = UUID.randomUUID();
        UUID unroutableLater = UUID.randomUUID();
        CompletableFuture<Set<UUID>> first = send(routed, unroutable);
        CompletableFuture<Set<UUID>> second = send(unroutableLater);

        confirms.returned(unroutable); // a return comes before the confirm of its message
        confirms.acked(2, true);
        confirms.returned(unroutableLater);
        confirms.acked(3, false);

        assertThat(first).isCompletedWithValue(Set.of(unroutable));
        assertThat(second).isCompletedWithValue(Set.of(unroutableLater));
    }

    @Test
    void aBatchWithARefusedMessageFailsOnceAllOfItIsSettled() {
        CompletableFuture<Set<UUID>> batch = send(UUID.randomUUID(), UUID.randomUUID(), UUID.randomUUID());
        CompletableFuture<Set<UUID>> next = send(UUID.randomUUID());

        confirms.nacked(2, false);
        assertThat(batch).isNotDone();

        confirms.acked(4, true);
        assertThat(batch).isCompletedExceptionally();
        assertThat(next).isCompletedWithValue(Set.of());
    }

    @Test
    void whenTheChannelClosesEveryUnconfirmedBatchFailsAndTheConfirmedStayConfirmed() {
        CompletableFuture<Set<UUID>> confirmed = send(UUID.randomUUID());
        CompletableFuture<Set<UUID>> halfConfirmed = send(UUID.randomUUID(), UUID.randomUUID());
        CompletableFuture<Set<UUID>> unconfirmed = send(UUID.randomUUID());
        confirms.acked(2, true);

        confirms.closed(new IOException("connection reset"));

        assertThat(confirmed).isCompletedWithValue(Set.of());
        assertThat(halfConfirmed).isCompletedExceptionally();
        assertThat(unconfirmed).isCompletedExceptionally();
        assertThat(confirms.unconfirmed()).isZero();
        confirms.acked(4, true); // a late confirm of nothing tracked any more changes nothing
    }

    @Test
    void anEmptyBatchIsConfirmedAtOnce() {
        assertThat(confirms.batch(List.of()).confirmed()).isCompletedWithValue(Set.of());
    }

    /** Tracks a batch the way the publisher does, one publish sequence number per message. */
    private CompletableFuture<Set<UUID>> send(UUID... ids) {
        Confirms.Batch batch = confirms.batch(List.of(ids));
        for (int i = 0; i < ids.length; i++) {
            confirms.track(nextSequence++, batch);
        }
        return batch.confirmed();
    }
}
