package dev.o2c.http;

import dev.o2c.infra.BusinessClock;
import dev.o2c.infra.FieldError;
import dev.o2c.reporting.AlertStore;
import dev.o2c.tenancy.Caller;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.pekko.http.javadsl.server.Route;

/** {@code GET /v1/alerts}: the tenant's recent alerts, newest first. */
public final class AlertRoutes extends ApiDirectives implements TenantRoutes {

  private final AlertStore alerts;
  private final BusinessClock clock;

  public AlertRoutes(HttpSettings settings, AlertStore alerts, BusinessClock clock) {
    super(settings);
    this.alerts = alerts;
    this.clock = clock;
  }

  @Override
  public Route route(Caller caller) {
    return path("alerts", () -> get(() -> parameterOptional("limit", limit -> parameterOptional("days", days -> {
      int n = number(limit, 50, 1, 500, "limit");
      int d = number(days, 7, 1, 90, "days");
      return onSuccess(() -> alerts.recent(caller.tenantId(), clock.today(), d, n),
          found -> complete(json(200, Map.of("alerts", found))));
    }))));
  }

  private static int number(Optional<String> text, int fallback, int min, int max, String name) {
    if (text.isEmpty()) {
      return fallback;
    }
    try {
      int value = Integer.parseInt(text.get());
      if (value >= min && value <= max) {
        return value;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new dev.o2c.infra.ValidationException("A query parameter is not valid.",
        List.of(new FieldError(name, "must be a whole number from " + min + " to " + max)));
  }
}
