package io.orderflow.platform;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * Gauges whose values come from periodic queries ({@code orderflow.metrics.sample-interval}, default 5s)
 * rather than from a query per scrape: one background thread runs every registered sampler, each sampler
 * sets its gauges, and a scrape only reads the last values. A failing sampler keeps its last values and is
 * tried again on the next tick.
 */
@Component
public class SampledGauges implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(SampledGauges.class);

    private final MeterRegistry registry;
    private final Duration interval;
    private final List<Sampler> samplers = new CopyOnWriteArrayList<>();
    private final Map<String, Holder> values = new ConcurrentHashMap<>();
    private volatile @Nullable ScheduledExecutorService executor;

    public SampledGauges(MeterRegistry registry, @Value("${orderflow.metrics.sample-interval:5s}") Duration interval) {
        this.registry = registry;
        this.interval = interval;
    }

    /** Runs {@code sampler} now and then every sample interval, while the application runs. */
    public void register(String name, Runnable sampler) {
        Sampler s = new Sampler(name, sampler);
        samplers.add(s);
        if (executor != null) {
            executor.execute(s::run);
        }
    }

    /** Sets a gauge, registering it the first time these name and tags are seen. */
    public void set(String name, String description, @Nullable String baseUnit, Tags tags, double value) {
        String key = name + tags;
        values.computeIfAbsent(key, k -> {
                    Holder holder = new Holder();
                    Gauge.builder(name, holder, Holder::get)
                            .description(description)
                            .baseUnit(baseUnit)
                            .tags(tags)
                            .register(registry);
                    return holder;
                })
                .value = value;
    }

    /** Runs every sampler once, now, on the caller's thread. */
    public void sampleNow() {
        samplers.forEach(Sampler::run);
    }

    @Override
    public void start() {
        executor = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "metrics-sampler");
            thread.setDaemon(true);
            return thread;
        });
        executor.scheduleWithFixedDelay(this::sampleNow, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public void stop() {
        ScheduledExecutorService running = executor;
        executor = null;
        if (running != null) {
            running.shutdownNow();
            try {
                // like PeriodicTask: once stopped, no sampling round is still running
                running.awaitTermination(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public boolean isRunning() {
        return executor != null;
    }

    @Override
    public int getPhase() {
        // after the schema migrations and the transport; stops before the data source goes
        return 200;
    }

    private static final class Holder {
        volatile double value;

        double get() {
            return value;
        }
    }

    private record Sampler(String name, Runnable action) {

        void run() {
            try {
                action.run();
            } catch (RuntimeException e) {
                log.warn("Sampling {} metrics failed; keeping the last values: {}", name, e.toString());
            }
        }
    }
}
