package io.orderflow.messaging;

import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;

/** The parameters of a runtime chaos fault ({@link ChaosFault#inject}), read strictly: an unknown name is refused. */
final class FaultParameters {

    private final Map<String, String> values;

    FaultParameters(Map<String, String> values, Set<String> known) {
        Set<String> unknown = new TreeSet<>(values.keySet());
        unknown.removeAll(known);
        if (!unknown.isEmpty()) {
            throw new IllegalArgumentException("unknown parameter(s) " + unknown + "; known: " + new TreeSet<>(known));
        }
        this.values = Map.copyOf(values);
    }

    @Nullable
    String text(String name) {
        String value = values.get(name);
        return value == null || value.isBlank() ? null : value.strip();
    }

    double decimal(String name, double fallback) {
        String value = text(name);
        try {
            return value == null ? fallback : Double.parseDouble(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " must be a number, not '" + value + "'");
        }
    }

    long integer(String name, long fallback, long min, long max) {
        String value = text(name);
        long parsed;
        try {
            parsed = value == null ? fallback : Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " must be an integer, not '" + value + "'");
        }
        if (parsed < min || parsed > max) {
            throw new IllegalArgumentException(name + " must be " + min + ".." + max + ", not " + parsed);
        }
        return parsed;
    }
}
