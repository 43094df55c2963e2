package io.orderflow.messaging.rabbit;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentNavigableMap;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * The publisher confirms of one confirm-mode channel, tracked per batch, so that a publisher can send the next batch
 * before the broker has confirmed the last one (RabbitMQ's "handling publisher confirms asynchronously"). Each
 * message is registered under its publish sequence number before it is sent; the broker's acks and nacks (one or,
 * with {@code multiple}, every number up to a tag) settle it. A batch completes when its last message is settled:
 * with the ids the broker returned as unroutable (a {@code basic.return} comes before the confirm of its message, on
 * the same connection thread), or exceptionally when any of its messages was refused or the channel closed first.
 */
final class Confirms {

    private final ConcurrentNavigableMap<Long, Batch> unconfirmed = new ConcurrentSkipListMap<>();
    private final Set<UUID> returned = ConcurrentHashMap.newKeySet();

    /** One batch's messages; settled by the connection's thread, completed once. */
    static final class Batch {
        private final List<UUID> ids;
        private final CompletableFuture<Set<UUID>> confirmed = new CompletableFuture<>();
        private int pending; // guarded by this
        private boolean refused; // guarded by this

        private Batch(List<UUID> ids) {
            this.ids = ids;
            this.pending = ids.size();
        }

        /** Completes with the ids returned as unroutable, or exceptionally when the broker refused a message. */
        CompletableFuture<Set<UUID>> confirmed() {
            return confirmed;
        }
    }

    /** A batch of {@code ids}, to be published and {@link #track tracked} one message at a time. */
    Batch batch(List<UUID> ids) {
        Batch batch = new Batch(ids);
        if (ids.isEmpty()) {
            batch.confirmed.complete(Set.of());
        }
        return batch;
    }

    /** Called just before the message with publish sequence number {@code sequence} of {@code batch} is sent. */
    void track(long sequence, Batch batch) {
        unconfirmed.put(sequence, batch);
    }

    /** A {@code basic.return}: the message with this id reached no queue. */
    void returned(UUID messageId) {
        returned.add(messageId);
    }

    /** A {@code basic.ack}. */
    void acked(long tag, boolean multiple) {
        settle(tag, multiple, false);
    }

    /** A {@code basic.nack}: the broker could not take the message; its batch fails. */
    void nacked(long tag, boolean multiple) {
        settle(tag, multiple, true);
    }

    /** The channel closed: nothing still unconfirmed will be confirmed on it. */
    void closed(Throwable cause) {
        // taken one by one: a message tracked while the channel closes is failed too, not dropped unsettled
        for (Map.Entry<Long, Batch> entry; (entry = unconfirmed.pollFirstEntry()) != null; ) {
            Batch batch = entry.getValue();
            if (batch.confirmed.completeExceptionally(cause)) {
                batch.ids.forEach(returned::remove);
            }
        }
    }

    /** Messages sent and not yet settled. */
    int unconfirmed() {
        return unconfirmed.size();
    }

    private void settle(long tag, boolean multiple, boolean nack) {
        List<Batch> settled = new ArrayList<>();
        if (multiple) {
            var upTo = unconfirmed.headMap(tag, true);
            settled.addAll(upTo.values());
            upTo.clear();
        } else {
            Batch batch = unconfirmed.remove(tag);
            if (batch != null) {
                settled.add(batch);
            }
        }
        for (Batch batch : settled) {
            settleOne(batch, nack);
        }
    }

    private void settleOne(Batch batch, boolean nack) {
        boolean refused;
        synchronized (batch) {
            batch.refused |= nack;
            if (--batch.pending > 0) {
                return;
            }
            refused = batch.refused;
        }
        Set<UUID> unroutable = new HashSet<>();
        for (UUID id : batch.ids) {
            if (returned.remove(id)) {
                unroutable.add(id);
            }
        }
        if (refused) {
            batch.confirmed.completeExceptionally(
                    new IllegalStateException("RabbitMQ refused (nack) a message of the batch of " + batch.ids.size()));
        } else {
            batch.confirmed.complete(unroutable);
        }
    }
}
