package io.orderflow.tools;

import static io.orderflow.tools.ChaosPlans.settings;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The faults planned beside the default set: partition, clock skew, combinations. */
class ChaosOptInFaultsUnitTest {

    @Test
    void theNewFaultsAreOptInSoTheDefaultPlanOfASeedDidNotMove() {
        assertThat(settings().faults()).isEqualTo(ChaosPlan.EMBEDDED_FAULTS).doesNotContain("partition", "clock-skew");
        assertThat(settings("--faults", "all").faults())
                .containsExactly(
                        "kill",
                        "pause",
                        "postgres-crash",
                        "payment-outage",
                        "duplicate",
                        "reorder",
                        "poison",
                        "partition",
                        "clock-skew");
        for (String fault : ChaosPlan.ALL_FAULTS) {
            assertThat(Nemesis.named(fault, 1).name()).isEqualTo(fault);
        }
    }

    @Test
    void aPartitionOutlastsThePoolsConnectionTimeout() {
        ChaosPlan plan = ChaosPlan.of(settings("--faults", "partition,kill", "--fault-duration", "12s", "--seed", "2"));

        assertThat(plan.steps())
                .filteredOn(s -> s.fault().equals("partition"))
                .singleElement()
                .satisfies(s -> {
                    assertThat(s.duration()).isEqualTo(ChaosPlan.POOL_CONNECTION_TIMEOUT.plusSeconds(5));
                    assertThat(s.target()).isEqualTo("app <-> postgres (TCP proxy)");
                });
        assertThat(ChaosPlan.durationOf("partition", settings("--fault-duration", "60s")))
                .isEqualTo(Duration.ofSeconds(60));
    }

    @Test
    void aCombinationIsPlannedLikeOneFaultAndLastsAsLongAsItsLongestPart() {
        ChaosPlan.Settings s =
                settings("--faults", "kill+duplicate,pause+reorder", "--fault-duration", "6s", "--resend-after", "10s");
        ChaosPlan plan = ChaosPlan.of(new ChaosPlan.Settings(
                11, 4, s.faults(), s.injectMin(), s.injectMax(), s.faultDuration(), s.resendAfter()));

        assertThat(plan.steps()).extracting(ChaosPlan.Step::fault).containsOnly("kill+duplicate", "pause+reorder");
        assertThat(plan.steps().stream().filter(x -> x.fault().equals("kill+duplicate")))
                .allSatisfy(x -> {
                    assertThat(x.duration()).isEqualTo(Duration.ofSeconds(6));
                    assertThat(x.target()).isEqualTo("app + transport (app)");
                });
        assertThat(plan.steps().stream().filter(x -> x.fault().equals("pause+reorder")))
                .allSatisfy(x -> assertThat(x.duration()).isEqualTo(Duration.ofSeconds(15)));
        // the random draws per step are those of a single fault: the same seed with single faults injects at the same
        // moments and loads with the same seeds
        ChaosPlan single = ChaosPlan.of(new ChaosPlan.Settings(
                11, 4, List.of("kill", "pause"), s.injectMin(), s.injectMax(), s.faultDuration(), s.resendAfter()));
        assertThat(plan.steps())
                .extracting(ChaosPlan.Step::injectAt)
                .isEqualTo(single.steps().stream().map(ChaosPlan.Step::injectAt).toList());
        assertThat(plan.steps())
                .extracting(ChaosPlan.Step::loadSeed)
                .isEqualTo(single.steps().stream().map(ChaosPlan.Step::loadSeed).toList());
    }

    @Test
    void aCombinationInjectsTheFaultsInsideTheApplicationFirst() {
        Nemesis combined = Nemesis.named("kill+duplicate", 5);

        assertThat(combined).isInstanceOf(CombinedNemesis.class);
        assertThat(combined.name()).isEqualTo("kill+duplicate");
        assertThat(((CombinedNemesis) combined).injectionOrder())
                .extracting(Nemesis::name)
                .containsExactly("duplicate", "kill");
        assertThat(((CombinedNemesis) Nemesis.named("partition+clock-skew+reorder", 5)).injectionOrder())
                .extracting(Nemesis::name)
                .containsExactly("clock-skew", "reorder", "partition");
        assertThat(combined.describe()).contains("SIGKILL", "delivered once more");
    }

    @Test
    void refusesCombinationsItCannotRun() {
        assertThatThrownBy(() -> settings("--faults", "kill+split-brain"))
                .hasMessageContaining("unknown fault 'split-brain'");
        assertThatThrownBy(() -> settings("--faults", "kill+kill")).hasMessageContaining("twice in one combination");
        assertThatThrownBy(() -> ChaosSetup.dbProxy(
                        new Args(new String[] {"--db-proxy", "off"}, 0),
                        ChaosPlan.of(settings("--faults", "pause+partition")),
                        5432))
                .hasMessageContaining("needs the database proxy");
    }

    @Test
    void theClockSkewsDirectionComesFromTheSeedAndCrossesTheSagasDeadlines() {
        ChaosPlan plan = ChaosPlan.of(settings("--seed", "11", "--iterations", "8", "--faults", "clock-skew"));

        List<ClockSkewNemesis> skews = plan.steps().stream()
                .map(s -> (ClockSkewNemesis) Nemesis.named(s.fault(), s.faultSeed()))
                .toList();
        assertThat(skews).extracting(ClockSkewNemesis::forward).contains(true, false);
        assertThat(skews).allSatisfy(n -> assertThat(n.skew().abs()).isEqualTo(Duration.ofMinutes(10)));
        assertThat(new ClockSkewNemesis(plan.steps().get(0).faultSeed()).forward())
                .isEqualTo(skews.get(0).forward());
        assertThat(ClockSkewNemesis.SKEW).isGreaterThan(Duration.ofMinutes(2)).isLessThan(Duration.ofMinutes(15));
        assertThat(ChaosSetup.needsFakeClock(plan)).isTrue();
        assertThat(ChaosSetup.needsFakeClock(ChaosPlan.of(settings("--faults", "kill+clock-skew"))))
                .isTrue();
        assertThat(ChaosSetup.needsFakeClock(ChaosPlan.of(settings("--faults", "kill,pause"))))
                .isFalse();
    }

    @Test
    void theFakeClockWritesTheOffsetLibfaketimeReadsAndSaysHowToInstallTheLibrary(@TempDir Path dir) throws Exception {
        Path lib = Files.writeString(dir.resolve("libfaketime.so.1"), "");
        FakeClock clock = new FakeClock(lib, dir.resolve("faketime.rc"));

        assertThat(Files.readString(dir.resolve("faketime.rc"))).isEqualTo("+0\n");
        clock.set(-600);
        assertThat(Files.readString(dir.resolve("faketime.rc"))).isEqualTo("-600\n");
        clock.set(600);
        assertThat(Files.readString(dir.resolve("faketime.rc"))).isEqualTo("+600\n");
        assertThat(clock.environment())
                .containsEntry("LD_PRELOAD", lib.toString())
                .containsEntry("FAKETIME_DONT_FAKE_MONOTONIC", "1")
                .containsEntry("FAKETIME_FORCE_MONOTONIC_FIX", "0")
                .containsEntry("NO_FAKE_STAT", "1")
                .containsEntry(
                        "FAKETIME_TIMESTAMP_FILE", dir.resolve("faketime.rc").toString());
        assertThat(FakeClock.library(lib.toString())).isEqualTo(lib);
        assertThatThrownBy(() -> FakeClock.library(dir.resolve("missing.so").toString()))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("apt-get install -y faketime libfaketime");
    }
}
