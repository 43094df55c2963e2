package io.orderflow.tools;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

/** JSON in and out for the benchmark's results. */
final class Report {

    static final JsonMapper JSON =
            JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();

    private Report() {}

    static void writeJson(Path file, Object value) throws IOException {
        Files.writeString(file, JSON.writeValueAsString(value));
    }

    static Map<String, Object> readJson(Path file) throws IOException {
        return JSON.readValue(Files.readString(file), new TypeReference<Map<String, Object>>() {});
    }

    static Map<String, Long> readBaseline(String file) {
        try {
            return new TreeMap<>(
                    JSON.readValue(Files.readString(Path.of(file)), new TypeReference<Map<String, Long>>() {}));
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read the stock baseline " + file + ": " + e.getMessage());
        }
    }

    @SuppressWarnings("unchecked")
    static Object path(Map<String, Object> map, String... keys) {
        Object current = map;
        for (String key : keys) {
            if (!(current instanceof Map<?, ?> m)) {
                return null;
            }
            current = ((Map<String, Object>) m).get(key);
        }
        return current;
    }

    static String cell(Object value) {
        if (value == null) {
            return "–";
        }
        if (value instanceof Double d) {
            return String.format(Locale.ROOT, d >= 100 ? "%.0f" : "%.1f", d);
        }
        if (value instanceof List<?> l) {
            return String.join(", ", l.stream().map(String::valueOf).toList());
        }
        return String.valueOf(value);
    }
}
