package io.orderflow.tools;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class GcPausesUnitTest {

    @Test
    void readsTheLongCountersOfAPerformanceDataBufferInEitherByteOrder() throws IOException {
        Map<String, Long> written = new LinkedHashMap<>();
        written.put("sun.os.hrt.frequency", 1_000_000_000L);
        written.put("sun.gc.collector.0.invocations", 7L);
        written.put("sun.gc.collector.0.time", 35_000_000L);
        for (ByteOrder order : new ByteOrder[] {ByteOrder.LITTLE_ENDIAN, ByteOrder.BIG_ENDIAN}) {
            ByteBuffer buffer = buffer(order, written, "sun.gc.collector.0.name", "Copy");

            assertThat(GcPauses.longCounters(buffer)).isEqualTo(written);
        }
    }

    @Test
    void addsUpEveryCollectorsPausesInNanoseconds() {
        Map<String, Long> counters = Map.of(
                "sun.os.hrt.frequency", 1_000_000L, // microsecond ticks
                "sun.gc.collector.0.invocations", 12L,
                "sun.gc.collector.0.time", 240_000L,
                "sun.gc.collector.1.invocations", 1L,
                "sun.gc.collector.1.time", 80_000L,
                "sun.gc.collector.0.lastEntryTime", 999_999_999L,
                "sun.gc.policy.collectors", 2L);

        assertThat(GcPauses.total(counters)).contains(new GcPauses.Total(13, 320_000_000L));
    }

    @Test
    void withoutATickRateThereIsNothingToAddUp() {
        assertThat(GcPauses.total(Map.of("sun.gc.collector.0.invocations", 3L))).isEmpty();
    }

    @Test
    void refusesABufferThatIsNotPerformanceData() {
        ByteBuffer notPerfData =
                ByteBuffer.wrap("#!/bin/bash\necho hello, this is not a JVM\n".getBytes(StandardCharsets.US_ASCII));

        assertThatThrownBy(() -> GcPauses.longCounters(notPerfData)).isInstanceOf(IOException.class);
    }

    @Test
    void countsThisJvmsOwnCollectionFromItsFile() {
        long pid = ProcessHandle.current().pid();
        GcPauses.Total before = GcPauses.of(pid).orElseThrow();

        System.gc();

        GcPauses.Total after = GcPauses.of(pid).orElseThrow();
        assertThat(after.pauses()).isGreaterThan(before.pauses());
        assertThat(after.nanos()).isGreaterThan(before.nanos());
    }

    @Test
    void aProcessWithoutAFileIsNotRead() {
        assertThat(GcPauses.of(Long.MAX_VALUE)).isEmpty();
    }

    /** A buffer laid out as HotSpot writes one: the prologue, then one entry per counter, then a string entry. */
    private static ByteBuffer buffer(ByteOrder order, Map<String, Long> longs, String stringName, String value) {
        ByteBuffer b = ByteBuffer.allocate(4096).order(order);
        b.order(ByteOrder.BIG_ENDIAN).putInt(0, 0xcafec0c0).order(order);
        b.put(4, (byte) (order == ByteOrder.LITTLE_ENDIAN ? 1 : 0));
        int offset = 32;
        b.putInt(24, offset);
        b.putInt(28, longs.size() + 1);
        for (var e : longs.entrySet()) {
            offset = entry(b, offset, e.getKey(), (byte) 'J', 0, 8, (at) -> b.putLong(at, e.getValue()));
        }
        byte[] text = value.getBytes(StandardCharsets.US_ASCII);
        entry(b, offset, stringName, (byte) 'B', text.length + 1, text.length + 1, (at) -> b.put(at, text));
        return b;
    }

    private interface Data {
        void write(int at);
    }

    private static int entry(
            ByteBuffer b, int offset, String name, byte type, int vectorLength, int dataLength, Data data) {
        byte[] nameBytes = name.getBytes(StandardCharsets.US_ASCII);
        int nameOffset = 20;
        int dataOffset = (nameOffset + nameBytes.length + 1 + 7) / 8 * 8;
        int length = dataOffset + (dataLength + 7) / 8 * 8;
        b.putInt(offset, length);
        b.putInt(offset + 4, nameOffset);
        b.putInt(offset + 8, vectorLength);
        b.put(offset + 12, type);
        b.putInt(offset + 16, dataOffset);
        b.put(offset + nameOffset, nameBytes);
        b.put(offset + nameOffset + nameBytes.length, (byte) 0);
        data.write(offset + dataOffset);
        return offset + length;
    }
}
