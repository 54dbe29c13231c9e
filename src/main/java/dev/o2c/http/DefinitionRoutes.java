package dev.o2c.http;

import dev.o2c.infra.FieldError;
import dev.o2c.infra.ValidationException;
import dev.o2c.reports.ReportDefinition;
import dev.o2c.reports.ReportDefinitions;
import dev.o2c.reports.Reports;
import dev.o2c.tenancy.Caller;
import dev.o2c.tenancy.Role;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.model.headers.Location;
import org.apache.pekko.http.javadsl.server.PathMatchers;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * {@code /v1/reports/definitions}: reports a tenant saves under a name (finance) and runs by it
 * (read): {@code POST}, {@code GET}, {@code GET /{id}}, {@code DELETE /{id}},
 * {@code GET /{id}/run} (JSON or CSV, as the report's own route). A definition is checked as its
 * report's route checks its parameters, when it is saved.
 */
final class DefinitionRoutes extends ApiDirectives {

  /** Body of {@code POST /v1/reports/definitions}. */
  record DefinitionRequest(String name, String report, Map<String, Object> parameters, String period) {}

  private static final int MAX_PER_TENANT = 1_000;

  private final ReportDefinitions store;
  private final ReportRoutes reportRoutes;
  private final Reports reports;

  DefinitionRoutes(HttpSettings settings, ReportDefinitions store, ReportRoutes reportRoutes, Reports reports) {
    super(settings);
    this.store = store;
    this.reportRoutes = reportRoutes;
    this.reports = reports;
  }

  Route route(Caller caller) {
    return concat(
        pathEnd(() -> concat(
            get(() -> authorized(caller, Role.READ, actor -> onSuccess(() -> store.list(caller.tenantId()),
                all -> complete(json(200, Map.of("definitions", all)))))),
            post(() -> authorized(caller, Role.FINANCE, actor -> jsonBody(DefinitionRequest.class, body -> save(actor, body)))))),
        pathPrefix(PathMatchers.segment(), id -> concat(
            pathEnd(() -> concat(
                get(() -> authorized(caller, Role.READ, actor -> found(caller, id, d -> complete(json(200, d))))),
                delete(() -> authorized(caller, Role.FINANCE, actor -> onSuccess(() -> store.delete(caller.tenantId(), id), deleted -> deleted
                    ? complete(HttpResponse.create().withStatus(StatusCodes.NO_CONTENT))
                    : completeProblem(notFound(id))))))),
            path("run", () -> get(() -> authorized(caller, Role.READ, actor -> found(caller, id, d -> run(caller, d))))))));
  }

  private Route found(Caller caller, String id, java.util.function.Function<ReportDefinition, Route> inner) {
    return onSuccess(() -> store.get(caller.tenantId(), id), d -> d.map(inner).orElseGet(() -> completeProblem(notFound(id))));
  }

  private static Problem notFound(String id) {
    return Problem.of(ProblemType.NOT_FOUND, "There is no report definition " + id + ".");
  }

  /** Runs the saved report with its parameters on today's period; format and Accept as the report's own route. */
  private Route run(Caller caller, ReportDefinition d) {
    return parameterOptional("format", format -> reportRoutes.query(q -> {
      Map<String, String> params = new HashMap<>(d.parametersOn(reports.today()));
      format.ifPresent(f -> params.put("format", f));
      return reportRoutes.prepare(caller, d.report(), new ReportRoutes.Query(params, q.accept())).get();
    }));
  }

  private Route save(Caller actor, DefinitionRequest body) {
    Map<String, String> parameters = new TreeMap<>();
    List<FieldError> errors = new ArrayList<>();
    if (body.parameters() != null) {
      body.parameters().forEach((key, value) -> {
        if (value instanceof String || value instanceof Number || value instanceof Boolean) {
          parameters.put(key, value.toString());
        } else {
          errors.add(new FieldError("parameters." + key, "must be a string, a number or a boolean"));
        }
      });
    }
    errors.addAll(ReportDefinition.problems(body.name(), body.report(), parameters, body.period(), ReportRoutes.REPORTS));
    ReportDefinition definition = errors.isEmpty()
        ? new ReportDefinition(ReportDefinition.idOf(actor.tenantId(), body.name()), body.name().trim(), body.report(), parameters,
            body.period(), actor.by(), Instant.now().truncatedTo(java.time.temporal.ChronoUnit.MILLIS)) // as Cassandra keeps it
        : null;
    if (definition != null) {
      // Its parameters are checked as the report's route checks them (a run would otherwise be the first to say).
      try {
        reportRoutes.prepare(actor, definition.report(), new ReportRoutes.Query(definition.parametersOn(reports.today()), ""));
      } catch (ValidationException e) {
        e.errors().forEach(f -> errors.add(new FieldError(definition.parameters().containsKey(f.field()) ? "parameters." + f.field() : "period",
            f.message())));
      }
    }
    if (!errors.isEmpty()) {
      throw new ValidationException("The report definition is not valid.", errors);
    }
    return onSuccess(() -> store.list(actor.tenantId()), all -> {
      if (all.size() >= MAX_PER_TENANT && all.stream().noneMatch(d -> d.definitionId().equals(definition.definitionId()))) {
        return completeProblem(Problem.of(ProblemType.UNPROCESSABLE, "A tenant keeps at most " + MAX_PER_TENANT
            + " report definitions; delete one first."));
      }
      return onSuccess(() -> store.saveIfAbsent(actor.tenantId(), definition), stored -> {
        List<org.apache.pekko.http.javadsl.model.HttpHeader> location =
            List.of(Location.create("/v1/reports/definitions/" + stored.definitionId()));
        if (stored.createdAt().equals(definition.createdAt()) && stored.createdBy().equals(definition.createdBy())) {
          return complete(json(201, stored, location));
        }
        if (stored.report().equals(definition.report()) && stored.parameters().equals(definition.parameters())
            && java.util.Objects.equals(stored.period(), definition.period())) {
          return complete(json(200, stored, location)); // the same definition again (a retry)
        }
        return completeProblem(Problem.of(ProblemType.ALREADY_EXISTS, "A report definition named '" + stored.name()
            + "' exists with other settings; delete it first or choose another name.").with("definitionId", stored.definitionId()));
      });
    });
  }
}
