package io.orderflow.platform;

import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;
import org.springframework.core.env.Environment;

/**
 * The modules this process runs, from {@code orderflow.modules} (comma separated, default {@code all}).
 */
public record Modules(Set<String> names) {

    public static final List<String> ALL = List.of("order", "catalog", "inventory", "payment", "shipping",
            "notification");

    public Modules {
        for (String name : names) {
            if (!ALL.contains(name)) {
                throw new IllegalArgumentException(
                        "orderflow.modules names unknown module '" + name + "'; known modules: " + ALL);
            }
        }
        names = Set.copyOf(names);
    }

    public static Modules from(Environment environment) {
        return parse(environment.getProperty("orderflow.modules", "all"));
    }

    public static Modules parse(String value) {
        Set<String> names = Arrays.stream(value.split(","))
                .map(String::trim)
                .map(s -> s.toLowerCase(Locale.ROOT))
                .filter(s -> !s.isEmpty())
                .collect(Collectors.toCollection(LinkedHashSet::new));
        if (names.isEmpty() || names.contains("all")) {
            return new Modules(Set.copyOf(ALL));
        }
        return new Modules(names);
    }

    public boolean runs(String module) {
        return names.contains(module);
    }

    /** The modules this process runs, in the canonical order of {@link #ALL}. */
    public List<String> running() {
        return ALL.stream().filter(this::runs).toList();
    }

    /** Each module owns one schema; {@code order} is a reserved word in SQL, hence {@code orders}. */
    public static String schemaOf(String module) {
        return "order".equals(module) ? "orders" : module;
    }
}
