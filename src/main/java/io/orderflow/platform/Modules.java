package io.orderflow.platform;

import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.springframework.core.env.Environment;

/**
 * What this process runs, from {@code orderflow.modules} (comma separated, default {@code all}): business
 * modules ({@code all} names every one of them) and, in distributed mode, the edge roles {@code gateway} and
 * {@code discovery}, which are never part of {@code all}.
 */
public record Modules(Set<String> names) {

    public static final List<String> ALL =
            List.of("order", "catalog", "inventory", "payment", "shipping", "notification", "customer");

    /** The public entry of the distributed mode, and the registry it finds module instances in. */
    public static final List<String> ROLES = List.of("gateway", "discovery");

    public Modules {
        for (String name : names) {
            if (!ALL.contains(name) && !ROLES.contains(name)) {
                throw new IllegalArgumentException("orderflow.modules names unknown module '" + name
                        + "'; known modules: " + ALL + ", roles: " + ROLES);
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
        if (names.isEmpty()) {
            return new Modules(Set.copyOf(ALL));
        }
        if (names.remove("all")) {
            return new Modules(Stream.concat(ALL.stream(), names.stream().filter(ROLES::contains))
                    .collect(Collectors.toSet()));
        }
        return new Modules(names);
    }

    public boolean runs(String module) {
        return names.contains(module);
    }

    /** The business modules this process runs, in the canonical order of {@link #ALL}. */
    public List<String> running() {
        return ALL.stream().filter(this::runs).toList();
    }

    /** True when this process runs at least one business module (and so needs the database and a transport). */
    public boolean runsAnyModule() {
        return !running().isEmpty();
    }

    /** Each module owns one schema; {@code order} is a reserved word in SQL, hence {@code orders}. */
    public static String schemaOf(String module) {
        return "order".equals(module) ? "orders" : module;
    }
}
