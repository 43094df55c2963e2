package io.orderflow.messaging;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;
import org.jspecify.annotations.Nullable;

/**
 * The messages one module consumes and what it does with each. Declared as a bean by the module; the
 * kernel binds the module's queue to exactly these types.
 *
 * <pre>
 * MessageHandlers.forModule("inventory")
 *         .on(ReserveStock.class, inventory::reserve)
 *         .on(ReleaseStock.class, inventory::release)
 *         .build();
 * </pre>
 */
public final class MessageHandlers {

    record Handler<T>(Class<T> type, BiConsumer<T, MessageContext> action) {

        void handle(Object message, MessageContext context) {
            action.accept(type.cast(message), context);
        }
    }

    private final String module;
    private final Map<String, Handler<?>> handlers;
    private final Map<String, Handler<?>> retired;
    private final boolean batchable;

    private MessageHandlers(
            String module, Map<String, Handler<?>> handlers, Map<String, Handler<?>> retired, boolean batchable) {
        this.module = module;
        this.handlers = Map.copyOf(handlers);
        this.retired = Map.copyOf(retired);
        this.batchable = batchable;
    }

    public static Builder forModule(String module) {
        return new Builder(module);
    }

    public String module() {
        return module;
    }

    /** The types the module's queue is bound to. */
    public Set<String> types() {
        return handlers.keySet();
    }

    /**
     * Types an earlier version consumed and this one no longer subscribes to: transports remove their bindings,
     * and messages of these types still queued are handled (see {@link Builder#retired}).
     */
    public Set<String> retiredTypes() {
        return retired.keySet();
    }

    /**
     * Whether a transport may apply several deliveries in one transaction (ADR 0020): true unless the module's
     * handlers wait on a remote service ({@link Builder#callsRemoteServices}).
     */
    public boolean batchable() {
        return batchable;
    }

    @Nullable
    Handler<?> handlerFor(String type) {
        Handler<?> handler = handlers.get(type);
        return handler != null ? handler : retired.get(type);
    }

    public static final class Builder {

        private final String module;
        private final Map<String, Handler<?>> handlers = new LinkedHashMap<>();
        private final Map<String, Handler<?>> retired = new LinkedHashMap<>();
        private boolean batchable = true;

        private Builder(String module) {
            this.module = module;
        }

        public <T> Builder on(Class<T> type, BiConsumer<T, MessageContext> action) {
            handlers.put(MessageTypes.nameOf(type), new Handler<>(type, action));
            return this;
        }

        /**
         * A type this module used to consume and no longer subscribes to: its binding is removed, so no new
         * message of it arrives, and the ones an earlier version left in the queue are still handled by
         * {@code action} instead of being parked as unknown.
         */
        public <T> Builder retired(Class<T> type, BiConsumer<T, MessageContext> action) {
            retired.put(MessageTypes.nameOf(type), new Handler<>(type, action));
            return this;
        }

        /**
         * The module's handlers call a remote service (a payment provider, a mail server) inside the delivery's
         * transaction: its deliveries are applied one per transaction, several at once, never in a batch, so a slow
         * call holds up one delivery rather than every delivery of a batch and a transaction held open over all of it.
         */
        public Builder callsRemoteServices() {
            batchable = false;
            return this;
        }

        public MessageHandlers build() {
            return new MessageHandlers(module, handlers, retired, batchable);
        }
    }
}
