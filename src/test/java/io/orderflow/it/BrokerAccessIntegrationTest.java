package io.orderflow.it;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.rabbitmq.client.AuthenticationFailureException;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.PossibleAuthenticationFailureException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Nobody injects a forged message into a queue without the broker's credentials: RabbitMQ refuses a connection
 * that does not authenticate (docs/security.md says what else protects the broker and the database).
 */
class BrokerAccessIntegrationTest {

    @ParameterizedTest(name = "{0} / {1}")
    @CsvSource({"mallory, guessed", "guest, not-the-password", "'', ''"})
    void refusesAClientWithoutTheBrokersCredentials(String user, String password) {
        ConnectionFactory stranger = new ConnectionFactory();
        stranger.setHost(TestInfrastructure.RABBIT_HOST);
        stranger.setPort(Integer.parseInt(TestInfrastructure.RABBIT_PORT));
        stranger.setUsername(user);
        stranger.setPassword(password);
        stranger.setConnectionTimeout(5_000);

        assertThatThrownBy(stranger::newConnection)
                .isInstanceOfAny(AuthenticationFailureException.class, PossibleAuthenticationFailureException.class);
    }
}
