package io.orderflow.tools;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** {@code --name value} and {@code --name=value} options, plus positional words. */
final class Args {

    private final Map<String, String> options = new LinkedHashMap<>();
    private final List<String> positional = new ArrayList<>();
    private final List<String> raw = new ArrayList<>();

    Args(String[] args, int from) {
        raw.addAll(List.of(args).subList(Math.min(from, args.length), args.length));
        for (int i = from; i < args.length; i++) {
            String a = args[i];
            if (a.startsWith("--")) {
                int eq = a.indexOf('=');
                if (eq > 0) {
                    options.put(a.substring(2, eq), a.substring(eq + 1));
                } else if (i + 1 < args.length && !args[i + 1].startsWith("--")) {
                    options.put(a.substring(2), args[++i]);
                } else {
                    options.put(a.substring(2), "true");
                }
            } else {
                positional.add(a);
            }
        }
    }

    /** The words as given, for reports that repeat the command line. */
    List<String> raw() {
        return raw;
    }

    List<String> positional() {
        return positional;
    }

    boolean has(String name) {
        return options.containsKey(name);
    }

    String get(String name, String fallback) {
        return options.getOrDefault(name, fallback);
    }

    String required(String name) {
        String value = options.get(name);
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("--" + name + " is required");
        }
        return value;
    }

    int integer(String name, int fallback) {
        return options.containsKey(name) ? Integer.parseInt(options.get(name)) : fallback;
    }

    double decimal(String name, double fallback) {
        return options.containsKey(name) ? Double.parseDouble(options.get(name)) : fallback;
    }

    boolean flag(String name) {
        return Boolean.parseBoolean(options.getOrDefault(name, "false"));
    }

    /** {@code 20}, {@code 20s}, {@code 500ms}, {@code 2m}. */
    Duration duration(String name, Duration fallback) {
        return options.containsKey(name) ? parseDuration(options.get(name)) : fallback;
    }

    static Duration parseDuration(String text) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        if (t.endsWith("ms")) {
            return Duration.ofMillis(Long.parseLong(t.substring(0, t.length() - 2)));
        }
        if (t.endsWith("s")) {
            return Duration.ofMillis(Math.round(Double.parseDouble(t.substring(0, t.length() - 1)) * 1000));
        }
        if (t.endsWith("m")) {
            return Duration.ofSeconds(Long.parseLong(t.substring(0, t.length() - 1)) * 60);
        }
        return Duration.ofSeconds(Long.parseLong(t));
    }

    /** {@code a=0.1,b=0.2} */
    static Map<String, Double> ratios(String text) {
        Map<String, Double> map = new LinkedHashMap<>();
        if (text == null || text.isBlank()) {
            return map;
        }
        for (String part : text.split(",")) {
            String[] kv = part.split("=", 2);
            if (kv.length != 2) {
                throw new IllegalArgumentException("expected name=value, not '" + part + "'");
            }
            map.put(kv[0].trim(), Double.parseDouble(kv[1].trim()));
        }
        return map;
    }
}
