package dev.o2c.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.o2c.invoice.Invoice;
import dev.o2c.invoice.InvoiceReadModelProjection;
import dev.o2c.invoice.InvoicingProjection;
import dev.o2c.invoice.InvoicingSettings;
import dev.o2c.order.Order;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;
import org.apache.pekko.persistence.query.Offset;
import org.apache.pekko.projection.eventsourced.EventEnvelope;
import org.junit.jupiter.api.Test;

/**
 * The invoice routes on real invoices: orders placed through the API and invoiced by the real
 * invoicing projection handler (given the order's event directly), read models written by the
 * real read-model handler.
 */
class InvoiceRoutesTest extends DomainRouteTestBase {

  /** Places a verified order (20.00 + 19% tax = 23.80 with tax code STANDARD) and invoices it; the invoice's id. */
  private String invoicedOrder(String customerId) throws Exception {
    String orderId = placeOrder(ACME, null, "{\"customerId\":\"" + customerId + "\",\"currency\":\"EUR\",\"lines\":["
        + "{\"sku\":\"W\",\"quantity\":2,\"unitPrice\":\"10.00\",\"taxCode\":\"STANDARD\"}]}").get("orderId").asText();
    var invoicing = new InvoicingProjection(typedSystem(), InvoicingSettings.fromConfig(config()), clock(), Duration.ofSeconds(10));
    invoicing.process(EventEnvelope.create(Offset.noOffset(), "Order|acme:" + orderId, 2L,
        (Order.Event) new Order.Approved(customerId, List.of(), "test", null, Instant.now()), 0L)).toCompletableFuture().get(15, TimeUnit.SECONDS);
    String invoiceId = Invoice.idFor(orderId);
    new InvoiceReadModelProjection(typedSystem(), stores.invoices(), Duration.ofSeconds(10))
        .process(EventEnvelope.create(Offset.noOffset(), "Invoice|acme:" + invoiceId, 1L, (Invoice.Event) null, 0L))
        .toCompletableFuture().get(15, TimeUnit.SECONDS);
    return invoiceId;
  }

  private JsonNode invoice(String invoiceId) {
    var result = send(ACME, HttpRequest.GET("/v1/invoices/" + invoiceId));
    result.assertStatusCode(200);
    return json(result);
  }

  @Test
  void an_invoiced_order_has_an_invoice_with_number_tax_and_due_date() throws Exception {
    createCustomer(ACME, "i-read", "EUR", "1000");
    String invoiceId = invoicedOrder("i-read");
    JsonNode invoice = invoice(invoiceId);
    assertTrue(invoice.get("invoiceNumber").asText().matches("INV-\\d{4}-\\d{6}"), invoice.toString());
    assertEquals("20.00", invoice.get("subtotal").asText());
    assertEquals("3.80", invoice.get("tax").asText());
    assertEquals("23.80", invoice.get("total").asText());
    assertEquals("23.80", invoice.get("balance").asText());
    assertEquals("ISSUED", invoice.get("status").asText());
    assertEquals(invoice.get("issuedOn").asText(), java.time.LocalDate.parse(invoice.get("dueOn").asText()).minusDays(30).toString());
    JsonNode customer = json(send(ACME, HttpRequest.GET("/v1/customers/i-read")));
    assertEquals("23.80", customer.get("openReceivables").asText());
    assertEquals("0.00", customer.get("reservedForOrders").asText());

    JsonNode byNumber = json(send(ACME, HttpRequest.GET("/v1/invoices?number=" + invoice.get("invoiceNumber").asText())));
    assertEquals(invoiceId, byNumber.get("invoiceId").asText());
    JsonNode list = json(send(ACME, HttpRequest.GET("/v1/customers/i-read/invoices?status=open")));
    assertEquals(invoiceId, list.get("invoices").get(0).get("invoiceId").asText());
    assertEquals(0, json(send(ACME, HttpRequest.GET("/v1/customers/i-read/invoices?status=paid"))).get("invoices").size());
  }

  @Test
  void unknown_invoices_numbers_and_other_tenants_invoices_are_404() throws Exception {
    createCustomer(ACME, "i-404", "EUR", "1000");
    String invoiceId = invoicedOrder("i-404");
    problem(send(ACME, HttpRequest.GET("/v1/invoices/inv_nothing")), 404, "not-found");
    problem(send(ACME, HttpRequest.GET("/v1/invoices?number=INV-1999-000001")), 404, "not-found");
    problem(send(GLOBEX, HttpRequest.GET("/v1/invoices/" + invoiceId)), 404, "not-found");
    problem(send(GLOBEX, post("/v1/invoices/" + invoiceId + "/credit-notes", "{\"amount\":1,\"reason\":\"x\"}")), 404, "not-found");
    problem(send(ACME, post("/v1/invoices/inv_nothing/void", "{}")), 404, "not-found");
    problem(send(ACME, HttpRequest.GET("/v1/customers/nobody/invoices")), 404, "not-found");
  }

  @Test
  void list_parameters_are_validated() {
    createCustomer(ACME, "i-params", "EUR", "1000");
    assertEquals("status", problem(send(ACME, HttpRequest.GET("/v1/customers/i-params/invoices?status=late")), 400, "validation")
        .get("errors").get(0).get("field").asText());
    assertEquals("limit", problem(send(ACME, HttpRequest.GET("/v1/customers/i-params/invoices?limit=0")), 400, "validation")
        .get("errors").get(0).get("field").asText());
    problem(send(ACME, HttpRequest.GET("/v1/invoices")), 400, "validation");
  }

  @Test
  void a_credit_note_below_the_balance_lowers_it_and_a_retry_gets_the_same_note() throws Exception {
    createCustomer(ACME, "i-credit", "EUR", "1000");
    String invoiceId = invoicedOrder("i-credit");
    var request = post("/v1/invoices/" + invoiceId + "/credit-notes", "{\"amount\":\"3.80\",\"reason\":\"late delivery\"}")
        .addHeader(RawHeader.create("Idempotency-Key", "cn-key-1"));
    var created = send(ACME, request);
    created.assertStatusCode(201);
    JsonNode body = json(created);
    assertEquals("3.80", body.get("creditNote").get("appliedToInvoice").asText());
    assertEquals("0.00", body.get("creditNote").get("toAccountCredit").asText());
    assertEquals("20.00", body.get("invoice").get("balance").asText());
    assertEquals("PARTIALLY_PAID", body.get("invoice").get("status").asText());
    assertEquals("20.00", invoice(invoiceId).get("balance").asText(), "read right after: the credit is there");

    var again = send(ACME, request);
    again.assertStatusCode(201);
    again.assertHeaderExists("Idempotent-Replayed", "true");
    assertEquals(body.get("creditNote"), json(again).get("creditNote"));
    assertEquals("20.00", invoice(invoiceId).get("balance").asText(), "credited once");
    problem(send(ACME, post("/v1/invoices/" + invoiceId + "/credit-notes", "{\"amount\":\"1.00\",\"reason\":\"late delivery\"}")
        .addHeader(RawHeader.create("Idempotency-Key", "cn-key-1"))), 422, "idempotency-key-reused");
  }

  @Test
  void a_credit_note_key_used_on_another_invoice_of_the_customer_is_422() throws Exception {
    createCustomer(ACME, "i-keys", "EUR", "1000");
    String first = invoicedOrder("i-keys");
    String second = invoicedOrder("i-keys");
    String body = "{\"amount\":\"1.00\",\"reason\":\"x\"}";
    send(ACME, post("/v1/invoices/" + first + "/credit-notes", body).addHeader(RawHeader.create("Idempotency-Key", "k-x")))
        .assertStatusCode(201);
    problem(send(ACME, post("/v1/invoices/" + second + "/credit-notes", body).addHeader(RawHeader.create("Idempotency-Key", "k-x"))),
        422, "idempotency-key-reused");
    assertEquals("23.80", invoice(second).get("balance").asText());
  }

  @Test
  void a_credit_note_key_used_on_an_invoice_of_another_customer_is_422_and_credits_nothing() throws Exception {
    createCustomer(ACME, "i-keys-a", "EUR", "1000");
    createCustomer(ACME, "i-keys-b", "EUR", "1000");
    String ofA = invoicedOrder("i-keys-a");
    String ofB = invoicedOrder("i-keys-b");
    String body = "{\"amount\":\"1.00\",\"reason\":\"x\"}";
    send(ACME, post("/v1/invoices/" + ofA + "/credit-notes", body).addHeader(RawHeader.create("Idempotency-Key", "k-across")))
        .assertStatusCode(201);

    problem(send(ACME, post("/v1/invoices/" + ofB + "/credit-notes", body).addHeader(RawHeader.create("Idempotency-Key", "k-across"))),
        422, "idempotency-key-reused");

    assertEquals("23.80", invoice(ofB).get("balance").asText(), "nothing credited on B");
    assertEquals("0.00", json(send(ACME, HttpRequest.GET("/v1/customers/i-keys-b"))).get("accountCredit").asText());
    assertEquals("22.80", invoice(ofA).get("balance").asText(), "A credited once");
  }

  @Test
  void a_refused_credit_note_does_not_hold_its_key() throws Exception {
    createCustomer(ACME, "i-keys-free", "EUR", "1000");
    String invoiceId = invoicedOrder("i-keys-free");
    send(ACME, post("/v1/invoices/" + invoiceId + "/void", "{}")).assertStatusCode(200);
    String other = invoicedOrder("i-keys-free");

    problem(send(ACME, post("/v1/invoices/" + invoiceId + "/credit-notes", "{\"amount\":\"1.00\",\"reason\":\"x\"}")
        .addHeader(RawHeader.create("Idempotency-Key", "k-free"))), 409, "illegal-transition");
    send(ACME, post("/v1/invoices/" + other + "/credit-notes", "{\"amount\":\"1.00\",\"reason\":\"x\"}")
        .addHeader(RawHeader.create("Idempotency-Key", "k-free"))).assertStatusCode(201);
    assertEquals("22.80", invoice(other).get("balance").asText());
  }

  @Test
  void a_credit_note_above_the_balance_settles_the_invoice_and_the_rest_becomes_account_credit() throws Exception {
    createCustomer(ACME, "i-over", "EUR", "1000");
    String invoiceId = invoicedOrder("i-over");
    JsonNode body = json(send(ACME, post("/v1/invoices/" + invoiceId + "/credit-notes", "{\"amount\":30,\"reason\":\"refund\"}")));
    assertEquals("23.80", body.get("creditNote").get("appliedToInvoice").asText());
    assertEquals("6.20", body.get("creditNote").get("toAccountCredit").asText());
    assertEquals("0.00", body.get("invoice").get("balance").asText());
    assertEquals("PAID", body.get("invoice").get("status").asText());
    JsonNode customer = json(send(ACME, HttpRequest.GET("/v1/customers/i-over")));
    assertEquals("6.20", customer.get("accountCredit").asText());
    assertEquals("0.00", customer.get("openReceivables").asText());
    assertEquals("-6.20", customer.get("balance").asText());
  }

  @Test
  void a_credit_note_for_lines_credits_their_gross() throws Exception {
    createCustomer(ACME, "i-lines", "EUR", "1000");
    String invoiceId = invoicedOrder("i-lines");
    JsonNode body = json(send(ACME, post("/v1/invoices/" + invoiceId + "/credit-notes",
        "{\"lines\":[{\"lineNumber\":1,\"quantity\":1}],\"reason\":\"one returned\"}")));
    assertEquals("11.90", body.get("creditNote").get("amount").asText(), "10.00 + 19% tax");
  }

  @Test
  void invalid_credit_notes_are_400_naming_the_field() throws Exception {
    createCustomer(ACME, "i-invalid", "EUR", "1000");
    String invoiceId = invoicedOrder("i-invalid");
    String path = "/v1/invoices/" + invoiceId + "/credit-notes";
    assertEquals("amount", problem(send(ACME, post(path, "{\"amount\":\"1.005\",\"reason\":\"x\"}")), 400, "validation")
        .get("errors").get(0).get("field").asText());
    assertEquals("amount", problem(send(ACME, post(path, "{\"amount\":0,\"reason\":\"x\"}")), 400, "validation")
        .get("errors").get(0).get("field").asText());
    problem(send(ACME, post(path, "{\"amount\":1,\"lines\":[{\"lineNumber\":1}],\"reason\":\"x\"}")), 400, "validation");
    assertEquals("reason", problem(send(ACME, post(path, "{\"amount\":1}")), 400, "validation")
        .get("errors").get(0).get("field").asText());
    assertEquals("lines[0].lineNumber", problem(send(ACME, post(path, "{\"lines\":[{\"lineNumber\":9}],\"reason\":\"x\"}")), 400,
        "validation").get("errors").get(0).get("field").asText());
    assertEquals("23.80", invoice(invoiceId).get("balance").asText(), "nothing credited");
  }

  @Test
  void an_untouched_invoice_is_voided_and_a_credited_one_cannot_be() throws Exception {
    createCustomer(ACME, "i-void", "EUR", "1000");
    String untouched = invoicedOrder("i-void");
    var voided = send(ACME, post("/v1/invoices/" + untouched + "/void", "{\"reason\":\"issued by mistake\"}"));
    voided.assertStatusCode(200);
    assertEquals("VOID", json(voided).get("status").asText());
    assertEquals("0.00", json(voided).get("balance").asText());
    assertEquals("0.00", json(send(ACME, HttpRequest.GET("/v1/customers/i-void"))).get("creditUsed").asText());

    String credited = invoicedOrder("i-void");
    send(ACME, post("/v1/invoices/" + credited + "/credit-notes", "{\"amount\":1,\"reason\":\"x\"}")).assertStatusCode(201);
    JsonNode refused = problem(send(ACME, HttpRequest.POST("/v1/invoices/" + credited + "/void")), 409, "illegal-transition");
    assertEquals("PARTIALLY_PAID", refused.get("currentStatus").asText());
    problem(send(ACME, post("/v1/invoices/" + untouched + "/credit-notes", "{\"amount\":1,\"reason\":\"x\"}")), 409,
        "illegal-transition");
  }

  @Test
  void the_clock_is_shown_and_cannot_be_moved_without_the_test_clock() {
    JsonNode clock = json(send(ACME, HttpRequest.GET("/v1/admin/clock")));
    assertFalse(clock.get("adjustable").asBoolean());
    problem(send(ACME, HttpRequest.POST("/v1/admin/clock").withEntity(HttpEntities.create(
        ContentTypes.APPLICATION_JSON, "{\"date\":\"2030-01-01\"}"))), 404, "not-found");
  }
}
