package dev.o2c;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.o2c.support.Http;
import dev.o2c.support.TestServer;
import java.time.Duration;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.apache.pekko.stream.connectors.cassandra.javadsl.CassandraSessionRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The reports through the whole server on the real Cassandra node, on a worked data set whose
 * figures are written out by hand: AR aging now and as of a past day (agreeing with the customers'
 * open receivables), DSO, cash flow, customer value, CSV, bad parameters, the lag, and a rebuild
 * from the journal that makes the same report again after a row was spoilt.
 *
 * <p>Day T0 (today): customer ra (EUR, 14 days) is invoiced 119.00 and 59.50 and pays 119.00
 * (EXACT_AMOUNT); rb (EUR, 30 days) 238.00; rc (USD, 14 days) 11.90 (19% tax on every line).
 * Then the test clock moves to T0 + 20.
 */
class ReportsIT {

  private static final Duration EVENTUALLY = Duration.ofSeconds(60);
  private static TestServer server;
  private static LocalDate t0;
  private static LocalDate today;

  @BeforeAll
  static void start() {
    server = TestServer.start("reports_it", Map.of("o2c.test-clock.enabled", true));
    t0 = LocalDate.parse(server.get("/v1/admin/clock").json().get("today").asText());
    customer("ra", "EUR", 14);
    customer("rb", "EUR", 30);
    customer("rc", "USD", 14);
    order("ra", "EUR", "100.00", "o-ra-1");
    order("ra", "EUR", "50.00", "o-ra-2");
    order("rb", "EUR", "200.00", "o-rb-1");
    order("rc", "USD", "10.00", "o-rc-1");
    Http.Response paid = server.postJson("/v1/payments", "{\"customerId\":\"ra\",\"amount\":\"119.00\",\"currency\":\"EUR\"}", "pay-ra-1");
    assertEquals(201, paid.status(), paid.body());
    assertEquals("EXACT_AMOUNT", paid.json().get("allocations").get(0).get("rule").asText(), paid.body());
    today = t0.plusDays(20);
    assertEquals(200, server.postJson("/v1/admin/clock", "{\"date\":\"" + today + "\"}", null).status());
  }

  @AfterAll
  static void stop() throws Exception {
    if (server != null) {
      server.close();
    }
  }

  private static void customer(String id, String currency, int terms) {
    Http.Response r = server.postJson("/v1/customers", "{\"customerId\":\"" + id + "\",\"name\":\"C\",\"currency\":\"" + currency
        + "\",\"creditLimit\":\"10000\",\"paymentTermsDays\":" + terms + "}", null);
    assertEquals(201, r.status(), r.body());
  }

  private static void order(String customer, String currency, String unitPrice, String key) {
    Http.Response r = server.postJson("/v1/orders", "{\"customerId\":\"" + customer + "\",\"currency\":\"" + currency
        + "\",\"lines\":[{\"sku\":\"W\",\"quantity\":1,\"unitPrice\":\"" + unitPrice + "\",\"taxCode\":\"STANDARD\"}]}", key);
    assertEquals(201, r.status(), r.body());
    assertTrue(r.json().has("invoiceId"), r.body());
  }

  private static JsonNode await(String path, Predicate<JsonNode> condition) {
    return server.http().await(path, r -> r.status() == 200 && condition.test(r.json()), EVENTUALLY).json();
  }

  private static JsonNode currency(JsonNode report, String currency) {
    for (JsonNode c : report.get("currencies")) {
      if (c.get("currency").asText().equals(currency)) {
        return c;
      }
    }
    return null;
  }

  private static List<String> buckets(JsonNode line) {
    return java.util.stream.StreamSupport.stream(line.get("buckets").spliterator(), false).map(JsonNode::asText).toList();
  }

  /** The aging of today once every event of the data set is in it. */
  private static JsonNode agingNow() {
    return await("/v1/reports/ar-aging", r -> currency(r, "USD") != null && currency(r, "EUR") != null
        && currency(r, "EUR").get("total").get("total").asText().equals("297.50"));
  }

  @Test
  void aging_puts_each_customers_open_balances_in_buckets_and_agrees_with_their_open_receivables() {
    JsonNode report = agingNow();
    assertEquals(today.toString(), report.get("asOf").asText());
    assertEquals(List.of("current", "1-30", "31-60", "61-90", "90+"),
        java.util.stream.StreamSupport.stream(report.get("buckets").spliterator(), false).map(JsonNode::asText).toList());
    JsonNode eur = currency(report, "EUR");
    // rb's 238.00 is due T0 + 30 (current); ra's 59.50 was due T0 + 14: 6 days past due.
    assertEquals(List.of("238.00", "59.50", "0.00", "0.00", "0.00"), buckets(eur.get("total")));
    assertEquals(List.of("rb", "ra"), java.util.stream.StreamSupport.stream(eur.get("customers").spliterator(), false)
        .map(c -> c.get("customerId").asText()).toList());
    for (JsonNode line : eur.get("customers")) {
      String id = line.get("customerId").asText();
      assertEquals(server.get("/v1/customers/" + id).json().get("openReceivables").asText(), line.get("total").asText(), id);
    }
    assertEquals(List.of("0.00", "11.90", "0.00", "0.00", "0.00"), buckets(currency(report, "USD").get("total")));

    JsonNode onlyRa = server.get("/v1/reports/ar-aging?customerId=ra&currency=EUR").json();
    assertEquals(1, onlyRa.get("currencies").size());
    assertEquals("59.50", currency(onlyRa, "EUR").get("total").get("total").asText());
  }

  @Test
  void aging_as_of_a_past_day_answers_as_the_ledger_stood_then() {
    agingNow();
    // At the end of T0: ra owed 59.50 (119.00 paid that day), rb 238.00, nothing past due yet.
    JsonNode then = server.get("/v1/reports/ar-aging?asOf=" + t0 + "&currency=EUR").json();
    assertEquals(List.of("297.50", "0.00", "0.00", "0.00", "0.00"), buckets(currency(then, "EUR").get("total")));
    JsonNode before = server.get("/v1/reports/ar-aging?asOf=" + t0.minusDays(1)).json();
    assertEquals(0, before.get("currencies").size(), before.toString());
    // By issue date as of today: every invoice is 20 days old.
    JsonNode byIssue = server.get("/v1/reports/ar-aging?basis=issue&currency=EUR").json();
    assertEquals(List.of("0.00", "297.50", "0.00", "0.00", "0.00"), buckets(currency(byIssue, "EUR").get("total")));
  }

  @Test
  void dso_cash_flow_and_customer_value_of_the_data_set() {
    agingNow();
    // 297.50 open at T0 + 20 over 416.50 of credit sales in 21 days: 297.50 / 416.50 * 21 = 15.0
    JsonNode dso = currency(server.get("/v1/reports/dso?from=" + t0 + "&to=" + today + "&currency=EUR").json(), "EUR");
    assertEquals("297.50", dso.get("receivables").asText());
    assertEquals("416.50", dso.get("creditSales").asText());
    assertEquals(21, dso.get("days").asInt());
    assertEquals("15.0", dso.get("dso").asText());

    JsonNode flow = currency(server.get("/v1/reports/cash-flow?from=" + t0 + "&to=" + t0.plusDays(40) + "&currency=EUR").json(), "EUR");
    assertEquals("119.00", flow.get("received").asText());
    assertEquals("238.00", flow.get("expected").asText(), "rb's invoice, due T0 + 30");
    assertEquals("59.50", flow.get("overdue").asText(), "ra's second invoice");
    JsonNode first = flow.get("days").get(0);
    assertEquals(t0.toString(), first.get("day").asText());
    assertEquals("119.00", first.get("appliedByRule").get("EXACT_AMOUNT").asText());

    JsonNode value = currency(server.get("/v1/reports/customer-value?top=1&currency=EUR").json(), "EUR");
    assertEquals(1, value.get("customers").size());
    JsonNode ra = value.get("customers").get(0);
    assertEquals("ra", ra.get("customerId").asText());
    assertEquals("119.00", ra.get("totalPaid").asText());
    assertEquals("178.50", ra.get("totalInvoiced").asText());
    assertEquals(2, ra.get("orders").asInt());
    assertEquals("89.25", ra.get("averageOrder").asText());
    assertEquals("0.0", ra.get("averageDaysToPay").asText(), "paid on the day it was issued");
  }

  @Test
  void csv_on_request_and_a_bad_parameter_is_a_problem_naming_it() {
    agingNow();
    Http.Response csv = server.http().send(server.request("/v1/reports/ar-aging?currency=USD").header("Accept", "text/csv").GET());
    assertEquals(200, csv.status());
    assertTrue(csv.raw().headers().firstValue("Content-Type").orElse("").startsWith("text/csv"), csv.raw().headers().map().toString());
    assertEquals("asOf,basis,currency,customerId,current,1-30,31-60,61-90,90+,total,unapplied,accountCredit\r\n"
        + today + ",due,USD,rc,0.00,11.90,0.00,0.00,0.00,11.90,0.00,0.00\r\n"
        + today + ",due,USD,TOTAL,0.00,11.90,0.00,0.00,0.00,11.90,0.00,0.00\r\n", csv.body());
    for (String bad : List.of("ar-aging?basis=posted", "ar-aging?asOf=yesterday", "ar-aging?currency=EURO", "dso?from=2026-12-10&to=2026-12-01",
        "cash-flow?from=2026-01-01&to=2027-06-01", "customer-value?top=0", "ar-aging?format=xml", "ar-aging?bsis=issue",
        "customer-value?from=2026-12-01")) {
      Http.Response r = server.get("/v1/reports/" + bad);
      assertEquals(400, r.status(), bad + ": " + r.body());
      assertEquals("application/problem+json", r.raw().headers().firstValue("Content-Type").orElse(""), bad);
      assertTrue(r.json().get("errors").size() == 1, bad + ": " + r.body());
    }
  }

  @Test
  void the_lag_of_each_projection_instance_is_shown() {
    agingNow();
    JsonNode lag = await("/v1/reports/lag", r -> ids(r, "projections", "projection").containsAll(List.of("reports-ledger", "reports-orders")));
    for (JsonNode instance : lag.get("projections")) {
      String prefix = instance.get("projection").asText().equals("reports-ledger") ? "account-" : "order-";
      assertTrue(instance.get("instance").asText().startsWith(prefix), instance.toString());
      assertTrue(instance.get("lagMillis").asLong() >= 0 && instance.get("p99Millis").asLong() >= 0 && instance.get("events").asLong() > 0,
          instance.toString());
    }
  }

  @Test
  void a_rebuild_from_the_journal_makes_the_same_reports_again() throws Exception {
    JsonNode aging = agingNow();
    JsonNode value = server.get("/v1/reports/customer-value").json();
    JsonNode past = server.get("/v1/reports/ar-aging?asOf=" + t0).json();
    // Spoil ra's totals: only a rebuild from the events puts them right.
    var cql = CassandraSessionRegistry.get(server.server().system()).sessionFor(O2cServer.CASSANDRA_SESSION);
    cql.executeWrite("UPDATE reports_it.report_customers SET totals = '{\"currency\":\"EUR\",\"openByDue\":{\"2020-01-01\":1}}' "
        + "WHERE tenant = 'dev' AND customer_id = 'ra'").toCompletableFuture().get();
    cql.executeWrite("UPDATE reports_it.report_open SET open_by_due = {'2020-01-01': 1} WHERE tenant = 'dev' AND customer_id = 'ra'")
        .toCompletableFuture().get();
    assertTrue(!server.get("/v1/reports/ar-aging").json().equals(aging), "the aging's row is spoilt");
    assertTrue(!server.get("/v1/reports/customer-value").json().equals(value), "the totals' row is spoilt");

    Http.Response rebuild = server.postJson("/v1/admin/reports/rebuild", "", null);
    assertEquals(202, rebuild.status(), rebuild.body());
    assertEquals(8, rebuild.json().get("rebuilding").size());
    await("/v1/reports/ar-aging", r -> r.equals(aging));
    await("/v1/reports/customer-value", r -> r.equals(value));
    assertEquals(past, server.get("/v1/reports/ar-aging?asOf=" + t0).json());
  }

  private static List<String> ids(JsonNode list, String field, String id) {
    return java.util.stream.StreamSupport.stream(list.get(field).spliterator(), false).map(n -> n.get(id).asText()).toList();
  }

  @Test
  void the_tenants_orders_newest_first_filtered_and_a_page_at_a_time() {
    JsonNode all = await("/v1/orders", r -> r.get("orders").size() == 4);
    List<String> customers = ids(all, "orders", "customerId");
    assertEquals(List.of("rc", "rb", "ra", "ra"), customers, "newest first: " + all);
    assertEquals("VERIFIED", all.get("orders").get(0).get("status").asText());
    assertEquals(2, server.get("/v1/orders?customerId=ra").json().get("orders").size());
    assertEquals(0, server.get("/v1/orders?status=SHIPPED").json().get("orders").size());
    JsonNode first = server.get("/v1/orders?limit=3").json();
    assertEquals(3, first.get("orders").size());
    String token = first.get("nextPageToken").asText();
    JsonNode second = server.get("/v1/orders?limit=3&pageToken=" + token).json();
    assertEquals(List.of(ids(all, "orders", "orderId").get(3)), ids(second, "orders", "orderId"));
    assertTrue(!second.has("nextPageToken"), "the last page: " + second);
    for (String bad : List.of("pageToken=nope", "status=LOST", "limit=0", "from=2026-12-10&to=2026-12-01")) {
      Http.Response r = server.get("/v1/orders?" + bad);
      assertEquals(400, r.status(), bad + ": " + r.body());
    }
  }

  @Test
  void the_tenants_invoices_open_overdue_and_by_customer() {
    JsonNode all = await("/v1/invoices", r -> r.get("invoices").size() == 4);
    assertEquals(3, server.get("/v1/invoices?status=OPEN").json().get("invoices").size());
    JsonNode overdue = server.get("/v1/invoices?overdue=true").json();
    // ra's 59.50 and rc's 11.90 were due T0 + 14; rb's is due T0 + 30; ra's first is paid.
    assertEquals(java.util.Set.of("59.50", "11.90"), java.util.Set.copyOf(ids(overdue, "invoices", "balance")));
    assertEquals(List.of("rb"), ids(server.get("/v1/invoices?customerId=rb").json(), "invoices", "customerId"));
    assertEquals(1, server.get("/v1/invoices?status=PAID").json().get("invoices").size());
    assertEquals(400, server.get("/v1/invoices?status=LATE").status());
    assertEquals(400, server.get("/v1/invoices?dunningLevel=ANGRY").status());
    // By its number, still the one invoice.
    String number = all.get("invoices").get(0).get("invoiceNumber").asText();
    assertEquals(number, server.get("/v1/invoices?number=" + number).json().get("invoiceNumber").asText());
  }

  @Test
  void sales_cycle_times_and_automation_of_the_data_set() {
    await("/v1/orders", r -> r.get("orders").size() == 4);
    JsonNode sales = currency(server.get("/v1/reports/sales?from=" + t0 + "&to=" + t0 + "&group=customer&currency=EUR").json(), "EUR");
    assertEquals(3, sales.get("orders").asInt());
    assertEquals("350.00", sales.get("net").asText());
    assertEquals("66.50", sales.get("tax").asText());
    assertEquals("416.50", sales.get("gross").asText());
    JsonNode ra = sales.get("rows").get(0);
    assertEquals(List.of(t0.toString(), "ra", "2", "2", "150.00", "28.50", "178.50"), List.of(ra.get("period").asText(), ra.get("group").asText(),
        ra.get("orders").asText(), ra.get("units").asText(), ra.get("net").asText(), ra.get("tax").asText(), ra.get("gross").asText()));

    // ra's first order is paid (its payment status reaches the order behind the payment's answer).
    JsonNode cycle = await("/v1/reports/cycle-time?from=" + t0 + "&to=" + t0 + "&currency=EUR",
        r -> r.get("period").get("stages").get(0).get("count").asInt() == 1);
    assertEquals(3, cycle.get("period").get("orders").asInt());
    JsonNode verified = cycle.get("period").get("stages").get(1);
    assertEquals("placedToVerified", verified.get("stage").asText());
    assertEquals(3, verified.get("count").asInt());
    assertEquals(0, verified.get("p50Millis").asLong(), "verified when placed");
    assertEquals(t0.minusDays(1).toString(), cycle.get("previous").get("to").asText());
    assertEquals(0, cycle.get("previous").get("orders").asInt());

    JsonNode automation = server.get("/v1/reports/automation?from=" + t0 + "&to=" + t0 + "&currency=EUR").json().get("period");
    assertEquals(1, automation.get("paidOrders").asInt());
    assertEquals("1.0000", automation.get("straightThroughRate").asText());
    JsonNode cash = automation.get("cash").get(0);
    assertEquals("119.00", cash.get("applied").asText());
    assertEquals("1.0000", cash.get("rate").asText());
    assertEquals("119.00", cash.get("byRule").get("EXACT_AMOUNT").asText());
  }

  @Test
  void a_saved_definition_is_stored_once_and_runs_as_its_report() {
    agingNow();
    String body = "{\"name\":\"EUR aging\",\"report\":\"ar-aging\",\"parameters\":{\"currency\":\"EUR\"}}";
    Http.Response created = server.postJson("/v1/reports/definitions", body, null);
    assertEquals(201, created.status(), created.body());
    String id = created.json().get("definitionId").asText();
    assertEquals(200, server.postJson("/v1/reports/definitions", body, null).status(), "a retry");
    assertEquals(409, server.postJson("/v1/reports/definitions", "{\"name\":\"eur AGING\",\"report\":\"dso\"}", null).status());
    assertEquals(server.get("/v1/reports/ar-aging?currency=EUR").json(), server.get("/v1/reports/definitions/" + id + "/run").json());
    assertEquals(1, server.get("/v1/reports/definitions").json().get("definitions").size());
  }

  @Test
  void reports_need_a_key() {
    Http.Response r = server.http().send(java.net.http.HttpRequest.newBuilder(
        java.net.URI.create(server.http().baseUrl() + "/v1/reports/ar-aging")).GET());
    assertEquals(401, r.status());
  }
}
