package io.orderflow.discovery;

import io.orderflow.platform.ConditionalOnModule;
import org.springframework.cloud.netflix.eureka.server.EnableEurekaServer;
import org.springframework.context.annotation.Configuration;

/** Runs the Eureka server in this process (see ADR 0008 for why Eureka, and the timings in the distributed profile). */
@Configuration(proxyBeanMethods = false)
@ConditionalOnModule("discovery")
@EnableEurekaServer
public class DiscoveryServer {}
