package dev.o2c.http;

import dev.o2c.infra.FieldError;
import dev.o2c.infra.Rejection;
import dev.o2c.infra.ValidationException;
import dev.o2c.tenancy.Caller;
import dev.o2c.tenancy.Role;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import org.apache.pekko.http.javadsl.model.ContentType;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpCharsets;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpHeader;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.MediaType;
import org.apache.pekko.http.javadsl.model.MediaTypes;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.model.headers.RetryAfter;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * What every routes class of the API shares: reading a JSON body strictly and within the size
 * limit, and answering with JSON or a problem document.
 */
public abstract class ApiDirectives extends AllDirectives {

  /** {@code application/problem+json}, the content type of every error (RFC 9457). */
  public static final ContentType PROBLEM_JSON =
      MediaTypes.applicationWithFixedCharset("problem+json", HttpCharsets.UTF_8).toContentType();

  /** The header that makes a creating POST idempotent. */
  public static final String IDEMPOTENCY_KEY = "Idempotency-Key";

  /** Set on a response that repeats the first answer to an Idempotency-Key. */
  public static final String IDEMPOTENT_REPLAYED = "Idempotent-Replayed";

  /** How long a request body may take to arrive in full. */
  private static final Duration BODY_TIMEOUT = Duration.ofSeconds(10);

  protected final HttpSettings settings;

  protected ApiDirectives(HttpSettings settings) {
    this.settings = settings;
  }

  /**
   * Reads the body as JSON of the given type, strictly, and passes it on. Answers 415 for a
   * content type other than JSON, 413 for a body over {@code o2c.http.max-body-size}, and 400
   * (saying where) for malformed JSON, unknown fields or wrong types.
   */
  protected <T> Route jsonBody(Class<T> type, Function<T, Route> inner) {
    return extractRequestEntity(
        entity -> {
          if (entity.isKnownEmpty()) {
            return completeProblem(Problem.validation("The request body is empty; a JSON object is expected.", List.of()));
          }
          if (!isJson(entity.getContentType())) {
            return complete(unsupportedMediaType(entity.getContentType()));
          }
          // A declared length over the limit is refused before a byte is read; a streamed body is
          // cut off at the limit. (toStrictEntity is not used: it reports an oversized body as 400.)
          var declared = entity.getContentLengthOption();
          if (declared.isPresent() && declared.getAsLong() > settings.maxBodySize()) {
            return completeProblem(tooLarge(settings.maxBodySize()));
          }
          return extractMaterializer(
              materializer ->
                  onSuccess(
                      // withSizeLimit, not toStrict's own limit: that one reports a streamed body over it as 400.
                      () -> entity.withSizeLimit(settings.maxBodySize()).toStrict(BODY_TIMEOUT.toMillis(), materializer)
                          .exceptionally(ApiDirectives::bodyNotReceived),
                      strict -> {
                        byte[] bytes = strict.getData().toArray();
                        if (bytes.length == 0) {
                          return completeProblem(
                              Problem.validation("The request body is empty; a JSON object is expected.", List.of()));
                        }
                        return inner.apply(Json.read(bytes, type));
                      }));
        });
  }

  /**
   * A body that did not arrive in full within the time allowed (a Content-Length larger than what
   * is sent) is the client's failure: 408, never the 503 of a server that did not answer.
   */
  private static <T> T bodyNotReceived(Throwable failure) {
    Throwable cause = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
    if (cause instanceof java.util.concurrent.TimeoutException) {
      throw Problem.of(ProblemType.REQUEST_TIMEOUT, "The request body did not arrive in full within " + BODY_TIMEOUT.toSeconds()
          + " s (is Content-Length larger than the body sent?).").toException();
    }
    throw failure instanceof CompletionException c ? c : new CompletionException(failure);
  }

  /**
   * Goes on, with the caller acting in the role {@code needed}, when the caller's key has it (or
   * admin); else 403 naming the role needed. Checked before the body is read.
   */
  protected Route authorized(Caller caller, Role needed, Function<Caller, Route> inner) {
    if (!caller.may(needed)) {
      return completeProblem(forbidden(caller, needed));
    }
    return inner.apply(caller.actingAs(needed));
  }

  /** The 403 problem of a caller without the role {@code needed}. */
  static Problem forbidden(Caller caller, Role needed) {
    return Problem.of(ProblemType.FORBIDDEN, "This action needs the " + needed.label() + " role (or admin); this API key has: "
        + caller.roleLabels() + ".").with("requiredRole", needed.label());
  }

  /** The 413 problem for a body over {@code limit} bytes. */
  static Problem tooLarge(long limit) {
    return Problem.of(ProblemType.PAYLOAD_TOO_LARGE, "The request body exceeds the limit of " + limit + " bytes.");
  }

  /**
   * Like {@link #jsonBody}, but a request without a body gets {@code absent}: the transitions of
   * an order take an optional note or reason.
   */
  protected <T> Route optionalJsonBody(Class<T> type, T absent, Function<T, Route> inner) {
    return extractRequestEntity(entity -> entity.isKnownEmpty() ? inner.apply(absent) : jsonBody(type, inner));
  }

  /**
   * The optional Idempotency-Key header: 1 to 255 visible ASCII characters (spaces allowed inside);
   * anything else is a 400.
   */
  protected Route idempotencyKey(Function<String, Route> inner) {
    return optionalHeaderValueByName(IDEMPOTENCY_KEY, key -> {
      if (key.isEmpty()) {
        return inner.apply(null);
      }
      String value = key.get().strip();
      if (!validIdempotencyKey(value)) {
        return completeProblem(Problem.validation("The Idempotency-Key header is not valid.",
            List.of(new FieldError(IDEMPOTENCY_KEY, "must be 1 to 255 visible ASCII characters"))));
      }
      return inner.apply(value);
    });
  }

  /** 1 to 255 visible ASCII characters, spaces allowed inside. */
  static boolean validIdempotencyKey(String key) {
    String value = key.strip();
    return !value.isEmpty() && value.length() <= 255 && value.chars().allMatch(c -> c >= 0x20 && c < 0x7f);
  }

  /** The problem a domain rejection stands for; its details become extension members. */
  public static Problem problemOf(Rejection rejection) {
    ProblemType type = switch (rejection.kind()) {
      case INVALID -> ProblemType.VALIDATION;
      case NOT_FOUND -> ProblemType.NOT_FOUND;
      case ALREADY_EXISTS -> ProblemType.ALREADY_EXISTS;
      case ILLEGAL_TRANSITION -> ProblemType.ILLEGAL_TRANSITION;
      case IN_FLIGHT -> ProblemType.IDEMPOTENCY_KEY_IN_FLIGHT;
      case IN_PROGRESS -> ProblemType.CHANGE_IN_PROGRESS;
      case KEY_REUSED -> ProblemType.IDEMPOTENCY_KEY_REUSED;
      case UNPROCESSABLE -> ProblemType.UNPROCESSABLE;
      case UNAVAILABLE -> ProblemType.SERVICE_UNAVAILABLE;
    };
    if (rejection.kind() == Rejection.Kind.INVALID) {
      List<FieldError> errors = rejection.details().entrySet().stream()
          .map(e -> new FieldError(e.getKey(), e.getValue())).sorted(java.util.Comparator.comparing(FieldError::field)).toList();
      return Problem.validation(rejection.detail(), errors);
    }
    Problem problem = Problem.of(type, rejection.detail());
    for (var detail : new java.util.TreeMap<>(rejection.details()).entrySet()) {
      problem = problem.with(detail.getKey(), detail.getValue());
    }
    return problem;
  }

  /** The response for a domain rejection; a retryable one says when to retry. */
  public static HttpResponse rejected(Rejection rejection) {
    HttpResponse response = problem(problemOf(rejection));
    return switch (rejection.kind()) {
      case IN_FLIGHT, IN_PROGRESS, UNAVAILABLE -> response.addHeader(RetryAfter.create(1L));
      default -> response;
    };
  }

  /** JSON, or a JSON-based type such as application/merge-patch+json. */
  static boolean isJson(ContentType contentType) {
    MediaType media = contentType.mediaType();
    return media.isApplication() && (media.subType().equals("json") || media.subType().endsWith("+json"));
  }

  static HttpResponse unsupportedMediaType(ContentType contentType) {
    return problem(
        Problem.of(
            ProblemType.UNSUPPORTED_MEDIA_TYPE,
            "The body must be sent with Content-Type: application/json, not " + contentType.mediaType() + "."));
  }

  /** A JSON response with the given status. */
  public static HttpResponse json(int status, Object body) {
    return HttpResponse.create()
        .withStatus(StatusCodes.get(status))
        .withEntity(HttpEntities.create(ContentTypes.APPLICATION_JSON, Json.write(body)));
  }

  /** A JSON response with the given status and headers. */
  public static HttpResponse json(int status, Object body, List<HttpHeader> headers) {
    return json(status, body).withHeaders(headers);
  }

  /** The problem document as a response with the problem's status. */
  public static HttpResponse problem(Problem problem) {
    return HttpResponse.create()
        .withStatus(StatusCodes.get(problem.status()))
        .withEntity(HttpEntities.create(PROBLEM_JSON, Json.write(problem.body())));
  }

  /** Completes the request with a problem document. */
  protected Route completeProblem(Problem problem) {
    return complete(problem(problem));
  }

  /** A 400 for one query parameter. */
  static ValidationException invalid(String field, String message) {
    return new ValidationException("A query parameter is not valid.", List.of(new FieldError(field, message)));
  }

  /** The page size of a list: a whole number from 1 to 500, else 400 (field {@code limit}). */
  static int pageSize(String text) {
    int limit;
    try {
      limit = Integer.parseInt(text);
    } catch (NumberFormatException e) {
      limit = -1;
    }
    if (limit < 1 || limit > 500) {
      throw invalid("limit", "must be a whole number from 1 to 500");
    }
    return limit;
  }

  /** A page read with a {@code pageToken} that the store could not read is a 400 (field {@code pageToken}). */
  static <T> CompletionStage<T> pageTokenChecked(CompletionStage<T> page) {
    return page.exceptionally(e -> {
      Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
      if (cause instanceof IllegalArgumentException) {
        throw invalid("pageToken", "is not a page token of this list");
      }
      throw new CompletionException(cause);
    });
  }
}
