package dev.o2c.http;

import dev.o2c.infra.health.HealthCheck;
import dev.o2c.infra.health.Readiness;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * {@code GET /health/live}: the process answers. {@code GET /health/ready}: this member is Up and
 * Cassandra takes a write and gives it back; otherwise 503 with each check's result. Neither needs
 * an API key (load balancers and orchestrators call them).
 */
public final class HealthRoutes extends ApiDirectives {

  private final Readiness readiness;

  public HealthRoutes(HttpSettings settings, Readiness readiness) {
    super(settings);
    this.readiness = readiness;
  }

  public Route route() {
    return pathPrefix(
        "health",
        () ->
            concat(
                path("live", () -> get(() -> complete(json(200, Map.of("status", "UP"))))),
                path(
                    "ready",
                    () ->
                        get(
                            () ->
                                onSuccess(
                                    readiness::check,
                                    report -> {
                                      Map<String, Object> checks = new LinkedHashMap<>();
                                      report.checks().forEach((name, result) -> checks.put(name, view(result)));
                                      if (report.ready()) {
                                        return complete(json(200, Map.of("status", "READY", "checks", checks)));
                                      }
                                      return completeProblem(
                                          Problem.of(
                                                  ProblemType.SERVICE_UNAVAILABLE,
                                                  "Not ready: " + failing(report) + ".")
                                              .with("checks", checks));
                                    })))));
  }

  private static Map<String, Object> view(HealthCheck.Result result) {
    return Map.of("ok", result.ok(), "detail", result.detail());
  }

  private static String failing(Readiness.Report report) {
    StringBuilder text = new StringBuilder();
    report.checks().forEach(
        (name, result) -> {
          if (!result.ok()) {
            text.append(text.length() == 0 ? "" : "; ").append(name).append(": ").append(result.detail());
          }
        });
    return text.toString();
  }
}
