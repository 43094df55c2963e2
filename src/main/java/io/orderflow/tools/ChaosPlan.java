package io.orderflow.tools;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * Which fault each iteration injects, when in the iteration and into which process: everything random in a
 * chaos run comes from the seed, so a run that found something can be repeated with {@code --seed}.
 *
 * <p>Faults are dealt like cards: each round of {@code faults.size()} iterations uses every fault once, in an
 * order shuffled by the seed, so a run of at least that many iterations covers every fault.
 */
record ChaosPlan(long seed, List<Step> steps, String mode) {

    /**
     * The embedded mode's default faults, by name: the plans of the seeds used before {@link #OPT_IN_FAULTS} existed
     * stay as they were.
     */
    static final List<String> EMBEDDED_FAULTS =
            List.of("kill", "pause", "postgres-crash", "payment-outage", "duplicate", "reorder", "poison");

    /**
     * The distributed mode's default nemeses, by name (the process faults act on one module or one instance); {@code
     * reorder} came later and is {@link #DISTRIBUTED_OPT_IN_FAULTS opt-in}.
     */
    static final List<String> DISTRIBUTED_FAULTS = List.of(
            "kill-module",
            "kill-instance",
            "pause-module",
            "rabbitmq-restart",
            "postgres-crash",
            "payment-outage",
            "duplicate",
            "poison");

    /** The faults of a mode ({@code embedded} or {@code distributed}). */
    static List<String> faultsOf(String mode) {
        return switch (mode) {
            case "embedded" -> EMBEDDED_FAULTS;
            case "distributed" -> DISTRIBUTED_FAULTS;
            default -> throw new IllegalArgumentException("mode '" + mode + "': embedded or distributed");
        };
    }

    /**
     * Faults named explicitly ({@code --faults partition,clock-skew}, or {@code --faults all}): not in the default set,
     * so that a seed's default plan did not change when they came; {@code clock-skew} also needs libfaketime.
     */
    static final List<String> OPT_IN_FAULTS = List.of("partition", "clock-skew");

    /** Every nemesis of the embedded mode; a combination joins some of them with {@code +} ({@code kill+duplicate}). */
    static final List<String> ALL_FAULTS = concat(EMBEDDED_FAULTS, OPT_IN_FAULTS);

    /**
     * The distributed mode's faults named explicitly (or by {@code --faults all}): {@code reorder} (held back on the
     * transport), one process cut from the broker or the database ({@link ModuleLinks}), one process's wall clock
     * skewed (libfaketime); not in its default set, so that a seed's default distributed plan did not change when
     * they came.
     */
    static final List<String> DISTRIBUTED_OPT_IN_FAULTS = List.of("reorder", "partition-module", "clock-skew-module");

    /** Every nemesis of the distributed mode; combinations join them with {@code +} as in embedded mode. */
    static final List<String> ALL_DISTRIBUTED_FAULTS = concat(DISTRIBUTED_FAULTS, DISTRIBUTED_OPT_IN_FAULTS);

    /**
     * How long a connection may wait for the application's pool (Hikari's default {@code connectionTimeout}, which
     * orderflow does not change): a partition must outlast it, or the pool never gives up on a connection.
     */
    static final Duration POOL_CONNECTION_TIMEOUT = Duration.ofSeconds(30);

    /**
     * One iteration: the fault, how long after the load starts it is injected, how long it lasts before it is
     * healed, the process it targets, and the seed of the iteration's load (the mix and the order contents).
     */
    record Step(int iteration, String fault, Duration injectAt, Duration duration, String target, long loadSeed) {

        /**
         * The seed of what a randomised fault does (which messages are held back, which queue gets poison): derived
         * from the load's seed rather than drawn, so the plans of seeds used before these faults existed are unchanged.
         */
        long faultSeed() {
            return loadSeed ^ 0x9E3779B97F4A7C15L;
        }
    }

    /** The options that shape the plan (the rest of the run's options do not change it). */
    record Settings(
            long seed,
            int iterations,
            List<String> faults,
            Duration injectMin,
            Duration injectMax,
            Duration faultDuration,
            Duration resendAfter,
            String mode,
            DistributedTopology topology) {

        Settings(
                long seed,
                int iterations,
                List<String> faults,
                Duration injectMin,
                Duration injectMax,
                Duration faultDuration,
                Duration resendAfter) {
            this(
                    seed,
                    iterations,
                    faults,
                    injectMin,
                    injectMax,
                    faultDuration,
                    resendAfter,
                    "embedded",
                    DistributedTopology.DIRECT);
        }

        Settings {
            if (faults.isEmpty()) {
                throw new IllegalArgumentException("--faults names no fault");
            }
            for (String fault : faults) {
                List<String> parts = parts(fault);
                List<String> known = mode.equals("distributed") ? ChaosTransport.known() : ALL_FAULTS;
                for (String part : parts) {
                    if (!known.contains(part)) {
                        throw new IllegalArgumentException("unknown fault '" + part + "' (" + mode + " mode: "
                                + String.join(", ", known) + ", or several joined by +)");
                    }
                }
                if (parts.size() != parts.stream().distinct().count()) {
                    throw new IllegalArgumentException("a fault twice in one combination: " + fault);
                }
            }
            if (topology.gateway() && !mode.equals("distributed")) {
                throw new IllegalArgumentException("--topology gateway is the distributed mode's");
            }
            if (iterations < 1 || iterations > 1000) {
                throw new IllegalArgumentException("--iterations must be 1..1000, not " + iterations);
            }
            if (injectMin.isNegative() || injectMax.compareTo(injectMin) < 0) {
                throw new IllegalArgumentException("need 0 <= --inject-min <= --inject-max");
            }
            if (faultDuration.compareTo(Duration.ofSeconds(1)) < 0
                    || faultDuration.compareTo(Duration.ofMinutes(10)) > 0) {
                throw new IllegalArgumentException("--fault-duration must be 1s..10m, not " + faultDuration);
            }
            if (resendAfter.compareTo(Duration.ofSeconds(1)) < 0) {
                throw new IllegalArgumentException("--resend-after must be at least 1s");
            }
            faults = List.copyOf(faults);
        }

        static Settings from(Args args) {
            String mode = args.positional().isEmpty()
                    ? args.get("mode", "embedded")
                    : args.positional().get(0);
            String transport = ChaosTransport.of(args, mode);
            List<String> defaults = mode.equals("distributed") ? ChaosTransport.faults(transport) : faultsOf(mode);
            String faults = args.get("faults", String.join(",", defaults));
            if (faults.trim().equals("all")) {
                faults = String.join(",", mode.equals("distributed") ? ChaosTransport.all(transport) : ALL_FAULTS);
            }
            List<String> names = Arrays.stream(faults.split(","))
                    .map(String::trim)
                    .filter(s -> !s.isEmpty())
                    .distinct()
                    .toList();
            if (mode.equals("distributed")) {
                ChaosTransport.check(names, transport);
            }
            return new Settings(
                    args.has("seed") ? Long.parseLong(args.get("seed", "0")) : System.currentTimeMillis(),
                    args.integer("iterations", names.size()),
                    names,
                    args.duration("inject-min", Duration.ofSeconds(8)),
                    args.duration("inject-max", Duration.ofSeconds(16)),
                    args.duration("fault-duration", Duration.ofSeconds(12)),
                    args.duration("resend-after", Duration.ofSeconds(10)),
                    mode,
                    DistributedTopology.parse(args.get("topology", "direct")));
        }
    }

    static ChaosPlan of(Settings settings) {
        Random random = new Random(settings.seed());
        List<Step> steps = new ArrayList<>();
        List<String> round = new ArrayList<>();
        long spread = settings.injectMax().toMillis() - settings.injectMin().toMillis();
        // a stream of its own: the embedded plans of the seeds used before the distributed mode existed do not move
        TargetDecks targets =
                new TargetDecks(settings.mode(), settings.topology(), new Random(settings.seed() ^ TargetDecks.SALT));
        for (int i = 1; i <= settings.iterations(); i++) {
            if (round.isEmpty()) {
                round.addAll(settings.faults());
                Collections.shuffle(round, random);
            }
            String fault = round.remove(0);
            Duration injectAt =
                    settings.injectMin().plusMillis(spread == 0 ? 0 : Math.floorMod(random.nextLong(), spread + 1));
            steps.add(
                    new Step(i, fault, injectAt, durationOf(fault, settings), targets.next(fault), random.nextLong()));
        }
        return new ChaosPlan(settings.seed(), List.copyOf(steps), settings.mode());
    }

    /**
     * A pause must outlast the saga's re-send interval, or it tests nothing a slow GC does not: the paused
     * process must come back to find its steps re-sent (and answered) while it was away.
     */
    static Duration durationOf(String fault, Settings settings) {
        if (fault.contains("+")) { // a combination lasts as long as its longest part
            return parts(fault).stream()
                    .map(part -> durationOf(part, settings))
                    .max(Duration::compareTo)
                    .orElseThrow();
        }
        if (fault.equals("partition") || fault.equals("partition-module")) {
            // the pool must give up on connections while the database is unreachable, or the partition is a pause
            Duration atLeast = POOL_CONNECTION_TIMEOUT.plusSeconds(5);
            return settings.faultDuration().compareTo(atLeast) >= 0 ? settings.faultDuration() : atLeast;
        }
        if (fault.equals("pause") || fault.equals("pause-module")) {
            Duration atLeast = settings.resendAfter().plusSeconds(5);
            return settings.faultDuration().compareTo(atLeast) >= 0 ? settings.faultDuration() : atLeast;
        }
        return settings.faultDuration();
    }

    /** Embedded mode has one application process; the database and the provider are the other targets. */
    static String targetOf(String fault) {
        if (fault.contains("+")) {
            return String.join(
                    " + ", parts(fault).stream().map(ChaosPlan::targetOf).toList());
        }
        return switch (fault) {
            case "postgres-crash" -> "postgres";
            case "partition" -> "app <-> postgres (TCP proxy)";
            case "clock-skew" -> "app (wall clock)";
            case "payment-outage" -> "payment provider (app)";
            case "duplicate", "reorder", "poison" -> "transport (app)";
            default -> "app";
        };
    }

    /** The faults of a combination ({@code kill+duplicate}), or the one fault. */
    static List<String> parts(String fault) {
        return Arrays.stream(fault.split("\\+")).map(String::trim).toList();
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> all = new ArrayList<>(a);
        all.addAll(b);
        return List.copyOf(all);
    }
}
