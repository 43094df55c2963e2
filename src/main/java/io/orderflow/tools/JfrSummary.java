package io.orderflow.tools;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordingFile;

/** Summarises the CPU samples (jdk.ExecutionSample) of a JFR recording: where the application's time goes. */
final class JfrSummary {

    private JfrSummary() {}

    static int run(Args args) throws IOException {
        if (args.positional().size() < 2) {
            throw new IllegalArgumentException("benchmark jfr-summary <recording.jfr> [--top 25]");
        }
        int top = args.integer("top", 25);
        Map<String, Long> self = new LinkedHashMap<>();
        Map<String, Long> inclusive = new LinkedHashMap<>();
        Map<String, Long> packages = new LinkedHashMap<>();
        long samples = 0;
        for (String file : args.positional().subList(1, args.positional().size())) {
            for (RecordedEvent e : RecordingFile.readAllEvents(Path.of(file))) {
                if (!e.getEventType().getName().equals("jdk.ExecutionSample") || e.getStackTrace() == null) {
                    continue;
                }
                List<RecordedFrame> frames = e.getStackTrace().getFrames();
                if (frames.isEmpty()) {
                    continue;
                }
                samples++;
                String topFrame = name(frames.get(0));
                self.merge(topFrame, 1L, Long::sum);
                packages.merge(group(frames.get(0).getMethod().getType().getName()), 1L, Long::sum);
                Set<String> seen = new HashSet<>();
                for (RecordedFrame f : frames) {
                    String n = name(f);
                    if (f.getMethod().getType().getName().startsWith("io.orderflow") && seen.add(n)) {
                        inclusive.merge(n, 1L, Long::sum);
                    }
                }
            }
        }
        System.out.println("CPU samples: " + samples);
        print("Self time by package group", packages, samples, top);
        print("Self time by method (top frame)", self, samples, top);
        print("Inclusive time of orderflow methods (on the stack)", inclusive, samples, top);
        return 0;
    }

    private static void print(String title, Map<String, Long> counts, long total, int top) {
        System.out.println();
        System.out.println("## " + title);
        counts.entrySet().stream()
                .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
                .limit(top)
                .forEach(e -> System.out.printf(
                        Locale.ROOT,
                        "%6.1f%%  %6d  %s%n",
                        100.0 * e.getValue() / Math.max(1, total),
                        e.getValue(),
                        e.getKey()));
    }

    private static String name(RecordedFrame f) {
        return f.getMethod().getType().getName() + "." + f.getMethod().getName();
    }

    static String group(String className) {
        String[] parts = className.split("\\.");
        int keep = className.startsWith("io.orderflow") || className.startsWith("org.springframework") ? 3 : 2;
        return Arrays.stream(parts).limit(Math.min(keep, parts.length - 1)).collect(Collectors.joining("."));
    }
}
