package io.orderflow.platform;

import com.netflix.appinfo.ApplicationInfoManager;
import com.netflix.appinfo.InstanceInfo;
import com.netflix.discovery.shared.Application;
import com.netflix.discovery.shared.resolver.DefaultEndpoint;
import com.netflix.discovery.shared.transport.EurekaHttpClient;
import com.netflix.discovery.shared.transport.EurekaHttpResponse;
import com.netflix.discovery.shared.transport.TransportClientFactory;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.client.discovery.DiscoveryClient;
import org.springframework.cloud.netflix.eureka.EurekaClientConfigBean;
import org.springframework.cloud.netflix.eureka.EurekaServiceInstance;
import org.springframework.cloud.netflix.eureka.http.RestClientTransportClientFactories;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The {@link ServiceInstances} of a process with discovery on: its Eureka client's copy of the registry, and the
 * registry itself asked for one application ({@code GET /eureka/apps/{name}}) through the Eureka client's own
 * transport, on each configured discovery URL in turn until one answers.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty(name = "spring.cloud.discovery.enabled", havingValue = "true")
class ServiceLookup {

    /** The least time between two asks for one service. */
    static final Duration SPACING = Duration.ofSeconds(1);

    @Bean
    ServiceInstances serviceInstances(
            DiscoveryClient copy,
            ObjectProvider<EurekaClientConfigBean> eurekaConfig,
            ObjectProvider<RestClientTransportClientFactories> transports,
            ObjectProvider<ApplicationInfoManager> self,
            @Value("${eureka.client.registry-fetch-interval-seconds:30}") int refreshSeconds) {
        ThreadPoolExecutor background =
                new ThreadPoolExecutor(0, 1, 10, TimeUnit.SECONDS, new SynchronousQueue<>(), task -> {
                    Thread thread = new Thread(task, "service-lookup");
                    thread.setDaemon(true);
                    return thread;
                });
        Duration hold = Duration.ofSeconds(refreshSeconds);
        EurekaClientConfigBean config = eurekaConfig.getIfAvailable();
        RestClientTransportClientFactories factories = transports.getIfAvailable();
        ApplicationInfoManager info = self.getIfAvailable();
        if (config == null || factories == null || info == null || !config.isFetchRegistry()) {
            // instances from configuration, or no Eureka client: nothing else to ask
            return new ServiceInstances(copy, null, background, background::shutdown, hold, SPACING, System::nanoTime);
        }
        TransportClientFactory transport = factories.newTransportClientFactory(config, List.of(), info.getInfo());
        List<EurekaHttpClient> servers = config.getEurekaServerServiceUrls(EurekaClientConfigBean.DEFAULT_ZONE).stream()
                .map(url -> transport.newClient(new DefaultEndpoint(url)))
                .toList();
        return new ServiceInstances(
                copy,
                service -> ask(servers, service),
                background,
                () -> {
                    background.shutdown();
                    servers.forEach(EurekaHttpClient::shutdown);
                    transport.shutdown();
                },
                hold,
                SPACING,
                System::nanoTime);
    }

    /** The instances of one application that are up, from the first discovery node that answers. */
    static List<ServiceInstance> ask(List<EurekaHttpClient> servers, String service) {
        @Nullable RuntimeException failed = null;
        for (EurekaHttpClient server : servers) {
            try {
                EurekaHttpResponse<Application> response = server.getApplication(service.toUpperCase(Locale.ROOT));
                if (response.getStatusCode() == 404) {
                    return List.of();
                }
                Application application = response.getEntity();
                if (response.getStatusCode() != 200 || application == null) {
                    throw new IllegalStateException("discovery answered " + response.getStatusCode());
                }
                return application.getInstances().stream()
                        .filter(instance -> instance.getStatus() == InstanceInfo.InstanceStatus.UP)
                        .<ServiceInstance>map(EurekaServiceInstance::new)
                        .toList();
            } catch (RuntimeException e) { // this node did not answer: the next one
                if (failed == null) {
                    failed = e;
                } else {
                    failed.addSuppressed(e);
                }
            }
        }
        throw failed != null ? failed : new IllegalStateException("no discovery URL is configured");
    }
}
