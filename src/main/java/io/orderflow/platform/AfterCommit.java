package io.orderflow.platform;

import java.util.function.Consumer;
import java.util.function.Supplier;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * Work that must wait until the current transaction has committed, and must not happen when it rolls back: waking a
 * relay or a consumer, announcing a change, evicting a cache entry, counting an outcome. The one way the code base
 * registers such work (collections that are also given to a callback before the commit, such as the outbox's rows and
 * the message journal's entries, use {@link TransactionBound}; admission control's synchronization, which counts both
 * outcomes, is the exception).
 */
public final class AfterCommit {

    private AfterCommit() {}

    /** Runs {@code action} once the current transaction has committed (never if it rolls back), or now outside one. */
    public static void run(Runnable action) {
        if (!TransactionSynchronizationManager.isSynchronizationActive()) {
            action.run();
            return;
        }
        TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
            @Override
            public void afterCommit() {
                action.run();
            }
        });
    }

    /**
     * The current transaction's collection under {@code key}, made by {@code create} on its first use; once the
     * transaction has committed, {@code onCommit} is given it (once, whatever was added), and when it rolls back
     * nothing happens. For work that is done once per transaction for everything the transaction did.
     *
     * @throws IllegalStateException outside a transaction
     */
    public static <T> T collect(String key, Supplier<T> create, Consumer<T> onCommit) {
        return TransactionBound.collect(key, create, collected -> {}, onCommit);
    }
}
