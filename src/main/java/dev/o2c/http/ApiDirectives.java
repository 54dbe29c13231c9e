package dev.o2c.http;

import java.time.Duration;
import java.util.List;
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
                      () -> entity.toStrict(BODY_TIMEOUT.toMillis(), settings.maxBodySize(), materializer),
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

  /** The 413 problem for a body over {@code limit} bytes. */
  static Problem tooLarge(long limit) {
    return Problem.of(ProblemType.PAYLOAD_TOO_LARGE, "The request body exceeds the limit of " + limit + " bytes.");
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
}
