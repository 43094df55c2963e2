package io.orderflow.tools;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Several faults at once ({@code --faults kill+duplicate}): planned like one fault (one step, one injection time, the
 * longest of the parts' durations), every part injected and every part healed.
 *
 * <p>Order: the parts that act inside the running application (the runtime faults switched through its chaos
 * controls, the clock skew) are injected first and healed last; the others (kill, pause, PostgreSQL crash, partition)
 * follow {@link #LEAD} later, so they land on a system already under the first (a kill with duplicates queued and in
 * flight), and are healed first, in reverse order. A runtime fault lives in the application's memory: when healing
 * the others restarted the application, it is switched on again and kept on for {@link #AFTER_RESTART}, so the
 * recovery also runs under it, before it is healed. What each part was seen to do is reported by part (a runtime
 * fault's counts before a restart are read just before the other parts are injected). In distributed mode a restart
 * of any module process counts (a runtime fault acts in every process that offers it).
 */
final class CombinedNemesis implements Nemesis {

    static final Duration LEAD = Duration.ofSeconds(3);
    static final Duration AFTER_RESTART = Duration.ofSeconds(5);

    private final String name;
    private final List<Nemesis> inApp = new ArrayList<>();
    private final List<Nemesis> outside = new ArrayList<>();
    private final Map<String, Object> seenBeforeRestart = new LinkedHashMap<>();
    private boolean restarted;

    CombinedNemesis(String name, List<Nemesis> parts) {
        if (parts.size() < 2) {
            throw new IllegalArgumentException("a combination needs at least two faults, not " + parts.size());
        }
        this.name = name;
        for (Nemesis part : parts) {
            (actsInsideTheApplication(part) ? inApp : outside).add(part);
        }
    }

    static boolean actsInsideTheApplication(Nemesis part) {
        return part instanceof RuntimeFaultNemesis
                || part instanceof ClockSkewNemesis
                || part instanceof ModuleClockSkewNemesis;
    }

    List<Nemesis> injectionOrder() {
        List<Nemesis> order = new ArrayList<>(inApp);
        order.addAll(outside);
        return order;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public Duration orderClockSkew() {
        Duration skew = Duration.ZERO;
        for (Nemesis part : injectionOrder()) {
            skew = skew.plus(part.orderClockSkew());
        }
        return skew;
    }

    @Override
    public String describe() {
        StringBuilder text = new StringBuilder("at once:");
        for (Nemesis part : injectionOrder()) {
            text.append(" [").append(part.describe()).append(']');
        }
        return text.toString();
    }

    @Override
    public void inject(ChaosSystem system) throws IOException {
        for (Nemesis part : inApp) {
            part.inject(system);
        }
        if (!inApp.isEmpty() && !outside.isEmpty()) {
            sleep(LEAD);
            for (Nemesis part : inApp) {
                seenBeforeRestart.put(part.name(), observeQuietly(part, system));
            }
        }
        for (Nemesis part : outside) {
            part.inject(system);
        }
    }

    @Override
    public void heal(ChaosSystem system) throws IOException {
        List<Long> pidsBefore = pids(system);
        for (int i = outside.size() - 1; i >= 0; i--) {
            outside.get(i).heal(system);
        }
        restarted = !pids(system).equals(pidsBefore);
        if (restarted) {
            boolean again = false;
            for (Nemesis part : inApp) {
                if (part instanceof RuntimeFaultNemesis) {
                    part.inject(system); // the restart switched it off with the old process
                    again = true;
                }
            }
            if (again) {
                sleep(AFTER_RESTART);
            }
        }
        for (int i = inApp.size() - 1; i >= 0; i--) {
            inApp.get(i).heal(system);
        }
    }

    @Override
    public Map<String, Object> observe(ChaosSystem system) {
        Map<String, Object> seen = new LinkedHashMap<>();
        for (Nemesis part : injectionOrder()) {
            Map<String, Object> now = observeQuietly(part, system);
            if (restarted && seenBeforeRestart.containsKey(part.name()) && part instanceof RuntimeFaultNemesis) {
                seen.put(
                        part.name(),
                        Map.of("before_restart", seenBeforeRestart.get(part.name()), "after_restart", now));
            } else {
                seen.put(part.name(), now);
            }
        }
        return seen;
    }

    /**
     * The application's PID, or in distributed mode every module process's: a restart of any of them switched its
     * runtime faults off.
     */
    private static List<Long> pids(ChaosSystem system) {
        if (system.deployment == null) {
            return List.of(system.app.pid());
        }
        return system.deployment.members().values().stream()
                .map(m -> m.process().pid())
                .toList();
    }

    private static Map<String, Object> observeQuietly(Nemesis part, ChaosSystem system) {
        try {
            return part.observe(system);
        } catch (IOException | RuntimeException e) {
            return Map.of("error", e.toString());
        }
    }

    private static void sleep(Duration d) throws IOException {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }
}
