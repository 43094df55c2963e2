package io.orderflow.it;

import java.util.Map;

/**
 * {@link DistributedModeIntegrationTest} on the Redis Streams transport (profiles {@code distributed,redis}): every
 * module in its own application context, two payment and two order instances competing in their consumer groups,
 * on the local Redis under a key prefix of this run's own, deleted afterwards.
 */
class DistributedModeOnRedisIntegrationTest extends DistributedModeScenarios {

    private final String prefix = TestInfrastructure.newNamespace();

    @Override
    RunningApp startModules(String modules, String databaseUrl, Map<String, String> extra) {
        return RunningApp.distributedOnRedis(modules, databaseUrl, prefix, extra);
    }

    @Override
    void deleteBrokerState() {
        TestInfrastructure.deleteRedisKeys(prefix);
    }

    @Override
    String brokerHealthComponent() {
        return "redisTransport";
    }
}
