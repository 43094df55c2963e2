package io.orderflow.messaging;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * Which message types each module consumes: the routing of the whole system, known to every process. A
 * transport declares every module's queue and bindings from it at start, so a message sent to a module that
 * has never started waits in that module's queue instead of being unroutable.
 */
public record Topology(Map<String, Set<String>> consumers) {

    public Topology {
        Map<String, Set<String>> copy = new LinkedHashMap<>();
        consumers.forEach((module, types) -> copy.put(module, Set.copyOf(types)));
        consumers = Collections.unmodifiableMap(copy);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The message types {@code module} consumes (empty for a module that consumes nothing). */
    public Set<String> typesOf(String module) {
        return consumers.getOrDefault(module, Set.of());
    }

    /** Fails fast when a module's handlers and its declared consumption disagree. */
    void check(MessageHandlers handlers) {
        Set<String> declared = typesOf(handlers.module());
        if (!declared.equals(handlers.types())) {
            throw new IllegalStateException(
                    "Module " + handlers.module() + " handles " + new TreeSet<>(handlers.types())
                            + " but declares that it consumes " + new TreeSet<>(declared)
                            + "; keep the module's CONSUMES in step with its handlers");
        }
    }

    public static final class Builder {

        private final Map<String, Set<String>> consumers = new LinkedHashMap<>();

        public Builder module(String module, List<Class<?>> consumes) {
            consumers.put(module, consumes.stream().map(MessageTypes::nameOf).collect(Collectors.toSet()));
            return this;
        }

        public Topology build() {
            return new Topology(consumers);
        }
    }
}
