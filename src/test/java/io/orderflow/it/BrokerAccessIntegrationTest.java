package io.orderflow.it;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.rabbitmq.client.ConnectionFactory;
import org.junit.jupiter.api.Test;

/**
 * Nobody injects a forged message into a queue without the broker's credentials: RabbitMQ refuses a connection
 * that does not authenticate (docs/security.md says what else protects the broker and the database).
 */
class BrokerAccessIntegrationTest {

    @Test
    void refusesAClientWithoutTheBrokersCredentials() {
        ConnectionFactory stranger = new ConnectionFactory();
        stranger.setHost(TestInfrastructure.RABBIT_HOST);
        stranger.setPort(Integer.parseInt(TestInfrastructure.RABBIT_PORT));
        stranger.setUsername("mallory");
        stranger.setPassword("guessed");
        stranger.setConnectionTimeout(5_000);

        assertThatThrownBy(stranger::newConnection)
                .isInstanceOfAny(com.rabbitmq.client.AuthenticationFailureException.class,
                        com.rabbitmq.client.PossibleAuthenticationFailureException.class);
    }

    @Test
    void refusesTheDefaultGuestWithAWrongPassword() {
        ConnectionFactory guess = new ConnectionFactory();
        guess.setHost(TestInfrastructure.RABBIT_HOST);
        guess.setPort(Integer.parseInt(TestInfrastructure.RABBIT_PORT));
        guess.setUsername("guest");
        guess.setPassword("not-the-password");
        guess.setConnectionTimeout(5_000);

        assertThatThrownBy(guess::newConnection)
                .isInstanceOfAny(com.rabbitmq.client.AuthenticationFailureException.class,
                        com.rabbitmq.client.PossibleAuthenticationFailureException.class);
    }
}
