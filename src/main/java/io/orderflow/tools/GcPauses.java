package io.orderflow.tools;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The stop-the-world pauses of a HotSpot JVM on this machine, read from the performance data file it keeps in memory
 * ({@code /tmp/hsperfdata_<user>/<pid>} on Linux, whatever {@code java.io.tmpdir} says; the file {@code jstat} reads;
 * there unless the JVM runs with {@code -XX:-UsePerfData}): every collector's
 * {@code sun.gc.collector.<n>.invocations} and {@code .time}, added up. Every collector HotSpot counts there is a
 * pause (G1's young, full and concurrent-cycle pauses; Serial's young and full collections). Reading the file takes
 * no CPU of the JVM it describes, so the benchmark can sample it as often as it samples /proc.
 */
final class GcPauses {

    private static final Pattern COLLECTOR = Pattern.compile("sun\\.gc\\.collector\\.\\d+\\.(invocations|time)");
    /** The file's prologue starts with these four bytes, whatever the byte order of the rest. */
    private static final int MAGIC = 0xcafec0c0;

    /** Pauses so far and their total length. */
    record Total(long pauses, long nanos) {}

    private GcPauses() {}

    /**
     * The JVM's pauses so far; empty when it keeps no performance data file here, is gone, or the file could not be
     * read whole (a sample without it counts no pauses, rather than all of them since the JVM started).
     */
    static Optional<Total> of(long pid) {
        Path file = Path.of("/tmp", "hsperfdata_" + System.getProperty("user.name"), String.valueOf(pid));
        try {
            return total(longCounters(ByteBuffer.wrap(Files.readAllBytes(file))));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /**
     * Adds up the collectors' pauses; the pause time is in ticks of {@code sun.os.hrt.frequency} per second (empty
     * without it).
     */
    static Optional<Total> total(Map<String, Long> counters) {
        long frequency = counters.getOrDefault("sun.os.hrt.frequency", 0L);
        if (frequency <= 0) {
            return Optional.empty();
        }
        long pauses = 0;
        long ticks = 0;
        for (var e : counters.entrySet()) {
            Matcher m = COLLECTOR.matcher(e.getKey());
            if (!m.matches()) {
                continue;
            }
            if (m.group(1).equals("invocations")) {
                pauses += e.getValue();
            } else {
                ticks += e.getValue();
            }
        }
        return Optional.of(new Total(pauses, Math.round(ticks * (1e9 / frequency))));
    }

    /**
     * The scalar {@code long} counters of a performance data buffer: a prologue (magic, byte order at offset 4, the
     * first entry's offset at 24, the number of entries at 28), then entries of {@code length, name offset, vector
     * length, type, flags, units, variability, data offset}, offsets counted from the entry's start.
     */
    static Map<String, Long> longCounters(ByteBuffer buffer) throws IOException {
        if (buffer.limit() < 32 || buffer.order(ByteOrder.BIG_ENDIAN).getInt(0) != MAGIC) {
            throw new IOException("not a HotSpot performance data file");
        }
        ByteBuffer b = buffer.order(buffer.get(4) == 1 ? ByteOrder.LITTLE_ENDIAN : ByteOrder.BIG_ENDIAN);
        int offset = b.getInt(24);
        int entries = b.getInt(28);
        Map<String, Long> counters = new HashMap<>();
        for (int i = 0; i < entries; i++) {
            int length = b.getInt(offset);
            if (length <= 0) {
                throw new IOException("a damaged entry at offset " + offset);
            }
            int vectorLength = b.getInt(offset + 8);
            if (b.get(offset + 12) == 'J' && vectorLength == 0) {
                counters.put(name(b, offset + b.getInt(offset + 4)), b.getLong(offset + b.getInt(offset + 16)));
            }
            offset += length;
        }
        return counters;
    }

    private static String name(ByteBuffer b, int start) {
        int end = start;
        while (b.get(end) != 0) {
            end++;
        }
        byte[] bytes = new byte[end - start];
        b.get(start, bytes);
        return new String(bytes, StandardCharsets.US_ASCII);
    }
}
