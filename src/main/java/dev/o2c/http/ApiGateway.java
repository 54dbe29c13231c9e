package dev.o2c.http;

import dev.o2c.tenancy.ApiKeys;
import dev.o2c.tenancy.Caller;
import java.util.List;
import java.util.function.Function;
import org.apache.pekko.http.javadsl.model.headers.HttpChallenge;
import org.apache.pekko.http.javadsl.model.headers.WWWAuthenticate;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * The whole HTTP API: health, then everything under /v1 behind the X-API-Key header, each bounded
 * context contributing its {@link TenantRoutes}; every error in problem+json.
 */
public final class ApiGateway extends ApiDirectives {

  /** The header that carries the API key. */
  public static final String API_KEY_HEADER = "X-API-Key";

  private final ApiKeys apiKeys;
  private final HealthRoutes health;
  private final List<TenantRoutes> contexts;
  private final ErrorHandling errors;
  private final dev.o2c.tenancy.RateLimiter limiter;

  public ApiGateway(HttpSettings settings, ApiKeys apiKeys, HealthRoutes health, List<TenantRoutes> contexts) {
    super(settings);
    this.apiKeys = apiKeys;
    this.health = health;
    this.contexts = List.copyOf(contexts);
    this.errors = new ErrorHandling(settings);
    this.limiter = new dev.o2c.tenancy.RateLimiter();
  }

  private final DashboardRoutes dashboard = new DashboardRoutes();

  public Route route() {
    return withRequestTimeoutResponse(
        request ->
            problem(
                    Problem.of(
                        ProblemType.SERVICE_UNAVAILABLE,
                        "The request took too long. It is safe to retry with the same Idempotency-Key."))
                .addHeader(org.apache.pekko.http.javadsl.model.headers.RetryAfter.create(1L)),
        () ->
            errors.handle(
                concat(
                    health.route(),
                    dashboard.route(),
                    pathPrefix(
                        "v1",
                        () ->
                            authenticated(
                                // A gzip or deflate body is read decoded (the size limit counts decoded bytes); another
                                // Content-Encoding is 415.
                                caller -> decodeRequest(() -> anyOf(contexts.stream().map(c -> c.route(caller)).toList())))))));
  }

  /** 429 with the whole seconds until the key (or its tenant) has a request again. */
  private Route tooManyRequests(dev.o2c.tenancy.RateLimiter.Verdict verdict) {
    long seconds = Math.max(1, (verdict.waitNanos() + 999_999_999L) / 1_000_000_000L);
    String who = verdict.tenantLimit()
        ? "The API keys of this tenant together made more requests than the tenant's rate limit allows; "
        : "This API key made more requests than its rate limit allows; ";
    return complete(problem(Problem.of(ProblemType.RATE_LIMITED, who + "try again in " + seconds + " s.")
        .with("limit", verdict.tenantLimit() ? "tenant" : "key"))
        .addHeader(org.apache.pekko.http.javadsl.model.headers.RetryAfter.create(seconds)));
  }

  /** The first of the routes that takes the request; none at all is a 404. */
  private Route anyOf(List<Route> routes) {
    if (routes.isEmpty()) {
      return reject();
    }
    return concat(routes.get(0), routes.subList(1, routes.size()).toArray(Route[]::new));
  }

  /** Passes the caller of a known API key on; a missing or unknown key gets 401. */
  private Route authenticated(Function<Caller, Route> inner) {
    return optionalHeaderValueByName(
        API_KEY_HEADER,
        key -> {
          if (key.isEmpty() || key.get().isBlank()) {
            return unauthorized("Send your API key in the " + API_KEY_HEADER + " header.");
          }
          return apiKeys.find(key.get()).map(known -> {
            var verdict = limiter.admit(known);
            return verdict.admitted() ? inner.apply(known.caller()) : tooManyRequests(verdict);
          }).orElseGet(() -> unauthorized("The API key is not known."));
        });
  }

  private Route unauthorized(String detail) {
    return complete(
        problem(Problem.of(ProblemType.UNAUTHORIZED, detail))
            .addHeader(WWWAuthenticate.create(HttpChallenge.create("ApiKey", "o2c"))));
  }
}
