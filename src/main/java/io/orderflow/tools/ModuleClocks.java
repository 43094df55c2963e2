package io.orderflow.tools;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Distributed mode: a libfaketime {@link FakeClock} per module process, each with an offset file of its own, so the
 * {@code clock-skew-module} nemesis moves one process's wall clock while the others keep real time. Only when the plan
 * has that fault (as the embedded mode's clock); the processes start under it at offset 0 from their first start.
 */
final class ModuleClocks {

    private final Map<String, FakeClock> clocks = new LinkedHashMap<>();

    /** Puts every process of {@code deployment} under libfaketime ({@code library}), offset files in {@code dir}. */
    ModuleClocks(Path library, DistributedDeployment deployment, Path dir) throws IOException {
        for (DistributedDeployment.Member m : deployment.members().values()) {
            FakeClock clock = new FakeClock(library, dir.resolve("faketime-" + m.name() + ".rc"));
            m.process().environment(clock.environment());
            clocks.put(m.name(), clock);
        }
    }

    FakeClock of(String process) {
        FakeClock clock = clocks.get(process);
        if (clock == null) {
            throw new IllegalArgumentException("no clock of a process named " + process + " (" + clocks.keySet() + ")");
        }
        return clock;
    }

    /** The offset of every process's clock, in seconds, by process. */
    Map<String, Long> offsets() {
        Map<String, Long> offsets = new LinkedHashMap<>();
        clocks.forEach((process, clock) -> offsets.put(process, clock.offsetSeconds()));
        return offsets;
    }
}
