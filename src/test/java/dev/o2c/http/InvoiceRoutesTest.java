package dev.o2c.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.o2c.invoice.InvoiceIds;
import java.util.List;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;
import org.junit.jupiter.api.Test;

/**
 * The invoice routes on real invoices: orders placed through the API, invoiced by their
 * customer's account in the same write that verifies them (the tenant invoices on verification),
 * read through the order (invoice id -> order -> customer -> the account's invoice). The
 * customer's invoice lists are the ledger projection's: its handler is given the account's events.
 */
class InvoiceRoutesTest extends DomainRouteTestBase {

  /** Places a verified order (20.00 + 19% tax = 23.80 with tax code STANDARD), which is invoiced at once; the invoice's id. */
  private String invoicedOrder(String customerId) {
    JsonNode order = placeOrder(ACME, null, "{\"customerId\":\"" + customerId + "\",\"currency\":\"EUR\",\"lines\":["
        + "{\"sku\":\"W\",\"quantity\":2,\"unitPrice\":\"10.00\",\"taxCode\":\"STANDARD\"}]}");
    assertEquals("VERIFIED", order.get("status").asText(), order.toString());
    String invoiceId = InvoiceIds.forOrder(order.get("orderId").asText());
    assertEquals(invoiceId, order.get("invoiceId").asText(), "the order's answer names its invoice");
    return invoiceId;
  }

  private JsonNode invoice(String invoiceId) {
    var result = send(ACME, HttpRequest.GET("/v1/invoices/" + invoiceId));
    result.assertStatusCode(200);
    return json(result);
  }

  @Test
  void an_invoiced_order_has_an_invoice_with_number_tax_and_due_date_readable_at_once() throws Exception {
    createCustomer(ACME, "i-read", "EUR", "1000");
    String invoiceId = invoicedOrder("i-read");

    JsonNode invoice = invoice(invoiceId); // no projection has run: the account has it

    assertTrue(invoice.get("invoiceNumber").asText().matches("INV-\\d{4}-\\d{6}"), invoice.toString());
    assertEquals(InvoiceIds.orderOf(invoiceId), invoice.get("orderId").asText());
    assertEquals("i-read", invoice.get("customerId").asText());
    assertEquals("20.00", invoice.get("subtotal").asText());
    assertEquals("3.80", invoice.get("tax").asText());
    assertEquals("23.80", invoice.get("total").asText());
    assertEquals("23.80", invoice.get("balance").asText());
    assertEquals("ISSUED", invoice.get("status").asText());
    assertEquals(invoice.get("issuedOn").asText(), java.time.LocalDate.parse(invoice.get("dueOn").asText()).minusDays(30).toString());
    JsonNode customer = json(send(ACME, HttpRequest.GET("/v1/customers/i-read")));
    assertEquals("23.80", customer.get("openReceivables").asText());
    assertEquals("0.00", customer.get("reservedForOrders").asText(), "the invoice took the place of the order's credit");
    assertEquals("23.80", customer.get("creditUsed").asText());

    JsonNode byNumber = json(send(ACME, HttpRequest.GET("/v1/invoices?number=" + invoice.get("invoiceNumber").asText())));
    assertEquals(invoice, byNumber, "the number was indexed before the order's answer went out");
    assertEquals(0, json(send(ACME, HttpRequest.GET("/v1/customers/i-read/invoices?status=all"))).get("invoices").size(),
        "the lists are the ledger projection's");

    projectLedger("i-read");

    JsonNode list = json(send(ACME, HttpRequest.GET("/v1/customers/i-read/invoices?status=open")));
    assertEquals(1, list.get("invoices").size(), list.toString());
    assertEquals(invoiceId, list.get("invoices").get(0).get("invoiceId").asText());
    assertEquals("23.80", list.get("invoices").get(0).get("balance").asText());
    assertEquals(0, json(send(ACME, HttpRequest.GET("/v1/customers/i-read/invoices?status=paid"))).get("invoices").size());
  }

  @Test
  void the_invoice_lists_follow_the_account_once_projected() throws Exception {
    createCustomer(ACME, "i-lists", "EUR", "1000");
    String paid = invoicedOrder("i-lists");
    String open = invoicedOrder("i-lists");
    send(ACME, post("/v1/invoices/" + paid + "/credit-notes", "{\"amount\":\"23.80\",\"reason\":\"goodwill\"}")).assertStatusCode(201);

    projectLedger("i-lists");

    assertEquals(List.of(open), json(send(ACME, HttpRequest.GET("/v1/customers/i-lists/invoices?status=open"))).get("invoices")
        .findValuesAsText("invoiceId"));
    JsonNode paidList = json(send(ACME, HttpRequest.GET("/v1/customers/i-lists/invoices?status=paid"))).get("invoices");
    assertEquals(List.of(paid), paidList.findValuesAsText("invoiceId"));
    assertEquals("0.00", paidList.get(0).get("balance").asText());
    assertEquals(2, json(send(ACME, HttpRequest.GET("/v1/customers/i-lists/invoices"))).get("invoices").size(), "all by default");
    JsonNode order = json(send(ACME, HttpRequest.GET("/v1/orders/" + InvoiceIds.orderOf(paid))));
    assertEquals("UNPAID", order.get("paymentStatus").asText(), "credited, not paid");
  }

  @Test
  void unknown_invoices_numbers_and_other_tenants_invoices_are_404() throws Exception {
    createCustomer(ACME, "i-404", "EUR", "1000");
    String invoiceId = invoicedOrder("i-404");
    problem(send(ACME, HttpRequest.GET("/v1/invoices/inv_nothing")), 404, "not-found");
    problem(send(ACME, HttpRequest.GET("/v1/invoices/inv_")), 404, "not-found");
    problem(send(ACME, HttpRequest.GET("/v1/invoices/" + InvoiceIds.orderOf(invoiceId))), 404, "not-found");
    problem(send(ACME, HttpRequest.GET("/v1/invoices/not%20an%20id")), 404, "not-found");
    problem(send(ACME, HttpRequest.GET("/v1/invoices?number=INV-1999-000001")), 404, "not-found");
    problem(send(GLOBEX, HttpRequest.GET("/v1/invoices/" + invoiceId)), 404, "not-found");
    problem(send(GLOBEX, post("/v1/invoices/" + invoiceId + "/credit-notes", "{\"amount\":1,\"reason\":\"x\"}")), 404, "not-found");
    problem(send(GLOBEX, post("/v1/invoices/" + invoiceId + "/void", "{}")), 404, "not-found");
    problem(send(GLOBEX, HttpRequest.GET("/v1/invoices?number=" + invoice(invoiceId).get("invoiceNumber").asText())), 404, "not-found");
    problem(send(ACME, post("/v1/invoices/inv_nothing/void", "{}")), 404, "not-found");
    problem(send(ACME, post("/v1/invoices/inv_nothing/credit-notes", "{\"amount\":1,\"reason\":\"x\"}")), 404, "not-found");
    problem(send(ACME, HttpRequest.GET("/v1/customers/nobody/invoices")), 404, "not-found");
    assertEquals("23.80", invoice(invoiceId).get("balance").asText(), "globex credited nothing");
    assertEquals("ISSUED", invoice(invoiceId).get("status").asText(), "globex voided nothing");
  }

  @Test
  void a_held_order_has_no_invoice_until_it_is_approved() {
    createCustomer(ACME, "i-held", "EUR", "10");
    JsonNode held = placeOrder(ACME, null, order("i-held", "EUR", "W", 1, "50.00"));
    assertEquals("ON_HOLD", held.get("status").asText());
    assertFalse(held.hasNonNull("invoiceId"), held.toString());
    String orderId = held.get("orderId").asText();
    String invoiceId = InvoiceIds.forOrder(orderId);

    problem(send(ACME, HttpRequest.GET("/v1/invoices/" + invoiceId)), 404, "not-found");
    problem(send(ACME, post("/v1/invoices/" + invoiceId + "/credit-notes", "{\"amount\":1,\"reason\":\"x\"}")), 404, "not-found");
    problem(send(ACME, post("/v1/invoices/" + invoiceId + "/void", "{}")), 404, "not-found");
    assertEquals("0.00", json(send(ACME, HttpRequest.GET("/v1/customers/i-held"))).get("accountCredit").asText());

    var approved = send(ACME, HttpRequest.POST("/v1/orders/" + orderId + "/approve"));

    approved.assertStatusCode(200);
    assertEquals(invoiceId, json(approved).get("invoiceId").asText(), "the approval issued the invoice in the same write");
    JsonNode invoice = invoice(invoiceId);
    assertEquals("ISSUED", invoice.get("status").asText());
    assertEquals("50.00", invoice.get("total").asText());
    assertEquals(json(approved).get("invoiceNumber").asText(), invoice.get("invoiceNumber").asText());
  }

  @Test
  void cancelling_an_invoiced_order_voids_an_untouched_invoice_and_credits_the_rest_of_a_credited_one() {
    createCustomer(ACME, "i-cancel", "EUR", "1000");
    String untouched = invoicedOrder("i-cancel");
    String credited = invoicedOrder("i-cancel");
    send(ACME, post("/v1/invoices/" + credited + "/credit-notes", "{\"amount\":\"3.80\",\"reason\":\"late\"}")).assertStatusCode(201);

    send(ACME, HttpRequest.POST("/v1/orders/" + InvoiceIds.orderOf(untouched) + "/cancel")).assertStatusCode(200);
    send(ACME, HttpRequest.POST("/v1/orders/" + InvoiceIds.orderOf(credited) + "/cancel")).assertStatusCode(200);

    JsonNode voided = invoice(untouched);
    assertEquals("VOID", voided.get("status").asText());
    assertEquals("0.00", voided.get("balance").asText());
    JsonNode settled = invoice(credited);
    assertEquals("0.00", settled.get("balance").asText());
    assertEquals("23.80", settled.get("amountCredited").asText(), "3.80 by hand, the rest by the cancellation");
    assertEquals("PAID", settled.get("status").asText());
    JsonNode customer = json(send(ACME, HttpRequest.GET("/v1/customers/i-cancel")));
    assertEquals("0.00", customer.get("openReceivables").asText());
    assertEquals("0.00", customer.get("accountCredit").asText(), "nothing credited beyond the balance");
    assertEquals("0.00", customer.get("creditUsed").asText());
  }

  @Test
  void list_parameters_are_validated() {
    createCustomer(ACME, "i-params", "EUR", "1000");
    assertEquals("status", problem(send(ACME, HttpRequest.GET("/v1/customers/i-params/invoices?status=late")), 400, "validation")
        .get("errors").get(0).get("field").asText());
    assertEquals("limit", problem(send(ACME, HttpRequest.GET("/v1/customers/i-params/invoices?limit=0")), 400, "validation")
        .get("errors").get(0).get("field").asText());
    // Without a number, /v1/invoices is the tenant's list (from the report read model, empty here: no projection runs).
    var list = send(ACME, HttpRequest.GET("/v1/invoices"));
    list.assertStatusCode(200);
    assertTrue(list.entityString().contains("\"invoices\":[]"), list.entityString());
    assertEquals("status", problem(send(ACME, HttpRequest.GET("/v1/invoices?status=late")), 400, "validation")
        .get("errors").get(0).get("field").asText());
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
    assertEquals(json(voided), invoice(untouched), "the answer is the invoice as the account holds it");
    var again = send(ACME, post("/v1/invoices/" + untouched + "/void", "{\"reason\":\"again\"}"));
    again.assertStatusCode(200);
    assertEquals(json(voided), json(again), "voiding twice answers the void invoice");

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
