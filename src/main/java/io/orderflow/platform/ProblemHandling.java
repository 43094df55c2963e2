package io.orderflow.platform;

import jakarta.servlet.http.HttpServletRequest;
import java.lang.annotation.Annotation;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.MethodParameter;
import org.springframework.core.annotation.MergedAnnotation;
import org.springframework.core.annotation.MergedAnnotations;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.TransientDataAccessException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.transaction.CannotCreateTransactionException;
import org.springframework.transaction.TransactionSystemException;
import org.springframework.validation.method.ParameterErrors;
import org.springframework.validation.method.ParameterValidationResult;
import org.springframework.web.ErrorResponse;
import org.springframework.web.bind.MethodArgumentNotValidException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.client.HttpServerErrorException;
import org.springframework.web.client.ResourceAccessException;
import org.springframework.web.context.request.WebRequest;
import org.springframework.web.method.annotation.HandlerMethodValidationException;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.exc.UnrecognizedPropertyException;

/**
 * Every error leaves as problem+json. Validation problems name the offending fields; unreadable bodies
 * say why without echoing internals.
 */
@RestControllerAdvice
class ProblemHandling extends ResponseEntityExceptionHandler {

    private static final Logger log = LoggerFactory.getLogger(ProblemHandling.class);

    record FieldProblem(String field, @Nullable String message) {}

    @ExceptionHandler(ApiProblem.class)
    ResponseEntity<ProblemDetail> apiProblem(ApiProblem problem, HttpServletRequest request) {
        ProblemDetail body = problem.problem();
        body.setInstance(URI.create(request.getRequestURI()));
        var response = ResponseEntity.status(body.getStatus());
        problem.headers().forEach(response::header);
        return response.body(body);
    }

    @ExceptionHandler(MethodArgumentTypeMismatchException.class)
    ResponseEntity<ProblemDetail> typeMismatch(MethodArgumentTypeMismatchException e) {
        return ResponseEntity.badRequest()
                .body(validationProblem(List.of(new FieldProblem(e.getName(), "has an invalid value"))));
    }

    @Override
    protected ResponseEntity<Object> handleMethodArgumentNotValid(
            MethodArgumentNotValidException e, HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        List<FieldProblem> errors = e.getBindingResult().getFieldErrors().stream()
                .map(f -> new FieldProblem(toSnakeCase(f.getField()), f.getDefaultMessage()))
                .toList();
        return ResponseEntity.badRequest().body(validationProblem(errors));
    }

    /**
     * Constraints on a controller's parameters ({@code @Size} on a header, {@code @Min} on a query parameter), checked
     * by Spring MVC itself, with the body's when it has any: each names the parameter as the request spells it
     * ({@code at_sequence}, {@code Idempotency-Key}) or the body's field. No proxy around the controllers: the
     * class-level {@code @Validated} that asked for one cost every request a validation-group lookup and a
     * return-value check (docs/benchmarks.md).
     */
    @Override
    protected ResponseEntity<Object> handleHandlerMethodValidationException(
            HandlerMethodValidationException e, HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        List<FieldProblem> errors = new ArrayList<>();
        for (ParameterValidationResult result : e.getParameterValidationResults()) {
            if (result instanceof ParameterErrors body) {
                body.getFieldErrors()
                        .forEach(f -> errors.add(new FieldProblem(toSnakeCase(f.getField()), f.getDefaultMessage())));
                body.getGlobalErrors().forEach(g -> errors.add(new FieldProblem("", g.getDefaultMessage())));
            } else {
                String name = requestName(result.getMethodParameter());
                result.getResolvableErrors().forEach(r -> errors.add(new FieldProblem(name, r.getDefaultMessage())));
            }
        }
        return ResponseEntity.badRequest().body(validationProblem(errors));
    }

    /** The parameter's name in the request: the query parameter's, the header's, the path variable's. */
    private static String requestName(MethodParameter parameter) {
        MergedAnnotations annotations = MergedAnnotations.from(parameter.getParameterAnnotations());
        for (Class<? extends Annotation> named : List.of(RequestParam.class, RequestHeader.class, PathVariable.class)) {
            MergedAnnotation<?> annotation = annotations.get(named);
            if (annotation.isPresent() && !annotation.getString("name").isEmpty()) {
                return annotation.getString("name"); // name and value are aliases
            }
        }
        String name = parameter.getParameterName();
        return name == null ? "" : toSnakeCase(name);
    }

    @Override
    protected ResponseEntity<Object> handleHttpMessageNotReadable(
            HttpMessageNotReadableException e, HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        if (BodySizeLimit.isTooLarge(e)) {
            ProblemDetail problem = ProblemDetail.forStatusAndDetail(
                    HttpStatus.CONTENT_TOO_LARGE, "Request body exceeds " + BodySizeLimit.MAX_BYTES + " bytes");
            problem.setType(URI.create("https://orderflow.io/problems/body-too-large"));
            return ResponseEntity.status(HttpStatus.CONTENT_TOO_LARGE).body(problem);
        }
        FieldProblem field = fieldProblem(e);
        if (field != null) {
            return ResponseEntity.badRequest().body(validationProblem(List.of(field)));
        }
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(
                HttpStatus.BAD_REQUEST, "Request body is not valid JSON for this endpoint");
        problem.setType(URI.create("https://orderflow.io/problems/malformed-body"));
        return ResponseEntity.badRequest().body(problem);
    }

    /** A body that is JSON but has a value of the wrong kind names the field (items[0].quantity: 1.5, a NUL). */
    static @Nullable FieldProblem fieldProblem(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof JacksonException jackson && !jackson.getPath().isEmpty()) {
                StringBuilder field = new StringBuilder();
                for (JacksonException.Reference reference : jackson.getPath()) {
                    if (reference.getPropertyName() != null) {
                        field.append(field.isEmpty() ? "" : ".").append(reference.getPropertyName());
                    } else if (reference.getIndex() >= 0) {
                        field.append('[').append(reference.getIndex()).append(']');
                    }
                }
                if (field.isEmpty()) {
                    return null;
                }
                return new FieldProblem(field.toString(), reasonOf(jackson));
            }
        }
        return null;
    }

    private static String reasonOf(JacksonException e) {
        String message = e.getOriginalMessage() == null ? "" : e.getOriginalMessage();
        for (String known : List.of(
                "must not contain NUL characters",
                "must not contain control characters",
                "must be valid Unicode (a lone surrogate)")) {
            if (message.contains(known)) {
                return known;
            }
        }
        if (message.contains("Floating-point value") || message.contains("fractional")) {
            return "must be a whole number";
        }
        if (message.contains("out of range") || message.contains("Numeric value")) {
            return "is out of range";
        }
        if (e instanceof UnrecognizedPropertyException) {
            return "is not a known field";
        }
        return "has a value of the wrong type";
    }

    /**
     * The gateway could not reach a module: none is ready (503, try again shortly), or the one chosen failed
     * mid-request (502). Neither is the client's fault, and neither is a bug here.
     */
    @ExceptionHandler({HttpServerErrorException.class, ResourceAccessException.class})
    ResponseEntity<ProblemDetail> upstreamUnavailable(RuntimeException e, HttpServletRequest request) {
        boolean noInstance = e instanceof HttpServerErrorException server
                && server.getStatusCode().value() == 503;
        HttpStatus status = noInstance ? HttpStatus.SERVICE_UNAVAILABLE : HttpStatus.BAD_GATEWAY;
        log.warn("{} {}: upstream {}", request.getMethod(), request.getRequestURI(), e.getMessage());
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(
                status,
                noInstance
                        ? "No instance of the module serving this path is ready; try again shortly"
                        : "The module serving this path did not answer; try again");
        problem.setType(URI.create("https://orderflow.io/problems/upstream-unavailable"));
        problem.setInstance(URI.create(request.getRequestURI()));
        return ResponseEntity.status(status)
                .header(HttpHeaders.RETRY_AFTER, "2")
                .body(problem);
    }

    /**
     * The database could not be reached, or a transaction could not begin, commit or roll back (a crash, a
     * restart, a failover): not a bug and not the client's fault. 503 with {@code Retry-After}; a commit whose
     * outcome is unknown is why the detail points to the Idempotency-Key, with which a retry is safe.
     */
    @ExceptionHandler({
        DataAccessResourceFailureException.class,
        TransientDataAccessException.class,
        CannotCreateTransactionException.class,
        TransactionSystemException.class
    })
    ResponseEntity<ProblemDetail> databaseUnavailable(RuntimeException e, HttpServletRequest request) {
        log.warn("{} {}: database unavailable: {}", request.getMethod(), request.getRequestURI(), e.toString());
        return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE)
                .header(HttpHeaders.RETRY_AFTER, "2")
                .body(databaseUnavailableProblem(request.getRequestURI()));
    }

    static ProblemDetail databaseUnavailableProblem(String path) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(
                HttpStatus.SERVICE_UNAVAILABLE,
                "The database is unavailable or busy; try again shortly (with the same Idempotency-Key, a retried order "
                        + "is placed at most once)");
        problem.setType(URI.create("https://orderflow.io/problems/database-unavailable"));
        problem.setInstance(URI.create(path));
        return problem;
    }

    @ExceptionHandler(Exception.class)
    ResponseEntity<ProblemDetail> unexpected(Exception e, HttpServletRequest request) throws Exception {
        if (e instanceof ErrorResponse) {
            throw e; // framework errors are handled by the base class
        }
        log.error("Unexpected error on {} {}", request.getMethod(), request.getRequestURI(), e);
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(
                HttpStatus.INTERNAL_SERVER_ERROR, "Unexpected error; it has been logged");
        return ResponseEntity.internalServerError().body(problem);
    }

    private static ProblemDetail validationProblem(List<FieldProblem> errors) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST, "Request is not valid");
        problem.setType(URI.create("https://orderflow.io/problems/validation"));
        problem.setTitle("Validation failed");
        problem.setProperties(Map.of("errors", errors));
        return problem;
    }

    static String toSnakeCase(String field) {
        return field.replaceAll("([a-z0-9])([A-Z])", "$1_$2").toLowerCase(Locale.ROOT);
    }
}
