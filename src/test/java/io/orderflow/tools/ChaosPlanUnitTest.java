package io.orderflow.tools;

import static io.orderflow.tools.ChaosPlans.settings;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ChaosPlanUnitTest {

    @Test
    void theSameSeedGivesTheSamePlan() {
        ChaosPlan a = ChaosPlan.of(settings("--seed", "42", "--iterations", "12"));
        ChaosPlan b = ChaosPlan.of(settings("--seed", "42", "--iterations", "12"));
        ChaosPlan other = ChaosPlan.of(settings("--seed", "43", "--iterations", "12"));

        assertThat(a).isEqualTo(b);
        assertThat(a.steps()).isNotEqualTo(other.steps());
    }

    @Test
    void everyRoundOfIterationsUsesEveryFaultOnce() {
        ChaosPlan plan = ChaosPlan.of(settings("--seed", "7", "--iterations", "17"));

        List<String> faults = plan.steps().stream().map(ChaosPlan.Step::fault).toList();
        assertThat(faults.subList(0, 7)).containsExactlyInAnyOrderElementsOf(ChaosPlan.EMBEDDED_FAULTS);
        assertThat(faults.subList(7, 14)).containsExactlyInAnyOrderElementsOf(ChaosPlan.EMBEDDED_FAULTS);
        assertThat(faults.subList(14, 17)).doesNotHaveDuplicates();
        assertThat(plan.steps())
                .extracting(ChaosPlan.Step::iteration)
                .containsExactly(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17);
    }

    @Test
    void injectsWithinTheWindowAndTargetsTheFaultsProcess() {
        ChaosPlan plan = ChaosPlan.of(settings(
                "--seed",
                "3",
                "--iterations",
                "40",
                "--inject-min",
                "5s",
                "--inject-max",
                "9s",
                "--fault-duration",
                "20s"));

        assertThat(plan.steps()).allSatisfy(s -> {
            assertThat(s.injectAt()).isBetween(Duration.ofSeconds(5), Duration.ofSeconds(9));
            assertThat(s.duration()).isEqualTo(Duration.ofSeconds(20));
            assertThat(s.target())
                    .isEqualTo(
                            switch (s.fault()) {
                                case "postgres-crash" -> "postgres";
                                case "payment-outage" -> "payment provider (app)";
                                case "duplicate", "reorder", "poison" -> "transport (app)";
                                default -> "app";
                            });
        });
        assertThat(plan.steps().stream().map(ChaosPlan.Step::injectAt).distinct())
                .hasSizeGreaterThan(10);
    }

    @Test
    void aPauseOutlastsTheSagasResendInterval() {
        ChaosPlan plan = ChaosPlan.of(
                settings("--faults", "pause,kill", "--fault-duration", "4s", "--resend-after", "10s", "--seed", "1"));

        assertThat(plan.steps())
                .filteredOn(s -> s.fault().equals("pause"))
                .singleElement()
                .satisfies(s -> assertThat(s.duration()).isEqualTo(Duration.ofSeconds(15)));
        assertThat(plan.steps())
                .filteredOn(s -> s.fault().equals("kill"))
                .singleElement()
                .satisfies(s -> assertThat(s.duration()).isEqualTo(Duration.ofSeconds(4)));
    }

    @Test
    void parsesTheChaosOptions() {
        ChaosPlan.Settings s = settings(
                "--faults",
                " kill, postgres-crash ,kill",
                "--iterations=3",
                "--seed",
                "-9",
                "--fault-duration",
                "2.5s",
                "--inject-min",
                "1s",
                "--inject-max",
                "2s",
                "--resend-after",
                "3s");

        assertThat(s.faults()).containsExactly("kill", "postgres-crash");
        assertThat(s.iterations()).isEqualTo(3);
        assertThat(s.seed()).isEqualTo(-9);
        assertThat(s.faultDuration()).isEqualTo(Duration.ofMillis(2500));
        assertThat(s.injectMin()).isEqualTo(Duration.ofSeconds(1));
        assertThat(s.injectMax()).isEqualTo(Duration.ofSeconds(2));
        assertThat(s.resendAfter()).isEqualTo(Duration.ofSeconds(3));
        assertThat(settings().iterations()).isEqualTo(ChaosPlan.EMBEDDED_FAULTS.size());
        assertThat(settings().faults()).isEqualTo(ChaosPlan.EMBEDDED_FAULTS);
    }

    @Test
    void refusesWhatItCannotRun() {
        assertThatThrownBy(() -> settings("--faults", "kill,split-brain"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("unknown fault 'split-brain'");
        assertThatThrownBy(() -> settings("--iterations", "0")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> settings("--faults", ",")).hasMessageContaining("names no fault");
        assertThatThrownBy(() -> settings("--inject-min", "10s", "--inject-max", "5s"))
                .hasMessageContaining("--inject-min");
        assertThatThrownBy(() -> settings("--fault-duration", "500ms")).hasMessageContaining("--fault-duration");
        assertThatThrownBy(() -> Chaos.run(new Args(new String[] {"sideways"}, 0)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("embedded or distributed");
        // the process faults of one mode do not exist in the other (reorder exists in both: opt-in in distributed)
        assertThatThrownBy(() -> settings("distributed", "--faults", "pause"))
                .hasMessageContaining("unknown fault 'pause' (distributed mode");
        assertThatThrownBy(() -> settings("distributed", "--faults", "kill")).hasMessageContaining("unknown fault");
        assertThatThrownBy(() -> settings("--faults", "kill-module")).hasMessageContaining("(embedded mode");
    }

    @Test
    void theDefaultFaultsIncludeTheTransportFaultsAndEachHasANemesis() {
        assertThat(settings().faults())
                .containsExactly("kill", "pause", "postgres-crash", "payment-outage", "duplicate", "reorder", "poison");
        assertThat(settings("--faults", "duplicate,reorder,poison").faults())
                .containsExactly("duplicate", "reorder", "poison");
        for (String fault : ChaosPlan.EMBEDDED_FAULTS) {
            assertThat(Nemesis.named(fault, 1).name()).isEqualTo(fault);
        }
    }

    @Test
    void theSeedOfAPlanDecidesWhatARandomisedFaultDoes() {
        ChaosPlan plan = ChaosPlan.of(settings("--seed", "11", "--iterations", "14", "--faults", "poison,reorder"));

        List<PoisonNemesis> poison = plan.steps().stream()
                .filter(s -> s.fault().equals("poison"))
                .map(s -> (PoisonNemesis) Nemesis.named(s.fault(), s.faultSeed()))
                .toList();
        assertThat(poison).hasSize(7).allSatisfy(p -> {
            assertThat(p.count()).isBetween(3, 5);
            assertThat(PoisonNemesis.MODULES).contains(p.module());
        });
        assertThat(poison.stream().map(PoisonNemesis::module).distinct()).hasSizeGreaterThan(1);
        ChaosPlan.Step first = plan.steps().get(0);
        PoisonNemesis again = new PoisonNemesis(first.faultSeed());
        PoisonNemesis same = new PoisonNemesis(first.faultSeed());
        assertThat(again.module()).isEqualTo(same.module());
        assertThat(again.count()).isEqualTo(same.count());
        assertThat(first.faultSeed()).isNotEqualTo(first.loadSeed());
        assertThat(new ReorderNemesis(first.faultSeed()).describe()).contains("seed " + first.faultSeed());
    }

    @Test
    void aSeedPlansTheOriginalFaultsAsBeforeTheTransportFaultsWereAdded() {
        // docs/reliability.md's first run (seed 20261201): with the four original faults named, the same plan
        ChaosPlan plan = ChaosPlan.of(settings(
                "--seed",
                "20261201",
                "--iterations",
                "4",
                "--inject-min",
                "6s",
                "--inject-max",
                "9s",
                "--faults",
                "kill,pause,postgres-crash,payment-outage"));

        assertThat(plan.steps())
                .extracting(ChaosPlan.Step::fault)
                .containsExactly("payment-outage", "pause", "kill", "postgres-crash");
        assertThat(plan.steps())
                .extracting(s -> Math.round(s.injectAt().toMillis() / 100.0) / 10.0)
                .containsExactly(8.8, 6.3, 7.9, 6.6);
    }

    @Test
    void printsThePlanWithoutRunningAnything() throws Exception {
        assertThat(Tools.handles(new String[] {"chaos"})).isTrue();
        assertThat(Chaos.run(new Args(new String[] {"--seed", "5", "--plan-only"}, 0)))
                .isZero();
        assertThat(Chaos.describe(ChaosPlan.of(settings("--seed", "5", "--faults", "kill"))))
                .contains("seed 5", "kill", "target app");
    }

    @Test
    void reportsTheWorstPlacementAnswerDuringTheFault() {
        LoadGenerator.Phase phase = new LoadGenerator.Phase("it", "p-", "open loop", true);
        long second = 1_000_000_000L;
        phase.recordHttp(phase.startNanos, phase.startNanos + 5_000_000L, 202); // second 0: 5 ms, before the fault
        phase.recordHttp(phase.startNanos + 2 * second, phase.startNanos + 2 * second + 900_000_000L, 202); // 900 ms
        phase.recordHttp(phase.startNanos + 9 * second, phase.startNanos + 9 * second + 7_000_000L, 202); // after

        Instant start = phase.startedAt;
        assertThat(Chaos.worstHttp(phase, start.plusSeconds(1), start.plusSeconds(3)))
                .isBetween(899L, 901L);
        assertThat(Chaos.worstHttp(phase, start.plusSeconds(4), start.plusSeconds(6)))
                .isNull();
    }

    @Test
    void writesTheFaultTable() {
        Map<String, Object> run = Map.of("command", "chaos --seed 5", "seed", 5L, "passed", false);
        Map<String, Object> row = Map.of(
                "iteration",
                1,
                "fault",
                "kill",
                "accepted",
                120L,
                "orders_by_status",
                Map.of("completed", 100L, "failed", 12L, "cancelled", 8L),
                "compensations",
                25L,
                "client_errors",
                Map.of("connect_refused", 40L),
                "violations",
                List.of("accepted order lost (answered 202, not in orders.purchase_order): 1"),
                "what",
                "SIGKILL");

        String md = ChaosReport.markdown(run, List.of(row));

        assertThat(md)
                .contains("seed: 5", "FAILED", "| 1 | kill |", "| 120 | 100 / 12 / 8 | 25 |", "connect_refused 40")
                .contains("violation: accepted order lost");
    }

    // --- distributed mode --------------------------------------------------------------------------------------

    @Test
    void theDistributedModeHasItsOwnFaultsAndEachHasANemesis() {
        ChaosPlan.Settings s = settings("distributed");

        assertThat(s.mode()).isEqualTo("distributed");
        assertThat(s.faults())
                .containsExactly(
                        "kill-module",
                        "kill-instance",
                        "pause-module",
                        "rabbitmq-restart",
                        "postgres-crash",
                        "payment-outage",
                        "duplicate",
                        "poison")
                .doesNotContain("reorder", "kill", "pause");
        assertThat(s.iterations()).isEqualTo(8);
        assertThat(settings("--mode", "distributed").faults()).isEqualTo(ChaosPlan.DISTRIBUTED_FAULTS);
        for (ChaosPlan.Step step :
                ChaosPlan.of(settings("distributed", "--seed", "2")).steps()) {
            assertThat(Nemesis.of(step).name()).isEqualTo(step.fault());
        }
    }

    @Test
    void pinsTheDistributedPlanOfASeed() {
        // docs/reliability.md's first distributed run (seed 7, one round of the eight faults)
        ChaosPlan plan = ChaosPlan.of(settings("distributed", "--seed", "7", "--iterations", "8"));

        assertThat(plan.mode()).isEqualTo("distributed");
        assertThat(plan.steps())
                .extracting(ChaosPlan.Step::fault)
                .containsExactly(
                        "kill-module",
                        "pause-module",
                        "duplicate",
                        "kill-instance",
                        "postgres-crash",
                        "rabbitmq-restart",
                        "poison",
                        "payment-outage");
        assertThat(plan.steps())
                .extracting(ChaosPlan.Step::target)
                .startsWith("inventory", "inventory", "transport (every module process)", "payment-1", "postgres");
        assertThat(plan.steps())
                .extracting(s -> Math.round(s.injectAt().toMillis() / 100.0) / 10.0)
                .containsExactly(9.4, 13.3, 14.8, 8.6, 13.1, 10.3, 13.1, 11.7);
    }

    @Test
    void killsEveryModuleInTurnAndEachInstanceAndPausesOnlyParticipants() {
        ChaosPlan plan = ChaosPlan.of(settings("distributed", "--seed", "99", "--iterations", "56"));

        List<String> killed = targetsOf(plan, "kill-module");
        assertThat(killed).hasSize(7).containsExactlyInAnyOrderElementsOf(DistributedDeployment.MODULES);
        assertThat(targetsOf(plan, "kill-instance"))
                .hasSize(7)
                .allSatisfy(t -> assertThat(t).isIn("payment-1", "payment-2"));
        assertThat(targetsOf(plan, "kill-instance").subList(0, 2)).containsExactlyInAnyOrder("payment-1", "payment-2");
        List<String> paused = targetsOf(plan, "pause-module");
        assertThat(paused.subList(0, 5)).containsExactlyInAnyOrderElementsOf(DistributedDeployment.PARTICIPANTS);
        assertThat(paused).doesNotContain("order", "customer");
        assertThat(DistributedDeployment.instancesOf("payment")).containsExactly("payment-1", "payment-2");
        assertThat(DistributedDeployment.instancesOf("order")).containsExactly("order");
    }

    @Test
    void aPausedModuleOutlastsTheSagasResendInterval() {
        ChaosPlan plan = ChaosPlan.of(settings(
                "distributed",
                "--faults",
                "pause-module,kill-module",
                "--fault-duration",
                "4s",
                "--resend-after",
                "10s",
                "--seed",
                "1"));

        assertThat(plan.steps())
                .filteredOn(s -> s.fault().equals("pause-module"))
                .singleElement()
                .satisfies(s -> assertThat(s.duration()).isEqualTo(Duration.ofSeconds(15)));
        assertThat(plan.steps())
                .filteredOn(s -> s.fault().equals("kill-module"))
                .singleElement()
                .satisfies(s -> assertThat(s.duration()).isEqualTo(Duration.ofSeconds(4)));
    }

    @Test
    void theDistributedTargetsDoNotMoveTheFaultsOrTheirTiming() {
        // the targets come from a stream of their own: the same seed and fault list plan the same order and times
        List<String> shared = List.of("postgres-crash", "payment-outage", "duplicate", "poison");
        ChaosPlan embedded = ChaosPlan.of(
                settings("embedded", "--seed", "5", "--iterations", "8", "--faults", String.join(",", shared)));
        ChaosPlan distributed = ChaosPlan.of(
                settings("distributed", "--seed", "5", "--iterations", "8", "--faults", String.join(",", shared)));

        assertThat(distributed.steps())
                .extracting(ChaosPlan.Step::fault)
                .isEqualTo(embedded.steps().stream().map(ChaosPlan.Step::fault).toList());
        assertThat(distributed.steps())
                .extracting(ChaosPlan.Step::injectAt)
                .isEqualTo(
                        embedded.steps().stream().map(ChaosPlan.Step::injectAt).toList());
        assertThat(distributed.steps())
                .extracting(ChaosPlan.Step::loadSeed)
                .isEqualTo(
                        embedded.steps().stream().map(ChaosPlan.Step::loadSeed).toList());
    }

    // --- distributed mode on Redis (--transport redis) ---------------------------------------------------------

    @Test
    void onRedisTheServersRestartTakesTheRabbitmqRestartsPlace() {
        ChaosPlan.Settings redis = settings("distributed", "--transport", "redis");

        assertThat(redis.faults())
                .containsExactly(
                        "kill-module",
                        "kill-instance",
                        "pause-module",
                        "redis-restart",
                        "postgres-crash",
                        "payment-outage",
                        "duplicate",
                        "poison")
                .isEqualTo(ChaosTransport.faults("redis"));
        // all: the opt-in faults too (reorder: held back in the retry set), so the default list is the above
        assertThat(settings("distributed", "--transport", "redis", "--faults", "all")
                        .faults())
                .containsSubsequence(redis.faults())
                .endsWith("reorder", "partition-module", "clock-skew-module")
                .hasSize(11);
        assertThat(settings("distributed", "--faults", "all").faults()).isEqualTo(ChaosPlan.ALL_DISTRIBUTED_FAULTS);
        // the default transport is RabbitMQ's, with its fault list as before
        assertThat(settings("distributed").faults()).isEqualTo(ChaosPlan.DISTRIBUTED_FAULTS);
        assertThat(settings("distributed", "--transport", "rabbitmq").faults()).isEqualTo(ChaosPlan.DISTRIBUTED_FAULTS);
        for (ChaosPlan.Step step : ChaosPlan.of(settings("distributed", "--transport", "redis", "--seed", "2"))
                .steps()) {
            assertThat(Nemesis.of(step).name()).isEqualTo(step.fault());
        }
    }

    @Test
    void aSeedDealsTheSamePlanOnEitherTransportButTheServersRestart() {
        // seed 31: the Redis run in docs/reliability.md
        ChaosPlan rabbit = ChaosPlan.of(settings("distributed", "--seed", "31", "--iterations", "8"));
        ChaosPlan redis =
                ChaosPlan.of(settings("distributed", "--transport", "redis", "--seed", "31", "--iterations", "8"));

        assertThat(redis.steps())
                .extracting(ChaosPlan.Step::fault)
                .containsExactly(
                        "postgres-crash",
                        "pause-module",
                        "kill-instance",
                        "redis-restart",
                        "duplicate",
                        "kill-module",
                        "poison",
                        "payment-outage");
        assertThat(redis.steps())
                .extracting(ChaosPlan.Step::target)
                .contains("redis (the harness's server)")
                .doesNotContain("rabbitmq (the harness's node)");
        for (int i = 0; i < 8; i++) {
            ChaosPlan.Step a = rabbit.steps().get(i);
            ChaosPlan.Step b = redis.steps().get(i);
            assertThat(b.fault()).isEqualTo(a.fault().equals("rabbitmq-restart") ? "redis-restart" : a.fault());
            assertThat(b.injectAt()).isEqualTo(a.injectAt());
            assertThat(b.duration()).isEqualTo(a.duration());
            assertThat(b.loadSeed()).isEqualTo(a.loadSeed());
            if (!a.fault().equals("rabbitmq-restart")) {
                assertThat(b.target()).isEqualTo(a.target());
            }
        }
    }

    @Test
    void aServersRestartOnlyOnItsOwnTransport() {
        assertThatThrownBy(() -> settings("distributed", "--transport", "redis", "--faults", "rabbitmq-restart"))
                .hasMessageContaining("rabbitmq-restart needs --transport rabbitmq");
        assertThatThrownBy(() -> settings("distributed", "--faults", "redis-restart,kill-module"))
                .hasMessageContaining("redis-restart needs --transport redis");
        assertThatThrownBy(() -> settings("distributed", "--transport", "kafka"))
                .hasMessageContaining("--transport: rabbitmq or redis");
        assertThatThrownBy(() -> settings("embedded", "--transport", "redis"))
                .hasMessageContaining("the distributed mode's");
        assertThatThrownBy(() -> settings("embedded", "--faults", "redis-restart"))
                .hasMessageContaining("unknown fault 'redis-restart'");
        // reorder is on every transport (opt-in)
        assertThat(settings("distributed", "--faults", "reorder").faults()).containsExactly("reorder");
        assertThat(settings(
                                "distributed",
                                "--transport",
                                "redis",
                                "--faults",
                                "redis-restart,kill-module,duplicate,reorder")
                        .faults())
                .containsExactly("redis-restart", "kill-module", "duplicate", "reorder");
        ChaosPlan reorder =
                ChaosPlan.of(settings("distributed", "--transport", "redis", "--faults", "reorder", "--seed", "3"));
        assertThat(reorder.steps())
                .singleElement()
                .satisfies(s -> assertThat(s.target()).isEqualTo("transport (every module process)"))
                .satisfies(s -> assertThat(Nemesis.of(s).name()).isEqualTo("reorder"));
    }

    private static List<String> targetsOf(ChaosPlan plan, String fault) {
        return plan.steps().stream()
                .filter(s -> s.fault().equals(fault))
                .map(ChaosPlan.Step::target)
                .toList();
    }
}
