package io.orderflow.platform;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.client.discovery.DiscoveryClient;

/**
 * Where the instances of another module are, for the calls one module makes to another: the order service asking a
 * catalog for prices, every module fetching the customer module's signing keys. They come from this process's copy
 * of the discovery registry, which a process that does not run the gateway refreshes only every 30 s ({@code
 * RoleDefaults}): a refresh every 2 s in every module was most of discovery's idle cost. So that the rare refresh
 * costs no availability, discovery itself is asked for the one service
 * <ul>
 * <li>when the copy holds no instance of it (a process that started before the service registered), on the
 * caller's thread, and</li>
 * <li>when a call to an instance from the copy could not be made ({@link #unreachable}: the instance stopped or
 * moved), in the background,</li>
 * </ul>
 * at most once a second per service. Discovery's answer is used instead of the copy for as long as the copy may be
 * older than it. Without a registry to ask (discovery by configured instances) the copy is all there is.
 */
public final class ServiceInstances implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ServiceInstances.class);

    /** Discovery asked for one service: the instances that are up, or an exception when it does not answer. */
    @FunctionalInterface
    public interface Registry {

        List<ServiceInstance> instancesUp(String service);
    }

    private record Answer(List<ServiceInstance> instances, long askedAt) {}

    private final DiscoveryClient copy;
    private final @Nullable Registry registry;
    private final Executor background;
    private final Runnable shutdown;
    private final long holdNanos;
    private final long spacingNanos;
    private final LongSupplier nanoTime;
    private final Map<String, Answer> answers = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> nextAsk = new ConcurrentHashMap<>();

    /**
     * @param copy this process's copy of the registry
     * @param registry discovery itself, or null when there is none to ask
     * @param background runs the asks after a failed call (it may refuse them when busy)
     * @param shutdown releases what the registry client and the background hold, on close
     * @param hold how long discovery's answer is preferred to the copy: the copy's refresh interval
     * @param spacing the least time between two asks for the same service
     */
    public ServiceInstances(
            DiscoveryClient copy,
            @Nullable Registry registry,
            Executor background,
            Runnable shutdown,
            Duration hold,
            Duration spacing,
            LongSupplier nanoTime) {
        this.copy = copy;
        this.registry = registry;
        this.background = background;
        this.shutdown = shutdown;
        this.holdNanos = hold.toNanos();
        this.spacingNanos = spacing.toNanos();
        this.nanoTime = nanoTime;
    }

    /** The instances of {@code service} that are up; empty when none is known, even to discovery. */
    public List<ServiceInstance> of(String service) {
        long now = nanoTime.getAsLong();
        @Nullable Answer answer = answers.get(service);
        if (answer != null && !answer.instances().isEmpty() && now - answer.askedAt() < holdNanos) {
            return answer.instances();
        }
        List<ServiceInstance> known = copy.getInstances(service);
        if (!known.isEmpty() || registry == null) {
            return known;
        }
        if (claim(service, now)) {
            return ask(service);
        }
        // asked less than a second ago: that answer is as good as another ask
        return answer == null ? List.of() : answer.instances();
    }

    /** A call to an instance of {@code service} could not be made: discovery is asked again, in the background. */
    public void unreachable(String service) {
        if (registry == null || !claim(service, nanoTime.getAsLong())) {
            return;
        }
        try {
            background.execute(() -> ask(service));
        } catch (RejectedExecutionException e) { // busy with another service's ask: the next failure asks again
            log.debug("not asking discovery for {} now: {}", service, e.toString());
        }
    }

    private boolean claim(String service, long now) {
        AtomicLong next = nextAsk.computeIfAbsent(service, s -> new AtomicLong(now));
        long at = next.get();
        return now - at >= 0 && next.compareAndSet(at, now + spacingNanos);
    }

    private List<ServiceInstance> ask(String service) {
        Registry asked = registry;
        if (asked == null) {
            return List.of();
        }
        List<ServiceInstance> instances;
        try {
            instances = List.copyOf(asked.instancesUp(service));
        } catch (RuntimeException e) {
            log.debug("discovery did not say where {} is: {}", service, e.toString());
            instances = List.of();
        }
        answers.put(service, new Answer(instances, nanoTime.getAsLong()));
        return instances;
    }

    @Override
    public void close() {
        shutdown.run();
    }
}
