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

    private MessageHandlers(String module, Map<String, Handler<?>> handlers) {
        this.module = module;
        this.handlers = Map.copyOf(handlers);
    }

    public static Builder forModule(String module) {
        return new Builder(module);
    }

    public String module() {
        return module;
    }

    public Set<String> types() {
        return handlers.keySet();
    }

    @Nullable
    Handler<?> handlerFor(String type) {
        return handlers.get(type);
    }

    public static final class Builder {

        private final String module;
        private final Map<String, Handler<?>> handlers = new LinkedHashMap<>();

        private Builder(String module) {
            this.module = module;
        }

        public <T> Builder on(Class<T> type, BiConsumer<T, MessageContext> action) {
            handlers.put(MessageTypes.nameOf(type), new Handler<>(type, action));
            return this;
        }

        public MessageHandlers build() {
            return new MessageHandlers(module, handlers);
        }
    }
}
