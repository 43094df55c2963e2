package io.orderflow.platform;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.springframework.cloud.client.DefaultServiceInstance;
import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.client.discovery.DiscoveryClient;

/**
 * A process's view of where another module runs: its registry copy, and discovery asked for one service when the
 * copy has nothing or an instance from it could not be reached, at most once a second, on a clock the test turns.
 */
class ServiceInstancesUnitTest {

    private static final ServiceInstance OLD = instance("old", 8081);
    private static final ServiceInstance NEW = instance("new", 8082);

    private final AtomicLong now = new AtomicLong(1_000_000_000L);
    private final Map<String, List<ServiceInstance>> copy = new ConcurrentHashMap<>();
    private final List<String> asked = new ArrayList<>();
    private final List<Runnable> background = new ArrayList<>();
    private volatile List<ServiceInstance> registry = List.of(NEW);

    private final ServiceInstances instances = new ServiceInstances(
            copy(),
            service -> {
                asked.add(service);
                return registry;
            },
            background::add,
            () -> {},
            Duration.ofSeconds(30),
            Duration.ofSeconds(1),
            now::get);

    @Test
    void theCopyIsEnoughWhenItKnowsTheService() {
        copy.put("catalog", List.of(OLD));

        assertThat(instances.of("catalog")).containsExactly(OLD);
        assertThat(asked).isEmpty();
    }

    @Test
    void aServiceTheCopyDoesNotKnowIsAskedForOnTheCallersThreadAtMostOnceASecond() {
        assertThat(instances.of("customer")).containsExactly(NEW);
        assertThat(instances.of("customer")).containsExactly(NEW);
        assertThat(asked).containsExactly("customer");

        registry = List.of();
        assertThat(instances.of("nobody")).isEmpty();
        assertThat(instances.of("nobody")).isEmpty();
        assertThat(asked).containsExactly("customer", "nobody");

        tick(Duration.ofMillis(1_000));
        assertThat(instances.of("nobody")).isEmpty();
        assertThat(asked).containsExactly("customer", "nobody", "nobody");
    }

    @Test
    void discoverysAnswerIsPreferredToTheCopyUntilTheCopyHasBeenRefreshedSince() {
        copy.put("catalog", List.of(OLD));
        instances.unreachable("catalog");
        assertThat(asked).isEmpty(); // in the background
        runBackground();
        assertThat(asked).containsExactly("catalog");

        assertThat(instances.of("catalog")).containsExactly(NEW);
        tick(Duration.ofSeconds(29));
        assertThat(instances.of("catalog")).containsExactly(NEW);
        tick(Duration.ofSeconds(1));
        assertThat(instances.of("catalog")).containsExactly(OLD);
    }

    @Test
    void failuresAskDiscoveryAtMostOnceASecondAndABusyBackgroundIsNoError() {
        copy.put("catalog", List.of(OLD));
        instances.unreachable("catalog");
        instances.unreachable("catalog");
        assertThat(background).hasSize(1);

        tick(Duration.ofMillis(1_500));
        ServiceInstances busy = new ServiceInstances(
                copy(),
                service -> List.of(NEW),
                task -> {
                    throw new RejectedExecutionException("busy");
                },
                () -> {},
                Duration.ofSeconds(30),
                Duration.ofSeconds(1),
                now::get);
        busy.unreachable("catalog");
        assertThat(busy.of("catalog")).containsExactly(OLD);
    }

    @Test
    void discoveryNotAnsweringGivesNoInstanceAndNoException() {
        ServiceInstances down = new ServiceInstances(
                copy(),
                service -> {
                    throw new IllegalStateException("discovery answered 503");
                },
                Runnable::run,
                () -> {},
                Duration.ofSeconds(30),
                Duration.ofSeconds(1),
                now::get);

        assertThat(down.of("customer")).isEmpty();
        copy.put("customer", List.of(OLD));
        down.unreachable("customer");
        assertThat(down.of("customer")).containsExactly(OLD);
    }

    @Test
    void withoutARegistryToAskTheCopyIsAllThereIs() {
        ServiceInstances copyOnly = new ServiceInstances(
                copy(), null, background::add, () -> {}, Duration.ofSeconds(30), Duration.ofSeconds(1), now::get);

        assertThat(copyOnly.of("customer")).isEmpty();
        copyOnly.unreachable("customer");
        assertThat(background).isEmpty();
    }

    private void tick(Duration by) {
        now.addAndGet(by.toNanos());
    }

    private void runBackground() {
        List<Runnable> tasks = List.copyOf(background);
        background.clear();
        tasks.forEach(Runnable::run);
    }

    private DiscoveryClient copy() {
        return new DiscoveryClient() {
            @Override
            public String description() {
                return "the registry copy";
            }

            @Override
            public List<ServiceInstance> getInstances(String serviceId) {
                return copy.getOrDefault(serviceId, List.of());
            }

            @Override
            public List<String> getServices() {
                return List.copyOf(copy.keySet());
            }
        };
    }

    private static ServiceInstance instance(String id, int port) {
        return new DefaultServiceInstance(id, "catalog", "10.0.0.1", port, false);
    }
}
