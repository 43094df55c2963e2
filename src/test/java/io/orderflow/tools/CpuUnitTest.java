package io.orderflow.tools;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class CpuUnitTest {

    @Test
    void countsTheApplicationJvmsGcPausesBetweenTwoSamples() {
        Cpu cpu = new Cpu(List.of(ProcessHandle.current().pid()));
        Cpu.Sample before = cpu.sample();

        System.gc();

        Cpu.Usage usage = Cpu.between(before, cpu.sample());
        assertThat(usage.appGcPauses()).isPositive();
        assertThat(usage.appGcPauseMillis()).isPositive();
    }

    @Test
    void aJvmWithoutPerformanceDataAddsNoPauses() {
        Cpu cpu = new Cpu(List.of(Long.MAX_VALUE));

        Cpu.Usage usage = Cpu.between(cpu.sample(), cpu.sample());

        assertThat(usage.appGcPauses()).isZero();
        assertThat(usage.appGcPauseMillis()).isZero();
    }
}
