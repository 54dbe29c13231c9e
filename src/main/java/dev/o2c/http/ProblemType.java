package dev.o2c.http;

/** The kinds of problem the API answers with; each has a stable URN that clients may switch on. */
public enum ProblemType {
  VALIDATION("validation", "Request is not valid", 400),
  MALFORMED_JSON("malformed-json", "Malformed JSON", 400),
  BAD_REQUEST("bad-request", "Bad request", 400),
  UNAUTHORIZED("unauthorized", "Missing or unknown API key", 401),
  FORBIDDEN("forbidden", "The API key's roles do not allow this", 403),
  NOT_FOUND("not-found", "Not found", 404),
  METHOD_NOT_ALLOWED("method-not-allowed", "Method not allowed", 405),
  NOT_ACCEPTABLE("not-acceptable", "Not acceptable", 406),
  REQUEST_TIMEOUT("request-timeout", "Request body not received in time", 408),
  CONFLICT("conflict", "Conflict", 409),
  ALREADY_EXISTS("already-exists", "Already exists", 409),
  ILLEGAL_TRANSITION("illegal-transition", "Not allowed in the current status", 409),
  IDEMPOTENCY_KEY_IN_FLIGHT("idempotency-key-in-flight", "A request with this Idempotency-Key is in progress", 409),
  CHANGE_IN_PROGRESS("change-in-progress", "Another change of this resource is in progress", 409),
  IDEMPOTENCY_KEY_REUSED("idempotency-key-reused", "Idempotency-Key reused for a different request", 422),
  PAYLOAD_TOO_LARGE("payload-too-large", "Request body too large", 413),
  URI_TOO_LONG("uri-too-long", "URI too long", 414),
  UNSUPPORTED_MEDIA_TYPE("unsupported-media-type", "Unsupported media type", 415),
  RATE_LIMITED("rate-limited", "Too many requests", 429),
  HEADER_FIELDS_TOO_LARGE("header-fields-too-large", "Request header fields too large", 431),
  UNPROCESSABLE("unprocessable", "Request cannot be processed", 422),
  INTERNAL("internal", "Internal server error", 500),
  SERVICE_UNAVAILABLE("service-unavailable", "Service unavailable", 503);

  private final String slug;
  private final String title;
  private final int status;

  ProblemType(String slug, String title, int status) {
    this.slug = slug;
    this.title = title;
    this.status = status;
  }

  /** The type that stands for its status in general (not a particular problem of that status). */
  private boolean generic() {
    return switch (this) {
      case BAD_REQUEST, UNAUTHORIZED, FORBIDDEN, NOT_FOUND, METHOD_NOT_ALLOWED, NOT_ACCEPTABLE, REQUEST_TIMEOUT, CONFLICT, PAYLOAD_TOO_LARGE,
          URI_TOO_LONG, UNSUPPORTED_MEDIA_TYPE, RATE_LIMITED, HEADER_FIELDS_TOO_LARGE, UNPROCESSABLE, INTERNAL, SERVICE_UNAVAILABLE -> true;
      default -> false;
    };
  }

  public String uri() {
    return "urn:o2c:problem:" + slug;
  }

  public String title() {
    return title;
  }

  public int status() {
    return status;
  }

  /** The type that stands for an HTTP status the API has no more specific type for. */
  public static ProblemType forStatus(int status) {
    for (ProblemType type : values()) {
      if (type.status == status && type.generic()) {
        return type;
      }
    }
    return status >= 500 ? INTERNAL : BAD_REQUEST;
  }
}
