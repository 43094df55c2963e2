package io.orderflow.operations;

import io.orderflow.messaging.deadletter.DeadLetterNotFoundException;
import io.orderflow.messaging.deadletter.DeadLetterNotParkedException;
import io.orderflow.messaging.deadletter.ModuleNotServedException;
import io.orderflow.messaging.deadletter.RedriveFailedException;
import io.orderflow.platform.ApiProblem;
import io.orderflow.platform.Modules;
import jakarta.servlet.http.HttpServletRequest;
import java.net.URI;
import java.util.Map;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

/**
 * What the dead-letter store refuses, as the problem+json operators and their scripts know (docs/dead-letters.md).
 * Ordered before the platform's catch-all, which would otherwise answer these with a 500.
 */
@RestControllerAdvice(assignableTypes = DeadLetterController.class)
@Order(Ordered.HIGHEST_PRECEDENCE)
class DeadLetterProblems {

    @ExceptionHandler
    ResponseEntity<ProblemDetail> notFound(DeadLetterNotFoundException e, HttpServletRequest request) {
        return answer(new ApiProblem(HttpStatus.NOT_FOUND, "not-found", e.getMessage()), request);
    }

    @ExceptionHandler
    ResponseEntity<ProblemDetail> moduleNotServed(ModuleNotServedException e, HttpServletRequest request) {
        return answer(
                e.moduleExists()
                        ? new ApiProblem(
                                HttpStatus.NOT_FOUND,
                                "module-not-served",
                                e.getMessage(),
                                Map.of("served_modules", e.servedModules()))
                        : new ApiProblem(
                                HttpStatus.NOT_FOUND, "not-found", e.getMessage(), Map.of("modules", Modules.ALL)),
                request);
    }

    @ExceptionHandler
    ResponseEntity<ProblemDetail> notParked(DeadLetterNotParkedException e, HttpServletRequest request) {
        return answer(
                new ApiProblem(
                        HttpStatus.CONFLICT, "dead-letter-not-parked", e.getMessage(), Map.of("status", e.status())),
                request);
    }

    @ExceptionHandler
    ResponseEntity<ProblemDetail> redriveFailed(RedriveFailedException e, HttpServletRequest request) {
        return answer(new ApiProblem(HttpStatus.SERVICE_UNAVAILABLE, "redrive-failed", e.getMessage()), request);
    }

    private static ResponseEntity<ProblemDetail> answer(ApiProblem problem, HttpServletRequest request) {
        ProblemDetail body = problem.problem();
        body.setInstance(URI.create(request.getRequestURI()));
        return ResponseEntity.status(body.getStatus()).body(body);
    }
}
