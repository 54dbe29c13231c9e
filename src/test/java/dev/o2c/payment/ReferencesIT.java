package dev.o2c.payment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.o2c.support.Http;
import dev.o2c.support.TestServer;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The chain at once, on the real Cassandra node: an order's answer carries its invoice, and
 * everything a payment or a reader needs is current when that answer has gone out — no test here
 * waits for a projection except where said. References that name two customers attribute
 * nothing; unattributed cash is attributed when what it names appears.
 */
class ReferencesIT {

  private static final String RUN = Long.toString(System.currentTimeMillis() % 100_000_000L, 36);
  private static TestServer server;

  @BeforeAll
  static void start() {
    server = TestServer.start("references_it");
  }

  @AfterAll
  static void stop() throws Exception {
    if (server != null) {
      server.close();
    }
  }

  private static String customer(String name, String limit) {
    String id = name + "-" + RUN;
    Http.Response created = server.postJson("/v1/customers", "{\"customerId\":\"" + id + "\",\"name\":\"N\",\"currency\":\"EUR\","
        + "\"creditLimit\":\"" + limit + "\",\"paymentTermsDays\":30}", null);
    assertEquals(201, created.status(), created.body());
    return id;
  }

  private static JsonNode order(String customerId, String price, String externalReference) {
    String ref = externalReference == null ? "" : ",\"externalReference\":\"" + externalReference + "\"";
    Http.Response placed = server.postJson("/v1/orders", "{\"customerId\":\"" + customerId + "\",\"currency\":\"EUR\",\"lines\":[{\"sku\":\"W\","
        + "\"quantity\":1,\"unitPrice\":\"" + price + "\",\"taxCode\":\"STANDARD\"}]" + ref + "}", null);
    assertEquals(201, placed.status(), placed.body());
    return placed.json();
  }

  private static JsonNode pay(String body) {
    Http.Response paid = server.postJson("/v1/payments", body, null);
    assertEquals(201, paid.status(), paid.body());
    return paid.json();
  }

  @Test
  void a_page_token_is_good_only_as_given_and_only_for_its_own_list() {
    String c = customer("pages", "10000.00");
    String other = customer("pages-other", "10000.00");
    for (int i = 0; i < 3; i++) {
      order(c, "10.00", null);
    }
    order(other, "10.00", null);
    // The customers' invoice lists are read models: the ledger projection writes them within seconds.
    server.http().await("/v1/customers/" + c + "/invoices?status=all",
        r -> r.status() == 200 && r.json().get("invoices").size() == 3, Duration.ofSeconds(60));
    server.http().await("/v1/customers/" + other + "/invoices?status=all",
        r -> r.status() == 200 && r.json().get("invoices").size() == 1, Duration.ofSeconds(60));
    String list = "/v1/customers/" + c + "/invoices?status=all&limit=1";
    String token = server.get(list).json().get("nextPageToken").asText();

    assertEquals(200, server.get(list + "&pageToken=" + token).status(), "the token as given");
    String last = token.substring(token.length() - 1);
    String changed = token.substring(0, token.length() - 1) + (last.equals("0") ? "1" : "0");
    for (String bad : new String[] {"", changed, "x" + token, "not-a-token"}) {
      Http.Response refused = server.get(list + "&pageToken=" + bad);
      assertEquals(400, refused.status(), "token '" + bad + "': " + refused.body());
      assertEquals("pageToken", refused.json().get("errors").get(0).get("field").asText());
    }
    Http.Response foreign = server.get("/v1/customers/" + other + "/invoices?status=all&limit=1&pageToken=" + token);
    assertEquals(400, foreign.status(), "another customer's list: " + foreign.body());
    Http.Response unapplied = server.get("/v1/payments?status=unapplied&pageToken=");
    assertEquals(400, unapplied.status(), unapplied.body());
  }

  @Test
  void an_order_answer_carries_its_invoice_and_a_payment_naming_the_number_right_after_pays_it() {
    String c = customer("now", "1000.00");
    JsonNode order = order(c, "100.00", null);
    String number = order.get("invoiceNumber").asText();
    assertEquals("119.00", order.get("grossTotal").asText());
    // Read at once: the invoice is there, and so is its number in the references.
    assertEquals(200, server.get("/v1/invoices/" + order.get("invoiceId").asText()).status());
    assertEquals(order.get("invoiceId").asText(), server.get("/v1/invoices?number=" + number).json().get("invoiceId").asText());

    JsonNode payment = pay("{\"amount\":\"119.00\",\"currency\":\"EUR\",\"remittanceInfo\":\"for " + number + "\"}");
    assertEquals(c, payment.get("customerId").asText());
    assertEquals("REFERENCE", payment.get("attribution").get("method").asText());
    assertEquals("APPLIED", payment.get("status").asText());
    // The invoice and the order's payment status follow at once, without a projection.
    assertEquals("PAID", server.get("/v1/invoices/" + order.get("invoiceId").asText()).json().get("status").asText());
    assertEquals("PAID", server.get("/v1/orders/" + order.get("orderId").asText()).json().get("paymentStatus").asText());
  }

  @Test
  void a_payment_naming_an_order_id_finds_the_customer_at_once() {
    String c = customer("oid", "1000.00");
    JsonNode order = order(c, "50.00", null);
    JsonNode payment = pay("{\"amount\":\"59.50\",\"currency\":\"EUR\",\"remittanceInfo\":\"order " + order.get("orderId").asText() + "\"}");
    assertEquals(c, payment.get("customerId").asText());
    assertEquals("REFERENCE", payment.get("allocations").get(0).get("rule").asText());
  }

  @Test
  void an_external_reference_of_two_customers_attributes_nothing_and_lists_both() {
    String a = customer("amb-a", "1000.00");
    String b = customer("amb-b", "1000.00");
    String po = "PO-" + RUN;
    order(a, "10.00", po);
    order(b, "20.00", po);
    JsonNode payment = pay("{\"amount\":\"11.90\",\"currency\":\"EUR\",\"remittanceInfo\":\"" + po + "\"}");
    assertFalse(payment.hasNonNull("customerId"), payment.toString());
    assertEquals("UNAPPLIED", payment.get("status").asText());
    JsonNode attribution = payment.get("attribution");
    assertEquals("AMBIGUOUS_REFERENCE", attribution.get("method").asText());
    Set<String> candidates = new HashSet<>();
    attribution.get("candidates").forEach(n -> candidates.add(n.asText()));
    assertEquals(Set.of(a, b), candidates);
    // Asking again changes nothing: the reference is still ambiguous.
    JsonNode again = server.postJson("/v1/payments/" + payment.get("paymentId").asText() + "/attribute", "", null).json();
    assertEquals("UNAPPLIED", again.get("status").asText());
  }

  @Test
  void an_invoice_number_outranks_an_external_reference_of_another_customer() {
    String a = customer("rank-a", "1000.00");
    String b = customer("rank-b", "1000.00");
    String po = "PX-" + RUN;
    JsonNode ofA = order(a, "30.00", null);
    order(b, "30.00", po);
    JsonNode payment = pay("{\"amount\":\"35.70\",\"currency\":\"EUR\",\"remittanceInfo\":\"" + po + " " + ofA.get("invoiceNumber").asText() + "\"}");
    assertEquals(a, payment.get("customerId").asText());
  }

  @Test
  void cash_naming_an_order_not_yet_placed_is_attributed_when_the_order_appears() {
    String c = customer("later", "1000.00");
    String po = "PL-" + RUN;
    JsonNode payment = pay("{\"amount\":\"23.80\",\"currency\":\"EUR\",\"remittanceInfo\":\"payment " + po + "\"}");
    String paymentId = payment.get("paymentId").asText();
    assertEquals("NONE", payment.get("attribution").get("method").asText());
    JsonNode order = order(c, "20.00", po);
    // Attributed by the new invoice's references (told right after the account's write).
    JsonNode applied = server.http().await("/v1/payments/" + paymentId,
        r -> r.status() == 200 && "APPLIED".equals(r.json().get("status").asText()), Duration.ofSeconds(30)).json();
    assertEquals(c, applied.get("customerId").asText());
    assertEquals(order.get("invoiceId").asText(), applied.get("allocations").get(0).get("invoiceId").asText());
    assertEquals("PAID", server.get("/v1/invoices/" + order.get("invoiceId").asText()).json().get("status").asText());
  }

  @Test
  void the_rerun_endpoint_attributes_what_it_can_and_reports_it() {
    Http.Response rerun = server.postJson("/v1/payments/attribute", "", null);
    assertEquals(200, rerun.status(), rerun.body());
    assertTrue(rerun.json().get("examined").asInt() >= 0);
    assertTrue(rerun.json().has("attributed"));
  }

  @Test
  void credit_is_checked_at_the_gross_total() {
    // Net 100.00 fits a limit of 110.00; gross 119.00 (19 % tax) does not: the order is held.
    String c = customer("gross", "110.00");
    JsonNode order = order(c, "100.00", null);
    assertEquals("ON_HOLD", order.get("status").asText());
    assertEquals("CREDIT_LIMIT_EXCEEDED", order.get("holdReasons").get(0).get("code").asText());
  }
}
