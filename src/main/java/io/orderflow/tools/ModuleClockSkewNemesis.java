package io.orderflow.tools;

import java.io.IOException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

/**
 * Distributed mode: clock skew of ONE module process (the target, from the plan's deck): its wall clock jumps
 * {@link ClockSkewNemesis#SKEW} forward or backward (the direction drawn from the fault's seed, as in embedded mode)
 * at the injection and back to real time at the heal, while every other process, PostgreSQL and RabbitMQ keep real
 * time. So the processes disagree: the order process's saga deadlines, the customer process's token times
 * ({@code iat}, {@code nbf}, {@code exp}) checked by the others, the outbox and inbox times each process writes.
 */
final class ModuleClockSkewNemesis implements Nemesis {

    private static final Duration TOLERANCE = Duration.ofSeconds(5);
    private static final Duration SETTLE = Duration.ofSeconds(15);

    private final String process;
    private final long seed;
    private final boolean forward;
    private Duration seenAtInjection;
    private Duration seenAtHeal;
    private final Map<String, Long> othersAtInjection = new LinkedHashMap<>();
    /** The token probe: the process offered the token, the token (issued during the skew), its answers. */
    private String probedAt;

    private String probeToken;
    private final Map<String, Object> tokenProbe = new LinkedHashMap<>();

    ModuleClockSkewNemesis(String target, long seed) {
        this.process = target.split(" ")[0];
        this.seed = seed;
        this.forward = new Random(seed).nextBoolean();
    }

    /** The target of {@code process}, as the plan writes it. */
    static String target(String process) {
        return process + " (wall clock)";
    }

    String process() {
        return process;
    }

    boolean forward() {
        return forward;
    }

    Duration skew() {
        return forward ? ClockSkewNemesis.SKEW : ClockSkewNemesis.SKEW.negated();
    }

    /** The skew when the skewed process is an order process (it stamps the orders' times), else zero. */
    @Override
    public Duration orderClockSkew() {
        return process.equals("order") || process.startsWith("order-") ? skew() : Duration.ZERO;
    }

    @Override
    public String name() {
        return "clock-skew-module";
    }

    @Override
    public String describe() {
        return "the wall clock of " + process + " jumps " + (forward ? "forward" : "backward") + " "
                + ClockSkewNemesis.SKEW.toMinutes() + " min (libfaketime; seed " + seed
                + "), the other processes keep real time; back to real time at the heal";
    }

    @Override
    public void inject(ChaosSystem system) throws IOException {
        clocks(system).of(process).set(skew().toSeconds());
        seenAtInjection = FakeClock.awaitOffset(url(system, process), skew(), TOLERANCE, SETTLE);
        othersAtInjection.clear();
        for (String other : system.deployment.members().keySet()) {
            if (!other.equals(process)
                    && system.deployment.member(other).process().pid() > 0) {
                try {
                    othersAtInjection.put(
                            other, FakeClock.offset(url(system, other)).toSeconds());
                } catch (IOException e) {
                    othersAtInjection.put(other, null);
                }
            }
        }
        probeTokens(system);
    }

    /**
     * The one thing every process checks against a clock of another's: an access token's times ({@code iat},
     * {@code nbf}, {@code exp}: the customer process's clock) against its own. Signs in during the skew and offers the
     * token to the skewed process (to the order process when the customer's is skewed); again after the heal. A 401
     * is what the clocks' disagreement costs a client; reported, not a harness error.
     */
    private void probeTokens(ChaosSystem system) {
        probedAt = process.equals("customer")
                ? system.deployment.target("order").get(0).name()
                : process;
        tokenProbe.clear();
        tokenProbe.put("issued_by", "customer");
        tokenProbe.put("checked_by", probedAt);
        try {
            ChaosControls controls = system.deployment.member(probedAt).controls();
            probeToken = controls.signIn();
            tokenProbe.put("during_skew", controls.answerTo(probeToken));
        } catch (IOException | RuntimeException e) {
            tokenProbe.put("during_skew", e.toString());
        }
    }

    @Override
    public void heal(ChaosSystem system) throws IOException {
        clocks(system).of(process).set(0);
        if (system.deployment.member(process).process().pid() > 0) {
            seenAtHeal = FakeClock.awaitOffset(url(system, process), Duration.ZERO, TOLERANCE, SETTLE);
        }
        if (probeToken != null && system.deployment.member(probedAt).process().pid() > 0) {
            try {
                tokenProbe.put(
                        "after_heal",
                        system.deployment.member(probedAt).controls().answerTo(probeToken));
            } catch (IOException | RuntimeException e) {
                tokenProbe.put("after_heal", e.toString());
            }
        }
    }

    @Override
    public Map<String, Object> observe(ChaosSystem system) {
        Map<String, Object> seen = new LinkedHashMap<>();
        seen.put("process", process);
        seen.put("skew_s", skew().toSeconds());
        if (seenAtInjection != null) {
            seen.put("clock_off_at_injection_s", seenAtInjection.toSeconds());
        }
        if (!othersAtInjection.isEmpty()) {
            seen.put("others_off_at_injection_s", othersAtInjection);
        }
        if (seenAtHeal != null) {
            seen.put("clock_off_after_heal_s", seenAtHeal.toSeconds());
        }
        if (!tokenProbe.isEmpty()) {
            seen.put("token_issued_during_skew", tokenProbe);
        }
        return seen;
    }

    private static String url(ChaosSystem system, String process) {
        return system.deployment.member(process).process().url();
    }

    private static ModuleClocks clocks(ChaosSystem system) {
        if (system.deployment == null || system.moduleClocks == null) {
            throw new IllegalStateException(
                    "the module processes were not started under libfaketime: " + FakeClock.INSTALL_HINT);
        }
        return system.moduleClocks;
    }
}
