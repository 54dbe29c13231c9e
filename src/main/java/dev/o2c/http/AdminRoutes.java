package dev.o2c.http;

import dev.o2c.infra.AdjustableClock;
import dev.o2c.infra.BusinessClock;
import dev.o2c.infra.FieldError;
import dev.o2c.infra.ValidationException;
import dev.o2c.invoice.DunningRunner;
import dev.o2c.tenancy.Caller;
import dev.o2c.tenancy.Role;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * {@code /v1/admin/clock}: the business clock. GET shows it; POST moves it forward to a date
 * when the test clock is enabled (o2c.test-clock.enabled), and starts a dunning run at once, so
 * that overdue invoices can be seen and tested end to end. Off in production: POST is 404 there.
 */
public final class AdminRoutes extends ApiDirectives implements TenantRoutes {

  /** Body of {@code POST /v1/admin/clock}. */
  public record ClockRequest(LocalDate date) {}

  private final BusinessClock clock;
  private final Optional<ActorRef<DunningRunner.Command>> dunning;

  public AdminRoutes(HttpSettings settings, BusinessClock clock, Optional<ActorRef<DunningRunner.Command>> dunning) {
    super(settings);
    this.clock = clock;
    this.dunning = dunning;
  }

  @Override
  public Route route(Caller caller) {
    return pathPrefix("admin", () -> path("clock", () -> concat(
        get(() -> complete(json(200, view()))),
        post(() -> authorized(caller, Role.ADMIN, actor -> !(clock instanceof AdjustableClock adjustable)
            ? completeProblem(Problem.of(ProblemType.NOT_FOUND,
                "The test clock is not enabled on this server (o2c.test-clock.enabled, env O2C_TEST_CLOCK)."))
            : jsonBody(ClockRequest.class, body -> {
          if (body.date() == null) {
            throw new ValidationException("The request is not valid.", List.of(new FieldError("date", "is required")));
          }
          try {
            adjustable.moveTo(body.date());
          } catch (IllegalArgumentException backwards) {
            throw new ValidationException("The request is not valid.", List.of(new FieldError("date", backwards.getMessage())));
          }
          dunning.ifPresent(runner -> runner.tell(new DunningRunner.RunNow()));
          return complete(json(200, view()));
        }))))));
  }

  private Map<String, Object> view() {
    return Map.of("now", clock.now(), "today", clock.today(), "adjustable", clock instanceof AdjustableClock);
  }
}
