package io.orderflow.tools;

import static io.orderflow.tools.ChaosPlans.settings;
import static io.orderflow.tools.ChaosPlans.targetsOf;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The distributed mode's opt-in faults (partition-module, clock-skew-module) and combinations, as planned. */
class DistributedOptInFaultsUnitTest {

    @Test
    void theNewFaultsAreOptInAndAllNamesThem() {
        assertThat(settings("distributed").faults())
                .isEqualTo(ChaosPlan.DISTRIBUTED_FAULTS)
                .doesNotContain("partition-module", "clock-skew-module");
        ChaosPlan.Settings all = settings("distributed", "--faults", "all");
        assertThat(all.faults())
                .containsAll(ChaosPlan.DISTRIBUTED_FAULTS)
                .contains("reorder", "partition-module", "clock-skew-module")
                .hasSize(11);
        assertThat(all.iterations()).isEqualTo(11);
        // the embedded mode's faults are not the distributed mode's, nor the other way round
        assertThatThrownBy(() -> settings("distributed", "--faults", "partition"))
                .hasMessageContaining("unknown fault 'partition' (distributed mode");
        assertThatThrownBy(() -> settings("embedded", "--faults", "partition-module"))
                .hasMessageContaining("unknown fault 'partition-module'");
        for (ChaosPlan.Step step : ChaosPlan.of(settings("distributed", "--faults", "all", "--seed", "3"))
                .steps()) {
            assertThat(Nemesis.of(step).name()).isEqualTo(step.fault());
        }
    }

    @Test
    void aPartitionCutsEveryProcessFromEachSideInTurnForLongerThanThePoolWaits() {
        ChaosPlan plan = ChaosPlan.of(
                settings("distributed", "--faults", "partition-module", "--iterations", "16", "--seed", "41"));

        List<String> cut = targetsOf(plan, "partition-module");
        assertThat(ModuleLinks.processes())
                .containsExactly(
                        "order",
                        "catalog",
                        "inventory",
                        "payment-1",
                        "payment-2",
                        "shipping",
                        "notification",
                        "customer");
        // one deck of sixteen cards: every process, from the database and from the broker, once each
        assertThat(cut)
                .doesNotHaveDuplicates()
                .containsExactlyInAnyOrderElementsOf(ModuleLinks.processes().stream()
                        .flatMap(p -> List.of(p + " <-> postgres", p + " <-> broker").stream())
                        .toList());
        assertThat(plan.steps())
                .allSatisfy(s -> assertThat(s.duration()).isGreaterThanOrEqualTo(Duration.ofSeconds(35)));
        ModulePartitionNemesis first =
                (ModulePartitionNemesis) Nemesis.of(plan.steps().get(0));
        assertThat(first.target(first.process(), first.side())).isEqualTo(cut.get(0));
        assertThat(first.describe()).contains(first.process());
        // deterministic from the seed
        assertThat(ChaosPlan.of(
                        settings("distributed", "--faults", "partition-module", "--iterations", "16", "--seed", "41")))
                .isEqualTo(plan);
        assertThatThrownBy(() -> new ModulePartitionNemesis("order <-> redis")).hasMessageContaining("postgres");
    }

    @Test
    void aClockSkewMovesOneProcessEachTimeEveryProcessInTurnAndTheSeedSaysWhichWay() {
        ChaosPlan plan = ChaosPlan.of(
                settings("distributed", "--faults", "clock-skew-module", "--iterations", "8", "--seed", "11"));

        List<ModuleClockSkewNemesis> skews = plan.steps().stream()
                .map(s -> (ModuleClockSkewNemesis) Nemesis.of(s))
                .toList();
        assertThat(skews)
                .extracting(ModuleClockSkewNemesis::process)
                .containsExactlyInAnyOrderElementsOf(ModuleLinks.processes());
        assertThat(skews).extracting(ModuleClockSkewNemesis::forward).contains(true, false);
        assertThat(skews).allSatisfy(n -> assertThat(n.skew().abs()).isEqualTo(ClockSkewNemesis.SKEW));
        // the same direction as the embedded fault's for the same seed
        assertThat(skews.get(0).forward())
                .isEqualTo(new ClockSkewNemesis(plan.steps().get(0).faultSeed()).forward());
        assertThat(ChaosSetup.needsFakeClock(plan)).isTrue();
        assertThat(ChaosSetup.needsFakeClock(ChaosPlan.of(settings("distributed", "--faults", "partition-module"))))
                .isFalse();
        assertThat(ChaosSetup.needsFakeClock(ChaosPlan.of(settings("distributed"))))
                .isFalse();
    }

    @Test
    void aCombinationDrawsATargetPerPartAndActsOnEach() {
        ChaosPlan plan = ChaosPlan.of(settings(
                "distributed",
                "--faults",
                "kill-module+duplicate,partition-module+clock-skew-module",
                "--iterations",
                "14",
                "--seed",
                "5"));

        List<String> killed = targetsOf(plan, "kill-module+duplicate").stream()
                .map(t -> t.split(" \\+ ")[0])
                .toList();
        // the kill's own deck: seven combinations kill every module once
        assertThat(killed).containsExactlyInAnyOrderElementsOf(DistributedDeployment.MODULES);
        assertThat(targetsOf(plan, "kill-module+duplicate"))
                .allSatisfy(t -> assertThat(t).endsWith(" + transport (every module process)"));
        ChaosPlan.Step step = plan.steps().stream()
                .filter(s -> s.fault().equals("partition-module+clock-skew-module"))
                .findFirst()
                .orElseThrow();
        assertThat(step.duration()).isEqualTo(Duration.ofSeconds(35));
        CombinedNemesis combined = (CombinedNemesis) Nemesis.of(step);
        // the clock acts inside a process: skewed first, the partition lands on a process already skewed
        assertThat(combined.injectionOrder())
                .extracting(Nemesis::name)
                .containsExactly("clock-skew-module", "partition-module");
        String[] targets = step.target().split(" \\+ ");
        assertThat(((ModuleClockSkewNemesis) combined.injectionOrder().get(0)).process())
                .isEqualTo(targets[1].split(" ")[0]);
        assertThat(((ModulePartitionNemesis) combined.injectionOrder().get(1)).process() + " <-> "
                        + ((ModulePartitionNemesis) combined.injectionOrder().get(1)).side())
                .isEqualTo(targets[0]);
        assertThatThrownBy(() -> Nemesis.of("kill-module+duplicate", "order", 1))
                .hasMessageContaining("one per part");
        assertThatThrownBy(() -> settings("distributed", "--faults", "kill-module+kill-module"))
                .hasMessageContaining("twice in one combination");
    }

    @Test
    void theOptInFaultsDoNotMoveThePlanOfTheDefaultFaults() {
        // adding faults to the list changes the shuffle, but a plan of only the old faults is as before (pinned in
        // ChaosPlanUnitTest for seed 7); and the targets of the old faults come from their own decks
        ChaosPlan before = ChaosPlan.of(settings("distributed", "--seed", "7", "--iterations", "8"));
        assertThat(before.steps())
                .extracting(ChaosPlan.Step::fault)
                .doesNotContain("partition-module", "clock-skew-module");
        Set<String> kinds = TargetDecks.cards("partition-module").stream()
                .map(c -> c.substring(c.indexOf(" <-> ")))
                .collect(Collectors.toSet());
        assertThat(kinds).containsExactlyInAnyOrder(" <-> postgres", " <-> broker");
        assertThat(TargetDecks.cards("clock-skew-module")).hasSize(8);
    }

    @Test
    void refusesAPartitionWithoutTheProxies() throws Exception {
        assertThatThrownBy(() -> ChaosSetup.moduleLinks(
                        new Args(new String[] {"--db-proxy", "off"}, 0),
                        ChaosPlan.of(settings("distributed", "--faults", "kill-module+partition-module")),
                        DistributedTopology.DIRECT,
                        5432,
                        5672))
                .hasMessageContaining("needs the proxies");
        assertThat(ChaosSetup.moduleLinks(
                        new Args(new String[] {"--db-proxy", "off"}, 0),
                        ChaosPlan.of(settings("distributed")),
                        DistributedTopology.DIRECT,
                        5432,
                        5672))
                .isNull();
    }
}
