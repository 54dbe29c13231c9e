package dev.o2c.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;
import org.junit.jupiter.api.Test;

/** Saved report definitions: saved once by name, checked as the report checks its parameters, run, listed, deleted. */
class ReportDefinitionRoutesTest extends DomainRouteTestBase {

  private static final String FINANCE_KEY = "acme-finance-key";
  private static final String READ_KEY = "acme-read-key";

  private static List<String> fields(JsonNode problem) {
    List<String> out = new java.util.ArrayList<>();
    problem.get("errors").forEach(e -> out.add(e.get("field").asText()));
    return out;
  }

  @Test
  void a_definition_is_saved_once_by_name_run_listed_and_deleted() {
    String body = "{\"name\":\"Overdue EUR, by issue\",\"report\":\"ar-aging\",\"parameters\":{\"basis\":\"issue\",\"currency\":\"EUR\"},"
        + "\"period\":\"last-30-days\"}";
    var created = send(FINANCE_KEY, post("/v1/reports/definitions", body));
    created.assertStatusCode(201);
    JsonNode d = json(created);
    String id = d.get("definitionId").asText();
    assertTrue(id.startsWith("rd_"), d.toString());
    assertEquals("/v1/reports/definitions/" + id, created.response().getHeader("Location").orElseThrow().value());
    assertTrue(d.get("createdBy").asText().contains("(finance)"), d.toString());

    // The same again (a retry): 200, the same definition. Another body under the same name (any case): 409.
    var again = send(FINANCE_KEY, post("/v1/reports/definitions", body));
    again.assertStatusCode(200);
    assertEquals(d, json(again));
    var clash = send(FINANCE_KEY, post("/v1/reports/definitions",
        "{\"name\":\"overdue eur, BY ISSUE\",\"report\":\"dso\",\"parameters\":{}}"));
    assertEquals(id, problem(clash, 409, "already-exists").get("definitionId").asText());

    JsonNode list = json(send(READ_KEY, HttpRequest.GET("/v1/reports/definitions")));
    assertEquals(1, list.get("definitions").size());
    assertEquals(d, json(send(READ_KEY, HttpRequest.GET("/v1/reports/definitions/" + id))));

    // Run: an aging as of the period's last day (today), by issue date, EUR only; CSV on request.
    JsonNode run = json(send(READ_KEY, HttpRequest.GET("/v1/reports/definitions/" + id + "/run")));
    assertEquals("issue", run.get("basis").asText());
    assertEquals(clock().today().toString(), run.get("asOf").asText());
    var csv = send(READ_KEY, HttpRequest.GET("/v1/reports/definitions/" + id + "/run").addHeader(RawHeader.create("Accept", "text/csv")));
    csv.assertStatusCode(200);
    assertTrue(csv.entityString().startsWith("asOf,basis,currency,customerId,current,"), csv.entityString());
    var csvByParameter = send(READ_KEY, HttpRequest.GET("/v1/reports/definitions/" + id + "/run?format=csv"));
    assertEquals(csv.entityString(), csvByParameter.entityString());

    // A read key may not save or delete; finance deletes; then it is gone.
    problem(send(READ_KEY, HttpRequest.DELETE("/v1/reports/definitions/" + id)), 403, "forbidden");
    send(FINANCE_KEY, HttpRequest.DELETE("/v1/reports/definitions/" + id)).assertStatusCode(204);
    problem(send(READ_KEY, HttpRequest.GET("/v1/reports/definitions/" + id)), 404, "not-found");
    problem(send(READ_KEY, HttpRequest.GET("/v1/reports/definitions/" + id + "/run")), 404, "not-found");
    problem(send(FINANCE_KEY, HttpRequest.DELETE("/v1/reports/definitions/" + id)), 404, "not-found");
  }

  @Test
  void a_relative_period_sets_from_and_to_on_the_day_it_runs() {
    var created = send(FINANCE_KEY, post("/v1/reports/definitions",
        "{\"name\":\"Sales last month\",\"report\":\"sales\",\"parameters\":{\"by\":\"week\",\"group\":\"sku\"},\"period\":\"last-month\"}"));
    created.assertStatusCode(201);
    JsonNode run = json(send(READ_KEY, HttpRequest.GET("/v1/reports/definitions/" + json(created).get("definitionId").asText() + "/run")));
    java.time.LocalDate first = clock().today().withDayOfMonth(1).minusMonths(1);
    assertEquals(first.toString(), run.get("from").asText());
    assertEquals(first.withDayOfMonth(first.lengthOfMonth()).toString(), run.get("to").asText());
    assertEquals("week", run.get("by").asText());
    assertEquals("sku", run.get("group").asText());
  }

  @Test
  void a_definition_is_checked_as_its_report_checks_its_parameters_and_nothing_is_saved() {
    record Case(String body, List<String> fields) {}
    for (Case c : List.of(
        new Case("{\"name\":\"x\",\"report\":\"profit\"}", List.of("report")),
        new Case("{\"name\":\"\",\"report\":\"dso\"}", List.of("name")),
        new Case("{\"name\":\"x\",\"report\":\"dso\",\"parameters\":{\"basis\":\"due\"}}", List.of("parameters.basis")),
        new Case("{\"name\":\"x\",\"report\":\"ar-aging\",\"parameters\":{\"basis\":\"posted\"}}", List.of("parameters.basis")),
        new Case("{\"name\":\"x\",\"report\":\"customer-value\",\"parameters\":{\"top\":0}}", List.of("parameters.top")),
        new Case("{\"name\":\"x\",\"report\":\"customer-value\",\"period\":\"this-month\"}", List.of("period")),
        new Case("{\"name\":\"x\",\"report\":\"dso\",\"period\":\"last-400-days\"}", List.of("period")),
        new Case("{\"name\":\"x\",\"report\":\"dso\",\"period\":\"yesterday\"}", List.of("period")),
        new Case("{\"name\":\"x\",\"report\":\"dso\",\"period\":\"this-month\",\"parameters\":{\"from\":\"2026-01-01\"}}", List.of("period")),
        new Case("{\"name\":\"x\",\"report\":\"sales\",\"parameters\":{\"currency\":{\"a\":1}}}", List.of("parameters.currency")),
        new Case("{\"name\":\"x\",\"report\":\"sales\",\"parameters\":{\"from\":\"2026-02-01\",\"to\":\"2026-01-01\"}}",
            List.of("parameters.to")))) {
      JsonNode p = problem(send(FINANCE_KEY, post("/v1/reports/definitions", c.body())), 400, "validation");
      assertEquals(c.fields(), fields(p), c.body() + " -> " + p);
    }
    problem(send(FINANCE_KEY, post("/v1/reports/definitions", "{\"name\":\"x\",\"report\":\"dso\",\"colour\":\"red\"}")), 400, "validation");
    assertEquals(0, json(send(READ_KEY, HttpRequest.GET("/v1/reports/definitions"))).get("definitions").size());
  }
}
