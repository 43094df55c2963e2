package io.orderflow.customer;

import io.orderflow.messaging.MessageHandlers;
import io.orderflow.platform.ConditionalOnModule;
import io.orderflow.platform.SchemaMigrations;
import java.util.List;
import java.util.Map;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.ComponentScan;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.security.crypto.argon2.Argon2PasswordEncoder;
import org.springframework.security.crypto.password.DelegatingPasswordEncoder;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

@Configuration(proxyBeanMethods = false)
@ConditionalOnModule("customer")
@ComponentScan
@EnableConfigurationProperties(IdentitySettings.class)
public class CustomerModule {

    /** The customer module consumes nothing yet (CustomerRegistered goes out, not in). */
    public static final List<Class<?>> CONSUMES = List.of();

    /**
     * Argon2id (OWASP's first choice), behind a delegating encoder so hashes carry their scheme ({argon2}...)
     * and a future default can take over without invalidating stored ones.
     */
    @Bean
    PasswordEncoder passwordEncoder() {
        return new DelegatingPasswordEncoder(
                "argon2", Map.of("argon2", Argon2PasswordEncoder.defaultsForSpringSecurity_v5_8()));
    }

    /** Also the key source that validates tokens in this process (see the platform's SecurityConfiguration). */
    @Bean
    SigningKeys signingKeys(
            JdbcClient jdbc,
            PlatformTransactionManager transactions,
            IdentitySettings settings,
            SchemaMigrations migrated) {
        SigningKeys keys = new SigningKeys(jdbc, new TransactionTemplate(transactions), settings);
        keys.initialise();
        return keys;
    }

    @Bean
    Tokens tokens(SigningKeys keys, IdentitySettings settings) {
        return new Tokens(keys, settings);
    }

    @Bean
    SignIn signIn(
            Customers customers,
            ApiClients clients,
            PasswordEncoder passwords,
            SignInFailures failures,
            Tokens tokens) {
        return new SignIn(customers, clients, passwords, failures, tokens);
    }

    @Bean
    ClientBootstrap clientBootstrap(
            ApiClients clients,
            PasswordEncoder passwords,
            IdentitySettings settings,
            PlatformTransactionManager transactions,
            SchemaMigrations migrated) {
        ClientBootstrap bootstrap = new ClientBootstrap(clients, passwords, settings);
        new TransactionTemplate(transactions).executeWithoutResult(s -> bootstrap.run());
        return bootstrap;
    }

    /** The customer module's own queue; it consumes nothing yet (CustomerRegistered goes out, not in). */
    @Bean
    MessageHandlers customerHandlers() {
        return MessageHandlers.forModule("customer").build();
    }
}
