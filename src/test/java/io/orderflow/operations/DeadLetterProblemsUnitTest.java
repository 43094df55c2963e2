package io.orderflow.operations;

import static org.assertj.core.api.Assertions.assertThat;

import io.orderflow.messaging.deadletter.DeadLetterNotFoundException;
import io.orderflow.messaging.deadletter.DeadLetterNotParkedException;
import io.orderflow.messaging.deadletter.ModuleNotServedException;
import io.orderflow.messaging.deadletter.RedriveFailedException;
import io.orderflow.platform.Modules;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.mock.web.MockHttpServletRequest;

/** The kernel's refusals leave as the same problem+json the dead-letter API gave before the kernel knew no HTTP. */
class DeadLetterProblemsUnitTest {

    private final DeadLetterProblems problems = new DeadLetterProblems();
    private final MockHttpServletRequest request =
            new MockHttpServletRequest("POST", "/api/dead-letters/payment/7/redrive");

    @Test
    void answersAnUnknownDeadLetterWithNotFound() {
        ProblemDetail problem = body(problems.notFound(new DeadLetterNotFoundException("payment", 7), request));

        assertProblem(problem, 404, "not-found", "Not Found", "Dead letter 'payment/7' does not exist");
        assertThat(problem.getInstance()).hasToString("/api/dead-letters/payment/7/redrive");
    }

    @Test
    void namesTheServedModulesWhenTheModuleRunsElsewhere() {
        ProblemDetail problem =
                body(problems.moduleNotServed(new ModuleNotServedException("shipping", List.of("order")), request));

        assertProblem(
                problem,
                404,
                "module-not-served",
                "Not Found",
                "Module 'shipping' does not run in this process; ask a process that runs it for its dead letters");
        assertThat(problem.getProperties()).containsEntry("served_modules", List.of("order"));
    }

    @Test
    void listsTheModulesWhenTheModuleDoesNotExist() {
        ProblemDetail problem =
                body(problems.moduleNotServed(new ModuleNotServedException("billing", List.of("order")), request));

        assertProblem(problem, 404, "not-found", "Not Found", "Module 'billing' does not exist");
        assertThat(problem.getProperties()).containsEntry("modules", Modules.ALL);
    }

    @Test
    void answersADeadLetterHandledAlreadyWithConflictAndItsStatus() {
        ProblemDetail problem =
                body(problems.notParked(new DeadLetterNotParkedException("payment", 7, "redriven"), request));

        assertProblem(
                problem,
                409,
                "dead-letter-not-parked",
                "Conflict",
                "Dead letter payment/7 is redriven; only parked dead letters can be re-driven or discarded");
        assertThat(problem.getProperties()).containsEntry("status", "redriven");
    }

    @Test
    void answersATransportThatRefusedTheMessageWithServiceUnavailable() {
        ProblemDetail problem = body(problems.redriveFailed(
                new RedriveFailedException("payment", 7, "broker down", new IllegalStateException("broker down")),
                request));

        assertProblem(
                problem,
                503,
                "redrive-failed",
                "Service Unavailable",
                "Dead letter payment/7 could not be put back on its queue: broker down");
    }

    private static ProblemDetail body(ResponseEntity<ProblemDetail> response) {
        assertThat(response.getBody()).isNotNull();
        assertThat(response.getStatusCode().value())
                .isEqualTo(response.getBody().getStatus());
        return response.getBody();
    }

    private static void assertProblem(ProblemDetail problem, int status, String type, String title, String detail) {
        assertThat(problem.getStatus()).isEqualTo(status);
        assertThat(problem.getType()).hasToString("https://orderflow.io/problems/" + type);
        assertThat(problem.getTitle()).isEqualTo(title);
        assertThat(problem.getDetail()).isEqualTo(detail);
    }
}
