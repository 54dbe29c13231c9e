package dev.o2c.http;

import dev.o2c.infra.FieldError;
import dev.o2c.infra.ValidationException;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import org.apache.pekko.http.javadsl.model.HttpEntity;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.headers.Allow;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.ExceptionHandler;
import org.apache.pekko.http.javadsl.server.MalformedQueryParamRejection;
import org.apache.pekko.http.javadsl.server.UnsupportedRequestEncodingRejection;
import org.apache.pekko.http.javadsl.server.MethodRejection;
import org.apache.pekko.http.javadsl.server.MissingQueryParamRejection;
import org.apache.pekko.http.javadsl.server.RejectionHandler;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.http.javadsl.server.UnsupportedRequestContentTypeRejection;
import org.apache.pekko.http.scaladsl.model.EntityStreamException;
import org.apache.pekko.http.scaladsl.model.EntityStreamSizeException;
import org.apache.pekko.http.scaladsl.model.IllegalRequestException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns every rejection and exception into a problem+json response, in one place. No stack trace
 * reaches a client: an unexpected exception is logged with a reference that the 500 body repeats.
 */
final class ErrorHandling extends AllDirectives {

  private static final Logger log = LoggerFactory.getLogger(ErrorHandling.class);

  private final HttpSettings settings;

  ErrorHandling(HttpSettings settings) {
    this.settings = settings;
  }

  Route handle(Route inner) {
    return handleExceptions(exceptionHandler(), () -> handleRejections(rejectionHandler(), () -> inner));
  }

  ExceptionHandler exceptionHandler() {
    return ExceptionHandler.newBuilder().match(Throwable.class, e -> complete(responseFor(e))).build();
  }

  HttpResponse responseFor(Throwable thrown) {
    Throwable e = unwrap(thrown);
    if (e instanceof ProblemException problem) {
      return ApiDirectives.problem(problem.problem());
    }
    if (e instanceof ValidationException invalid) {
      return ApiDirectives.problem(Problem.validation(invalid.getMessage(), invalid.errors()));
    }
    if (e instanceof dev.o2c.reports.OrderReportStore.TooManyOrders tooMany) {
      return ApiDirectives.problem(Problem.of(ProblemType.UNPROCESSABLE, tooMany.getMessage()));
    }
    if (e instanceof EntityStreamSizeException tooLarge) {
      return ApiDirectives.problem(ApiDirectives.tooLarge(tooLarge.limit()));
    }
    if (e instanceof EntityStreamException broken) {
      // The body ended early or could not be read as sent.
      return ApiDirectives.problem(Problem.of(ProblemType.BAD_REQUEST, broken.info().summary() + "."));
    }
    if (e instanceof IllegalRequestException illegal) {
      // Pekko's own verdict on the request (a body over the size limit: 413), with its summary.
      int status = illegal.status().intValue();
      ProblemType type = status == 413 ? ProblemType.PAYLOAD_TOO_LARGE : ProblemType.forStatus(status);
      return ApiDirectives.problem(
          new Problem(type.uri(), type.title(), status, illegal.info().summary() + ".", List.of(), java.util.Map.of()));
    }
    if (e instanceof TimeoutException) {
      log.warn("Request timed out: {}", e.getMessage());
      return ApiDirectives.problem(
              Problem.of(
                  ProblemType.SERVICE_UNAVAILABLE,
                  "The request did not complete within " + settings.askTimeout().toMillis()
                      + " ms. It is safe to retry with the same Idempotency-Key."))
          .addHeader(org.apache.pekko.http.javadsl.model.headers.RetryAfter.create(1L));
    }
    if (databaseUnavailable(e)) {
      log.warn("Cassandra did not answer: {}", e.toString());
      return ApiDirectives.problem(Problem.of(ProblemType.SERVICE_UNAVAILABLE,
              "The database is not reachable at the moment. It is safe to retry "
                  + "(with the same Idempotency-Key for a creation)."))
          .addHeader(org.apache.pekko.http.javadsl.model.headers.RetryAfter.create(2L));
    }
    String reference = UUID.randomUUID().toString();
    log.error("Unexpected error, reference {}", reference, e);
    return ApiDirectives.problem(
        Problem.of(ProblemType.INTERNAL, "An unexpected error occurred. Reference: " + reference + "."));
  }

  /**
   * Cassandra failing or out of reach (no node, a timeout, too few replicas, a connection closed,
   * the journal's circuit breaker open): a 503 to retry, not a 500. A query Cassandra refuses as
   * invalid is a defect and stays a 500.
   */
  static boolean databaseUnavailable(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof com.datastax.oss.driver.api.core.servererrors.QueryValidationException) {
        return false;
      }
      if (t instanceof com.datastax.oss.driver.api.core.DriverException
          || t instanceof org.apache.pekko.pattern.CircuitBreakerOpenException) {
        return true;
      }
    }
    return false;
  }

  private static Throwable unwrap(Throwable e) {
    Throwable current = e;
    while ((current instanceof CompletionException || current instanceof ExecutionException)
        && current.getCause() != null) {
      current = current.getCause();
    }
    return current;
  }

  RejectionHandler rejectionHandler() {
    return RejectionHandler.newBuilder()
        .handleAll(
            MethodRejection.class,
            rejections ->
                complete(
                    ApiDirectives.problem(
                            Problem.of(
                                ProblemType.METHOD_NOT_ALLOWED,
                                "This resource supports "
                                    + rejections.stream().map(r -> r.supported().name()).distinct().collect(Collectors.joining(", "))
                                    + "."))
                        .addHeader(Allow.create(rejections.stream().map(MethodRejection::supported).distinct().toArray(org.apache.pekko.http.javadsl.model.HttpMethod[]::new)))))
        .handle(
            UnsupportedRequestContentTypeRejection.class,
            r -> complete(
                ApiDirectives.problem(
                    Problem.of(
                        ProblemType.UNSUPPORTED_MEDIA_TYPE,
                        "Supported content types: "
                            + r.getSupported().stream().map(Object::toString).collect(Collectors.joining(", "))
                            + "."))))
        .handle(
            MissingQueryParamRejection.class,
            r -> complete(
                ApiDirectives.problem(
                    Problem.validation(
                        "A query parameter is missing.",
                        List.of(new FieldError(r.parameterName(), "is required"))))))
        .handleAll(
            UnsupportedRequestEncodingRejection.class,
            rejections -> complete(
                ApiDirectives.problem(
                    Problem.of(
                        ProblemType.UNSUPPORTED_MEDIA_TYPE,
                        "The request's Content-Encoding is not supported; send gzip, deflate or none."))))
        .handle(
            MalformedQueryParamRejection.class,
            r -> complete(
                ApiDirectives.problem(
                    Problem.validation(
                        "A query parameter is not valid.",
                        List.of(new FieldError(r.parameterName(), r.errorMsg()))))))
        .handleNotFound(
            complete(ApiDirectives.problem(Problem.of(ProblemType.NOT_FOUND, "There is no resource at this path."))))
        .build()
        .withFallback(RejectionHandler.defaultHandler())
        .mapRejectionResponse(ErrorHandling::asProblem);
  }

  /** Pekko's own rejection responses are text; give them the problem+json form with the same status. */
  private static HttpResponse asProblem(HttpResponse response) {
    if (response.entity().getContentType().equals(ApiDirectives.PROBLEM_JSON)) {
      return response;
    }
    String detail =
        response.entity() instanceof HttpEntity.Strict strict ? strict.getData().utf8String() : response.status().reason();
    int status = response.status().intValue();
    ProblemType type = ProblemType.forStatus(status);
    Problem problem = new Problem(type.uri(), type.title(), status, detail, List.of(), java.util.Map.of());
    return ApiDirectives.problem(problem).withHeaders(response.getHeaders());
  }
}
